/* ivf_tune.c - ivf_tune: the nprobe a new IVF needs, measured on its own vectors (see ivf.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "index/search/ivf.h"
#include "index/search/vector.h"

#define TUNE_Q 64        /* stored vectors used as queries */
#define TUNE_K 10        /* neighbours each */
#define TUNE_RECALL 0.97 /* the share of neighbours the probed lists must hold */
#define TUNE_CAND_MAX 4000
#define TUNE_MEMBERS 4096 /* members of a query's probed lists ranked (an even sample) */

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

/* The sign code of an int8 vector, as vbits_encode makes it: words and factor. */
static float sign_code(const int8_t *x, int dim, uint64_t *w)
{
	double n2 = 0, l1 = 0;
	memset(w, 0, vbits_words(dim) * 8);
	for (int i = 0; i < dim; i++) {
		if (x[i] > 0)
			w[i / 64] |= 1ull << (i % 64);
		n2 += (double)x[i] * x[i];
		l1 += abs(x[i]);
	}
	return l1 > 0 ? (float)(sqrt(n2) / l1) : 1e-30f;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The candidates the sign-code stage must keep: for each query, the members of its first
 * p lists are ranked by their sign-code estimate, and the neighbours among them must be
 * in the first cand; cand covers 97% of them. */
static uint32_t tune_cand(int dim, const int8_t *const *codes, const uint32_t *lab, size_t n, const int8_t *q,
			  size_t nq, const uint32_t *ranks, uint32_t nlist, uint32_t p, struct topk *tops)
{
	size_t cap = 0, nneed = 0, capneed = 0;
	float *est = NULL, *fq = xmalloc((size_t)dim * sizeof *fq);
	uint32_t *need = NULL;
	uint64_t w[64];
	for (size_t i = 0; i < nq; i++) {
		const uint32_t *rank = ranks + i * nlist;
		for (int d = 0; d < dim; d++)
			fq[d] = q[i * (size_t)dim + (size_t)d];
		struct qbits qb;
		qbits_make(fq, dim, &qb);
		/* an even sample of at most TUNE_MEMBERS members stands for all of them */
		size_t members = 0, m = 0, seen = 0;
		for (size_t v = 0; v < n; v++)
			members += rank[lab[v]] < p;
		size_t stride = members > TUNE_MEMBERS ? (members + TUNE_MEMBERS - 1) / TUNE_MEMBERS : 1;
		for (size_t v = 0; v < n; v++) {
			if (rank[lab[v]] >= p || seen++ % stride)
				continue;
			float fac = sign_code(codes[v], dim, w);
			est = xgrow(est, &cap, m + 1, sizeof *est);
			vbits_est(&qb, &fac, w, 1, &est[m++]);
		}
		/* a neighbour's place among the members: how many estimate above it */
		const struct topk *tp = &tops[i];
		for (size_t r = 0; r < tp->n; r++) {
			size_t id = (size_t)tp->v[r].id;
			if (rank[lab[id]] >= p)
				continue;
			uint64_t ww[64];
			float fac = sign_code(codes[id], dim, ww), e;
			vbits_est(&qb, &fac, ww, 1, &e);
			size_t above = 0;
			for (size_t j = 0; j < m; j++)
				above += est[j] > e;
			need = xgrow(need, &capneed, nneed + 1, sizeof *need);
			need[nneed++] = (uint32_t)(above * stride + 1);
		}
		free(qb.plane);
	}
	uint32_t cand = 0;
	if (nneed) {
		qsort(need, nneed, sizeof *need, cmp_u32);
		cand = need[(size_t)(TUNE_RECALL * (double)(nneed - 1))];
	}
	free(est), free(fq), free(need);
	return cand < TUNE_CAND_MAX ? cand : TUNE_CAND_MAX;
}

uint32_t ivf_tune(const struct cents *c, int dim, const int8_t *const *codes, const float *scale,
		  const uint32_t *lab, size_t n, int ncpu, uint32_t *cand)
{
	*cand = 0;
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
	uint32_t *ranks = xmalloc(nq * c->nlist * sizeof *ranks);
	struct lrank *order = xmalloc(c->nlist * sizeof *order);
	int32_t *dots = xmalloc(c->nlist * sizeof *dots);
	for (size_t i = 0; i < nq; i++) {
		vec_dots(q + i * (size_t)dim, c->codes, dim, c->nlist, dots);
		for (uint32_t l = 0; l < c->nlist; l++)
			order[l] = (struct lrank){l, c->scale[l] * (float)dots[l]};
		qsort(order, c->nlist, sizeof *order, cmp_lrank);
		uint32_t *rank = ranks + i * c->nlist;
		for (uint32_t r = 0; r < c->nlist; r++)
			rank[order[r].list] = r;
		struct topk *tp = &jobs[0].top[i];
		for (size_t r = 0; r < tp->n; r++, total++)
			hist[rank[lab[tp->v[r].id]]]++;
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
	/* What search will probe: at least 4 lists. */
	*cand = tune_cand(dim, codes, lab, n, q, nq, ranks, c->nlist, p > 4 ? p : 4, jobs[0].top);
	for (size_t i = 0; i < nq; i++)
		topk_free(&jobs[0].top[i]);
	for (size_t t = 0; t < nt; t++)
		free(jobs[t].top);
	free(jobs), free(qidx), free(q), free(hist), free(ranks), free(order), free(dots);
	return p;
}
