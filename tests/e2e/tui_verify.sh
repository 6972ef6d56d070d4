# tui_verify.sh - what verification found, on the screen, in tmux against the loopback model
# server: an unsupported citation marked, an invalid one shown as invalid, the grounding
# figure under the answer, each source marked verified / not supported / attached
# automatically, sources attached when the model cites none, uncited sentences labelled as
# model knowledge under the `label` policy, and the same marks after a resume.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY

mkdir -p fx notes
# [1] is water.md and holds; [2] is kettle.md and does not say this; there is no [7].
fakellm_fixture fx/cited.sse 'Water boils at 100 degrees Celsius at sea level [1]. At high altitude water boils at a lower temperature [2]. The moon is made of green cheese [7].' 37
fakellm_fixture fx/bare.sse 'Water boils at 100 degrees Celsius at sea level. A kettle brings water to the boil and switches itself off.' 37
fakellm_fixture fx/label.sse 'Water boils at 100 degrees Celsius at sea level [1]. Paris is the capital of France and has many museums.' 37
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
  cited: {provider: fake, model: "fixture:cited.sse", retrieval: {top_k: 2}}
  bare: {provider: fake, model: "fixture:bare.sse", retrieval: {top_k: 2}}
  label: {provider: fake, model: "fixture:label.sse", retrieval: {top_k: 2}, no_evidence: label}
default_profile: cited
ui: {sources_width: 44}
YAML

tmx_start 150 40 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "started" tmx_wait_for "│ idle │ 2 files, 2 chunks" 20
tmx_type "At what temperature does water boil at sea level?"
tmx_send Enter
check "the cited answer is complete" tmx_wait_for "grounding 33% \(1/3\)"
screen=$(tmx_capture)
check_contains "a supported citation is plain" "$screen" "sea level [1]. At high"
check_contains "an unsupported citation is marked" "$screen" "[2]?. The moon"
check_contains "an invalid citation stays, unmarked by verification" "$screen" "green cheese [7]."
check "the footer counts what failed" sh -c 'printf "%s\n" "$1" | grep -q "2 sources · [0-9]* ms · 37 tok · grounding 33% (1/3) · 2 unsupported · 1 invalid citation"' - "$screen"
check_contains "the source that holds is verified" "$screen" "✓ verified · Water"
check_contains "the source that does not is marked" "$screen" "✗ not supported · Kettles"
# Each marker in its own style (default theme): invalid bold, underlined, colour 203;
# unsupported underlined, colour 176.
attrs=$(tmx_capture -e | grep "green cheese")
check_contains "the invalid marker has the invalid style" "$attrs" "[1;4m$(printf '\033')[38;5;203m[7]"
check_contains "the unsupported marker has its style" "$attrs" "[4m$(printf '\033')[38;5;176m[2]?"

tmx_type "/profile bare"
tmx_send Enter
tmx_type "At what temperature does water boil at sea level?"
tmx_send Enter
check "the answer without markers is complete" tmx_wait_for "sources attached automatically"
screen=$(tmx_capture)
check_contains "each sentence names the source attached to it" "$screen" "sea level. [auto: 1]"
check_contains "the second one too" "$screen" "switches itself off. [auto: 2]"
check_contains "the sources pane says so" "$screen" "attached automatically · Kettles"

tmx_type "/profile label"
tmx_send Enter
tmx_type "At what temperature does water boil at sea level?"
tmx_send Enter
check "the labelled answer is complete" tmx_wait_for "museums. \(model knowledge\)"
screen=$(tmx_capture)
check_contains "a cited sentence is not labelled" "$screen" "sea level [1]. Paris"
tmx_type "/quit"
tmx_send Enter
check "quits" tmx_wait_dead 10
tmx_kill

# A resumed session shows the answers with their grounding and the sources' marks.
sessions=$("$FN_BIN" --config "$FN_TMP/config.yaml" paths | sed -n 's/^sessions *//p')
id=$(ls "$sessions" 2>/dev/null | sed -n 's/\.json$//p' | head -1)
check "the conversation was saved" test -n "$id"
tmx_start 150 40 "$FN_BIN" --config "$FN_TMP/config.yaml" --session "$id"
check "the session is resumed" tmx_wait_for "footnote · label"
screen=$(tmx_capture)
# Per-sentence results come back once sessions store them; the figure and the sources'
# marks are saved with every turn.
check_contains "resumed: the grounding figure" "$screen" "grounding 50%"
tmx_send Tab
tmx_type g
check "resumed: the first answer's sources keep their marks" tmx_wait_for "✗ not supported · Kettles"
tmx_send C-c
tmx_send C-c
check "quits after a resume" tmx_wait_dead 10
tap_done
