/* limits.c - learning a server's window and tokenizer, cached per process (see limits.h). */
#include "core/net/limits.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/answer/prompt.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/net/net.h"
#include "core/net/provider.h"
#include "core/wire/stream.h"

#define LEARN_TIMEOUT_S 10

/* What a request needs, copied so that a prefetch thread owns it. */
struct target {
	char *name, *base_url, *model, *key;
	int kind, connect_timeout_s, context_window, tokenizer;
};

struct entry {
	char *name, *model;
	struct server_limits lim;
	bool busy; /* a prefetch is asking */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry *cache;
static size_t ncache, capcache;

/* A text like the ones sent (prose, a path, code, numbers) to compare the server's count
 * with footnote's estimate. */
static const char sample[] =
	"<<<SOURCE [1] docs/guide/fine-tuning.md:12-30 (Training > When to fine-tune)>>>\n"
	"Fine-tuning changes the model's weights; retrieval-augmented generation (RAG) leaves "
	"them alone and puts the relevant passages into the prompt. Prefer RAG when the facts "
	"change often, when answers must cite their sources, or when the corpus is larger than "
	"what a model can memorise. Fine-tune when the task needs a new style or format, e.g. "
	"`json.dumps(obj, indent=2)` output, or a domain vocabulary (pKa, IC50, 3.5 mmol/L).\n"
	"<<<END SOURCE [1]>>>\n";

static void target_of(const struct cfg_provider *p, const char *model, const char *key,
		      struct target *t)
{
	t->name = xstrdup(p->name);
	t->base_url = xstrdup(p->base_url);
	t->model = xstrdup(model ? model : "");
	t->key = key && *key ? xstrdup(key) : NULL;
	t->kind = p->kind;
	t->connect_timeout_s = p->connect_timeout_s;
	t->context_window = p->context_window;
	t->tokenizer = p->tokenizer;
}

static void target_free(struct target *t)
{
	free(t->name);
	free(t->base_url);
	free(t->model);
	if (t->key) {
		memset(t->key, 0, strlen(t->key));
		free(t->key);
	}
}

/* base_url without a trailing /v1: where llama-server and vLLM serve /props and /tokenize. */
static char *root_url(const char *base, const char *path)
{
	size_t n = strlen(base);
	while (n && base[n - 1] == '/')
		n--;
	if (n >= 3 && !strncmp(base + n - 3, "/v1", 3))
		n -= 3;
	char *b = xstrndup(base, n);
	char *u = provider_url(b, path);
	free(b);
	return u;
}

/* One blocking request; the parsed JSON reply on a 2xx, else NULL. */
static cJSON *ask_any(const struct target *t, const char *method, const char *url, const char *body)
{
	struct net_http_req req = {
		.method = method, .url = url, .body = body, .api_key = t->key,
		.connect_timeout_s = t->connect_timeout_s < LEARN_TIMEOUT_S ? t->connect_timeout_s
									    : LEARN_TIMEOUT_S,
		.timeout_s = LEARN_TIMEOUT_S, .max_body = 4 << 20,
	};
	struct net_easy *e = net_easy_new();
	struct net_http_reply rep;
	cJSON *root = NULL;
	if (net_http(e, &req, &rep) == 0 && rep.status >= 200 && rep.status < 300)
		root = cJSON_ParseWithLength(rep.body, rep.len);
	net_http_reply_free(&rep);
	net_easy_free(e);
	return root;
}

/* A JSON object from the server, or NULL. */
static cJSON *ask(const struct target *t, const char *method, const char *url, const char *body)
{
	cJSON *root = ask_any(t, method, url, body);
	if (root && !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		root = NULL;
	}
	return root;
}

static int positive(const cJSON *n)
{
	return cJSON_IsNumber(n) && n->valuedouble >= 1 && n->valuedouble < 1e9 ? (int)n->valuedouble : 0;
}

static int props_window(const struct target *t)
{
	char *url = root_url(t->base_url, "props");
	cJSON *r = ask(t, "GET", url, NULL);
	free(url);
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(r, "default_generation_settings");
	int n = positive(cJSON_GetObjectItemCaseSensitive(g, "n_ctx"));
	if (!n)
		n = positive(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(g, "params"), "n_ctx"));
	cJSON_Delete(r);
	return n;
}

