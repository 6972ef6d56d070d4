# rerank.sh - a profile's model reranker end to end (issue 16) against the loopback
# server's /v1/rerank: the sources follow the reranker's order; HTTP 500, a stall past
# rerank.timeout_s and a TEI-shaped reply; a collection the profile may not see is never
# sent to the reranker nor returned; and the builtin reranker is what a plain profile uses.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir notes private
printf 'Water boils at 100 degrees Celsius at sea level, water boils.\n' >notes/a.txt
printf 'At altitude water boils at a lower temperature than at sea level.\n' >notes/b.txt
printf 'Salt raises the temperature at which water boils, a little.\n' >notes/c.txt
printf 'Water boils water boils water boils: the private diary of a kettle.\n' >private/secret.txt
fakellm_start >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1"}
  tei: {kind: openai, base_url: "$FAKELLM_URL"}
index: {folders: [{path: $FN_TMP/notes, collection: notes}, {path: $FN_TMP/private, collection: private}]}
profiles:
  first: {provider: local, model: llama3.1, retrieval: {collections: [notes], top_k: 3}, rerank: {provider: "off"}}
  builtin: {provider: local, model: llama3.1, retrieval: {collections: [notes], top_k: 3}}
  rr: {provider: local, model: llama3.1, retrieval: {collections: [notes], top_k: 3},
       rerank: {provider: local, model: "rerank:reverse", top_n: 10}}
  rr500: {provider: local, model: llama3.1, retrieval: {collections: [notes], top_k: 3},
          rerank: {provider: local, model: "fault:500"}}
  rrstall: {provider: local, model: llama3.1, retrieval: {collections: [notes], top_k: 3},
            rerank: {provider: local, model: stall, timeout_s: 1}}
  rrtei: {provider: local, model: llama3.1, retrieval: {collections: [notes], top_k: 3},
          rerank: {provider: tei, model: "rerank:reverse", api: tei}}
YAML
"$FN_BIN" --config cfg.yaml index >/dev/null 2>&1 || tap_bail "index failed"
ask() { "$FN_BIN" --config cfg.yaml ask --json "$@"; }
# The sources' file names in order, and the provenance's rerank line, from ask --json.
names() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(s["path"].rsplit("/",1)[-1] for s in d["citations"]))'; }
rerank_of() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["provenance"]["retrieval"]["rerank"])'; }
q="At what temperature does water boil at sea level?"

ask --profile first "$q" >first.json; rc=$?
check_eq "first stage: exit 0" "$rc" 0
first=$(names <first.json)
check_eq "first stage: three sources from notes" "$(echo "$first" | wc -w | tr -d " ")" 3
check_eq "first stage: provenance says off" "$(rerank_of <first.json)" "off"
rev=$(echo "$first" | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "\n") }')

fakellm_reset
ask --profile rr "$q" >rr.json; rc=$?
check_eq "reranker: exit 0" "$rc" 0
check_eq "reranker: the sources follow its order (reversed)" "$(names <rr.json)" "$rev"
check_eq "reranker: provenance names it" "$(rerank_of <rr.json)" "rerank:reverse via local"
check_eq "reranker: POST /v1/rerank was made" "$(fakellm_query '[x["path"] for x in r if "rerank" in x["path"]]')" '["/v1/rerank"]'
check_eq "reranker: llama.cpp's body" "$(fakellm_query '[sorted(x["body"].keys()) for x in r if "rerank" in x["path"]][0]')" '["documents", "model", "query", "top_n"]'
check_eq "reranker: the query is the question" "$(fakellm_query '[x["body"]["query"] for x in r if "rerank" in x["path"]][0]')" "\"$q\""
docs=$(fakellm_query '[x["body"]["documents"] for x in r if "rerank" in x["path"]][0]')
check_not_contains "reranker: a collection the profile may not see is never sent" "$docs" "kettle"
check_not_contains "reranker: nor returned" "$(cat rr.json)" "secret.txt"
check_contains "reranker: the answer was asked after it, with its first source first" \
	"$(fakellm_query '[x["body"] for x in r if x["path"] == "/v1/chat/completions"][-1]')" \
	"$(echo "$rev" | cut -d' ' -f1)"

