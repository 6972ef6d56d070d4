/* test_ivf_route.c - placing vectors in lists through the sign-bit route (ivf_train.c):
 * no route below ROUTE_MIN centroids (placement is exact); on clustered vectors the route
 * finds the exact nearest centroid; on vectors with no cluster structure it finds it for
 * most and otherwise one nearly as near; and k-means through the route gives lists the
 * exact placement agrees with. FN_TEST_THREADED: ivf_assign places on several threads. */
#include "fn_test.h"

#include <math.h>

#include "vec_fixture.h"
#include "index/search/ivf.h"
#include "index/search/vector.h"

/* n int8 codes from unit vectors (pointers into one block: free codes[0] and codes). */
static const int8_t **quantize_all(const float *v, size_t n, int dim)
{
	int8_t *all = malloc(n * (size_t)dim);
	const int8_t **codes = malloc(n * sizeof *codes);
	for (size_t i = 0; i < n; i++) {
		vec_quantize(v + i * (size_t)dim, dim, all + i * (size_t)dim);
		codes[i] = all + i * (size_t)dim;
	}
	return codes;
}

/* n random unit vectors (all distinct). */
static float *units(size_t n, int dim)
{
	float *v = malloc(n * (size_t)dim * sizeof *v);
	for (size_t i = 0; i < n * (size_t)dim; i++)
		v[i] = (float)vf_gauss();
	for (size_t i = 0; i < n; i++)
		vec_normalize(v + i * (size_t)dim, dim);
	return v;
}

/* nlist centroids: the first nlist vectors of v, normalised and quantised. */
static struct cents cents_of(const float *v, uint32_t nlist, int dim)
{
	struct cents c = {.nlist = nlist, .scale = malloc(nlist * sizeof(float)), .codes = malloc((size_t)nlist * dim)};
	for (uint32_t l = 0; l < nlist; l++)
		c.scale[l] = vec_quantize(v + (size_t)l * dim, dim, c.codes + (size_t)l * dim);
	return c;
}

static float score(const struct cents *c, const int8_t *x, int dim, uint32_t l)
{
	return c->scale[l] * (float)vec_dot_i8(x, c->codes + (size_t)l * dim, dim);
}

/* The share of n vectors the route places where the exact search does; *worst: the largest
 * gap between the exact best score and the placed one, relative to the best. */
static double agreement(const struct cents *c, const int8_t *const *x, size_t n, int dim, double *worst)
{
	struct ivf_route *r = ivf_route_new(c, dim);
	assert_non_null(r);
	int32_t *dots = malloc(ivf_place_room(c, dim) * sizeof *dots);
	size_t same = 0;
	*worst = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t e = ivf_nearest(c, x[i], dim, dots), p = ivf_place(c, r, x[i], dim, dots);
		assert_true(p < c->nlist);
		same += e == p;
		float be = score(c, x[i], dim, e), bp = score(c, x[i], dim, p);
		assert_true(bp <= be);
		double gap = be > 0 ? (double)(be - bp) / (double)be : 0;
		if (gap > *worst)
			*worst = gap;
	}
	free(dots);
	ivf_route_free(r);
	return (double)same / (double)n;
}

static void test_small_is_exact(void **state)
{
	(void)state;
	vf_rng = 0x5EED0001ull;
	const int dim = 64;
	float *v = units(255, dim);
	struct cents c = cents_of(v, 255, dim);
	assert_null(ivf_route_new(&c, dim));
	const int8_t **x = quantize_all(v, 255, dim);
	int32_t *dots = malloc(ivf_place_room(&c, dim) * sizeof *dots);
	for (size_t i = 0; i < 255; i++)
		assert_int_equal(ivf_place(&c, NULL, x[i], dim, dots), ivf_nearest(&c, x[i], dim, dots));
	free(dots);
	free((void *)x[0]), free(x), free(v);
	ivf_cents_free(&c);
}

/* 1,000 centroids of 384 dimensions (as at 1M chunks), vectors near them. */
static void test_clustered(void **state)
{
	(void)state;
	vf_rng = 0x5EED0002ull;
	const int dim = 384;
	const size_t n = 20000;
	float *cv = units(1000, dim);
	struct cents c = cents_of(cv, 1000, dim);
	float *v = malloc(n * (size_t)dim * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		const float *base = cv + (size_t)(vf_rnd() * 1000) * (size_t)dim;
		for (int d = 0; d < dim; d++)
			v[i * (size_t)dim + (size_t)d] = base[d] + (float)(vf_gauss() * 0.8 / sqrt((double)dim));
		vec_normalize(v + i * (size_t)dim, dim);
	}
	const int8_t **x = quantize_all(v, n, dim);
	double worst, a = agreement(&c, x, n, dim, &worst);
	print_message("route vs exact, clustered: %.4f agree, worst gap %.3f\n", a, worst);
	assert_true(a >= 0.999);
	free((void *)x[0]), free(x), free(v), free(cv);
	ivf_cents_free(&c);
}

/* Random directions: the nearest of 1,000 centroids is barely nearer than the next ones. */
static void test_diffuse(void **state)
{
	(void)state;
	vf_rng = 0x5EED0003ull;
	const int dim = 384;
	const size_t n = 5000;
	float *cv = units(1000, dim), *v = units(n, dim);
	struct cents c = cents_of(cv, 1000, dim);
	const int8_t **x = quantize_all(v, n, dim);
	double worst, a = agreement(&c, x, n, dim, &worst);
	print_message("route vs exact, random: %.4f agree, worst gap %.3f\n", a, worst);
	assert_true(a >= 0.5);
	assert_true(worst < 0.5);
	free((void *)x[0]), free(x), free(v), free(cv);
	ivf_cents_free(&c);
}

/* k-means of 30,000 clustered vectors into 300 lists through the route: the exact placement
 * puts (nearly) every vector where ivf_assign put it, and every list is used. */
static void test_train(void **state)
{
	(void)state;
	vf_rng = 0x5EED0004ull;
	const int dim = 128;
	const size_t n = 30000;
	const uint32_t nlist = 300;
	float *v = vf_make_vectors(n, dim, 300, 0.35);
	const int8_t **x = quantize_all(v, n, dim);
	const int8_t **sample = malloc(nlist * 48 * sizeof *sample);
	for (size_t i = 0; i < nlist * 48; i++)
		sample[i] = x[i * n / (nlist * 48)];
	struct cents c = {.nlist = nlist, .scale = malloc(nlist * sizeof(float)), .codes = malloc((size_t)nlist * dim)};
	ivf_train(sample, nlist * 48, dim, nlist, 2, &c);
	uint32_t *lab = malloc(n * sizeof *lab), *count = calloc(nlist, sizeof *count);
	ivf_assign(&c, dim, x, n, lab, 2);
	int32_t *dots = malloc(ivf_place_room(&c, dim) * sizeof *dots);
	size_t same = 0;
	for (size_t i = 0; i < n; i++) {
		same += ivf_nearest(&c, x[i], dim, dots) == lab[i];
		count[lab[i]]++;
	}
	size_t empty = 0;
	for (uint32_t l = 0; l < nlist; l++)
		empty += count[l] == 0;
	print_message("trained through the route: %.4f placed as exactly, %zu empty lists\n", (double)same / n, empty);
	assert_true((double)same / (double)n >= 0.99);
	assert_true(empty <= nlist / 20);
	free(dots), free(lab), free(count), free(sample);
	free((void *)x[0]), free(x), free(v);
	ivf_cents_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_is_exact),
		cmocka_unit_test(test_clustered),
		cmocka_unit_test(test_diffuse),
		cmocka_unit_test(test_train),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
