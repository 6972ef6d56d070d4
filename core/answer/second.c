/* second.c - the search a profile runs and its model reranker's request (see second.h). */
#include "core/answer/second.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/answer/turn.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/net/provider.h"
#include "core/net/secret.h"

/* Bytes of one passage sent: rerankers read about 512 tokens of each. */
enum { SECOND_DOC_BYTES = 4000 };

const struct cfg_provider *second_provider(const struct config *cfg, const struct cfg_rerank *r)
{
	if (!strcmp(r->provider, "off"))
		return NULL;
	const struct cfg_provider *p = config_provider(cfg, r->provider);
	return p && p->kind == PROVIDER_OPENAI ? p : NULL;
}

/* At most SECOND_DOC_BYTES of s, cut at a character boundary. */
static char *cut(const char *s)
{
	size_t n = strlen(s);
	if (n <= SECOND_DOC_BYTES)
		return xstrdup(s);
	n = SECOND_DOC_BYTES;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return xstrndup(s, n);
}

char *second_body(int api, const char *model, const char *query, const char *const *docs, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	if (api != RERANK_API_TEI && model && *model)
		cJSON_AddStringToObject(root, "model", model);
	cJSON_AddStringToObject(root, "query", query);
	cJSON *arr = cJSON_AddArrayToObject(root, api == RERANK_API_TEI ? "texts" : "documents");
	for (size_t i = 0; i < n; i++) {
		char *d = cut(docs[i]);
		cJSON_AddItemToArray(arr, cJSON_CreateString(d));
		free(d);
	}
	if (api == RERANK_API_TEI)
		cJSON_AddBoolToObject(root, "truncate", 1);
	else
		cJSON_AddNumberToObject(root, "top_n", (double)n);
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	char *out = xstrdup(s);
	cJSON_free(s);
	return out;
}

struct scored_doc {
	size_t index;
	double score;
};

static int cmp_doc(const void *a, const void *b)
{
	const struct scored_doc *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->index > y->index) - (x->index < y->index);
}

int second_parse(const char *body, size_t len, size_t n, size_t *order, const char **why)
{
	*why = NULL;
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *arr = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "results");
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(root);
		*why = root ? "the reranker's reply has no results" : "the reranker's reply is not JSON";
		return -1;
	}
	struct scored_doc *v = xcalloc(n + 1, sizeof *v);
	bool *seen = xcalloc(n + 1, sizeof *seen);
	size_t m = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		const cJSON *ix = cJSON_GetObjectItemCaseSensitive(it, "index");
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(it, "relevance_score");
		if (!sc)
			sc = cJSON_GetObjectItemCaseSensitive(it, "score");
		if (!cJSON_IsNumber(ix) || !cJSON_IsNumber(sc) || !isfinite(sc->valuedouble)) {
			*why = "a result of the reranker has no index or score";
			break;
		}
		double d = ix->valuedouble;
		if (d < 0 || d >= (double)n || d != floor(d) || seen[(size_t)d]) {
			*why = "the reranker named a passage it was not sent, or one twice";
			break;
		}
		seen[(size_t)d] = true;
		v[m++] = (struct scored_doc){(size_t)d, sc->valuedouble};
	}
	cJSON_Delete(root);
	if (!*why && m == 0 && n > 0)
		*why = "the reranker returned no results";
	if (*why) {
		free(v);
		free(seen);
		return -1;
	}
	qsort(v, m, sizeof *v, cmp_doc);
	size_t k = 0;
	for (size_t i = 0; i < m; i++)
		order[k++] = v[i].index;
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			order[k++] = i;
	free(v);
	free(seen);
	return 0;
}

void second_apply(struct idx_hits *hits, const size_t *order, size_t n, size_t k)
{
	if (n > hits->n)
		n = hits->n;
	struct idx_hit *v = xcalloc(hits->n + 1, sizeof *v);
	bool *used = xcalloc(hits->n + 1, sizeof *used);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (order[i] < hits->n && !used[order[i]]) {
			used[order[i]] = true;
			v[m++] = hits->v[order[i]];
		}
	for (size_t i = 0; i < hits->n; i++)
		if (!used[i])
			v[m++] = hits->v[i];
	free(hits->v);
	free(used);
	hits->v = v;
	/* The hits past k go: their strings are freed with them. */
	if (k && hits->n > k) {
		struct idx_hits rest = {xmalloc((hits->n - k) * sizeof *v), hits->n - k};
		memcpy(rest.v, hits->v + k, rest.n * sizeof *v);
		hits->n = k;
		idx_hits_free(&rest);
	}
}

/* What the done callback needs; owned by the request. */
struct slink {
	struct chan *chan;
	uint64_t gen;
	size_t n;
};

static void msg_free(struct chan_msg *m)
{
	struct rerank_msg *r = (struct rerank_msg *)m;
	free(r->order);
	free(r->why);
	free(r);
}

static void on_done(void *ctx, const struct stream_result *sr, const struct net_timings *tm)
{
	(void)tm;
	struct slink *l = ctx;
	struct rerank_msg *m = xcalloc(1, sizeof *m);
	m->base.kind = RERANK_MSG;
	m->base.gen = l->gen;
	m->base.free = msg_free;
	m->n = l->n;
	if (sr->outcome != STREAM_COMPLETED) {
		m->why = stream_failure(sr, "reranker");
	} else {
		const char *why;
		m->order = xcalloc(l->n + 1, sizeof *m->order);
		if (second_parse(sr->text ? sr->text : "", sr->text ? sr->text_len : 0, l->n, m->order, &why)) {
			free(m->order);
			m->order = NULL;
			m->why = xstrdup(why);
		}
	}
	if (m->why)
		log_warn("rerank: %s; keeping the search's order", m->why);
	chan_send(l->chan, &m->base);
	free(l);
}

