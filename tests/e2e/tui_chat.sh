# tui_chat.sh - the chat pane and friends in tmux against the loopback model server: a
# Markdown answer (heading, list, code block, citations), search, copying (OSC 52 bytes
# checked, and xclip when present), /model, Tab completion, Ctrl-O, a remapped key, `?`,
# the sources pane (cited first, uncited dimmed, a changed file marked stale).
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY

mkdir -p fx notes
ANSWER='## Boiling

Water **boils** at 100 degrees at sea level [1].

- lower at *altitude* [1]
- salt raises it

```sh
echo boiling point
```
'
fakellm_fixture fx/md.sse "$ANSWER"
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"

cat >notes/water.md <<'DOC'
# Water

Water boils at 100 degrees Celsius at sea level.
At high altitude water boils at a lower temperature because the air pressure is lower.
DOC
cat >notes/kettle.md <<'DOC'
# Kettles

A kettle brings water to the boil and switches itself off.
DOC
mkdir -p bin
cat >bin/edit.sh <<'SH'
#!/bin/sh
printf 'edited in the editor\n' >"$1"
SH
chmod +x bin/edit.sh
cat >config.yaml <<YAML
index:
  folders: [{path: $FN_TMP/notes, collection: notes}]
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
profiles:
  md: {provider: fake, model: "fixture:md.sse", retrieval: {top_k: 3}}
  rag: {provider: builtin, retrieval: {top_k: 3}}
default_profile: md
ui:
  keys: {toggle_sources: "F5"}
YAML

TMX_PIPE="$FN_TMP/raw.bin" EDITOR="$FN_TMP/bin/edit.sh" tmx_start 100 30 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "the interface starts and indexes" tmx_wait_for "2 files" 20

tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the Markdown answer arrives" tmx_wait_for "source.* ms"
screen=$(tmx_capture)
check_contains "a heading shows without its #" "$screen" " Boiling"
check_not_contains "no raw heading marks" "$screen" "## Boiling"
check_contains "a list item has a bullet" "$screen" "• lower at altitude [1]"
check_contains "code shows its text" "$screen" "echo boiling point"
check_not_contains "no fence marks" "$screen" '```'
check_not_contains "no emphasis marks" "$screen" "**boils**"
check_contains "cited sources come first" "$screen" "[1] water.md"
check_contains "retrieved but uncited sources are set apart" "$screen" "Retrieved, not cited"

# The remapped key: F5 hides the sources, F3 no longer does.
# F3 then F5: if F3 still toggled, the two would cancel out and the pane would stay.
tmx_send F3
tmx_send F5
check "F5 (ui.keys) hides the sources and F3 no longer does" tmx_wait_gone "Sources" 5
tmx_send F5
check "F5 shows them again" tmx_wait_for "Sources" 5

# Chat focus: search (C-f; / would start a command), copy.
tmx_send Tab
tmx_send C-f
tmx_type "boil"
check "the search prompt shows in the status line" tmx_wait_for "search: boil"
tmx_send Enter
check "the status counts matches" tmx_wait_for "match [0-9]+/[0-9]+ for \"boil\""
first=$(tmx_capture | grep -oE "match [0-9]+/[0-9]+")
tmx_send n
# Wait for the count to differ from the first (it is on screen before n is handled).
i=0 second=$first
while [ "$second" = "$first" ] && [ $i -lt 100 ]; do
	second=$(tmx_capture | grep -oE "match [0-9]+/[0-9]+")
	[ "$second" = "$first" ] && sleep 0.05
	i=$((i + 1))
done
check "n moves to the next match" tmx_wait_for "match [0-9]+/[0-9]+" 5
check "n changes the current match" [ "$first" != "$second" ]
tmx_send Escape
tmx_send End
tmx_send y
check "y copies the message via OSC 52" tmx_wait_for "copied the message \([0-9]+ bytes\) via OSC 52"
want=$(printf '%s' "$ANSWER" | base64 -w0)
check "the OSC 52 payload is the message, base64" grep -q "]52;c;$want" "$FN_TMP/raw.bin"
tmx_send c
check "c copies the code block" tmx_wait_for "copied code block 1/1"
want=$(printf 'echo boiling point\n' | base64 -w0)
check "the OSC 52 payload is the code" grep -q "]52;c;$want" "$FN_TMP/raw.bin"
tmx_send '?'
check "? in the chat shows the help, generated from the key table" tmx_wait_for "toggle_sources|F5 +show or hide"
tmx_send q
check "any key closes the help" tmx_wait_gone "show or hide the sources" 5

# Sources: a file changed after the answer is marked stale when selected.
tmx_send Tab
printf 'A new line.\n' >>notes/water.md
tmx_send Down
tmx_send Up
check "a changed source is marked stale" tmx_wait_for "stale: the file changed" 5

# Back to the input: '?' types, Tab completes commands, /model overrides.
tmx_send Tab
tmx_type "/mo"
tmx_send Tab
check "Tab completes a command" tmx_wait_for "> /model" 5
tmx_type "tiny-llm"
tmx_send Enter
check "/model says so" tmx_wait_for "now uses model tiny-llm" 5
check_contains "the status bar shows the model" "$(tmx_capture)" " md  tiny-llm"
tmx_type "/model"
tmx_send Enter
check "/model alone resets" tmx_wait_for "configured model fixture:md" 5
tmx_type "/profile r"
tmx_send Tab
check "Tab completes a profile name" tmx_wait_for "> /profile rag" 5
tmx_send C-u
tmx_type "why?"
tmx_send C-o
check "Ctrl-O edits the input in \$EDITOR" tmx_wait_for "> edited in the editor" 10
check_not_contains "? typed in the input is text" "$(tmx_capture)" "Anywhere"
tmx_send C-u
tmx_type "/quit"
tmx_send Enter
check "/quit exits" tmx_wait_dead 10
tmx_kill

# With X and xclip present, copying goes through xclip.
cat >bin/xclip <<SH
#!/bin/sh
cat >"$FN_TMP/xclip.out"
SH
chmod +x bin/xclip
DISPLAY=:99 PATH="$FN_TMP/bin:$PATH" tmx_start 100 30 "$FN_BIN" --config "$FN_TMP/config.yaml" --profile rag
check "starts again" tmx_wait_for "files" 20
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the extractive answer arrives" tmx_wait_for "extractive answer"
tmx_send Tab
tmx_send y
check "y says xclip was used" tmx_wait_for "via xclip" 5
check_contains "xclip got the message" "$(cat "$FN_TMP/xclip.out" 2>/dev/null)" "[1]"
tmx_send C-c
tmx_send C-c
check "Ctrl-C twice quits" tmx_wait_dead 10
tap_done
