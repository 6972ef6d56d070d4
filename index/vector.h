/* vector.h - int8 vectors in LMDB blocks and exact search by a sequential scan (internal).
 *
 * Each `vec` value holds STORE_BLOCK slots: a float scale per slot and dim int8 codes per
 * slot (code = round(x / scale), scale = max|x| / 127; a scale of 0 marks an empty slot).
 * Chunk id i lives in block i / STORE_BLOCK, slot i % STORE_BLOCK, like cinfo. A search
 * quantises the query the same way and ranks by scale_q * scale_d * sum(q_i * d_i), an
 * estimate of the cosine (the vectors are L2-normalised). The scan reads the mapped values
 * in place, split over up to ix->ncpu threads. */
#ifndef FN_VECTOR_H
#define FN_VECTOR_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "search.h"
#include "store.h"

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
/* int8 dot product (exposed for the tests and the benchmark). */
int32_t vec_dot_i8(const int8_t *a, const int8_t *b, int dim);
/* Chunk id's vector, dequantised into out[dim]; -1 when it has none. */
int vec_get(MDB_txn *txn, idx *ix, uint64_t id, int dim, float *out);

#endif
