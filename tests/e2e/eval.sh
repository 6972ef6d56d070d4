# eval.sh - `footnote eval` end to end: a four-file corpus whose rankings are known, so the
# figures are worked out by hand; JSONL and BEIR inputs give the same figures; bad input
# names file:line and exits 2; --min-recall exits 6; answers from the loopback server give
# tokens, declines and invalid citations.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
T=$(pwd -P)
mkdir notes
printf 'Water boils at 100 degrees Celsius at sea level.\n' >notes/water.md
printf 'Iron rusts when exposed to oxygen and water.\n' >notes/iron.md
printf 'The moon orbits the earth. The moon has phases. The moon is bright.\n' >notes/moon.md
printf 'Bread rises because yeast produces gas. The moon is not made of bread.\n' >notes/bread.md
cat >cfg.yaml <<YAML
index: {folders: [{path: $T/notes}]}
profiles:
  lexical: {provider: builtin, retrieval: {mode: lexical}}
  hybrid: {provider: builtin, retrieval: {mode: hybrid}}
  off: {provider: builtin, retrieval: {enabled: false}}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
# jq is not everywhere; python3 is (the fake server needs it). Prints EXPR over the JSON in $1.
jget() { printf '%s' "$1" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"; }

fn index >/dev/null 2>&1 || tap_bail "footnote index failed"

# Lexical rankings (BM25, checked with `footnote search --mode lexical`):
#   "boils celsius" -> water          "moon yeast" -> bread, moon
#   "oxygen rusts"  -> iron           "bread moon" -> bread, moon
# q1: water judged        gains [1]    R 1  P@10 .1  RR 1   nDCG 1
# q2: moon judged         gains [0 1]  R 1  P .1     RR .5  nDCG (1/log2 3)/1       = .630930
# q3: bread judged        gains [0]    R 0  P 0      RR 0   nDCG 0
# q4: no judgment: skipped
# q5: moon 2, bread 1     gains [1 2]  R 1  P .2     RR 1   nDCG (1 + 2/log2 3) / (2 + 1/log2 3)
#                                                          = 2.261860 / 2.630930    = .859719
# Means over 4: recall .75, precision .1, MRR .625, nDCG .622662, no hit .25.
# Judged documents are named every way eval understands: a path's tail, an id, a real path.
cat >q.jsonl <<EOF
{"id": "q1", "question": "boils celsius", "relevant": ["notes/water.md"]}
{"id": "q2", "question": "moon yeast", "relevant": ["moon"]}
{"id": "q3", "question": "oxygen rusts", "relevant": ["$T/notes/bread.md"]}
{"id": "q4", "question": "no judgments here"}
{"id": "q5", "question": "bread moon", "relevant": {"moon.md": 2, "bread": 1}}
EOF
figures='[round(float(x), 6) for x in (lambda r: [r["recall"], r["precision"], r["mrr"], r["ndcg"], r["no_hit"], r["empty"]])(d["profiles"][0]["retrieval"])]'
want='[0.75, 0.1, 0.625, 0.622662, 0.25, 0.0]'

out=$(fn eval q.jsonl --profiles lexical --json 2>err.txt); rc=$?
check_eq "jsonl: exit 0" "$rc" 0
check_eq "jsonl: recall, precision, MRR, nDCG, no hit, empty" "$(jget "$out" "$figures")" "$want"
check_eq "jsonl: 4 judged questions, 1 skipped" "$(jget "$out" '[d["questions"], d["unjudged"]]')" "[4, 1]"
check_eq "jsonl: no answers with the builtin provider" "$(jget "$out" 'd["profiles"][0]["answers"]')" "None"
check_eq "jsonl: nothing on stderr when it is not a terminal" "$(cat err.txt)" ""

out=$(fn eval q.jsonl --profiles lexical --json -k 1)
check_eq "-k 1: recall@1 (1+0+0+1/2)/4 and precision@1 2/4" \
	"$(jget "$out" '[d["profiles"][0]["retrieval"][x] for x in ("recall", "precision", "k")]')" "[0.375, 0.5, 1]"

out=$(fn eval q.jsonl --profiles lexical,hybrid,off); rc=$?
check_eq "table: exit 0" "$rc" 0
check_contains "table: a row per figure" "$out" "recall@10"
check_contains "table: lexical's figures" "$out" "0.625"
check_contains "table: every profile is a column" "$out" "hybrid"
check_contains "table: the header counts questions" "$out" "4 questions with judgments"
check_eq "table: a profile without retrieval shows no figures" \
	"$(printf '%s\n' "$out" | grep '^recall@10' | awk '{print $NF}')" "-"

# BEIR: the same questions and judgments as ids (file names without extension), graded.
mkdir -p beir/qrels
cat >beir/queries.jsonl <<'EOF'
{"_id": "q1", "text": "boils celsius", "metadata": {}}
{"_id": "q2", "text": "moon yeast", "metadata": {}}
{"_id": "q3", "text": "oxygen rusts", "metadata": {}}
{"_id": "q4", "text": "no judgments here", "metadata": {}}
{"_id": "q5", "text": "bread moon", "metadata": {}}
EOF
printf 'query-id\tcorpus-id\tscore\nq1\twater\t1\nq2\tmoon\t1\nq3\tbread\t1\nq5\tmoon\t2\nq5\tbread\t1\nq9\twater\t1\nq4\tiron\t0\n' >beir/qrels/test.tsv
out=$(fn eval beir --profiles lexical --json); rc=$?
check_eq "beir directory: exit 0" "$rc" 0
check_eq "beir directory: the same figures" "$(jget "$out" "$figures")" "$want"
check_eq "beir: score 0 and unknown queries are not judgments" "$(jget "$out" '[d["questions"], d["unjudged"]]')" "[4, 1]"
check_contains "beir: qrels/test.tsv is found" "$(jget "$out" 'd["qrels_file"]')" "beir/qrels/test.tsv"
cp beir/qrels/test.tsv judgments.tsv
out=$(fn eval beir/queries.jsonl --qrels judgments.tsv --profiles lexical --json)
check_eq "beir queries.jsonl + --qrels: the same figures" "$(jget "$out" "$figures")" "$want"

# --min-recall: recall is .75.
fn eval q.jsonl --profiles lexical --min-recall 0.8 >out.txt 2>err.txt; rc=$?
check_eq "--min-recall 0.8 not met: exit 6" "$rc" 6
check_contains "--min-recall: says which profile and by how much" "$(cat err.txt)" \
	'profile "lexical": recall@10 is 0.750, below --min-recall 0.8'
check_contains "--min-recall: the figures are still printed" "$(cat out.txt)" "recall@10"
out=$(fn eval q.jsonl --profiles lexical --min-recall 0.75 --json); rc=$?
check_eq "--min-recall 0.75 met: exit 0" "$rc" 0
check_eq "--json says passed" "$(jget "$out" '[d["passed"], d["min_recall"]]')" "[True, 0.75]"
out=$(fn eval q.jsonl --profiles lexical --min-recall 0.9 --json 2>/dev/null); rc=$?
check_eq "--json says failed, exit 6" "$rc/$(jget "$out" 'd["passed"]')" "6/False"

# Bad input: exit 2, and the message names the file and line.
bad() { # name, expected message, eval args...
	_name=$1 _want=$2
	shift 2
	fn eval "$@" >/dev/null 2>err.txt
	_rc=$?
	check_eq "$_name: exit 2" "$_rc" 2
	check_contains "$_name: says where and what" "$(cat err.txt)" "$_want"
}
printf '{"id": "a", "question": "x", "relevant": ["water"]}\n{not json\n' >b1.jsonl
bad "not JSON" "b1.jsonl:2: expected a JSON object" b1.jsonl
printf '\n{"id": "a", "relevant": ["water"]}\n' >b2.jsonl
bad "no question" 'b2.jsonl:2: expected "question"' b2.jsonl
printf '{"id": "a", "question": "x", "relevant": "water"}\n' >b3.jsonl
bad "relevant not a list" 'b3.jsonl:1: "relevant" must be a list' b3.jsonl
printf '{"id": "a", "question": "x", "relevant": ["water"]}\n{"id": "b", "question": "y", "relevant": ["iron"]}\n{"id": "a", "question": "z", "relevant": ["iron"]}\n' >b4.jsonl
bad "duplicate id" 'b4.jsonl:3: duplicate id "a" (first on line 1)' b4.jsonl
printf 'query-id\tcorpus-id\tscore\nq1\twater\tvery\n' >b5.tsv
bad "qrels score" 'b5.tsv:2: the score "very" is not a number' beir --qrels b5.tsv
printf 'q1\twater\n' >b6.tsv
bad "qrels columns" 'b6.tsv:1: expected query-id, corpus-id and score' beir --qrels b6.tsv
printf '{"id": "a", "question": "x"}\n' >b7.jsonl
bad "no judgments at all" "no qrels" b7.jsonl
printf '{"id": "a", "question": "x", "relevant": {"water": 0}}\n' >b8.jsonl
bad "judged nothing" "b8.jsonl: no question has a relevance judgment" b8.jsonl
bad "missing file" "nope.jsonl: cannot open" nope.jsonl
bad "unknown profile" 'no profile named "nope"' q.jsonl --profiles lexical,nope
bad "bad -k" "-k expects a whole number" q.jsonl -k 0
bad "bad --min-recall" "--min-recall expects a number 0..1" q.jsonl --min-recall 1.5
bad "no questions" "which questions?"

# Answers, from the loopback server. a1 has evidence (water.md); a2 matches nothing, so the
# profile declines without calling the model. The badcite fixture cites [1] and [7] with
# one source given, and reports 120 prompt and 9 completion tokens.
mkdir fixtures
cp "$FN_ROOT"/tests/data/eval-fixtures/*.sse fixtures/
fakellm_start --fixtures "$T/fixtures" >/dev/null || tap_bail "fakellm did not start"
cat >>cfg.yaml <<YAML
  model: {provider: fake, model: llama3.1, retrieval: {mode: lexical, top_k: 2}}
  badcite: {provider: fake, model: "fixture:badcite.sse", retrieval: {mode: lexical}}
  denied: {provider: fake, model: "fault:401", retrieval: {mode: lexical}}
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
YAML
cat >a.jsonl <<'EOF'
{"id": "a1", "question": "At what temperature does water boil in celsius?", "relevant": ["water.md"]}
{"id": "a2", "question": "quantum chromodynamics lattice", "relevant": ["water.md"]}
EOF
out=$(fn eval a.jsonl --profiles model,badcite --json 2>err.txt); rc=$?
check_eq "answers: exit 0" "$rc" 0
a='d["profiles"][0]["answers"]'
check_eq "answers: 1 completed, 1 declined, 0 failed, half declined" \
	"$(jget "$out" "[$a[x] for x in ('completed', 'declined', 'failed', 'declined_share')]")" "[1, 1, 0, 0.5]"
check_eq "answers: one request per profile (a decline costs nothing)" "$(fakellm_query 'len(r)')" 2
check_eq "answers: the default answer's citations are all valid" \
	"$(jget "$out" "[$a['citations'] > 0, $a['citations_invalid'], $a['invalid_share']]")" "[True, 0, 0]"
check_eq "answers: timings are measured" \
	"$(jget "$out" "[$a['first_token_ms']['p50'] > 0, $a['total_ms']['p95'] >= $a['first_token_ms']['p95']]")" "[True, True]"
check_eq "answers: grounding is null (not computed) or a share" \
	"$(jget "$out" "$a['grounding'] is None or 0 <= $a['grounding'] <= 1")" "True"
b='d["profiles"][1]["answers"]'
check_eq "badcite: 1 of 2 citations invalid" \
	"$(jget "$out" "[$b[x] for x in ('citations', 'citations_invalid', 'invalid_share')]")" "[2, 1, 0.5]"
check_eq "badcite: tokens from the server's usage" \
	"$(jget "$out" "[$b['prompt_tokens'], $b['completion_tokens']]")" "[120, 9]"
check_eq "answers: retrieval figures are there too" "$(jget "$out" 'd["profiles"][0]["retrieval"]["recall"]')" "0.5"

out=$(fn eval a.jsonl --profiles model); rc=$?
check_contains "answers table: answered/declined/failed" "$out" "1/1/0"
check_contains "answers table: invalid citations" "$out" "invalid citations"

out=$(fn eval a.jsonl --profiles model --no-answers --json)
check_eq "--no-answers: retrieval only" "$(jget "$out" 'd["profiles"][0]["answers"]')" "None"
out=$(fn eval a.jsonl --profiles lexical --answers --json)
check_eq "--answers with the builtin provider: extractive answers" \
	"$(jget "$out" '[d["profiles"][0]["answers"][x] for x in ("completed", "declined")]')" "[1, 1]"
check_eq "extractive answers: a relevance figure, no grounding a quote always earns" \
	"$(jget "$out" '[d["profiles"][0]["answers"][x] for x in ("quoted", "grounded", "grounding")] + [0 < d["profiles"][0]["answers"]["relevance"] <= 1]')" \
	"[1, 0, None, True]"
out=$(fn eval a.jsonl --profiles lexical,model --answers)
check_contains "the table has a row for the quotes' relevance" "$out" "relevance of quotes"

fn eval a.jsonl --profiles denied >/dev/null 2>err.txt; rc=$?
check_eq "a failed answer (HTTP 401): exit 3" "$rc" 3
check_contains "a failed answer: says which and why" "$(cat err.txt)" 'profile "denied": 1 answer failed; the first: a1:'
tap_done
