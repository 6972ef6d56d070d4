/* provider.h - what each provider kind expects on the wire.
 *
 *   openai   POST {base_url}/chat/completions  {model, messages, stream: true,
 *            stream_options: {include_usage: true}, temperature, max_tokens (when > 0),
 *            lora: [{id, scale}] (a llama-server adapter, when asked)}
 *            -> SSE.  GET {base_url}/models.
 *   ollama   POST {base_url}/api/chat  {model, messages, stream: true,
 *            options: {temperature, num_predict (when > 0), num_ctx (when > 0)}} -> NDJSON.
 *            GET /api/tags.
 *   builtin  no HTTP at all (the extractive answerer); the functions here refuse it.
 *
 * base_url is joined tolerantly: "http://h/v1" and "http://h/v1/" give the same URLs.
 * Pure except provider_list_models, which blocks on the network (for doctor and model-name
 * completion; not on the UI thread). Any thread. */
#ifndef FN_PROVIDER_H
#define FN_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/net/net.h"

struct cfg_provider;

struct provider_msg {
	const char *role;    /* "system", "user", "assistant" */
	const char *content;
};

struct provider_chat {
	const char *model;
	const struct provider_msg *messages;
	size_t n_messages;
	double temperature;
	int max_tokens;      /* 0 = the server's default */
	bool no_stream;      /* one JSON reply (the stream decoder reads it too) instead of a stream */
	int num_ctx;         /* ollama: options.num_ctx, the window to run (0 = the server's) */
	bool lora;           /* openai (llama-server): "lora": [{"id": lora_id, "scale": lora_scale}] */
	int lora_id;
	double lora_scale;
};

/* {base_url}/{path} with exactly one slash between; caller frees. */
char *provider_url(const char *base_url, const char *path);

/* The URL and JSON body of a streamed chat request (both owned by the struct). */
struct provider_request {
	char *url;
	char *body;
	enum stream_proto proto;
};
/* Returns 0, or -1 for a builtin provider (or a kind this build does not know) with *err
 * set (caller frees). */
int provider_chat_request(const struct cfg_provider *p, const struct provider_chat *chat,
			  struct provider_request *out, char **err);
void provider_request_free(struct provider_request *r);
/* A net_request for r with p's timeouts and retries. Points into r and api_key: keep both
 * until net_submit returns. */
void provider_net_request(const struct cfg_provider *p, const struct provider_request *r,
			  const char *api_key, struct net_request *out);

/* Model names, as the server lists them. */
struct provider_models {
	char **v;
	size_t n;
};
enum {
	PROVIDER_OK = 0,
	PROVIDER_ENET = -1,      /* not reachable: *err names the host */
	PROVIDER_EHTTP = -2,     /* an HTTP error: *status is set, *err has the server's message */
	PROVIDER_EREPLY = -3,    /* the reply was not a model list */
	PROVIDER_EBUILTIN = -4,  /* builtin has no server */
};
/* Blocking GET of the model list. Returns PROVIDER_OK or an error above with *err (caller
 * frees; untrusted server text in it: sanitize before display). *status is the HTTP status
 * (0 when none). out is filled only on success; free with provider_models_free. */
int provider_list_models(const struct cfg_provider *p, const char *api_key,
			 struct provider_models *out, int *status, char **err);
void provider_models_free(struct provider_models *m);
/* Whether `model` is served: exact, or for ollama "name" matching "name:latest". */
bool provider_models_has(const struct cfg_provider *p, const struct provider_models *m,
			 const char *model);

#endif
