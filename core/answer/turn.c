/* turn.c - one question, one answer, through the channel (see turn.h). */
#include "core/answer/turn.h"
#include "core/answer/turn_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "core/answer/budget.h"
#include "core/answer/claimcheck.h"
#include "core/answer/cost.h"
#include "core/answer/expand.h"
#include "core/answer/extractive.h"
#include "core/answer/finetune.h"
#include "core/answer/rewrite.h"
#include "core/answer/second.h"
#include "core/app/log.h"
#include "core/net/limits.h"
#include "core/net/net.h"
#include "core/net/provider.h"
#include "core/answer/record.h"
#include "core/net/secret.h"
#include "core/wire/stream.h"
#include "core/answer/verify.h"
#include "core/answer/window.h"

_Static_assert(TURN_COMPLETED == (int)STREAM_COMPLETED && TURN_TRUNCATED == (int)STREAM_TRUNCATED &&
		       TURN_INTERRUPTED == (int)STREAM_INTERRUPTED && TURN_TOO_LARGE == (int)STREAM_TOO_LARGE,
	       "turn outcomes mirror stream outcomes");

static void handle_drop(struct handle *h)
{
	if (h && __atomic_sub_fetch(&h->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(h);
}

/* What the net thread's callbacks need. Owned by the request: freed in its done callback,
 * so a turn freed mid-stream (/new) leaves nothing dangling. */
struct link {
	struct chan *chan;
	uint64_t gen;
	double started;
	bool not_grounded;
	bool label;
	struct buf answer;       /* the text so far, for verification */
	struct cite_map texts;   /* the sources' numbers and texts (a copy: the turn may go) */
	char *language;
	/* To send the prompt again, smaller, when the server refuses it for length. */
	struct net *net;
	struct handle *req;
	struct prompt prompt;    /* its parts and token counts; its history is hist below */
	struct history hist;     /* the earlier turns sent (a copy: the turn may go) */
	size_t nsources;         /* sources given */
	int window, answer_want, answer_sent;
	bool retried;
	int refit_window, refit_sources;
	struct cfg_provider prov;/* kind, name, base_url (copied), timeouts */
	char *model, *key;
	double temperature;
	bool send_max_tokens;
	struct price price;      /* the model's, for the result's cost */
	struct finetune_lora lora;
	struct claimcheck *check; /* the checker model, or NULL */
	char *check_err;         /* why the profile's checker cannot be used, or NULL */
};

static void msg_free(struct chan_msg *m)
{
	struct turn_msg *t = (struct turn_msg *)m;
	free(t->text);
	turn_result_free(t->result);
	free(t);
}

static void post_text(struct chan *chan, uint64_t gen, enum turn_msg_kind kind, const char *s, size_t len)
{
	struct turn_msg *m = xcalloc(1, sizeof *m);
	m->base.kind = kind;
	m->base.gen = gen;
	m->base.free = msg_free;
	m->text = xstrndup(s, len);
	chan_send(chan, &m->base);
}

void turn_send_text(struct turn *t, enum turn_msg_kind kind, const char *s, size_t len)
{
	post_text(t->chan, t->gen, kind, s, len);
}

static void post_end(struct chan *chan, uint64_t gen, double started, struct turn_result *r)
{
	if (!r->outcome_name)
		/* Below TURN_DECLINED the outcomes are the stream's, by design. */
		r->outcome_name = xstrdup(r->outcome == TURN_DECLINED ? "declined"
					  : stream_outcome_name((enum stream_outcome)r->outcome));
	r->total_ms = clock_ms_f() - started;
	struct turn_msg *m = xcalloc(1, sizeof *m);
	m->base.kind = TURN_END;
	m->base.gen = gen;
	m->base.free = msg_free;
	m->result = r;
	chan_send(chan, &m->base);
}

void turn_send_end(struct turn *t, struct turn_result *r)
{
	r->priced = true; /* nothing was asked of a server: nothing to pay */
	post_end(t->chan, t->gen, t->started, r);
}

/* ---- the net thread's side: stream events become channel messages -------------------- */

static void on_event(void *ctx, enum stream_ev_kind kind, const char *s, size_t len)
{
	struct link *l = ctx;
	if (kind == STREAM_EV_TEXT || kind == STREAM_EV_REFUSAL) {
		buf_add(&l->answer, s, len);
		post_text(l->chan, l->gen, TURN_TEXT, s, len);
	}
	else if (kind == STREAM_EV_REASONING)
		post_text(l->chan, l->gen, TURN_REASONING, s, len);
}

struct turn_result *turn_result_new(void)
{
	struct turn_result *r = xcalloc(1, sizeof *r);
	r->grounding = -1;
	return r;
}

/* Checks the answer's citations; nothing to check, nothing computed (grounding stays -1). */
static void verify_into(struct turn_result *r, const char *answer, size_t len, const struct cite_map *m,
			const char *language)
{
	if (!len)
		return;
	r->verify = verify_answer(answer, len, m, language);
	r->grounding = r->verify->grounding;
	r->sentences = (int)r->verify->n;
	r->sentences_supported = r->verify->supported;
	r->citations_invalid = r->verify->invalid;
}

static void on_retry(void *ctx, const struct net_retry *r)
{
	struct link *l = ctx;
	post_text(l->chan, l->gen, TURN_NOTICE, r->message, strlen(r->message));
}

static void link_free(struct link *l)
{
	buf_free(&l->answer);
	cite_map_free(&l->texts);
	free(l->language);
	prompt_free(&l->prompt);
	history_free(&l->hist);
	free(l->prov.name);
	free(l->prov.base_url);
	free(l->model);
	if (l->key) {
		memset(l->key, 0, strlen(l->key));
		free(l->key);
	}
	handle_drop(l->req);
	claimcheck_free(l->check);
	free(l->check_err);
	free(l);
}

static void on_done(void *ctx, const struct stream_result *sr, const struct net_timings *tm);

/* Builds and submits the request for the first n sources; false when it cannot be built. */
static bool submit(struct link *l, size_t n, int answer)
{
	char *user = prompt_user(&l->prompt, n);
	/* system, the earlier turns sent, then the question with its sources */
	size_t nm = 0;
	struct provider_msg *msgs = xcalloc(2 * l->hist.n + 2, sizeof *msgs);
	msgs[nm++] = (struct provider_msg){"system", l->prompt.system};
	for (size_t i = 0; i < l->hist.n; i++) {
		msgs[nm++] = (struct provider_msg){"user", l->hist.v[i].question};
		msgs[nm++] = (struct provider_msg){"assistant", l->hist.v[i].answer};
	}
	msgs[nm++] = (struct provider_msg){"user", user};
	struct provider_chat chat = {
		.model = l->model, .messages = msgs, .n_messages = nm, .temperature = l->temperature,
		.max_tokens = l->send_max_tokens ? answer : 0,
		.num_ctx = l->prov.kind == PROVIDER_OLLAMA ? l->window : 0,
		.lora = l->lora.send, .lora_id = l->lora.id, .lora_scale = l->lora.scale,
	};
	struct provider_request preq;
	char *err = NULL;
	int rc = provider_chat_request(&l->prov, &chat, &preq, &err);
	free(msgs);
	free(user);
	free(err);
	if (rc < 0)
		return false;
	struct net_request nreq;
	provider_net_request(&l->prov, &preq, l->key, &nreq);
	struct net_callbacks cb = {.event = on_event, .retry = on_retry, .done = on_done, .ctx = l};
	/* The link may be freed by its done callback on the net thread as soon as it is
	 * submitted; the handle is the turn's too (refs), so it outlives the call. */
	struct handle *h = l->req;
	struct net *net = l->net;
	net_id id = net_submit(net, &nreq, &cb);
	__atomic_store_n(&h->id, id, __ATOMIC_RELEASE);
	if (__atomic_load_n(&h->cancelled, __ATOMIC_ACQUIRE))
		net_cancel(net, id);
	provider_request_free(&preq);
	return true;
}

/* The server refused the prompt for length before the first token (prompt: the tokens it
 * counted, window: its context; 0 = not said). Fits the parts again with the server's
 * numbers - each part scaled by how far the server's count was from ours - and sends the
 * smaller prompt once. Net thread. */
static bool refit(struct link *l, int prompt, int window)
{
	if (l->retried || !l->net || l->answer.len)
		return false;
	double scale = prompt > 0 && l->prompt.tokens > 0 ? (double)prompt / l->prompt.tokens : 1.25;
	if (scale < 1)
		scale = 1;
	int win = window > 0 ? window : l->window;
	int *cost = xcalloc(l->nsources + 1, sizeof *cost);
	for (size_t i = 0; i < l->nsources; i++)
		cost[i] = (int)(l->prompt.block_tokens[i] * scale) + 1;
	/* The earlier turns sent stay: they count with the fixed part. */
	struct budget_parts bp = {.window = win, .answer = l->answer_want,
				  .fixed = (int)((l->prompt.fixed_tokens + l->prompt.history_tokens) * scale) + 1,
				  .sources = cost, .nsources = l->nsources};
	struct budget_fit fit;
	budget_fit(&bp, &fit);
	free(cost);
	bool smaller = fit.sources < l->nsources || (l->send_max_tokens && fit.answer < l->answer_sent);
	if (fit.too_small || !smaller)
		return false;
	l->retried = true;
	l->window = win;
	l->refit_window = window;
	l->refit_sources = (int)fit.sources;
	l->answer_sent = fit.answer;
	l->prompt.tokens = fit.prompt;
	char msg[256];
	snprintf(msg, sizeof msg, "the server holds %d tokens and counted %d for this prompt: asking again "
		 "with %zu of %zu sources", win, prompt, fit.sources, l->nsources);
	post_text(l->chan, l->gen, TURN_NOTICE, msg, strlen(msg));
	log_info("%s", msg);
	return submit(l, fit.sources, fit.answer);
}

static void on_done(void *ctx, const struct stream_result *sr, const struct net_timings *tm)
{
	struct link *l = ctx;
	int refused_prompt, refused_window;
	if (sr->outcome == STREAM_HTTP_ERROR && !sr->text_len &&
	    limits_refusal(sr->error, &refused_prompt, &refused_window) &&
	    refit(l, refused_prompt, refused_window))
		return; /* the smaller request's done comes later, with the same link */
	struct turn_result *r = turn_result_new();
	r->outcome = (int)sr->outcome; /* the turn outcomes mirror the stream's */
	r->outcome_name = xstrdup(stream_outcome_name(sr->outcome));
	r->finish_reason = sr->finish_reason ? xstrdup(sr->finish_reason) : NULL;
	if (sr->outcome != STREAM_COMPLETED || sr->bad_event)
		r->message = stream_outcome_message(sr);
	else if (l->not_grounded)
		r->message = xstrdup("Not grounded: no passage in your documents matched, so this is the "
				     "model's own knowledge.");
	r->prompt_tokens = sr->usage.prompt_tokens;
	r->completion_tokens = sr->usage.completion_tokens;
	r->priced = l->price.known;
	r->cost_micros = cost_micros(&l->price, r->prompt_tokens, r->completion_tokens);
	r->first_token_ms = tm->first_token_ms;
	r->not_grounded = l->not_grounded;
	r->label_uncited = l->label;
	if (l->retried) {
		r->refit_window = l->refit_window;
		r->refit_sources = l->refit_sources;
	}
	if (sr->outcome != STREAM_COMPLETED)
		log_warn("answer %s: %s", r->outcome_name, r->message ? r->message : "");
	verify_into(r, buf_str(&l->answer), l->answer.len, &l->texts, l->language);
	if (l->check_err && r->verify)
		r->checked_by = xasprintf("not used: %s; the builtin check stands", l->check_err);
	/* The checker model posts the end itself, once its verdicts are in. */
	if (claimcheck_run(l->check, l->net, r, buf_str(&l->answer), l->answer.len, &l->texts, post_end, l->chan,
			   l->gen, l->started))
		l->check = NULL;
	else
		post_end(l->chan, l->gen, l->started, r);
	link_free(l);
}

/* Only what verification reads: numbers and texts. */
static void copy_texts(const struct cite_map *m, struct cite_map *out)
{
	memset(out, 0, sizeof *out);
	out->v = xcalloc(m->n + 1, sizeof *out->v);
	for (size_t i = 0; i < m->n; i++) {
		out->v[i].n = m->v[i].n;
		out->v[i].text = xstrdup(m->v[i].text);
	}
	out->n = m->n;
}

/* Hands the prompt to the model server (the link takes it over); on a local failure (no
 * key, bad request) the turn ends at once with that message. */
static void ask_model(struct turn *t, const struct turn_request *req, const struct cfg_provider *prov,
		      struct prompt *prompt, int window, bool not_grounded, struct net *net,
		      const struct secret *key)
{
	if (!net) {
		struct turn_result *r = turn_result_new();
		r->outcome = TURN_NETWORK_ERROR;
		r->message = xstrdup("the network layer could not start (see the log)");
		turn_send_end(t, r);
		return;
	}
	const struct cfg_profile *pf = req->profile;
	struct link *l = xcalloc(1, sizeof *l);
	l->chan = t->chan;
	l->gen = t->gen;
	l->started = t->started;
	l->not_grounded = not_grounded;
	l->label = pf->no_evidence == NO_EVIDENCE_LABEL;
	l->language = xstrdup(req->cfg->index.language);
	copy_texts(&t->map, &l->texts);
	l->net = net;
	l->req = xcalloc(1, sizeof *l->req);
	l->req->refs = 2;
	t->handle = l->req;
	l->prompt = *prompt;
	memset(prompt, 0, sizeof *prompt);
	/* The turns sent go with the link: the turn's own copy may go first. */
	const struct history *h = l->prompt.history;
	size_t from = h ? l->prompt.history_start : 0, nh = h ? h->n - from : 0;
	l->hist.v = xcalloc(nh + 1, sizeof *l->hist.v);
	for (size_t i = 0; i < nh; i++) {
		l->hist.v[i].question = xstrdup(h->v[from + i].question);
		l->hist.v[i].answer = xstrdup(h->v[from + i].answer);
		l->hist.v[i].tokens = h->v[from + i].tokens;
	}
	l->hist.n = nh;
	l->prompt.history = &l->hist;
	l->prompt.history_start = 0;
	l->nsources = t->map.n;
	l->window = window;
	l->answer_want = pf->max_tokens > 0 ? pf->max_tokens : l->prompt.answer_tokens;
	l->answer_sent = l->prompt.answer_tokens;
	l->send_max_tokens = pf->max_tokens > 0;
	l->prov = *prov;
	l->prov.name = xstrdup(prov->name);
	l->prov.base_url = xstrdup(prov->base_url);
	l->prov.api_key = l->prov.api_key_env = l->prov.api_key_cmd = NULL;
	l->model = xstrdup(pf->model ? pf->model : "");
	l->key = key->key ? xstrdup(key->key) : NULL;
	l->temperature = pf->temperature;
	l->price = cost_price(req->cfg, provider_kind_name(prov->kind), pf->model);
	l->lora = t->lora;
	l->check = claimcheck_new(req->cfg, pf, &l->check_err);
	t->net = net;
	if (!submit(l, l->nsources, l->answer_sent)) {
		struct turn_result *r = turn_result_new();
		r->outcome = TURN_HTTP_ERROR;
		r->message = xasprintf("provider %s has no HTTP chat endpoint", prov->name);
		t->net = NULL;
		handle_drop(l->req); /* the turn's reference stays */
		l->req = NULL;
		link_free(l);
		turn_send_end(t, r);
	}
}

/* The builtin answer goes out in word-sized pieces, like a model's stream, so every
 * consumer has one path. */
static void send_streamed(struct turn *t, const char *text)
{
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, " \n");
		n += strspn(p + n, " \n");
		turn_send_text(t, TURN_TEXT, p, n);
		p += n;
	}
}

