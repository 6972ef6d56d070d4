# tui_notices.sh - notices leave (issue 15, item 5): "cancelled" and "exported to" go with
# the next key, an error stays through keys until Esc, and a cited file that changes is
# marked stale as soon as the watcher sees it, with no key pressed.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY
mkdir -p fx notes
fakellm_fixture fx/water.sse 'Water boils at 100 degrees Celsius at sea level [1].'
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\n' >notes/water.md
cat >config.yaml <<YAML
index:
  path: $FN_TMP/index
  folders: [{path: $FN_TMP/notes, collection: notes}]
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
profiles:
  water: {provider: fake, model: "fixture:water.sse", retrieval: {top_k: 1}}
  slow: {provider: fake, model: "tps:20:tokens:2000", retrieval: {enabled: false}}
default_profile: water
YAML
tmx_start 120 30 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "started" tmx_wait_for "│ idle │ 1 file" 20

tmx_type "/profile slow"
tmx_send Enter
tmx_type "tell me everything"
tmx_send Enter
check "streams" tmx_wait_for "streaming" 20
tmx_send Escape
check "the cancel is said" tmx_wait_for "cancelled: "
tmx_type "x"
check "... and goes with the next key" tmx_wait_gone "cancelled: " 5
tmx_send C-u

tmx_type "/profile water"
tmx_send Enter
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "an answer" tmx_wait_for "1 source · "
tmx_type "/export md"
tmx_send Enter
check "the export is said" tmx_wait_for "exported to "
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the next question takes it away" tmx_wait_gone "exported to " 5
check "the second answer" tmx_wait_for "idle │"

tmx_type "/profile nope"
tmx_send Enter
check "an error" tmx_wait_for 'no profile "nope"'
tmx_type "x"
tmx_send C-u
check_contains "an error stays through keys" "$(tmx_capture)" 'no profile "nope"'
check_contains "... and offers Esc" "$(tmx_capture)" "Esc dismiss"
tmx_send Escape
check "Esc dismisses it" tmx_wait_gone 'no profile "nope"' 5

# No key from here: the watcher's event alone marks the shown answer's source.
printf 'Water boils at 90 degrees on a high mountain.\n' >>notes/water.md
check "a changed cited file is marked stale at once" tmx_wait_for "stale: the file changed" 10
tmx_send C-c
tmx_send C-c
check "quits" tmx_wait_dead 10
tap_done
