/* vector.c - int8 vector blocks and the scan (see vector.h). */
#include "index/search/vector.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "base/xmalloc.h"
#include "index/search/ivf.h"

float vec_quantize(const float *x, int dim, int8_t *codes)
{
	float m = 0;
	for (int i = 0; i < dim; i++)
		if (fabsf(x[i]) > m)
			m = fabsf(x[i]);
	if (m == 0) {
		memset(codes, 0, (size_t)dim);
		return 1e-30f; /* a zero vector still occupies its slot */
	}
	float inv = 127.0f / m;
	for (int i = 0; i < dim; i++) {
		long c = lrintf(x[i] * inv);
		codes[i] = (int8_t)(c > 127 ? 127 : c < -127 ? -127 : c);
	}
	return m / 127.0f;
}

int vec_normalize(float *x, int dim)
{
	double s = 0;
	for (int i = 0; i < dim; i++) {
		if (!isfinite(x[i]))
			return -1;
		s += (double)x[i] * x[i];
	}
	if (s > 0) {
		float inv = (float)(1.0 / sqrt(s));
		for (int i = 0; i < dim; i++)
			x[i] *= inv;
	}
	return 0;
}

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

int32_t vec_dot_i8(const int8_t *a, const int8_t *b, int dim)
{
	int32_t s = 0;
	for (int i = 0; i < dim; i++)
		s += (int32_t)a[i] * b[i];
	return s;
}

#if defined(__x86_64__)
/* |q| * (d with q's sign) through maddubs: codes stay within -127..127, so a pair sum is at
 * most 2 * 127 * 127 and never saturates int16. */
__attribute__((target("avx2"))) static void dots_avx2(const int8_t *q, const int8_t *codes,
						      int dim, size_t n, int32_t *out)
{
	int nv = dim / 32;
	__m256i ones = _mm256_set1_epi16(1);
	for (size_t v = 0; v < n; v++) {
		const int8_t *d = codes + v * (size_t)dim;
		__m256i acc = _mm256_setzero_si256();
		for (int j = 0; j < nv; j++) {
			__m256i qa = _mm256_loadu_si256((const __m256i *)(q + 32 * j));
			__m256i da = _mm256_loadu_si256((const __m256i *)(d + 32 * j));
			__m256i p = _mm256_maddubs_epi16(_mm256_abs_epi8(qa), _mm256_sign_epi8(da, qa));
			acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p, ones));
		}
		__m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
		s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
		s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
		int32_t r = _mm_cvtsi128_si32(s);
		for (int j = nv * 32; j < dim; j++)
			r += (int32_t)q[j] * d[j];
		out[v] = r;
	}
}
#endif

static int have_avx2(void)
{
#if defined(__x86_64__)
	static int cached = -1; /* atomic: the scan threads ask too */
	int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	if (c < 0) {
		c = __builtin_cpu_supports("avx2") ? 1 : 0;
		__atomic_store_n(&cached, c, __ATOMIC_RELAXED);
	}
	return c;
#else
	return 0;
#endif
}

