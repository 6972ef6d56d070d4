# first_run.sh - footnote with no configuration file: the four profiles always exist, a model
# server on loopback is discovered (FN_DISCOVER_PORTS points discovery at the test server;
# nothing beyond 127.0.0.1 is touched), an OpenAI key is used only where it belongs, a
# stand-in for the fine-tuned model says how to set one, and `footnote init` writes a config
# from what was found, never a key.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir notes && cd notes || exit 1
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\n' >water.md
unset OPENAI_API_KEY FOOTNOTE_CONFIG FN_DISCOVER_OPENAI_URL

# Discovery off (tests/run.sh sets FN_DISCOVER_PORTS empty): the builtin answers.
for p in rag fine-tuned hybrid offline; do
	out=$(FN_DISCOVER_PORTS= "$FN_BIN" ask --profile "$p" "When does water boil?" 2>&1); rc=$?
	check_eq "no config: profile $p exists and answers (exit 0)" "$rc" 0
done
out=$(FN_DISCOVER_PORTS= "$FN_BIN" ask --profile fine-tuned "When does water boil?" 2>&1)
check_contains "fine-tuned without a model says how to set one" "$out" "no fine-tuned model is configured"
check_contains "and where" "$out" "profiles: {fine-tuned: {provider: NAME, model: YOUR-FINE-TUNE}}"
check_contains "the stand-in still answers from the documents" "$out" "100 degrees"
out=$(FN_DISCOVER_PORTS= "$FN_BIN" ask --profile fine-tuned --json "When does water boil?" 2>/dev/null)
check_contains "its provenance says a stand-in answered" "$out" '"note":"profile fine-tuned: no fine-tuned model'
out=$(FN_DISCOVER_PORTS= "$FN_BIN" ask --profile rag --json "When does water boil?" 2>/dev/null)
check_not_contains "rag's provenance has no note" "$out" '"note"'

fakellm_start >/dev/null || tap_bail "fakellm did not start"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# Discovery finds the loopback server (a closed port first: refused, skipped).
out=$(FN_DISCOVER_PORTS="$closed,ollama:$FAKELLM_PORT" "$FN_BIN" ask "When does water boil?" 2>err); rc=$?
err=$(cat err)
check_eq "discovered: exit 0" "$rc" 0
check_contains "it says what it found and which model" "$err" "found Ollama at http://127.0.0.1:$FAKELLM_PORT: using llama3.1:latest"
check_contains "the choice is explained" "$err" "first chat model by name of 3 listed"
check_contains "footnote init is suggested" "$err" "footnote init saves this"
check_eq "the model was asked on loopback" "$(fakellm_query 'r[-1]["body"]["model"]')" '"llama3.1:latest"'
check_contains "the model's answer is shown" "$out" "[1]"
check_not_contains "a server on this machine: no leave-the-machine notice" "$err" "off this machine"
out=$(FN_DISCOVER_PORTS="ollama:$FAKELLM_PORT" "$FN_BIN" ask --profile hybrid --json "When does water boil?" 2>err)
check_contains "hybrid stands in with the discovered base model" "$out" '"model":"llama3.1:latest"'
check_contains "and says so" "$(cat err)" "the base model llama3.1:latest (provider ollama) answers"

# An OpenAI key is never sent to a discovered local server.
FN_DISCOVER_PORTS="ollama:$FAKELLM_PORT" OPENAI_API_KEY=sk-first-SECRET "$FN_BIN" ask "When does water boil?" >/dev/null 2>&1
check_eq "a local server gets no Authorization" "$(fakellm_query '"authorization" in r[-1]["headers"]')" false

# With no server and OPENAI_API_KEY set, OpenAI is used with that key (pointed at loopback here).
out=$(FN_DISCOVER_PORTS= FN_DISCOVER_OPENAI_URL="$FAKELLM_URL/v1" OPENAI_API_KEY=sk-first-SECRET \
	"$FN_BIN" ask "When does water boil?" 2>err); rc=$?
check_eq "openai by key: exit 0" "$rc" 0
check_contains "openai by key: it says so" "$(cat err)" "OPENAI_API_KEY is set: using gpt-4o-mini"
check_eq "the key goes to the OpenAI provider" "$(fakellm_query 'r[-1]["headers"].get("authorization")')" '"Bearer sk-first-SECRET"'
check_not_contains "the key is never printed" "$out$(cat err)" "SECRET"
out=$(FN_DISCOVER_PORTS= OPENAI_API_KEY=sk-first-SECRET "$FN_BIN" ask "When does water boil?" 2>&1)
check_not_contains "tests never reach api.openai.com (the key is ignored with discovery off)" "$out" "gpt-4o-mini"

# footnote init writes what was found; never a key; no overwrite without --force.
out=$(FN_DISCOVER_PORTS="ollama:$FAKELLM_PORT" OPENAI_API_KEY=sk-first-SECRET "$FN_BIN" init 2>&1); rc=$?
cfg=$XDG_CONFIG_HOME/footnote/config.yaml
check_eq "init: exit 0" "$rc" 0
check_contains "init says where it wrote" "$out" "wrote $cfg"
check_contains "the config names the server" "$(cat "$cfg")" "base_url: \"http://127.0.0.1:$FAKELLM_PORT\""
check_contains "and the model" "$(cat "$cfg")" 'rag: {provider: ollama, model: "llama3.1:latest"}'
check_contains "fine-tuned is shown, commented" "$(cat "$cfg")" "# fine-tuned: {provider: ollama, model: YOUR-FINE-TUNE"
check_not_contains "no key in the file" "$(cat "$cfg")" "SECRET"
check_eq "the file is private" "$(stat -c %a "$cfg")" 600
out=$("$FN_BIN" ask "When does water boil?" 2>err); rc=$?
check_eq "the written config works" "$rc" 0
check_not_contains "and discovery no longer runs" "$(cat err)" "no config file"
check_eq "it asks the configured model" "$(fakellm_query 'r[-1]["body"]["model"]')" '"llama3.1:latest"'
out=$(FN_DISCOVER_PORTS= "$FN_BIN" init 2>&1); rc=$?
check_eq "init again: exit 2" "$rc" 2
check_contains "init keeps the file" "$out" "exists; it was left as it is (--force replaces it)"
check_contains "the file is unchanged" "$(cat "$cfg")" "llama3.1:latest"
FN_DISCOVER_PORTS= FN_DISCOVER_OPENAI_URL="$FAKELLM_URL/v1" OPENAI_API_KEY=sk-first-SECRET "$FN_BIN" init --force >/dev/null 2>&1
check_contains "init --force replaces it: the OpenAI key by name" "$(cat "$cfg")" 'api_key_env: "OPENAI_API_KEY"'
check_not_contains "still no key in the file" "$(cat "$cfg")" "SECRET"
out=$(OPENAI_API_KEY=sk-first-SECRET "$FN_BIN" doctor 2>&1)
check_contains "doctor checks the written provider" "$out" "key: present (from \$OPENAI_API_KEY)"
rm -f "$cfg"
FN_DISCOVER_PORTS= "$FN_BIN" init >/dev/null 2>&1
check_contains "nothing found: init says how to add a server" "$(cat "$cfg")" "# No model server was found"
check "and that config loads" "$FN_BIN" paths
rm -f "$cfg"

# A missing --config names the file and says what to do.
out=$("$FN_BIN" --config nofile.yaml paths 2>&1); rc=$?
check_eq "a missing config: exit 2" "$rc" 2
check_contains "a missing config: named, with the fix" "$out" "cannot open nofile.yaml: No such file or directory; footnote init writes one"

tap_done
