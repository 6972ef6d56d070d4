/* test_vector.c - the approximate vector search (sign codes + int8 rescoring) against a
 * brute-force reference on random data, codes kept in step with the vectors through
 * deletes and updates, store checks of the codes, and the backfill of an index made
 * before the codes existed. The scans run on several threads: FN_TEST_THREADED. */
#include "fn_test.h"

#include <math.h>

#include "idx_test.h"
#include "vec_fixture.h"
#include "index/search/search.h"
#include "index/store/store.h"
#include "index/search/vector.h"

struct vload {
	idx *ix;
	const float *v;
	size_t n;
	int dim;
	const uint64_t *clear; /* ids to clear, then */
	size_t nclear;
	bool codes; /* false: leave the sign codes stale */
};

/* Sets chunk ids 1..n to v (NULL: keeps them), clears the listed ids, refreshes the codes. */
static int load(MDB_txn *txn, void *arg)
{
	struct vload *l = arg;
	struct stage s;
	stage_init(&s, l->ix->vec, vec_block_size(l->dim));
	for (size_t i = 0; l->v && i < l->n; i++)
		vec_set(&s, txn, i + 1, l->v + i * (size_t)l->dim, l->dim);
	for (size_t i = 0; i < l->nclear; i++)
		vec_clear(&s, txn, l->clear[i], l->dim);
	int rc = stage_flush(&s, txn);
	if (!rc && l->codes)
		rc = vbits_update(txn, l->ix, &s, l->dim);
	if (!rc && l->codes)
		rc = meta_put_u64(txn, l->ix, "vbits", 1);
	stage_free(&s);
	return rc;
}

static int cmp_desc(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	return x->score < y->score ? 1 : x->score > y->score ? -1 : (x->id > y->id) - (x->id < y->id);
}

/* Recall@k of the approximate path against a brute force over the same int8 codes. */
static double approx_recall(size_t n, int dim, size_t ncent, double spread, size_t cand, size_t nq)
{
	char *root = tmpdir_new();
	idx *ix;
	assert_int_equal(idx_open(root, IDX_CREATE, &ix), 0);
	float *v = vf_make_vectors(n, dim, ncent, spread);
	struct vload l = {ix, v, n, dim, NULL, 0, true};
	assert_int_equal(store_write(ix, load, &l), 0);
	char err[256];
	MDB_txn *txn;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_true(vbits_ready(txn, ix));
	assert_int_equal(vbits_check(txn, ix, dim, err, sizeof err), 0);
	store_rtxn_end(ix, txn);

	const size_t k = 10;
	struct sfilter all = {NULL};
	int8_t *qc = malloc((size_t)dim), *dc = malloc((size_t)dim);
	float *q = malloc((size_t)dim * sizeof *q);
	struct scored *bf = malloc(n * sizeof *bf);
	vec_set_approx(1, cand);
	double recall = 0;
	for (size_t qi = 0; qi < nq; qi++) {
		/* a query near a stored vector */
		const float *base = v + (size_t)(vf_rnd() * (double)n) * (size_t)dim;
		for (int j = 0; j < dim; j++)
			q[j] = base[j] + (float)(vf_gauss() * spread / sqrt((double)dim));
		vec_normalize(q, dim);
		float qs = vec_quantize(q, dim, qc);
		for (size_t i = 0; i < n; i++) {
			float ds = vec_quantize(v + i * (size_t)dim, dim, dc);
			bf[i] = (struct scored){i + 1, (double)(qs * ds * (float)vec_dot_i8(qc, dc, dim))};
		}
		qsort(bf, n, sizeof *bf, cmp_desc);
		struct scored *got;
		size_t ngot;
		assert_int_equal(store_rtxn_begin(ix, &txn), 0);
		assert_int_equal(vec_search(txn, ix, q, dim, &all, k, &got, &ngot), 0);
		store_rtxn_end(ix, txn);
		assert_int_equal(ngot, k);
		size_t hit = 0;
		for (size_t i = 0; i < k; i++) {
			for (size_t j = 0; j < k; j++)
				hit += got[i].id == bf[j].id;
			/* rescored exactly: a hit's score is its int8 score */
			if (i)
				assert_true(got[i].score <= got[i - 1].score);
		}
		recall += (double)hit / (double)k;
		free(got);
	}
	vec_set_approx(SIZE_MAX, 0);
	free(qc);
	free(dc);
	free(q);
	free(bf);
	free(v);
	idx_close(ix);
	rm_rf(root);
	free(root);
	return recall / (double)nq;
}

