/* config_table.c - every option footnote reads: one row each, {name, type, offset, default,
 * limits, choices, sub-table, flags, help} (config_schema.h). A new option is one row here and
 * one field in config.h; the walker (config.c), the defaults, the error messages and
 * config_each_key all follow from the row. */
#include <stddef.h>
#include <stdint.h>

#include "core/app/config.h"
#include "core/app/config_schema.h"
#include "core/wire/stream.h"

const char *const config_kind_names[] = {"openai", "ollama", "builtin", NULL};
const char *const config_policy_names[] = {"decline", "answer", "label", NULL};
static const char *const rewrite_names[] = {"auto", "off", NULL};
static const char *const think_names[] = {"auto", "tag", "noopen", NULL}; /* enum stream_think */
static const char *const tokenizer_names[] = {"auto", "estimate", NULL};
static const char *const rerank_api_names[] = {"llama.cpp", "vllm", "jina", "cohere", "tei", NULL};
_Static_assert(RERANK_API_LLAMA == 0 && RERANK_API_TEI == 4, "rerank_api_names follows enum rerank_api");
_Static_assert(STREAM_THINK_AUTO == 0 && STREAM_THINK_TAG == 1 && STREAM_THINK_NOOPEN == 2,
	       "think_names follows enum stream_think");

#define O(st, f) offsetof(struct st, f)
#define END {.name = NULL}

static const struct opt provider_opts[] = {
	{.name = "kind", .type = T_ENUM, .off = O(cfg_provider, kind),
	 .def = "openai", .choices = config_kind_names,
	 .help = "openai (any OpenAI-compatible server) | ollama | builtin (offline, answers from the documents)"},
	{.name = "base_url", .type = T_STR, .off = O(cfg_provider, base_url),
	 .def = "http://127.0.0.1:8080/v1",
	 .help = "server address; for openai it ends in /v1, for ollama it is http://127.0.0.1:11434"},
	/* No default variable: a default would send the user's OpenAI key to every server. */
	{.name = "api_key_env", .type = T_STR, .off = O(cfg_provider, api_key_env), .def = "",
	 .help = "environment variable that holds the API key (empty = no key is sent)"},
	{.name = "api_key_cmd", .type = T_STR, .off = O(cfg_provider, api_key_cmd), .def = "",
	 .help = "command that prints the key, run once at start, e.g. \"pass show openai\""},
	{.name = "api_key", .type = T_STR, .off = O(cfg_provider, api_key),
	 .def = "", .flags = OPT_SECRET,
	 .help = "a literal key; refused unless the file is private (chmod 600). Prefer api_key_env"},
	{.name = "timeout_s", .type = T_INT, .off = O(cfg_provider, timeout_s),
	 .def = "300", .min = 1, .max = 86400,
	 .help = "longest a whole answer may take"},
	{.name = "connect_timeout_s", .type = T_INT, .off = O(cfg_provider, connect_timeout_s),
	 .def = "10", .min = 1, .max = 600,
	 .help = "longest to wait for the connection"},
	{.name = "idle_timeout_s", .type = T_INT, .off = O(cfg_provider, idle_timeout_s),
	 .def = "60", .min = 1, .max = 3600,
	 .help = "longest silence (keep-alives count as traffic) before the stream is given up"},
	{.name = "max_retries", .type = T_INT, .off = O(cfg_provider, max_retries),
	 .def = "3", .max = 10,
	 .help = "retries on 429/503 before the first token (honouring Retry-After)"},
	{.name = "retry_cap_s", .type = T_INT, .off = O(cfg_provider, retry_cap_s),
	 .def = "30", .max = 600,
	 .help = "longest Retry-After that is waited for"},
	{.name = "think", .type = T_ENUM, .off = O(cfg_provider, think),
	 .def = "auto", .choices = think_names,
	 .help = "reasoning in <think> blocks: auto (a block whose opening tag the server stripped is "
	         "looked for only for models known to do that, e.g. DeepSeek-R1), tag (only blocks that "
	         "open with <think>), noopen (always look for a stripped one)"},
	{.name = "context_window", .type = T_INT, .off = O(cfg_provider, context_window),
	 .def = "0", .max = 10000000,
	 .help = "tokens the server holds (prompt and answer); 0 = ask the server (llama-server "
	         "/props, vLLM /v1/models, Ollama /api/show)"},
	{.name = "tokenizer", .type = T_ENUM, .off = O(cfg_provider, tokenizer),
	 .def = "auto", .choices = tokenizer_names,
	 .help = "how prompts are measured: auto (the server's /tokenize when it has one, else an "
	         "estimate) | estimate"},
	END,
};
const struct schema config_provider_schema = {sizeof(struct cfg_provider), O(cfg_provider, name),
					      provider_opts};

