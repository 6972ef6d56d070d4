/* passage.c - where in a passage a cited sentence is (see passage.h). */
#include "ui/render/passage.h"

#include <stdbool.h>
#include <string.h>

#include "core/answer/verify.h"
#include "index/idx.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Does a piece end after p[i]? As verification splits a passage into sentences. */
static bool piece_ends(const char *p, size_t i, size_t len)
{
	char c = p[i];
	return c == '\n' || ((c == '.' || c == '!' || c == '?') && (i + 1 == len || blank(p[i + 1])));
}

static size_t line_start(const char *p, size_t at)
{
	while (at > 0 && p[at - 1] != '\n')
		at--;
	return at;
}

/* A line that starts something of its own: a heading, a list item, a quote, a table row. */
static bool starts_block(const char *p, size_t at, size_t end)
{
	while (at < end && (p[at] == ' ' || p[at] == '\t'))
		at++;
	if (at == end)
		return true; /* blank */
	char c = p[at];
	if (c == '#' || c == '>' || c == '|' || ((c == '-' || c == '*' || c == '+') && at + 1 < end && p[at + 1] == ' '))
		return true;
	size_t d = at;
	while (d < end && p[d] >= '0' && p[d] <= '9')
		d++;
	return d > at && d < end && (p[d] == '.' || p[d] == ')');
}

static size_t lines_before(const char *p, size_t at)
{
	size_t n = 0;
	for (size_t i = 0; i < at; i++)
		n += p[i] == '\n';
	return n;
}

size_t passage_line(const char *passage, size_t plen, const char *claim, size_t clen, const char *language)
{
	struct idx_tokenizer *tok = idx_tokenizer_new(language);
	if (!tok)
		tok = idx_tokenizer_new(NULL);
	if (!tok || !plen || !clen) {
		if (tok)
			idx_tokenizer_free(tok);
		return 0;
	}
	double best = 0;
	size_t best_at = 0;
	for (size_t a = 0, i = 0; i < plen; i++) {
		if (i + 1 < plen && !piece_ends(passage, i, plen))
			continue;
		while (a <= i && blank(passage[a]))
			a++;
		if (a <= i) {
			double s = verify_support(tok, claim, clen, passage + a, i + 1 - a);
			if (s > best) {
				best = s;
				best_at = a;
			}
		}
		a = i + 1;
	}
	if (best <= 0) {
		idx_tokenizer_free(tok);
		return 0;
	}
	/* A wrapped sentence: while the best piece opens its line, the line above does not end
	 * a sentence, starts nothing of its own and shares words with the claim, the sentence
	 * began there. */
	size_t at = line_start(passage, best_at);
	bool opens = true;
	for (size_t i = at; i < best_at; i++)
		opens = opens && blank(passage[i]);
	while (opens && at > 0 && !starts_block(passage, at, plen)) {
		size_t prev = line_start(passage, at - 1), e = at - 1;
		while (e > prev && blank(passage[e - 1]))
			e--;
		if (e == prev || strchr(".!?:", passage[e - 1]) || (starts_block(passage, prev, e) && passage[prev] == '#') ||
		    verify_support(tok, claim, clen, passage + prev, e - prev) <= 0)
			break;
		at = prev;
		if (starts_block(passage, prev, e))
			break; /* a list item's first line: it begins here */
	}
	idx_tokenizer_free(tok);
	return lines_before(passage, at);
}
