# servers.sh - footnote against servers that behave like the ones people run (issue 14):
# llama-server with a 2048-token context (its /props, /tokenize and exact refusal bodies),
# Ollama (/api/show, num_ctx, a prompt cut silently when it does not fit), vLLM
# (max_model_len), an embedder with llama-server's 512-token physical batch, an embedder
# that is down for a while, and a budget no source fits.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir notes
for f in a b c; do
	i=0
	while [ $i -lt 14 ]; do
		printf 'Fine-tune a model instead of using RAG when the task needs a new style or format (note %s-%d). RAG keeps facts current and cites its sources, so prefer RAG when documents change often.\n\n' "$f" $i
		i=$((i + 1))
	done >"notes/$f.md"
done
fakellm_start >/dev/null || tap_bail "fakellm did not start"
mode() { fakellm_post /_mode "$1" >/dev/null; }
every() { # PY_EXPR over every request, the limit probes included
	python3 - "$FAKELLM_URL" "$1" <<'PY'
import json, sys, urllib.request
r = json.load(urllib.request.urlopen(sys.argv[1] + "/_requests?all=1"))
print(json.dumps(eval(sys.argv[2])))
PY
}
chats='sum(x["path"] in ("/v1/chat/completions", "/api/chat") for x in r)'
cat >cfg.yaml <<YAML
providers:
  llama: {kind: openai, base_url: "$FAKELLM_URL/v1", max_retries: 0}
  guess: {kind: openai, base_url: "$FAKELLM_URL/v1", tokenizer: estimate, context_window: 6000}
  oll: {kind: ollama, base_url: "$FAKELLM_URL"}
index: {folders: [{path: $FN_TMP/notes}], path: $FN_TMP/ix}
profiles:
  rag: {provider: llama, model: llama3.1}
  guess: {provider: guess, model: llama3.1}
  tiny: {provider: llama, model: llama3.1, context_tokens: 300, max_tokens: 100}
  ollama: {provider: oll, model: llama3.1}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
q="When should I fine-tune instead of RAG?"
fn index >/dev/null 2>&1 || tap_bail "index failed"

# --- llama-server, 2048 tokens: the window is learned and the prompt counted by the server
mode '{"n_ctx": 2048}'
fakellm_reset
out=$(fn ask --json "$q" 2>&1); rc=$?
check_eq "llama-server 2048: ask exits 0" "$rc" 0
check_contains "llama-server 2048: the answer completes" "$out" '"outcome":"completed"'
check_eq "llama-server 2048: one chat request, not refused" "$(every "$chats")" 1
check_contains "the window came from /props" "$out" '"window":{"tokens":2048,"from":"GET /props n_ctx"'
check_contains "tokens were counted by the server" "$out" '"counting":"server /tokenize"'
check_contains "the provenance says what was cut" "$out" 'sources dropped to fit 2048 tokens'
check "the tokenizer was asked" [ "$(every 'sum(x["path"] == "/tokenize" for x in r)')" -gt 1 ]

