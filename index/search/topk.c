/* topk.c - the bounded top-k heap of topk.h. */
#include "index/search/topk.h"

#include <stdlib.h>

#include "base/xmalloc.h"

static int worse(const struct scored *a, const struct scored *b)
{
	return a->score < b->score || (a->score == b->score && a->id > b->id);
}

void topk_init(struct topk *t, size_t k)
{
	t->k = k ? k : 1;
	t->n = 0;
	t->v = xmalloc(t->k * sizeof *t->v);
}

static void sift_down(struct topk *t, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < t->n && worse(&t->v[l], &t->v[m]))
			m = l;
		if (r < t->n && worse(&t->v[r], &t->v[m]))
			m = r;
		if (m == i)
			return;
		struct scored x = t->v[i];
		t->v[i] = t->v[m];
		t->v[m] = x;
		i = m;
	}
}

void topk_push(struct topk *t, uint64_t id, double score)
{
	struct scored s = {id, score};
	if (t->n < t->k) {
		size_t i = t->n++;
		t->v[i] = s;
		while (i && worse(&t->v[i], &t->v[(i - 1) / 2])) {
			struct scored x = t->v[i];
			t->v[i] = t->v[(i - 1) / 2];
			t->v[(i - 1) / 2] = x;
			i = (i - 1) / 2;
		}
		return;
	}
	if (!worse(&t->v[0], &s))
		return;
	t->v[0] = s;
	sift_down(t, 0);
}

static int cmp_best(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
}

void topk_sort(struct topk *t)
{
	qsort(t->v, t->n, sizeof *t->v, cmp_best);
}

void topk_free(struct topk *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
