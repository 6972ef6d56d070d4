# tui_compare.sh - /compare A B in tmux against the loopback model server: one question to
# two profiles, both answers side by side with their profile and model, tokens, grounding and
# time; the sources pane follows the side picked with Left/Right; the last question can be
# compared again; Esc stops both answers.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY

mkdir -p fx notes
fakellm_fixture fx/cited.sse 'Water boils at 100 degrees Celsius at sea level [1]. At altitude it boils lower [2].' auto
fakellm_fixture fx/bare.sse 'A kettle brings water to the boil and switches itself off.' auto
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
cat >config.yaml <<YAML
index:
  path: $FN_TMP/index
  folders: [{path: $FN_TMP/notes, collection: notes}]
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
profiles:
  left: {provider: fake, model: "fixture:cited.sse", retrieval: {top_k: 2}}
  right: {provider: fake, model: "fixture:bare.sse", retrieval: {top_k: 2}}
  slow1: {provider: fake, model: "tps:20:tokens:2000", retrieval: {enabled: false}}
  slow2: {provider: fake, model: "tps:25:tokens:2000", retrieval: {enabled: false}}
default_profile: left
ui: {sources_width: 40}
YAML

tmx_start 200 40 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "started" tmx_wait_for "│ idle │ 2 files, 2 chunks" 20

tmx_type "/compare left"
tmx_send Enter
check "one profile is not a comparison" tmx_wait_for "/compare takes two profiles"
tmx_type "/compare left nope"
tmx_send Enter
check "an unknown profile is named" tmx_wait_for 'no profile "nope"; profiles: left, right'

# Nothing asked yet: the next question goes to both.
tmx_type "/compare left right"
tmx_send Enter
check "with no question yet, the next one is compared" tmx_wait_for "the next question goes to left and right"
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the left answer is complete" tmx_wait_for "grounding 50% \(1/2\).*│" 20
check "the right answer is complete" tmx_wait_for "│.*grounding 100% \(1/1\)" 20
screen=$(tmx_capture)
check "the two headers share a row" sh -c 'printf "%s\n" "$1" | grep -q "footnote · left · fixture:cited.sse .*│ footnote · right · fixture:bare.sse"' - "$screen"
check_contains "the left answer" "$screen" "Water boils at 100 degrees"
check_contains "the right answer, beside it" "$screen" "│ A kettle brings water to the boil"
check "the left side's time and tokens" sh -c 'printf "%s\n" "$1" | grep -q "2 sources · [0-9]* ms · 21 tok · .*│"' - "$screen"
check "the right side's time and tokens" sh -c 'printf "%s\n" "$1" | grep -q "│ 2 sources · [0-9]* ms · 14 tok · "' - "$screen"
check_contains "the sources pane shows the left side's" "$screen" "Sources   left ▸"
check_contains "the left side's sources are marked" "$screen" "✓ verified · Water"

# Left/Right in the chat pick the side whose sources are shown.
tmx_send Tab
tmx_type l
check "Right shows the right side's sources" tmx_wait_for "Sources ◂ right"
check "the right side's sources were attached" tmx_wait_for "attached automatically · Kettles"
tmx_type h
check "Left goes back" tmx_wait_for "Sources   left ▸"
tmx_send Tab
tmx_send Tab

# No question given: the last one is compared again, the other way round.
tmx_type "/compare right left"
tmx_send Enter
check "the last question, compared again" \
	sh -c '. "$FN_ROOT/tests/lib/tmux.sh"; tmx_wait_for "footnote · right · fixture:bare.sse .*│ footnote · left · fixture:cited.sse"'
check "and answered" tmx_wait_for "idle │"
tmx_type "Where does a kettle switch off?"
tmx_send Enter
# A question (or a /compare) typed while an answer streams is refused, so this answer must
# end before the /compare below. "│ idle │" alone proves nothing: until the program has read
# the Enter, the screen still says idle from before (on a loaded machine the /compare was then
# refused, "both stream" saw this answer stream, Esc stopped only it). The question's row in
# the chat is drawn in the same pass that starts its answer, so after it, idle means ended.
check "the question is asked" tmx_wait_for "^ +Where does a kettle switch off\?" 20
check "and its answer ends" tmx_wait_for "│ idle │" 20
check "afterwards, a question goes to the current profile only" sh -c '
	printf "%s\n" "$1" | grep -A3 "^ *Where does a kettle switch off" | grep "footnote · left · fixture:cited.sse" |
		grep -vq "│ footnote"' - "$(tmx_capture)"

# Esc stops both answers; the partial texts stay.
tmx_type "/compare slow1 slow2 tell me everything"
tmx_send Enter
check "both stream" sh -c '. "$FN_ROOT/tests/lib/tmux.sh"
	tmx_wait_for "footnote · slow1 · tps:20:tokens:2000 .*│ footnote · slow2 · tps:25:tokens:2000" 20 &&
	tmx_wait_for "│ streaming [0-9]+ tok" 20'
tmx_send Escape
check "Esc stops both" sh -c '. "$FN_ROOT/tests/lib/tmux.sh"; i=0
	while [ "$(tmx_capture | grep -o "\[cancelled\]" | wc -l)" -lt 2 ]; do
		i=$((i + 1)); [ $i -lt 200 ] || exit 1; sleep 0.1; done' 
check "idle afterwards" tmx_wait_for "│ idle │"

# Too narrow for two columns: one answer above the other. The sources overlay shows the
# chosen side's sources even though the chat under it was never drawn.
tmx_resize 56 40
check "narrow: the chat is the screen, the sources wait for F3" tmx_wait_gone "Sources" 5
tmx_type "/compare left right At what temperature does water boil?"
tmx_send Enter
check "narrow: both answers, one above the other" tmx_wait_for "^.footnote · right · fixture:bare.sse *$" 20
screen=$(tmx_capture)
check "narrow: the left one first, alone on its rows" sh -c 'printf "%s\n" "$1" | grep -q "^.footnote · left · fixture:cited.sse *$"' - "$screen"
check "narrow: idle" tmx_wait_for " idle │"
tmx_send F3
check "narrow: the overlay lists the left side's sources" tmx_wait_for "✓ verified · Water"
# The sources have the focus; "/" still starts a command, and the chat comes back.

tmx_type "/quit"
tmx_send Enter
check "quits" tmx_wait_dead 10
sessions=$("$FN_BIN" --config "$FN_TMP/config.yaml" paths | sed -n 's/^sessions *//p')
turns=$(python3 -c 'import json, sys; print(sum(len(json.load(open(f))["turns"]) for f in sys.argv[1:]))' "$sessions"/*.json)
check_eq "every compared answer is a turn of the session" "$turns" 9
tap_done
