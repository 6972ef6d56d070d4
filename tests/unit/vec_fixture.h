/* vec_fixture.h - random clustered vectors for the vector tests (test_vector.c, test_ivf.c):
 * a xorshift generator whose state the test seeds (vf_rng), gaussian noise, and unit
 * vectors around gaussian centroids. Test code only. */
#ifndef FN_VEC_FIXTURE_H
#define FN_VEC_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

extern uint64_t vf_rng;  /* the state; assign a seed before a run */
double vf_rnd(void);     /* uniform in [0, 1) */
double vf_gauss(void);   /* standard normal */
/* n unit vectors: ncent gaussian centroids plus gaussian noise of the given spread.
 * Caller frees. */
float *vf_make_vectors(size_t n, int dim, size_t ncent, double spread);

#endif
