# tui_keys.sh - keys go where they are meant (issue 15, items 4 and 6): with the sources
# focused, typing "/compare rag hybrid" types a command (no editor, no preview) and runs it;
# the status bar shows each pane's keys; o opens at the line holding the cited sentence,
# not the chunk's first; a deleted file is named gone and the editor is not started.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY
mkdir -p fx notes bin
fakellm_fixture fx/shadow.sse 'Encrypted passwords are kept in /etc/shadow, which only root can read [1].'
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
cat >notes/passwd.txt <<'DOC'
Users and groups

Every process runs as a user, and every file belongs to a user and a group.
The system keeps its accounts in a few plain text files.

The password file

Each line of the file describes one account with seven fields separated
by colons.
The encrypted passwords live in /etc/shadow, readable only by root, since
anyone can read /etc/passwd.
Group memberships are listed in /etc/group.
DOC
cat >bin/edit.sh <<'SH'
#!/bin/sh
echo "$*" >>"$FN_TMP/editor.log"
SH
chmod +x bin/edit.sh
cat >config.yaml <<YAML
index:
  path: $FN_TMP/index
  folders: [{path: $FN_TMP/notes, collection: notes}]
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
profiles:
  rag: {provider: builtin, retrieval: {top_k: 2}}
  hybrid: {provider: builtin, retrieval: {top_k: 2}}
  shadow: {provider: fake, model: "fixture:shadow.sse", retrieval: {top_k: 1}}
default_profile: rag
YAML
EDITOR="$FN_TMP/bin/edit.sh" tmx_start 120 30 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "started" tmx_wait_for "│ idle │ 1 file," 20
tmx_type "Where are the encrypted passwords?"
tmx_send Enter
check "an answer" tmx_wait_for "extractive answer"
tmx_send Tab
check "chat focused: its keys are shown" tmx_wait_for "C-f search · y copy · c code"
tmx_send Tab
check "sources focused: their keys are shown" tmx_wait_for "o open · Enter preview"
# The keys of the issue: o and Enter must not act, / starts a command.
tmx_type "/compare rag hybrid"
check "typed into the input" tmx_wait_for "> /compare rag hybrid"
tmx_send Enter
check "the command ran" tmx_wait_for "footnote · rag · extractive .*│ footnote · hybrid · extractive"
check "no editor ran" test ! -e "$FN_TMP/editor.log"
check_not_contains "no preview opened" "$(tmx_capture)" "Group memberships are listed"

# o opens at the line of the quoted sentence: line 10 (the chunk starts at line 1).
tmx_type "/profile shadow"
tmx_send Enter
tmx_type "Where are the encrypted passwords?"
tmx_send Enter
# Its own words, then idle: the compare's answers above also say "1 source", and a Tab
# pressed while this answer still arrives would go to a focus about to change.
check "the cited answer" tmx_wait_for "only root can read"
check "... has ended" tmx_wait_for "shadow .*│ idle │"
tmx_send Tab
tmx_send Tab
check "the sources have the focus: their keys show" tmx_wait_for "o open · " 10
tmx_type o
check "o ran the editor" sh -c 'i=0; while [ ! -s "$FN_TMP/editor.log" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; [ -s "$FN_TMP/editor.log" ]'
check_eq "at the quoted line, not the chunk's first" "$(cat "$FN_TMP/editor.log")" "+10 $FN_TMP/notes/passwd.txt"
rm notes/passwd.txt
check "the watcher marks the deleted file at once" tmx_wait_for "stale: the file is gone" 10
tmx_type o
check "o on a deleted file says so" tmx_wait_for "passwd.txt is gone"
check_eq "... and starts no editor" "$(wc -l <"$FN_TMP/editor.log")" 1
tmx_send C-c
tmx_send C-c
check "quits" tmx_wait_dead 10
tap_done
