# checker.sh - a checker model after the builtin check (issue 16): a chat model asked yes/no
# per cited sentence in one batched request, or a MiniCheck-style model one request per
# sentence; its verdicts replace the builtin ones and grounding follows; an HTTP 500 or a
# stall past the timeout leaves the builtin verdicts and says so; the config refuses a
# checker on the builtin provider, naming the key.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir -p notes fx
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nAt altitude water boils at a lower temperature.\n' >notes/water.md
# The second sentence shares enough words with the passage for the word-overlap check, and
# says what the passage does not ("moon").
fakellm_fixture fx/ans.sse "Water boils at 100 degrees Celsius at sea level [1]. Water boils at a lower temperature on the moon [1]."
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1"}
index: {folders: [{path: $FN_TMP/notes}]}
profiles:
  plain: {provider: local, model: "fixture:ans.sse"}
  chat: {provider: local, model: "fixture:ans.sse", verify: {enabled: true, model: llama3.1}}
  mini: {provider: local, model: "fixture:ans.sse", verify: {enabled: true, model: bespoke-minicheck, style: minicheck}}
  ck500: {provider: local, model: "fixture:ans.sse", verify: {enabled: true, model: "fault:500"}}
  ckstall: {provider: local, model: "fixture:ans.sse", verify: {enabled: true, model: stall, timeout_s: 1}}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
jget() { printf '%s' "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps($2))"; }
q="At what temperature does water boil?"
figs='[d["sentences"], d["sentences_supported"], d["grounding"], d.get("checked_by")]'

out=$(fn ask --profile plain --json "$q"); rc=$?
check_eq "builtin check alone: exit 0" "$rc" 0
check_eq "... word overlap holds both sentences" "$(jget "$out" "$figs")" '[2, 2, 1, null]'

fakellm_reset >/dev/null
out=$(fn ask --profile chat --json "$q"); rc=$?
check_eq "chat checker: exit 0" "$rc" 0
check_eq "... it finds the second sentence unsupported: grounding 50%" "$(jget "$out" "$figs")" '[2, 1, 0.5, "llama3.1"]'
check_eq "... one batched request after the answer" "$(fakellm_query '[x["body"]["model"] for x in r]')" \
	'["fixture:ans.sse", "llama3.1"]'
body=$(fakellm_query 'r[1]["body"]["messages"][1]["content"]')
check_contains "... each claim numbered with its passage" "$body" '1.\nPassage: # Water'
check_contains "... the claims without their markers" "$body" 'Claim: Water boils at a lower temperature on the moon.'
check_contains "... a strict yes/no question" "$(fakellm_query 'r[1]["body"]["messages"][0]["content"]')" '\"N: YES\" or \"N: NO\"'
check_eq "... the unsupported sentence is named in ask's text" \
	"$(fn ask --profile chat "$q" | grep -c 'Unsupported: .*moon')" 1

fakellm_reset >/dev/null
out=$(fn ask --profile mini --json "$q")
check_eq "minicheck style: the same verdicts" "$(jget "$out" "$figs")" '[2, 1, 0.5, "bespoke-minicheck"]'
check_eq "... one request per sentence" "$(fakellm_query 'len(r)')" 3
check_contains "... in MiniCheck's own format" "$(fakellm_query 'r[-1]["body"]["messages"][0]["content"]')" 'Document: # Water'

out=$(fn ask --profile ck500 --json "$q"); rc=$?
check_eq "a checker answering HTTP 500: still answered" "$rc" 0
check_eq "... the builtin verdicts stand" "$(jget "$out" '[d["sentences_supported"], d["grounding"]]')" '[2, 1]'
check_contains "... and it says so" "$(jget "$out" 'd["checked_by"]')" \
	"fault:500 for 0 of 2 sentences; the builtin check for the rest (the checker failed: HTTP 500"
out=$(fn ask --profile ckstall --json "$q"); rc=$?
check_eq "a stalled checker: still answered after its timeout" "$rc" 0
check_contains "... the builtin verdicts stand, said" "$(jget "$out" 'd["checked_by"]')" "stall for 0 of 2 sentences"

cat >bad.yaml <<YAML
profiles:
  off: {provider: builtin, verify: {enabled: true}}
YAML
err=$("$FN_BIN" --config bad.yaml ask "x" 2>&1 >/dev/null); rc=$?
check_eq "a checker on the builtin provider: exit 2" "$rc" 2
check_contains "... naming the key" "$err" "profiles.off.verify.provider"
tap_done