fakellm_reset
ask --profile rr500 "$q" >rr500.json 2>rr500.err; rc=$?
check_eq "HTTP 500: the answer still comes (exit 0)" "$rc" 0
check_eq "HTTP 500: first-stage order" "$(names <rr500.json)" "$first"
check_contains "HTTP 500: provenance says why" "$(rerank_of <rr500.json)" "first-stage order: the reranker failed"
check_contains "HTTP 500: the server's status is named" "$(rerank_of <rr500.json)" "500"
check_eq "HTTP 500: the chat request followed" "$(fakellm_query 'len([x for x in r if x["path"] == "/v1/chat/completions"])')" 1

fakellm_reset
ask --profile rrstall "$q" >stall.json; rc=$?
check_eq "stall: the answer still comes (exit 0)" "$rc" 0
check_eq "stall: first-stage order" "$(names <stall.json)" "$first"
check_contains "stall: provenance says it failed" "$(rerank_of <stall.json)" "first-stage order: the reranker failed"

fakellm_reset
fakellm_post /_mode '{"rerank_reverse": true}' >/dev/null
ask --profile rrtei "$q" >tei.json; rc=$?
fakellm_post /_mode '{"rerank_reverse": false}' >/dev/null
check_eq "TEI: exit 0" "$rc" 0
check_eq "TEI: POST /rerank with texts" "$(fakellm_query '[(x["path"], sorted(x["body"].keys())) for x in r if "rerank" in x["path"]]')" '[["/rerank", ["query", "texts", "truncate"]]]'
check_eq "TEI: the sources follow its order" "$(names <tei.json)" "$rev"
check_eq "TEI: provenance names it" "$(rerank_of <tei.json)" "rerank:reverse via tei"

fakellm_reset
ask --profile builtin "$q" >builtin.json; rc=$?
check_eq "builtin: exit 0" "$rc" 0
check_eq "builtin: provenance says builtin" "$(rerank_of <builtin.json)" "builtin"
check_eq "builtin: no rerank request" "$(fakellm_query 'len([x for x in r if "rerank" in x["path"]])')" 0
check_not_contains "builtin: the private collection stays out" "$(cat builtin.json)" "secret.txt"

# eval: the retrieval is measured in the reranker's order, and the answers wait for it.
last=$(echo "$first" | awk '{ print $NF }')
printf '{"id": "q1", "question": "%s", "relevant": ["notes/%s"]}\n' "$q" "$last" >q.jsonl
mrr() { python3 -c 'import json,sys; d=json.load(sys.stdin); print([p["retrieval"]["mrr"] for p in d["profiles"]])'; }
fakellm_reset
out=$("$FN_BIN" --config cfg.yaml eval q.jsonl --profiles first,rr --json 2>eval.err); rc=$?
check_eq "eval: exit 0 (the answers did not wait forever)" "$rc" 0
check_eq "eval: MRR first stage 1/3, reranked 1" "$(echo "$out" | mrr)" "[0.3333333333333333, 1]"
check_eq "eval: the reranker was asked for the retrieval and the answer" \
	"$(fakellm_query 'len([x for x in r if x["path"] == "/v1/rerank"])')" 2
check_eq "eval: both profiles' answers completed" \
	"$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print([p["answers"]["completed"] for p in d["profiles"]])')" "[1, 1]"

sed 's/rerank: {provider: "off"}/rerank: {provider: nosuch}/' cfg.yaml >bad.yaml
out=$("$FN_BIN" --config bad.yaml ask --profile first "$q" 2>&1); rc=$?
check "a rerank provider that does not exist: non-zero exit" test "$rc" -ne 0
check_contains "it names the key" "$out" "profiles.first.rerank.provider"
tap_done
