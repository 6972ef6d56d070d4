/* steps.c - what comes before a turn's answer (see turn_impl.h): the follow-up rewrite
 * (core/answer/rewrite.h), the query expansion (expand.h), the search (retrieve.c) and a
 * model reranker (second.h), each a request on the net thread whose message turn_step
 * takes on the consumer's thread. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "core/answer/record.h"
#include "core/answer/rewrite.h"
#include "core/answer/second.h"
#include "core/answer/turn_impl.h"

/* Submits the query expansion of query (the rewrite, or NULL: the question) when the
 * profile asks for one; true when it is in flight (turn_step answers once it is back). */
static bool expand_start(struct turn *t, const char *query)
{
	const struct cfg_expand *ex = &t->prof.expand;
	if (!ex->enabled || !t->prof.retrieval.enabled || !t->req.ix || !t->net)
		return false;
	const struct cfg_provider *p = config_provider(t->req.cfg, *ex->provider ? ex->provider : t->prof.provider);
	if (!p || p->kind == PROVIDER_BUILTIN)
		return false;
	char *err = NULL;
	t->id = expand_submit(t->net, p, *ex->model ? ex->model : t->prof.model, ex->timeout_s, ex->queries,
			      query ? query : t->question, t->chan, t->gen, &err);
	if (!t->id) {
		free(t->prov.expansion);
		t->prov.expansion = xasprintf("the expansion could not be sent (%s)", err ? err : "?");
		free(err);
		return false;
	}
	t->expanding = true;
	t->query = query ? xstrdup(query) : NULL;
	return true;
}

/* A fallback to the first stage's order: recorded, and said once (second_notice). */
static void rerank_fallback(struct turn *t, char *why)
{
	free(t->prov.rerank);
	t->prov.rerank = xasprintf("first-stage order: %s", why);
	char *s = second_notice(&t->prof, why);
	if (s)
		turn_send_text(t, TURN_NOTICE, s, strlen(s));
	free(s);
	free(why);
}

/* True when the turn now waits for a model reranker (it keeps the hits); otherwise the
 * hits are cut to top_k in the first stage's order. */
static bool rerank_start(struct turn *t, const char *query, struct idx_hits *hits)
{
	char *why = NULL;
	free(t->prov.rerank);
	t->id = second_start(t->req.cfg, &t->prof, t->net, t->chan, t->gen, query, hits, &t->prov.rerank, &why);
	if (why)
		rerank_fallback(t, why);
	if (!t->id)
		return false;
	t->reranking = true;
	t->pending = *hits;
	return true;
}

static void stopped_early(struct turn *t)
{
	struct turn_result *r = turn_result_new();
	r->outcome = TURN_CANCELLED;
	r->message = xstrdup("Stopped before the answer began.");
	turn_send_end(t, r);
}

/* A model rerank came back: the hits in its order (or the first stage's), then the answer. */
static void rerank_done(struct turn *t, const struct rerank_msg *rm)
{
	struct idx_hits hits = t->pending;
	memset(&t->pending, 0, sizeof t->pending);
	t->reranking = false;
	t->id = 0;
	char *context = t->pending_context;
	t->pending_context = NULL;
	if (t->cancelled) {
		idx_hits_free(&hits);
		free(context);
		stopped_early(t);
		return;
	}
	char *why = NULL;
	free(t->prov.rerank);
	t->prov.rerank = second_finish(&t->prof, rm, &hits, &why);
	if (why)
		rerank_fallback(t, why);
	turn_compose(t, hits, context);
}

/* The search, then the prompt and the answer; the second half of turn_start, or of
 * turn_step once a rewrite came back (query: the standalone question, NULL = the question
 * itself). A model reranker, when the profile has one, goes between. */
void turn_search(struct turn *t, const char *query)
{
	const struct turn_request *req = &t->req;
	const struct cfg_profile *pf = req->profile;
	struct idx_hits hits;
	/* A rewritten question stands alone; otherwise the earlier questions' words help. */
	char *context = query ? NULL : history_search_context(&t->hist, 2);
	t->prov.search_context = context != NULL && pf->retrieval.enabled;
	free(t->prov.search_query);
	t->prov.search_query = xstrdup(query ? query : "");
	double r0 = clock_ms_f();
	turn_retrieve(req, query ? query : req->question, context, t->sub, t->nsub, &hits);
	t->prov.retrieval_ms = clock_ms_f() - r0;
	if (rerank_start(t, query ? query : req->question, &hits)) {
		t->pending_context = context;
		return;
	}
	turn_compose(t, hits, context);
}

