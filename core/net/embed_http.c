/* embed_http.c - embeddings over HTTP for the index (see embed_http.h). */
#include "core/net/embed_http.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/net/net.h"
#include "core/net/provider.h"
#include "core/wire/stream.h"

#define MIN_SPLIT_BYTES 16 /* below this a piece is not split further */
#define MAX_SPLIT_DEPTH 12

struct handle {
	pthread_t thread;
	struct net_easy *easy;
	struct handle *next;
};

struct embed_http {
	struct idx_embedder emb; /* emb.dim guarded by lock */
	const struct cfg_provider *p;
	char *id, *model, *key, *url;
	pthread_mutex_t lock;
	struct handle *handles;  /* guarded by lock */
};

/* An error for the caller's err buffer. */
struct fail {
	char *err;
	size_t errlen;
};

static void say(struct fail *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct fail *f, const char *fmt, ...)
{
	if (!f->err || !f->errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->err, f->errlen, fmt, ap);
	va_end(ap);
}

static struct net_easy *my_handle(struct embed_http *e)
{
	pthread_t self = pthread_self();
	pthread_mutex_lock(&e->lock);
	struct handle *h = e->handles;
	while (h && !pthread_equal(h->thread, self))
		h = h->next;
	if (!h) {
		h = xcalloc(1, sizeof *h);
		h->thread = self;
		h->easy = net_easy_new();
		h->next = e->handles;
		e->handles = h;
	}
	pthread_mutex_unlock(&e->lock);
	return h->easy;
}

static void normalise(float *v, int dim)
{
	double s = 0;
	for (int i = 0; i < dim; i++)
		s += (double)v[i] * v[i];
	if (s <= 0)
		return;
	double inv = 1.0 / sqrt(s);
	for (int i = 0; i < dim; i++)
		v[i] = (float)(v[i] * inv);
}

static char *request_body(const struct embed_http *e, const char *const *texts, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "model", e->model);
	cJSON *in = cJSON_AddArrayToObject(root, "input");
	for (size_t i = 0; i < n; i++) {
		struct buf b = {0};
		utf8_repair(texts[i], strlen(texts[i]), &b); /* JSON strings must be UTF-8 */
		cJSON_AddItemToArray(in, cJSON_CreateString(buf_str(&b)));
		buf_free(&b);
	}
	if (e->p->kind == PROVIDER_OLLAMA)
		cJSON_AddBoolToObject(root, "truncate", 0);
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	char *r = xstrdup(s ? s : "{}");
	cJSON_free(s);
	return r;
}

/* Checks one vector's dimension, fixing it on the first reply; copies it into out. */
static int take_vector(struct embed_http *e, const cJSON *arr, size_t item, float **out, int *dim,
		       struct fail *f)
{
	if (!cJSON_IsArray(arr)) {
		say(f, "embedder %s: item %zu of the reply has no embedding array", e->id, item);
		return IDX_EEMBED;
	}
	int got = cJSON_GetArraySize(arr);
	pthread_mutex_lock(&e->lock);
	if (!e->emb.dim && got > 0)
		e->emb.dim = got;
	*dim = e->emb.dim;
	pthread_mutex_unlock(&e->lock);
	if (got != *dim) {
		say(f, "embedder %s returned a vector of dimension %d for item %zu, expected %d: "
		    "nothing was stored (did the model change? re-index with the new embedder)",
		    e->id, got, item, *dim);
		return IDX_EDIM;
	}
	float *v = xmalloc((size_t)got * sizeof *v);
	int i = 0;
	const cJSON *x;
	cJSON_ArrayForEach(x, arr) {
		if (!cJSON_IsNumber(x)) {
			free(v);
			say(f, "embedder %s: item %zu holds a value that is not a number", e->id, item);
			return IDX_EEMBED;
		}
		v[i++] = (float)x->valuedouble;
	}
	normalise(v, got);
	*out = v;
	return 0;
}