/* vLLM's max_model_len, else llama-server's meta.n_ctx_train, of the model (or the only one). */
static int models_window(const struct target *t, char *from, size_t fromlen)
{
	char *url = provider_url(t->base_url, "models");
	cJSON *r = ask(t, "GET", url, NULL);
	free(url);
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(r, "data"), *it, *pick = NULL;
	cJSON_ArrayForEach(it, data) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		if (!pick || (cJSON_IsString(id) && !strcmp(id->valuestring, t->model)))
			pick = it;
	}
	int n = positive(cJSON_GetObjectItemCaseSensitive(pick, "max_model_len"));
	if (n)
		snprintf(from, fromlen, "GET /v1/models max_model_len");
	else if ((n = positive(cJSON_GetObjectItemCaseSensitive(
			  cJSON_GetObjectItemCaseSensitive(pick, "meta"), "n_ctx_train"))))
		snprintf(from, fromlen, "GET /v1/models meta.n_ctx_train");
	cJSON_Delete(r);
	return n;
}

/* llama-server's adapters: GET /lora-adapters -> [{"id", "path", "scale"}, ...]. */
static void lora_adapters(const struct target *t, struct server_limits *out)
{
	char *url = root_url(t->base_url, "lora-adapters");
	cJSON *r = ask_any(t, "GET", url, NULL), *it;
	free(url);
	if (!cJSON_IsArray(r)) {
		cJSON_Delete(r);
		return;
	}
	cJSON_ArrayForEach(it, r) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		const cJSON *path = cJSON_GetObjectItemCaseSensitive(it, "path");
		const cJSON *scale = cJSON_GetObjectItemCaseSensitive(it, "scale");
		if (out->nlora == LIMITS_LORA_MAX || !cJSON_IsNumber(id) || id->valuedouble < 0 ||
		    id->valuedouble > 1e6)
			continue;
		struct limits_lora *l = &out->lora[out->nlora++];
		l->id = (int)id->valuedouble;
		l->scale = cJSON_IsNumber(scale) ? scale->valuedouble : 1;
		snprintf(l->path, sizeof l->path, "%s", cJSON_IsString(path) ? path->valuestring : "");
	}
	cJSON_Delete(r);
}

/* The argument of a Modelfile's ADAPTER line, or "". */
static void modelfile_adapter(const cJSON *mf, char *out, size_t len)
{
	*out = '\0';
	for (const char *p = cJSON_IsString(mf) ? mf->valuestring : NULL; p && *p;) {
		size_t n = strcspn(p, "\n");
		if (n > 8 && !strncmp(p, "ADAPTER ", 8)) {
			snprintf(out, len, "%.*s", (int)(n - 8), p + 8);
			return;
		}
		p += n + (p[n] == '\n');
	}
}

/* Ollama: model_info["<architecture>.context_length"], and the Modelfile's ADAPTER. */
static int show_window(const struct target *t, struct server_limits *lim)
{
	char *url = provider_url(t->base_url, "api/show");
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "model", t->model);
	char *body = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	cJSON *r = ask(t, "POST", url, body);
	cJSON_free(body);
	free(url);
	const cJSON *info = cJSON_GetObjectItemCaseSensitive(r, "model_info"), *it;
	const cJSON *arch = cJSON_GetObjectItemCaseSensitive(info, "general.architecture");
	int n = 0;
	if (cJSON_IsString(arch)) {
		char *key = xasprintf("%s.context_length", arch->valuestring);
		n = positive(cJSON_GetObjectItemCaseSensitive(info, key));
		free(key);
	}
	cJSON_ArrayForEach(it, info) {
		size_t kl = it->string ? strlen(it->string) : 0;
		if (!n && kl > 15 && !strcmp(it->string + kl - 15, ".context_length"))
			n = positive(it);
	}
	modelfile_adapter(cJSON_GetObjectItemCaseSensitive(r, "modelfile"), lim->adapter, sizeof lim->adapter);
	cJSON_Delete(r);
	return n;
}

static int count_tokens(const struct target *t, const char *text)
{
	char *url = root_url(t->base_url, "tokenize");
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "content", text); /* llama-server */
	cJSON_AddStringToObject(b, "prompt", text);  /* vLLM */
	if (*t->model)
		cJSON_AddStringToObject(b, "model", t->model);
	char *body = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	cJSON *r = ask(t, "POST", url, body);
	cJSON_free(body);
	free(url);
	const cJSON *toks = cJSON_GetObjectItemCaseSensitive(r, "tokens");
	int n = cJSON_IsArray(toks) ? cJSON_GetArraySize(toks) : -1;
	cJSON_Delete(r);
	return n;
}

