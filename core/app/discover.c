/* discover.c - looking for a model server on this machine (see discover.h). */
#include "core/app/discover.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/config.h"

enum { MAX_PROBES = 16, MAX_BODY = 1 << 20 };

struct probe {
	const char *label;      /* for the summary: "Ollama", "llama-server", ... */
	const char *name;       /* provider name */
	int kind;
	int port;
	CURL *easy;
	struct buf body;
	bool too_big;
};

static const struct {
	const char *label, *name;
	int kind, port;
} usual[] = {
	{"Ollama", "ollama", PROVIDER_OLLAMA, 11434},
	{"llama-server", "llama-server", PROVIDER_OPENAI, 8080},
	{"LM Studio", "lmstudio", PROVIDER_OPENAI, 1234},
	{"vLLM", "vllm", PROVIDER_OPENAI, 8000},
};

bool discover_wanted(const struct config *c)
{
	return c && !c->file;
}

/* The probes: the usual ports, or FN_DISCOVER_PORTS (tests). */
static size_t probes_of(struct probe *p, bool *tests)
{
	const char *env = getenv("FN_DISCOVER_PORTS");
	*tests = env != NULL;
	size_t n = 0;
	if (!env) {
		for (size_t i = 0; i < sizeof usual / sizeof *usual; i++)
			p[n++] = (struct probe){usual[i].label, usual[i].name, usual[i].kind, usual[i].port,
						NULL, {0}, false};
		return n;
	}
	for (const char *s = env; *s && n < MAX_PROBES;) {
		size_t len = strcspn(s, ",");
		bool ollama = len > 7 && !strncmp(s, "ollama:", 7);
		const char *num = ollama ? s + 7 : s;
		char *end;
		long port = strtol(num, &end, 10);
		if (end == s + len && port > 0 && port < 65536)
			p[n++] = (struct probe){ollama ? "Ollama" : "an OpenAI-compatible server",
						ollama ? "ollama" : "local", ollama ? PROVIDER_OLLAMA : PROVIDER_OPENAI,
						(int)port, NULL, {0}, false};
		s += len;
		s += *s == ',';
	}
	return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct probe *p = ctx;
	size_t n = size * nmemb;
	if (p->body.len + n > MAX_BODY) {
		p->too_big = true;
		return 0;
	}
	buf_add(&p->body, data, n);
	return n;
}

static char *base_url(const struct probe *p)
{
	return p->kind == PROVIDER_OLLAMA ? xasprintf("http://127.0.0.1:%d", p->port)
					  : xasprintf("http://127.0.0.1:%d/v1", p->port);
}

/* All probes at once; each one's body is kept when it answered 200. */
static void probe_all(struct probe *p, size_t n)
{
	CURLM *m = curl_multi_init();
	if (!m)
		return;
	for (size_t i = 0; i < n; i++) {
		CURL *e = curl_easy_init();
		if (!e)
			continue;
		char *base = base_url(&p[i]);
		char *url = xasprintf("%s/%s", base, p[i].kind == PROVIDER_OLLAMA ? "api/tags" : "models");
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)DISCOVER_CONNECT_MS);
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)DISCOVER_TOTAL_MS);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http");
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &p[i]);
		free(url);
		free(base);
		p[i].easy = e;
		curl_multi_add_handle(m, e);
	}
	int running = 1;
	while (running) {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		if (running && curl_multi_poll(m, NULL, 0, 100, NULL) != CURLM_OK)
			break;
	}
	for (size_t i = 0; i < n; i++) {
		if (!p[i].easy)
			continue;
		long status = 0;
		curl_easy_getinfo(p[i].easy, CURLINFO_RESPONSE_CODE, &status);
		if (status != 200 || p[i].too_big)
			buf_free(&p[i].body);
		curl_multi_remove_handle(m, p[i].easy);
		curl_easy_cleanup(p[i].easy);
		p[i].easy = NULL;
	}
	curl_multi_cleanup(m);
}

/* Embedding and reranking models cannot chat. */
static bool chat_model(const char *name)
{
	static const char *const not_chat[] = {"embed", "bge-", "rerank", "whisper", "minilm", NULL};
	for (const char *const *w = not_chat; *w; w++)
		if (strcasestr(name, *w))
			return false;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The server's model names, or false when the body is not a model list. */
static bool parse_models(const struct probe *p, struct discover_server *s)
{
	cJSON *root = cJSON_ParseWithLength(p->body.p ? p->body.p : "", p->body.len);
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, p->kind == PROVIDER_OLLAMA ? "models" : "data");
	bool ok = cJSON_IsArray(arr);
	const cJSON *list = ok ? arr : NULL, *it;
	cJSON_ArrayForEach(it, list) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, p->kind == PROVIDER_OLLAMA ? "name" : "id");
		if (!cJSON_IsString(id) || !*id->valuestring || strlen(id->valuestring) > 200)
			continue;
		s->models = xrealloc(s->models, (s->nmodels + 1) * sizeof *s->models);
		s->models[s->nmodels++] = xstrdup(id->valuestring);
	}
	cJSON_Delete(root);
	if (s->nmodels)
		qsort(s->models, s->nmodels, sizeof *s->models, cmp_str);
	for (size_t i = 0; i < s->nmodels && !s->model; i++)
		if (chat_model(s->models[i]))
			s->model = xstrdup(s->models[i]);
	return ok;
}

