"""mcp.py - `footnote mcp` end to end, driven like a client would (run by tests/e2e/mcp.sh).

A small index of two collections, the builtin answerer and the loopback model server; prints
TAP. Every wait is for a message, bounded (60 s), never a sleep."""
import json, os, select, subprocess, sys, time

BIN, TMP = os.environ["FN_BIN"], os.environ["FN_TMP"]
FAKE = os.environ.get("FAKELLM_URL", "")
n = failed = 0


def ok(cond, desc, detail=""):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, desc))
    if not cond and detail:
        for line in str(detail).splitlines()[:20]:
            print("# " + line)
    sys.stdout.flush()


class Server:
    def __init__(self, *args):
        self.p = subprocess.Popen([BIN, "--config", TMP + "/cfg.yaml", "mcp", "--no-watch", *args],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""
        self.lines = []  # every stdout line, for the "only protocol" check
        self.id = 0

    def send(self, obj):
        self.p.stdin.write((json.dumps(obj) + "\n").encode())
        self.p.stdin.flush()

    def send_raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def recv(self, timeout=60):
        end = time.time() + timeout
        while b"\n" not in self.buf:
            left = end - time.time()
            if left <= 0 or not select.select([self.p.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        self.lines.append(line)
        return json.loads(line)

    def request(self, method, params=None, progress=None):
        self.id += 1
        msg = {"jsonrpc": "2.0", "id": self.id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        notes = []
        while True:
            m = self.recv()
            if m is None or m.get("id") == self.id:
                return m, notes
            notes.append(m)

    def call(self, tool, args, **kw):
        return self.request("tools/call", {"name": tool, "arguments": args}, **kw)

    def init(self):
        r, _ = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                           "clientInfo": {"name": "mcp.py", "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return r

    def close(self):
        self.p.stdin.close()
        try:
            rc = self.p.wait(60)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = "timeout"
        rest = self.p.stdout.read()
        self.lines += [l for l in (self.buf + rest).split(b"\n") if l]
        return rc


def structured(r):
    return (r or {}).get("result", {}).get("structuredContent", {})


s = Server()
r = s.init()
ok(r and r["result"]["protocolVersion"] == "2025-06-18", "initialize: the client's version is kept", r)
r, _ = s.request("tools/list")
names = sorted(t["name"] for t in r["result"]["tools"])
ok(names == ["ask", "get_source", "search"], "tools/list: search, ask, get_source", names)
ok(all("inputSchema" in t and "outputSchema" in t for t in r["result"]["tools"]), "every tool has input and output schemas")

r, _ = s.call("search", {"query": "boiling point of water", "k": 3})
hits = structured(r).get("hits", [])
ok(hits and hits[0]["path"].endswith("/notes/water.md"), "search: the water note comes first", r)
ok(hits and hits[0]["line_start"] == 1 and hits[0]["uri"].startswith("file:///"), "search: lines and a file:// URI", hits[:1])
text = json.loads(r["result"]["content"][0]["text"])
ok(text == structured(r), "search: the text content is the structured content as JSON")
r, _ = s.call("search", {"query": "water", "collection": "nope"})
ok(r.get("error", {}).get("code") == -32602, "search: an unknown collection is an invalid-params error", r)
r, _ = s.call("search", {"query": "water", "k": "ten"})
ok(r.get("error", {}).get("code") == -32602 and "k" in r["error"]["message"], "search: k of the wrong type is refused, naming k", r)
r, _ = s.call("search", {"query": "water", "filters": {"path": "*/recipes/*"}})
ok(all("/recipes/" in h["path"] for h in structured(r)["hits"]), "search: a path filter keeps only matching files", r)

r, _ = s.call("get_source", {"path": TMP + "/notes/water.md", "lines": "2"})
sc = structured(r)
ok(sc.get("stale") is False and sc["passages"] and "100 degrees" in sc["passages"][0]["text"], "get_source: the passage as indexed, not stale", r)
with open(TMP + "/notes/water.md", "a") as f:
    f.write("Edited after indexing.\n")
r, _ = s.call("get_source", {"path": TMP + "/notes/water.md"})
ok(structured(r).get("stale") is True, "get_source: stale once the file changed", r)
r, _ = s.call("get_source", {"path": "/etc/passwd"})
ok(r["result"].get("isError") is True and "not in the index" in r["result"]["content"][0]["text"], "get_source: a file outside the index is a tool error", r)

r, notes = s.call("ask", {"question": "At what temperature does water boil?", "profile": "offline"})
sc = structured(r)
ok(sc.get("outcome") == "completed" and "[1]" in sc.get("answer", ""), "ask (builtin): a cited answer", r)
ok(sc.get("citations") and sc["citations"][0]["path"].endswith("water.md") and "verification" in sc, "ask: citations and verification", sc.get("citations"))
ok(sc.get("version") == 1 and sc["provenance"]["profile"] == "offline", "ask: versioned, with its provenance", sc.get("provenance"))

r, _ = s.request("resources/list")
uris = [x["uri"] for x in r["result"]["resources"]]
ok(any(u.endswith("/notes/water.md") for u in uris) and any("/recipes/" in u for u in uris), "resources/list: every indexed file", uris)
r, _ = s.request("resources/read", {"uri": [u for u in uris if u.endswith("water.md")][0]})
ok("100 degrees" in r["result"]["contents"][0]["text"], "resources/read: the text as indexed", r)
r, _ = s.request("resources/read", {"uri": "file:///nowhere.md"})
ok(r.get("error", {}).get("code") == -32002, "resources/read: an unknown URI is -32002", r)

# Bad input: not JSON, an unknown method, a line of 100 MB, then a normal request still works.
s.send_raw(b"{this is not json\n")
m = s.recv()
ok(m and m["error"]["code"] == -32700 and m["id"] is None, "malformed JSON: -32700 with id null", m)
r, _ = s.request("no/such/method")
ok(r["error"]["code"] == -32601, "unknown method: -32601", r)
big = b'{"jsonrpc":"2.0","id":999,"method":"ping","params":{"x":"' + b"a" * (100 << 20) + b'"}}\n'
s.send_raw(big)
m = s.recv()
ok(m and m["error"]["code"] == -32600 and "dropped" in m["error"]["message"], "a 100 MB line: an error, no crash", m)
r, _ = s.request("ping")
ok(r == {"jsonrpc": "2.0", "id": s.id, "result": {}}, "the server answers after the huge line", r)

if FAKE:
    # Progress while it streams, then the result.
    r, notes = s.request("tools/call", {"name": "ask", "arguments": {"question": "At what temperature does water boil?"},
                                        "_meta": {"progressToken": "tok"}})
    prog = [x for x in notes if x.get("method") == "notifications/progress"]
    ok(prog and all(p["params"]["progressToken"] == "tok" for p in prog), "ask (model): progress notifications with the token", notes)
    vals = [p["params"]["progress"] for p in prog]
    ok(vals == sorted(vals) and len(set(vals)) == len(vals), "ask: progress only grows", vals)
    ok(structured(r).get("outcome") == "completed", "ask (model): completed", r)
    # Cancellation: a stalled answer is cancelled; no response comes for it, ping still does.
    s.id += 1
    cid = s.id
    s.send({"jsonrpc": "2.0", "id": cid, "method": "tools/call",
            "params": {"name": "ask", "arguments": {"question": "water boil", "profile": "stall"}}})
    s.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": cid, "reason": "test"}})
    r, notes = s.request("ping")
    ok(r and r.get("result") == {}, "cancel: the server goes on answering", r)
    ok(all(x.get("id") != cid for x in notes), "cancel: no response for the cancelled call", notes)

rc = s.close()
ok(rc == 0, "stdin closed: exits 0", rc)
bad = []
for line in s.lines:
    try:
        m = json.loads(line)
        if m.get("jsonrpc") != "2.0":
            bad.append(line[:200])
    except ValueError:
        bad.append(line[:200])
ok(not bad, "stdout carried only JSON-RPC messages", bad)

# Bound to a profile: only its collections, only it answers.
s = Server("--profile", "notes-only")
s.init()
r, _ = s.call("search", {"query": "flour water bread"})
ok(all("/notes/" in h["path"] for h in structured(r)["hits"]), "--profile: search sees only its collections", r)
r, _ = s.call("search", {"query": "bread", "collection": "recipes"})
ok(r.get("error", {}).get("code") == -32602, "--profile: another collection is refused", r)
r, _ = s.call("get_source", {"path": TMP + "/recipes/bread.md"})
ok(r["result"].get("isError") is True, "--profile: get_source of a forbidden file is refused", r)
r, _ = s.request("resources/list")
ok(all("/notes/" in x["uri"] for x in r["result"]["resources"]), "--profile: resources only of its collections", r)
r, _ = s.call("ask", {"question": "bread", "profile": "offline"})
ok(r.get("error", {}).get("code") == -32602, "--profile: ask with another profile is refused", r)
ok(s.close() == 0, "bound server exits 0")

if FAKE:
    # A client that goes away mid-answer: the server cancels and exits 0, without a crash.
    s = Server()
    s.init()
    s.send({"jsonrpc": "2.0", "id": 50, "method": "tools/call",
            "params": {"name": "ask", "arguments": {"question": "water", "profile": "stall"}}})
    s.send({"jsonrpc": "2.0", "id": 51, "method": "ping"})
    m = s.recv()
    ok(m and m.get("id") == 51, "mid-answer: the server still answers", m)
    rc = s.close()
    err = s.p.stderr.read().decode("utf-8", "replace")
    ok(rc == 0 and "ERROR" not in err and "Sanitizer" not in err, "mid-answer disconnect: exits 0, no sanitizer report", err or rc)

print("1..%d" % n)
sys.exit(1 if failed else 0)
