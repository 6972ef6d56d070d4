/* hl.c - search matches and question terms (see hl.h). */
#include "ui/render/hl.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "index/idx.h"

size_t hl_find(const char *hay, size_t len, const char *needle, size_t nlen, size_t from)
{
	if (!nlen || nlen > len)
		return SIZE_MAX;
	for (size_t i = from; i + nlen <= len; i++) {
		size_t j = 0;
		while (j < nlen && tolower((unsigned char)hay[i + j]) == tolower((unsigned char)needle[j]))
			j++;
		if (j == nlen)
			return i;
	}
	return SIZE_MAX;
}

struct hl_terms {
	struct idx_tokenizer *tok;
	char **v;
	size_t n, cap;
};

static int add_term(void *ctx, const char *term, size_t len, bool stopword)
{
	struct hl_terms *t = ctx;
	if (stopword || len < 2)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (strlen(t->v[i]) == len && !memcmp(t->v[i], term, len))
			return 0;
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
	t->v[t->n++] = xstrndup(term, len);
	return 0;
}

struct hl_terms *hl_terms_new(const char *question, const char *language)
{
	struct hl_terms *t = xcalloc(1, sizeof *t);
	t->tok = idx_tokenizer_new(language);
	if (!t->tok)
		t->tok = idx_tokenizer_new(NULL);
	if (t->tok && question)
		idx_tokenize(t->tok, question, strlen(question), add_term, t);
	return t;
}

void hl_terms_free(struct hl_terms *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	if (t->tok)
		idx_tokenizer_free(t->tok);
	free(t);
}

struct hit {
	const struct hl_terms *t;
	bool found;
};

static int is_term(void *ctx, const char *term, size_t len, bool stopword)
{
	struct hit *h = ctx;
	if (stopword)
		return 0;
	for (size_t i = 0; i < h->t->n; i++)
		if (strlen(h->t->v[i]) == len && !memcmp(h->t->v[i], term, len)) {
			h->found = true;
			return 1;
		}
	return 0;
}

static void add(struct span **v, size_t *n, size_t *cap, size_t start, size_t len, int slot)
{
	if (!len)
		return;
	if (*n && (*v)[*n - 1].slot == slot) {
		(*v)[*n - 1].len += len;
		return;
	}
	*v = xgrow(*v, cap, *n + 1, sizeof **v);
	(*v)[(*n)++] = (struct span){start, len, slot};
}

static bool word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

size_t hl_term_spans(const struct hl_terms *t, const char *text, size_t len, int base_slot,
		     int match_slot, struct span **out)
{
	size_t n = 0, cap = 0;
	*out = NULL;
	size_t i = 0;
	while (i < len) {
		size_t s = i;
		while (i < len && !word_byte((unsigned char)text[i]))
			i++;
		add(out, &n, &cap, s, i - s, base_slot);
		size_t w = i;
		while (i < len && word_byte((unsigned char)text[i]))
			i++;
		if (i == w)
			continue;
		struct hit h = {t, false};
		if (t->tok && t->n)
			idx_tokenize(t->tok, text + w, i - w, is_term, &h);
		add(out, &n, &cap, w, i - w, h.found ? match_slot : base_slot);
	}
	return n;
}
