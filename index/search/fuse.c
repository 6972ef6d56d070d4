/* fuse.c - weighted reciprocal rank fusion (fuse.h). */
#include "index/search/fuse.h"

#include <stdlib.h>

#include "base/hmap.h"
#include "base/xmalloc.h"

static int cmp_fused(const void *a, const void *b)
{
	const struct fused *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->id > y->id) - (x->id < y->id);
}

void fuse_rrf(const struct scored *lex, size_t nlex, double wlex, const struct scored *vec,
	      size_t nvec, double wvec, int rrf_k, struct fused **out, size_t *nout)
{
	struct fused *f = xmalloc((nlex + nvec + 1) * sizeof *f);
	size_t n = 0;
	struct u64map m = {0};
	for (int list = 0; list < 2; list++) {
		const struct scored *s = list ? vec : lex;
		size_t ns = list ? nvec : nlex;
		double w = list ? wvec : wlex;
		for (size_t r = 0; r < ns; r++) {
			int isnew;
			size_t *slot = u64map_put(&m, s[r].id, &isnew);
			if (isnew) {
				*slot = n;
				f[n++] = (struct fused){s[r].id, 0, 0, 0};
			}
			struct fused *x = &f[*slot];
			x->score += w / ((double)rrf_k + (double)(r + 1));
			if (list)
				x->rank_vec = r + 1;
			else
				x->rank_lex = r + 1;
		}
	}
	u64map_free(&m);
	qsort(f, n, sizeof *f, cmp_fused);
	*out = f;
	*nout = n;
}
