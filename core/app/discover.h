/* discover.h - with no configuration file, find a model server on this machine or an OpenAI
 * key, so the first run answers with a model instead of only quoting documents.
 *
 * Probes, all at once, only 127.0.0.1: Ollama on 11434 (GET /api/tags), llama-server on
 * 8080, LM Studio on 1234 and vLLM on 8000 (GET /v1/models). A refused connection returns at
 * once; a port that accepts but does not answer is given DISCOVER_CONNECT_MS to connect and
 * DISCOVER_TOTAL_MS in all, so the whole probe is bounded by DISCOVER_TOTAL_MS. No proxy is
 * used. When no server answers and OPENAI_API_KEY is set, api.openai.com is used with
 * api_key_env: OPENAI_API_KEY; it is not contacted here, and the key is never sent anywhere
 * else (a discovered local server gets no key).
 *
 * The first server in the order above that lists a chat model wins; its model is the first
 * by name (byte order) that does not look like an embedding model, so the choice does not
 * depend on the server's listing order. discover_result.summary says what was found and
 * what is used.
 *
 * For tests only: FN_DISCOVER_PORTS replaces the ports, a comma-separated list of PORT
 * (an OpenAI-compatible server) or ollama:PORT, still on 127.0.0.1; set but empty, nothing
 * is probed and OPENAI_API_KEY is ignored (tests/run.sh sets it so, so no test finds a real
 * server). FN_DISCOVER_OPENAI_URL replaces https://api.openai.com/v1 (tests point it at the
 * loopback server).
 *
 * Threads: discover_run blocks (for CLI commands); discover_start runs it on its own thread
 * and hands the result to a callback there (the TUI posts it to its channel and applies it
 * on the UI thread with discover_apply). */
#ifndef FN_DISCOVER_H
#define FN_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct cfg_provider;

enum { DISCOVER_CONNECT_MS = 300, DISCOVER_TOTAL_MS = 600 };

struct discover_server {
	char *name;             /* the provider name it gets: "ollama", "llama-server", ... */
	int kind;               /* enum provider_kind: PROVIDER_OPENAI or PROVIDER_OLLAMA */
	char *base_url;
	char *api_key_env;      /* "" for local servers, "OPENAI_API_KEY" for OpenAI */
	char **models;          /* as listed (empty for OpenAI, which is not contacted) */
	size_t nmodels;
	char *model;            /* the chat model picked, or NULL when it lists none */
};

struct discover_result {
	struct discover_server *v; /* every server that answered, in probe order, then OpenAI */
	size_t n;
	int chosen;             /* index into v of the one to use, or -1 */
	char *summary;          /* one sentence for a person (sanitized), never NULL */
};

/* Whether footnote should look: only when no configuration file was read. */
bool discover_wanted(const struct config *c);
/* Probes now (blocks at most about DISCOVER_TOTAL_MS). Free with discover_result_free. */
void discover_run(struct discover_result *out);
void discover_result_free(struct discover_result *r);

/* Runs discover_run on a new thread; done(ctx, r) is called on that thread with a result
 * the callee owns (free it with discover_result_free). NULL when no thread could start.
 * discover_join waits for the thread (after done returned) and frees the job. */
struct discover_job;
struct discover_job *discover_start(void (*done)(void *ctx, struct discover_result *r), void *ctx);
void discover_join(struct discover_job *j);

/* Points footnote's own profiles at the chosen server (config_use_base). Returns how many
 * profiles changed (0 when nothing was chosen). Same thread rules as config_use_base. */
size_t discover_apply(struct config *c, const struct discover_result *r);

/* "Your question and the passages found go to HOST, off this machine." for a provider that
 * is not on this machine (not builtin, not loopback), else NULL. The host only: no path,
 * no user or password. Caller frees. Shown once per session, before its first answer. */
char *discover_remote_notice(const struct cfg_provider *p);

#endif
