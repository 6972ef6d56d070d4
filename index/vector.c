/* vector.c - int8 vector blocks and the scan (see vector.h). */
#include "vector.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "base/xmalloc.h"

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
	static int cached = -1;
	if (cached < 0)
		cached = __builtin_cpu_supports("avx2") ? 1 : 0;
	return cached;
#else
	return 0;
#endif
}

static void dots(const int8_t *q, const int8_t *codes, int dim, size_t n, int32_t *out)
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
		dots(s->q, codes, s->dim, STORE_BLOCK, dot);
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

int vec_search(MDB_txn *txn, idx *ix, const float *qf, int dim, const struct sfilter *f,
	       size_t k, struct scored **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	int8_t *q = xmalloc((size_t)dim);
	float qscale = vec_quantize(qf, dim, q);
	struct vblk *bl = NULL;
	size_t nb = 0, cap = 0;
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, ix->vec, &c);
	if (rc) {
		free(q);
		return rc;
	}
	MDB_val kv, vv;
	size_t want = vec_block_size(dim);
	for (rc = mdb_cursor_get(c, &kv, &vv, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &kv, &vv, MDB_NEXT)) {
		if (kv.mv_size != 8 || vv.mv_size != want)
			continue;
		bl = xgrow(bl, &cap, nb + 1, sizeof *bl);
		bl[nb].blk = be64_get(kv.mv_data);
		bl[nb].vec = vv.mv_data;
		bl[nb].ci = NULL;
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
		free(q);
		return rc;
	}
	/* Below a few thousand vectors a thread costs more than it saves. */
	size_t nthr = nb >= 16 ? (size_t)ix->ncpu : 1;
	if (nthr > nb)
		nthr = nb ? nb : 1;
	struct scan *sc = xcalloc(nthr, sizeof *sc);
	pthread_t *th = xcalloc(nthr, sizeof *th);
	size_t per = (nb + nthr - 1) / nthr;
	for (size_t t = 0; t < nthr; t++) {
		size_t a = t * per, e = a + per < nb ? a + per : nb;
		sc[t] = (struct scan){bl + (a < nb ? a : nb), a < e ? e - a : 0, q, qscale, dim, f, {0}};
		topk_init(&sc[t].top, k);
	}
	size_t started = 1;
	for (size_t t = 1; t < nthr; t++) {
		if (pthread_create(&th[t], NULL, scan_run, &sc[t]) != 0)
			break;
		started++;
	}
	scan_run(&sc[0]);
	for (size_t t = 1; t < nthr; t++) {
		if (t < started)
			pthread_join(th[t], NULL);
		else
			scan_run(&sc[t]);
	}
	for (size_t t = 1; t < nthr; t++) {
		for (size_t i = 0; i < sc[t].top.n; i++)
			topk_push(&sc[0].top, sc[t].top.v[i].id, sc[t].top.v[i].score);
		topk_free(&sc[t].top);
	}
	topk_sort(&sc[0].top);
	*out = sc[0].top.v;
	*nout = sc[0].top.n;
	free(sc);
	free(th);
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