static const char *const mode_names[] = {"hybrid", "lexical", "vector", NULL};
static const struct opt retrieval_opts[] = {
	{.name = "enabled", .type = T_BOOL, .off = O(cfg_retrieval, enabled), .def = "true",
	 .help = "search the documents before answering"},
	{.name = "top_k", .type = T_INT, .off = O(cfg_retrieval, top_k),
	 .def = "6", .min = 1, .max = 100,
	 .help = "how many passages are given to the model"},
	{.name = "collections", .type = T_STRLIST, .off = O(cfg_retrieval, collections), .def = "",
	 .help = "collections this profile may read; empty = all"},
	{.name = "mode", .type = T_STR, .off = O(cfg_retrieval, mode),
	 .def = "hybrid", .choices = mode_names,
	 .help = "hybrid | lexical | vector"},
	{.name = "w_lexical", .type = T_NUM, .off = O(cfg_retrieval, w_lexical),
	 .def = "1.0", .max = 100,
	 .help = "weight of the lexical (BM25) ranking in the fusion"},
	{.name = "w_vector", .type = T_NUM, .off = O(cfg_retrieval, w_vector),
	 .def = "1.0", .max = 100,
	 .help = "weight of the vector ranking in the fusion"},
	{.name = "per_file_cap", .type = T_INT, .off = O(cfg_retrieval, per_file_cap),
	 .def = "3", .max = 100,
	 .help = "most passages from one file (0 = no cap)"},
	{.name = "min_score", .type = T_NUM, .off = O(cfg_retrieval, min_score),
	 .def = "0", .max = 1000,
	 .help = "lexical score below which a passage is not evidence"},
	END,
};
static const struct schema retrieval_schema = {sizeof(struct cfg_retrieval), SIZE_MAX, retrieval_opts};

static const struct opt expand_opts[] = {
	{.name = "enabled", .type = T_BOOL, .off = O(cfg_expand, enabled), .def = "false",
	 .help = "before the search, a model writes sub-queries (key terms, a paraphrase, a "
		 "hypothetical answer) searched with the question and fused by RRF"},
	{.name = "provider", .type = T_STR, .off = O(cfg_expand, provider), .def = "",
	 .help = "provider that writes them; empty = the profile's"},
	{.name = "model", .type = T_STR, .off = O(cfg_expand, model), .def = "",
	 .help = "model that writes them; empty = the profile's"},
	{.name = "queries", .type = T_INT, .off = O(cfg_expand, queries), .def = "3", .min = 1, .max = 8,
	 .help = "sub-queries asked for, besides the question itself"},
	{.name = "timeout_s", .type = T_INT, .off = O(cfg_expand, timeout_s), .def = "8", .min = 1, .max = 600,
	 .help = "longest wait for them; then the question alone is searched"},
	END,
};
static const struct schema expand_schema = {sizeof(struct cfg_expand), SIZE_MAX, expand_opts};

static const char *const verify_styles[] = {"chat", "minicheck", NULL};
static const struct opt verify_opts[] = {
	{.name = "enabled", .type = T_BOOL, .off = O(cfg_verify, enabled), .def = "false",
	 .help = "after the builtin check, a model checks each cited sentence against its passages"},
	{.name = "provider", .type = T_STR, .off = O(cfg_verify, provider), .def = "",
	 .help = "provider of the checker; empty = the profile's"},
	{.name = "model", .type = T_STR, .off = O(cfg_verify, model), .def = "",
	 .help = "the checker model; empty = the profile's"},
	{.name = "style", .type = T_ENUM, .off = O(cfg_verify, style), .def = "chat", .choices = verify_styles,
	 .help = "chat: any chat model, yes/no per sentence, batched; minicheck: a claim-checking "
		 "model such as Bespoke-MiniCheck, one \"Document: ... Claim: ...\" request per sentence"},
	{.name = "timeout_s", .type = T_INT, .off = O(cfg_verify, timeout_s), .def = "20", .min = 1, .max = 600,
	 .help = "longest wait for each request; then the builtin verdicts stand"},
	END,
};
static const struct schema verify_schema = {sizeof(struct cfg_verify), SIZE_MAX, verify_opts};

