/* vector.c - int8 vector blocks and the scan (see vector.h). */
#include "index/search/vector.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "index/search/ivf.h"



void vec_set(struct stage *s, MDB_txn *txn, uint64_t id, const float *x, int dim)
{
	unsigned char *b = stage_get(s, txn, id / STORE_BLOCK);
	struct vec_hdr h;
	memcpy(&h, b, sizeof h);
	size_t slot = id % STORE_BLOCK;
	h.dim = (uint32_t)dim;
	float scale = vec_quantize(x, dim, (int8_t *)(b + sizeof h + slot * (size_t)dim));
	if (h.scale[slot] == 0)
		h.nlive++;
	h.scale[slot] = scale;
	memcpy(b, &h, sizeof h);
}

void vec_clear(struct stage *s, MDB_txn *txn, uint64_t id, int dim)
{
	unsigned char *b = stage_get(s, txn, id / STORE_BLOCK);
	struct vec_hdr h;
	memcpy(&h, b, sizeof h);
	size_t slot = id % STORE_BLOCK;
	if (h.scale[slot] != 0) {
		h.nlive--;
		h.scale[slot] = 0;
		memset(b + sizeof h + slot * (size_t)dim, 0, (size_t)dim);
	}
	memcpy(b, &h, sizeof h);
}

int vec_has(MDB_txn *txn, idx *ix, uint64_t id, int dim)
{
	unsigned char kb[8];
	be64_put(kb, id / STORE_BLOCK);
	MDB_val k = {8, kb}, v;
	if (mdb_get(txn, ix->vec, &k, &v) != 0 || v.mv_size != vec_block_size(dim))
		return 0;
	const struct vec_hdr *h = v.mv_data;
	return h->scale[id % STORE_BLOCK] != 0;
}



struct vblk {
	uint64_t blk;
	const unsigned char *vec;
	const struct cinfo_block *ci;
};

struct scan {
	const struct vblk *b;
	size_t nb;
	const int8_t *q;
	float qscale;
	int dim;
	const struct sfilter *f;
	struct topk top;
};

static void *scan_run(void *arg)
{
	struct scan *s = arg;
	int32_t dot[STORE_BLOCK];
	for (size_t i = 0; i < s->nb; i++) {
		const struct vblk *b = &s->b[i];
		const struct vec_hdr *h = (const struct vec_hdr *)b->vec;
		const int8_t *codes = (const int8_t *)(b->vec + sizeof *h);
		vec_dots(s->q, codes, s->dim, STORE_BLOCK, dot);
		for (size_t j = 0; j < STORE_BLOCK; j++) {
			float sc = h->scale[j];
			if (sc == 0)
				continue;
			if (sfilter_on(s->f) && (!b->ci || !b->ci->c[j].live || !sfilter_ok(s->f, b->ci->c[j].coll, b->ci->c[j].fid)))
				continue;
			topk_push(&s->top, b->blk * STORE_BLOCK + j, (double)(sc * s->qscale * (float)dot[j]));
		}
	}
	return NULL;
}

/* Every block of dbi (vectors or their sign codes) whose value is `want` bytes, with its
 * cinfo when the filter needs it. Caller frees *out. */
static int collect_blocks(MDB_txn *txn, idx *ix, MDB_dbi dbi, size_t want, const struct sfilter *f,
			  struct vblk **out, size_t *nout)
{
	struct vblk *bl = NULL;
	size_t nb = 0, cap = 0;
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, dbi, &c);
	if (rc)
		return rc;
	MDB_val kv, vv;
	for (rc = mdb_cursor_get(c, &kv, &vv, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &kv, &vv, MDB_NEXT)) {
		if (kv.mv_size != 8 || vv.mv_size != want)
			continue;
		bl = xgrow(bl, &cap, nb + 1, sizeof *bl);
		bl[nb] = (struct vblk){be64_get(kv.mv_data), vv.mv_data, NULL};
		if (sfilter_on(f)) {
			MDB_val ck = kv, cv;
			if (mdb_get(txn, ix->cinfo, &ck, &cv) == 0 && cv.mv_size == sizeof(struct cinfo_block))
				bl[nb].ci = cv.mv_data;
		}
		nb++;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND) {
		free(bl);
		return rc;
	}
	/* A cold scan reads every block: ask for them all at once. */
	if (nb && !store_resident(bl[0].vec, want))
		for (size_t i = 0; i < nb; i++)
			store_prefetch(bl[i].vec, want);
	*out = bl;
	*nout = nb;
	return 0;
}

