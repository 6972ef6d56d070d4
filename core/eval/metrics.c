/* metrics.c - recall, precision, reciprocal rank, nDCG, percentiles (see metrics.h). */
#include "core/eval/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"

static size_t relevant_in(const double *gains, size_t n, size_t k)
{
	size_t hits = 0;
	for (size_t i = 0; i < n && i < k; i++)
		hits += gains[i] > 0;
	return hits;
}

double metric_recall(const double *gains, size_t n, size_t k, size_t nrel)
{
	if (!nrel)
		return 0;
	return (double)relevant_in(gains, n, k) / (double)nrel;
}

double metric_precision(const double *gains, size_t n, size_t k)
{
	if (!k)
		return 0;
	return (double)relevant_in(gains, n, k) / (double)k;
}

double metric_rr(const double *gains, size_t n, size_t k)
{
	for (size_t i = 0; i < n && i < k; i++)
		if (gains[i] > 0)
			return 1.0 / (double)(i + 1);
	return 0;
}

static double dcg(const double *gains, size_t n, size_t k)
{
	double sum = 0;
	for (size_t i = 0; i < n && i < k; i++)
		if (gains[i] > 0)
			sum += gains[i] / log2((double)i + 2.0);
	return sum;
}

static int by_grade_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x < y) - (x > y);
}

double metric_ndcg(const double *gains, size_t n, const double *judged, size_t njudged, size_t k)
{
	if (!njudged || !k)
		return 0;
	double *ideal = xmalloc(njudged * sizeof *ideal);
	memcpy(ideal, judged, njudged * sizeof *ideal);
	qsort(ideal, njudged, sizeof *ideal, by_grade_desc);
	double best = dcg(ideal, njudged, k);
	free(ideal);
	return best > 0 ? dcg(gains, n, k) / best : 0;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double metric_percentile(const double *v, size_t n, double p)
{
	if (!n)
		return 0;
	double *s = xmalloc(n * sizeof *s);
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, by_value);
	/* Nearest rank: ceil(p/100 * n), 1-based, at least 1. */
	double r = ceil(p * (double)n / 100.0); /* exact for whole p and n */
	size_t rank = r < 1 ? 1 : r > (double)n ? n : (size_t)r;
	double out = s[rank - 1];
	free(s);
	return out;
}
