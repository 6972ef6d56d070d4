/* hnsw_shim.h - the C face of hnswlib (Debian libhnswlib-dev) for the vector benchmark.
 * Inner-product space over L2-normalised float vectors (distance 1 - dot), labels are the
 * caller's ids. Bench only: footnote itself never links this. Errors are printed on stderr.
 * One thread at a time per handle, except that hnsw_add spreads its batch over threads. */
#ifndef FN_HNSW_SHIM_H
#define FN_HNSW_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hnsw;
/* A new empty index for up to max vectors of dim floats; NULL on failure. */
struct hnsw *hnsw_new(int dim, size_t max, int M, int ef_construction);
/* Loads an index saved by hnsw_save; NULL when the file is missing or unreadable. */
struct hnsw *hnsw_load(const char *path, int dim);
/* Returns 0, or -1 when the file could not be written. */
int hnsw_save(struct hnsw *h, const char *path);
/* Adds v[n * dim] with labels first_label, first_label + 1, ... using `threads` threads.
 * Returns 0 or -1. */
int hnsw_add(struct hnsw *h, const float *v, size_t n, uint64_t first_label, int threads);
void hnsw_set_ef(struct hnsw *h, size_t ef);
/* Writes up to k labels, best first; returns how many. */
size_t hnsw_search(struct hnsw *h, const float *q, size_t k, uint64_t *labels);
size_t hnsw_count(const struct hnsw *h);
void hnsw_free(struct hnsw *h);

#ifdef __cplusplus
}
#endif

#endif