/* The prompt and the answer from the hits and the search's context (both taken over); the
 * last part of answer, or of turn_step once a model reranker came back. */
void turn_compose(struct turn *t, struct idx_hits hits, char *context)
{
	const struct turn_request *req = &t->req;
	const struct cfg_profile *pf = req->profile;
	const struct cfg_provider *prov = config_provider(req->cfg, pf->provider);

	struct secret key = {0};
	char *kerr = NULL;
	bool have_key = prov->kind == PROVIDER_BUILTIN || secret_get(prov, &key, &kerr) == 0;
	/* Evidence needs a lexical match above the profile's floor: vector neighbours of an
	 * unrelated question are not evidence. The view shares the hits' strings. */
	struct idx_hits evidence = {xcalloc(hits.n + 1, sizeof *hits.v), 0};
	bool vector_only = !strcmp(pf->retrieval.mode, "vector");
	for (size_t i = 0; i < hits.n; i++)
		if (vector_only ? hits.v[i].vector_score > 0
				: hits.v[i].lexical_score > pf->retrieval.min_score)
			evidence.v[evidence.n++] = hits.v[i];
	/* A decline asks nothing of the server, not even its window. */
	bool declines = pf->retrieval.enabled && !evidence.n && pf->no_evidence == NO_EVIDENCE_DECLINE;
	struct turn_counter cnt;
	struct server_limits lim;
	int window = turn_window(req, prov, key.key, have_key && !declines, &cnt, &t->prov, &lim);
	finetune_fill(pf, prov, lim.learned ? &lim : NULL, &t->prov, &t->lora);

	int answer_want = pf->max_tokens > 0 ? pf->max_tokens : window / 4 < 1024 ? window / 4 : 1024;
	struct prompt_opts po = {
		.system_prompt = pf->system_prompt,
		.retrieval = pf->retrieval.enabled,
		.context_tokens = window,
		.answer_tokens = answer_want,
		.extra_context = req->extra_context,
		.history = &t->hist,
		.count = turn_count_part,
		.count_ctx = &cnt,
	};
	struct prompt prompt;
	prompt_build(req->question, &evidence, &po, &prompt, &t->map);
	free(evidence.v);
	idx_hits_free(&hits);
	t->prov.prompt_tokens_estimate = prompt.tokens;
	t->prov.history_sent = prompt.history_sent;
	t->prov.history_dropped = prompt.history_dropped;
	t->prov.cut = t->map.ndropped
		? xasprintf("%zu of %zu sources dropped to fit %d tokens", t->map.ndropped,
			    t->map.n + t->map.ndropped, window)
		: xstrdup("");

	struct turn_result *r = turn_result_new();
	r->label_uncited = pf->no_evidence == NO_EVIDENCE_LABEL;
	bool no_evidence = pf->retrieval.enabled && t->map.n == 0;
	bool unfit = no_evidence && t->map.ndropped > 0;
	if (unfit && (pf->no_evidence == NO_EVIDENCE_DECLINE || prov->kind == PROVIDER_BUILTIN)) {
		char *why = turn_none_fits(&prompt, &t->map, window);
		turn_send_text(t, TURN_TEXT, why, strlen(why));
		r->outcome = TURN_DECLINED;
		r->message = why;
	} else if (no_evidence && pf->no_evidence == NO_EVIDENCE_DECLINE) {
		turn_send_text(t, TURN_TEXT, "Not found in your documents.", 28);
		r->outcome = TURN_DECLINED;
		/* The builtin answerer has no model to not ask: say what it did instead. */
		r->message = xstrdup(prov->kind == PROVIDER_BUILTIN
				     ? "No passage in your documents matches this question, so the builtin "
				       "answerer had no sentence to quote (profile policy: decline)."
				     : "No passage in your documents matches this question, so the model "
				       "was not asked (profile policy: decline).");
	} else if (prov->kind == PROVIDER_BUILTIN) {
		r->extractive = true;
		struct extractive ex;
		/* Quotes answer the question, not its leading filter words ("after:2026-01-01"). */
		const char *question = req->question, *rest;
		struct idx_filter qf = {.path = ""};
		char ferr[160];
		if (idx_filter_parse(question, &qf, &rest, ferr, sizeof ferr) > 0 && *rest)
			question = rest;
		if (!extractive_answer(question, &t->map, req->cfg->index.language, 3, &ex) && context) {
			/* A follow-up too short to pick sentences by: with what it refers to. */
			char *ask = xasprintf("%s\n%s", req->question, context);
			extractive_answer(ask, &t->map, req->cfg->index.language, 3, &ex);
			free(ask);
		}
		char *text = ex.text;
		if (text) {
			r->quoted_passages = ex.passages;
			r->relevance = ex.relevance;
			r->first_token_ms = clock_ms_f() - t->started;
			send_streamed(t, text);
			r->outcome = TURN_COMPLETED;
			r->finish_reason = xstrdup("stop");
			verify_into(r, text, strlen(text), &t->map, req->cfg->index.language);
			free(text);
		} else {
			turn_send_text(t, TURN_TEXT, "Not found in your documents.", 28);
			r->outcome = TURN_DECLINED;
			r->message = xstrdup(pf->retrieval.enabled
					     ? "No sentence in the retrieved passages answers this question."
					     : "The builtin provider answers only from your documents, and this "
					       "profile does not retrieve.");
		}
	} else if (!have_key) {
		r->outcome = TURN_HTTP_ERROR;
		r->message = kerr;
		kerr = NULL;
	} else {
		free(r);
		r = NULL;
		if (unfit) {
			char *why = turn_none_fits(&prompt, &t->map, window);
			turn_send_text(t, TURN_NOTICE, why, strlen(why));
			free(why);
		}
		ask_model(t, req, prov, &prompt, window, no_evidence, t->net, &key);
	}
	free(context);
	prompt_free(&prompt);
	secret_clear(&key);
	free(kerr);
	if (r)
		turn_send_end(t, r);
}








