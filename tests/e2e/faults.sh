# faults.sh - what a user sees from `footnote ask` when the model server or the network
# misbehaves: for each fault the exact closing message and the exit code (3 = server or
# network error, 4 = answer interrupted or stopped, 0 = answered). Complements ask.sh (a
# reset, HTTP 401 and the key) and test_net.c (retries, cancel, the same faults at the
# transfer level). Every server is on 127.0.0.1; the unknown host is under .invalid, which
# never resolves, so no DNS query leaves the machine.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
fakellm_start >/dev/null || tap_bail "fakellm did not start"

# A port bound and never listened on, held for the whole test: a connection there is
# refused, and no other program (another test's server) can take the port meanwhile.
python3 - closed.port <<'PY' >/dev/null 2>&1 &
import os, signal, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
signal.pause()
PY
closed_pid=$!
at_exit "kill $closed_pid"
i=0
while [ ! -s closed.port ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
closed=$(cat closed.port) || tap_bail "no closed port"

# A TLS server with a self-signed certificate (made here by openssl; never trusted).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj /CN=127.0.0.1 -keyout tls.key -out tls.crt >/dev/null 2>&1 || tap_bail "openssl req failed"
python3 - tls.crt tls.key tls.port <<'PY' >/dev/null 2>&1 &
import os, socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
s.settimeout(120)
with open(sys.argv[3] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
while True:
    try:
        c, _ = s.accept()
    except OSError:
        break
    try:
        t = ctx.wrap_socket(c, server_side=True)
        t.recv(65536)
        t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
        t.close()
    except OSError:
        c.close()
PY
tls_pid=$!
at_exit "kill $tls_pid"
i=0
while [ ! -s tls.port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s tls.port ] || tap_bail "the TLS server did not start"
tls=$(cat tls.port)

# Short timeouts keep the slow faults fast; retries are off (test_net.c covers them).
lim="timeout_s: 3, idle_timeout_s: 1, connect_timeout_s: 5, max_retries: 0"
{
	echo "providers:"
	echo "  fake: {kind: openai, base_url: \"$FAKELLM_URL/v1\", $lim}"
	echo "  oll: {kind: ollama, base_url: \"$FAKELLM_URL\", $lim}"
	echo "  slow: {kind: openai, base_url: \"$FAKELLM_URL/v1\", timeout_s: 3, idle_timeout_s: 30}"
	echo "  refused: {kind: openai, base_url: \"http://127.0.0.1:$closed/v1\", $lim}"
	echo "  nohost: {kind: openai, base_url: \"http://footnote-test.invalid/v1\", $lim}"
	echo "  tls: {kind: openai, base_url: \"https://127.0.0.1:$tls/v1\", $lim}"
	echo "profiles:"
	echo "  rag: {provider: fake, model: llama3.1, retrieval: {enabled: false}}"
	for p in refused nohost tls; do
		echo "  $p: {provider: $p, model: m, retrieval: {enabled: false}}"
	done
} >cfg.yaml
# `ask_as PROVIDER MODEL`: sets out (stdout and stderr) and rc.
ask_as() {
	sed "s|^  rag: .*|  rag: {provider: $1, model: \"$2\", retrieval: {enabled: false}}|" cfg.yaml >run.yaml
	out=$("$FN_BIN" --config run.yaml ask "what is water" 2>&1)
	rc=$?
	printf '%s\n' "$out" >>all.out
}
# The closing message: the last line in brackets (a note on sources may follow it).
message() { printf '%s\n' "$out" | grep '^\[' | tail -n 1; }
# `expect NAME CODE LINE`: the exit code and the closing message.
expect() {
	check_eq "$1: exit $2" "$rc" "$2"
	check_eq "$1: the message" "$(message)" "$3"
}

ask_as refused m
expect "connection refused" 3 \
	"[Network error: cannot connect to 127.0.0.1:$closed (Connection refused): is the server running?]"

start=$(date +%s)
ask_as nohost m
expect "unknown host" 3 "[Network error: cannot find the host footnote-test.invalid (DNS): check base_url.]"
check "unknown host: fails at once, not after a DNS timeout" test $(($(date +%s) - start)) -lt 10

ask_as tls m
expect "self-signed TLS certificate" 3 "[Network error: TLS with 127.0.0.1:$tls failed: SSL certificate problem: self-signed certificate (certificates are always verified; for a private CA set \$CURL_CA_BUNDLE or \$SSL_CERT_FILE).]"

ask_as fake fault:401
check_eq "HTTP 401: the hint" "$(message | sed 's/.*\. //')" "Check the API key.]"
ask_as fake fault:403
expect "HTTP 403" 3 "[HTTP 403: You are not allowed to use this model. The key is not allowed to use this model or endpoint.]"
ask_as fake fault:404
expect "HTTP 404" 3 "[HTTP 404: The model does not exist or you do not have access to it. Check base_url and the model name.]"
ask_as oll fault:404
check_eq "HTTP 404 (ollama): exit 3" "$rc" 3
check_contains "HTTP 404 (ollama): the hint" "$out" "Check base_url and the model name.]"
ask_as fake fault:429
expect "HTTP 429" 3 "[HTTP 429: Rate limit reached for requests. Please try again later. The server is rate limiting; try again later.]"
ask_as fake fault:500
expect "HTTP 500" 3 "[HTTP 500: The server had an error while processing your request. Sorry about that!]"
ask_as fake fault:503
expect "HTTP 503" 3 "[HTTP 503: The server is overloaded or not ready yet.]"
ask_as fake fault:502:html
check_eq "HTTP 502 with a proxy's HTML page: exit 3" "$rc" 3
# The page is named by its title and status, never shown as markup.
check_eq "HTTP 502 with HTML: its title and status" "$(message)" \
	"[HTTP 502: an HTML page, \"502 Error\" (a proxy or gateway answered, not the model server).]"
check_not_contains "HTTP 502 with HTML: no markup" "$out" "<"
# A page sent with 200 (a proxy's login page, say) in place of the stream: named the same way.
ask_as fake fault:200:html
check_eq "HTML page with status 200: exit 3" "$rc" 3
check_eq "HTML page with status 200: named by its title, not 'interrupted'" "$(message)" \
	"[Server error: an HTML page, \"200 Error\" (a proxy or gateway answered, not the model server).]"

ask_as fake stall
expect "stall after the headers" 3 "[Network error: no data from 127.0.0.1:$FAKELLM_PORT for 1 s (idle_timeout_s).]"
ask_as slow drip
expect "1 byte per second (bounded by timeout_s)" 3 \
	"[Network error: 127.0.0.1:$FAKELLM_PORT did not finish within 3 s (timeout_s).]"

ask_as fake reset
expect "reset mid-stream" 4 "[Interrupted: the connection to 127.0.0.1:$FAKELLM_PORT broke: Recv failure: Connection reset by peer; the partial answer is kept.]"

ask_as fake huge-line
expect "huge line (SSE)" 4 "[Stopped: the server sent more than 1048576 bytes in one event.]"
ask_as oll huge-line
expect "huge line (NDJSON)" 4 "[Stopped: the server sent more than 1048576 bytes in one line.]"

ask_as fake invalid-json
expect "invalid JSON then [DONE]" 4 "[Interrupted: the server sent 1 event that was not JSON (the first: \"{not json\") and ended without finishing the answer; the partial answer is kept.]"
check_contains "invalid JSON: the text before it is kept" "$out" "Hello"
ask_as oll invalid-json
expect "invalid JSON (NDJSON)" 4 "[Interrupted: the server sent 1 event that was not JSON (the first: \"{not json\") and ended without finishing the answer; the partial answer is kept.]"

ask_as fake not-utf8
check_eq "bytes that are not UTF-8: exit 0" "$rc" 0
check_contains "bytes that are not UTF-8: shown as U+FFFD" "$out" "bad $(printf '\357\277\275\357\277\275') bytes"
ask_as fake gzip
check_eq "gzip-encoded stream: exit 0" "$rc" 0
check_eq "gzip-encoded stream: decoded" "$(printf '%s\n' "$out" | head -n 1)" "This is a general answer from the test model, without sources."

# None of the messages above carries a raw control byte (an HTML page's CR, say).
check "no ESC or CR byte reached the output" sh -c '! grep -q "$(printf "[\033\r]")" all.out'
tap_done