/* 20000 vectors in 100 loose clusters, 384 dims (the unrolled path), 1% rescored. */
static void test_approx_recall_384(void **state)
{
	(void)state;
	vf_rng = 0x9E3779B97F4A7C15ull;
	double r = approx_recall(20000, 384, 100, 2.0, 500, 40);
	print_message("# approximate recall@10 vs int8 brute force (384 dims, 500 of 20000): %.3f\n", r);
	assert_true(r >= 0.95);
}

/* 100 dims: the generic path and a partial last word. */
static void test_approx_recall_100(void **state)
{
	(void)state;
	vf_rng = 0xD1B54A32D192ED03ull;
	double r = approx_recall(8000, 100, 50, 2.0, 300, 40);
	print_message("# approximate recall@10 vs int8 brute force (100 dims, 300 of 8000): %.3f\n", r);
	assert_true(r >= 0.95);
}

static size_t search_ids(idx *ix, const float *q, int dim, size_t k, uint64_t *ids)
{
	MDB_txn *txn;
	struct sfilter all = {NULL};
	struct scored *got;
	size_t n;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_int_equal(vec_search_approx(txn, ix, q, dim, &all, k, &got, &n), 0);
	store_rtxn_end(ix, txn);
	for (size_t i = 0; i < n; i++)
		ids[i] = got[i].id;
	free(got);
	return n;
}

/* Deletes and updates go through the vec blocks; the codes follow in the same txn. */
static void test_codes_follow_vectors(void **state)
{
	(void)state;
	vf_rng = 0x243F6A8885A308D3ull;
	const int dim = 384;
	const size_t n = 1500; /* six blocks, the last one partial */
	char *root = tmpdir_new();
	idx *ix;
	assert_int_equal(idx_open(root, IDX_CREATE, &ix), 0);
	float *v = vf_make_vectors(n, dim, 30, 1.0);
	struct vload l = {ix, v, n, dim, NULL, 0, true};
	assert_int_equal(store_write(ix, load, &l), 0);
	char err[256];
	MDB_txn *txn;
	uint64_t ids[10];
	vec_set_approx(0, 50);

	/* delete every id of block 1 (a whole block goes) and every 7th id elsewhere */
	uint64_t *del = malloc(n * sizeof *del);
	size_t nd = 0;
	for (uint64_t id = 1; id <= n; id++)
		if (id / STORE_BLOCK == 1 || id % 7 == 0)
			del[nd++] = id;
	l = (struct vload){ix, NULL, 0, dim, del, nd, true};
	assert_int_equal(store_write(ix, load, &l), 0);
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_int_equal(vbits_check(txn, ix, dim, err, sizeof err), 0);
	store_rtxn_end(ix, txn);
	for (size_t i = 0; i < nd; i += 25) {
		size_t got = search_ids(ix, v + (del[i] - 1) * dim, dim, 10, ids);
		assert_int_equal(got, 10);
		for (size_t j = 0; j < got; j++)
			assert_true(ids[j] != del[i]);
	}

	/* update: ids 1..300 get new vectors; each one's own vector finds it first */
	float *w = vf_make_vectors(300, dim, 300, 0.1);
	l = (struct vload){ix, w, 300, dim, NULL, 0, true};
	assert_int_equal(store_write(ix, load, &l), 0);
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_int_equal(vbits_check(txn, ix, dim, err, sizeof err), 0);
	store_rtxn_end(ix, txn);
	for (size_t i = 0; i < 300; i += 13) {
		assert_true(search_ids(ix, w + i * dim, dim, 10, ids) > 0);
		assert_int_equal(ids[0], i + 1);
	}

	/* a vector written without its codes is caught */
	l = (struct vload){ix, v, 10, dim, NULL, 0, false};
	assert_int_equal(store_write(ix, load, &l), 0);
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_int_equal(vbits_check(txn, ix, dim, err, sizeof err), IDX_ECORRUPT);
	assert_non_null(strstr(err, "block 0"));
	store_rtxn_end(ix, txn);
	vec_set_approx(SIZE_MAX, 0);
	free(w);
	free(del);
	free(v);
	idx_close(ix);
	rm_rf(root);
	free(root);
}

