/* limits.h - what a model server can take: its context window and its tokenizer.
 *
 * Learned where the server tells, once per provider and model per process (then cached):
 *   openai   GET {root}/props -> default_generation_settings.n_ctx (llama-server: the
 *            window it really runs), else GET {base_url}/models -> data[].max_model_len
 *            (vLLM), else data[].meta.n_ctx_train (llama-server without /props: the
 *            window the model was trained for). POST {root}/tokenize {"content", "prompt"}
 *            -> {"tokens": [...]} says whether the server counts tokens (llama-server,
 *            vLLM). {root} is base_url without a trailing /v1. A server that has /props
 *            (llama-server) is also asked GET {root}/lora-adapters.
 *   ollama   POST {base_url}/api/show {"model"} -> model_info["<arch>.context_length"], and
 *            the Modelfile's ADAPTER line (a model built on a fine-tune's adapter).
 *            Ollama cuts the start of a prompt longer than options.num_ctx without an
 *            error, so footnote sends num_ctx = the window it fits the prompt into.
 * A provider's context_window (config) overrides what is learned; a provider's tokenizer
 * "estimate" skips /tokenize.
 *
 * Threads: limits_learn and limits_count block on the network (bounded by the provider's
 * connect timeout and 10 s): never on the UI thread. limits_cached never blocks and may be
 * called from any thread; limits_prefetch learns on a thread of its own. The cache is
 * guarded by a mutex and lives until the process ends. */
#ifndef FN_LIMITS_H
#define FN_LIMITS_H

#include <stdbool.h>

struct cfg_provider;

/* A LoRA adapter llama-server loaded (GET /lora-adapters: [{id, path, scale}]). */
struct limits_lora {
	int id;
	double scale;          /* the server's global scale; a request may send its own */
	char path[192];
};
enum { LIMITS_LORA_MAX = 16 };

struct server_limits {
	int window;            /* tokens the server holds, prompt and answer; 0 = not known */
	char window_from[64];  /* "config", "GET /props", "GET /v1/models max_model_len", ... */
	bool tokenize;         /* POST /tokenize answers */
	double ratio;          /* server tokens per estimated token, on a sample (1 = unknown) */
	bool learned;          /* the server was asked (even when it told nothing) */
	/* Fine-tunes as served: llama-server's adapters (asked only of a server with /props),
	 * and the ADAPTER line of an Ollama model's Modelfile (POST /api/show), "" = none. */
	struct limits_lora lora[LIMITS_LORA_MAX];
	int nlora;
	char adapter[192];
};

/* Fills *out from the cache, or asks the server and caches the answer. api_key may be NULL. */
void limits_learn(const struct cfg_provider *p, const char *model, const char *api_key,
		  struct server_limits *out);
/* The cached limits (or only the configured ones); false when the server was not asked yet. */
bool limits_cached(const struct cfg_provider *p, const char *model, struct server_limits *out);
/* Starts learning p's limits on a thread of its own, unless cached or already under way.
 * Copies everything it needs: p may go before it ends. */
void limits_prefetch(const struct cfg_provider *p, const char *model, const char *api_key);
/* Tokens of text by the server's tokenizer, or -1 when it cannot say. */
int limits_count(const struct cfg_provider *p, const char *api_key, const char *text);

/* The numbers of a refusal for length: llama-server's "request (6650 tokens) exceeds the
 * available context size (2048 tokens)" (n_prompt_tokens, n_ctx), vLLM's "maximum context
 * length is 2048 tokens. However, you requested 6650 tokens". Returns true when msg is one;
 * *prompt may be 0 when the server did not count. */
bool limits_refusal(const char *msg, int *prompt, int *window);

#endif
