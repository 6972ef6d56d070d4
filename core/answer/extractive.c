/* extractive.c - the offline answerer (see extractive.h). */
#include "core/answer/extractive.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

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

static void terms_free(struct terms *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
}

struct sentence {
	const char *s;
	size_t len;
	int source;
	struct terms terms;
	double score;
	bool picked;
};

/* A sentence ends at . ! ? followed by white space, at CJK full stops, or at a line break
 * that ends a list item or paragraph. */
static size_t sentence_end(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if ((c == '.' || c == '!' || c == '?') && (i + 1 == len || isspace((unsigned char)s[i + 1])))
			return i + 1;
		if (c == '\n' && (i + 1 == len || s[i + 1] == '\n' || s[i + 1] == '-' || s[i + 1] == '*' ||
				  s[i + 1] == '#'))
			return i + 1;
		if (i + 3 <= len && (!memcmp(s + i, "\xe3\x80\x82", 3) || !memcmp(s + i, "\xef\xbc\x81", 3) ||
				     !memcmp(s + i, "\xef\xbc\x9f", 3)))
			return i + 3;
	}
	return len;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (isspace((unsigned char)**s) || **s == '#' || **s == '-' || **s == '*' || **s == '>')) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static double overlap(const struct terms *a, const struct terms *b)
{
	size_t common = 0;
	for (size_t i = 0; i < a->n; i++)
		common += terms_has(b, a->v[i], strlen(a->v[i]));
	size_t uni = a->n + b->n - common;
	return uni ? (double)common / (double)uni : 1.0;
}

/* Appends the sentence with its marker before the final punctuation: "It grows [1]." */
static void add_sentence(struct buf *out, const struct sentence *s)
{
	const char *p = s->s;
	size_t len = s->len;
	/* One line: a sentence from a wrapped paragraph keeps its words, not its breaks. */
	struct buf one = {0};
	for (size_t i = 0; i < len; i++) {
		char c = p[i] == '\n' || p[i] == '\t' ? ' ' : p[i];
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
	buf_addf(out, " [%d]", s->source);
	buf_add(out, one.p + body, one.len - body);
	if (body == one.len)
		buf_addc(out, '.');
	buf_free(&one);
}

char *extractive_answer(const char *question, const struct cite_map *m, const char *language,
			int max_sentences)
{
	struct idx_tokenizer *tok = idx_tokenizer_new(language);
	if (!tok)
		tok = idx_tokenizer_new("none");
	struct terms q = {0};
	idx_tokenize(tok, question, strlen(question), add_term, &q);

	struct sentence *sv = NULL;
	size_t ns = 0, cap = 0;
	for (size_t i = 0; i < m->n; i++) {
		const char *p = m->v[i].text;
		size_t left = strlen(p);
		while (left) {
			size_t n = sentence_end(p, left);
			const char *s = p;
			size_t len = n;
			trim(&s, &len);
			if (len >= 12 && len <= 800) {
				sv = xgrow(sv, &cap, ns + 1, sizeof *sv);
				sv[ns] = (struct sentence){s, len, m->v[i].n, {0}, 0, false};
				idx_tokenize(tok, s, len, add_term, &sv[ns].terms);
				ns++;
			}
			p += n;
			left -= n;
		}
	}

	/* Rarer question terms weigh more: a term found in every sentence tells nothing. */
	double best = 0;
	for (size_t i = 0; i < ns; i++) {
		double score = 0;
		size_t matched = 0;
		for (size_t j = 0; j < q.n; j++) {
			if (!terms_has(&sv[i].terms, q.v[j], strlen(q.v[j])))
				continue;
			size_t df = 0;
			for (size_t k = 0; k < ns; k++)
				df += terms_has(&sv[k].terms, q.v[j], strlen(q.v[j]));
			score += log(1.0 + (double)ns / (double)df);
			matched++;
		}
		/* Favour covering more of the question, better-ranked passages, and not-too-long
		 * sentences. */
		score *= (1.0 + (double)matched / (double)(q.n ? q.n : 1));
		score /= 1.0 + 0.15 * (sv[i].source - 1);
		score /= 1.0 + (double)sv[i].terms.n / 80.0;
		sv[i].score = score;
		if (score > best)
			best = score;
	}

	struct buf out = {0};
	int picked = 0;
	while (best > 0 && picked < max_sentences) {
		struct sentence *top = NULL;
		for (size_t i = 0; i < ns; i++) {
			if (sv[i].picked || sv[i].score <= 0 || sv[i].score < 0.35 * best)
				continue;
			bool dup = false;
			for (size_t k = 0; k < ns && !dup; k++)
				dup = sv[k].picked && overlap(&sv[i].terms, &sv[k].terms) >= 0.5;
			if (!dup && (!top || sv[i].score > top->score))
				top = &sv[i];
		}
		if (!top)
			break;
		top->picked = true;
		add_sentence(&out, top);
		picked++;
	}

	for (size_t i = 0; i < ns; i++)
		terms_free(&sv[i].terms);
	free(sv);
	terms_free(&q);
	idx_tokenizer_free(tok);
	if (!picked) {
		buf_free(&out);
		return NULL;
	}
	return buf_detach(&out);
}
