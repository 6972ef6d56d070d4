/* expand.c - query expansion (see expand.h). */
#include "core/answer/expand.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/app/log.h"
#include "core/net/ask.h"
#include "core/net/provider.h"

enum { EXPAND_MAX_BYTES = 300, EXPAND_MAX_TOKENS = 200 };

static const char system_text[] =
	"You write search queries for a document search engine. Given a question, write "
	"different queries that would find the passages answering it: the key terms only, a "
	"paraphrase in other words, and a one-sentence hypothetical answer. Write one query per "
	"line and nothing else: no numbering, no explanations.";

const char *expand_system(void)
{
	return system_text;
}

char *expand_prompt(const char *question, int n)
{
	return xasprintf("Write %d search queries, one per line, for this question:\n%s", n, question);
}

/* Removes what a model puts around a line: "1.", "2)", "-", "*", "Query 2:", "Paraphrase:",
 * quotes and backticks. */
static void strip_dressing(const char **s, const char **e)
{
	const char *p = *s, *q = *e;
	while (p < q && isspace((unsigned char)*p))
		p++;
	if (p < q && strchr("-*+", *p))
		p++;
	else if (q - p >= 3 && !memcmp(p, "\xe2\x80\xa2", 3)) /* • */
		p += 3;
	const char *d = p;
	while (d < q && isdigit((unsigned char)*d))
		d++;
	if (d > p && d < q && (*d == '.' || *d == ')' || *d == ':'))
		p = d + 1;
	/* A label of one or two words before a colon. */
	const char *colon = memchr(p, ':', (size_t)(q - p));
	if (colon && colon - p <= 24) {
		int words = 1;
		for (const char *c = p; c < colon; c++)
			words += *c == ' ';
		if (words <= 2)
			p = colon + 1;
	}
	while (p < q && (isspace((unsigned char)*p) || *p == '"' || *p == '`' || *p == '\''))
		p++;
	while (q > p && (isspace((unsigned char)q[-1]) || q[-1] == '"' || q[-1] == '`' || q[-1] == '\''))
		q--;
	*s = p;
	*e = q;
}

size_t expand_parse(const char *reply, size_t len, const char *question, size_t max, char **out)
{
	size_t n = 0;
	const char *end = reply + len;
	for (const char *ls = reply; ls < end && n < max;) {
		const char *le = memchr(ls, '\n', (size_t)(end - ls));
		le = le ? le : end;
		const char *s = ls, *e = le;
		ls = le < end ? le + 1 : end;
		strip_dressing(&s, &e);
		if (s == e || e - s > EXPAND_MAX_BYTES)
			continue;
		struct buf b = {0};
		for (const char *p = s; p < e; p++)
			if ((unsigned char)*p >= 0x20 && *p != 0x7f)
				buf_addc(&b, *p);
		bool dup = !b.len || !strcasecmp(buf_str(&b), question);
		for (size_t i = 0; i < n && !dup; i++)
			dup = !strcasecmp(out[i], buf_str(&b));
		if (dup) {
			buf_free(&b);
			continue;
		}
		out[n++] = buf_detach(&b);
	}
	return n;
}

struct elink {
	struct chan *chan;
	uint64_t gen;
	char *question;
	size_t max;
};

static void msg_free(struct chan_msg *m)
{
	struct expand_msg *x = (struct expand_msg *)m;
	for (size_t i = 0; i < x->n; i++)
		free(x->queries[i]);
	free(x->why);
	free(x);
}

static void on_done(void *ctx, const struct stream_result *sr, const struct net_timings *tm)
{
	(void)tm;
	struct elink *l = ctx;
	struct expand_msg *m = xcalloc(1, sizeof *m);
	m->base.kind = EXPAND_MSG;
	m->base.gen = l->gen;
	m->base.free = msg_free;
	if (sr->outcome != STREAM_COMPLETED) {
		m->why = stream_failure(sr, "expansion");
	} else {
		m->n = expand_parse(sr->text ? sr->text : "", sr->text ? sr->text_len : 0, l->question, l->max,
				    m->queries);
		if (!m->n)
			m->why = xstrdup("the expansion's reply held no query");
	}
	if (m->why)
		log_warn("query expansion: %s; searching the question alone", m->why);
	chan_send(l->chan, &m->base);
	free(l->question);
	free(l);
}

net_id expand_submit(struct net *net, const struct cfg_provider *p, const char *model, int timeout_s,
		     int n, const char *question, struct chan *chan, uint64_t gen, char **err)
{
	char *user = expand_prompt(question, n);
	struct elink *l = xcalloc(1, sizeof *l);
	*l = (struct elink){chan, gen, xstrdup(question), n > EXPAND_MAX ? EXPAND_MAX : (size_t)n};
	struct net_callbacks cb = {.done = on_done, .ctx = l};
	net_id id = net_ask(net, p, model, timeout_s, system_text, user, EXPAND_MAX_TOKENS, &cb, err);
	if (!id) {
		free(l->question);
		free(l);
	}
	free(user);
	return id;
}

/* ---- fusion --------------------------------------------------------------------------- */

struct fused {
	struct idx_hit *hit; /* in its list, the best-ranked occurrence */
	double score;
	size_t order;        /* first seen: list by list, rank by rank */
};

static int by_score(const void *a, const void *b)
{
	const struct fused *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void expand_fuse(struct idx_hits *lists, size_t n, size_t k, size_t per_file_cap, struct idx_hits *out)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += lists[i].n;
	struct fused *f = xcalloc(total + 1, sizeof *f);
	size_t nf = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < lists[i].n; r++) {
			struct idx_hit *h = &lists[i].v[r];
			size_t j = 0;
			while (j < nf && f[j].hit->chunk != h->chunk)
				j++;
			if (j == nf)
				f[nf++] = (struct fused){h, 0, j};
			f[j].score += 1.0 / (60.0 + (double)r + 1.0);
		}
	qsort(f, nf, sizeof *f, by_score);
	out->v = xcalloc(k + 1, sizeof *out->v);
	out->n = 0;
	for (size_t j = 0; j < nf && out->n < k; j++) {
		size_t same = 0;
		for (size_t i = 0; i < out->n; i++)
			same += !strcmp(out->v[i].path, f[j].hit->path);
		if (per_file_cap && same >= per_file_cap)
			continue;
		out->v[out->n] = *f[j].hit;
		out->v[out->n++].score = f[j].score;
		/* Moved: the list keeps no pointer to free. */
		*f[j].hit = (struct idx_hit){.chunk = f[j].hit->chunk};
	}
	free(f);
}
