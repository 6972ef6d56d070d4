/* extractive.c - the offline answerer (see extractive.h). */
#include "core/answer/extractive.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/answer/units.h"

struct terms {
	char **v;
	size_t n, cap;
};

static bool terms_has(const struct terms *t, const char *s, size_t len)
{
	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->v[i]) == len && !memcmp(t->v[i], s, len))
			return true;
	return false;
}

static int add_term(void *ctx, const char *term, size_t len, bool stopword)
{
	struct terms *t = ctx;
	if (stopword || len < 2 || terms_has(t, term, len))
		return 0;
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
	t->v[t->n++] = xstrndup(term, len);
	return 0;
}

/* The words a question asks with, not about: "what does the README say about safety?" */
static int add_question_term(void *ctx, const char *term, size_t len, bool stopword)
{
	static const char *const ask[] = {"say", "tell", "explain", "describ", "mention", "mean", "talk"};
	for (size_t i = 0; i < sizeof ask / sizeof *ask; i++)
		if (strlen(ask[i]) == len && !memcmp(ask[i], term, len))
			return 0;
	return add_term(ctx, term, len, stopword);
}

static void terms_free(struct terms *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
}

static double overlap(const struct terms *a, const struct terms *b)
{
	size_t common = 0;
	for (size_t i = 0; i < a->n; i++)
		common += terms_has(b, a->v[i], strlen(a->v[i]));
	size_t uni = a->n + b->n - common;
	return uni ? (double)common / (double)uni : 1.0;
}

/* ---- the question's code-like phrases: "C-b d", "--group-separator", `man-db` ---------- */

static bool short_word(const char *w, size_t n)
{
	static const char *const common[] = {"do", "is", "in", "on", "of", "to", "an", "at", "by", "be", "or",
					     "it", "as", "if", "me", "my", "we", "so", "no", "up", "a", "i"};
	if (n > 2)
		return false;
	for (size_t i = 0; i < sizeof common / sizeof *common; i++)
		if (strlen(common[i]) == n && !strncasecmp(w, common[i], n))
			return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)w[i]))
			return false;
	return true;
}

/* A word with punctuation inside ("man-db", "C-b", "a.out", "key=value"), an option
 * ("-n", "--flag"), or one the question put in backticks. */
static bool code_like(const char *w, size_t n, bool ticked)
{
	if (ticked)
		return n > 0;
	if (n >= 2 && w[0] == '-' && (isalnum((unsigned char)w[1]) || w[1] == '-'))
		return true;
	for (size_t i = 1; i + 1 < n; i++)
		if (strchr("-_./=:+", w[i]) && isalnum((unsigned char)w[i - 1]) && isalnum((unsigned char)w[i + 1]))
			return true;
	return false;
}

/* Splits the question into words (quotes, brackets and end punctuation trimmed) and keeps
 * each run that starts with a code-like word and goes on with short ones, joined by one
 * space. */
static void phrases_of(const char *q, struct terms *out)
{
	struct buf cur = {0};
	bool open = false;
	for (const char *p = q;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		const char *e = p;
		bool ticked = *s == '`';
		while (s < e && strchr("`\"'([{", *s))
			s++;
		ticked = ticked || (e > s && e[-1] == '`');
		while (e > s && strchr("`\"')]}?!.,;:", e[-1]))
			e--;
		size_t n = (size_t)(e - s);
		if (code_like(s, n, ticked)) {
			if (open && cur.len)
				add_term(out, cur.p, cur.len, false);
			cur.len = 0;
			buf_add(&cur, s, n);
			open = true;
		} else if (open && short_word(s, n)) {
			buf_addc(&cur, ' ');
			buf_add(&cur, s, n);
		} else {
			if (open && cur.len)
				add_term(out, cur.p, cur.len, false);
			open = false;
		}
	}
	if (open && cur.len)
		add_term(out, cur.p, cur.len, false);
	buf_free(&cur);
}

/* The phrase in [s, s+len), ignoring case, a space in it matching any white space, not
 * inside a longer word or option. */
static bool phrase_in(const char *ph, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (i && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '-'))
			continue;
		size_t j = i;
		const char *p = ph;
		while (*p && j < len) {
			if (*p == ' ') {
				if (!isspace((unsigned char)s[j]))
					break;
				while (j < len && isspace((unsigned char)s[j]))
					j++;
				p++;
			} else if (tolower((unsigned char)*p) == tolower((unsigned char)s[j])) {
				p++;
				j++;
			} else {
				break;
			}
		}
		if (!*p && (j == len || !isalnum((unsigned char)s[j])))
			return true;
	}
	return false;
}

/* ---- scoring -------------------------------------------------------------------------- */

struct cand {
	const struct unit *u;
	struct terms terms, hterms;
	const struct terms *pterms; /* its file name's */
	unsigned char *phrase; /* per question phrase: 2 in the unit, 1 in its heading, 0 */
	double score;
	bool picked;
};