static const struct opt filter_opts[] = {
	{.name = "path", .type = T_STR, .off = O(cfg_filter, path), .def = "",
	 .help = "glob the file's path (or its tail) must match, e.g. \"*.pdf\" or \"policies/*\"; empty = any"},
	{.name = "after", .type = T_STR, .off = O(cfg_filter, after), .def = "",
	 .help = "only files dated on or after this date (YYYY-MM-DD, YYYY-MM or YYYY: the document's "
		 "own date, else its modification time); empty = any"},
	{.name = "before", .type = T_STR, .off = O(cfg_filter, before), .def = "",
	 .help = "only files dated before this date; empty = any"},
	{.name = "tags", .type = T_STRLIST, .off = O(cfg_filter, tags), .def = "",
	 .help = "only files with one of these tags (front matter tags:, document keywords); empty = any"},
	END,
};
static const struct schema filter_schema = {sizeof(struct cfg_filter), SIZE_MAX, filter_opts};
static const struct opt rerank_opts[] = {
	{.name = "provider", .type = T_STR, .off = O(cfg_rerank, provider), .def = "builtin",
	 .help = "builtin (term proximity, phrase and coverage features, no model) | off | the name "
		 "of a provider whose server reranks: llama-server --reranking, vLLM, TEI, Jina, Cohere"},
	{.name = "model", .type = T_STR, .off = O(cfg_rerank, model), .def = "",
	 .help = "reranker model id sent to the server; empty = none (llama-server serves one)"},
	{.name = "top_n", .type = T_INT, .off = O(cfg_rerank, top_n), .def = "20", .min = 2, .max = 200,
	 .help = "first-stage hits a model reranker reorders (the best top_k of them are kept)"},
	{.name = "timeout_s", .type = T_INT, .off = O(cfg_rerank, timeout_s), .def = "5", .min = 1, .max = 600,
	 .help = "longest wait for the reranker; then the first stage's order is used"},
	{.name = "api", .type = T_ENUM, .off = O(cfg_rerank, api), .def = "llama.cpp",
	 .choices = rerank_api_names,
	 .help = "request shape: llama.cpp | vllm | jina | cohere (POST {base_url}/rerank with "
		 "documents) | tei (POST {base_url}/rerank with texts)"},
	END,
};
static const struct schema rerank_schema = {sizeof(struct cfg_rerank), SIZE_MAX, rerank_opts};

static const struct opt profile_opts[] = {
	{.name = "provider", .type = T_STR, .off = O(cfg_profile, provider), .def = "builtin",
	 .help = "name of a provider above, or builtin"},
	{.name = "model", .type = T_STR, .off = O(cfg_profile, model), .def = "",
	 .help = "model id sent to the server"},
	{.name = "system_prompt", .type = T_STR, .off = O(cfg_profile, system_prompt), .def = "",
	 .help = "empty = footnote's prompt (asks for [n] citations when retrieving)"},
	{.name = "temperature", .type = T_NUM, .off = O(cfg_profile, temperature),
	 .def = "0.2", .max = 2,
	 .help = "sampling temperature"},
	{.name = "max_tokens", .type = T_INT, .off = O(cfg_profile, max_tokens),
	 .def = "0", .max = 1000000,
	 .help = "longest answer in tokens; 0 = the server's default"},
	{.name = "context_tokens", .type = T_INT, .off = O(cfg_profile, context_tokens),
	 .def = "8192", .min = 256, .max = 10000000,
	 .help = "token budget of the whole prompt; lowest-ranked sources are dropped first"},
	{.name = "no_evidence", .type = T_ENUM, .off = O(cfg_profile, no_evidence),
	 .def = "decline", .choices = config_policy_names,
	 .help = "when nothing relevant is found: decline | answer (marked not grounded) | label"},
	{.name = "retrieval", .type = T_STRUCT, .off = O(cfg_profile, retrieval),
	 .sub = &retrieval_schema,
	 .help = "retrieval settings"},
	{.name = "filter", .type = T_STRUCT, .off = O(cfg_profile, filter),
	 .sub = &filter_schema,
	 .help = "which files the profile reads (never more than its collections allow)"},
	{.name = "rewrite", .type = T_ENUM, .off = O(cfg_profile, rewrite),
	 .def = "auto", .choices = rewrite_names,
	 .help = "auto: a follow-up is rewritten by the model into a standalone question for the "
		 "search (not with builtin); off: the search weighs the earlier questions' words"},
	{.name = "rewrite_provider", .type = T_STR, .off = O(cfg_profile, rewrite_provider), .def = "",
	 .help = "provider that rewrites follow-ups; empty = the profile's"},
	{.name = "rewrite_model", .type = T_STR, .off = O(cfg_profile, rewrite_model), .def = "",
	 .help = "model that rewrites follow-ups; empty = the profile's"},
	{.name = "rewrite_timeout_s", .type = T_INT, .off = O(cfg_profile, rewrite_timeout_s),
	 .def = "8", .min = 1, .max = 600,
	 .help = "longest wait for a rewrite; then the plain question is searched"},
	{.name = "expand", .type = T_STRUCT, .off = O(cfg_profile, expand), .sub = &expand_schema,
	 .help = "query expansion with a model (off unless enabled; not with builtin)"},
	{.name = "verify", .type = T_STRUCT, .off = O(cfg_profile, verify), .sub = &verify_schema,
	 .help = "a checker model after the builtin check (off unless enabled; not with builtin)"},
	{.name = "rerank", .type = T_STRUCT, .off = O(cfg_profile, rerank), .sub = &rerank_schema,
	 .help = "the second stage: reorders the search's best hits before the prompt"},
	{.name = "adapter", .type = T_STR, .off = O(cfg_profile, adapter), .def = "",
	 .help = "llama-server LoRA adapter sent with each request: its id or its path as GET "
		 "/lora-adapters lists it (Ollama: build the model with ADAPTER instead)"},
	{.name = "adapter_scale", .type = T_NUM, .off = O(cfg_profile, adapter_scale),
	 .def = "1.0", .max = 10,
	 .help = "the adapter's scale"},
	{.name = "checkpoint", .type = T_STR, .off = O(cfg_profile, checkpoint), .def = "",
	 .help = "fine-tune checkpoint id, recorded with every answer; empty = the model id when it "
		 "is an ft:... id"},
	{.name = "dataset_version", .type = T_STR, .off = O(cfg_profile, dataset_version), .def = "",
	 .help = "version of the training data of the fine-tune, recorded with every answer"},
	END,
};
const struct schema config_profile_schema = {sizeof(struct cfg_profile), O(cfg_profile, name),
					     profile_opts};

