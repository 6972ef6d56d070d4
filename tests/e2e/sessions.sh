# sessions.sh - saved conversations end to end. The CLI on a fixed session file (list,
# show, export against the goldens, rename, delete, prefixes, a corrupt file); then the
# terminal interface against the loopback server: three questions, `kill -9` while the third
# streams, and `footnote sessions show` still has every turn with its sources; then
# --session resumes it, /export writes it, /new starts another and /sessions picks.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
cd "$FN_TMP" || exit 1
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
data="$FN_ROOT/tests/data/sessions"
id=20261121-142501-ab12
dir="$XDG_DATA_HOME/footnote/sessions"
: >cfg.yaml

# ---- the command line, on the fixed session ------------------------------------------------
out=$(fn sessions list); rc=$?
check_eq "list with no sessions: exit 0" "$rc" 0
check_eq "list with no sessions prints nothing when not on a terminal" "$out" ""
mkdir -p "$dir"
cp "$data/$id.json" "$dir/"

out=$(fn sessions list)
check_eq "list: one tab-separated line per session" "$out" \
	"$(printf '%s\t2026-11-21T13:26:40Z\t2\tAt what temperature does water boil?' $id)"
check_contains "list --json" "$(fn sessions list --json)" "\"id\":\"$id\",\"title\":\"At what temperature does water boil?\""

out=$(fn sessions show 20261121); rc=$?
check_eq "show by prefix: exit 0" "$rc" 0
check_contains "show: the first question" "$out" "you: At what temperature does water boil?"
check_contains "show: the second question" "$out" 'you: And "ice"?'
check_contains "show: the answer" "$out" "Water boils at 100 °C at sea level [1]."
check_contains "show: the sources" "$out" "[2] /home/u/notes/mountains.pdf page 3:10-12 (Climbing > Cooking)"
check_contains "show: the dropped sources" "$out" "Dropped for the token budget:
  - /home/u/notes/ice.md:5-9"
check_contains "show: provenance" "$out" "rag · llama3.1 @ 127.0.0.1:8080 · completed"
check_contains "show: the answer's escape is made visible" "$out" "Evil ^[[2J here"
check_not_contains "show: no raw escape reaches stdout" "$(fn sessions show $id | od -An -c | tr -d ' \n')" '033'

fn sessions export 20261121 >export.md
check "export: Markdown on stdout matches the golden" cmp export.md "$data/$id.md"
fn sessions export $id -o out.md 2>err.txt
check "export -o: the file matches the golden" cmp out.md "$data/$id.md"
check_contains "export -o: says where" "$(cat err.txt)" "exported to out.md"
fn sessions export $id --format json -o out.json 2>/dev/null
check "export --format json: the same document as the session file" python3 -c '
import json, sys
sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' out.json "$data/$id.json"
fn sessions export $id --format pdf >/dev/null 2>&1
check_eq "export --format pdf: exit 2" "$?" 2

cp "$dir/$id.json" "$dir/20261121-142501-ab99.json"
out=$(fn sessions show 20261121-142501-ab 2>&1); rc=$?
check_eq "an ambiguous prefix: exit 2" "$rc" 2
check_contains "an ambiguous prefix names the candidates" "$out" "matches 2 sessions (20261121-142501-ab"
out=$(fn sessions show 1999 2>&1); rc=$?
check_eq "an unknown id: exit 2" "$rc" 2
check_contains "an unknown id says so" "$out" 'no session id starts with "1999"'

fn sessions rename 20261121-142501-ab99 "Boiling, renamed"; rc=$?
check_eq "rename: exit 0" "$rc" 0
check_contains "rename: list shows the new title" "$(fn sessions list)" "Boiling, renamed"
check_contains "rename keeps keys it does not know" "$(cat "$dir/20261121-142501-ab99.json")" "future_top_level_key"

fn sessions delete 20261121-142501-ab99 >/dev/null 2>&1; rc=$?
check_eq "delete without a terminal and without --yes: exit 2" "$rc" 2
check "... and the file is still there" test -f "$dir/20261121-142501-ab99.json"
out=$(fn sessions delete 20261121-142501-ab99 --yes); rc=$?
check_eq "delete --yes: exit 0" "$rc" 0
check_fails "... and the file is gone" test -f "$dir/20261121-142501-ab99.json"

