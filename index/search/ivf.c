/* ivf.c - the IVF lists: maintenance, training and search (see ivf.h). */
#include "index/search/ivf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/xmalloc.h"
#include "index/search/vector.h"


#define IVF_SAMPLE 48         /* training vectors per centroid */
#define IVF_DRIFT 2           /* re-train at 2x (or 1/2 of) the vectors trained on */
/* New vectors wait in the fresh list (ivf.h) until it holds FRESH_LISTS average lists' worth
 * (and at least FRESH_MIN); the merge places them through a route (ivf_train.c) when there
 * are UPD_ROUTE of them or more, exactly when fewer. */
#define FRESH_LISTS 4
#define FRESH_MIN 256
#define UPD_ROUTE 256

static size_t p_min, p_nprobe, p_cand; /* p_min 0: not read yet */
static int p_search = 1;

/* The training minimum: IVF_MIN, or FN_IVF_MIN from the environment (the crash tests train
 * lists on a small tree), or what ivf_set_params set. Only the writer's paths read it. */
static size_t min_vectors(void)
{
	if (!p_min) {
		const char *e = getenv("FN_IVF_MIN");
		long v = e ? atol(e) : 0;
		p_min = v > 0 ? (size_t)v : IVF_MIN;
	}
	return p_min;
}

void ivf_set_params(size_t minv, size_t nprobe, size_t cand)
{
	if (minv)
		p_min = minv;
	p_nprobe = nprobe;
	p_cand = cand;
}

void ivf_set_search(int on)
{
	p_search = on;
}

uint32_t ivf_code_hash(float fac, const uint64_t *w, size_t nw)
{
	unsigned char b[4 + 64 * 8];
	memcpy(b, &fac, 4);
	memcpy(b + 4, w, nw * 8);
	return (uint32_t)XXH3_64bits(b, 4 + nw * 8);
}

static int get(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, MDB_val *v)
{
	MDB_val k = {klen, (void *)key};
	return mdb_get(txn, dbi, &k, v);
}
int ivf_get_blk(MDB_txn *txn, MDB_dbi dbi, uint64_t blk, MDB_val *v)
{
	unsigned char kb[8];
	be64_put(kb, blk);
	return get(txn, dbi, kb, 8, v);
}

int ivf_cents_load(MDB_txn *txn, idx *ix, int dim, struct cents *c)
{
	memset(c, 0, sizeof *c);
	MDB_val v;
	struct ivf_chdr h;
	if (!ix->has_ivf || get(txn, ix->ivfc, "c", 1, &v) != 0 || v.mv_size < sizeof h)
		return 1;
	memcpy(&h, v.mv_data, sizeof h);
	if (h.magic != IVF_MAGIC || (int)h.dim != dim || !h.nlist ||
	    v.mv_size != sizeof h + (size_t)h.nlist * (4 + (size_t)dim))
		return 1;
	c->nlist = h.nlist;
	c->cap = h.cap;
	c->nprobe = h.nprobe;
	c->cand = h.cand;
	c->scale = xmalloc(h.nlist * sizeof *c->scale);
	c->codes = xmalloc((size_t)h.nlist * (size_t)dim);
	memcpy(c->scale, (const char *)v.mv_data + sizeof h, h.nlist * sizeof *c->scale);
	memcpy(c->codes, (const char *)v.mv_data + sizeof h + h.nlist * 4, (size_t)h.nlist * (size_t)dim);
	return 0;
}
void ivf_cents_free(struct cents *c)
{
	free(c->scale);
	free(c->codes);
}

int ivf_counts_load(MDB_txn *txn, idx *ix, uint32_t nlist, struct ivf_nhdr *h, uint32_t **count)
{
	MDB_val v;
	if (get(txn, ix->ivfc, "n", 1, &v) != 0 || v.mv_size != sizeof *h + ((size_t)nlist + 1) * 4)
		return 1;
	memcpy(h, v.mv_data, sizeof *h);
	if (h->nlist != nlist)
		return 1;
	*count = xmalloc(((size_t)nlist + 1) * 4);
	memcpy(*count, (const char *)v.mv_data + sizeof *h, ((size_t)nlist + 1) * 4);
	return 0;
}
static int counts_put(MDB_txn *txn, idx *ix, const struct ivf_nhdr *h, const uint32_t *count)
{
	MDB_val k = {1, (void *)"n"}, v = {sizeof *h + ((size_t)h->nlist + 1) * 4, NULL};
	int rc = mdb_put(txn, ix->ivfc, &k, &v, MDB_RESERVE);
	if (!rc) {
		memcpy(v.mv_data, h, sizeof *h);
		memcpy((char *)v.mv_data + sizeof *h, count, ((size_t)h->nlist + 1) * 4);
	}
	return rc;
}

