/* history.c - the earlier turns a request carries (see history.h). */
#include "core/answer/history.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/answer/cite.h"
#include "core/answer/prompt.h"

/* Per message: the role and the wrapping a chat template adds. */
enum { MSG_OVERHEAD = 4 };

static bool counts(const struct history_turn *t)
{
	return t->question && *t->question && t->answer && *t->answer;
}

static bool same_question(const struct history_turn *a, const struct history_turn *b)
{
	return a->question && b->question && !strcmp(a->question, b->question);
}

/* Whether v[i] stands for its question: of a run of turns with one question (a /compare),
 * the asking profile's, else the first that counts. */
static bool stands(const struct history_turn *v, size_t n, size_t i, const char *profile)
{
	if (!counts(&v[i]))
		return false;
	size_t a = i, b = i + 1;
	while (a > 0 && same_question(&v[a - 1], &v[i]))
		a--;
	while (b < n && same_question(&v[b], &v[i]))
		b++;
	if (b - a == 1)
		return true;
	for (size_t j = a; j < b && profile; j++)
		if (counts(&v[j]) && v[j].profile && !strcmp(v[j].profile, profile))
			return j == i;
	for (size_t j = a; j < b; j++)
		if (counts(&v[j]))
			return j == i;
	return false;
}

char *history_strip_markers(const char *answer)
{
	/* The marker parser's own idea of a marker: code keeps its brackets. */
	struct cite_segs segs;
	size_t len = strlen(answer);
	cite_parse(answer, len, 0, true, &segs);
	struct buf b = {0};
	for (size_t i = 0; i < segs.n; i++) {
		const struct cite_seg *g = &segs.v[i];
		if (g->kind != CITE_MARKER) {
			buf_add(&b, answer + g->start, g->len);
			continue;
		}
		/* "here [1]." -> "here." : the space before the marker goes too. */
		while (b.len && b.p[b.len - 1] == ' ')
			b.len--;
	}
	cite_segs_free(&segs);
	return buf_detach(&b);
}

void history_from(const struct history_turn *v, size_t n, const char *profile, int max_tokens,
		  struct history *out)
{
	memset(out, 0, sizeof *out);
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += stands(v, n, i, profile);
	if (!total)
		return;
	/* Newest first: cost each turn and stop once the budget is spent, so a long
	 * conversation costs only what can be sent. */
	struct history_entry *rev = xcalloc(total, sizeof *rev);
	size_t got = 0;
	long long spent = 0;
	for (size_t i = n; i-- > 0 && got < total;) {
		if (!stands(v, n, i, profile))
			continue;
		int cost = prompt_estimate_tokens(v[i].question, strlen(v[i].question)) +
			   prompt_estimate_tokens(v[i].answer, strlen(v[i].answer)) + 2 * MSG_OVERHEAD;
		if (max_tokens > 0 && spent + cost > max_tokens)
			break;
		spent += cost;
		rev[got].question = xstrdup(v[i].question);
		rev[got].answer = history_strip_markers(v[i].answer);
		rev[got].tokens = cost;
		got++;
	}
	out->n = got;
	out->older = total - got;
	out->v = xcalloc(got ? got : 1, sizeof *out->v);
	for (size_t i = 0; i < got; i++)
		out->v[i] = rev[got - 1 - i];
	free(rev);
}

void history_free(struct history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].question);
		free(h->v[i].answer);
	}
	free(h->v);
	memset(h, 0, sizeof *h);
}

char *history_search_context(const struct history *h, size_t turns)
{
	if (!h || !h->n || !turns)
		return NULL;
	size_t from = h->n > turns ? h->n - turns : 0;
	struct buf b = {0};
	for (size_t i = from; i < h->n; i++)
		buf_addf(&b, "%s\n", h->v[i].question);
	return buf_detach(&b);
}
