# tui_cost.sh - what answers cost, in the terminal interface: each answer's footer, the
# conversation's total in the status bar, and /cost. The fixture reports 90 prompt and 10
# completion tokens; at 1000 and 2000 per million that is 90000 + 20000 = 110000 micro-units,
# $0.1100 an answer, $0.2200 for two.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY
mkdir -p fx notes
fakellm_fixture fx/water.sse 'Water boils at 100 degrees Celsius at sea level [1].' 10
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\n' >notes/water.md
cat >config.yaml <<YAML
index:
  path: $FN_TMP/index
  folders: [{path: $FN_TMP/notes, collection: notes}]
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
prices:
  "fixture:water.sse": {input: 1000, output: 2000}
profiles:
  water: {provider: fake, model: "fixture:water.sse", retrieval: {top_k: 1}}
default_profile: water
YAML
tmx_start 120 30 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "started" tmx_wait_for "│ idle │ 1 file" 20
check_not_contains "no cost before an answer" "$(tmx_capture)" '$0.'
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the footer says the answer's cost and tokens" tmx_wait_for '\$0\.1100 for 90\+10 tokens' 15
check "the status bar says the conversation's" tmx_wait_for '│ idle │ \$0\.1100 │' 5
tmx_type "And at sea level?"
tmx_send Enter
check "two answers: \$0.2200" tmx_wait_for '│ idle │ \$0\.2200 │' 15
tmx_type "/cost"
tmx_send Enter
check "/cost: the total, answers and tokens" tmx_wait_for '\$0\.2200 for 2 answers, 180\+20 tokens' 5
tmx_send C-c
tmx_send C-c
tap_done
