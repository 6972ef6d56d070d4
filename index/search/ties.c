/* ties.c - equal scores ordered by path, then position in the file (see ties.h). */
#include "index/search/ties.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "index/search/fuse.h"
#include "index/search/topk.h"
#include "index/store/store.h"

_Static_assert(offsetof(struct fused, id) == offsetof(struct scored, id) &&
	       offsetof(struct fused, score) == offsetof(struct scored, score),
	       "ties_order reads both as {id, score}");

struct key {
	char *path;          /* "" when the chunk cannot be read */
	uint64_t start, id;
	size_t at;           /* the element's place in the run */
};

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	if (c)
		return c;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static void element(const void *v, size_t size, size_t i, uint64_t *id, double *score)
{
	const struct scored *e = (const struct scored *)((const char *)v + i * size);
	*id = e->id;
	*score = e->score;
}

static void order_run(MDB_txn *txn, idx *ix, char *run, size_t n, size_t size)
{
	struct key *k = xcalloc(n, sizeof *k);
	for (size_t i = 0; i < n; i++) {
		double score;
		element(run, size, i, &k[i].id, &score);
		k[i].at = i;
		struct chunk_rec cr;
		char *path = NULL;
		if (chunk_get(txn, ix, k[i].id, &cr, NULL, NULL) == 0) {
			path = fid_path(txn, ix, cr.fid);
			k[i].start = cr.byte_start;
		}
		k[i].path = path ? path : xstrdup("");
	}
	qsort(k, n, sizeof *k, cmp_key);
	char *copy = xmalloc(n * size);
	memcpy(copy, run, n * size);
	for (size_t i = 0; i < n; i++) {
		memcpy(run + i * size, copy + k[i].at * size, size);
		free(k[i].path);
	}
	free(copy);
	free(k);
}

void ties_order(MDB_txn *txn, idx *ix, void *v, size_t n, size_t size)
{
	char *base = v;
	for (size_t i = 0; i < n;) {
		uint64_t id;
		double s, t;
		element(base, size, i, &id, &s);
		size_t j = i + 1;
		for (; j < n; j++) {
			element(base, size, j, &id, &t);
			if (t != s)
				break;
		}
		if (j - i > 1)
			order_run(txn, ix, base + i * size, j - i, size);
		i = j;
	}
}
