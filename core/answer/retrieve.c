/* retrieve.c - the search a turn runs (turn_query, turn_retrieve in turn.h). */
#include <stdlib.h>
#include <string.h>

#include "core/answer/expand.h"
#include "core/answer/turn.h"
#include "core/app/config.h"
#include "core/app/log.h"

void turn_query(const struct turn_request *req, struct idx_query *q)
{
	const struct cfg_profile *pf = req->profile;
	const struct cfg_retrieval *r = &pf->retrieval;
	const struct cfg_provider *rp = strcmp(pf->rerank.provider, "off") ? config_provider(req->cfg, pf->rerank.provider)
									 : NULL;
	enum idx_mode mode = !strcmp(r->mode, "lexical") ? IDX_LEXICAL
			     : !strcmp(r->mode, "vector") ? IDX_VECTOR : IDX_HYBRID;
	*q = (struct idx_query){
		.text = req->question,
		.k = (size_t)r->top_k,
		.mode = mode,
		.collections = (const char *const *)r->collections.v,
		.ncollections = r->collections.n,
		.per_file_cap = (size_t)r->per_file_cap,
		.w_lexical = r->w_lexical,
		.w_vector = r->w_vector,
		.rrf_k = 60,
		.language = req->cfg->index.language,
		.emb = req->emb,
		.rerank = rp && rp->kind == PROVIDER_BUILTIN,
	};
	/* A model reranker gets the first stage's best top_n to choose from. */
	if (rp && rp->kind != PROVIDER_BUILTIN && (size_t)pf->rerank.top_n > q->k)
		q->k = (size_t)pf->rerank.top_n;
	/* The profile's filter (dates checked when the config was read), then the question's
	 * own leading "path:", "after:", "before:" words; a bad one stays text. */
	config_profile_filter(req->profile, &q->filter[0]);
	const char *rest;
	char err[160];
	struct idx_filter qf = {.path = ""};
	if (idx_filter_parse(q->text, &qf, &rest, err, sizeof err) > 0 && *rest) {
		q->filter[1] = qf;
		q->text = rest;
	}
}

/* Runs q (the profile's search for the question) for text with context's words. */
static int search(const struct turn_request *req, struct idx_query q, const char *text, const char *context,
		  struct idx_hits *hits)
{
	if (text != req->question)
		q.text = text; /* a rewrite or a sub-query: the question's filter still holds */
	q.context = context;
	int rc = idx_search(req->ix, &q, hits);
	if (rc != 0)
		log_warn("retrieval failed: %s", idx_strerror(rc));
	return rc;
}

int turn_retrieve(const struct turn_request *req, const char *text, const char *context, char *const *sub,
		  size_t nsub, struct idx_hits *hits)
{
	memset(hits, 0, sizeof *hits);
	if (!req->profile->retrieval.enabled || !req->ix)
		return 0;
	struct idx_query q;
	turn_query(req, &q); /* the question's filter words are not searched for */
	if (!nsub)
		return search(req, q, text, context, hits);
	/* The question and each sub-query, each through the profile's own search (its
	 * collections included: a sub-query sees no more than the question does), fused. */
	struct idx_hits lists[EXPAND_MAX + 1] = {0};
	size_t n = 0;
	int rc = search(req, q, text, context, &lists[n]);
	if (rc == 0)
		n++;
	for (size_t i = 0; i < nsub && i < EXPAND_MAX; i++)
		if (search(req, q, sub[i], NULL, &lists[n]) == 0)
			n++;
	if (n)
		expand_fuse(lists, n, q.k, q.per_file_cap, hits);
	for (size_t i = 0; i < n; i++)
		idx_hits_free(&lists[i]);
	return n ? 0 : rc;
}
