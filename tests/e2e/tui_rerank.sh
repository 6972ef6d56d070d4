# tui_rerank.sh - a failing model reranker in the chat (issue 16): the answer still comes in
# the search's own order, the fallback is said once in the session, and the next question
# asks the reranker again without saying it twice.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY
mkdir -p fx notes
fakellm_fixture fx/water.sse 'Water boils at 100 degrees Celsius at sea level [1].'
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\n' >notes/water.md
printf '# Altitude\n\nAt altitude water boils at a lower temperature.\n' >notes/altitude.md
cat >config.yaml <<YAML
index:
  path: $FN_TMP/index
  folders: [{path: $FN_TMP/notes, collection: notes}]
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
profiles:
  water: {provider: fake, model: "fixture:water.sse", retrieval: {top_k: 2},
          rewrite: "off", rerank: {provider: fake, model: "fault:500"}}
default_profile: water
YAML
tmx_start 120 30 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "started" tmx_wait_for "│ idle │ 2 files," 20

tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the fallback is said" tmx_wait_for "Reranker fake: the reranker failed"
check "the answer still comes" tmx_wait_for "2 sources · "
check_eq "the reranker was asked" "$(fakellm_query 'len([x for x in r if x["path"] == "/v1/rerank"])')" 1

tmx_type "And at altitude, does water boil sooner?"
tmx_send Enter
# The second answer is asked of the model (up to 30 s), then the chat goes idle.
chats() { fakellm_query 'len([x for x in r if x["path"] == "/v1/chat/completions"])'; }
i=0
while [ "$(chats)" != 2 ] && [ $i -lt 300 ]; do i=$((i + 1)); sleep 0.1; done
check "the second answer" tmx_wait_for "idle │"
check_eq "the reranker was asked again" "$(fakellm_query 'len([x for x in r if x["path"] == "/v1/rerank"])')" 2
check_eq "both answers were asked of the model" \
	"$(fakellm_query 'len([x for x in r if x["path"] == "/v1/chat/completions"])')" 2
check_not_contains "the fallback is not said twice" "$(tmx_capture)" "Reranker fake:"
tap_done
