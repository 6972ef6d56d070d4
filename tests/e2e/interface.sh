# interface.sh - the JSON of ask, search, eval, log and the MCP tools has every path that
# docs/INTERFACE.md documents (tests/e2e/interface.py reads the tables).
. "$FN_ROOT/tests/lib/tap.sh"
cd "$FN_TMP" || exit 1
mkdir notes out
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nAt altitude it boils at a lower temperature.\n' >notes/water.md
printf '# Bread\n\nBake bread at 230 degrees.\n' >notes/bread.md
cat >cfg.yaml <<YAML
index: {folders: [{path: $FN_TMP/notes}]}
profiles:
  rag: {provider: builtin}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
fn index >/dev/null 2>&1 || tap_bail "index failed"
fn ask --json "At what temperature does water boil?" >out/ask.json
fn search --json "water boils" >out/search.json
echo "water boils" | fn search --queries - >out/search-queries.json
printf '{"id":"q1","question":"water boiling temperature","relevant":["water.md"]}\n' >q.jsonl
fn eval q.jsonl --json >out/eval.json
sessions=$(fn paths | awk '$1 == "sessions" {print $2}')
mkdir -p "$sessions" && cp "$FN_ROOT"/tests/data/sessions/*.json "$sessions/"
fn log --json >out/log.json
{
	printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}'
	printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"query":"water boils"}}}'
	printf '%s\n' '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask","arguments":{"question":"At what temperature does water boil?"}}}'
	printf '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_source","arguments":{"path":"%s"}}}\n' "$FN_TMP/notes/water.md"
} | fn mcp --no-watch | python3 -c '
import json, sys
names = {1: "mcp-search", 2: "mcp-ask", 3: "mcp-get_source"}
for line in sys.stdin:
    m = json.loads(line)
    if m.get("id") in names:
        open("out/%s.json" % names[m["id"]], "w").write(json.dumps(m["result"]["structuredContent"]) + "\n")
'
exec python3 "$FN_ROOT/tests/e2e/interface.py"
