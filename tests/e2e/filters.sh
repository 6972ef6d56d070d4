# filters.sh - metadata filters (issue 17 item 4, path and modification time): "path:GLOB",
# "after:DATE", "before:DATE" at the start of a query in `search` (one query and -q files)
# and `ask`, and a profile's filter: {path, after, before}. 200 random filtered queries in
# each of the three modes never return a file the filter leaves out, and find what it lets
# through; a filter never widens what the profile's collections allow; MCP's search tool
# holds a bound profile's filter.
. "$FN_ROOT/tests/lib/tap.sh"
cd "$FN_TMP" || exit 1
python3 - <<'PY' || tap_bail "could not write the tree"
import os, random
random.seed(17)
words = "harbor lantern quarry meadow falcon granite orchard willow beacon ember".split()
for d in ("a", "b", "c"):
    os.makedirs("docs/" + d, exist_ok=True)
for i in range(45):
    d = "abc"[i % 3]
    ext = (".md", ".txt", ".csv")[i // 3 % 3]
    ws = random.sample(words, 3)
    path = "docs/%s/f%02d%s" % (d, i, ext)
    with open(path, "w") as f:
        if ext == ".csv":
            f.write("word,n\n" + "".join("%s,%d\n" % (w, j) for j, w in enumerate(ws)))
        else:
            f.write("# Note %d\n\nThis note speaks of the %s, the %s and the %s.\n" % (i, *ws))
    year, month = 2024 + i % 3, 1 + i % 12
    t = "%04d-%02d-15 12:00:00 UTC" % (year, month)
    os.system("touch -d '%s' %s" % (t, path))
PY
cat >cfg.yaml <<YAML
index: {folders: [{path: $FN_TMP/docs/a, collection: alpha}, {path: $FN_TMP/docs/b, collection: beta}, {path: $FN_TMP/docs/c, collection: beta}]}
profiles:
  offline: {provider: builtin}
  alpha_only: {provider: builtin, retrieval: {collections: [alpha]}}
  old: {provider: builtin, filter: {before: "2025-01-01"}}
  notes: {provider: builtin, filter: {path: "*.md", after: 2025}}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
out=$(fn index 2>&1); rc=$?
check_eq "index: exit 0" "$rc" 0
check_contains "index: 45 files" "$out" "indexed 45 files"

# ---- 200 random filtered queries per mode --------------------------------------------------
python3 - <<'PY' >queries.txt
import random
random.seed(1)
words = "harbor lantern quarry meadow falcon granite orchard willow beacon ember".split()
globs = ["*.md", "*.txt", "*.csv", "a/*", "b/*", "c/*.md", "*/b/f1*", "f0*", "nomatch*"]
dates = ["2024", "2024-06", "2025-01-01", "2025-07-15", "2026", "2026-03-01"]
for i in range(200):
    f = []
    if random.random() < 0.6: f.append("path:" + random.choice(globs))
    if random.random() < 0.5: f.append("after:" + random.choice(dates))
    if random.random() < 0.5 or not f: f.append("before:" + random.choice(dates))
    random.shuffle(f)
    print(" ".join(f + random.sample(words, random.randint(1, 2))))
PY
check_eq "200 queries written" "$(wc -l <queries.txt | tr -d ' ')" 200
for mode in lexical vector hybrid; do
	fn search --json --mode $mode -k 50 -q queries.txt >res_$mode.jsonl 2>err_$mode.txt
	check_eq "$mode: exit 0" "$?" 0
	got=$(python3 - "$mode" <<'PY'
import fnmatch, json, os, sys, calendar, time
mode = sys.argv[1]
def date(s):
    p = [int(x) for x in s.split("-")] + [1, 1]
    return calendar.timegm((p[0], p[1], p[2], 0, 0, 0))
def passes(flt, path):
    mt = os.stat(path).st_mtime
    for k, v in flt:
        if k == "after" and mt < date(v): return False
        if k == "before" and mt >= date(v): return False
        if k == "path":
            tails = [path] + [path[i + 1:] for i, c in enumerate(path) if c == "/"]
            if not any(fnmatch.fnmatchcase(t, v) for t in tails): return False
    return True
qs = open("queries.txt").read().splitlines()
files = [os.path.join(r, f) for r, _, fs in os.walk(os.path.abspath("docs")) for f in fs]
bad = hits = missed = 0
for q, line in zip(qs, open("res_%s.jsonl" % mode)):
    words = [w for w in q.split() if ":" not in w]
    flt = [tuple(w.split(":", 1)) for w in q.split() if ":" in w]
    res = json.loads(line)["hits"]
    for h in res:
        hits += 1
        if not passes(flt, h["path"]): bad += 1
    # What the filter lets through and holds a word is found (lexical: exactly).
    if mode == "lexical":
        want = [p for p in files if passes(flt, p) and any(w in open(p).read() for w in words)]
        if want and not res: missed += 1
print(bad, hits > 100, missed)
PY
)
	check_eq "$mode: no hit outside its filter, hits found, nothing missed" "$got" "0 True 0"
done

# ---- one query: search, ask, the profile's filter, collections ---------------------------
out=$(fn search --json "path:a/* before:2025 harbor lantern quarry meadow falcon granite orchard willow beacon ember")
check_eq "search: only a/ files of 2024" "$(printf '%s' "$out" | python3 -c '
import json, sys
h = json.load(sys.stdin)["hits"]
print(len(h) > 0 and all("/docs/a/" in x["path"] for x in h))')" "True"
out=$(fn search "after:2025-13-01 harbor" 2>&1); rc=$?
check_eq "search: a bad date is a usage error" "$rc" 2
check_contains "search: it says how to write one" "$out" "after:2025-13-01 is not a date: write after:YYYY-MM-DD"
out=$(fn search "after:2025" 2>&1); rc=$?
check_eq "search: filter words alone are no query" "$rc" 2
out=$(fn ask --profile offline "before:2025-02-31x harbor" 2>&1); rc=$?
check_eq "ask: a bad date is a usage error" "$rc" 2
check_contains "ask: it says so" "$out" "is not a date"
out=$(fn ask --profile alpha_only --json "path:b/* harbor lantern quarry meadow falcon")
check_not_contains "ask: a path filter never widens the profile's collections" "$out" "/docs/b/"
check_not_contains "ask: nor picks the other collection" "$out" "/docs/c/"
out=$(fn ask --profile old --json "harbor lantern quarry meadow falcon granite")
check_eq "profile filter: before 2025 only" "$(printf '%s' "$out" | python3 -c '
import json, os, sys
c = json.load(sys.stdin)["citations"]
print(len(c) > 0 and all(os.stat(x["path"]).st_mtime < 1735689600 for x in c))')" "True"
out=$(fn ask --profile notes --json "before:2026 harbor lantern quarry meadow falcon granite")
check_eq "profile and question filters both hold" "$(printf '%s' "$out" | python3 -c '
import json, os, sys
c = json.load(sys.stdin)["citations"]
print(len(c) > 0 and all(x["path"].endswith(".md") and 1735689600 <= os.stat(x["path"]).st_mtime < 1767225600 for x in c))')" "True"
# MCP: a bound profile's filter holds for its search tool, and a query's own filter words.
mcp() { # profile query -> the hits' paths, one line
	python3 - "$FN_BIN" "$1" "$2" <<'PY'
import json, subprocess, sys
p = subprocess.Popen([sys.argv[1], "--config", "cfg.yaml", "--profile", sys.argv[2], "mcp"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
def send(m):
    p.stdin.write(json.dumps(m) + "\n"); p.stdin.flush()
send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
      "capabilities": {}, "clientInfo": {"name": "filters.sh", "version": "1"}}})
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
send({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "search",
      "arguments": {"query": sys.argv[3], "k": 20}}})
for line in p.stdout:
    m = json.loads(line)
    if m.get("id") == 2:
        r = m["result"]["structuredContent"]["hits"]
        print(len(r) > 0, all(h["path"].endswith(".md") for h in r), all("/docs/b/" in h["path"] for h in r))
        break
p.stdin.close(); p.wait(30)
PY
}
check_eq "mcp: the profile's path filter holds (bound)" "$(mcp notes 'harbor lantern quarry meadow falcon granite' | cut -d' ' -f1,2)" "True True"
check_eq "mcp: a query's path: words narrow it further" "$(mcp notes 'path:b/* harbor lantern quarry meadow falcon granite')" "True True True"
cat >bad.yaml <<YAML
index: {folders: [{path: $FN_TMP/docs/a}]}
profiles:
  p: {provider: builtin, filter: {after: "last week"}}
YAML
out=$("$FN_BIN" --config bad.yaml search harbor 2>&1); rc=$?
check "a bad date in a profile fails the config" test "$rc" -ne 0
check_contains "it names the key and the form" "$out" "profiles.p.filter.after"
tap_done
