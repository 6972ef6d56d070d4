/* ivf.h - an inverted file (IVF) over the int8 vectors, so a search reads a few lists
 * instead of every sign code (internal to index/).
 *
 * Training: spherical k-means (int8 assignment, float means) on an evenly spaced sample of
 * the vectors; nlist = sqrt(n) centroids (16..4096), stored int8 with a scale each in
 * ivfc "c". Every vector is in exactly one list: its nearest centroid's by the int8 dot
 * product, found through a route (ivf_train.c: the centroids nearest in sign bits, then
 * exact products for those), or the fresh list (below). ivfl holds each list as segments
 * of one page (ids, sign-code factors, sign codes: a copy of the vector's vbits entry),
 * ivfa records per vec block slot the list and a hash of the sign code, and ivfc "n" the
 * count of each list. Search scores the centroids, scans the nprobe best lists and the
 * fresh list with the sign-code estimate (vector.h), and rescores the best cand candidates
 * exactly with the int8 codes.
 *
 * nprobe is measured at training (ivf_tune): 64 of the index's own vectors, evenly spaced,
 * are searched exactly, and nprobe is the number of lists, taken in each query's order,
 * that hold 97% of their 10 nearest neighbours (at least 4 are probed), and cand the
 * number of candidates, ranked by sign-code estimate among those lists' members, that
 * holds 97% of the neighbours found there (at least 150, or 1.5 per hit). Lists that would
 * need more than a quarter of themselves probed save little: search then scans as before.
 * vec_search uses the IVF from 200,000 vectors on (below, the exact scan is as fast and
 * exact); it is trained from IVF_MIN vectors so that it is ready by then.
 *
 * Maintenance, in the write txn that writes the vec blocks (ivf_update, called from
 * vbits_update): a slot whose vector went away or whose sign code changed leaves its list
 * (swap with the list's last entry); a new vector joins the fresh list, list number nlist,
 * which has no centroid and which every search scans whole. When the fresh list holds 4
 * average lists' worth of vectors, that txn moves each of them into the list of its
 * nearest centroid: a batch of new vectors then rewrites the few pages at the fresh list's
 * end, not a page in every list it touches (one per vector: at 1M chunks a file of 1,000
 * touched 630 of the 1,000 lists), and a merge rewrites each list's end once for all of
 * them.
 * The centroids stay as they are until the lists drift: when the vector count reaches 2x
 * or falls to 1/2 of the count at training, the next sync's start or end (ivf_maintain)
 * re-trains and rebuilds every list in one txn; below IVF_MIN / 2 vectors it drops them and
 * search scans exactly. A crash between txns leaves the lists as the last commit left them,
 * in step with the vectors (a crash before a due training: the next sync trains). */
#ifndef FN_IVF_H
#define FN_IVF_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "index/search/search.h"
#include "index/search/topk.h"
#include "index/store/store.h"

#define IVF_MIN 100000 /* vectors before an IVF is trained (search uses it from 200,000) */

/* After vbits_update (vec and vbits blocks of `vec` written in txn): lists in step. */
int ivf_update(MDB_txn *txn, idx *ix, const struct stage *vec, int dim);
/* (Re-)trains when the IVF is missing but due, or has drifted (ivf_due); a sync calls it in
 * a txn of its own at its start and end (fill_backfill_vbits), so a first build of many
 * vectors trains once, on all of them. */
int ivf_maintain(MDB_txn *txn, idx *ix, int dim);
/* Trains and rebuilds every list from the vec and vbits blocks (drops the IVF when there
 * are fewer than the minimum vectors). */
int ivf_rebuild(MDB_txn *txn, idx *ix, int dim);
/* Drops the IVF (the embedder changed). */
int ivf_drop(MDB_txn *txn, idx *ix);
/* True when ivf_update would train (a read txn is enough): for a sync's backfill. */
int ivf_due(MDB_txn *txn, idx *ix, int dim);
/* True when the IVF exists for dim; *nvec = the vectors it holds. */
int ivf_ready(MDB_txn *txn, idx *ix, int dim, uint64_t *nvec);
/* Top-k through the IVF. 1 when it cannot answer (absent, or a filter left fewer than k):
 * the caller scans. */
int ivf_search(MDB_txn *txn, idx *ix, const float *q, int dim, const struct sfilter *f, size_t k,
	       struct scored **out, size_t *nout);
/* Every vector in exactly one list with its current sign code, counts right; 0, or
 * IDX_ECORRUPT with the reason. */
int ivf_check(MDB_txn *txn, idx *ix, int dim, char *err, size_t errlen);
/* Tuning hooks (tests, benchmark): train from min_vectors on (0 keeps the setting;
 * SIZE_MAX: never, and the next write drops the lists: a benchmark's "without"); probe
 * nprobe lists and rescore cand candidates (0: the defaults). Not thread-safe. */
