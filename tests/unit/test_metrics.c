/* test_metrics.c - recall, precision, reciprocal rank, nDCG with graded relevance and
 * percentiles, each against figures worked out by hand (in the comments). */
#include "fn_test.h"

#include "core/eval/metrics.h"

#define EPS 1e-9

/* Ranking: not relevant, relevant, not, relevant, not; 3 documents are relevant. */
static void test_recall_precision(void **state)
{
	(void)state;
	const double g[] = {0, 1, 0, 1, 0};
	assert_float_equal(metric_recall(g, 5, 5, 3), 2.0 / 3, EPS);   /* 2 of 3 found */
	assert_float_equal(metric_recall(g, 5, 2, 3), 1.0 / 3, EPS);   /* only rank 2 within k=2 */
	assert_float_equal(metric_precision(g, 5, 5), 0.4, EPS);       /* 2 of 5 */
	assert_float_equal(metric_precision(g, 5, 2), 0.5, EPS);       /* 1 of 2 */
	assert_float_equal(metric_precision(g, 5, 1), 0.0, EPS);
	/* A short ranking is not rewarded: 1 relevant of k=10 is 0.1, not 1. */
	const double one[] = {1};
	assert_float_equal(metric_precision(one, 1, 10), 0.1, EPS);
	assert_float_equal(metric_recall(one, 1, 10, 1), 1.0, EPS);
	/* Graded: any grade above 0 counts as relevant. */
	const double graded[] = {2, 0, 1};
	assert_float_equal(metric_recall(graded, 3, 3, 2), 1.0, EPS);
	/* Nothing relevant judged, or nothing retrieved. */
	assert_float_equal(metric_recall(g, 5, 5, 0), 0.0, EPS);
	assert_float_equal(metric_recall(NULL, 0, 10, 2), 0.0, EPS);
	assert_float_equal(metric_precision(NULL, 0, 10), 0.0, EPS);
	assert_float_equal(metric_precision(g, 5, 0), 0.0, EPS);
}

static void test_reciprocal_rank(void **state)
{
	(void)state;
	const double g[] = {0, 1, 0, 1, 0};
	assert_float_equal(metric_rr(g, 5, 10), 0.5, EPS);             /* first relevant at rank 2 */
	assert_float_equal(metric_rr(g, 5, 1), 0.0, EPS);              /* outside the cut-off */
	const double first[] = {3, 0};
	assert_float_equal(metric_rr(first, 2, 10), 1.0, EPS);
	const double late[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	assert_float_equal(metric_rr(late, 11, 10), 0.0, EPS);         /* rank 11 > MRR@10 */
	assert_float_equal(metric_rr(late, 11, 11), 1.0 / 11, EPS);
	assert_float_equal(metric_rr(NULL, 0, 10), 0.0, EPS);
}

/* Ranking grades 1, 2, 0; judged grades 2, 1, 1 (one relevant document not retrieved).
 *   DCG  = 1/log2(2) + 2/log2(3)               = 1 + 1.26186            = 2.26186
 *   IDCG = 2/log2(2) + 1/log2(3) + 1/log2(4)   = 2 + 0.63093 + 0.5      = 3.13093
 *   nDCG = 0.722424 */
static void test_ndcg_graded(void **state)
{
	(void)state;
	const double g[] = {1, 2, 0};
	const double judged[] = {1, 2, 1}; /* any order: the ideal ranking is sorted */
	assert_float_equal(metric_ndcg(g, 3, judged, 3, 10), 0.7224242270408039, 1e-12);
	/* The ideal order itself scores 1. */
	const double ideal[] = {2, 1, 1};
	assert_float_equal(metric_ndcg(ideal, 3, judged, 3, 10), 1.0, EPS);
	/* k=1: DCG 1 / IDCG 2. */
	assert_float_equal(metric_ndcg(g, 3, judged, 3, 1), 0.5, EPS);
	/* One relevant document (grade 2) at rank 2: (2/log2(3)) / 2 = 0.630930. */
	const double second[] = {0, 2};
	const double j2[] = {2};
	assert_float_equal(metric_ndcg(second, 2, j2, 1, 10), 0.6309297535714575, 1e-12);
	assert_float_equal(metric_ndcg(second, 2, j2, 1, 1), 0.0, EPS);
	/* Nothing relevant judged (grades 0 are ignored), or k = 0. */
	const double zero[] = {0};
	assert_float_equal(metric_ndcg(g, 3, zero, 1, 10), 0.0, EPS);
	assert_float_equal(metric_ndcg(g, 3, judged, 3, 0), 0.0, EPS);
	assert_float_equal(metric_ndcg(NULL, 0, judged, 3, 10), 0.0, EPS);
}

/* Ties. Two judged documents of the same grade: the ideal ranking is 1, 1, and the ranking
 * 0, 1, 1 gives (1/log2(3) + 1/log2(4)) / (1 + 1/log2(3)) = 1.13093 / 1.63093 = 0.693426.
 * Results the retriever tied are scored in the order given: 1, 0 and 0, 1 differ. */
static void test_ties(void **state)
{
	(void)state;
	const double g[] = {0, 1, 1};
	const double judged[] = {1, 1};
	assert_float_equal(metric_ndcg(g, 3, judged, 2, 10), 0.6934264036172708, 1e-12);
	const double a[] = {1, 0}, b[] = {0, 1};
	assert_float_equal(metric_rr(a, 2, 10), 1.0, EPS);
	assert_float_equal(metric_rr(b, 2, 10), 0.5, EPS);
	assert_float_equal(metric_recall(a, 2, 2, 1), metric_recall(b, 2, 2, 1), EPS);
	/* Equal grades anywhere in the judgments give the same ideal. */
	const double j1[] = {1, 2, 1}, j2[] = {2, 1, 1};
	const double r[] = {2, 1};
	assert_float_equal(metric_ndcg(r, 2, j1, 3, 10), metric_ndcg(r, 2, j2, 3, 10), EPS);
}

static void test_percentile(void **state)
{
	(void)state;
	double v[] = {5, 1, 4, 2, 3};
	assert_float_equal(metric_percentile(v, 5, 50), 3, EPS);  /* rank ceil(2.5) = 3 */
	assert_float_equal(metric_percentile(v, 5, 95), 5, EPS);  /* rank ceil(4.75) = 5 */
	assert_float_equal(metric_percentile(v, 5, 0), 1, EPS);   /* at least rank 1 */
	assert_float_equal(metric_percentile(v, 5, 100), 5, EPS);
	assert_float_equal(v[0], 5, EPS);                          /* input left alone */
	const double ties[] = {2, 9, 2, 2};
	assert_float_equal(metric_percentile(ties, 4, 50), 2, EPS); /* rank 2 */
	assert_float_equal(metric_percentile(ties, 4, 95), 9, EPS); /* rank ceil(3.8) = 4 */
	double twenty[20];
	for (int i = 0; i < 20; i++)
		twenty[i] = i + 1;
	assert_float_equal(metric_percentile(twenty, 20, 95), 19, EPS); /* rank 19 exactly */
	assert_float_equal(metric_percentile(twenty, 20, 50), 10, EPS);
	assert_float_equal(metric_percentile(NULL, 0, 50), 0, EPS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recall_precision),
		cmocka_unit_test(test_reciprocal_rank),
		cmocka_unit_test(test_ndcg_graded),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_percentile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