# --- a window given wrong in config, estimated tokens: refused, fitted with its numbers, retried
fakellm_reset
out=$(fn ask --json --profile guess "$q" 2>&1); rc=$?
check_eq "refused for length: ask exits 0" "$rc" 0
check_contains "refused for length: the retry completes" "$out" '"outcome":"completed"'
check_eq "refused for length: two chat requests" "$(every "$chats")" 2
check_contains "the result records the refit" "$out" '"refit":{"window":2048'
check_contains "the provenance records the cut" "$out" 'the server refused the prompt (its window: 2048 tokens)'
check "the retry sent fewer sources" [ "$(every '[x["body"]["messages"][1]["content"].count("<<<SOURCE [") for x in r if x["path"] == "/v1/chat/completions"][1]')" -lt \
	"$(every '[x["body"]["messages"][1]["content"].count("<<<SOURCE [") for x in r if x["path"] == "/v1/chat/completions"][0]')" ]

# --- a budget no source fits: said, with what to change, not "not found"
out=$(fn ask --profile tiny "$q" 2>&1)
check_contains "no source fits: says how many were found" "$out" "passages were found, none fits the context budget of 300 tokens"
check_contains "no source fits: says what to change" "$out" "raise context_tokens"
check_not_contains "no source fits: not 'not found'" "$out" "Not found in your documents"

# --- Ollama: the window from /api/show, num_ctx sent so that nothing is cut
mode '{"n_ctx": 0, "ollama_ctx": 4096}'
fakellm_reset
out=$(fn ask --json --profile ollama "$q" 2>&1); rc=$?
check_eq "ollama: ask exits 0" "$rc" 0
check_contains "ollama: the window came from /api/show" "$out" '"window":{"tokens":4096,"from":"POST /api/show context_length"'
check_eq "ollama: num_ctx is sent" "$(every '[x["body"]["options"].get("num_ctx") for x in r if x["path"] == "/api/chat"][0]')" 4096
check_eq "ollama: the prompt was not cut" "$(every '[x.get("cut", False) for x in r if x["path"] == "/api/chat"][0]')" false

# --- vLLM: max_model_len
mode '{"ollama_ctx": 0, "vllm_len": 3000}'
out=$(fn ask --json "$q" 2>&1)
check_contains "vLLM: the window came from max_model_len" "$out" '"window":{"tokens":3000,"from":"GET /v1/models max_model_len"'
mode '{"vllm_len": 0}'

# --- doctor reports windows, counting, the embedder's dimension and input limit
mode '{"n_ctx": 2048, "ubatch": 64}'
cat >emb.yaml <<YAML
providers:
  llama: {kind: openai, base_url: "$FAKELLM_URL/v1", max_retries: 0}
embedder: {provider: llama, model: "embed:dim=32", batch: 4}
index: {folders: [{path: $FN_TMP/notes}], path: $FN_TMP/ix-emb}
profiles:
  rag: {provider: llama, model: llama3.1}
YAML
out=$("$FN_BIN" --config emb.yaml doctor 2>&1)
check_contains "doctor: the context window" "$out" "context window of llama3.1: 2048 tokens (GET /props n_ctx)"
check_contains "doctor: the token counting" "$out" "token counting: the server's tokenizer"
check_contains "doctor: the embedder's dimension" "$out" "dimension 32"
check_contains "doctor: the embedder's input limit" "$out" "input limit: 64 tokens (learned from the server's refusal"

# --- an embedder with a 64-token physical batch: chunks are cut under it, not refused
fakellm_reset
out=$("$FN_BIN" --config emb.yaml index 2>&1); rc=$?
check_eq "small batch: index exits 0" "$rc" 0
check_not_contains "small batch: no failure" "$out" "failed"
st=$("$FN_BIN" --config emb.yaml index --status)
check_contains "small batch: no chunk waits for a vector" "$st" "pending    0 chunks"
# Refused once: the refusal names the batch size, and from then on every long chunk is cut
# before it is sent.
check_eq "small batch: llama-server's 500 came once, then the limit was known" \
	"$(fakellm_query 'sum(1 for x in r if x["path"] == "/v1/embeddings" and any(len(t) > 220 for t in x["body"]["input"]))')" 1
check_contains "small batch: vector search works" "$("$FN_BIN" --config emb.yaml search --mode vector "new style or format" | head -n 1)" "notes/"

# --- the embedder is down for a while: chunks stored and searchable, vectors pending, filled later
mode '{"embed_down": true}'
printf 'Quokkas are small marsupials that live on Rottnest Island.\n' >notes/quokka.md
out=$("$FN_BIN" --config emb.yaml index 2>&1); rc=$?
check_eq "embedder down: index exits 0" "$rc" 0
check_contains "embedder down: says the chunks wait" "$out" "1 chunk waits for vectors"
check_contains "embedder down: the status shows them" "$("$FN_BIN" --config emb.yaml index --status)" "pending    1 chunk waiting"
check_contains "embedder down: searchable by its words at once" \
	"$("$FN_BIN" --config emb.yaml search --mode lexical quokkas 2>&1)" "quokka.md"
mode '{"embed_down": false}'
out=$("$FN_BIN" --config emb.yaml index 2>&1); rc=$?
check_eq "embedder back: index exits 0" "$rc" 0
check_contains "embedder back: nothing waits" "$("$FN_BIN" --config emb.yaml index --status)" "pending    0 chunks"
check_contains "embedder back: the vector is there" \
	"$("$FN_BIN" --config emb.yaml search --mode vector "marsupials on Rottnest" | head -n 1)" "quokka.md"
tap_done