/* How many threads scan nb blocks: below a few thousand vectors a thread costs more than
 * it saves. */
static size_t scan_threads(const idx *ix, size_t nb)
{
	size_t n = nb >= 16 ? (size_t)ix->ncpu : 1;
	return n > nb ? (nb ? nb : 1) : n;
}


int vec_search_exact(MDB_txn *txn, idx *ix, const float *qf, int dim, const struct sfilter *f,
		     size_t k, struct scored **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	int8_t *q = xmalloc((size_t)dim);
	float qscale = vec_quantize(qf, dim, q);
	struct vblk *bl = NULL;
	size_t nb = 0;
	int rc = collect_blocks(txn, ix, ix->vec, vec_block_size(dim), f, &bl, &nb);
	if (rc) {
		free(q);
		return rc;
	}
	size_t nthr = scan_threads(ix, nb);
	struct scan *sc = xcalloc(nthr, sizeof *sc);
	size_t per = (nb + nthr - 1) / nthr;
	for (size_t t = 0; t < nthr; t++) {
		size_t a = t * per, e = a + per < nb ? a + per : nb;
		sc[t] = (struct scan){bl + (a < nb ? a : nb), a < e ? e - a : 0, q, qscale, dim, f, {0}};
		topk_init(&sc[t].top, k);
	}
	vec_fan_out(scan_run, sc, sizeof *sc, nthr);
	for (size_t t = 1; t < nthr; t++) {
		for (size_t i = 0; i < sc[t].top.n; i++)
			topk_push(&sc[0].top, sc[t].top.v[i].id, sc[t].top.v[i].score);
		topk_free(&sc[t].top);
	}
	topk_sort(&sc[0].top);
	*out = sc[0].top.v;
	*nout = sc[0].top.n;
	free(sc);
	free(bl);
	free(q);
	return 0;
}

int vec_get(MDB_txn *txn, idx *ix, uint64_t id, int dim, float *out)
{
	unsigned char kb[8];
	be64_put(kb, id / STORE_BLOCK);
	MDB_val k = {8, kb}, v;
	if (mdb_get(txn, ix->vec, &k, &v) != 0 || v.mv_size != vec_block_size(dim))
		return -1;
	const struct vec_hdr *h = v.mv_data;
	float sc = h->scale[id % STORE_BLOCK];
	if (sc == 0)
		return -1;
	const int8_t *c = (const int8_t *)((const unsigned char *)v.mv_data + sizeof *h) + (id % STORE_BLOCK) * (size_t)dim;
	for (int i = 0; i < dim; i++)
		out[i] = sc * (float)c[i];
	return 0;
}

/* ---- sign codes and the approximate path ---- */

#define VEC_APPROX_MIN 200000 /* vectors; below this the exact scan takes a few ms */
#define VEC_APPROX_CAND 1000  /* candidates rescored exactly (recall, see the header) */


static size_t approx_min = VEC_APPROX_MIN, approx_cand = VEC_APPROX_CAND;

void vec_set_approx(size_t min_vectors, size_t cand)
{
	if (min_vectors)
		approx_min = min_vectors;
	if (cand)
		approx_cand = cand;
}

/* The codes of one vec block into out (vbits_block_size(dim) bytes). */
static void vbits_encode(const unsigned char *vec, int dim, unsigned char *out)
{
	struct vec_hdr vh;
	memcpy(&vh, vec, sizeof vh);
	struct vbits_hdr h = {0, (uint32_t)dim, {0}};
	size_t nw = vbits_words(dim);
	memset(out, 0, vbits_block_size(dim));
	unsigned char *words = out + sizeof h;
	for (size_t j = 0; j < STORE_BLOCK; j++) {
		if (vh.scale[j] == 0)
			continue;
		const int8_t *c = (const int8_t *)(vec + sizeof vh) + j * (size_t)dim;
		uint64_t w[64] = {0};
		double n2 = 0, l1 = 0;
		for (int i = 0; i < dim; i++) {
			if (c[i] > 0)
				w[i / 64] |= 1ull << (i % 64);
			n2 += (double)c[i] * c[i];
			l1 += abs(c[i]);
		}
		memcpy(words + j * nw * 8, w, nw * 8);
		h.fac[j] = l1 > 0 ? (float)(sqrt(n2) / l1) : 1e-30f;
		h.nlive++;
	}
	memcpy(out, &h, sizeof h);
}