net_id second_submit(struct net *net, const struct cfg_provider *p, const struct cfg_rerank *r,
		     const char *query, const char *const *docs, size_t n, struct chan *chan, uint64_t gen,
		     char **err)
{
	*err = NULL;
	struct secret key = {0};
	if (secret_get(p, &key, err) < 0)
		return 0;
	struct provider_request preq = {provider_url(p->base_url, "rerank"),
					second_body(r->api, r->model, query, docs, n), STREAM_RAW_JSON};
	struct net_request nreq;
	provider_net_request(p, &preq, key.key, &nreq);
	/* Its own short deadline and no retries: a slow reranker must not hold the answer. */
	nreq.timeout_s = r->timeout_s;
	nreq.idle_timeout_s = r->timeout_s;
	nreq.max_retries = 0;
	struct slink *l = xcalloc(1, sizeof *l);
	l->chan = chan;
	l->gen = gen;
	l->n = n;
	struct net_callbacks cb = {.done = on_done, .ctx = l};
	net_id id = net_submit(net, &nreq, &cb);
	provider_request_free(&preq);
	secret_clear(&key);
	return id;
}

net_id second_start(const struct config *cfg, const struct cfg_profile *pf, struct net *net, struct chan *chan,
		    uint64_t gen, const char *query, struct idx_hits *hits, char **prov, char **why)
{
	*why = NULL;
	const struct cfg_provider *rp = pf->retrieval.enabled ? second_provider(cfg, &pf->rerank) : NULL;
	*prov = xstrdup(!pf->retrieval.enabled || !strcmp(pf->rerank.provider, "off") ? "off" : rp ? "" : "builtin");
	if (rp && hits->n > 1 && net) {
		const char **docs = xcalloc(hits->n, sizeof *docs);
		for (size_t i = 0; i < hits->n; i++)
			docs[i] = hits->v[i].text;
		char *err = NULL;
		net_id id = second_submit(net, rp, &pf->rerank, query, docs, hits->n, chan, gen, &err);
		free(docs);
		if (id)
			return id;
		*why = err ? err : xstrdup("the request could not be made");
	} else if (rp) {
		free(*prov);
		*prov = xstrdup(hits->n > 1 ? "first-stage order: no network" : "first-stage order: one hit or none");
	}
	second_apply(hits, NULL, 0, (size_t)pf->retrieval.top_k);
	return 0;
}

char *second_finish(const struct cfg_profile *pf, const struct rerank_msg *rm, struct idx_hits *hits, char **why)
{
	*why = NULL;
	second_apply(hits, rm->order, rm->order ? rm->n : 0, (size_t)pf->retrieval.top_k);
	if (!rm->order) {
		*why = xstrdup(rm->why ? rm->why : "it failed");
		return xstrdup("");
	}
	return xasprintf("%s via %s", *pf->rerank.model ? pf->rerank.model : "the served model", pf->rerank.provider);
}

/* A reranker that fails fails for every question: said once per process. */
static bool said;

char *second_notice(const struct cfg_profile *pf, const char *why)
{
	if (__atomic_exchange_n(&said, true, __ATOMIC_ACQ_REL))
		return NULL;
	return xasprintf("Reranker %s: %s; the search's own order is used.", pf->rerank.provider, why);
}

void second_rerank_now(const struct config *cfg, const struct cfg_profile *pf, const char *query,
		       struct idx_hits *hits, size_t k, char **why)
{
	*why = NULL;
	const struct cfg_provider *p = second_provider(cfg, &pf->rerank);
	if (!p || hits->n < 2)
		return;
	struct secret key = {0};
	if (secret_get(p, &key, why) < 0)
		return;
	const char **docs = xcalloc(hits->n, sizeof *docs);
	for (size_t i = 0; i < hits->n; i++)
		docs[i] = hits->v[i].text;
	char *url = provider_url(p->base_url, "rerank");
	char *body = second_body(pf->rerank.api, pf->rerank.model, query, docs, hits->n);
	free(docs);
	struct net_http_req req = {.method = "POST", .url = url, .body = body, .api_key = key.key,
				   .connect_timeout_s = p->connect_timeout_s, .timeout_s = pf->rerank.timeout_s,
				   .max_body = 4u << 20};
	struct net_http_reply rep = {0};
	struct net_easy *e = net_easy_new();
	size_t *order = xcalloc(hits->n + 1, sizeof *order);
	const char *bad = NULL;
	if (net_http(e, &req, &rep) != 0)
		*why = xasprintf("the reranker failed (%s)", rep.error ? rep.error : "no response");
	else if (rep.status < 200 || rep.status > 299)
		*why = xasprintf("the reranker failed (HTTP %d)", rep.status);
	else if (second_parse(rep.body, rep.len, hits->n, order, &bad) != 0)
		*why = xstrdup(bad);
	else
		second_apply(hits, order, hits->n, k);
	free(order);
	net_http_reply_free(&rep);
	net_easy_free(e);
	free(body);
	free(url);
	secret_clear(&key);
}