void turn_cancel(struct turn *t)
{
	if (!t)
		return;
	t->cancelled = true;
	if (t->net && t->id)
		net_cancel(t->net, t->id);
	if (!t->net || !t->handle)
		return;
	__atomic_store_n(&t->handle->cancelled, true, __ATOMIC_RELEASE);
	net_cancel(t->net, __atomic_load_n(&t->handle->id, __ATOMIC_ACQUIRE));
}

void turn_free(struct turn *t)
{
	if (!t)
		return;
	cite_map_free(&t->map);
	idx_hits_free(&t->pending);
	free(t->pending_context);
	record_provenance_clear(&t->prov);
	history_free(&t->hist);
	free(t->question);
	free(t->query);
	for (size_t i = 0; i < t->nsub; i++)
		free(t->sub[i]);
	free(t->extra);
	free(t->model);
	handle_drop(t->handle);
	free(t);
}

struct turn *turn_adopt(struct cite_map *map, struct provenance *prov)
{
	struct turn *t = xcalloc(1, sizeof *t);
	t->map = *map;
	t->prov = *prov;
	memset(map, 0, sizeof *map);
	memset(prov, 0, sizeof *prov);
	return t;
}

const struct cite_map *turn_sources(const struct turn *t)
{
	return &t->map;
}

