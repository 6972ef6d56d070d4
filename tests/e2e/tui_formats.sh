# tui_formats.sh - issue 17 in the interface (tmux): a question's leading tag: filter holds
# in the TUI as in `ask`, and the sources pane says where a passage is in its file's words
# (a slide of a .pptx made by pandoc, the rows of a CSV); a malformed document's parser
# errors never reach the terminal.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY
mkdir notes
printf -- '---\ntags: [policy]\n---\n\n# Rule\n\nThe ferret rule applies to travel.\n' >notes/policy.md
printf '# Memo\n\nThe ferret rule applies to the office too.\n' >notes/memo.md
printf 'animal,habitat\nferret,burrow\nheron,marsh\n' >notes/animals.csv
have_pandoc=0
if command -v pandoc >/dev/null 2>&1; then
	printf '# Opening\n\nNothing here.\n\n# Closing\n\nThe walrus migration happens in spring.\n' >deck.md
	pandoc deck.md -o notes/deck.pptx 2>/dev/null && have_pandoc=1
fi
# Malformed XML, read on the indexer thread: its parser errors never reach the screen.
python3 -c '
import zipfile
z = zipfile.ZipFile("notes/broken.docx", "w")
z.writestr("word/document.xml", "<w:document><w:t>&undefined; <unclosed")
z.close()' || tap_bail "python3 could not write broken.docx"
cat >config.yaml <<YAML
index:
  folders: [{path: $FN_TMP/notes}]
profiles:
  offline: {provider: builtin, retrieval: {top_k: 4}}
default_profile: offline
YAML
tmx_start 110 32 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "the interface indexes and names the broken file" tmx_wait_for "skipped broken.docx: malformed XML in word/document.xml" 30

tmx_type "tag:policy what is the ferret rule?"
tmx_send Enter
check "the answer arrives" tmx_wait_for "Sources" 20
check "the tagged note is a source" tmx_wait_for "policy.md" 10
screen=$(tmx_capture)
check_not_contains "no parser error on the screen" "$screen" "parser error"
check_not_contains "nor an entity complaint" "$screen" "Entity"
check_not_contains "the untagged memo is not" "$screen" "memo.md"
check_not_contains "nor the CSV" "$screen" "animals.csv"

tmx_type "which habitat has the heron?"
tmx_send Enter
check "a CSV source shows its rows" tmx_wait_for "animals.csv rows 2-3" 20
if [ $have_pandoc = 1 ]; then
	tmx_type "when does the walrus migration happen?"
	tmx_send Enter
	check "a slide shows as a slide" tmx_wait_for "deck.pptx slide 2:" 20
else
	skip "a slide shows as a slide" "pandoc is not installed (scripts/install-deps.sh installs it)"
fi
tmx_kill
tap_done