static const struct opt folder_opts[] = {
	{.name = "path", .type = T_PATH, .off = O(cfg_folder, path), .def = "",
	 .help = "folder to index and watch"},
	{.name = "collection", .type = T_STR, .off = O(cfg_folder, collection), .def = "default",
	 .help = "collection name; profiles can be limited to collections"},
	END,
};
static const struct schema folder_schema = {sizeof(struct cfg_folder), SIZE_MAX, folder_opts};

static const struct opt price_opts[] = {
	{.name = "input", .type = T_NUM, .off = O(cfg_price, input), .def = "0", .max = 1000000,
	 .help = "price of a million prompt tokens"},
	{.name = "output", .type = T_NUM, .off = O(cfg_price, output), .def = "0", .max = 1000000,
	 .help = "price of a million answer tokens"},
	END,
};
static const struct schema price_schema = {sizeof(struct cfg_price), O(cfg_price, name), price_opts};

static const char *const level_names[] = {"error", "warn", "info", "debug", NULL};

#define C(f) offsetof(struct config, f)
static const struct opt embedder_opts[] = {
	{.name = "provider", .type = T_STR, .off = C(embedder.provider) - C(embedder),
	 .def = "builtin",
	 .help = "builtin (offline, no server) or the name of an openai/ollama provider"},
	{.name = "model", .type = T_STR, .off = C(embedder.model) - C(embedder),
	 .def = "nomic-embed-text",
	 .help = "embedding model id for a server provider"},
	{.name = "batch", .type = T_INT, .off = C(embedder.batch) - C(embedder),
	 .def = "32", .min = 1, .max = 2048,
	 .help = "texts per embedding request"},
	{.name = "max_tokens", .type = T_INT, .off = C(embedder.max_tokens) - C(embedder),
	 .def = "0", .max = 10000000,
	 .help = "input limit of the embedding model in tokens (longer chunks are cut in pieces and "
	         "their vectors pooled); 0 = learn it from the server's refusal"},
	END,
};
static const struct schema embedder_schema = {0, SIZE_MAX, embedder_opts};