int ivf_ready(MDB_txn *txn, idx *ix, int dim, uint64_t *nvec)
{
	MDB_val v;
	struct ivf_chdr h;
	struct ivf_nhdr nh;
	if (!ix->has_ivf || get(txn, ix->ivfc, "c", 1, &v) != 0 || v.mv_size < sizeof h)
		return 0;
	memcpy(&h, v.mv_data, sizeof h);
	if (h.magic != IVF_MAGIC || (int)h.dim != dim || get(txn, ix->ivfc, "n", 1, &v) != 0 || v.mv_size < sizeof nh)
		return 0;
	memcpy(&nh, v.mv_data, sizeof nh);
	if (nvec)
		*nvec = nh.total;
	return 1;
}

int ivf_drop(MDB_txn *txn, idx *ix)
{
	if (!ix->has_ivf)
		return 0;
	int rc = mdb_drop(txn, ix->ivfc, 0);
	if (!rc)
		rc = mdb_drop(txn, ix->ivfa, 0);
	if (!rc)
		rc = mdb_drop(txn, ix->ivfl, 0);
	return rc;
}

/* ---- keeping the lists in step ---- */

struct upd {
	MDB_txn *txn;
	idx *ix;
	int dim;
	size_t nw, cap;
	struct cents c;
	struct ivf_nhdr nh;
	uint32_t *count;
	struct stage seg, asg;
};

/* A segment as this txn sees it, without staging it. */
static const unsigned char *seg_peek(struct upd *u, uint32_t list, uint32_t s)
{
	size_t *i = u64map_get(u->seg.map, seg_key(list, s));
	if (i)
		return u->seg.v[*i].data;
	MDB_val v;
	if (ivf_get_blk(u->txn, u->ix->ivfl, seg_key(list, s), &v) != 0 || v.mv_size != u->seg.size)
		return NULL;
	return v.mv_data;
}

/* Clears a list's last entry (entry i of its staged segment d); a segment left empty is
 * deleted at the flush. */
static void list_drop_last(struct upd *u, uint32_t list, unsigned char *d, size_t i)
{
	size_t cap = u->cap;
	seg_ids(d)[i] = 0;
	seg_fac(d, cap)[i] = 0;
	memset(seg_words(d, cap) + i * u->nw, 0, u->nw * 8);
	((struct ivf_shdr *)(void *)d)->n--;
	u->count[list]--;
	u->nh.total--;
}

static int list_remove(struct upd *u, uint32_t list, uint64_t id)
{
	uint32_t n = u->count[list];
	size_t cap = u->cap;
	for (uint32_t s = 0; (size_t)s * cap < n; s++) {
		const unsigned char *d = seg_peek(u, list, s);
		if (!d)
			return IDX_ECORRUPT;
		size_t m = n - (size_t)s * cap < cap ? n - (size_t)s * cap : cap;
		const uint64_t *ids = seg_ids((unsigned char *)d);
		for (size_t i = 0; i < m; i++) {
			if (ids[i] != id)
				continue;
			size_t last = n - 1, ls = last / cap, li = last % cap;
			unsigned char *dst = stage_get(&u->seg, u->txn, seg_key(list, s));
			unsigned char *src = stage_get(&u->seg, u->txn, seg_key(list, (uint32_t)ls));
			seg_ids(dst)[i] = seg_ids(src)[li];
			seg_fac(dst, cap)[i] = seg_fac(src, cap)[li];
			memcpy(seg_words(dst, cap) + i * u->nw, seg_words(src, cap) + li * u->nw, u->nw * 8);
			list_drop_last(u, list, src, li);
			return 0;
		}
	}
	return IDX_ECORRUPT;
}

