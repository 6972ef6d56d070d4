# tui_rough_edges.sh - issue 15's items 3, 8, 9 and 10 as a person sees them in the
# interface: exports go under the data directory and are never indexed even when written
# into a watched folder; a missing folder and an unknown theme are errors that say what to
# do; a file left out is named with its reason and a decoded one reads as written; the
# words of an offline decline, and what [auto: N] means (in the answer and in F1's help).
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY
mkdir -p fx notes
fakellm_fixture fx/plain.sse 'Water boils at 100 degrees Celsius at sea level.'
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\n' >notes/water.md
printf 'Caf\351 au lait is coffee with milk.\n' >notes/latin1.txt
head -c 1200000 /dev/zero | tr '\0' 'a' >notes/huge.txt
cat >config.yaml <<YAML
index:
  path: $FN_TMP/index
  folders: [{path: $FN_TMP/notes, collection: notes}]
  max_file_mb: 1
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
profiles:
  plain: {provider: fake, model: "fixture:plain.sse", retrieval: {top_k: 1}}
default_profile: offline
YAML

# ---- 9: a file left out is named; a decoded one reads as written ------------------------
tmx_start 120 30 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "the file left out is named with its reason" \
	tmx_wait_for "index: skipped huge.txt: larger than the size cap \(1200000 > 1048576 bytes\)" 20
check_contains "... and where the list is" "$(tmx_capture)" "(index --status lists all)"
tmx_type "What is cafe au lait?"
check "a key: the counts come back, the large file not among them" tmx_wait_for "│ idle │ 2 files, 2 chunks" 5
tmx_send Enter
check "a Windows-1252 file is quoted as it was written" tmx_wait_for "Café au lait is coffee" 15
check_not_contains "no replacement characters" "$(tmx_capture)" "$(printf '\357\277\275')"

# ---- 10: the words ------------------------------------------------------------------------
tmx_type "What is the capital of Peru?"
tmx_send Enter
check "an offline decline says what the builtin did" tmx_wait_for "had no sentence to quote" 15
check_not_contains "... not that a model was not asked" "$(tmx_capture)" "model was not asked"

# ---- 3: exports ---------------------------------------------------------------------------
tmx_type "/export md"
tmx_send Enter
check "an export goes under the data directory" tmx_wait_for "exported to $XDG_DATA_HOME/footnote/exports/" 10
check_eq "... and not into the watched folder" "$(ls notes | sort | tr '\n' ' ')" "huge.txt latin1.txt water.md "
tmx_type "/export md $FN_TMP/notes/boiling.md"
tmx_send Enter
check "an export into a watched folder is written where asked" tmx_wait_for "exported to $FN_TMP/notes/boiling.md" 10
check "... and is a file" [ -s notes/boiling.md ]
# The watcher takes events in order: once the next file is counted, the export was seen.
printf 'Tea is steeped in water just off the boil.\n' >notes/tea.md
check "the watcher counts the next file and not the export" tmx_wait_for "│ idle │ 3 files," 20
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the answer comes" tmx_wait_for "water.md:" 15
check_not_contains "the export is never a source" "$(tmx_capture)" "boiling.md"
check_not_contains "no [^1] markers leak in" "$(tmx_capture)" "[^"

# ---- 10: [auto: N], in the answer and in the help ----------------------------------------
tmx_type "/profile plain"
tmx_send Enter
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "an answer without markers gets its source attached" tmx_wait_for "\[auto: 1\]" 15
check_contains "... and its footer says so" "$(tmx_capture)" "sources attached automatically"
tmx_send F1
check "F1's help has a legend of the marks" tmx_wait_for "Marks in answers" 5
check_contains "... which says what [auto: 1] means" "$(tmx_capture)" "the model gave this sentence no marker"
tmx_send q
check "the help closes" tmx_wait_gone "Marks in answers" 5
tmx_send C-c
tmx_send C-c
check "quits" tmx_wait_dead 10
tmx_kill

# ---- 8: errors that say what to do --------------------------------------------------------
cat >gone.yaml <<YAML
index:
  path: $FN_TMP/index2
  folders: [{path: $FN_TMP/nowhere}]
YAML
tmx_start 120 30 "$FN_BIN" --config "$FN_TMP/gone.yaml"
check "a missing folder is an error in the status bar" tmx_wait_for "folder $FN_TMP/nowhere does not exist" 20
check_contains "... with the key that dismisses it" "$(tmx_capture)" "Esc dismiss"
tmx_send Escape
check "Esc dismisses it" tmx_wait_gone "does not exist" 5
tmx_send C-c
tmx_send C-c
check "quits" tmx_wait_dead 10
tmx_kill

printf 'ui:\n  theme: neon\n' >theme.yaml
# A program that exits at once can be reaped before tmux knows its pid (tmux 3.3a then
# records no exit status), so the shell around it prints the status on the screen.
tmx_start 120 30 sh -c '"$1" --config "$2"; echo "exit status $?"' - "$FN_BIN" "$FN_TMP/theme.yaml"
check "an unknown theme: the interface does not start, and exits 2" tmx_wait_for "^exit status 2$" 20
check_contains "it says where and which themes exist" "$(tmx_capture)" 'ui.theme: no theme "neon" in'
tap_done
