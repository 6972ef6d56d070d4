# rough_edges.sh - what a new user hit (issue 15, outside the TUI): footnote's own exports
# are never indexed, errors that used to exit 0, skipped and decoded files named with their
# reasons, and the words ("1 file", the offline decline, the auto-attached legend).
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir notes
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\n' >notes/water.md
cat >cfg.yaml <<YAML
index: {folders: [{path: $FN_TMP/notes, collection: notes}], max_file_mb: 1}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }

# ---- 3: exports are marked and never indexed --------------------------------------------
id=20261121-142501-ab12
mkdir -p "$XDG_DATA_HOME/footnote/sessions"
cp "$FN_ROOT/tests/data/sessions/$id.json" "$XDG_DATA_HOME/footnote/sessions/"
fn sessions export $id -o notes/boiling-export.md 2>/dev/null
fn sessions export $id --format json -o notes/boiling-export.json 2>/dev/null
check_contains "a Markdown export says who wrote it" "$(head -2 notes/boiling-export.md)" "# written by footnote"
check_contains "a JSON export says so in its format key" "$(head -3 notes/boiling-export.json)" '"format":	"footnote-session"'
cp notes/boiling-export.md notes/renamed.txt
out=$(fn index 2>&1); rc=$?
check_eq "index with exports in the folder: exit 0" "$rc" 0
check_contains "one file indexed, in the singular" "$out" "indexed 1 file ("
check_contains "the exports are skipped, with the reason" "$out" "skipped 3 (written by footnote"
check_contains "the summary points at --status" "$out" "footnote index --status names each file and why"
st=$(fn index --status)
check_contains "--status names a skipped export" "$st" "$FN_TMP/notes/boiling-export.md: written by footnote (a session export)"
check_contains "--status names a renamed one" "$st" "$FN_TMP/notes/renamed.txt: written by footnote"
out=$(fn ask --profile offline "At what temperature does water boil?")
check_not_contains "the answer never cites an export" "$out" "boiling-export"
check_not_contains "no [^1] footnote markers leak into answers" "$out" "[^"
check_contains "the real note is the source" "$out" "notes/water.md"

# ---- 9: skipped and damaged files are named ---------------------------------------------
head -c 1200000 /dev/zero | tr '\0' 'a' >notes/huge.txt
printf 'Caf\351 au lait is coffee with milk.\n' >notes/latin1.txt
printf '\377\376C\000h\000a\000i\000 \000t\000e\000a\000\n\000' >notes/utf16.txt
out=$(fn index 2>&1)
check_contains "the size cap is counted" "$out" "larger than the size cap: 1"
st=$(fn index --status)
check_contains "--status names the large file and the rule" "$st" "$FN_TMP/notes/huge.txt: larger than the size cap (1200000 > 1048576 bytes)"
check_contains "--status names the decoded file and the guess" "$st" "$FN_TMP/notes/latin1.txt: decoded as Windows-1252 (not valid UTF-8)"
check_contains "--status names UTF-16" "$st" "$FN_TMP/notes/utf16.txt: decoded as UTF-16LE (byte order mark)"
log=$XDG_STATE_HOME/footnote/footnote.log
check_contains "the log names the skipped file" "$(cat "$log")" "index: skipped $FN_TMP/notes/huge.txt: larger than the size cap"
out=$(fn search "lait")
check_contains "Latin-1 text is searchable as it was written" "$out" "Café au lait"
check_not_contains "no replacement characters" "$out" "$(printf '\357\277\275')"
check_contains "UTF-16 text is indexed" "$(fn search chai)" "utf16.txt"
rm notes/huge.txt
printf 'Caf\303\251 au lait, now in UTF-8.\n' >notes/latin1.txt
fn index >/dev/null 2>&1
st=$(fn index --status)
check_not_contains "a removed file loses its note" "$st" "huge.txt"
check_not_contains "a file indexed cleanly loses its note" "$st" "latin1.txt"

# ---- 10: words -------------------------------------------------------------------------
out=$(fn ask --profile offline "xylophone quasar zebra" 2>&1); rc=$?
check_eq "an offline decline: exit 0" "$rc" 0
check_contains "it says what the builtin did" "$out" "the builtin answerer had no sentence to quote"
check_not_contains "and not that a model was not asked" "$out" "model was not asked"
mkdir -p "$FN_TMP/fx"
fakellm_fixture "$FN_TMP/fx/plain.sse" "Water boils at 100 degrees Celsius at sea level." || true
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
cat >llm.yaml <<YAML
providers: {local: {kind: openai, base_url: "$FAKELLM_URL/v1"}}
index: {folders: [{path: $FN_TMP/notes}]}
profiles: {rag: {provider: local, model: "fixture:plain.sse"}}
YAML
out=$("$FN_BIN" --config llm.yaml ask "At what temperature does water boil?" 2>&1)
check_contains "an answer without markers gets its source attached" "$out" "attached automatically"
check_contains "and a legend says what that means" "$out" "(attached automatically: the answer had no citation marker"

# ---- 8: errors that exited 0 -------------------------------------------------------------
cat >gone.yaml <<YAML
index: {folders: [{path: $FN_TMP/nowhere}, {path: $FN_TMP/notes}]}
YAML
out=$("$FN_BIN" --config gone.yaml index 2>&1); rc=$?
check_eq "index with a missing folder: exit 2" "$rc" 2
check_contains "it names the folder and what to do" "$out" "folder $FN_TMP/nowhere does not exist: create it, or change index.folders in gone.yaml"
out=$("$FN_BIN" --config gone.yaml doctor 2>&1); rc=$?
check_eq "doctor with a missing folder: exit 1" "$rc" 1
check_contains "doctor fails the index check" "$out" "FAIL  index: folder $FN_TMP/nowhere does not exist"
out=$("$FN_BIN" --config gone.yaml ask "water" 2>&1); rc=$?
check_eq "ask with a missing folder: exit 2" "$rc" 2
check_contains "ask says why instead of 'Not found'" "$out" "does not exist"
check_not_contains "... and does not answer" "$out" "Not found in your documents"
out=$(fn search --collection nope water 2>&1); rc=$?
check_eq "search in an unknown collection: exit 2" "$rc" 2
check_contains "it names the known collections" "$out" 'no collection "nope" in the index; collections: '
check_contains "... among them notes" "$out" "notes"
check "search in a known collection works" fn search --collection notes water
printf 'ui:\n  theme: neon\n' >theme.yaml
out=$("$FN_BIN" --config theme.yaml paths 2>&1); rc=$?
check_eq "an unknown theme: exit 2" "$rc" 2
check_contains "it says where and which themes exist" "$out" 'theme.yaml:2:10: ui.theme: no theme "neon" in'
check_contains "... listing them" "$out" "default, light, mono"
out=$("$FN_BIN" --help)
check_contains "--help lists footnote init" "$out" "init"

tap_done