/* Only the question again, or its heading: nothing the question does not already say. */
static bool restates(const struct terms *q, const struct terms *t)
{
	size_t novel = 0;
	for (size_t i = 0; i < t->n; i++)
		novel += !terms_has(q, t->v[i], strlen(t->v[i]));
	return novel <= 1 && t->n <= q->n + 1;
}

static bool quotable(const struct unit *u)
{
	if (u->len > 800 || u->len < (u->kind == UNIT_SENTENCE ? 12u : 5u))
		return false;
	if (u->s[u->len - 1] == '?')
		return false; /* a question answers nothing */
	for (size_t i = 0; i < u->len; i++)
		if (isalpha((unsigned char)u->s[i]) || (unsigned char)u->s[i] >= 0x80)
			return true;
	return false;
}

/* Appends the unit on one line, verbatim, its marker before the final punctuation: "It
 * grows [1]."; a list item or definition goes after its heading ("Costs: ..."), a table
 * row loses its outer bars. */
static void add_unit_text(struct buf *out, const struct unit *u)
{
	const char *p = u->s;
	size_t len = u->len;
	if (u->kind == UNIT_ROW) {
		while (len && (*p == '|' || isspace((unsigned char)*p)))
			p++, len--;
		while (len && (p[len - 1] == '|' || isspace((unsigned char)p[len - 1])))
			len--;
	}
	struct buf one = {0};
	if ((u->kind == UNIT_ITEM || u->kind == UNIT_DEF) && u->hlen) {
		buf_add(&one, u->heading, u->hlen);
		while (one.len && strchr(":.", one.p[one.len - 1]))
			one.len--;
		buf_adds(&one, ": ");
	}
	for (size_t i = 0; i < len; i++) {
		char c = p[i];
		if (c == '\n' || c == '\r' || c == '\t') {
			c = ' ';
			while (i + 1 < len && (isspace((unsigned char)p[i + 1]) || (c == ' ' && p[i + 1] == '>')))
				i++;
		}
		if (c == ' ' && one.len && one.p[one.len - 1] == ' ')
			continue;
		buf_addc(&one, c);
	}
	size_t body = one.len;
	while (body && strchr(".!?", one.p[body - 1]))
		body--;
	if (out->len)
		buf_addc(out, ' ');
	buf_add(out, one.p, body);
	buf_addf(out, " [%d]", u->source);
	buf_add(out, one.p + body, one.len - body);
	if (body == one.len)
		buf_addc(out, '.');
	buf_free(&one);
}

