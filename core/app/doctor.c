/* doctor.c - checks for `footnote doctor` (see doctor.h). */
#include "core/app/doctor.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "base/plural.h"
#include "core/app/config.h"
#include "core/app/setup.h"
#include "core/net/embed_http.h"
#include "core/net/limits.h"
#include "core/net/provider.h"
#include "core/net/secret.h"
#include "index/idx.h"

struct doc {
	const struct config *c;
	const struct doctor_sink *sink;
	int result;
};

static void emit(struct doc *d, enum doctor_level lv, const char *subject, const char *fix,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void emit(struct doc *d, enum doctor_level lv, const char *subject, const char *fix,
		 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	struct doctor_line l = {lv, subject, text, fix};
	d->sink->line(d->sink->ctx, &l);
	free(text);
	if (lv == DOCTOR_FAIL && d->result == DOCTOR_ALL_OK)
		d->result = DOCTOR_PROBLEM;
}

static bool embedder_uses(const struct config *c, const char *name)
{
	return c->embedder.provider && !strcmp(c->embedder.provider, name);
}

static bool profiles_use(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->profiles.n; i++)
		if (c->profiles.v[i].provider && !strcmp(c->profiles.v[i].provider, name))
			return true;
	return false;
}

/* "pull it" for ollama, "serve it" otherwise. */
static char *model_fix(const struct cfg_provider *p, const char *model,
		       const struct provider_models *m)
{
	if (p->kind == PROVIDER_OLLAMA)
		return xasprintf("ollama pull %s", model);
	struct buf b = {0};
	buf_addf(&b, "load %s into the server, or set the profile's model to one it lists", model);
	if (m->n) {
		buf_adds(&b, " (");
		for (size_t i = 0; i < m->n && i < 5; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", m->v[i]);
		buf_adds(&b, m->n > 5 ? ", ...)" : ")");
	}
	return buf_detach(&b);
}

static void check_model(struct doc *d, const struct cfg_provider *p,
			const struct provider_models *m, const char *who, const char *model)
{
	if (provider_models_has(p, m, model)) {
		emit(d, DOCTOR_OK, p->name, NULL, "%s: model %s is available", who, model);
		return;
	}
	char *fix = model_fix(p, model, m);
	emit(d, DOCTOR_FAIL, p->name, fix, "%s: model %s is not among the %zu models the server "
	     "lists", who, model, m->n);
	free(fix);
}

/* The window and the token counting the server told for one model. */
static void check_limits(struct doc *d, const struct cfg_provider *p, const char *key, const char *model)
{
	struct server_limits l;
	limits_learn(p, model, key, &l);
	const char *m = model && *model ? model : "(any model)";
	if (l.window > 0)
		emit(d, DOCTOR_OK, p->name, NULL, "context window of %s: %d tokens (%s)", m, l.window,
		     l.window_from);
	else {
		char *fix = xasprintf("set providers.%s.context_window to the server's context size", p->name);
		emit(d, DOCTOR_INFO, p->name, fix, "context window of %s: the server does not tell; the "
		     "profiles' context_tokens are used", m);
		free(fix);
	}
	if (l.tokenize)
		emit(d, DOCTOR_OK, p->name, NULL, "token counting: the server's tokenizer (POST /tokenize; "
		     "%.2f of its tokens per estimated token on a sample)", l.ratio);
	else
		emit(d, DOCTOR_INFO, p->name, NULL, "token counting: estimated (about 4 characters a "
		     "token%s)", p->kind == PROVIDER_OLLAMA ? "; num_ctx is sent so that Ollama "
							   "does not cut the prompt" : ": the server has no /tokenize");
}

static void check_provider(struct doc *d, const struct cfg_provider *p)
{
	const struct config *c = d->c;
	if (p->kind == PROVIDER_BUILTIN) {
		emit(d, DOCTOR_OK, p->name, NULL, "%s", strcmp(p->name, "builtin")
			? "builtin: offline answers, always available"
			: "offline answers, always available");
		return;
	}
	bool used = profiles_use(c, p->name) || embedder_uses(c, p->name);
	enum doctor_level bad = used ? DOCTOR_FAIL : DOCTOR_WARN;

	struct secret s;
	char *err = NULL;
	if (secret_get(p, &s, &err) < 0) {
		emit(d, bad, p->name, "run the command in a shell and make it print the key",
		     "key: %s", err);
		free(err);
		return;
	}
	if (s.key)
		emit(d, DOCTOR_OK, p->name, NULL, "key: present (from %s)", s.where);
	else if (p->api_key_env && *p->api_key_env)
		emit(d, DOCTOR_INFO, p->name, NULL, "key: none ($%s is not set; fine for a local "
		     "server)", p->api_key_env);
	else
		emit(d, DOCTOR_INFO, p->name, NULL, "key: none configured (fine for a local server)");

	struct provider_models m;
	int status = 0;
	int rc = provider_list_models(p, s.key, &m, &status, &err);
	if (rc == PROVIDER_ENET) {
		char *fix = p->kind == PROVIDER_OLLAMA
				    ? xasprintf("start Ollama (ollama serve) or fix providers.%s.base_url",
						p->name)
				    : xasprintf("start the server or fix providers.%s.base_url (now %s)",
						p->name, p->base_url);
		emit(d, bad, p->name, fix, "reachable: no - %s", err);
		free(fix);
		if (used)
			d->result = DOCTOR_UNREACHABLE;
	} else if (rc == PROVIDER_EHTTP && (status == 401 || status == 403)) {
		char *fix = s.key ? xasprintf("check %s", s.where)
				  : xasprintf("set $%s (or providers.%s.api_key_cmd)",
					      p->api_key_env && *p->api_key_env ? p->api_key_env
										: "OPENAI_API_KEY",
					      p->name);
		emit(d, bad, p->name, fix, s.key ? "key: the key was refused (HTTP %d): %s"
						 : "key: the server wants a key (HTTP %d): %s",
		     status, err);
		free(fix);
	} else if (rc != PROVIDER_OK) {
		char *fix = xasprintf("check providers.%s.base_url (%s)%s", p->name, p->base_url,
				      p->kind == PROVIDER_OPENAI ? ": OpenAI-compatible servers usually "
								   "end in /v1" : "");
		emit(d, bad, p->name, fix, "models: %s", err);
		free(fix);
	} else {
		emit(d, DOCTOR_OK, p->name, NULL, "reachable: %zu model%s listed (%s)", m.n,
		     m.n == 1 ? "" : "s", p->base_url);
		for (size_t i = 0; i < c->profiles.n; i++) {
			const struct cfg_profile *pr = &c->profiles.v[i];
			if (pr->provider && !strcmp(pr->provider, p->name)) {
				char *who = xasprintf("profile %s", pr->name);
				check_model(d, p, &m, who, pr->model);
				free(who);
			}
		}
		if (embedder_uses(c, p->name))
			check_model(d, p, &m, "embedder", c->embedder.model);
		provider_models_free(&m);
		bool any = false;
		for (size_t i = 0; i < c->profiles.n; i++) {
			const struct cfg_profile *pr = &c->profiles.v[i];
			bool seen = false;
			for (size_t j = 0; j < i; j++)
				seen |= c->profiles.v[j].provider && !strcmp(c->profiles.v[j].provider, p->name) &&
					!strcmp(c->profiles.v[j].model, pr->model);
			if (pr->provider && !strcmp(pr->provider, p->name) && !seen) {
				check_limits(d, p, s.key, pr->model);
				any = true;
			}
		}
		if (!any && !embedder_uses(c, p->name))
			check_limits(d, p, s.key, "");
	}
	free(err);
	secret_clear(&s);
}

/* The embedder's input limit: configured, or learned by sending one long text. */
static void check_input_limit(struct doc *d, struct embed_http *e)
{
	enum embed_limit_source src;
	int n = embed_http_limit(e, &src, NULL), rc = 0;
	if (!n) {
		char msg[512];
		rc = embed_http_probe_limit(e, msg, sizeof msg);
		n = embed_http_limit(e, &src, NULL);
	}
	double cpt = 0;
	embed_http_limit(e, &src, &cpt);
	if (src == EMBED_LIMIT_CONFIG)
		emit(d, DOCTOR_OK, "embedder", NULL, "input limit: %d tokens (embedder.max_tokens); longer "
		     "chunks are cut in pieces and their vectors pooled", n);
	else if (n)
		emit(d, DOCTOR_OK, "embedder", NULL, "input limit: %d tokens (learned from the server's "
		     "refusal, %.1f characters a token); longer chunks are cut in pieces and their "
		     "vectors pooled", n, cpt);
	else if (rc)
		emit(d, DOCTOR_WARN, "embedder", "set embedder.max_tokens to the model's input limit",
		     "input limit: the server refuses a long input without naming its limit; long "
		     "chunks are halved until they fit");
	else
		emit(d, DOCTOR_OK, "embedder", NULL, "input limit: none found (an input of about 8000 "
		     "tokens was embedded whole)");
}

static void check_embedder(struct doc *d)
{
	const struct config *c = d->c;
	const struct cfg_provider *p =
		strcmp(c->embedder.provider, "builtin") ? config_provider(c, c->embedder.provider) : NULL;
	if (!strcmp(c->embedder.provider, "builtin") || (p && p->kind == PROVIDER_BUILTIN)) {
		const struct idx_embedder *b = idx_embedder_builtin();
		emit(d, DOCTOR_OK, "embedder", NULL, "builtin %s: offline, dimension %d", b->id, b->dim);
		return;
	}
	if (!p) {
		char *fix = xasprintf("add a provider named %s, or set embedder.provider: builtin",
				      c->embedder.provider);
		emit(d, DOCTOR_FAIL, "embedder", fix, "no provider named %s", c->embedder.provider);
		free(fix);
		return;
	}
	struct secret s;
	char *err = NULL;
	if (secret_get(p, &s, &err) < 0) {
		free(err); /* already reported with the provider */
		emit(d, DOCTOR_FAIL, "embedder", NULL, "no key for provider %s", p->name);
		return;
	}
	struct cfg_provider once = *p;
	once.max_retries = 0; /* a check, not a job: report the first failure */
	struct embed_http *e = embed_http_new(&once, c->embedder.model, s.key, 1, 0);
	char msg[512];
	embed_http_set_limit(e, c->embedder.max_tokens);
	int dim = embed_http_probe(e, msg, sizeof msg);
	if (dim > 0) {
		emit(d, DOCTOR_OK, "embedder", NULL, "%s answers, dimension %d",
		     embed_http_embedder(e)->id, dim);
		check_input_limit(d, e);
	} else {
		char *fix = p->kind == PROVIDER_OLLAMA
				    ? xasprintf("ollama pull %s", c->embedder.model)
				    : xasprintf("check that %s serves the embedding model %s",
						p->name, c->embedder.model);
		emit(d, DOCTOR_FAIL, "embedder", fix, "%s", msg);
		free(fix);
	}
	embed_http_free(e);
	secret_clear(&s);
}

static void check_folders(struct doc *d)
{
	char *missing = setup_missing_folders(d->c);
	if (missing)
		emit(d, DOCTOR_FAIL, "index", "create the folder or change index.folders", "%s", missing);
	else
		emit(d, DOCTOR_OK, "index", NULL, "%zu %s to index, all there", d->c->index.folders.n,
		     plural(d->c->index.folders.n, "folder", "folders"));
	free(missing);
}

int doctor_run(const struct config *c, const struct doctor_sink *sink)
{
	struct doc d = {c, sink, DOCTOR_ALL_OK};
	check_folders(&d);
	for (size_t i = 0; i < c->providers.n; i++)
		check_provider(&d, &c->providers.v[i]);
	check_embedder(&d);
	return d.result;
}