/* Parses a 2xx reply into vecs[n] (each malloc'd, dim floats). */
static int parse_reply(struct embed_http *e, const char *body, size_t len, size_t n, float **vecs,
		       int *dim, struct fail *f)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	int rc = 0;
	if (!cJSON_IsObject(root)) {
		say(f, "embedder %s: the reply is not JSON (is base_url right?)", e->id);
		rc = IDX_EEMBED;
		goto out;
	}
	if (e->p->kind == PROVIDER_OLLAMA) {
		const cJSON *embs = cJSON_GetObjectItemCaseSensitive(root, "embeddings");
		if (!cJSON_IsArray(embs) || (size_t)cJSON_GetArraySize(embs) != n) {
			say(f, "embedder %s: expected %zu embeddings in the reply, got %d", e->id, n,
			    cJSON_IsArray(embs) ? cJSON_GetArraySize(embs) : 0);
			rc = IDX_EEMBED;
			goto out;
		}
		size_t i = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, embs) {
			if ((rc = take_vector(e, it, i, &vecs[i], dim, f)))
				goto out;
			i++;
		}
	} else {
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
		if (!cJSON_IsArray(data)) {
			say(f, "embedder %s: the reply has no data list", e->id);
			rc = IDX_EEMBED;
			goto out;
		}
		size_t pos = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, data) {
			const cJSON *ix = cJSON_GetObjectItemCaseSensitive(it, "index");
			size_t k = cJSON_IsNumber(ix) ? (size_t)ix->valuedouble : pos;
			if (cJSON_IsNumber(ix) && (ix->valuedouble < 0 || ix->valuedouble != (double)k))
				k = n; /* out of range below */
			if (k >= n || vecs[k]) {
				say(f, "embedder %s: the reply's item index %zu is out of range or repeated",
				    e->id, k);
				rc = IDX_EEMBED;
				goto out;
			}
			if ((rc = take_vector(e, cJSON_GetObjectItemCaseSensitive(it, "embedding"), k,
					      &vecs[k], dim, f)))
				goto out;
			pos++;
		}
		if (pos != n) {
			say(f, "embedder %s: expected %zu embeddings in the reply, got %zu", e->id, n, pos);
			rc = IDX_EEMBED;
		}
	}
out:
	cJSON_Delete(root);
	return rc;
}

static bool context_error(const char *msg, const char *code)
{
	if (code && strstr(code, "context_length"))
		return true;
	return msg && (strstr(msg, "context length") || strstr(msg, "context_length") ||
		       strstr(msg, "maximum context") || strstr(msg, "too long"));
}

static int embed_list(struct embed_http *e, const char *const *texts, size_t n, float **vecs,
		      int *dim, int depth, struct fail *f);

/* Where to cut text[0..len) in two: white space nearest the middle, else a code point
 * boundary at the middle. */
static size_t split_point(const char *t, size_t len)
{
	size_t mid = len / 2;
	for (size_t d = 0; d < len / 4; d++) {
		if (mid + d < len && (t[mid + d] == ' ' || t[mid + d] == '\n'))
			return mid + d;
		if (mid > d && (t[mid - d] == ' ' || t[mid - d] == '\n'))
			return mid - d;
	}
	while (mid > 0 && ((unsigned char)t[mid] & 0xC0) == 0x80)
		mid--;
	return mid;
}

/* One text too long for the model's context: embed both halves and average them. */
static int embed_split(struct embed_http *e, const char *text, float **vec, int *dim, int depth,
		       struct fail *f)
{
	size_t len = strlen(text);
	if (len < MIN_SPLIT_BYTES * 2 || depth >= MAX_SPLIT_DEPTH) {
		say(f, "embedder %s: a piece of %zu bytes is still longer than the model's context",
		    e->id, len);
		return IDX_EEMBED;
	}
	size_t cut = split_point(text, len);
	char *half[2] = {xstrndup(text, cut), xstrdup(text + cut)};
	float *v[2] = {NULL, NULL};
	int rc = 0;
	for (int i = 0; i < 2 && !rc; i++)
		rc = embed_list(e, (const char *const *)&half[i], 1, &v[i], dim, depth + 1, f);
	if (!rc) {
		double w0 = (double)cut, w1 = (double)(len - cut);
		float *m = xmalloc((size_t)*dim * sizeof *m);
		for (int i = 0; i < *dim; i++)
			m[i] = (float)(w0 * v[0][i] + w1 * v[1][i]);
		normalise(m, *dim);
		*vec = m;
	}
	free(v[0]);
	free(v[1]);
	free(half[0]);
	free(half[1]);
	return rc;
}

