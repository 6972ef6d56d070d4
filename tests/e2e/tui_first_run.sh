# tui_first_run.sh - the terminal interface with no configuration file: the first frame does
# not wait for discovery, the loopback server it finds (FN_DISCOVER_PORTS points at the test
# server) answers the first question, and picking fine-tuned says how to set one.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
cd "$FN_TMP" || exit 1
mkdir notes && cd notes || exit 1
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\n' >water.md
unset OPENAI_API_KEY FOOTNOTE_CONFIG FN_DISCOVER_OPENAI_URL
fakellm_start >/dev/null || tap_bail "fakellm did not start"
export FN_DISCOVER_PORTS="ollama:$FAKELLM_PORT"
tmx_start 160 30 "$FN_BIN" || tap_bail "tmux did not start"
check "the status line says what discovery found" tmx_wait_for "found Ollama at http://127.0.0.1:$FAKELLM_PORT" 15
tmx_type "When does water boil?"
tmx_send Enter
check "the answer comes" tmx_wait_for "\[1\]" 15
check "the discovered model answered, on loopback" [ "$(fakellm_query 'r[-1]["body"]["model"]')" = '"llama3.1:latest"' ]
check_not_contains "a server on this machine: no leave-the-machine notice" "$(tmx_capture)" "off this machine"
tmx_send F2
check "the profile picker opens" tmx_wait_for "Profile" 5
check "footnote's four profiles are there" tmx_wait_for "fine-tuned" 5
tmx_send Escape
check "the picker closes" tmx_wait_gone "Profile \(Enter" 5
tmx_type "/profile fine-tuned"
check "the command is typed" tmx_wait_for "> /profile fine-tuned" 5
tmx_send Enter
check "picking fine-tuned says how to set one" tmx_wait_for "no fine-tuned model" 5
tmx_send C-q
tap_done