static const struct opt index_opts[] = {
	{.name = "path", .type = T_PATH, .off = C(index.path) - C(index), .def = "",
	 .help = "index directory; empty = one per folder set under the data directory"},
	{.name = "folders", .type = T_LIST, .off = C(index.folders) - C(index),
	 .sub = &folder_schema,
	 .help = "watched folders; empty = the current directory"},
	{.name = "exclude", .type = T_STRLIST, .off = C(index.exclude) - C(index),
	 .def = "[.git, node_modules]",
	 .help = "globs matched against names and relative paths; .gitignore files are honoured too"},
	{.name = "max_file_mb", .type = T_INT, .off = C(index.max_file_mb) - C(index),
	 .def = "32", .min = 1, .max = 4096,
	 .help = "larger files are skipped (and said so)"},
	{.name = "language", .type = T_STR, .off = C(index.language) - C(index), .def = "english",
	 .help = "Snowball stemmer language, or none"},
	{.name = "chunk_chars", .type = T_INT, .off = C(index.chunk_chars) - C(index),
	 .def = "1500", .min = 100, .max = 20000,
	 .help = "target chunk size in characters (IDX_CHUNK_CHARS in index/idx.h says why 1500)"},
	{.name = "overlap_chars", .type = T_INT, .off = C(index.overlap_chars) - C(index),
	 .def = "150", .max = 5000,
	 .help = "characters repeated between neighbouring chunks"},
	{.name = "converters", .type = T_STRMAP, .off = C(index.converters) - C(index), .def = "",
	 .help = "extension -> command printing the text, %s is the file, e.g. docx: \"pandoc -t plain %s\""},
	END,
};
static const struct schema index_schema = {0, SIZE_MAX, index_opts};

static const struct opt ui_opts[] = {
	{.name = "theme", .type = T_STR, .off = C(ui.theme) - C(ui), .def = "default",
	 .help = "a theme in themes/: default, light, mono"},
	{.name = "sources_width", .type = T_INT, .off = C(ui.sources_width) - C(ui),
	 .def = "40", .min = 20, .max = 200,
	 .help = "width of the sources pane in columns"},
	{.name = "mouse", .type = T_BOOL, .off = C(ui.mouse) - C(ui), .def = "true",
	 .help = "mouse wheel scrolls"},
	{.name = "keys", .type = T_STRMAP, .off = C(ui.keys) - C(ui), .def = "",
	 .help = "action -> key, e.g. toggle_sources: F3"},
	END,
};
static const struct schema ui_schema = {0, SIZE_MAX, ui_opts};

static const struct opt log_opts[] = {
	{.name = "level", .type = T_STR, .off = C(log.level) - C(log),
	 .def = "info", .choices = level_names,
	 .help = "error | warn | info | debug"},
	END,
};
static const struct schema log_schema = {0, SIZE_MAX, log_opts};

static const struct opt eval_opts[] = {
	{.name = "judge_provider", .type = T_STR, .off = C(eval.judge_provider) - C(eval), .def = "",
	 .help = "provider of the judge model that grades eval answers against the reference; "
		 "empty = no judge (token F1 and containment only)"},
	{.name = "judge_model", .type = T_STR, .off = C(eval.judge_model) - C(eval), .def = "",
	 .help = "the judge model's id"},
	END,
};
static const struct schema eval_schema = {0, SIZE_MAX, eval_opts};

static const struct opt top_opts[] = {
	{.name = "providers", .type = T_MAP, .off = C(providers), .sub = &config_provider_schema,
	 .help = "model servers by name; a provider named builtin always exists"},
	{.name = "embedder", .type = T_STRUCT, .off = C(embedder), .sub = &embedder_schema,
	 .help = "how chunks are embedded"},
	{.name = "index", .type = T_STRUCT, .off = C(index), .sub = &index_schema,
	 .help = "what is indexed and where"},
	{.name = "profiles", .type = T_MAP, .off = C(profiles), .sub = &config_profile_schema,
	 .help = "model + prompt + retrieval bundles, switched at any time"},
	{.name = "default_profile", .type = T_STR, .off = C(default_profile), .def = "rag",
	 .help = "profile used at start"},
	{.name = "prices", .type = T_MAP, .off = C(prices), .sub = &price_schema,
	 .help = "model id -> {input, output}: price per million tokens, for the cost of answers"},
	{.name = "currency", .type = T_STR, .off = C(currency), .def = "$",
	 .help = "how the prices' currency is shown"},
	{.name = "eval", .type = T_STRUCT, .off = C(eval), .sub = &eval_schema,
	 .help = "footnote eval"},
	{.name = "ui", .type = T_STRUCT, .off = C(ui), .sub = &ui_schema,
	 .help = "terminal interface"},
	{.name = "log", .type = T_STRUCT, .off = C(log), .sub = &log_schema,
	 .help = "log file"},
	END,
};
const struct schema config_top_schema = {sizeof(struct config), SIZE_MAX, top_opts};