static void list_append(struct upd *u, uint32_t list, uint64_t id, float fac, const uint64_t *w)
{
	uint32_t n = u->count[list];
	size_t cap = u->cap, i = n % cap;
	unsigned char *d = stage_get(&u->seg, u->txn, seg_key(list, (uint32_t)(n / cap)));
	struct ivf_shdr *h = (struct ivf_shdr *)(void *)d;
	seg_ids(d)[i] = id;
	seg_fac(d, cap)[i] = fac;
	memcpy(seg_words(d, cap) + i * u->nw, w, u->nw * 8);
	h->n++;
	h->list = list;
	u->count[list]++;
	u->nh.total++;
}

static int update_block(struct upd *u, uint64_t blk)
{
	MDB_val vv, bv;
	const unsigned char *vec = NULL, *bits = NULL;
	if (ivf_get_blk(u->txn, u->ix->vec, blk, &vv) == 0 && vv.mv_size == vec_block_size(u->dim))
		vec = vv.mv_data;
	if (ivf_get_blk(u->txn, u->ix->vbits, blk, &bv) == 0 && bv.mv_size == vbits_block_size(u->dim))
		bits = bv.mv_data;
	if (vec && !bits)
		return IDX_ECORRUPT; /* vbits_update wrote them just before */
	struct ivfa_blk *a = (struct ivfa_blk *)(void *)stage_get(&u->asg, u->txn, blk);
	const struct vbits_hdr *bh = (const struct vbits_hdr *)(const void *)bits;
	const uint64_t *words = bits ? (const uint64_t *)(const void *)(bits + sizeof *bh) : NULL;
	for (size_t j = 0; j < STORE_BLOCK; j++) {
		uint64_t id = blk * STORE_BLOCK + j;
		int live = bits && bh->fac[j] != 0;
		uint32_t h = live ? ivf_code_hash(bh->fac[j], words + j * u->nw, u->nw) : 0;
		if (a->s[j].list && (!live || a->s[j].hash != h)) {
			if (a->s[j].list > u->c.nlist + 1 || list_remove(u, a->s[j].list - 1, id))
				return IDX_ECORRUPT;
			a->s[j].list = a->s[j].hash = 0;
			a->nlive--;
		}
		if (live && !a->s[j].list) {
			list_append(u, u->c.nlist, id, bh->fac[j], words + j * u->nw);
			a->s[j].list = u->c.nlist + 1;
			a->s[j].hash = h;
			a->nlive++;
		}
	}
	return 0;
}

/* The fresh list into the lists of its vectors' nearest centroids, and emptied: in turn
 * from its last entry, so each step takes the fresh list's last entry off. */
static int fresh_merge(struct upd *u)
{
	uint32_t fresh = u->c.nlist;
	int32_t *dots = xmalloc(ivf_place_room(&u->c, u->dim) * sizeof *dots);
	struct ivf_route *route = u->count[fresh] >= UPD_ROUTE ? ivf_route_new(&u->c, u->dim) : NULL;
	int rc = 0;
	while (u->count[fresh] && !rc) {
		size_t last = u->count[fresh] - 1, cap = u->cap;
		unsigned char *d = stage_get(&u->seg, u->txn, seg_key(fresh, (uint32_t)(last / cap)));
		size_t i = last % cap;
		uint64_t id = seg_ids(d)[i];
		float fac = seg_fac(d, cap)[i];
		uint64_t w[64];
		memcpy(w, seg_words(d, cap) + i * u->nw, u->nw * 8);
		MDB_val vv;
		if (ivf_get_blk(u->txn, u->ix->vec, id / STORE_BLOCK, &vv) != 0 || vv.mv_size != vec_block_size(u->dim)) {
			rc = IDX_ECORRUPT;
			break;
		}
		const int8_t *code =
			(const int8_t *)((const unsigned char *)vv.mv_data + sizeof(struct vec_hdr)) + (id % STORE_BLOCK) * (size_t)u->dim;
		uint32_t l = ivf_place(&u->c, route, code, u->dim, dots);
		list_drop_last(u, fresh, d, i);
		list_append(u, l, id, fac, w);
		struct ivfa_blk *a = (struct ivfa_blk *)(void *)stage_get(&u->asg, u->txn, id / STORE_BLOCK);
		a->s[id % STORE_BLOCK].list = l + 1;
	}
	ivf_route_free(route);
	free(dots);
	return rc;
}

