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
	/* The input limit, guarded by lock: configured, or learned from a refusal that named
	 * it; chars_per_token from a refusal that counted a text's tokens (else a guess). */
	int limit_tokens;
	double chars_per_token;
	enum embed_limit_source limit_source;
};

/* Cut texts well under the limit: the guess of characters per token is rough. */
#define LIMIT_MARGIN 0.8
#define GUESS_CHARS_PER_TOKEN 3.0

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
	/* llama-server: "input (564 tokens) is too large to process. increase the physical
	 * batch size (current batch size: 512)" (HTTP 500), or "input is larger than the max
	 * context size". */
	return msg && (strstr(msg, "context length") || strstr(msg, "context_length") ||
		       strstr(msg, "maximum context") || strstr(msg, "too long") ||
		       strstr(msg, "too large to process") || strstr(msg, "larger than the max context"));
}

/* The number after `key` in msg, or 0. */
static int number_after(const char *msg, const char *key)
{
	const char *p = msg ? strstr(msg, key) : NULL;
	if (!p)
		return 0;
	p += strlen(key);
	while (*p == ' ' || *p == '(')
		p++;
	long v = strtol(p, NULL, 10);
	return v > 0 && v < 100000000 ? (int)v : 0;
}

/* A refusal for length may name the limit and the text's size: llama-server's "input (564
 * tokens) ... (current batch size: 512)", vLLM's "maximum context length is 512 tokens.
 * However, you requested 600 tokens". Learns the limit, and characters per token from the
 * one text that was sent alone. */
static void learn_limit(struct embed_http *e, const char *msg, const char *text)
{
	int limit = number_after(msg, "current batch size:");
	if (!limit)
		limit = number_after(msg, "maximum context length is");
	int used = number_after(msg, "input (");
	if (!used)
		used = number_after(msg, "you requested");
	pthread_mutex_lock(&e->lock);
	if (limit > 0 && e->limit_source != EMBED_LIMIT_CONFIG) {
		e->limit_tokens = limit;
		e->limit_source = EMBED_LIMIT_LEARNED;
	}
	if (used > 0 && text) {
		double cpt = (double)strlen(text) / used;
		if (cpt > 0.5 && cpt < 20)
			e->chars_per_token = cpt;
	}
	pthread_mutex_unlock(&e->lock);
}

/* Most bytes of one input sent whole, or 0 when no limit is known. */
static size_t max_chars(struct embed_http *e)
{
	pthread_mutex_lock(&e->lock);
	double cpt = e->chars_per_token > 0 ? e->chars_per_token : GUESS_CHARS_PER_TOKEN;
	size_t n = e->limit_tokens > 0 ? (size_t)(e->limit_tokens * cpt * LIMIT_MARGIN) : 0;
	pthread_mutex_unlock(&e->lock);
	return n && n < MIN_SPLIT_BYTES * 2 ? MIN_SPLIT_BYTES * 2 : n;
}

