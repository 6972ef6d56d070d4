# ask.sh - `footnote ask` end to end against the loopback server (openai and ollama kinds)
# and the builtin answerer: answers, sources, JSON, exit codes, sanitizing, and no secret in
# the log after an HTTP 401.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir notes
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nAt altitude it boils at a lower temperature.\n' >notes/water.md
fakellm_start >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1", api_key_env: FN_TEST_KEY}
  oll: {kind: ollama, base_url: "$FAKELLM_URL"}
index: {folders: [{path: $FN_TMP/notes}]}
profiles:
  rag: {provider: local, model: llama3.1}
  fine-tuned: {provider: local, model: my-fine-tune, retrieval: {enabled: false}}
  ollama: {provider: oll, model: llama3.1}
  offline: {provider: builtin}
  answer: {provider: local, model: llama3.1, no_evidence: answer}
  evil: {provider: local, model: evil}
  reset: {provider: local, model: reset}
  denied: {provider: local, model: "fault:401"}
YAML
ask() { "$FN_BIN" --config cfg.yaml ask "$@"; }

out=$(ask "At what temperature does water boil?"); rc=$?
check_eq "openai: exit 0" "$rc" 0
check_contains "openai: the answer cites [1]" "$out" "[1]"
check_contains "openai: sources follow the answer" "$out" "[1] $FN_TMP/notes/water.md:1-4 (Water)"
body=$(fakellm_query 'r[-1]["body"]')
check_contains "openai: the request streams with usage" "$body" '"include_usage": true'
check_contains "openai: the sources are in the prompt as data" "$body" "<<<SOURCE [1]"

out=$(ask --profile ollama --json "water boil temperature"); rc=$?
check_eq "ollama: exit 0" "$rc" 0
check_contains "ollama --json: outcome" "$out" '"outcome":"completed"'
check_contains "ollama --json: citations with lines" "$out" '"line_start":1,"line_end":4'
check_contains "ollama --json: usage" "$out" '"completion_tokens":'
check_contains "ollama --json: timings" "$out" '"first_token_ms":'
check_eq "ollama: native /api/chat was used" "$(fakellm_query 'r[-1]["path"]')" '"/api/chat"'

out=$(ask --profile offline "At what temperature does water boil?"); rc=$?
check_eq "builtin: exit 0" "$rc" 0
check_contains "builtin: an extractive sentence with its citation" "$out" "Water boils at 100 degrees Celsius at sea level [1]."
check_contains "builtin: labelled extractive" "$out" "extractive answer"

out=$(ask --profile fine-tuned "hello there")
check_not_contains "fine-tuned: no sources without retrieval" "$out" "Sources:"
check_not_contains "fine-tuned: no sources in the prompt" "$(fakellm_query 'r[-1]["body"]')" "<<<SOURCE"

n=$(fakellm_query 'len(r)')
out=$(ask "quantum chromodynamics on a lattice"); rc=$?
check_eq "decline: exit 0" "$rc" 0
check_contains "decline: says so" "$out" "Not found in your documents."
check_eq "decline: the model was not called" "$(fakellm_query 'len(r)')" "$n"
out=$(ask --profile answer "quantum chromodynamics on a lattice")
check_contains "answer policy: marked not grounded" "$out" "Not grounded"

out=$(printf 'diff --git a/x b/x\n+secret sauce recipe\n' | ask --profile fine-tuned "review this")
check_contains "piped stdin reaches the prompt" "$(fakellm_query 'r[-1]["body"]')" "secret sauce recipe"

ask --profile evil "water" >evil.out 2>&1
raw=$(od -An -c evil.out | tr -d ' \n')
check_not_contains "model escape sequences never reach stdout raw" "$raw" '033'
check_contains "they are shown visibly" "$(cat evil.out)" "^["

out=$(ask --profile reset "water boil"); rc=$?
check_eq "reset mid-stream: exit 4" "$rc" 4
check_contains "reset mid-stream: marked interrupted, partial kept" "$out" "Interrupted"

out=$(FN_TEST_KEY=sk-live-NEVERLOG42 ask --profile denied "water boil" 2>&1); rc=$?
check_eq "HTTP 401: exit 3" "$rc" 3
check_contains "HTTP 401: the server's message is shown" "$out" "401"
check_not_contains "HTTP 401: the key is not printed" "$out" "NEVERLOG42"
check "the log exists" test -s "$XDG_STATE_HOME/footnote/footnote.log"
check_not_contains "HTTP 401: the key is not in the log" "$(cat "$XDG_STATE_HOME/footnote/footnote.log")" "NEVERLOG42"
check_eq "the key was sent to the server" "$(fakellm_query 'r[-1]["headers"].get("authorization")')" '"Bearer sk-live-NEVERLOG42"'

ask >/dev/null 2>&1; check_eq "no question: exit 2" "$?" 2
ask --profile nope "x" >/dev/null 2>&1; check_eq "unknown profile: exit 2" "$?" 2
tap_done