/* The fresh list is merged when it holds this many average lists' worth of vectors: search
 * then scans at most that much more than its probed lists. */
static int fresh_full(const struct upd *u)
{
	uint64_t fresh = u->count[u->c.nlist], avg = u->nh.total / u->c.nlist;
	return fresh >= FRESH_MIN && fresh >= FRESH_LISTS * avg;
}

/* Live vectors in the index (sum of the vbits blocks' counts). */
static uint64_t count_vectors(MDB_txn *txn, idx *ix, int dim)
{
	MDB_cursor *c;
	uint64_t n = 0;
	if (mdb_cursor_open(txn, ix->vbits, &c))
		return 0;
	MDB_val k, v;
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		uint32_t nl;
		if (v.mv_size == vbits_block_size(dim)) {
			memcpy(&nl, v.mv_data, 4);
			n += nl;
		}
	}
	mdb_cursor_close(c);
	return n;
}

int ivf_due(MDB_txn *txn, idx *ix, int dim)
{
	if (!ix->has_ivf || dim <= 0 || min_vectors() == SIZE_MAX || !vbits_ready(txn, ix))
		return 0;
	uint64_t n;
	if (ivf_ready(txn, ix, dim, &n)) {
		MDB_val v;
		struct ivf_nhdr nh;
		if (get(txn, ix->ivfc, "n", 1, &v) != 0 || v.mv_size < sizeof nh)
			return 1;
		memcpy(&nh, v.mv_data, sizeof nh);
		return n < min_vectors() / 2 || n >= IVF_DRIFT * nh.trained || n * IVF_DRIFT <= nh.trained;
	}
	MDB_stat st;
	if (mdb_stat(txn, ix->vbits, &st) || (uint64_t)st.ms_entries * STORE_BLOCK < min_vectors())
		return 0;
	return count_vectors(txn, ix, dim) >= min_vectors();
}

int ivf_update(MDB_txn *txn, idx *ix, const struct stage *vec, int dim)
{
	if (!ix->has_ivf || dim <= 0)
		return 0;
	if (min_vectors() == SIZE_MAX) /* switched off: no lists to go stale */
		return ivf_ready(txn, ix, dim, NULL) ? ivf_drop(txn, ix) : 0;
	if (!vec->n || !vbits_ready(txn, ix)) /* no vector changed: nothing to rewrite */
		return 0;
	struct upd u = {.txn = txn, .ix = ix, .dim = dim, .nw = vbits_words(dim)};
	int rc = 0;
	if (ivf_cents_load(txn, ix, dim, &u.c) == 0) {
		u.cap = u.c.cap;
		if (u.cap != seg_cap(u.nw) || ivf_counts_load(txn, ix, u.c.nlist, &u.nh, &u.count)) {
			ivf_cents_free(&u.c);
			return ivf_rebuild(txn, ix, dim);
		}
		stage_init(&u.seg, ix->ivfl, seg_size(u.cap, u.nw));
		stage_init(&u.asg, ix->ivfa, sizeof(struct ivfa_blk));
		for (size_t i = 0; i < vec->n && !rc; i++)
			rc = update_block(&u, vec->v[i].blk);
		if (!rc && fresh_full(&u))
			rc = fresh_merge(&u);
		if (!rc)
			rc = stage_flush(&u.seg, txn);
		if (!rc)
			rc = stage_flush(&u.asg, txn);
		if (!rc)
			rc = counts_put(txn, ix, &u.nh, u.count);
		stage_free(&u.seg);
		stage_free(&u.asg);
		free(u.count);
		ivf_cents_free(&u.c);
	}
	return rc;
}

int ivf_maintain(MDB_txn *txn, idx *ix, int dim)
{
	return ivf_due(txn, ix, dim) ? ivf_rebuild(txn, ix, dim) : 0;
}

/* ---- training and rebuilding ---- */

static int put_raw(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, const void *val, size_t vlen,
		   unsigned flags)
{
	MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
	return mdb_put(txn, dbi, &k, &v, flags);
}

struct vref {
	uint64_t id;
	const int8_t *code;
	float scale;
};

