# pilot.sh - issue 18's pilot against the loopback server: eval with reference answers
# (token F1, containment, a judge model), out-of-scope questions (right declines,
# hallucinations), cost per answer to the cent, the comparison table, --json, --html,
# --baseline (exit 6); ask --json's cost and fine-tune provenance; the LoRA request body.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
T=$(pwd -P)
mkdir notes fixtures
printf 'Water boils at 100 degrees Celsius at sea level.\n' >notes/water.md
printf 'Iron rusts when exposed to oxygen and water.\n' >notes/iron.md
cp "$FN_ROOT"/tests/data/eval-fixtures/*.sse fixtures/
fakellm_start --fixtures "$T/fixtures" >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
index: {folders: [{path: $T/notes}]}
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
prices:
  "fixture:badcite.sse": {input: 1000, output: 2000}
eval: {judge_provider: fake, judge_model: llama3.1}
profiles:
  rag: {provider: fake, model: llama3.1, retrieval: {mode: lexical}}
  ft: {provider: fake, model: "fixture:badcite.sse", retrieval: {mode: lexical}}
  loose: {provider: fake, model: "fixture:badcite.sse", no_evidence: answer, retrieval: {mode: lexical}}
  lora: {provider: fake, model: llama3.1, adapter: "0", adapter_scale: 0.5, checkpoint: ck-7,
         dataset_version: ds-3, retrieval: {mode: lexical}}
  lorapath: {provider: fake, model: llama3.1, adapter: notes.gguf, retrieval: {mode: lexical}}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
jget() { printf '%s' "$1" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"; }
fn index >/dev/null 2>&1 || tap_bail "footnote index failed"

# ask --json: 120 prompt and 9 completion tokens at 1000 and 2000 per million:
# 120000 + 18000 = 138000 micro-units, $0.14.
out=$(fn ask --json --profile ft "At what temperature does water boil?" 2>/dev/null)
check_eq "ask --json: cost in micro-units and cents" \
	"$(jget "$out" '[d["cost"]["priced"], d["cost"]["micros"], d["cost"]["cents"]]')" "[True, 138000, '0.14']"
out=$(fn ask --json --profile rag "At what temperature does water boil?" 2>/dev/null)
check_eq "ask --json: a model without a price has no cost" "$(jget "$out" '[d["cost"]["priced"], d["cost"]["cents"]]')" "[False, None]"

# LoRA: the adapter by id, with its scale, in the request body; recorded in the provenance.
fakellm_post /_mode '{"lora": ["/models/notes.gguf"], "n_ctx": 8192}' >/dev/null
fakellm_reset >/dev/null
out=$(fn ask --json --profile lora "What makes iron rust?" 2>err.txt); rc=$?
check_eq "lora: exit 0" "$rc" 0
check_eq "lora: the request carries lora [{id 0, scale 0.5}]" \
	"$(fakellm_query '[x["body"].get("lora") for x in r if x["path"].endswith("/chat/completions")]')" \
	'[[{"id": 0, "scale": 0.5}]]'
check_eq "lora: provenance.fine_tune" \
	"$(jget "$out" '[d["provenance"]["fine_tune"][k] for k in ("kind", "adapter", "adapter_scale", "checkpoint", "dataset_version")]')" \
	"['lora', '0 /models/notes.gguf', 0.5, 'ck-7', 'ds-3']"
fakellm_reset >/dev/null
out=$(fn ask --json --profile lorapath "What makes iron rust?" 2>/dev/null)
check_eq "lora by path: GET /lora-adapters gives its id" \
	"$(fakellm_query '[x["body"].get("lora") for x in r if x["path"].endswith("/chat/completions")]')" \
	'[[{"id": 0, "scale": 1}]]'
check_eq "lora by path: asked the server" "$(fakellm_query '"/lora-adapters" in [x["path"] for x in json.loads(__import__("urllib.request").request.urlopen("'"$FAKELLM_URL"'/_requests?all=1").read())]')" "true"
fakellm_post /_mode '{"lora": [], "n_ctx": 0}' >/dev/null

# Eval with reference answers and an out-of-scope question.
cat >q.jsonl <<'EOF2'
{"id": "a1", "question": "At what temperature does water boil in celsius?", "relevant": ["water.md"], "answer": "100 degrees Celsius"}
{"id": "a2", "question": "What makes iron rust?", "relevant": ["iron.md"], "answer": "oxygen and water"}
{"id": "o1", "question": "quantum chromodynamics lattice", "relevant": []}
EOF2
out=$(fn eval q.jsonl --profiles rag,ft,loose --json --verdicts verdicts.jsonl 2>err.txt); rc=$?
check_eq "eval: exit 0" "$rc" 0
check_eq "eval: 3 questions, 1 out of scope" "$(jget "$out" '[d["questions"], d["out_of_scope"]]')" "[3, 1]"
p='d["profiles"]'
# rag (the default answer quotes the sources): contains both references, the judge agrees.
check_eq "rag: containment 1, judge 1 on 2 answers" \
	"$(jget "$out" "[$p[0]['answers']['accuracy'][k] for k in ('referenced', 'contains_reference', 'judged', 'judge')]")" "[2, 1, 2, 1]"
# ft (badcite: "water boils at 100 degrees it is also blue", 9 tokens):
#   a1 vs "100 degrees celsius": common 2, P 2/9, R 2/3, F1 1/3;  a2 vs "oxygen and water":
#   common 1 ("and" is not an article), P 1/9, R 1/3, F1 1/6. Mean 0.25. Nothing contained.
check_eq "ft: token F1 0.25, containment 0, judge 0" \
	"$(jget "$out" "[round($p[1]['answers']['accuracy'][k], 6) for k in ('token_f1', 'contains_reference', 'judge')]")" "[0.25, 0, 0]"
check_eq "rag and ft decline the out-of-scope question" \
	"$(jget "$out" "[$p[i]['answers']['scope'][k] for i in (0, 1) for k in ('right_decline_rate', 'hallucination_rate')]")" "[1, 0, 1, 0]"
check_eq "loose answers it: a hallucination" \
	"$(jget "$out" "[$p[2]['answers']['scope'][k] for k in ('right_declines', 'right_decline_rate', 'hallucination_rate')]")" "[0, 0, 1]"
# ft: 2 answers at 138000 each = 276000, $0.28; the decline cost nothing (priced, 0).
check_eq "ft: cost 276000 micro-units over 3 questions, \$0.28" \
	"$(jget "$out" "[$p[1]['answers']['cost'][k] for k in ('answers', 'priced', 'micros', 'cents')]")" "[3, 3, 276000, '0.28']"
check_eq "ft: cost per answer 92000 micro-units" "$(jget "$out" "$p[1]['figures']['cost_per_answer_micros']")" "92000"
check_eq "loose: 3 answers, 414000 micro-units, \$0.41" \
	"$(jget "$out" "[$p[2]['answers']['cost'][k] for k in ('micros', 'cents')]")" "[414000, '0.41']"
check_eq "the judge's verdicts are saved" \
	"$(python3 -c 'import json,sys; print([(v["profile"], v["id"], v["verdict"]) for v in map(json.loads, open("verdicts.jsonl"))])')" \
	"[('rag', 'a1', 'correct'), ('rag', 'a2', 'correct'), ('ft', 'a1', 'incorrect'), ('ft', 'a2', 'incorrect'), ('loose', 'a1', 'incorrect'), ('loose', 'a2', 'incorrect')]"
check_eq "eval --json: the items" "$(jget "$out" "[(x['id'], x['outcome'], x['out_of_scope']) for x in $p[1]['answers']['items']]")" \
	"[('a1', 'completed', False), ('a2', 'completed', False), ('o1', 'declined', True)]"

# The table: one row per figure, the best marked.
out=$(fn eval q.jsonl --profiles rag,ft,loose 2>/dev/null); rc=$?
check_eq "table: exit 0" "$rc" 0
check "table: accuracy row, rag best" sh -c 'printf "%s\n" "$1" | grep -Eq "^accuracy +1\.000\* +0\.000 +0\.000$"' - "$out"
check "table: hallucination rate row" sh -c 'printf "%s\n" "$1" | grep -Eq "^hallucination rate +0\.000\* +0\.000\* +1\.000$"' - "$out"
check "table: cost per answer, ft best of the priced" sh -c 'printf "%s\n" "$1" | grep -Eq "^cost per answer +- +\\\$0\.0920\* +\\\$0\.1380$"' - "$out"

# --html: self-contained, inline SVG, no scripts.
fn eval q.jsonl --profiles rag,ft,loose --html report.html >/dev/null 2>err.txt; rc=$?
[ "$rc" -eq 0 ] || sed 's/^/# /' err.txt
check_eq "--html: exit 0" "$rc" 0
html=$(cat report.html)
check_contains "--html: an inline SVG chart" "$html" "<svg xmlns="
check_contains "--html: the best cell marked" "$html" '<td class="best">1.000</td>'
check "--html: no script, no external resource" sh -c '! grep -Eqi "<script|src=|href=" report.html'

# --baseline: the same run passes; a baseline with a better token F1 for ft fails with 6.
fn eval q.jsonl --profiles rag,ft,loose --json >base.json 2>/dev/null
fn eval q.jsonl --profiles rag,ft,loose --baseline base.json >/dev/null 2>err.txt; rc=$?
check_eq "--baseline: no drop, exit 0" "$rc" 0
python3 - <<'PY'
import json
d = json.load(open("base.json"))
d["profiles"][1]["figures"]["token_f1"] = 0.5
json.dump(d, open("better.json", "w"))
PY
fn eval q.jsonl --profiles rag,ft,loose --baseline better.json >/dev/null 2>err.txt; rc=$?
check_eq "--baseline: a drop past the tolerance exits 6" "$rc" 6
check_contains "--baseline: says which figure" "$(cat err.txt)" 'profile "ft": token F1 went from 0.5 to 0.25'
fn eval q.jsonl --profiles ft --baseline better.json --tolerance 0.3 >/dev/null 2>&1; rc=$?
check_eq "--baseline --tolerance 0.3: within it" "$rc" 0
fn eval q.jsonl --profiles ft --baseline nope.json >/dev/null 2>err.txt; rc=$?
check_eq "--baseline missing: exit 2" "$rc" 2
check_contains "--baseline missing: what to do" "$(cat err.txt)" "footnote eval --json"
tap_done
