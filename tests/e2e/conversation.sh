# conversation.sh - follow-up questions keep the conversation, checked in the loopback
# server's request log: `ask --session` sends the saved turns in order and saves the new one;
# a small budget drops the oldest turns first and says so; the rewrite request happens only
# when the profile allows it, and an HTTP 500 or a stall still gives an answer; the builtin
# profile's follow-up finds the passage its bare question does not; stdin as the question.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir -p notes fx
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nIce melts at zero degrees.\n' >notes/water.md
cat >fx/rw.json <<'JSON'
{"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": [{"index": 0, "message": {"role": "assistant", "content": "At what temperature does ice melt?"}, "finish_reason": "stop"}]}
JSON
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1"}
index: {folders: [{path: $FN_TMP/notes}]}
profiles:
  plain: {provider: local, model: llama3.1, rewrite: off, no_evidence: answer}
  rw: {provider: local, model: llama3.1, rewrite_model: "fixture:rw.json"}
  rw500: {provider: local, model: llama3.1, rewrite_model: "fault:500", no_evidence: answer}
  rwstall: {provider: local, model: llama3.1, rewrite_model: stall, rewrite_timeout_s: 1, no_evidence: answer}
  tuned: {provider: local, model: my-fine-tune, retrieval: {enabled: false}, context_tokens: 600, max_tokens: 100}
  offline: {provider: builtin}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
dir="$XDG_DATA_HOME/footnote/sessions"
id=20261121-142501-ab12
mkdir -p "$dir"
cp "$FN_ROOT/tests/data/sessions/$id.json" "$dir/"
chats() { fakellm_query '[x for x in r if x["path"] == "/v1/chat/completions"]'; }

# ---- ask --session: the saved turns, in order, then the new question ------------------------
fakellm_reset >/dev/null
out=$(fn ask --profile plain --session 20261121 "And steam?"); rc=$?
check_eq "ask --session: exit 0" "$rc" 0
roles=$(fakellm_query '[m["role"] for m in r[-1]["body"]["messages"]]')
check_eq "the request carries both earlier turns" "$roles" \
	'["system", "user", "assistant", "user", "assistant", "user"]'
check_eq "the first earlier question comes first" \
	"$(fakellm_query 'r[-1]["body"]["messages"][1]["content"]')" '"At what temperature does water boil?\nAnd at altitude?"'
check_eq "then the second" "$(fakellm_query 'r[-1]["body"]["messages"][3]["content"]')" '"And \"ice\"?"'
check_contains "an earlier answer is sent without its markers" \
	"$(fakellm_query 'r[-1]["body"]["messages"][2]["content"]')" 'Water boils at 100 \u00b0C at sea level. At altitude'
check_contains "the new question is last" "$(fakellm_query 'r[-1]["body"]["messages"][5]["content"]')" "Question: And steam?"
check_eq "rewrite: off sends no rewrite request" "$(fakellm_query 'len(r)')" 1
check_eq "the new turn is saved" "$(fn sessions list | cut -f3)" 3
fakellm_reset >/dev/null
fn ask --profile plain --session $id "And ice?" >/dev/null
check_eq "the next ask carries the three saved turns" \
	"$(fakellm_query 'len(r[-1]["body"]["messages"])')" 8

# ---- the rewrite ------------------------------------------------------------------------------
fakellm_reset >/dev/null
out=$(fn ask --profile rw --json --session $id "and that?"); rc=$?
check_eq "rewrite: exit 0" "$rc" 0
check_eq "the rewrite request comes first, not streamed" "$(fakellm_query '[x["body"]["stream"] for x in r]')" \
	'[false, true]'
check_contains "the rewrite request holds the follow-up" "$(fakellm_query 'r[0]["body"]["messages"][1]["content"]')" \
	"Follow-up question: and that?"
check_contains "provenance: the query searched" "$out" '"search_query":"At what temperature does ice melt?"'
check_contains "provenance: rewritten" "$out" '"rewrite":"rewritten"'
check_contains "provenance: turns sent" "$out" '"conversation":{"turns_sent":4,"turns_dropped":0}'
check_contains "the answer still carries the user's own question" \
	"$(fakellm_query 'r[1]["body"]["messages"][-1]["content"]')" "Question: and that?"
check_contains "the rewritten search found the ice passage" "$(fakellm_query 'r[1]["body"]["messages"][-1]["content"]')" \
	"Ice melts at zero"
out=$(fn ask --profile rw --session $id "and that?")
check_contains "ask prints what was searched" "$out" "(searched for: At what temperature does ice melt?)"

fakellm_reset >/dev/null
out=$(fn ask --profile rw --json "a first question about water?")
check_eq "no history: no rewrite" "$(fakellm_query 'len(r)')" 1

fakellm_reset >/dev/null
out=$(fn ask --profile rw500 --json --session $id "and that?"); rc=$?
check_eq "rewrite HTTP 500: exit 0" "$rc" 0
check_contains "rewrite HTTP 500: the answer completes" "$out" '"outcome":"completed"'
check_contains "rewrite HTTP 500: recorded" "$out" '"rewrite":"the rewrite failed'
check_contains "rewrite HTTP 500: the plain question was searched" "$out" '"search_query":""'
check_eq "rewrite HTTP 500: then the answer's request" "$(fakellm_query '[x["body"]["model"] for x in r]')" \
	'["fault:500", "llama3.1"]'

