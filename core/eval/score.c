/* score.c - an answer against its reference (see score.h). */
#include "core/eval/score.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"

struct toks {
	char **v;
	size_t n;
};

static bool is_article(const char *w, size_t n)
{
	return (n == 1 && w[0] == 'a') || (n == 2 && !memcmp(w, "an", 2)) || (n == 3 && !memcmp(w, "the", 3));
}

static bool is_punct(unsigned char c)
{
	return c < 0x80 && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
	       c != ' ' && c != '\t' && c != '\n' && c != '\r';
}

/* A citation marker at p: "[" digits, commas, dashes and spaces "]". Its length, or 0. */
static size_t marker_len(const char *p)
{
	if (*p != '[')
		return 0;
	size_t n = 1 + strspn(p + 1, "0123456789, -");
	return p[n] == ']' && n > 1 ? n + 1 : 0;
}

/* SQuAD's normalize_answer, split into tokens. */
static void tokens(const char *s, struct toks *t)
{
	struct buf b = {0};
	for (const char *p = s; *p;) {
		size_t m = marker_len(p);
		if (m) {
			buf_addc(&b, ' ');
			p += m;
			continue;
		}
		unsigned char c = (unsigned char)*p++;
		if (is_punct(c))
			continue; /* SQuAD removes punctuation without a space */
		buf_addc(&b, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : (char)c);
	}
	t->v = NULL;
	t->n = 0;
	size_t cap = 0;
	const char *p = buf_str(&b);
	while (*p) {
		p += strspn(p, " \t\r\n");
		size_t n = strcspn(p, " \t\r\n");
		if (n && !is_article(p, n)) {
			t->v = xgrow(t->v, &cap, t->n + 1, sizeof *t->v);
			t->v[t->n++] = xstrndup(p, n);
		}
		p += n;
	}
	buf_free(&b);
}

static void toks_free(struct toks *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
}

double score_f1(const char *answer, const char *reference)
{
	struct toks a, r;
	tokens(answer, &a);
	tokens(reference, &r);
	double f1;
	if (!a.n || !r.n) {
		f1 = a.n == r.n;
	} else {
		bool *used = xcalloc(r.n, sizeof *used);
		size_t common = 0;
		for (size_t i = 0; i < a.n; i++)
			for (size_t j = 0; j < r.n; j++)
				if (!used[j] && !strcmp(a.v[i], r.v[j])) {
					used[j] = true;
					common++;
					break;
				}
		free(used);
		double p = (double)common / (double)a.n, rc = (double)common / (double)r.n;
		f1 = common ? 2 * p * rc / (p + rc) : 0;
	}
	toks_free(&a);
	toks_free(&r);
	return f1;
}

double score_contains(const char *answer, const char *reference)
{
	struct toks a, r;
	tokens(answer, &a);
	tokens(reference, &r);
	bool found = false;
	for (size_t i = 0; r.n && !found && i + r.n <= a.n; i++) {
		size_t j = 0;
		while (j < r.n && !strcmp(a.v[i + j], r.v[j]))
			j++;
		found = j == r.n;
	}
	toks_free(&a);
	toks_free(&r);
	return found;
}

const char *score_judge_rubric(void)
{
	return "You grade an answer against a reference answer. Reply with one word first: CORRECT "
	       "when the answer states what the reference states (other words are fine, extra "
	       "correct detail is fine), PARTIAL when it states part of it and nothing false, "
	       "INCORRECT when it misses it, contradicts it or declines. Then one short sentence "
	       "saying why.";
}

char *score_judge_prompt(const char *question, const char *reference, const char *answer)
{
	return xasprintf("Question: %s\nReference answer: %s\nCandidate answer: %s\n", question, reference,
			 answer);
}

double score_judge_verdict(const char *reply, const char **verdict)
{
	static const struct {
		const char *word, *name;
		double score;
	} words[] = {{"INCORRECT", "incorrect", 0}, {"CORRECT", "correct", 1}, {"PARTIAL", "partial", 0.5}};
	const char *p = reply ? reply : "";
	p += strspn(p, " \t\r\n*_\"'`");
	for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
		size_t n = strlen(words[i].word);
		bool match = true;
		for (size_t k = 0; k < n && match; k++) {
			char c = p[k];
			match = (c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c) == words[i].word[k];
		}
		char next = p[n];
		if (match && !(next >= 'a' && next <= 'z') && !(next >= 'A' && next <= 'Z')) {
			*verdict = words[i].name;
			return words[i].score;
		}
	}
	*verdict = "unreadable";
	return -1;
}
