/* vector.h - int8 vectors in LMDB blocks and exact search by a sequential scan (internal).
 *
 * Each `vec` value holds STORE_BLOCK slots: a float scale per slot and dim int8 codes per
 * slot (code = round(x / scale), scale = max|x| / 127; a scale of 0 marks an empty slot).
 * Chunk id i lives in block i / STORE_BLOCK, slot i % STORE_BLOCK, like cinfo. A search
 * quantises the query the same way and ranks by scale_q * scale_d * sum(q_i * d_i), an
 * estimate of the cosine (the vectors are L2-normalised). The scan reads the mapped values
 * in place, split over up to ix->ncpu threads.
 *
 * Approximate search (index 1M vectors in well under 50 ms without loading anything at
 * open). The exact scan reads dim bytes per vector (384 MB at 1M x 384) and is bound by
 * memory bandwidth (~75 ms on 2 cores). A graph index (HNSW) would be faster per query but
 * costs ~20 min to build at 1M, random page faults on a cold open, and a second structure
 * to keep in step with deletes inside one LMDB txn. Instead each vec block has a twin in
 * `vbits`: one sign bit per dimension (dim / 8 bytes per vector, 48 at 384: 8x less to
 * read) plus a per-vector factor, laid out contiguously like the int8 codes so the scan is
 * sequential and zero-copy. The estimate is asymmetric (RaBitQ-like): the query keeps 4
 * bits per dimension as bit planes, so sum(q_i * sign(d_i)) costs 4 AND+popcount per word,
 * and is corrected by fac = |d| / sum|d_i| (the cosine between d and its sign vector), so
 * est = fac * sum(q_i * sign(d_i)) ~ <q, d> up to a per-query constant. The best
 * VEC_APPROX_CAND candidates by est are rescored with the exact int8 dot product and the top
 * k returned. Below VEC_APPROX_MIN vectors the exact scan is fast enough and is used.
 * Codes are never edited in place: whenever a vec block is written, its vbits block is
 * recomputed from it in the same txn (vbits_update), so deletes and updates cannot leave
 * the two apart, and store_check compares them. */
#ifndef FN_VECTOR_H
#define FN_VECTOR_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "index/search/search.h"
#include "index/search/topk.h"
#include "index/store/store.h"

/* Quantises x[dim] into codes (values -127..127); returns the scale (never 0). */
float vec_quantize(const float *x, int dim, int8_t *codes);
/* L2-normalises x in place; returns -1 when it has a NaN or infinity. */
int vec_normalize(float *x, int dim);
/* Writes / clears chunk id's vector in a staged vec block (stage size vec_block_size(dim)). */
void vec_set(struct stage *s, MDB_txn *txn, uint64_t id, const float *x, int dim);
void vec_clear(struct stage *s, MDB_txn *txn, uint64_t id, int dim);
/* True when chunk id has a vector (read-only lookup in txn). */
int vec_has(MDB_txn *txn, idx *ix, uint64_t id, int dim);
/* Exact top-k by the int8 dot product, only chunks whose collection f allows. */
int vec_search(MDB_txn *txn, idx *ix, const float *q, int dim, const struct sfilter *f,
	       size_t k, struct scored **out, size_t *nout);
/* The exact and the approximate paths (vec_search picks one by size). */
int vec_search_exact(MDB_txn *txn, idx *ix, const float *q, int dim, const struct sfilter *f,
		     size_t k, struct scored **out, size_t *nout);
int vec_search_approx(MDB_txn *txn, idx *ix, const float *q, int dim, const struct sfilter *f,
		      size_t k, struct scored **out, size_t *nout);
/* Tuning hook for tests and the benchmark: the approximate path from min_vectors vectors
 * on (SIZE_MAX: never), rescoring cand candidates; 0 keeps a setting. Not thread-safe. */
void vec_set_approx(size_t min_vectors, size_t cand);

/* vbits value: header with a factor per slot (0 = empty), then STORE_BLOCK * words u64. */
struct vbits_hdr {
	uint32_t nlive;
	uint32_t dim;
	float fac[STORE_BLOCK];
};
static inline size_t vbits_words(int dim)
{
	return ((size_t)dim + 63) / 64;
}
static inline size_t vbits_block_size(int dim)
{
	return sizeof(struct vbits_hdr) + (size_t)STORE_BLOCK * vbits_words(dim) * 8;
}
/* Recomputes the codes of every block staged in vec (after stage_flush, same txn). */
int vbits_update(MDB_txn *txn, idx *ix, const struct stage *vec, int dim);
/* Drops and rebuilds every code from the vec blocks, then sets meta "vbits" = 1. */
int vbits_rebuild(MDB_txn *txn, idx *ix, int dim);
/* True when search may use the codes (they exist and are complete for this dim). */
int vbits_ready(MDB_txn *txn, idx *ix);
/* Checks every vbits block against its vec block; 0, or IDX_ECORRUPT with the reason. */
int vbits_check(MDB_txn *txn, idx *ix, int dim, char *err, size_t errlen);
/* int8 dot product (exposed for the tests and the benchmark). */
int32_t vec_dot_i8(const int8_t *a, const int8_t *b, int dim);
/* out[v] = <q, codes + v * dim> for v < n (AVX2 when the CPU has it). */
void vec_dots(const int8_t *q, const int8_t *codes, int dim, size_t n, int32_t *out);
/* The negative-sign bits of an int8 vector (bit i: x[i] < 0) into nw words (ivf_train.c's
 * route compares them by Hamming distance). */
void vec_sign_words(const int8_t *x, int dim, size_t nw, uint64_t *w);
/* Runs run(items[t]) for t < n (items of `size` bytes), item 0 on this thread. */
void vec_fan_out(void *(*run)(void *), void *items, size_t size, size_t n);
/* The query as 4-bit planes for the sign-code estimate; free plane when done. */
struct qbits {
	uint64_t *plane; /* 4 x nw words */
	size_t nw;
	int32_t usum;
};
void qbits_make(const float *q, int dim, struct qbits *qb);
/* sum(q_i * sign(d_i)) for one code d (qbits planes); nw is a constant at each call, so
 * the loops unroll into straight popcounts. */
static inline __attribute__((always_inline)) int32_t qbits_dot(const uint64_t *plane, size_t nw,
							       int32_t usum, const uint64_t *d)
{
	int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	for (size_t t = 0; t < nw; t++) {
		s0 += __builtin_popcountll(plane[t] & d[t]);
		s1 += __builtin_popcountll(plane[nw + t] & d[t]);
		s2 += __builtin_popcountll(plane[2 * nw + t] & d[t]);
		s3 += __builtin_popcountll(plane[3 * nw + t] & d[t]);
	}
	return 2 * (s0 + 2 * s1 + 4 * s2 - 8 * s3) - usum;
}
/* out[j] = fac[j] * sum(q_i * sign(d_i)) for the n codes at words (nw words each). */
void vbits_est(const struct qbits *qb, const float *fac, const uint64_t *words, size_t n, float *out);
/* Scores the candidates (any order; sorted here) exactly with the int8 codes into top;
 * prefetch: first ask the kernel for every page they need (a cold page cache). */
int vec_rescore(MDB_txn *txn, idx *ix, const float *qf, int dim, struct scored *cand, size_t n,
		struct topk *top, int prefetch);

/* Chunk id's vector, dequantised into out[dim]; -1 when it has none. */
int vec_get(MDB_txn *txn, idx *ix, uint64_t id, int dim, float *out);

#endif