/* The provider that rewrites a follow-up for this profile, or NULL when none may. */
static const struct cfg_provider *rewriter(const struct turn_request *req)
{
	const struct cfg_profile *pf = req->profile;
	if (pf->rewrite != REWRITE_AUTO || !pf->retrieval.enabled || !req->ix)
		return NULL;
	const struct cfg_provider *p = config_provider(req->cfg, pf->rewrite_provider && *pf->rewrite_provider
							   ? pf->rewrite_provider : pf->provider);
	return p && p->kind != PROVIDER_BUILTIN ? p : NULL;
}

/* A cancelled turn ends before its answer began. */
static bool ended_if_cancelled(struct turn *t)
{
	if (!t->cancelled)
		return false;
	stopped_early(t);
	return true;
}

static void take_expansion(struct turn *t, const struct expand_msg *x)
{
	t->expanding = false;
	t->id = 0;
	struct buf b = {0};
	for (size_t i = 0; i < x->n; i++) {
		t->sub[t->nsub++] = xstrdup(x->queries[i]);
		buf_addf(&b, "%s%s", i ? "\n" : "", x->queries[i]);
	}
	free(t->prov.expansion);
	t->prov.expansion = x->n ? buf_detach(&b) : xstrdup(x->why ? x->why : "failed");
	buf_free(&b);
	if (!ended_if_cancelled(t))
		turn_search(t, t->query);
}

bool turn_step(struct turn *t, const struct chan_msg *m)
{
	if (m->kind == EXPAND_MSG) {
		if (t && m->gen == t->gen && t->expanding)
			take_expansion(t, (const struct expand_msg *)m);
		return true;
	}
	if (m->kind == RERANK_MSG) {
		if (t && m->gen == t->gen && t->reranking)
			rerank_done(t, (const struct rerank_msg *)m);
		return true;
	}
	if (m->kind != REWRITE_MSG)
		return false;
	if (!t || m->gen != t->gen || !t->rewriting)
		return true;
	const struct rewrite_msg *rm = (const struct rewrite_msg *)m;
	t->rewriting = false;
	t->id = 0;
	if (ended_if_cancelled(t))
		return true;
	free(t->prov.rewrite);
	t->prov.rewrite = xstrdup(rm->query ? "rewritten" : rm->why ? rm->why : "failed");
	if (!expand_start(t, rm->query))
		turn_search(t, rm->query);
	return true;
}

static void turn_steps_begin(struct turn *t)
{
	const struct cfg_provider *rw = t->hist.n ? rewriter(&t->req) : NULL;
	if (rw && t->net) {
		char *err = NULL;
		const char *model = t->prof.rewrite_model && *t->prof.rewrite_model ? t->prof.rewrite_model
				    : t->prof.model;
		int timeout = t->prof.rewrite_timeout_s > 0 ? t->prof.rewrite_timeout_s : 8;
		t->id = rewrite_submit(t->net, rw, model, timeout, &t->hist, t->question, t->chan, t->gen, &err);
		if (t->id) {
			t->rewriting = true;
			return;
		}
		t->prov.rewrite = xasprintf("the rewrite could not be sent (%s)", err ? err : "?");
		free(err);
	}
	if (!expand_start(t, NULL))
		turn_search(t, NULL);
}

struct turn *turn_start(const struct turn_request *req, struct net *net, struct chan *chan)
{
	struct turn *t = xcalloc(1, sizeof *t);
	t->chan = chan;
	t->gen = req->gen;
	t->started = clock_ms_f();
	t->net = net;
	t->prof = *req->profile;
	t->model = req->profile->model ? xstrdup(req->profile->model) : NULL;
	t->prof.model = t->model;
	t->question = xstrdup(req->question);
	t->extra = req->extra_context ? xstrdup(req->extra_context) : NULL;
	t->req = *req;
	t->req.profile = &t->prof;
	t->req.question = t->question;
	t->req.extra_context = t->extra;
	t->req.history = NULL;
	t->req.nhistory = 0;
	const struct cfg_provider *prov = config_provider(req->cfg, t->prof.provider);
	record_provenance_fill(&t->prov, &t->req, prov);
	/* No turn is worth more than the whole context: copy at most that much. */
	history_from(req->history, req->nhistory, t->prof.name, t->prof.context_tokens, &t->hist);

	turn_steps_begin(t);
	return t;
}
