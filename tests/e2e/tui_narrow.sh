# tui_narrow.sh - a layout for every width (issue 15, item 2): below 80 columns the chat is
# the screen, the answer shows without a key, F3 (offered in the status bar) lays the
# sources over it and any typing gives the chat back; from 80 side by side, the chat wider.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
cd "$FN_TMP" || exit 1
mkdir -p notes
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\n' >notes/water.md
cat >config.yaml <<YAML
index:
  path: $FN_TMP/index
  folders: [{path: $FN_TMP/notes, collection: notes}]
profiles:
  rag: {provider: builtin, retrieval: {top_k: 2}}
YAML
tmx_start 70 30 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "70x30: starts with the chat on screen" tmx_wait_for "Ask a question" 20
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "70x30: the answer shows without F3" tmx_wait_for "extractive answer"
check_not_contains "70x30: no sources over it" "$(tmx_capture)" "Sources"
check "70x30: F3 is offered in the status bar" tmx_wait_for "F3 sources"
tmx_send F3
check "F3 lays the sources over the chat" tmx_wait_for "^│ \[1\] water.md:"
check "the sources' keys are offered" tmx_wait_for "  o open"
tmx_type "x"
check "typing gives the chat back" tmx_wait_gone "^│ Sources" 5
check_contains "... and the key went to the input" "$(tmx_capture)" "> x"
tmx_send C-u
tmx_resize 79 24
check "79 columns: still the chat alone" tmx_wait_for "extractive answer"
check_not_contains "79 columns: no sources" "$(tmx_capture)" "Sources"
tmx_resize 80 24
check "80 columns: side by side" tmx_wait_for "│ Sources"
col=$(tmx_capture | grep "│ Sources" | head -1 | awk '{ print index($0, "│") }')
check "80 columns: the chat has the larger share (border at column $col)" [ "${col:-0}" -gt 41 ]
tmx_send C-c
tmx_send C-c
check "quits" tmx_wait_dead 10
tap_done