fakellm_reset >/dev/null
out=$(fn ask --profile rwstall --json --session $id "and that?"); rc=$?
check_eq "rewrite stall: exit 0" "$rc" 0
check_contains "rewrite stall: the answer completes" "$out" '"outcome":"completed"'
check_contains "rewrite stall: recorded" "$out" '"rewrite":"the rewrite failed'

fakellm_reset >/dev/null
fn ask --profile offline --session $id "and that?" >/dev/null
check_eq "builtin: no request at all" "$(fakellm_query 'len(r)')" 0

# ---- the budget: the oldest turns go first, and it is said ------------------------------------
python3 - "$dir" <<'PY'
import json, sys
for name in ("long", "long2"):
  turns = []
  for i in range(8):
    turns.append({"version": 2, "question": "question %d?" % i, "finished": True,
                  "answer": ("answer %d " % i) + "lorem ipsum dolor sit amet " * 12,
                  "provenance": {"profile": "tuned"}})
  json.dump({"format": "footnote-session", "version": 1, "id": "20261201-000000-" + name,
             "title": name, "created": "2026-12-01T00:00:00Z", "updated": "2026-12-01T00:00:00Z",
             "turns": turns}, open(sys.argv[1] + "/20261201-000000-%s.json" % name, "w"))
PY
fakellm_reset >/dev/null
out=$(fn ask --profile tuned --session 20261201-000000-long "and now?"); rc=$?
check_eq "budget: exit 0" "$rc" 0
n=$(fakellm_query '(len(r[-1]["body"]["messages"]) - 2) // 2')
check "budget: some turns are sent, not all" test "$n" -ge 1 -a "$n" -lt 8
check_eq "budget: the newest turn is the last before the question" \
	"$(fakellm_query 'r[-1]["body"]["messages"][-3]["content"]')" '"question 7?"'
check_eq "budget: the oldest kept is the newest that fit" \
	"$(fakellm_query 'r[-1]["body"]["messages"][1]["content"]')" "\"question $((8 - n))?\""
check_contains "budget: said" "$out" "the conversation's $((8 - n)) oldest turns were left out"
json=$(fn ask --profile tuned --json --session 20261201-000000-long2 "and now?")
check_contains "budget: provenance" "$json" "\"conversation\":{\"turns_sent\":$n,\"turns_dropped\":$((8 - n))}"

# ---- the builtin follow-up --------------------------------------------------------------------
mkdir -p bio
# "made" twice in cheese and bread: on its own the follow-up prefers them to lipase.md.
printf '# Lipase\n\nLipase is made in the pancreas of mammals.\n' >bio/lipase.md
printf '# Cost\n\nProducing lipase industrially costs about ten dollars per gram.\n' >bio/cost.md
printf '# Cheese\n\nCheese is made from milk and butter is made from cream.\n' >bio/cheese.md
printf '# Bread\n\nBread is made from flour and cake is made from flour.\n' >bio/bread.md
for f in rain snow wind fog hail; do printf '# %s\n\nThe %s falls on the hills in winter.\n' $f $f >bio/$f.md; done
cat >bio.yaml <<YAML
index: {folders: [{path: $FN_TMP/bio}]}
profiles:
  offline: {provider: builtin, retrieval: {top_k: 2}}
default_profile: offline
YAML
bio() { "$FN_BIN" --config bio.yaml "$@"; }
python3 - "$dir" <<'PY'
import json, sys
json.dump({"format": "footnote-session", "version": 1, "id": "20261201-000000-bio",
           "title": "lipase", "created": "2026-12-01T00:00:00Z", "updated": "2026-12-01T00:00:00Z",
           "turns": [{"version": 2, "question": "How much does lipase cost to produce?", "finished": True,
                      "answer": "Producing lipase industrially costs about ten dollars per gram [1].",
                      "provenance": {"profile": "offline"}}]}, open(sys.argv[1] + "/20261201-000000-bio.json", "w"))
PY
bare=$(bio ask "Where is it made?")
check_not_contains "builtin: the bare follow-up misses the passage" "$bare" "lipase.md"
out=$(bio ask --session 20261201-000000-bio "Where is it made?")
check_contains "builtin: with the conversation it finds it" "$out" "lipase.md"
check_contains "builtin: and answers from it" "$out" "Lipase is made in the pancreas of mammals"
out=$(bio ask --session 20261201-000000-bio "What is the capital of Peru?")
check_contains "builtin: a new topic no document has is declined" "$out" "Not found in your documents"
check_not_contains "... the earlier topic does not answer it" "$out" "lipase.md"

# ---- stdin as the question --------------------------------------------------------------------
out=$(printf 'At what temperature does water boil?\n' | fn ask --profile offline); rc=$?
check_eq "stdin question: exit 0" "$rc" 0
check_contains "stdin question: answered" "$out" "Water boils at 100 degrees Celsius at sea level [1]."
out=$(printf 'At what temperature does water boil?' | fn ask --profile offline -)
check_contains "stdin question with -: answered" "$out" "Water boils at 100 degrees Celsius"
out=$(printf '' | fn ask --profile offline 2>&1); rc=$?
check_eq "empty stdin question: a usage error" "$rc" 2
check_contains "empty stdin question: said" "$out" "the question on standard input is empty"
fakellm_reset >/dev/null
printf 'some piped context\n' | fn ask --profile plain "what is this?" >/dev/null
check_contains "a question argument keeps stdin as context" "$(fakellm_query 'r[-1]["body"]["messages"][-1]["content"]')" \
	"some piped context"
tap_done