/* Writes the IVF: centroids, counts, assignments (block order) and lists. */
static int write_all(MDB_txn *txn, idx *ix, int dim, const struct cents *c, const struct vref *vr,
		     const uint32_t *lab, size_t n)
{
	size_t nw = vbits_words(dim), cap = c->cap, ssz = seg_size(cap, nw);
	struct ivf_chdr ch = {IVF_MAGIC, (uint32_t)dim, c->nlist, (uint32_t)cap, c->nprobe, c->cand};
	size_t csz = sizeof ch + (size_t)c->nlist * (4 + (size_t)dim);
	unsigned char *cb = xmalloc(csz);
	memcpy(cb, &ch, sizeof ch);
	memcpy(cb + sizeof ch, c->scale, c->nlist * 4);
	memcpy(cb + sizeof ch + c->nlist * 4, c->codes, (size_t)c->nlist * dim);
	int rc = put_raw(txn, ix->ivfc, "c", 1, cb, csz, 0);
	free(cb);
	uint32_t *count = xcalloc((size_t)c->nlist + 1, 4); /* the fresh list last, empty */
	for (size_t i = 0; i < n; i++)
		count[lab[i]]++;
	struct ivf_nhdr nh = {n, n, c->nlist, 0};
	if (!rc)
		rc = counts_put(txn, ix, &nh, count);
	/* ivfa: the refs are in id order */
	struct ivfa_blk *a = xmalloc(sizeof *a);
	for (size_t i = 0; i < n && !rc;) {
		uint64_t blk = vr[i].id / STORE_BLOCK;
		memset(a, 0, sizeof *a);
		MDB_val bv;
		if (ivf_get_blk(txn, ix->vbits, blk, &bv) != 0 || bv.mv_size != vbits_block_size(dim)) {
			rc = IDX_ECORRUPT;
			break;
		}
		const struct vbits_hdr *bh = bv.mv_data;
		const uint64_t *w = (const uint64_t *)(const void *)((const unsigned char *)bv.mv_data + sizeof *bh);
		for (; i < n && vr[i].id / STORE_BLOCK == blk; i++) {
			size_t j = vr[i].id % STORE_BLOCK;
			a->s[j].list = lab[i] + 1;
			a->s[j].hash = ivf_code_hash(bh->fac[j], w + j * nw, nw);
			a->nlive++;
		}
		unsigned char kb[8];
		be64_put(kb, blk);
		rc = put_raw(txn, ix->ivfa, kb, 8, a, sizeof *a, MDB_APPEND);
	}
	free(a);
	/* ivfl: counting sort by list, then one segment at a time */
	size_t *start = xcalloc((size_t)c->nlist + 1, sizeof *start);
	for (uint32_t l = 0; l < c->nlist; l++)
		start[l + 1] = start[l] + count[l];
	size_t *fill = xmalloc(c->nlist * sizeof *fill), *order = xmalloc((n ? n : 1) * sizeof *order);
	memcpy(fill, start, c->nlist * sizeof *fill);
	for (size_t i = 0; i < n; i++)
		order[fill[lab[i]]++] = i;
	unsigned char *seg = xmalloc(ssz);
	for (uint32_t l = 0; l < c->nlist && !rc; l++) {
		for (size_t s = 0; s * cap < count[l] && !rc; s++) {
			memset(seg, 0, ssz);
			size_t m = count[l] - s * cap < cap ? count[l] - s * cap : cap;
			*(struct ivf_shdr *)(void *)seg = (struct ivf_shdr){(uint32_t)m, l};
			for (size_t e = 0; e < m && !rc; e++) {
				uint64_t id = vr[order[start[l] + s * cap + e]].id;
				MDB_val bv;
				if (ivf_get_blk(txn, ix->vbits, id / STORE_BLOCK, &bv) != 0 || bv.mv_size != vbits_block_size(dim)) {
					rc = IDX_ECORRUPT;
					break;
				}
				const struct vbits_hdr *bh = bv.mv_data;
				const uint64_t *w = (const uint64_t *)(const void *)((const unsigned char *)bv.mv_data + sizeof *bh);
				seg_ids(seg)[e] = id;
				seg_fac(seg, cap)[e] = bh->fac[id % STORE_BLOCK];
				memcpy(seg_words(seg, cap) + e * nw, w + (id % STORE_BLOCK) * nw, nw * 8);
			}
			unsigned char kb[8];
			be64_put(kb, seg_key(l, (uint32_t)s));
			if (!rc)
				rc = put_raw(txn, ix->ivfl, kb, 8, seg, ssz, MDB_APPEND);
		}
	}
	free(seg), free(start), free(fill), free(order), free(count);
	return rc;
}