void vec_dots(const int8_t *q, const int8_t *codes, int dim, size_t n, int32_t *out)
{
#if defined(__x86_64__)
	if (have_avx2()) {
		dots_avx2(q, codes, dim, n, out);
		return;
	}
#endif
	for (size_t v = 0; v < n; v++)
		out[v] = vec_dot_i8(q, codes + v * (size_t)dim, dim);
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
			if (s->f->allow && (!b->ci || !b->ci->c[j].live || !sfilter_ok(s->f, b->ci->c[j].coll)))
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
		if (f->allow) {
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

/* Runs run(items[t]) for t < n, items of `size` bytes: item 0 on this thread, the others on
 * their own (or here, one after the other, when a thread cannot start). */
void vec_fan_out(void *(*run)(void *), void *items, size_t size, size_t n)
{
	pthread_t *th = xcalloc(n, sizeof *th);
	size_t started = 1;
	for (size_t t = 1; t < n; t++) {
		if (pthread_create(&th[t], NULL, run, (char *)items + t * size) != 0)
			break;
		started++;
	}
	run(items);
	for (size_t t = 1; t < n; t++) {
		if (t < started)
			pthread_join(th[t], NULL);
		else
			run((char *)items + t * size);
	}
	free(th);
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
#define QBITS 4               /* query bits per dimension: two's complement planes */

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

int vbits_ready(MDB_txn *txn, idx *ix)
{
	return ix->has_vbits && meta_u64(txn, ix, "vbits") == 1;
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

/* The query as QBITS two's complement bit planes of u_i = round(7 q_i / max|q|):
 * sum(u_i * sign(d_i)) = 2 * sum over set bits of u_i - sum(u_i), and the first sum is
 * sum_p w_p * popcount(plane_p & d) with w = 1, 2, 4, -8. */
void qbits_make(const float *q, int dim, struct qbits *qb)
{
	qb->nw = vbits_words(dim);
	qb->plane = xcalloc(QBITS * qb->nw, 8);
	qb->usum = 0;
	float m = 0;
	for (int i = 0; i < dim; i++)
		if (fabsf(q[i]) > m)
			m = fabsf(q[i]);
	float inv = m > 0 ? 7.0f / m : 0;
	for (int i = 0; i < dim; i++) {
		long u = lrintf(q[i] * inv);
		u = u > 7 ? 7 : u < -7 ? -7 : u;
		qb->usum += (int32_t)u;
		unsigned b = (unsigned)u & 15;
		for (int p = 0; p < QBITS; p++)
			if (b >> p & 1)
				qb->plane[(size_t)p * qb->nw + (size_t)i / 64] |= 1ull << (i % 64);
	}
}

/* nw is a constant at each call below, so the loops unroll into straight popcounts. */
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
		if (s->f->allow && (!b->ci || !b->ci->c[j].live || !sfilter_ok(s->f, b->ci->c[j].coll)))
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

static inline __attribute__((always_inline)) void est_n(const struct qbits *qb, const float *fac,
							 const uint64_t *w, size_t n, size_t nw, float *out)
{
	for (size_t j = 0; j < n; j++)
		out[j] = fac[j] * (float)qbits_dot(qb->plane, nw, qb->usum, w + j * nw);
}

POPCNT void vbits_est(const struct qbits *qb, const float *fac, const uint64_t *words, size_t n, float *out)
{
	switch (qb->nw) {
	case 6:
		est_n(qb, fac, words, n, 6, out);
		break;
	case 12:
		est_n(qb, fac, words, n, 12, out);
		break;
	case 16:
		est_n(qb, fac, words, n, 16, out);
		break;
	case 24:
		est_n(qb, fac, words, n, 24, out);
		break;
	default:
		est_n(qb, fac, words, n, qb->nw, out);
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

static int cmp_id(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* Scores the candidates (any order) exactly with the int8 codes into top. */
int vec_rescore(MDB_txn *txn, idx *ix, const float *qf, int dim, struct scored *cand, size_t n,
		struct topk *top, int prefetch)
{
	qsort(cand, n, sizeof *cand, cmp_id); /* block order: one lookup per block */
	int8_t *q = xmalloc((size_t)dim);
	float qscale = vec_quantize(qf, dim, q);
	uint64_t cur = UINT64_MAX;
	const unsigned char *blk = NULL;
	const unsigned char **at = xmalloc((n + 1) * sizeof *at);
	size_t want = vec_block_size(dim);
	int rc = 0;
	/* The blocks first, then (cold) every page the scores read is asked for at once, so
	 * the disk reads them in parallel rather than one fault after another. */
	for (size_t i = 0; i < n; i++) {
		uint64_t b = cand[i].id / STORE_BLOCK;
		if (b != cur) {
			unsigned char kb[8];
			be64_put(kb, b);
			MDB_val k = {8, kb}, v;
			cur = b;
			blk = NULL;
			rc = mdb_get(txn, ix->vec, &k, &v);
			if (rc == MDB_NOTFOUND)
				rc = 0;
			else if (rc)
				break;
			else if (v.mv_size == want)
				blk = v.mv_data;
			if (blk && prefetch)
				store_prefetch(blk, sizeof(struct vec_hdr));
		}
		at[i] = blk;
		if (blk && prefetch)
			store_prefetch(blk + sizeof(struct vec_hdr) + (cand[i].id % STORE_BLOCK) * (size_t)dim, (size_t)dim);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		const unsigned char *b = at[i];
		if (!b)
			continue;
		const struct vec_hdr *h = (const struct vec_hdr *)b;
		size_t slot = cand[i].id % STORE_BLOCK;
		float sc = h->scale[slot];
		if (sc == 0)
			continue;
		int32_t d;
		vec_dots(q, (const int8_t *)(b + sizeof *h) + slot * (size_t)dim, dim, 1, &d);
		topk_push(top, cand[i].id, (double)(sc * qscale * (float)d));
	}
	free(at);
	free(q);
	return rc;
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