static bool final_reply(void *ctx, int status, const char *body, size_t len)
{
	(void)ctx;
	if (status != 500)
		return false;
	char *code = NULL;
	char *msg = stream_error_message(body, len, &code);
	bool fin = context_error(msg, code);
	free(msg);
	free(code);
	return fin;
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

/* One text too long for the model's input: cut in pieces under the limit when it is known
 * (else in halves), embed them and average the vectors weighted by length, renormalised. */
static int embed_split(struct embed_http *e, const char *text, float **vec, int *dim, int depth,
		       struct fail *f)
{
	size_t len = strlen(text);
	if (len < MIN_SPLIT_BYTES * 2 || depth >= MAX_SPLIT_DEPTH) {
		say(f, "embedder %s: a piece of %zu bytes is still longer than the model's context (its input limit)",
		    e->id, len);
		return IDX_EEMBED;
	}
	size_t most = max_chars(e);
	size_t k = most && most < len ? (len + most - 1) / most : 2;
	if (k < 2)
		k = 2;
	char **piece = xcalloc(k, sizeof *piece);
	float **v = xcalloc(k, sizeof *v);
	double *w = xcalloc(k, sizeof *w);
	size_t at = 0, np = 0;
	for (size_t i = 0; i < k && at < len; i++) {
		size_t left = len - at, want = left / (k - i);
		size_t cut = i + 1 == k ? left : split_point(text + at, want * 2 < left ? want * 2 : left);
		if (!cut)
			cut = left;
		piece[np] = xstrndup(text + at, cut);
		w[np++] = (double)cut;
		at += cut;
	}
	int rc = 0;
	for (size_t i = 0; i < np && !rc; i++)
		rc = embed_list(e, (const char *const *)&piece[i], 1, &v[i], dim, depth + 1, f);
	if (!rc) {
		float *m = xcalloc((size_t)*dim, sizeof *m);
		for (size_t i = 0; i < np; i++)
			for (int j = 0; j < *dim; j++)
				m[j] += (float)(w[i] * v[i][j]);
		normalise(m, *dim);
		*vec = m;
	}
	for (size_t i = 0; i < k; i++) {
		free(v[i]);
		free(piece[i]);
	}
	free(piece);
	free(v);
	free(w);
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
		.is_final = final_reply,
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
			learn_limit(e, msg, n == 1 ? texts[0] : NULL);
			/* Which input was too long is not said: try each alone, split the long one. */
			for (size_t i = 0; i < n && !rc; i++) {
				size_t most = max_chars(e);
				bool cut = n == 1 || (most && strlen(texts[i]) > most);
				rc = cut ? embed_split(e, texts[i], &vecs[i], dim, depth, f)
					 : embed_list(e, &texts[i], 1, &vecs[i], dim, depth, f);
			}
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
	/* Texts over a known input limit are cut before they are sent, the others go in
	 * batches (a refusal teaches the limit, so only the first long text costs one). */
	const char **batch = xcalloc(e->emb.batch, sizeof *batch);
	float **bvecs = xcalloc(e->emb.batch, sizeof *bvecs);
	size_t *where = xcalloc(e->emb.batch, sizeof *where);
	for (size_t at = 0; at < n && !rc; at += e->emb.batch) {
		size_t end = n - at < e->emb.batch ? n : at + e->emb.batch, nb = 0;
		size_t most = max_chars(e);
		for (size_t i = at; i < end && !rc; i++) {
			if (most && strlen(texts[i]) > most) {
				rc = embed_split(e, texts[i], &vecs[i], &dim, 0, &f);
				continue;
			}
			batch[nb] = texts[i];
			bvecs[nb] = NULL;
			where[nb++] = i;
		}
		if (!rc && nb)
			rc = embed_list(e, batch, nb, bvecs, &dim, 0, &f);
		for (size_t j = 0; j < nb; j++)
			vecs[where[j]] = bvecs[j];
	}
	free(batch);
	free(bvecs);
	free(where);
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

void embed_http_set_limit(struct embed_http *e, int tokens)
{
	pthread_mutex_lock(&e->lock);
	e->limit_tokens = tokens > 0 ? tokens : 0;
	e->limit_source = tokens > 0 ? EMBED_LIMIT_CONFIG : EMBED_LIMIT_UNKNOWN;
	pthread_mutex_unlock(&e->lock);
}

int embed_http_limit(struct embed_http *e, enum embed_limit_source *source, double *chars_per_token)
{
	pthread_mutex_lock(&e->lock);
	int n = e->limit_tokens;
	if (source)
		*source = e->limit_source;
	if (chars_per_token)
		*chars_per_token = e->chars_per_token;
	pthread_mutex_unlock(&e->lock);
	return n;
}

int embed_http_probe_limit(struct embed_http *e, char *err, size_t errlen)
{
	/* About 8,000 tokens of prose: over the input of most embedding servers, so one that
	 * refuses it names its limit, and one that takes it has a limit at least that long. */
	struct buf b = {0};
	for (int i = 0; i < 800; i++)
		buf_adds(&b, "footnote measures how long an input the embedder takes. ");
	const char *text[1] = {buf_str(&b)};
	float *v = NULL;
	int dim = 0;
	struct fail f = {err, errlen};
	if (err && errlen)
		err[0] = '\0';
	int rc = embed_list(e, text, 1, &v, &dim, MAX_SPLIT_DEPTH - 1, &f);
	free(v);
	buf_free(&b);
	return rc;
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