static int vbits_put(MDB_txn *txn, idx *ix, uint64_t blk, const unsigned char *vec, int dim)
{
	unsigned char kb[8];
	be64_put(kb, blk);
	MDB_val k = {8, kb}, v = {vbits_block_size(dim), NULL};
	uint32_t nlive = 0;
	if (vec)
		memcpy(&nlive, vec, 4);
	if (!nlive) {
		int rc = mdb_del(txn, ix->vbits, &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	int rc = mdb_put(txn, ix->vbits, &k, &v, MDB_RESERVE);
	if (!rc)
		vbits_encode(vec, dim, v.mv_data);
	return rc;
}

int vbits_update(MDB_txn *txn, idx *ix, const struct stage *vec, int dim)
{
	int rc = 0;
	if (dim <= 0 || dim > 64 * 64)
		return 0;
	for (size_t i = 0; i < vec->n && !rc; i++)
		rc = vbits_put(txn, ix, vec->v[i].blk, vec->v[i].data, dim);
	return rc ? rc : ivf_update(txn, ix, vec, dim);
}

int vbits_rebuild(MDB_txn *txn, idx *ix, int dim)
{
	int rc = mdb_drop(txn, ix->vbits, 0);
	MDB_cursor *c;
	if (!rc && dim > 0 && dim <= 64 * 64 && !(rc = mdb_cursor_open(txn, ix->vec, &c))) {
		MDB_val k, v;
		size_t want = vec_block_size(dim);
		for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size != 8 || v.mv_size != want)
				continue;
			if ((rc = vbits_put(txn, ix, be64_get(k.mv_data), v.mv_data, dim)))
				break;
		}
		mdb_cursor_close(c);
		if (rc == MDB_NOTFOUND)
			rc = 0;
	}
	if (!rc)
		rc = meta_put_u64(txn, ix, "vbits", 1);
	return rc ? rc : ivf_rebuild(txn, ix, dim);
}


int vbits_check(MDB_txn *txn, idx *ix, int dim, char *err, size_t errlen)
{
	if (!vbits_ready(txn, ix) || dim <= 0 || dim > 64 * 64)
		return 0;
	size_t vsz = vec_block_size(dim), bsz = vbits_block_size(dim);
	unsigned char *want = xmalloc(bsz);
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, ix->vec, &c), bad = 0;
	MDB_val k, v;
	uint64_t nvec = 0, nbits = 0;
	for (rc = rc ? rc : mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 && !bad; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 8 || v.mv_size != vsz)
			continue;
		nvec++;
		MDB_val bk = k, bv;
		vbits_encode(v.mv_data, dim, want);
		if (mdb_get(txn, ix->vbits, &bk, &bv) != 0 || bv.mv_size != bsz || memcmp(bv.mv_data, want, bsz) != 0) {
			snprintf(err, errlen, "vector block %llu: its sign codes are missing or stale",
				 (unsigned long long)be64_get(k.mv_data));
			bad = 1;
		}
	}
	mdb_cursor_close(c);
	MDB_stat st;
	if (!bad && mdb_stat(txn, ix->vbits, &st) == 0)
		nbits = st.ms_entries;
	if (!bad && nbits != nvec) {
		snprintf(err, errlen, "%llu sign code blocks for %llu vector blocks", (unsigned long long)nbits,
			 (unsigned long long)nvec);
		bad = 1;
	}
	free(want);
	return bad ? IDX_ECORRUPT : 0;
}



struct ascan {
	const struct vblk *b; /* vec = the vbits block here */
	size_t nb;
	const struct qbits *qb;
	const struct sfilter *f;
	struct topk top;
};

static inline __attribute__((always_inline)) void ascan_block_n(struct ascan *s, const struct vblk *b, size_t nw)
{
	const struct vbits_hdr *h = (const struct vbits_hdr *)b->vec;
	const uint64_t *w = (const uint64_t *)(b->vec + sizeof *h);
	const uint64_t *plane = s->qb->plane;
	int32_t usum = s->qb->usum;
	for (size_t j = 0; j < STORE_BLOCK; j++) {
		float fac = h->fac[j];
		if (fac == 0)
			continue;
		if (sfilter_on(s->f) && (!b->ci || !b->ci->c[j].live || !sfilter_ok(s->f, b->ci->c[j].coll, b->ci->c[j].fid)))
			continue;
		double est = (double)fac * qbits_dot(plane, nw, usum, w + j * nw);
		if (s->top.n < s->top.k || est > s->top.v[0].score)
			topk_push(&s->top, b->blk * STORE_BLOCK + j, est);
	}
}