int ivf_rebuild(MDB_txn *txn, idx *ix, int dim)
{
	if (!ix->has_ivf || dim <= 0 || dim > 64 * 64 || min_vectors() == SIZE_MAX)
		return 0;
	/* Every vector, in id order (pointers into the map: nothing is written until
	 * write_all, after the last use of the codes). */
	struct vref *vr = NULL;
	size_t n = 0, capv = 0;
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, ix->vec, &cur);
	if (rc)
		return rc;
	MDB_val k, v;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 8 || v.mv_size != vec_block_size(dim))
			continue;
		const struct vec_hdr *h = v.mv_data;
		uint64_t blk = be64_get(k.mv_data);
		for (size_t j = 0; j < STORE_BLOCK; j++) {
			if (h->scale[j] == 0)
				continue;
			vr = xgrow(vr, &capv, n + 1, sizeof *vr);
			vr[n++] = (struct vref){blk * STORE_BLOCK + j,
						(const int8_t *)((const unsigned char *)v.mv_data + sizeof *h) + j * (size_t)dim,
						h->scale[j]};
		}
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND) {
		free(vr);
		return rc;
	}
	rc = 0;
	if (n < min_vectors()) {
		free(vr);
		return ivf_drop(txn, ix);
	}
	uint32_t nlist = (uint32_t)lrint(sqrt((double)n));
	nlist = nlist < 16 ? 16 : nlist > 4096 ? 4096 : nlist;
	size_t ns = (size_t)nlist * IVF_SAMPLE < n ? (size_t)nlist * IVF_SAMPLE : n;
	const int8_t **sample = xmalloc(ns * sizeof *sample), **codes = xmalloc(n * sizeof *codes);
	for (size_t i = 0; i < ns; i++)
		sample[i] = vr[i * n / ns].code;
	for (size_t i = 0; i < n; i++)
		codes[i] = vr[i].code;
	struct cents c = {nlist, (uint32_t)seg_cap(vbits_words(dim)), 0, 0, xmalloc(nlist * sizeof(float)),
			  xmalloc((size_t)nlist * dim)};
	ivf_train(sample, ns, dim, nlist, ix->ncpu, &c);
	uint32_t *lab = xmalloc(n * sizeof *lab);
	ivf_assign(&c, dim, codes, n, lab, ix->ncpu);
	float *scale = xmalloc(n * sizeof *scale);
	for (size_t i = 0; i < n; i++)
		scale[i] = vr[i].scale;
	c.nprobe = ivf_tune(&c, dim, codes, scale, lab, n, ix->ncpu, &c.cand);
	free(scale);
	free(sample);
	free(codes);
	rc = ivf_drop(txn, ix);
	if (!rc)
		rc = write_all(txn, ix, dim, &c, vr, lab, n);
	free(lab);
	free(vr);
	ivf_cents_free(&c);
	return rc;
}

/* ---- search ---- */

/* Lists probed, unless set: what ivf_tune measured at training, at least 4. */
static size_t nprobe_for(const struct cents *c)
{
	size_t p = p_nprobe ? p_nprobe : c->nprobe > 4 ? c->nprobe : 4;
	return p < c->nlist ? p : c->nlist;
}

