/* ivf_tune.c - ivf_tune: the nprobe a new IVF needs, measured on its own vectors (see ivf.h). */
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "index/search/ivf.h"
#include "index/search/vector.h"

#define TUNE_Q 64        /* stored vectors used as queries */
#define TUNE_K 10        /* neighbours each */
#define TUNE_RECALL 0.97 /* the share of neighbours the probed lists must hold */

struct tjob {
	const int8_t *const *codes;
	const float *scale;
	size_t a, e;
	int dim;
	const int8_t *q; /* nq x dim */
	const size_t *qidx;
	size_t nq;
	struct topk *top; /* nq, this job's */
};

static void *tune_run(void *arg)
{
	struct tjob *j = arg;
	int32_t d[TUNE_Q];
	for (size_t i = j->a; i < j->e; i++) {
		vec_dots(j->codes[i], j->q, j->dim, j->nq, d);
		for (size_t t = 0; t < j->nq; t++) {
			double s = (double)j->scale[i] * d[t];
			struct topk *tp = &j->top[t];
			if (i != j->qidx[t] && (tp->n < tp->k || s > tp->v[0].score))
				topk_push(tp, i, s);
		}
	}
	return NULL;
}

struct lrank {
	uint32_t list;
	float score;
};
static int cmp_lrank(const void *a, const void *b)
{
	const struct lrank *x = a, *y = b;
	return x->score < y->score ? 1 : x->score > y->score ? -1 : (x->list > y->list) - (x->list < y->list);
}

uint32_t ivf_tune(const struct cents *c, int dim, const int8_t *const *codes, const float *scale,
		  const uint32_t *lab, size_t n, int ncpu)
{
	size_t nq = n / 8 < TUNE_Q ? n / 8 : TUNE_Q;
	if (!nq)
		return c->nlist;
	size_t *qidx = xmalloc(nq * sizeof *qidx);
	int8_t *q = xmalloc(nq * (size_t)dim);
	for (size_t t = 0; t < nq; t++) {
		qidx[t] = t * n / nq + n / (2 * nq);
		memcpy(q + t * (size_t)dim, codes[qidx[t]], (size_t)dim);
	}
	/* The exact neighbours of each query (int8 scores), over every vector. */
	size_t nt = n >= 4096 && ncpu > 1 ? (size_t)ncpu : 1;
	struct tjob *jobs = xcalloc(nt, sizeof *jobs);
	for (size_t t = 0; t < nt; t++) {
		jobs[t] = (struct tjob){codes, scale, n * t / nt, n * (t + 1) / nt, dim, q, qidx, nq,
					xcalloc(nq, sizeof(struct topk))};
		for (size_t i = 0; i < nq; i++)
			topk_init(&jobs[t].top[i], TUNE_K);
	}
	vec_fan_out(tune_run, jobs, sizeof *jobs, nt);
	for (size_t t = 1; t < nt; t++)
		for (size_t i = 0; i < nq; i++) {
			for (size_t r = 0; r < jobs[t].top[i].n; r++)
				topk_push(&jobs[0].top[i], jobs[t].top[i].v[r].id, jobs[t].top[i].v[r].score);
			topk_free(&jobs[t].top[i]);
		}
	/* Where each neighbour's list comes in its query's order of lists. */
	size_t *hist = xcalloc(c->nlist, sizeof *hist), total = 0;
	uint32_t *rank = xmalloc(c->nlist * sizeof *rank);
	struct lrank *order = xmalloc(c->nlist * sizeof *order);
	int32_t *dots = xmalloc(c->nlist * sizeof *dots);
	for (size_t i = 0; i < nq; i++) {
		vec_dots(q + i * (size_t)dim, c->codes, dim, c->nlist, dots);
		for (uint32_t l = 0; l < c->nlist; l++)
			order[l] = (struct lrank){l, c->scale[l] * (float)dots[l]};
		qsort(order, c->nlist, sizeof *order, cmp_lrank);
		for (uint32_t r = 0; r < c->nlist; r++)
			rank[order[r].list] = r;
		struct topk *tp = &jobs[0].top[i];
		for (size_t r = 0; r < tp->n; r++, total++)
			hist[rank[lab[tp->v[r].id]]]++;
		topk_free(tp);
	}
	uint32_t p = c->nlist;
	size_t got = 0;
	for (uint32_t r = 0; r < c->nlist; r++) {
		got += hist[r];
		if ((double)got >= TUNE_RECALL * (double)total) {
			p = r + 1;
			break;
		}
	}
	for (size_t t = 0; t < nt; t++)
		free(jobs[t].top);
	free(jobs), free(qidx), free(q), free(hist), free(rank), free(order), free(dots);
	return p;
}