#if defined(__x86_64__)
#define POPCNT __attribute__((target("popcnt")))
#else
#define POPCNT
#endif

/* Common embedding sizes get a constant word count (384, 768, 1024, 1536 dims). */
POPCNT static void ascan_block(struct ascan *s, const struct vblk *b)
{
	switch (s->qb->nw) {
	case 6:
		ascan_block_n(s, b, 6);
		break;
	case 12:
		ascan_block_n(s, b, 12);
		break;
	case 16:
		ascan_block_n(s, b, 16);
		break;
	case 24:
		ascan_block_n(s, b, 24);
		break;
	default:
		ascan_block_n(s, b, s->qb->nw);
		break;
	}
}


static void *ascan_run(void *arg)
{
	struct ascan *s = arg;
	for (size_t i = 0; i < s->nb; i++)
		ascan_block(s, &s->b[i]);
	return NULL;
}


int vec_search_approx(MDB_txn *txn, idx *ix, const float *qf, int dim, const struct sfilter *f,
		      size_t k, struct scored **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (!vbits_ready(txn, ix) || dim <= 0 || dim > 64 * 64)
		return vec_search_exact(txn, ix, qf, dim, f, k, out, nout);
	struct vblk *bl = NULL;
	size_t nb = 0;
	int rc = collect_blocks(txn, ix, ix->vbits, vbits_block_size(dim), f, &bl, &nb);
	if (rc)
		return rc;
	struct qbits qb;
	qbits_make(qf, dim, &qb);
	size_t ncand = approx_cand > k ? approx_cand : k;
	size_t nthr = scan_threads(ix, nb);
	struct ascan *sc = xcalloc(nthr, sizeof *sc);
	size_t per = (nb + nthr - 1) / nthr;
	for (size_t t = 0; t < nthr; t++) {
		size_t a = t * per, e = a + per < nb ? a + per : nb;
		sc[t] = (struct ascan){bl + (a < nb ? a : nb), a < e ? e - a : 0, &qb, f, {0}};
		topk_init(&sc[t].top, ncand);
	}
	vec_fan_out(ascan_run, sc, sizeof *sc, nthr);
	/* Each thread's best ncand together hold the overall best ncand. */
	size_t total = 0;
	for (size_t t = 0; t < nthr; t++)
		total += sc[t].top.n;
	struct scored *cand = xmalloc((total + 1) * sizeof *cand);
	total = 0;
	for (size_t t = 0; t < nthr; t++) {
		memcpy(cand + total, sc[t].top.v, sc[t].top.n * sizeof *cand);
		total += sc[t].top.n;
		topk_free(&sc[t].top);
	}
	struct topk top;
	topk_init(&top, k);
	rc = vec_rescore(txn, ix, qf, dim, cand, total, &top, 0);
	if (rc) {
		topk_free(&top);
	} else {
		topk_sort(&top);
		*out = top.v;
		*nout = top.n;
	}
	free(cand);
	free(qb.plane);
	free(sc);
	free(bl);
	return rc;
}

int vec_search(MDB_txn *txn, idx *ix, const float *q, int dim, const struct sfilter *f, size_t k,
	       struct scored **out, size_t *nout)
{
	MDB_stat st;
	/* The IVF (ivf.h) answers from the approximate path's size on; 1 = it cannot: scan. */
	uint64_t nvec;
	if (approx_min != SIZE_MAX && vbits_ready(txn, ix) && ivf_ready(txn, ix, dim, &nvec) && nvec >= approx_min) {
		int rc = ivf_search(txn, ix, q, dim, f, k, out, nout);
		if (rc <= 0)
			return rc;
	}
	if (approx_min != SIZE_MAX && vbits_ready(txn, ix) && mdb_stat(txn, ix->vec, &st) == 0 &&
	    (size_t)st.ms_entries * STORE_BLOCK >= approx_min)
		return vec_search_approx(txn, ix, q, dim, f, k, out, nout);
	return vec_search_exact(txn, ix, q, dim, f, k, out, nout);
}
