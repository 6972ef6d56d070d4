/* ivf_train.c - the IVF's k-means and its nearest-centroid search (see ivf.h).
 *
 * Placing a vector exactly costs one int8 dot product per centroid: at 1M vectors and
 * 1,000 lists, 10^9 of them, most of a first build's closing training. A route cuts that:
 * the centroids' sign bits are compared with the vector's (6 XOR + popcount words at 384
 * dimensions, against 12 AVX2 multiply-adds for a product), and only the ROUTE_KEEP
 * nearest in Hamming distance get the exact product. A vector whose nearest centroid is
 * not among them lands in a near one instead: its list is a little worse, never wrong
 * (search ranks lists by their centroids, and ivf_tune measures the recall of the lists as
 * they were filled). Measured (docs/BENCHMARKS.md): 1M synthetic vectors, 1,000 lists, every vector in
 * the same list as exactly; 300k (548 lists, no cluster structure at that scale) 98.8%. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "index/search/ivf.h"
#include "index/search/vector.h"

#if defined(__x86_64__)
#define POPCNT __attribute__((target("popcnt")))
#else
#define POPCNT
#endif

#define IVF_ITERS 8   /* k-means iterations */
#define ROUTE_MIN 256 /* fewer centroids are searched exactly */
#define ROUTE_KEEP 32 /* centroids nearest in sign bits whose product is taken */

uint32_t ivf_nearest(const struct cents *c, const int8_t *x, int dim, int32_t *dots)
{
	vec_dots(x, c->codes, dim, c->nlist, dots);
	uint32_t best = 0;
	float bs = -INFINITY;
	for (uint32_t l = 0; l < c->nlist; l++) {
		float s = c->scale[l] * (float)dots[l];
		if (s > bs)
			bs = s, best = l;
	}
	return best;
}

struct ivf_route {
	const struct cents *c;
	size_t nw;
	uint64_t *words; /* the centroids' sign bits, nw words each */
};

struct ivf_route *ivf_route_new(const struct cents *c, int dim)
{
	if (c->nlist < ROUTE_MIN || dim > 64 * 64)
		return NULL;
	struct ivf_route *r = xcalloc(1, sizeof *r);
	r->c = c;
	r->nw = ((size_t)dim + 63) / 64;
	r->words = xmalloc(c->nlist * r->nw * 8);
	for (uint32_t l = 0; l < c->nlist; l++)
		vec_sign_words(c->codes + (size_t)l * dim, dim, r->nw, r->words + l * r->nw);
	return r;
}

void ivf_route_free(struct ivf_route *r)
{
	if (r)
		free(r->words);
	free(r);
}

/* out[l] = the Hamming distance from xw to centroid l's sign bits (nw words, N of them when
 * the caller knows: the loop then unrolls). */
#define HAMMING(N)                                                                        \
	for (uint32_t l = 0; l < r->c->nlist; l++) {                                      \
		const uint64_t *w = r->words + l * (N);                                   \
		int32_t h = 0;                                                            \
		for (size_t t = 0; t < (N); t++)                                          \
			h += __builtin_popcountll(xw[t] ^ w[t]);                          \
		out[l] = h;                                                               \
	}
POPCNT static void hamming(const struct ivf_route *r, const uint64_t *xw, int32_t *out)
{
	if (r->nw == 6) { /* 384 dimensions */
		HAMMING(6)
	} else {
		HAMMING(r->nw)
	}
}
#undef HAMMING

size_t ivf_place_room(const struct cents *c, int dim)
{
	return c->nlist + (size_t)dim + 1;
}

uint32_t ivf_place(const struct cents *c, const struct ivf_route *r, const int8_t *x, int dim, int32_t *dots)
{
	if (!r)
		return ivf_nearest(c, x, dim, dots);
	uint64_t xw[64];
	vec_sign_words(x, dim, r->nw, xw);
	hamming(r, xw, dots);
	/* the ROUTE_KEEP centroids nearest in sign bits (a histogram of the distances gives the
	 * cut), then their exact products */
	int32_t *hist = dots + c->nlist;
	memset(hist, 0, ((size_t)dim + 1) * sizeof *hist);
	for (uint32_t l = 0; l < c->nlist; l++)
		hist[dots[l]]++;
	int32_t cut = 0, below = 0, need = ROUTE_KEEP;
	while (cut < dim && below + hist[cut] < need)
		below += hist[cut++];
	int32_t ties = need - below; /* taken at the cut itself */
	uint32_t best = 0;
	float bs = -INFINITY;
	for (uint32_t l = 0; l < c->nlist; l++) {
		if (dots[l] > cut || (dots[l] == cut && ties-- <= 0))
			continue;
		int32_t d;
		vec_dots(x, c->codes + (size_t)l * dim, dim, 1, &d);
		float s = c->scale[l] * (float)d;
		if (s > bs)
			bs = s, best = l;
	}
	return best;
}

