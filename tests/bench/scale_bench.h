/* scale_bench.h - what scale_bench.c shares with scale_incr.c (the incremental syncs and the
 * fresh list): the bench embedder, the corpus and index paths, one search. */
#ifndef FN_SCALE_BENCH_H
#define FN_SCALE_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index/idx.h"
#include "tests/bench/scale_gen.h"

struct hashent {
	uint64_t hash, n;
};
struct synth {
	struct hashent *map; /* sorted by hash: indexing */
	size_t nmap, capmap;
	const float *qvec;   /* the next query's vector: searching */
};
extern struct synth synth_ctx;
extern const struct idx_embedder synth_emb;
int cmp_hash(const void *a, const void *b);

extern char *dir, *docdir, *ixdir; /* the cache, its corpus and its index */
extern size_t nchunks;
extern bool no_ivf;

int search_one(idx *ix, const struct query *q, enum idx_mode mode, size_t cap, struct idx_hits *h);
/* Adding and removing a file of 1,000 chunks with the IVF and without, the fresh list, then
 * store_check (scale_incr.c). */
void incremental(const struct query *q, size_t nq);

#endif
