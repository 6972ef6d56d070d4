# tui.sh - the terminal interface driven like a person, inside tmux: the index fills in the
# background, a question is answered with citations and sources, profiles switch, the
# window resizes, and nothing a document says reaches the terminal raw.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
cd "$FN_TMP" || exit 1
mkdir -p notes
cat >notes/water.md <<'DOC'
# Water

Water boils at 100 degrees Celsius at sea level.
At high altitude water boils at a lower temperature because the air pressure is lower.

## Ice

Ice melts at zero degrees Celsius.
DOC
# A document that tries to take over the terminal: OSC 52 clipboard write, a title change,
# a screen clear and a C1 CSI, around words a question will match.
printf 'The clipboard payload \033]52;c;ZXZpbA==\007 is here.\nThe title trick \033]0;pwned\007 and \033[2J clear and \302\2332J end.\n' >notes/evil.txt
cat >config.yaml <<'YAML'
index:
  folders: [{path: notes, collection: notes}]
profiles:
  rag: {provider: builtin, retrieval: {top_k: 4}}
  strict: {provider: builtin, retrieval: {top_k: 2, collections: [other]}}
YAML
sed -i "s|path: notes|path: $FN_TMP/notes|" config.yaml

# The wrapper writes footnote's exit status to a file: under LeakSanitizer the status of a
# program tmux spawned does not always reach tmux (LSan's tracer at exit).
TMX_PIPE="$FN_TMP/raw.bin" tmx_start 110 30 sh -c '"$0" "$@"; echo $? >"$FN_TMP/exit.tmp"; mv "$FN_TMP/exit.tmp" "$FN_TMP/exit"' \
	"$FN_BIN" --config "$FN_TMP/config.yaml"
check "the interface starts and the index fills in" tmx_wait_for "2 files" 20
screen=$(tmx_capture)
check_contains "the status bar shows the profile" "$screen" " rag "
check_contains "the empty chat explains what to do" "$screen" "Ask a question"

tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the answer arrives" tmx_wait_for "extractive answer"
check_contains "the answer cites [1]" "$(tmx_capture)" "[1]"
screen=$(tmx_capture)
check_contains "the question is shown" "$screen" "At what temperature does water boil?"
check_contains "the sources pane lists the file, relative to its folder, and lines" "$screen" "[1] water.md:1-"
check_contains "the answer says it is extractive" "$screen" "extractive answer"

tmx_type "clipboard payload title trick"
tmx_send Enter
check "a second answer arrives" tmx_wait_for "payload.*\[1\]"
screen=$(tmx_capture)
check_contains "the escape sequence is shown, not obeyed" "$screen" "^[]52;c;ZXZpbA==^G"

# Focus the sources pane and open the preview; Esc closes it.
tmx_send Tab
tmx_send Tab
tmx_send Enter
check "Enter on a source previews its chunk" tmx_wait_for "clear and"
tmx_send Escape

# Switch profile mid-conversation: F2 opens the picker; "strict" may only read "other".
tmx_send F2
check "F2 opens the profile picker" tmx_wait_for "Profile \(Enter picks, Esc closes\)"
tmx_send Down
tmx_send Enter
check "picking a profile switches to it (status bar)" tmx_wait_for " strict "
tmx_send Tab
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "a profile without access to the collection declines" tmx_wait_for "Not found in your documents"
screen=$(tmx_capture)
check_contains "the answer records its profile" "$screen" "footnote · strict"

# Resize below 80 columns: the sources pane becomes an overlay; F3 hides it.
tmx_resize 70 24
check "after a resize the status bar is redrawn" tmx_wait_for "strict"
tmx_send F3
check "F3 toggles the sources pane" tmx_wait_gone "^ *Sources" 5
tmx_send F1
check "F1 shows the keys" tmx_wait_for "Esc +stop the answer"
tmx_send q

tmx_type "/quit"
tmx_send Enter
check "/quit exits" tmx_wait_dead 10
i=0
while [ ! -f "$FN_TMP/exit" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
check_eq "the exit status is 0" "$(cat "$FN_TMP/exit" 2>/dev/null)" 0

raw=$(od -An -c "$FN_TMP/raw.bin" | tr -d ' \n')
check_not_contains "no OSC 52 reached the terminal" "$raw" '033]52'
check_not_contains "no title change reached the terminal" "$raw" '033]0;pwned'
check_not_contains "no raw C1 CSI reached the terminal" "$raw" '302233'
tap_done