int ivf_search(MDB_txn *txn, idx *ix, const float *qf, int dim, const struct sfilter *f, size_t k,
	       struct scored **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (!p_search || dim <= 0 || dim > 64 * 64)
		return 1;
	/* A cold page cache (the centroids are not in it): every page this search reads is
	 * asked for ahead, so the disk serves them in parallel. */
	MDB_val cv;
	int cold = 0;
	if (ix->has_ivf && get(txn, ix->ivfc, "c", 1, &cv) == 0 && !store_resident(cv.mv_data, cv.mv_size)) {
		cold = 1;
		store_prefetch(cv.mv_data, cv.mv_size);
	}
	struct cents c;
	if (ivf_cents_load(txn, ix, dim, &c))
		return 1;
	/* Lists that needed more than a quarter of themselves probed save nothing: scan. */
	if (!p_nprobe && c.nprobe > c.nlist / 4) {
		ivf_cents_free(&c);
		return 1;
	}
	size_t nw = vbits_words(dim), cap = c.cap, ssz = seg_size(cap, nw);
	int8_t *q8 = xmalloc((size_t)dim);
	vec_quantize(qf, dim, q8);
	int32_t *dots = xmalloc(c.nlist * sizeof *dots);
	vec_dots(q8, c.codes, dim, c.nlist, dots);
	struct topk probe;
	topk_init(&probe, nprobe_for(&c));
	for (uint32_t l = 0; l < c.nlist; l++)
		topk_push(&probe, l, (double)(c.scale[l] * (float)dots[l]));
	free(dots);
	free(q8);
	struct qbits qb;
	qbits_make(qf, dim, &qb);
	/* Candidates rescored: what ivf_tune measured, at least 150 or 1.5 per hit wanted. */
	size_t ncand = 3 * k / 2 > 150 ? 3 * k / 2 : 150;
	ncand = p_cand ? p_cand : c.cand > ncand ? c.cand : ncand;
	struct topk cand;
	topk_init(&cand, ncand > k ? ncand : k);
	float *est = xmalloc(cap * sizeof *est);
	/* The probed lists' segments first (prefetched when cold), then their scan. */
	unsigned char **segs = NULL;
	size_t nseg = 0, capseg = 0;
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, ix->ivfl, &cur);
	for (size_t p = 0; p <= probe.n && !rc; p++) {
		uint64_t list = p < probe.n ? probe.v[p].id : c.nlist; /* then the fresh list */
		unsigned char kb[8];
		be64_put(kb, seg_key((uint32_t)list, 0));
		MDB_val kv = {8, kb}, vv;
		for (int r = mdb_cursor_get(cur, &kv, &vv, MDB_SET_RANGE); r == 0; r = mdb_cursor_get(cur, &kv, &vv, MDB_NEXT)) {
			if (kv.mv_size != 8 || be64_get(kv.mv_data) >> 32 != list)
				break;
			if (vv.mv_size != ssz)
				continue;
			segs = xgrow(segs, &capseg, nseg + 1, sizeof *segs);
			segs[nseg++] = vv.mv_data;
			if (cold)
				store_prefetch(vv.mv_data, ssz);
		}
	}
	if (!rc)
		mdb_cursor_close(cur);
	uint64_t ciblk = UINT64_MAX;
	const struct cinfo_block *ci = NULL;
	for (size_t g = 0; g < nseg && !rc; g++) {
		unsigned char *s = segs[g];
		struct ivf_shdr h;
		memcpy(&h, s, sizeof h);
		size_t m = h.n < cap ? h.n : cap;
		const uint64_t *ids = seg_ids(s);
		vbits_est(&qb, seg_fac(s, cap), seg_words(s, cap), m, est);
		for (size_t i = 0; i < m; i++) {
			if (cand.n == cand.k && (double)est[i] <= cand.v[0].score)
				continue;
			if (sfilter_on(f)) {
				uint64_t b = ids[i] / STORE_BLOCK;
				if (b != ciblk) {
					MDB_val cv2;
					ciblk = b;
					ci = ivf_get_blk(txn, ix->cinfo, b, &cv2) == 0 && cv2.mv_size == sizeof *ci ? cv2.mv_data : NULL;
				}
				const struct cinfo *x = ci ? &ci->c[ids[i] % STORE_BLOCK] : NULL;
				if (!x || !x->live || !sfilter_ok(f, x->coll, x->fid))
					continue;
			}
			topk_push(&cand, ids[i], (double)est[i]);
		}
	}
	free(segs);
	free(est);
	free(qb.plane);
	topk_free(&probe);
	ivf_cents_free(&c);
	struct topk top;
	topk_init(&top, k);
	if (!rc)
		rc = vec_rescore(txn, ix, qf, dim, cand.v, cand.n, &top, cold);
	topk_free(&cand);
	if (!rc && sfilter_on(f) && top.n < k)
		rc = 1; /* a narrow filter: the scan finds what the lists missed */
	if (rc) {
		topk_free(&top);
		return rc;
	}
	topk_sort(&top);
	*out = top.v;
	*nout = top.n;
	return 0;
}
