/* fuse.h - weighted reciprocal rank fusion of a lexical and a vector list (internal to
 * index/). Pure; any thread. */
#ifndef FN_FUSE_H
#define FN_FUSE_H

#include <stddef.h>

#include "index/search/topk.h"

/* Weighted reciprocal rank fusion: score(d) = sum over lists of w / (rrf_k + rank), rank
 * 1-based. Writes the union of ids best first into out (caller frees *out), with each
 * list's rank (0 = absent) when ranks are wanted. */
struct fused {
	uint64_t id;
	double score;
	size_t rank_lex, rank_vec;
};
void fuse_rrf(const struct scored *lex, size_t nlex, double wlex, const struct scored *vec,
	      size_t nvec, double wvec, int rrf_k, struct fused **out, size_t *nout);

#endif