const struct provenance *turn_provenance(const struct turn *t)
{
	return &t->prov;
}

/* The sources a refused prompt no longer held go to the front of the dropped list (they
 * rank above the ones dropped before). */
static void cut_sources(struct turn *t, const struct turn_result *r)
{
	struct cite_map *m = &t->map;
	size_t keep = (size_t)r->refit_sources, cut = m->n > keep ? m->n - keep : 0;
	if (!cut)
		return;
	struct source *d = xcalloc(m->ndropped + cut + 1, sizeof *d);
	for (size_t i = 0; i < cut; i++) {
		d[i] = m->v[keep + i];
		d[i].n = 0;
	}
	memcpy(d + cut, m->dropped, m->ndropped * sizeof *d);
	free(m->dropped);
	m->dropped = d;
	m->ndropped += cut;
	m->n = keep;
	char *was = t->prov.cut;
	t->prov.cut = xasprintf("%s%sthe server refused the prompt (its window: %d tokens), %zu more "
				"source%s dropped", was && *was ? was : "", was && *was ? "; " : "",
				r->refit_window, cut, cut == 1 ? "" : "s");
	free(was);
}

void turn_finish(struct turn *t, const struct turn_result *r)
{
	if (!t || !r)
		return;
	verify_mark(r->verify, &t->map);
	if (r->refit_window || r->refit_sources)
		cut_sources(t, r);
}

void turn_result_free(struct turn_result *r)
{
	if (!r)
		return;
	record_result_clear(r);
	free(r);
}