static void learn(const struct target *t, struct server_limits *out)
{
	memset(out, 0, sizeof *out);
	out->ratio = 1;
	out->learned = true;
	if (t->kind == PROVIDER_OPENAI) {
		if ((out->window = props_window(t))) {
			snprintf(out->window_from, sizeof out->window_from, "GET /props n_ctx");
			lora_adapters(t, out);
		} else
			out->window = models_window(t, out->window_from, sizeof out->window_from);
		if (t->tokenizer == 0) {
			int n = count_tokens(t, sample);
			if (n > 0) {
				out->tokenize = true;
				out->ratio = (double)n / prompt_estimate_tokens(sample, strlen(sample));
			}
		}
	} else if (t->kind == PROVIDER_OLLAMA) {
		if ((out->window = show_window(t, out)))
			snprintf(out->window_from, sizeof out->window_from, "POST /api/show context_length");
	}
	if (t->context_window > 0) {
		out->window = t->context_window;
		snprintf(out->window_from, sizeof out->window_from, "config");
	}
	log_info("provider %s, model %s: context window %d (%s), token counting %s", t->name, t->model,
		 out->window, out->window ? out->window_from : "not told", out->tokenize ? "by the server" : "estimated");
}

/* The entry of name+model; caller holds lock. */
static struct entry *find(const char *name, const char *model, bool add)
{
	for (size_t i = 0; i < ncache; i++)
		if (!strcmp(cache[i].name, name) && !strcmp(cache[i].model, model))
			return &cache[i];
	if (!add)
		return NULL;
	cache = xgrow(cache, &capcache, ncache + 1, sizeof *cache);
	struct entry *e = &cache[ncache++];
	memset(e, 0, sizeof *e);
	e->name = xstrdup(name);
	e->model = xstrdup(model);
	return e;
}

static void store(const struct target *t, const struct server_limits *l)
{
	pthread_mutex_lock(&lock);
	struct entry *e = find(t->name, t->model, true);
	e->lim = *l;
	e->busy = false;
	pthread_mutex_unlock(&lock);
}

static void configured(const struct cfg_provider *p, struct server_limits *out)
{
	memset(out, 0, sizeof *out);
	out->ratio = 1;
	if (p->context_window > 0) {
		out->window = p->context_window;
		snprintf(out->window_from, sizeof out->window_from, "config");
	}
}

bool limits_cached(const struct cfg_provider *p, const char *model, struct server_limits *out)
{
	pthread_mutex_lock(&lock);
	struct entry *e = find(p->name, model ? model : "", false);
	bool have = e && e->lim.learned;
	if (have)
		*out = e->lim;
	pthread_mutex_unlock(&lock);
	if (!have)
		configured(p, out);
	return have;
}

void limits_learn(const struct cfg_provider *p, const char *model, const char *api_key,
		  struct server_limits *out)
{
	if (limits_cached(p, model, out) || p->kind == PROVIDER_BUILTIN)
		return;
	struct target t;
	target_of(p, model, api_key, &t);
	learn(&t, out);
	store(&t, out);
	target_free(&t);
}

static void *prefetch_main(void *arg)
{
	struct target *t = arg;
	struct server_limits l;
	learn(t, &l);
	store(t, &l);
	target_free(t);
	free(t);
	return NULL;
}

void limits_prefetch(const struct cfg_provider *p, const char *model, const char *api_key)
{
	if (p->kind == PROVIDER_BUILTIN)
		return;
	pthread_mutex_lock(&lock);
	struct entry *e = find(p->name, model ? model : "", true);
	bool go = !e->lim.learned && !e->busy;
	e->busy |= go;
	pthread_mutex_unlock(&lock);
	if (!go)
		return;
	struct target *t = xcalloc(1, sizeof *t);
	target_of(p, model, api_key, t);
	pthread_t th;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&th, &at, prefetch_main, t) != 0) {
		target_free(t);
		free(t);
		pthread_mutex_lock(&lock);
		find(p->name, model ? model : "", true)->busy = false;
		pthread_mutex_unlock(&lock);
	}
	pthread_attr_destroy(&at);
}

int limits_count(const struct cfg_provider *p, const char *api_key, const char *text)
{
	if (p->kind != PROVIDER_OPENAI || p->tokenizer != 0)
		return -1;
	struct target t;
	target_of(p, NULL, api_key, &t);
	int n = count_tokens(&t, text);
	target_free(&t);
	return n;
}

static int after(const char *msg, const char *key)
{
	const char *p = strstr(msg, key);
	if (!p)
		return 0;
	p += strlen(key);
	while (*p == ' ' || *p == '(')
		p++;
	long v = strtol(p, NULL, 10);
	return v > 0 && v < 1000000000 ? (int)v : 0;
}

bool limits_refusal(const char *msg, int *prompt, int *window)
{
	*prompt = *window = 0;
	if (!msg)
		return false;
	if (strstr(msg, "exceeds the available context size")) {
		*prompt = after(msg, "request");
		*window = after(msg, "context size");
	} else if (strstr(msg, "maximum context length is")) {
		*window = after(msg, "maximum context length is");
		*prompt = after(msg, "you requested");
	} else if (strstr(msg, "larger than the max context size")) {
		*window = 0;
	} else {
		return false;
	}
	return true;
}
