/* search.h - pieces shared by the lexical and vector retrievers and the fusion step
 * (internal to index/). Pure helpers; any thread. */
#ifndef FN_SEARCH_H
#define FN_SEARCH_H

#include <stddef.h>
#include <stdint.h>

/* Which collections a query may see: a bit per collection id; allow == NULL means all. */
struct sfilter {
	const unsigned char *allow;
};
static inline int sfilter_ok(const struct sfilter *f, uint16_t coll)
{
	return !f->allow || (f->allow[coll >> 3] >> (coll & 7) & 1);
}

struct scored {
	uint64_t id;
	double score;
};

/* A bounded min-heap keeping the k best (highest score; ties: lower id wins). */
struct topk {
	struct scored *v;
	size_t n, k;
};
void topk_init(struct topk *t, size_t k);
void topk_push(struct topk *t, uint64_t id, double score);
/* Sorts best first; the array stays owned by t (topk_free). */
void topk_sort(struct topk *t);
void topk_free(struct topk *t);

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

/* A one-line excerpt of text (about width characters) around the densest cluster of the
 * query's terms, whitespace collapsed, "…" where cut. Caller frees. */
struct tokenizer;
char *snippet_make(struct tokenizer *t, const char *text, size_t len, const char *query,
		   size_t width);

#endif
