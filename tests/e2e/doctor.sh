# doctor.sh - `footnote doctor` against the loopback server: every check line, the fixes it
# suggests, keys never printed, and its exit codes (0 fine, 1 a problem, 3 unreachable).
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1

# Built-in defaults: nothing to reach.
out=$("$FN_BIN" doctor); rc=$?
check_eq "doctor with no config exits 0" "$rc" 0
check_contains "the builtin provider needs nothing" "$out" "builtin: offline answers, always available"
check_contains "the builtin embedder reports its dimension" "$out" "dimension"

fakellm_start || tap_bail "fakellm did not start"

cat >good.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1/", api_key_env: FN_DOCTOR_KEY, timeout_s: 10}
  olla: {kind: ollama, base_url: "$FAKELLM_URL", api_key_env: ""}
embedder: {provider: olla, model: nomic-embed-text}
profiles:
  rag: {provider: local, model: llama3.1}
  other: {provider: olla, model: my-fine-tune}
default_profile: rag
YAML
out=$(FN_DOCTOR_KEY=sk-doctor-TOPSECRET-1 "$FN_BIN" --config good.yaml doctor); rc=$?
diag "$out"
check_eq "everything fine: exit 0" "$rc" 0
check_contains "the openai server is reachable" "$out" "ok    local: reachable: "
check_contains "the key's source is named" "$out" 'key: present (from $FN_DOCTOR_KEY)'
check_not_contains "the key itself is never printed" "$out" "TOPSECRET"
check_contains "a profile's model is found" "$out" "profile rag: model llama3.1 is available"
check_contains "an ollama model is found with :latest or as is" "$out" "profile other: model my-fine-tune is available"
check_contains "the embedder answers with its dimension" "$out" "answers, dimension 64"
check_not_contains "no failure" "$out" "FAIL"

# A model that is not served: say which, and how to get it.
sed 's/model: my-fine-tune/model: llama9/' good.yaml >missing.yaml
out=$("$FN_BIN" --config missing.yaml doctor); rc=$?
check_eq "a missing model: exit 1" "$rc" 1
check_contains "the missing model is named" "$out" "FAIL  olla: profile other: model llama9 is not among"
check_contains "the fix is ollama pull" "$out" "fix: ollama pull llama9"

# The key is refused (scripted 401 on the model list).
fakellm_script fault:401
out=$(FN_DOCTOR_KEY=sk-doctor-TOPSECRET-2 "$FN_BIN" --config good.yaml doctor); rc=$?
check_eq "a refused key: exit 1" "$rc" 1
check_contains "a 401 says the key was refused" "$out" "the key was refused (HTTP 401)"
check_contains "and where to look" "$out" 'fix: check $FN_DOCTOR_KEY'
check_not_contains "the refused key is not printed" "$out" "TOPSECRET"
log=$XDG_STATE_HOME/footnote/footnote.log
if [ -f "$log" ]; then
	check_not_contains "the refused key is not in the log" "$(cat "$log")" "TOPSECRET"
else
	skip "the refused key is not in the log" "no log file"
fi

# A provider a profile uses is down: exit 3, with a fix.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s|base_url: \"$FAKELLM_URL/v1/\"|base_url: \"http://127.0.0.1:$port/v1\"|" good.yaml >down.yaml
out=$("$FN_BIN" --config down.yaml doctor); rc=$?
check_eq "an unreachable provider: exit 3" "$rc" 3
check_contains "unreachable is said with the host" "$out" "FAIL  local: reachable: no - cannot connect to 127.0.0.1:$port"
check_contains "and how to fix it" "$out" "fix: start the server or fix providers.local.base_url"

tap_done
