# Start, script and query the fake model server (tests/server/fakellm.py) from sh tests.
# POSIX sh; source it after tap.sh. HTTP calls use python3 (curl may not be installed).
#
#   fakellm_start [SERVER_ARG...]   start on a free port; waits up to 10 s for the port file;
#                                   exports FAKELLM_PORT, FAKELLM_URL (http://127.0.0.1:PORT),
#                                   FAKELLM_PID, FAKELLM_DIR (holds "port", "log", "stderr").
#                                   Returns 1 (with the server's stderr on stderr) if it did
#                                   not come up. Registers fakellm_stop with at_exit when
#                                   tap.sh is loaded. Extra args go to the server, e.g.
#                                   --token-ms 20. FAKELLM_MAX_SECONDS (default 600) bounds
#                                   the server's life.
#   fakellm_stop                    SIGTERM the server, wait up to 5 s (then SIGKILL), remove
#                                   FAKELLM_DIR unless FAKELLM_KEEP is set. Safe to call twice.
#   fakellm_script NAME...          queue scenarios for the next requests (any endpoint).
#   fakellm_reset                   clear the queue and the recorded requests.
#   fakellm_requests                print the JSON list of recorded requests.
#   fakellm_query PY_EXPR           evaluate a Python expression over the recorded requests
#                                   (bound to r, a list of dicts; json is imported) and print
#                                   it as JSON, e.g.
#                                     fakellm_query 'r[-1]["body"]["stream_options"]'
#                                     fakellm_query 'len(r)'
#                                     fakellm_query '"authorization" in r[0]["headers"]'
#                                   Exit status 1 (message on stderr) if the expression fails.
#   fakellm_get PATH                GET FAKELLM_URL/PATH, print the body (status >= 400: exit 1).
#   fakellm_post PATH JSON          POST JSON to FAKELLM_URL/PATH, print the body.
#   fakellm_log                     print the server's request log.
#
# The server is found at $FN_ROOT/tests/server/fakellm.py; FN_ROOT defaults to two levels
# above the directory of the running test script ($0), i.e. the repository root for
# tests/e2e/*.sh.

: "${FN_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"

_fakellm_http() { # METHOD PATH [BODY]
	python3 - "$FAKELLM_URL" "$@" <<'PY'
import sys, urllib.request, urllib.error
base, method, path = sys.argv[1], sys.argv[2], sys.argv[3]
body = sys.argv[4].encode() if len(sys.argv) > 4 else None
req = urllib.request.Request(base + path, data=body, method=method,
                             headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=10) as resp:
        sys.stdout.write(resp.read().decode("utf-8", "replace"))
except urllib.error.HTTPError as e:
    sys.stdout.write(e.read().decode("utf-8", "replace"))
    sys.stderr.write("fakellm: HTTP %d for %s %s\n" % (e.code, method, path))
    sys.exit(1)
except OSError as e:
    sys.stderr.write("fakellm: %s %s failed: %s\n" % (method, path, e))
    sys.exit(2)
PY
}

# fakellm_fixture FILE TEXT [COMPLETION_TOKENS]: writes an OpenAI stream of TEXT in
# 5-character deltas for `fakellm_start --fixtures DIR` (model "fixture:NAME"). With
# COMPLETION_TOKENS (a number, or "auto" for one per 4 characters) a usage event follows,
# with 90 prompt tokens.
fakellm_fixture() {
	python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
path, text, usage = sys.argv[1], sys.argv[2], sys.argv[3]
def ev(obj):
    return "data: " + json.dumps(obj) + "\n\n"
def chunk(delta, finish=None):
    return ev({"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "m",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
out = chunk({"role": "assistant", "content": ""})
for i in range(0, len(text), 5):
    out += chunk({"content": text[i:i + 5]})
out += chunk({}, "stop")
if usage:
    n = len(text) // 4 if usage == "auto" else int(usage)
    out += ev({"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [],
               "usage": {"prompt_tokens": 90, "completion_tokens": n, "total_tokens": 90 + n}})
out += "data: [DONE]\n\n"
open(path, "w").write(out)
PY
}

fakellm_start() {
	if [ -n "${FAKELLM_PID:-}" ] && kill -0 "$FAKELLM_PID" 2>/dev/null; then
		echo "fakellm_start: already running (pid $FAKELLM_PID)" >&2
		return 1
	fi
	FAKELLM_DIR=$(mktemp -d "${FN_TMP:-${TMPDIR:-/tmp}}/fakellm.XXXXXX") || return 1
	python3 "$FN_ROOT/tests/server/fakellm.py" --port 0 --port-file "$FAKELLM_DIR/port" \
		--log "$FAKELLM_DIR/log" --max-seconds "${FAKELLM_MAX_SECONDS:-600}" "$@" \
		</dev/null >"$FAKELLM_DIR/stderr" 2>&1 &
	FAKELLM_PID=$!
	export FAKELLM_PID FAKELLM_DIR
	command -v at_exit >/dev/null 2>&1 && at_exit fakellm_stop
	_fakellm_i=0
	while [ ! -s "$FAKELLM_DIR/port" ]; do
		if ! kill -0 "$FAKELLM_PID" 2>/dev/null || [ "$_fakellm_i" -ge 200 ]; then
			echo "fakellm_start: server did not start within 10 s; its output:" >&2
			sed 's/^/# /' "$FAKELLM_DIR/stderr" >&2
			fakellm_stop
			return 1
		fi
		sleep 0.05
		_fakellm_i=$((_fakellm_i + 1))
	done
	FAKELLM_PORT=$(cat "$FAKELLM_DIR/port")
	FAKELLM_URL="http://127.0.0.1:$FAKELLM_PORT"
	export FAKELLM_PORT FAKELLM_URL
}

fakellm_stop() {
	if [ -n "${FAKELLM_PID:-}" ]; then
		kill "$FAKELLM_PID" 2>/dev/null
		_fakellm_i=0
		while kill -0 "$FAKELLM_PID" 2>/dev/null && [ "$_fakellm_i" -lt 100 ]; do
			sleep 0.05
			_fakellm_i=$((_fakellm_i + 1))
		done
		kill -9 "$FAKELLM_PID" 2>/dev/null
		wait "$FAKELLM_PID" 2>/dev/null
	fi
	if [ -n "${FAKELLM_DIR:-}" ] && [ -z "${FAKELLM_KEEP:-}" ]; then
		rm -rf "$FAKELLM_DIR"
	fi
	FAKELLM_PID="" FAKELLM_DIR="" FAKELLM_PORT="" FAKELLM_URL=""
	return 0
}

fakellm_script() {
	_fakellm_json=$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@") &&
		_fakellm_http POST /_script "$_fakellm_json" >/dev/null
}

fakellm_reset() {
	_fakellm_http POST /_reset "{}" >/dev/null
}

fakellm_requests() {
	_fakellm_http GET /_requests
}

fakellm_query() {
	fakellm_requests | python3 -c '
import json, sys
r = json.load(sys.stdin)
try:
    v = eval(sys.argv[1], {"json": json, "r": r})
except Exception as e:
    sys.stderr.write("fakellm_query: %s: %r\n" % (sys.argv[1], e))
    sys.exit(1)
print(json.dumps(v))' "$1"
}

fakellm_get() {
	_fakellm_http GET "$1"
}

fakellm_post() {
	_fakellm_http POST "$1" "$2"
}

fakellm_log() {
	[ -n "${FAKELLM_DIR:-}" ] && cat "$FAKELLM_DIR/log" 2>/dev/null
}
