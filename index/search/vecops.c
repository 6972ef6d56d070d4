/* vecops.c - the vector primitives the scans and the IVF share: quantising, int8 dot
 * products, the sign-code estimate, exact rescoring, threads (see vector.h). Apart from
 * vector.c so that ivf.c can use them and vector.c can use the IVF. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "base/xmalloc.h"
#include "index/search/vector.h"

#if defined(__x86_64__)
#define POPCNT __attribute__((target("popcnt")))
#else
#define POPCNT
#endif
#define QBITS 4 /* query bits per dimension: two's complement planes */

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

#if defined(__x86_64__)
/* 32 sign bits at a time (movemask); returns the dimensions done. */
__attribute__((target("avx2"))) static int sign_words_avx2(const int8_t *x, int dim, uint64_t *w)
{
	int i = 0;
	for (; i + 32 <= dim; i += 32) {
		uint32_t m = (uint32_t)_mm256_movemask_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(x + i)));
		w[i / 64] |= (uint64_t)m << (i % 64);
	}
	return i;
}
#endif

void vec_sign_words(const int8_t *x, int dim, size_t nw, uint64_t *w)
{
	memset(w, 0, nw * 8);
	int i = 0;
#if defined(__x86_64__)
	if (have_avx2())
		i = sign_words_avx2(x, dim, w);
#endif
	for (; i < dim; i++)
		w[i / 64] |= (uint64_t)(x[i] < 0) << (i % 64);
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

int vbits_ready(MDB_txn *txn, idx *ix)
{
	return ix->has_vbits && meta_u64(txn, ix, "vbits") == 1;
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
