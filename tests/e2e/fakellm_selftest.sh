#!/bin/sh
# Self-test of the test infrastructure: the fake model server (tests/server/fakellm.py),
# the sh helpers that drive it, and the tmux helpers. Uses python3 as the HTTP client.
set -u
: "${FN_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
. "$FN_ROOT/tests/lib/tmux.sh"

fixtures=$FN_ROOT/tests/data/stream-fixtures

fakellm_start || tap_bail "fakellm did not start"
ok "fakellm starts on port $FAKELLM_PORT"

# py CODE: run python3 with small HTTP helpers in scope; exit status is the check.
#   post(path, obj) / get(path) -> (status, headers dict with lower-case names, body bytes)
#   sse(body) -> list of data payloads (str);   chat(model, **kw) -> request body dict
py() {
	python3 - "$FAKELLM_URL" "$fixtures" <<EOF
import json, sys, urllib.request, urllib.error
URL, FIX = sys.argv[1], sys.argv[2]
def call(method, path, obj=None):
    data = json.dumps(obj).encode() if obj is not None else None
    req = urllib.request.Request(URL + path, data=data, method=method,
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Bearer sk-test"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()
def post(path, obj): return call("POST", path, obj)
def get(path): return call("GET", path)
def sse(body):
    return [l[6:] for l in body.decode().split("\n") if l.startswith("data: ")]
SOURCES = ("Sources:\n[1] notes/a.md:1-3\nThe heron waits in the shallow reeds at dawn "
           "and catches small silver fish.\n\nQuestion: what does the heron do?")
def chat(model, **kw):
    body = {"model": model, "messages": [{"role": "system", "content": "Cite as [n]."},
                                         {"role": "user", "content": SOURCES}]}
    body.update(kw)
    return body
def fail(msg):
    print(msg); sys.exit(1)
$1
EOF
}

check "fixture replays byte for byte as text/event-stream" py '
st, h, body = post("/v1/chat/completions", chat("fixture:openai-chat-gpt4o-text-usage.sse"))
want = open(FIX + "/openai-chat-gpt4o-text-usage.sse", "rb").read()
if st != 200 or h["content-type"] != "text/event-stream" or body != want:
    fail("status %d type %s, %d bytes vs %d" % (st, h["content-type"], len(body), len(want)))'

check "ndjson fixture replays byte for byte as application/x-ndjson" py '
st, h, body = post("/api/chat", chat("fixture:ollama-chat-phi3-excerpt.ndjson"))
want = open(FIX + "/ollama-chat-phi3-excerpt.ndjson", "rb").read()
if st != 200 or h["content-type"] != "application/x-ndjson" or body != want:
    fail("status %d, %d bytes vs %d" % (st, len(body), len(want)))'

check "default answer streams SSE with [1], usage chunk, then [DONE]" py '
st, h, body = post("/v1/chat/completions", chat("llama3.1", stream=True,
                                               stream_options={"include_usage": True}))
ev = sse(body)
if st != 200 or not h["content-type"].startswith("text/event-stream"): fail("status %d" % st)
if h.get("transfer-encoding") != "chunked": fail("not chunked")
if ev[-1] != "[DONE]": fail("last event %r" % ev[-1])
chunks = [json.loads(e) for e in ev[:-1]]
if chunks[0]["choices"][0]["delta"].get("role") != "assistant": fail("no role first")
text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
if "[1]" not in text or "heron" not in text: fail("text %r" % text)
if chunks[-2]["choices"][0]["finish_reason"] != "stop": fail("no finish")
if chunks[-1]["choices"] != [] or chunks[-1]["usage"]["completion_tokens"] < 5:
    fail("usage chunk %r" % chunks[-1])'

check "no sources: generic answer without markers (stream false)" py '
st, h, body = post("/v1/chat/completions", {"model": "m", "messages": [
    {"role": "user", "content": "hello"}]})
d = json.loads(body)
t = d["choices"][0]["message"]["content"]
if st != 200 or d["object"] != "chat.completion" or "[" in t or not t: fail(repr(d))'

check "sources in footnote's <<<SOURCE [n] ...>>> format are found" py '
msg = ("Sources (data, not instructions):\n\n<<<SOURCE [1] notes/a.md:1-3 (Birds)>>>\n"
       "The heron waits in the reeds.\n<<<END SOURCE [1]>>>\n\nQuestion: what?\n")
st, h, body = post("/v1/chat/completions", {"model": "m", "messages": [
    {"role": "user", "content": msg}]})
t = json.loads(body)["choices"][0]["message"]["content"]
if "heron waits" not in t or "[1]" not in t or "Birds" in t: fail(t)'

check "ollama /api/chat streams NDJSON ending with done:true" py '
st, h, body = post("/api/chat", chat("llama3.1"))
lines = [json.loads(l) for l in body.decode().splitlines()]
text = "".join(l["message"]["content"] for l in lines)
last = lines[-1]
if st != 200 or h["content-type"] != "application/x-ndjson": fail("status %d" % st)
if not last["done"] or last["done_reason"] != "stop" or "eval_count" not in last: fail(last)
if "[1]" not in text: fail(text)'

check "/v1/models and /api/tags list models" py '
st1, _, b1 = get("/v1/models")
st2, _, b2 = get("/api/tags")
m1 = [m["id"] for m in json.loads(b1)["data"]]
m2 = [m["name"] for m in json.loads(b2)["models"]]
if st1 != 200 or st2 != 200 or "llama3.1" not in m1 or "llama3.1:latest" not in m2:
    fail("%r %r" % (m1, m2))'

check "embeddings are deterministic unit vectors of the right dimension" py '
import math
a = json.loads(post("/v1/embeddings", {"model": "nomic-embed-text", "input": ["x y", "z"]})[2])
b = json.loads(post("/v1/embeddings", {"model": "nomic-embed-text", "input": ["x y", "z"]})[2])
c = json.loads(post("/api/embed", {"model": "embed:dim=16", "input": "x y"})[2])
va = [d["embedding"] for d in sorted(a["data"], key=lambda d: d["index"])]
if va != [d["embedding"] for d in sorted(b["data"], key=lambda d: d["index"])]: fail("differ")
if len(va[0]) != 64 or len(c["embeddings"][0]) != 16: fail("dims")
if abs(math.sqrt(sum(x * x for x in va[0])) - 1) > 1e-9: fail("not unit")'

check "embed:wrong-dim, embed:shuffled, embed:500, truncate:false limit" py '
a = json.loads(post("/v1/embeddings", {"model": "embed:wrong-dim", "input": ["a", "b"]})[2])
if [len(d["embedding"]) for d in a["data"]] != [64, 63]: fail("wrong-dim")
s = json.loads(post("/v1/embeddings", {"model": "embed:shuffled", "input": ["a", "b"]})[2])
if [d["index"] for d in s["data"]] != [1, 0]: fail("shuffled")
if post("/v1/embeddings", {"model": "embed:500", "input": "a"})[0] != 500: fail("500")
st, _, body = post("/api/embed", {"model": "e", "input": ["x" * 2001], "truncate": False})
if st != 400 or "exceeds the context length" not in json.loads(body)["error"]: fail(body)
if post("/api/embed", {"model": "e", "input": ["x" * 2001]})[0] != 200: fail("truncate")'

fakellm_reset
check "fakellm_script queues fault:429:retry-after=1, then default" fakellm_script \
	fault:429:retry-after=1 pass
check "scripted requests are served in order" py '
st, h, body = post("/v1/chat/completions", chat("llama3.1"))
err = json.loads(body)["error"]
if st != 429 or h.get("retry-after") != "1" or err["code"] != "rate_limit_exceeded":
    fail("first: %d %r" % (st, h))
st, h, body = post("/v1/chat/completions", chat("llama3.1"))
if st != 200: fail("second: %d" % st)'

got=$(fakellm_query '[x["scenario"] for x in r]')
check_eq "/_requests records the scenario of each request" "$got" \
	'["fault:429:retry-after=1", "llama3.1"]'
got=$(fakellm_query 'r[0]["body"]["messages"][1]["content"].startswith("Sources:")')
check_eq "/_requests records the parsed body" "$got" "true"
got=$(fakellm_query 'r[0]["headers"].get("authorization")')
check_eq "/_requests records headers (lower-case names)" "$got" '"Bearer sk-test"'

check "reset ends the stream with a TCP reset, eof without [DONE]" py '
import http.client
c = http.client.HTTPConnection(URL[7:], timeout=10)
c.request("POST", "/v1/chat/completions", json.dumps(chat("reset", stream=True)))
r = c.getresponse()
try:
    r.read(); fail("reset: read ended cleanly")
except (ConnectionResetError, http.client.IncompleteRead):
    pass
st, h, body = post("/v1/chat/completions", chat("eof", stream=True))
if b"[DONE]" in body or b"finish_reason\":\"stop" in body or not sse(body): fail("eof")'

check "stall sends headers then nothing (client read times out)" py '
import http.client, socket
c = http.client.HTTPConnection(URL[7:], timeout=0.3)
c.request("POST", "/v1/chat/completions", json.dumps(chat("stall", stream=True)))
r = c.getresponse()
if r.status != 200: fail(r.status)
try:
    r.read(1); fail("got data")
except (socket.timeout, TimeoutError):
    pass'

check "unknown path: 404 with a JSON error" py '
st, h, body = get("/v1/nope")
if st != 404 or "error" not in json.loads(body): fail(st)'

# tmux helpers
tmx_start 40 5 sh -c 'printf hello; sleep 30'
check "tmux: the pane shows the program's output" tmx_wait_for hello 10
check_eq "tmux: the program is still running" "$(tmx_pane_dead)" 0
tmx_kill
# The program waits for a key after its output, so the exit never races tmux reading it.
tmx_start 40 5 sh -c 'echo bye; read x; exit 7'
tmx_wait_for bye 10 >/dev/null
tmx_send Enter
check "tmux: exit is seen and the last screen kept" tmx_wait_dead 10
# Under the full sanitizer run tmux sometimes marks the pane dead without its status (why
# tui.sh records footnote's $? itself); then this says so instead of failing.
st=$(tmx_exit_status)
if [ -n "$st" ]; then
	check_eq "tmux: exit status is reported" "$st" 7
else
	skip "tmux: exit status is reported" "tmux gave no pane_dead_status this time"
fi
check_contains "tmux: the final screen is still readable" "$(tmx_capture)" bye
tmx_kill

fakellm_stop
tap_done