static int forget_codes(MDB_txn *txn, void *arg)
{
	idx *ix = arg;
	int rc = mdb_drop(txn, ix->vbits, 0);
	return rc ? rc : meta_put_u64(txn, ix, "vbits", 0);
}

/* An index without codes (made before them) searches exactly, and its next sync adds
 * them; store_check then covers them. */
static void test_backfill(void **state)
{
	(void)state;
	char *root = tmpdir_new(), *docs = path_in(root, "docs"), *ixd = path_in(root, "ix");
	char name[64], text[256];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "f%02d.md", i);
		snprintf(text, sizeof text, "# note %d\n\nthe quick fox %d jumps over lazy dog number %d\n", i, i, i * 7);
		write_file(docs, name, text);
	}
	struct idx_folder fo = {docs, "docs"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "english"};
	idx *ix;
	assert_int_equal(idx_open(ixd, IDX_CREATE, &ix), 0);
	assert_int_equal(idx_sync(ix, &opt, idx_embedder_builtin(), NULL, NULL), 0);
	char err[256];
	assert_int_equal(store_check(ix, err, sizeof err), 0);
	MDB_txn *txn;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_true(vbits_ready(txn, ix));
	store_rtxn_end(ix, txn);

	assert_int_equal(store_write(ix, forget_codes, ix), 0);
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_false(vbits_ready(txn, ix));
	store_rtxn_end(ix, txn);
	/* the approximate path falls back to the exact scan: same answer */
	int dim = idx_embedder_builtin()->dim;
	float *q = calloc((size_t)dim, sizeof *q);
	q[3] = 1;
	struct sfilter all = {NULL};
	struct scored *a, *b;
	size_t na, nb;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_int_equal(vec_search_approx(txn, ix, q, dim, &all, 5, &a, &na), 0);
	assert_int_equal(vec_search_exact(txn, ix, q, dim, &all, 5, &b, &nb), 0);
	store_rtxn_end(ix, txn);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		assert_int_equal(a[i].id, b[i].id);
	free(a);
	free(b);
	free(q);

	assert_int_equal(idx_sync(ix, &opt, idx_embedder_builtin(), NULL, NULL), 0);
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_true(vbits_ready(txn, ix));
	store_rtxn_end(ix, txn);
	assert_int_equal(store_check(ix, err, sizeof err), 0);
	/* a file deleted and one edited: the codes follow through sync */
	char *gone = path_in(docs, "f03.md");
	assert_int_equal(unlink(gone), 0);
	write_file(docs, "f04.md", "# note four\n\nan entirely different paragraph about otters\n");
	assert_int_equal(idx_sync(ix, &opt, idx_embedder_builtin(), NULL, NULL), 0);
	assert_int_equal(store_check(ix, err, sizeof err), 0);
	free(gone);
	idx_close(ix);
	rm_rf(root);
	free(root);
	free(docs);
	free(ixd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_approx_recall_384),
		cmocka_unit_test(test_approx_recall_100),
		cmocka_unit_test(test_codes_follow_vectors),
		cmocka_unit_test(test_backfill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
