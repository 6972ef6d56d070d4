/* vec_fixture.c - random clustered vectors for the vector tests (see vec_fixture.h). */
#include "vec_fixture.h"

#include <math.h>
#include <stdlib.h>

#include "index/search/vector.h"

uint64_t vf_rng = 0x9E3779B97F4A7C15ull;

double vf_rnd(void)
{
	vf_rng ^= vf_rng << 13;
	vf_rng ^= vf_rng >> 7;
	vf_rng ^= vf_rng << 17;
	return (double)(vf_rng >> 11) / 9007199254740992.0;
}

double vf_gauss(void)
{
	return sqrt(-2.0 * log(vf_rnd() + 1e-300)) * cos(6.283185307179586 * vf_rnd());
}

float *vf_make_vectors(size_t n, int dim, size_t ncent, double spread)
{
	float *c = malloc(ncent * (size_t)dim * sizeof *c), *v = malloc(n * (size_t)dim * sizeof *v);
	for (size_t i = 0; i < ncent * (size_t)dim; i++)
		c[i] = (float)vf_gauss();
	for (size_t i = 0; i < n; i++) {
		const float *ci = c + (size_t)(vf_rnd() * (double)ncent) * (size_t)dim;
		for (int j = 0; j < dim; j++)
			v[i * (size_t)dim + (size_t)j] = ci[j] + (float)(vf_gauss() * spread);
		vec_normalize(v + i * (size_t)dim, dim);
	}
	free(c);
	return v;
}