static void add_summary(struct buf *b, const struct discover_result *r, const struct probe *probes,
			size_t nprobes, bool tests)
{
	if (r->chosen < 0) {
		buf_addf(b, "no model server found on this machine (%s)",
			 tests ? "ports from FN_DISCOVER_PORTS" : "Ollama 11434, llama-server 8080, LM Studio 1234, vLLM 8000");
		buf_adds(b, tests ? "" : " and OPENAI_API_KEY is not set");
		buf_adds(b, "; answers are extractive, quoted from your documents");
		return;
	}
	const struct discover_server *s = &r->v[r->chosen];
	const char *label = "OpenAI";
	for (size_t i = 0; i < nprobes; i++)
		if (!strcmp(probes[i].name, s->name))
			label = probes[i].label;
	if (s->nmodels)
		buf_addf(b, "found %s at %s: using %s (the first chat model by name of %zu listed)", label,
			 s->base_url, s->model, s->nmodels);
	else
		buf_addf(b, "no server on this machine; OPENAI_API_KEY is set: using %s at %s", s->model,
			 s->base_url);
}

void discover_run(struct discover_result *out)
{
	memset(out, 0, sizeof *out);
	out->chosen = -1;
	struct probe probes[MAX_PROBES];
	bool tests;
	size_t n = probes_of(probes, &tests);
	if (n)
		probe_all(probes, n);
	for (size_t i = 0; i < n; i++) {
		if (!probes[i].body.len)
			continue;
		struct discover_server s = {xstrdup(probes[i].name), probes[i].kind, base_url(&probes[i]),
					    xstrdup(""), NULL, 0, NULL};
		if (!parse_models(&probes[i], &s)) {
			free(s.name);
			free(s.base_url);
			free(s.api_key_env);
			buf_free(&probes[i].body);
			continue;
		}
		buf_free(&probes[i].body);
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n] = s;
		if (out->chosen < 0 && s.model)
			out->chosen = (int)out->n;
		out->n++;
	}
	/* The key counts only outside tests, or when a test points OpenAI at loopback. */
	const char *key = getenv("OPENAI_API_KEY");
	const char *url = getenv("FN_DISCOVER_OPENAI_URL");
	if (key && *key && (!tests || (url && *url))) {
		struct discover_server s = {xstrdup("openai"), PROVIDER_OPENAI,
					    xstrdup(url && *url ? url : "https://api.openai.com/v1"),
					    xstrdup("OPENAI_API_KEY"), NULL, 0, xstrdup("gpt-4o-mini")};
		out->v = xrealloc(out->v, (out->n + 1) * sizeof *out->v);
		out->v[out->n] = s;
		if (out->chosen < 0)
			out->chosen = (int)out->n;
		out->n++;
	}
	struct buf b = {0};
	add_summary(&b, out, probes, n, tests);
	out->summary = sanitize_str(buf_str(&b), SAN_ONELINE);
	buf_free(&b);
}

void discover_result_free(struct discover_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct discover_server *s = &r->v[i];
		free(s->name);
		free(s->base_url);
		free(s->api_key_env);
		for (size_t k = 0; k < s->nmodels; k++)
			free(s->models[k]);
		free(s->models);
		free(s->model);
	}
	free(r->v);
	free(r->summary);
	memset(r, 0, sizeof *r);
	r->chosen = -1;
}

struct discover_job {
	pthread_t thread;
	void (*done)(void *ctx, struct discover_result *r);
	void *ctx;
};

static void *job_main(void *arg)
{
	struct discover_job *j = arg;
	struct discover_result *r = xmalloc(sizeof *r);
	discover_run(r);
	j->done(j->ctx, r);
	return NULL;
}

struct discover_job *discover_start(void (*done)(void *ctx, struct discover_result *r), void *ctx)
{
	/* curl's global state is set up here, on the caller's thread, before any easy handle. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return NULL;
	struct discover_job *j = xcalloc(1, sizeof *j);
	j->done = done;
	j->ctx = ctx;
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		free(j);
		return NULL;
	}
	return j;
}

void discover_join(struct discover_job *j)
{
	if (!j)
		return;
	pthread_join(j->thread, NULL);
	free(j);
}

size_t discover_apply(struct config *c, const struct discover_result *r)
{
	if (!r || r->chosen < 0 || (size_t)r->chosen >= r->n)
		return 0;
	const struct discover_server *s = &r->v[r->chosen];
	struct cfg_provider p = {0};
	p.name = s->name;
	p.kind = s->kind;
	p.base_url = s->base_url;
	p.api_key_env = s->api_key_env;
	return config_use_base(c, &p, s->model);
}

/* 127.0.0.0/8, ::1 and localhost are this machine. */
static bool loopback(const char *host)
{
	if (!strncmp(host, "127.", 4) || !strcmp(host, "localhost") || !strcmp(host, "[::1]") ||
	    !strncmp(host, "localhost:", 10) || !strncmp(host, "[::1]:", 6))
		return true;
	return false;
}

char *discover_remote_notice(const struct cfg_provider *p)
{
	if (!p || p->kind == PROVIDER_BUILTIN || !p->base_url)
		return NULL;
	const char *s = strstr(p->base_url, "://");
	s = s ? s + 3 : p->base_url;
	size_t len = strcspn(s, "/?#");
	const char *at = memchr(s, '@', len); /* never show user:password@ */
	if (at) {
		len -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	char *host = xstrndup(s, len);
	/* The port is not part of where the text goes. */
	char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
	bool remote = !loopback(host);
	if (colon)
		colon[host[0] == '[' ? 1 : 0] = '\0';
	char *safe = sanitize_str(host, SAN_ONELINE);
	char *name = sanitize_str(p->name, SAN_ONELINE);
	char *n = remote ? xasprintf("Your question and the passages found are sent to %s (provider %s), "
				     "off this machine.", safe, name)
			 : NULL;
	free(name);
	free(safe);
	free(host);
	return n;
}