/* int8 centroids from float means (each L2-normalised first). */
static void cents_quantize(const float *m, uint32_t nlist, int dim, struct cents *c)
{
	float *tmp = xmalloc((size_t)dim * sizeof *tmp);
	for (uint32_t l = 0; l < nlist; l++) {
		memcpy(tmp, m + (size_t)l * dim, (size_t)dim * sizeof *tmp);
		vec_normalize(tmp, dim);
		c->scale[l] = vec_quantize(tmp, dim, c->codes + (size_t)l * dim);
	}
	free(tmp);
}

/* Places codes[i] for i in [a, e), on its own thread. */
struct asgjob {
	const struct cents *c;
	const struct ivf_route *r;
	int dim;
	const int8_t *const *codes; /* one pointer per vector */
	size_t a, e;
	uint32_t *out;
};
static void *asg_run(void *arg)
{
	struct asgjob *j = arg;
	int32_t *dots = xmalloc(ivf_place_room(j->c, j->dim) * sizeof *dots);
	for (size_t i = j->a; i < j->e; i++)
		j->out[i] = ivf_place(j->c, j->r, j->codes[i], j->dim, dots);
	free(dots);
	return NULL;
}
static void assign(const struct cents *c, const struct ivf_route *r, int dim, const int8_t *const *codes, size_t n,
		   uint32_t *out, int ncpu)
{
	size_t nt = n >= 4096 && ncpu > 1 ? (size_t)ncpu : 1;
	struct asgjob *j = xcalloc(nt, sizeof *j);
	for (size_t t = 0; t < nt; t++)
		j[t] = (struct asgjob){c, r, dim, codes, n * t / nt, n * (t + 1) / nt, out};
	vec_fan_out(asg_run, j, sizeof *j, nt);
	free(j);
}

void ivf_assign(const struct cents *c, int dim, const int8_t *const *codes, size_t n, uint32_t *out, int ncpu)
{
	struct ivf_route *r = ivf_route_new(c, dim);
	assign(c, r, dim, codes, n, out, ncpu);
	ivf_route_free(r);
}

/* Spherical k-means on the sample (ns int8 vectors); fills c (nlist centroids). Each
 * iteration places the sample through a route over that iteration's centroids. */
void ivf_train(const int8_t *const *sample, size_t ns, int dim, uint32_t nlist, int ncpu, struct cents *c)
{
	float *m = xcalloc((size_t)nlist * dim, sizeof *m);
	uint32_t *lab = xmalloc(ns * sizeof *lab), *cnt = xmalloc(nlist * sizeof *cnt);
	for (uint32_t l = 0; l < nlist; l++)
		for (int d = 0; d < dim; d++)
			m[(size_t)l * dim + d] = sample[(size_t)l * ns / nlist][d];
	for (int it = 0; it < IVF_ITERS; it++) {
		cents_quantize(m, nlist, dim, c);
		ivf_assign(c, dim, sample, ns, lab, ncpu);
		memset(m, 0, (size_t)nlist * dim * sizeof *m);
		memset(cnt, 0, nlist * sizeof *cnt);
		for (size_t i = 0; i < ns; i++) {
			float *row = m + (size_t)lab[i] * dim;
			float inv = 0;
			for (int d = 0; d < dim; d++)
				inv += (float)sample[i][d] * (float)sample[i][d];
			inv = inv > 0 ? 1.0f / sqrtf(inv) : 0;
			for (int d = 0; d < dim; d++)
				row[d] += (float)sample[i][d] * inv;
			cnt[lab[i]]++;
		}
		/* An empty list takes a sample vector (a deterministic one). */
		for (uint32_t l = 0; l < nlist; l++)
			if (!cnt[l])
				for (int d = 0; d < dim; d++)
					m[(size_t)l * dim + d] = sample[((size_t)l * 7919 + (size_t)it) % ns][d];
	}
	cents_quantize(m, nlist, dim, c);
	free(m), free(lab), free(cnt);
}