bool extractive_answer(const char *question, const struct cite_map *m, const char *language,
		       int max_sentences, struct extractive *out)
{
	*out = (struct extractive){0};
	struct idx_tokenizer *tok = idx_tokenizer_new(language);
	if (!tok)
		tok = idx_tokenizer_new("none");
	struct terms q = {0}, ph = {0};
	idx_tokenize(tok, question, strlen(question), add_question_term, &q);
	phrases_of(question, &ph);

	/* Each passage's file name speaks for its units too, as a heading does: "README". */
	struct units us = {0};
	struct terms *pterms = xcalloc(m->n + 1, sizeof *pterms);
	for (size_t i = 0; i < m->n; i++) {
		units_split(m->v[i].text, m->v[i].heading, m->v[i].n, &us);
		const char *base = m->v[i].path ? strrchr(m->v[i].path, '/') : NULL;
		base = base ? base + 1 : m->v[i].path ? m->v[i].path : "";
		const char *dot = strrchr(base, '.');
		idx_tokenize(tok, base, dot ? (size_t)(dot - base) : strlen(base), add_term, &pterms[i]);
	}
	struct cand *cv = xcalloc(us.n ? us.n : 1, sizeof *cv);
	size_t nc = 0;
	for (size_t i = 0; i < us.n; i++) {
		struct cand *c = &cv[nc];
		c->u = &us.v[i];
		for (size_t k = 0; k < m->n; k++)
			if (m->v[k].n == c->u->source)
				c->pterms = &pterms[k];
		idx_tokenize(tok, c->u->s, c->u->len, add_term, &c->terms);
		if (c->u->hlen)
			idx_tokenize(tok, c->u->heading, c->u->hlen, add_term, &c->hterms);
		c->phrase = xcalloc(ph.n ? ph.n : 1, 1);
		for (size_t j = 0; j < ph.n; j++)
			c->phrase[j] = phrase_in(ph.v[j], c->u->s, c->u->len) ? 2
				       : c->u->hlen && phrase_in(ph.v[j], c->u->heading, c->u->hlen) ? 1
				       : 0;
		if (!quotable(c->u) || (q.n && restates(&q, &c->terms))) {
			terms_free(&c->terms);
			terms_free(&c->hterms);
			free(c->phrase);
			*c = (struct cand){0};
			continue;
		}
		nc++;
	}

	/* Rarer question terms weigh more: a term found in every unit tells nothing, one found
	 * in none weighs the most (and counts against relevance). */
	double *w = xcalloc(q.n + ph.n + 1, sizeof *w), wsum = 0;
	for (size_t j = 0; j < q.n + ph.n; j++) {
		size_t df = 0;
		for (size_t k = 0; k < nc; k++)
			df += j < q.n ? terms_has(&cv[k].terms, q.v[j], strlen(q.v[j])) : cv[k].phrase[j - q.n] == 2;
		w[j] = log(1.0 + (double)(nc ? nc : 1) / (df ? (double)df : 0.5));
		if (j >= q.n)
			w[j] *= 1.5; /* a literal "C-b d" says more than any one word */
		wsum += w[j];
	}

	double best = 0;
	for (size_t i = 0; i < nc; i++) {
		struct cand *c = &cv[i];
		double score = 0;
		size_t matched = 0;
		for (size_t j = 0; j < q.n; j++) {
			size_t n = strlen(q.v[j]);
			if (terms_has(&c->terms, q.v[j], n))
				score += w[j], matched++;
			else if (terms_has(&c->hterms, q.v[j], n) || (c->pterms && terms_has(c->pterms, q.v[j], n)))
				score += 0.5 * w[j];
		}
		for (size_t j = 0; j < ph.n; j++)
			if (c->phrase[j] == 2)
				score += w[q.n + j], matched++;
			else if (c->phrase[j])
				score += 0.5 * w[q.n + j];
		/* Favour covering more of the question, better-ranked passages, and neither
		 * fragments nor walls of text; a lead-in ("as follows:") promises what is not there. */
		score *= 1.0 + (double)matched / (double)(q.n + ph.n ? q.n + ph.n : 1);
		score /= (double)c->u->source; /* tuned on SciFact's train claims: 0.15 per rank, 0.539; 1, 0.592 */
		score /= 1.0 + (double)c->terms.n / 80.0;
		if (c->terms.n < 3 && c->u->kind == UNIT_SENTENCE)
			score *= 0.6;
		if (c->u->s[c->u->len - 1] == ':')
			score *= 0.5;
		c->score = score;
		if (score > best)
			best = score;
	}

	/* Maximal marginal relevance: each pick loses what it shares with those before it. */
	struct buf text = {0};
	double *covered = xcalloc(q.n + ph.n + 1, sizeof *covered);
	int picked = 0, sources[64], nsrc = 0;
	while (best > 0 && picked < max_sentences) {
		struct cand *top = NULL;
		double top_mmr = 0;
		for (size_t i = 0; i < nc; i++) {
			struct cand *c = &cv[i];
			if (c->picked || c->score < 0.35 * best || c->score <= 0)
				continue;
			double sim = 0;
			for (size_t k = 0; k < nc; k++)
				if (cv[k].picked) {
					double o = overlap(&c->terms, &cv[k].terms);
					sim = o > sim ? o : sim;
				}
			if (sim >= 0.5)
				continue;
			double mmr = c->score * (1.0 - sim);
			if (!top || mmr > top_mmr)
				top = c, top_mmr = mmr;
		}
		if (!top)
			break;
		top->picked = true;
		add_unit_text(&text, top->u);
		picked++;
		bool seen = false;
		for (int k = 0; k < nsrc; k++)
			seen = seen || sources[k] == top->u->source;
		if (!seen && nsrc < 64)
			sources[nsrc++] = top->u->source;
		for (size_t j = 0; j < q.n; j++) {
			size_t n = strlen(q.v[j]);
			double c = terms_has(&top->terms, q.v[j], n) || terms_has(&top->hterms, q.v[j], n) ? 1
				   : top->pterms && terms_has(top->pterms, q.v[j], n) ? 0.5
				   : 0;
			covered[j] = covered[j] > c ? covered[j] : c;
		}
		for (size_t j = 0; j < ph.n; j++)
			if (top->phrase[j])
				covered[q.n + j] = 1;
	}
	double got = 0;
	for (size_t j = 0; j < q.n + ph.n; j++)
		got += covered[j] * w[j];

	for (size_t i = 0; i < nc; i++) {
		terms_free(&cv[i].terms);
		terms_free(&cv[i].hterms);
		free(cv[i].phrase);
	}
	free(cv);
	free(w);
	free(covered);
	units_free(&us);
	for (size_t i = 0; i < m->n; i++)
		terms_free(&pterms[i]);
	free(pterms);
	terms_free(&q);
	terms_free(&ph);
	idx_tokenizer_free(tok);
	if (!picked) {
		buf_free(&text);
		return false;
	}
	out->text = buf_detach(&text);
	out->passages = nsrc;
	out->relevance = wsum > 0 ? got / wsum : 0;
	return true;
}
