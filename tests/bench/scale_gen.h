/* scale_gen.h - scale_bench's deterministic synthetic corpus: Zipf text over a synthetic
 * vocabulary whose 40 most frequent words are English stopwords, and 384-dimensional
 * vectors around NCENT centroids with noise in a RANK-dimensional subspace (scale_bench.c
 * says more). */
#ifndef FN_SCALE_GEN_H
#define FN_SCALE_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

#define DIM 384
#define PER_FILE 1000
#define VOCAB 30000
#define NSTOP 40
#define NCENT 1000
#define RANK 32
#define GEN "v1" /* bump when the generator changes: the cache key */
#define SEED 0x5EEDF007ull

extern char *vocab[VOCAB];
void gen_init(void);
/* Chunk n's paragraph (no heading, no final newline) into out; its word ranks into
 * ranks[] (room for 128) when not NULL. Returns the number of words. */
int text_of(uint64_t n, struct buf *out, int *ranks);
/* A point near c: c + lowrank * (subspace noise) + full * (noise), normalised. */
void near(uint64_t *s, const float *c, float *x, double lowrank, double full);
/* Chunk n's vector. */
void vec_of(uint64_t n, float *x);

/* A query: four words of a random chunk, with that chunk's vector plus noise. */
struct query {
	uint64_t target;
	char text[128];
	float vec[DIM];
};
struct query *gen_queries(size_t nchunks, size_t nq);
void save_queries(const char *path, const struct query *q, size_t n);
struct query *load_queries(const char *path, size_t *n);

#endif
