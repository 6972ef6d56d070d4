# profile_policies.sh - each profile kind (rag, fine-tuned, hybrid) and each no_evidence
# policy (decline, answer, label) through `footnote ask` against the loopback server;
# verification (supported, unsupported, invalid, auto-attached sources), grounding, the
# provenance record, and --compare.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
cd "$FN_TMP" || exit 1
mkdir notes fx
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nAt altitude it boils at a lower temperature.\n' >notes/water.md
printf '# Rust\n\nIron rusts when it meets oxygen and moisture.\nThe reaction forms iron oxide, which flakes off the metal.\n' >notes/rust.md

# fixture NAME TEXT: a recorded OpenAI stream that answers TEXT in word-sized deltas.
fixture() {
	python3 - "$FN_TMP/fx/$1" "$2" <<'PY'
import json, re, sys
out = open(sys.argv[1], "w")
def ev(o): out.write("data: " + json.dumps(o) + "\n\n")
ev({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
for w in re.findall(r"\S+\s*", sys.argv[2]):
    ev({"choices": [{"index": 0, "delta": {"content": w}}]})
ev({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
out.write("data: [DONE]\n\n")
PY
}
fixture nomarks.sse "Water boils at 100 degrees Celsius at sea level. Bananas are yellow and sweet fruits."
fixture wrong.sse "Iron forms iron oxide with oxygen and moisture [1]. Water boils at 100 degrees Celsius at sea level [7]."
fixture mixed.sse "Water boils at 100 degrees Celsius at sea level [1]. Penguins live mostly in the southern hemisphere."

fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1", api_key_env: FN_TEST_KEY}
index: {folders: [{path: $FN_TMP/notes, collection: notes}]}
profiles:
  rag: {provider: local, model: llama3.1}
  rag-answer: {provider: local, model: llama3.1, no_evidence: answer}
  rag-label: {provider: local, model: llama3.1, no_evidence: label}
  fine-tuned: {provider: local, model: my-fine-tune, retrieval: {enabled: false}, no_evidence: label}
  hybrid: {provider: local, model: my-fine-tune, retrieval: {mode: hybrid, top_k: 4}}
  hybrid-answer: {provider: local, model: my-fine-tune, no_evidence: answer}
  hybrid-label: {provider: local, model: my-fine-tune, no_evidence: label}
  nomarks: {provider: local, model: "fixture:nomarks.sse"}
  wrong: {provider: local, model: "fixture:wrong.sse"}
  mixed: {provider: local, model: "fixture:mixed.sse", no_evidence: label}
  tight: {provider: local, model: llama3.1, max_tokens: 200, context_tokens: 400}
YAML
export FN_TEST_KEY=sk-test-NEVERSHOWN77
ask() { "$FN_BIN" --config cfg.yaml ask "$@"; }
# jq-like: json FIELD-EXPR < JSON  (a Python expression over o)
json() { python3 -c 'import json,sys; o=json.load(sys.stdin); print(json.dumps(eval(sys.argv[1])))' "$1"; }

# ---- rag, evidence found: every sentence cited and verified
out=$(ask "At what temperature does water boil?"); rc=$?
check_eq "rag: exit 0" "$rc" 0
check_contains "rag: grounding shown" "$out" "Grounding: 2 of 2 sentences backed by a verified source (100%)"
check_contains "rag: the source is marked cited and verified" "$out" "water.md:1-4 (Water) · cited, verified"
j=$(ask --json "At what temperature does water boil?")
check_eq "rag --json: grounding 1" "$(echo "$j" | json 'o["grounding"]')" "1"
check_eq "rag --json: each sentence supported by [1]" \
	"$(echo "$j" | json '[(s["status"], s["sources"], s["holds"]) for s in o["verification"]["sentences"]]')" \
	'[["supported", [1], [true]], ["supported", [1], [true]]]'
check_eq "rag --json: the sentence ranges index the answer" \
	"$(echo "$j" | json 'all(o["answer"][s["start"]:s["end"]] == s["text"] for s in o["verification"]["sentences"])')" "true"

# ---- each policy when nothing matches
n=$(fakellm_query 'len(r)')
out=$(ask "quantum chromodynamics on a lattice"); rc=$?
check_eq "rag decline: exit 0" "$rc" 0
check_contains "rag decline: says so" "$out" "Not found in your documents."
check_eq "rag decline: the model was not called" "$(fakellm_query 'len(r)')" "$n"
j=$(ask --json "quantum chromodynamics on a lattice")
check_eq "rag decline --json: outcome declined, grounding not computed" \
	"$(echo "$j" | json '[o["outcome"], o["grounding"], o["verification"]["sentences"]]')" '["declined", null, []]'

for p in rag-answer hybrid-answer; do
	j=$(ask --profile $p --json "quantum chromodynamics on a lattice")
	check_eq "$p: the model answers, marked not grounded" \
		"$(echo "$j" | json '[o["outcome"], o["grounded"], o["grounding"], "Not grounded" in o["message"]]')" \
		'["completed", false, 0, true]'
	check_eq "$p: its sentences are uncited, not labelled" \
		"$(echo "$j" | json '[(s["status"], "label" in s) for s in o["verification"]["sentences"]]')" '[["uncited", false]]'
done
out=$(ask --profile rag-answer "quantum chromodynamics on a lattice")
check_contains "answer policy: text says not grounded" "$out" "[Not grounded"
check_not_contains "answer policy: no model-knowledge labels" "$out" "Model knowledge"

for p in rag-label hybrid-label; do
	out=$(ask --profile $p "quantum chromodynamics on a lattice")
	check_contains "$p: uncited sentences labelled model knowledge" "$out" \
		'Model knowledge, not from your documents: "This is a general answer'
	j=$(ask --profile $p --json "quantum chromodynamics on a lattice")
	check_eq "$p --json: per-sentence label" \
		"$(echo "$j" | json '[(s["status"], s.get("label")) for s in o["verification"]["sentences"]]')" \
		'[["uncited", "model knowledge"]]'
	check_eq "$p --json: the result record says the policy labels (as sessions store it)" \
		"$(echo "$j" | json '[o["label_uncited"], o["outcome_code"], o["sentences"], o["provenance"]["no_evidence"]]')" \
		'[true, 1, 1, "label"]'
done

# label with evidence: only the sentence without a citation is model knowledge
out=$(ask --profile mixed "water boil")
check_contains "label: the uncited sentence is labelled" "$out" 'Model knowledge, not from your documents: "Penguins live'
check_not_contains "label: the cited one is not" "$out" 'documents: "Water boils'
check_contains "label: grounding 1 of 2" "$out" "Grounding: 1 of 2 sentences"

# ---- fine-tuned: no retrieval, and it says so
out=$(ask --profile fine-tuned "water boil"); rc=$?
check_eq "fine-tuned: exit 0" "$rc" 0
check_contains "fine-tuned: says the profile does not retrieve" "$out" "profile fine-tuned does not retrieve"
check_not_contains "fine-tuned: no sources in the prompt" "$(fakellm_query 'r[-1]["body"]["messages"][1]["content"]')" "<<<SOURCE"
check_eq "fine-tuned: its own model id" "$(fakellm_query 'r[-1]["body"]["model"]')" '"my-fine-tune"'
j=$(ask --profile fine-tuned --json "water boil")
check_eq "fine-tuned --json: no retrieval, no citations" \
	"$(echo "$j" | json '[o["retrieval"], o["citations"], o["provenance"]["retrieval"]["enabled"]]')" '[false, [], false]'

# ---- hybrid: the fine-tuned model with retrieval
j=$(ask --profile hybrid --json "At what temperature does water boil?")
check_eq "hybrid: fine-tuned model, sources in the prompt" "$(fakellm_query '[r[-1]["body"]["model"], "<<<SOURCE [1]" in r[-1]["body"]["messages"][1]["content"]]')" '["my-fine-tune", true]'
check_eq "hybrid --json: cited, verified, mode hybrid, top_k 4" \
	"$(echo "$j" | json '[o["citations"][0]["cited"], o["citations"][0]["verified"], o["provenance"]["retrieval"]["mode"], o["provenance"]["retrieval"]["top_k"]]')" \
	'[true, true, "hybrid", 4]'

# ---- verification: no markers (sources attached), wrong and invalid citations
out=$(ask --profile nomarks "water boil")
check_contains "no markers: a source attached automatically" "$out" "water.md:1-4 (Water) · attached automatically"
check_contains "no markers: grounding counts the attached sentence" "$out" "Grounding: 1 of 2 sentences backed by a verified source (50%); the model gave no citations"
j=$(ask --profile nomarks --json "water boil")
check_eq "no markers --json: statuses" \
	"$(echo "$j" | json '[(s["status"], s["sources"]) for s in o["verification"]["sentences"]]')" \
	'[["auto-attached", [1]], ["uncited", []]]'
check_eq "no markers --json: the source is auto_attached" "$(echo "$j" | json 'o["citations"][0]["auto_attached"]')" "true"

out=$(ask --profile wrong "water boil")
check_contains "wrong citation: marked unsupported" "$out" 'Unsupported: "Iron forms iron oxide with oxygen and moisture [1]." cites [1]'
check_contains "invalid citation: reported, not dropped" "$out" "[7] (no such source)"
check_contains "invalid citation: kept in the answer" "$out" "sea level [7]."
j=$(ask --profile wrong --json "water boil")
check_eq "wrong --json: invalid counted, grounding 0" \
	"$(echo "$j" | json '[o["verification"]["invalid"], o["grounding"], o["citations"][0]["cited"], o["citations"][0]["verified"]]')" \
	'[1, 0, true, false]'

# ---- provenance
j=$(ask --json "At what temperature does water boil?")
check_eq "provenance: who answered and how" \
	"$(echo "$j" | json '[o["provenance"][k] for k in ("profile", "provider", "provider_kind", "model", "host", "no_evidence")]')" \
	"[\"rag\", \"local\", \"openai\", \"llama3.1\", \"127.0.0.1:$FAKELLM_PORT\", \"decline\"]"
check_eq "provenance: time, temperature, index, usage, timings" \
	"$(echo "$j" | json '(lambda p: [p["time"].endswith("Z"), p["temperature"], p["index"]["files"], p["index"]["generation"] > 0, p["usage"]["completion_tokens"] > 0, p["timings"]["total_ms"] >= p["timings"]["first_token_ms"] > 0])(o["provenance"])')" \
	'[true, 0.2, 2, true, true, true]'
check_eq "provenance: the source with chunk, lines and content hash" \
	"$(echo "$j" | json '(lambda s: [s["path"].endswith("water.md"), s["collection"], s["line_start"], s["line_end"], len(s["content_hash"]), "chunk" in s])(o["provenance"]["sources"][0])')" \
	'[true, "notes", 1, 4, 16, true]'
check_not_contains "provenance: never the key" "$j" "NEVERSHOWN77"
j=$(ask --profile tight --json "water boils and iron rusts")
check_eq "provenance: sources dropped for the budget are recorded" \
	"$(echo "$j" | json '[len(o["citations"]), len(o["provenance"]["dropped_for_budget"])]')" '[1, 1]'
out=$(ask --profile tight "water boils and iron rusts")
check_contains "dropped sources are mentioned" "$out" "1 more found but left out to fit"

# ---- compare: two profiles, one question
n=$(fakellm_query 'len(r)')
out=$(ask --compare rag,hybrid "At what temperature does water boil?"); rc=$?
check_eq "compare: exit 0" "$rc" 0
check_eq "compare: both profiles asked the server" "$(fakellm_query 'sorted(x["body"]["model"] for x in r['"$n"':])')" '["llama3.1", "my-fine-tune"]'
check_contains "compare: rag's answer" "$out" "== rag · llama3.1 =="
check_contains "compare: hybrid's answer" "$out" "== hybrid · my-fine-tune =="
check_contains "compare: latency, tokens and grounding" "$out" "grounding 100%"
check_eq "compare: each with its sources" "$(printf '%s\n' "$out" | grep -c '^Sources:')" 2
j=$(ask --compare rag,fine-tuned --json "At what temperature does water boil?")
check_eq "compare --json: an array of the two" \
	"$(echo "$j" | json '[(x["profile"], x["retrieval"], len(x["citations"])) for x in o]')" \
	'[["rag", true, 1], ["fine-tuned", false, 0]]'
tmx_start 140 30 "$FN_BIN" --config cfg.yaml ask --compare rag,hybrid "At what temperature does water boil?"
if tmx_wait_for '== rag · llama3.1 == +│ == hybrid · my-fine-tune ==' 20; then
	ok "compare on a wide terminal: side by side"
	check_eq "compare side by side: both sources lists on one row" \
		"$(tmx_capture | grep -c '^Sources: *│ Sources:')" 1
else
	not_ok "compare on a wide terminal: side by side"
fi
ask --compare rag "x" >/dev/null 2>&1; check_eq "compare: one profile is a usage error" "$?" 2
ask --compare rag,nope "x" >/dev/null 2>&1; check_eq "compare: unknown profile is a usage error" "$?" 2
tap_done