/* Embeds texts[0..n) into vecs (NULL entries on entry; malloc'd vectors on success). */
static int embed_list(struct embed_http *e, const char *const *texts, size_t n, float **vecs,
		      int *dim, int depth, struct fail *f)
{
	char *body = request_body(e, texts, n);
	struct net_http_req req = {
		.method = "POST",
		.url = e->url,
		.body = body,
		.api_key = e->key,
		.connect_timeout_s = e->p->connect_timeout_s,
		.timeout_s = e->p->timeout_s,
		.max_retries = e->p->max_retries,
		.retry_cap_s = e->p->retry_cap_s,
		.retry_5xx = true,
	};
	struct net_http_reply rep;
	int rc = 0;
	if (net_http(my_handle(e), &req, &rep) < 0) {
		say(f, "embedder %s: %s", e->id, rep.error);
		rc = IDX_EEMBED;
	} else if (rep.status >= 200 && rep.status < 300) {
		rc = parse_reply(e, rep.body, rep.len, n, vecs, dim, f);
	} else {
		char *code = NULL;
		char *msg = stream_error_message(rep.body, rep.len, &code);
		if ((rep.status == 400 || rep.status == 413 || rep.status == 500) &&
		    context_error(msg, code)) {
			/* Which input was too long is not said: try each alone, split the long one. */
			for (size_t i = 0; i < n && !rc; i++)
				rc = n > 1 ? embed_list(e, &texts[i], 1, &vecs[i], dim, depth, f)
					   : embed_split(e, texts[i], &vecs[i], dim, depth, f);
		} else {
			say(f, "embedder %s: HTTP %d from %s%s%s%s", e->id, rep.status, e->url,
			    *msg ? ": " : "", msg,
			    rep.status == 401 || rep.status == 403 ? " (check the provider's API key)"
			    : rep.status == 404 ? " (is the embedding model pulled/served?)" : "");
			rc = IDX_EEMBED;
		}
		free(msg);
		free(code);
	}
	net_http_reply_free(&rep);
	free(body);
	return rc;
}

static int http_embed(void *ctx, const char *const *texts, size_t n, float *out, char *err,
		      size_t errlen)
{
	struct embed_http *e = ctx;
	struct fail f = {err, errlen};
	if (err && errlen)
		err[0] = '\0';
	if (!n)
		return 0;
	float **vecs = xcalloc(n, sizeof *vecs);
	int dim = 0, rc = 0;
	for (size_t at = 0; at < n && !rc; at += e->emb.batch)
		rc = embed_list(e, texts + at, n - at < e->emb.batch ? n - at : e->emb.batch, vecs + at,
				&dim, 0, &f);
	/* A split may have fixed dim after earlier items were checked: check all again. */
	pthread_mutex_lock(&e->lock);
	dim = e->emb.dim;
	pthread_mutex_unlock(&e->lock);
	if (!rc) {
		for (size_t i = 0; i < n; i++)
			memcpy(out + i * (size_t)dim, vecs[i], (size_t)dim * sizeof *out);
	}
	for (size_t i = 0; i < n; i++)
		free(vecs[i]);
	free(vecs);
	return rc;
}

int embed_http_probe(struct embed_http *e, char *err, size_t errlen)
{
	struct fail f = {err, errlen};
	if (err && errlen)
		err[0] = '\0';
	const char *text[1] = {"footnote checks the embedder."};
	float *v = NULL;
	int dim = 0;
	int rc = embed_list(e, text, 1, &v, &dim, 0, &f);
	free(v);
	if (rc)
		return rc;
	pthread_mutex_lock(&e->lock);
	dim = e->emb.dim;
	pthread_mutex_unlock(&e->lock);
	return dim;
}

struct embed_http *embed_http_new(const struct cfg_provider *p, const char *model,
				  const char *api_key, size_t batch, int dim)
{
	if (p->kind != PROVIDER_OPENAI && p->kind != PROVIDER_OLLAMA)
		return NULL;
	struct embed_http *e = xcalloc(1, sizeof *e);
	e->p = p;
	e->model = xstrdup(model ? model : "");
	e->key = api_key && *api_key ? xstrdup(api_key) : NULL;
	e->id = xasprintf("%s:%s", provider_kind_name(p->kind), e->model);
	e->url = provider_url(p->base_url, p->kind == PROVIDER_OLLAMA ? "api/embed" : "embeddings");
	pthread_mutex_init(&e->lock, NULL);
	e->emb.id = e->id;
	e->emb.dim = dim > 0 ? dim : 0;
	e->emb.batch = batch ? batch : 32;
	e->emb.embed = http_embed;
	e->emb.ctx = e;
	return e;
}

const struct idx_embedder *embed_http_embedder(struct embed_http *e)
{
	return &e->emb;
}

void embed_http_free(struct embed_http *e)
{
	if (!e)
		return;
	while (e->handles) {
		struct handle *h = e->handles;
		e->handles = h->next;
		net_easy_free(h->easy);
		free(h);
	}
	pthread_mutex_destroy(&e->lock);
	if (e->key) {
		memset(e->key, 0, strlen(e->key));
		free(e->key);
	}
	free(e->id);
	free(e->model);
	free(e->url);
	free(e);
}