void ivf_set_params(size_t min_vectors, size_t nprobe, size_t cand);
/* Disables (0) or enables (1) the IVF in vec_search only (lists are still maintained). */
void ivf_set_search(int on);

/* ---- the layout (ivf.c, ivf_check.c) ---- */
#define IVF_MAGIC 0x34465649u /* "IVF4": with the fresh list (an IVF3 index re-trains) */
#define IVF_PAGE 4064         /* a segment fits one 4 KiB overflow page */

/* ivfc "c": header, float scale[nlist], int8 codes[nlist * dim]. */
struct ivf_chdr {
	uint32_t magic, dim, nlist, cap;
	uint32_t nprobe, cand; /* from ivf_tune */
};
/* ivfc "n": header, uint32 count[nlist + 1] (the fresh list's last). */
struct ivf_nhdr {
	uint64_t total, trained;
	uint32_t nlist, pad;
};
/* ivfa value (stage-compatible: nlive first). list is list + 1 (nlist + 1: the fresh list);
 * 0 = in no list. */
struct ivfa_blk {
	uint32_t nlive, pad;
	struct {
		uint32_t list, hash;
	} s[STORE_BLOCK];
};
/* ivfl value: header, uint64 ids[cap], float fac[cap], uint64 words[cap * nw]. */
struct ivf_shdr {
	uint32_t n, list;
};

static inline size_t seg_cap(size_t nw)
{
	return ((IVF_PAGE - sizeof(struct ivf_shdr)) / (12 + 8 * nw)) & ~(size_t)1;
}
static inline size_t seg_size(size_t cap, size_t nw)
{
	return sizeof(struct ivf_shdr) + cap * (12 + 8 * nw);
}
static inline uint64_t *seg_ids(unsigned char *s)
{
	return (uint64_t *)(void *)(s + sizeof(struct ivf_shdr));
}
static inline float *seg_fac(unsigned char *s, size_t cap)
{
	return (float *)(void *)(s + sizeof(struct ivf_shdr) + cap * 8);
}
static inline uint64_t *seg_words(unsigned char *s, size_t cap)
{
	return (uint64_t *)(void *)(s + sizeof(struct ivf_shdr) + cap * 12);
}
static inline uint64_t seg_key(uint32_t list, uint32_t seg)
{
	return (uint64_t)list << 32 | seg;
}

/* The centroids of an IVF for dim (copies; ivf_cents_free); 0, or 1 when there is none. */
struct cents {
	uint32_t nlist, cap, nprobe, cand;
	float *scale;
	int8_t *codes;
};
int ivf_cents_load(MDB_txn *txn, idx *ix, int dim, struct cents *c);
void ivf_cents_free(struct cents *c);
/* The list counts (caller frees *count); 0, or 1 when absent or not for nlist lists. */
int ivf_counts_load(MDB_txn *txn, idx *ix, uint32_t nlist, struct ivf_nhdr *h, uint32_t **count);
uint32_t ivf_code_hash(float fac, const uint64_t *w, size_t nw);
int ivf_get_blk(MDB_txn *txn, MDB_dbi dbi, uint64_t blk, MDB_val *v);
/* The lists a search must probe so that they hold 97% of the exact 10 nearest neighbours
 * of 64 of the index's own vectors (an even sample); codes/scale/lab per vector. *cand:
 * the candidates the sign-code stage must keep so that 97% of those neighbours in the
 * probed lists are among them (at most 4,000). */
/* ---- training (ivf_train.c) ---- */
/* Spherical k-means on ns sample vectors into c (nlist centroids; c's arrays allocated). */
void ivf_train(const int8_t *const *sample, size_t ns, int dim, uint32_t nlist, int ncpu, struct cents *c);
/* out[i] = the list of codes[i] (through a route when there are many centroids). */
void ivf_assign(const struct cents *c, int dim, const int8_t *const *codes, size_t n, uint32_t *out, int ncpu);
/* The nearest centroid of x by the int8 dot product, over all of them (dots: c->nlist). */
uint32_t ivf_nearest(const struct cents *c, const int8_t *x, int dim, int32_t *dots);
/* A route to near centroids (ivf_train.c says how); NULL when c is small enough to search
 * exactly. ivf_place: x's list through r, or exactly when r is NULL (dots: room for
 * ivf_place_room). */
struct ivf_route;
struct ivf_route *ivf_route_new(const struct cents *c, int dim);
void ivf_route_free(struct ivf_route *r);
size_t ivf_place_room(const struct cents *c, int dim);
uint32_t ivf_place(const struct cents *c, const struct ivf_route *r, const int8_t *x, int dim, int32_t *dots);
/* ---- tuning (ivf_tune.c) ---- */
uint32_t ivf_tune(const struct cents *c, int dim, const int8_t *const *codes, const float *scale,
		  const uint32_t *lab, size_t n, int ncpu, uint32_t *cand);

#endif
