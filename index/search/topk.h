/* topk.h - a scored id, and a bounded min-heap keeping the k best (internal to index/). Pure;
 * any thread; the owner frees with topk_free. */
#ifndef FN_TOPK_H
#define FN_TOPK_H

#include <stddef.h>
#include <stdint.h>

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

#endif
