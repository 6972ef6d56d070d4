#!/bin/sh
# mcp_bench.sh - search over MCP (one `footnote mcp` process, a tools/call per query, timed
# from the request line written to the response line read) beside the same search from the
# command line (`footnote search --json`, a process per query), on the SciFact corpus when
# ../shared has it, else on 2,000 generated notes. Prints ROW lines (tests/bench/bench.h).
#   sh tests/bench/mcp_bench.sh BUILD_DIR
set -u
build=${1:-build/release}
bin=$(cd "$build" && pwd)/footnote
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/.config" XDG_DATA_HOME="$tmp/.local/share" XDG_STATE_HOME="$tmp/.local/state"
mkdir -p "$tmp/docs"
corpus=${FN_SHARED:-../shared}/data/scifact/corpus.jsonl
python3 - "$corpus" "$tmp/docs" "$tmp/queries" <<'PY'
import json, os, random, sys
corpus, docs, queries = sys.argv[1:4]
random.seed(7)
texts = []
if os.path.exists(corpus):
    with open(corpus) as f:
        for line in f:
            d = json.loads(line)
            texts.append((d["_id"], d.get("title", "") + "\n\n" + d.get("text", "")))
else:
    words = ["retrieval", "tokens", "model", "cost", "latency", "index", "vector", "citation",
             "passage", "budget", "server", "window", "query", "answer", "profile", "session"]
    for i in range(2000):
        texts.append((str(i), " ".join(random.choice(words) for _ in range(120))))
for i, (name, text) in enumerate(texts):
    with open(os.path.join(docs, "%s.txt" % name), "w") as f:
        f.write(text)
with open(queries, "w") as f:
    for name, text in random.sample(texts, 30):
        f.write(" ".join(text.split()[:8]) + "\n")
PY
printf 'index: {folders: [{path: %s/docs}]}\nprofiles: {rag: {provider: builtin}}\n' "$tmp" >"$tmp/cfg.yaml"
echo "mcp_bench: indexing $(ls "$tmp/docs" | wc -l) files" >&2
"$bin" --config "$tmp/cfg.yaml" index >/dev/null 2>&1 || { echo "mcp_bench: index failed" >&2; exit 1; }
python3 - "$bin" "$tmp/cfg.yaml" "$tmp/queries" <<'PY'
import json, subprocess, sys, time
bin, cfg, qfile = sys.argv[1:4]
queries = [q.strip() for q in open(qfile) if q.strip()]
def p50(v):
    v = sorted(v)
    return v[(len(v) - 1) // 2]
cli = []
for q in queries:
    t = time.perf_counter()
    out = subprocess.run([bin, "--config", cfg, "search", "--json", q], capture_output=True, check=True).stdout
    cli.append((time.perf_counter() - t) * 1000)
    assert json.loads(out)["hits"], q
p = subprocess.Popen([bin, "--config", cfg, "mcp", "--no-watch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def rpc(i, method, params):
    p.stdin.write((json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n").encode())
    p.stdin.flush()
    return json.loads(p.stdout.readline())
rpc(0, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "b", "version": "1"}})
mcp = []
for i, q in enumerate(queries, 1):
    t = time.perf_counter()
    r = rpc(i, "tools/call", {"name": "search", "arguments": {"query": q}})
    mcp.append((time.perf_counter() - t) * 1000)
    assert r["result"]["structuredContent"]["hits"], q
p.stdin.close()
p.wait()
a, b = p50(mcp), p50(cli)
print("ROW\t19\tsearch round trip over MCP, p50 of %d (one server, a tools/call each)\t%.2f\tms\t"
      "footnote search --json, a process each\t%.2f\t<= CLI\t%s" % (len(queries), a, b, "pass" if a <= b else "fail"))
PY
