/* metrics.h - retrieval quality and latency figures, as pure functions.
 *
 * A ranking is given as the relevance grade of the result at each rank, best first:
 * gains[0] is rank 1, and 0 means not relevant. Grades come from the judgments (the BEIR
 * qrels score; 1 for a plain list of relevant documents). A document counts once: the
 * caller gives a repeated document grade 0 after its first (best) rank. The order given is
 * the order scored, so results the retriever tied are scored as it ordered them.
 *
 * Definitions follow trec_eval and BEIR (pytrec_eval), so figures compare with published
 * ones: nDCG uses the grade itself as the gain and log2(rank + 1) as the discount, and the
 * ideal ranking is every judged grade sorted best first. A cut-off k larger than the
 * ranking treats the missing ranks as not relevant.
 *
 * Used by `footnote eval` and the benchmarks. No allocation except in metric_percentile
 * (freed before it returns); any thread. */
#ifndef FN_METRICS_H
#define FN_METRICS_H

#include <stddef.h>

/* Relevant results in the top k over all relevant documents (nrel); 0 when nrel is 0. */
double metric_recall(const double *gains, size_t n, size_t k, size_t nrel);
/* Relevant results in the top k over k (not over n: a short ranking is not rewarded). */
double metric_precision(const double *gains, size_t n, size_t k);
/* 1 / the rank of the first relevant result within the top k, else 0. Averaged over
 * questions this is MRR@k. */
double metric_rr(const double *gains, size_t n, size_t k);
/* DCG@k of the ranking over DCG@k of the ideal one, built from the judged grades
 * (judged[0..njudged), any order; grades <= 0 are ignored). 0 when nothing is relevant. */
double metric_ndcg(const double *gains, size_t n, const double *judged, size_t njudged, size_t k);
/* The p-th percentile (0..100) of v[0..n) by the nearest-rank method: the smallest value
 * with at least p% of the values at or below it. v is not changed. 0 when n is 0. */
double metric_percentile(const double *v, size_t n, double p);

#endif