printf '{"format": "footnote-session", "turns": [' >"$dir/20260101-000000-dead.json"
out=$(fn sessions show 20260101 2>&1); rc=$?
check_eq "a corrupt file: exit 1" "$rc" 1
check_contains "a corrupt file: the file and the problem are named" "$out" \
	"20260101-000000-dead.json: not valid JSON (line 1, column 41); the file was left as it is"
fn sessions list >list.out 2>list.err; rc=$?
check_eq "list with a corrupt file: exit 0" "$rc" 0
check_contains "list with a corrupt file: the good one is listed" "$(cat list.out)" "$id"
check_contains "list with a corrupt file: a warning names it" "$(cat list.err)" "20260101-000000-dead.json: not valid JSON"
check "a corrupt file is never deleted" test -s "$dir/20260101-000000-dead.json"
rm -f "$dir"/*.json

# ---- a session this version writes: the verification is kept and exported ---------------------
vid=20261122-091500-cd34
cp "$data/$vid.json" "$dir/"
fn sessions export $vid >export2.md
check "export of a verified session matches its golden" cmp export2.md "$data/$vid.md"
check_contains "export: an unsupported citation is marked" "$(cat export2.md)" "mountains [^1][^2]. *(not supported by [^1], [^2])*"
check_contains "export: an uncited sentence is labelled (label policy)" "$(cat export2.md)" "hemisphere. *(model knowledge)*"
fn sessions export $vid --format json -o out2.json 2>/dev/null
check "export --format json of a verified session: the same document" python3 -c '
import json, sys
sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' out2.json "$data/$vid.json"
rm -f "$dir"/*.json

# ---- the terminal interface: saved after every turn, a kill loses nothing --------------------
mkdir notes
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nAt altitude it boils at a lower temperature.\n' >notes/water.md
printf '# Ice\n\nIce melts at zero degrees Celsius.\n' >notes/ice.md
fakellm_start >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1", api_key_env: FN_TEST_KEY}
index: {folders: [{path: $FN_TMP/notes, collection: notes}]}
profiles:
  rag: {provider: local, model: llama3.1}
  think: {provider: local, model: reasoning}
  stall: {provider: local, model: stall, rewrite: off}   # the answer itself must stall
default_profile: rag
YAML
export FN_TEST_KEY=sk-session-NEVERSAVE42

tmx_start 120 32 "$FN_BIN" --config "$FN_TMP/cfg.yaml"
check "the interface starts and indexes the notes" tmx_wait_for "2 files" 20
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the first answer arrives" tmx_wait_for "sources? · [0-9]+ ms"
tmx_type "/profile think"
tmx_send Enter
tmx_type "When does ice melt?"
tmx_send Enter
check "the second answer (with reasoning) arrives" tmx_wait_for "footnote · think"
check "... and ends" tmx_wait_for "idle"
tmx_type "/profile stall"
tmx_send Enter
tmx_type "Does water boil at altitude?"
tmx_send Enter
check "the third answer is streaming" tmx_wait_for "streaming"
pid=$(_tmx display-message -p -t fn '#{pane_pid}')
kill -9 "$pid"
check "kill -9 ends the client" tmx_wait_dead 10
tmx_kill

out=$(fn sessions list)
check_contains "one session, titled by its first question, with three turns" "$out" \
	"$(printf '\t3\tAt what temperature does water boil?')"
out=$(fn sessions show 20)
check_contains "show after the kill: the first question" "$out" "you: At what temperature does water boil?"
check_contains "show after the kill: the first answer cites" "$out" "[1]."
check_contains "show after the kill: its source" "$out" "[1] $FN_TMP/notes/water.md:1-"
check_contains "show after the kill: the second question" "$out" "you: When does ice melt?"
check_contains "show after the kill: the second answer's source" "$out" "$FN_TMP/notes/ice.md:1-"
check_contains "show after the kill: the second answer's reasoning" "$out" "reasoning:"
check_contains "show after the kill: the second turn's profile" "$out" "think · reasoning @ 127.0.0.1:$FAKELLM_PORT · completed"
check_contains "show after the kill: the question that was streaming" "$out" "you: Does water boil at altitude?"
check_contains "show after the kill: ... marked unfinished" "$out" "[unfinished] The client stopped before this answer was complete."
file=$(ls "$dir"/*.json)
check_not_contains "no API key in the session file" "$(cat "$file")" "NEVERSAVE42"
check_eq "the first answer's verification is saved, its ranges index the answer" "$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["turns"][0]
v = t["result"]["verification"]
print([s["status"] for s in v["sentences"]] and all(t["answer"][s["start"]:s["end"]] == s["text"] for s in v["sentences"]),
      sorted(set(s["status"] for s in v["sentences"])), t["result"]["grounding"] == v["grounding"])' "$file")" \
	"True ['supported'] True"
check_eq "the whole provenance is saved" "$(python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))["turns"][0]["provenance"]
print(p["no_evidence"], p["context_tokens"] > 0, p["retrieval"]["top_k"], p["index"]["chunks"] > 0)' "$file")" \
	"decline True 6 True"
check_eq "the session file is private" "$(stat -c %a "$file")" 600
sid=$(basename "$file" .json)

# ---- resume, export, new, the picker -----------------------------------------------------
# (The wrapper records the status: under LeakSanitizer it does not always reach tmux.)
tmx_start 100 10 sh -c '"$0" "$@"; echo $? >"$FN_TMP/exit.tmp"; mv "$FN_TMP/exit.tmp" "$FN_TMP/exit"' \
	"$FN_BIN" --config "$FN_TMP/cfg.yaml" sessions resume nope
check "sessions resume with an unknown id says so" tmx_wait_for 'no session id starts with "nope"'
check "... and exits" tmx_wait_dead 10
i=0
while [ ! -f "$FN_TMP/exit" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
check_eq "... with status 2" "$(cat "$FN_TMP/exit" 2>/dev/null)" 2
tmx_kill
tmx_start 120 32 "$FN_BIN" --config "$FN_TMP/cfg.yaml" --session "${sid%-*}"
check "--session resumes: the conversation is shown again" tmx_wait_for "Does water boil at altitude?"
screen=$(tmx_capture)
check_contains "the resumed conversation shows its first question" "$screen" "At what temperature does water boil?"
check_contains "the unfinished answer says what happened" "$screen" "[unfinished]"
check_contains "the sources pane shows the last answer's sources" "$screen" "[1] water.md:1-"
tmx_type "/export"
tmx_send Enter
# Under the data directory, not the watched folder (issue 15: exports were indexed and cited).
check "/export: the status bar says where" tmx_wait_for "exported to $XDG_DATA_HOME/footnote/exports/at-what"
check_contains "/export: footnotes in the file" "$(cat "$XDG_DATA_HOME/footnote/exports/at-what-temperature-does-water-boil.md")" "[^1]: $FN_TMP/notes/water.md:1-"
check_fails "/export: nothing written in the current folder" test -e at-what-temperature-does-water-boil.md
tmx_type "/export json my.json"
tmx_send Enter
check "/export json FILE" tmx_wait_for "exported to $FN_TMP/my.json"
tmx_type "/profile rag"
tmx_send Enter
tmx_type "Ice melting point"
tmx_send Enter
check "a question after resuming is answered" tmx_wait_for "Ice melting point"
check "... and ends" tmx_wait_for "idle"
check_contains "... and is added to the resumed session" "$(fn sessions list)" "$(printf '%s\t' "$sid")"
check_contains "... which now has four turns" "$(fn sessions list)" "$(printf '\t4\t')"
tmx_type "/new"
tmx_send Enter
# The resumed answers' footers go first, or the wait below could match one of them.
check "/new clears the conversation" tmx_wait_gone "sources? · [0-9]+ ms"
tmx_type "Where is the ice note?"
tmx_send Enter
check "/new then a question: answered" tmx_wait_for "sources? · [0-9]+ ms"
n=$(ls "$dir"/*.json | wc -l)
check_eq "/new started a second session file" "$n" 2
tmx_type "/sessions"
tmx_send Enter
check "/sessions opens the picker" tmx_wait_for "Sessions · Enter resume"
check_contains "the picker lists both" "$(tmx_capture)" "Where is the ice note?"
tmx_send Down
tmx_send Enter
check "Enter resumes the chosen session" tmx_wait_for "resumed $sid"
check_contains "its conversation is shown again" "$(tmx_capture)" "Ice melting point"
tmx_type "/quit"
tmx_send Enter
check "/quit exits" tmx_wait_dead 10
tap_done
