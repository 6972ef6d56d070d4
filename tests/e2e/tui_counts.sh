# tui_counts.sh - the status bar shows the index's totals (issue 14): after the first
# indexing, after a restart with nothing to do, after one file is edited, and "1 file" in
# the singular.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
cd "$FN_TMP" || exit 1
mkdir -p notes one
i=0
while [ $i -lt 40 ]; do
	printf 'Paragraph %d about water, ice and the temperature at which each changes.\n\n' $i
	i=$((i + 1))
done >notes/water.md
printf 'Bees make honey from nectar.\n' >notes/bees.md
printf 'A single note about owls.\n' >one/owls.md
cat >config.yaml <<YAML
index: {folders: [{path: $FN_TMP/notes}], path: $FN_TMP/ix, chunk_chars: 400}
profiles: {rag: {provider: builtin}}
YAML
cat >one.yaml <<YAML
index: {folders: [{path: $FN_TMP/one}], path: $FN_TMP/ix-one}
profiles: {rag: {provider: builtin}}
YAML
"$FN_BIN" --config config.yaml index >/dev/null 2>&1
chunks=$("$FN_BIN" --config config.yaml index --status | sed -n 's/^chunks  *//p')
check "the files make several chunks" [ "$chunks" -gt 2 ]
tui() {
	tmx_start 120 20 "$FN_BIN" --config "$FN_TMP/$1"
}
quit() {
	tmx_type "/quit"
	tmx_send Enter
	tmx_wait_dead 10
	tmx_kill
}

tui config.yaml
check "after a restart: the index's totals, not this pass's" tmx_wait_for "│ 2 files, $chunks chunks" 20
i=0
while [ $i -lt 12 ]; do
	printf 'Bees make honey from nectar and wax from glands, paragraph %d.\n\n' $i
	i=$((i + 1))
done >notes/bees.md
"$FN_BIN" --config one.yaml index >/dev/null 2>&1 # the one-file index, for the last part
check "after editing one file: every file, and the chunks it gained" tmx_wait_for "│ 2 files, $((chunks + 1)) chunks" 20
check_not_contains "never '1 files'" "$(tmx_capture)" "1 files"
quit

tui one.yaml
check "one file: singular" tmx_wait_for "│ 1 file, 1 chunk( |$)" 20
quit
tap_done
