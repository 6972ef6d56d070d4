/* test_ivf.c - the IVF lists (index/search/ivf.h): recall@10 against the exact int8 search
 * on clustered vectors at a fixed seed, lists kept consistent through inserts, deletes,
 * changed vectors, re-training and dropping, an aborted txn leaving them as they were, and
 * ivf_check / store_check catching corrupted lists, an older layout left alone until the
 * next sync re-trains it. FN_TEST_THREADED: training assigns and
 * tunes on several threads. */
#include "fn_test.h"

#include <math.h>

#include "idx_test.h"
#include "vec_fixture.h"
#include "index/search/ivf.h"
#include "index/search/search.h"
#include "index/search/vector.h"
#include "index/store/store.h"

struct vload {
	idx *ix;
	const float *v;
	uint64_t first; /* chunk id of v[0] */
	size_t n;
	int dim;
	const uint64_t *clear;
	size_t nclear;
	int fail; /* return an error after writing everything: the txn aborts */
};

static int load(MDB_txn *txn, void *arg)
{
	struct vload *l = arg;
	struct stage s;
	stage_init(&s, l->ix->vec, vec_block_size(l->dim));
	for (size_t i = 0; l->v && i < l->n; i++)
		vec_set(&s, txn, l->first + i, l->v + i * (size_t)l->dim, l->dim);
	for (size_t i = 0; i < l->nclear; i++)
		vec_clear(&s, txn, l->clear[i], l->dim);
	int rc = meta_put_u64(txn, l->ix, "vbits", 1);
	if (!rc)
		rc = stage_flush(&s, txn);
	if (!rc)
		rc = vbits_update(txn, l->ix, &s, l->dim);
	if (!rc)
		rc = ivf_maintain(txn, l->ix, l->dim); /* as a sync's end does, in its own txn */
	stage_free(&s);
	return rc ? rc : l->fail ? IDX_EIO : 0;
}

static void check_ok(idx *ix, int dim)
{
	char err[256] = "";
	MDB_txn *txn;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	int rc = ivf_check(txn, ix, dim, err, sizeof err);
	store_rtxn_end(ix, txn);
	if (rc)
		fail_msg("ivf_check: %s", err);
}

static int check_err(idx *ix, int dim, char *err, size_t len)
{
	MDB_txn *txn;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	int rc = ivf_check(txn, ix, dim, err, len);
	store_rtxn_end(ix, txn);
	return rc;
}

static uint32_t nlist_of(idx *ix, int dim, uint64_t *nvec)
{
	MDB_txn *txn;
	struct cents c;
	uint32_t n = 0;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	if (ivf_ready(txn, ix, dim, nvec) && ivf_cents_load(txn, ix, dim, &c) == 0) {
		n = c.nlist;
		ivf_cents_free(&c);
	}
	store_rtxn_end(ix, txn);
	return n;
}

/* The vectors waiting in the fresh list (ivf.h), and the total. */
static uint32_t fresh_of(idx *ix, int dim, uint64_t *total)
{
	MDB_txn *txn;
	struct cents c;
	struct ivf_nhdr nh;
	uint32_t *count, n = UINT32_MAX;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	if (ivf_cents_load(txn, ix, dim, &c) == 0) {
		if (ivf_counts_load(txn, ix, c.nlist, &nh, &count) == 0) {
			n = count[c.nlist];
			*total = nh.total;
			free(count);
		}
		ivf_cents_free(&c);
	}
	store_rtxn_end(ix, txn);
	return n;
}

/* Mean recall@10 of ivf_search against the exact int8 scan, queries near live vectors
 * (n vectors at v). */
static double recall_at_10(idx *ix, const float *v, size_t n, int dim, size_t nq, double noise)
{
	struct sfilter all = {NULL};
	float *q = malloc((size_t)dim * sizeof *q);
	double r = 0;
	for (size_t qi = 0; qi < nq; qi++) {
		const float *base = v + (size_t)(vf_rnd() * (double)n) * (size_t)dim;
		for (int j = 0; j < dim; j++)
			q[j] = base[j] + (float)(vf_gauss() * noise / sqrt((double)dim));
		vec_normalize(q, dim);
		struct scored *got, *want;
		size_t ngot, nwant;
		MDB_txn *txn;
		assert_int_equal(store_rtxn_begin(ix, &txn), 0);
		assert_int_equal(ivf_search(txn, ix, q, dim, &all, 10, &got, &ngot), 0);
		assert_int_equal(vec_search_exact(txn, ix, q, dim, &all, 10, &want, &nwant), 0);
		store_rtxn_end(ix, txn);
		assert_int_equal(ngot, nwant);
		size_t hit = 0;
		for (size_t i = 0; i < ngot; i++)
			for (size_t j = 0; j < nwant; j++)
				hit += got[i].id == want[j].id;
		r += nwant ? (double)hit / (double)nwant : 1;
		free(got);
		free(want);
	}
	free(q);
	return r / (double)nq;
}

/* 12,000 clustered vectors of 128 dimensions, trained from 5,000 on: recall@10 >= 0.95
 * against the exact scan with the default nprobe and candidates, and vec_search takes
 * the IVF path (same answer as ivf_search). */
static void test_recall(void **state)
{
	(void)state;
	vf_rng = 0x5EED1234ull;
	const int dim = 128;
	const size_t n = 12000;
	ivf_set_params(5000, 0, 0);
	char *root = tmpdir_new();
	idx *ix;
	assert_int_equal(idx_open(root, IDX_CREATE, &ix), 0);
	float *v = vf_make_vectors(n, dim, 300, 0.35);
	struct vload l = {ix, v, 1, n, dim, NULL, 0, 0};
	assert_int_equal(store_write(ix, load, &l), 0);
	uint64_t nvec = 0;
	assert_int_equal(nlist_of(ix, dim, &nvec), 110); /* sqrt(12000) */
	assert_int_equal(nvec, n);
	check_ok(ix, dim);
	double r = recall_at_10(ix, v, n, dim, 100, 0.3);
	print_message("IVF recall@10 vs exact int8: %.3f\n", r);
	assert_true(r >= 0.95);
	/* vec_search answers from the lists (from 1 vector on, here) */
	vec_set_approx(1, 0);
	struct sfilter all = {NULL};
	struct scored *a, *b;
	size_t na, nb;
	MDB_txn *txn;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_int_equal(vec_search(txn, ix, v + 77 * dim, dim, &all, 10, &a, &na), 0);
	assert_int_equal(ivf_search(txn, ix, v + 77 * dim, dim, &all, 10, &b, &nb), 0);
	store_rtxn_end(ix, txn);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		assert_int_equal(a[i].id, b[i].id);
	assert_int_equal(a[0].id, 78);
	free(a);
	free(b);
	free(v);
	idx_close(ix);
	rm_rf(root);
	free(root);
}

/* Inserts, deletes and changed vectors keep every vector in exactly one list (new ones in
 * the fresh list until it is merged, found there meanwhile); a deleted
 * vector is never found; an aborted txn leaves the lists as they were; growth past 2x
 * re-trains, shrinking below half the minimum drops the IVF. */
static void test_incremental(void **state)
{
	(void)state;
	vf_rng = 0x1234ABCDull;
	const int dim = 64;
	ivf_set_params(1000, 0, 0);
	char *root = tmpdir_new();
	idx *ix;
	assert_int_equal(idx_open(root, IDX_CREATE, &ix), 0);
	const size_t total = 5600;
	float *v = vf_make_vectors(total, dim, 80, 0.3);
	/* below the minimum: no IVF */
	struct vload l = {ix, v, 1, 900, dim, NULL, 0, 0};
	assert_int_equal(store_write(ix, load, &l), 0);
	assert_int_equal(nlist_of(ix, dim, NULL), 0);
	check_ok(ix, dim);
	/* crossing it: trained on 1200 */
	l = (struct vload){ix, v + 900 * dim, 901, 300, dim, NULL, 0, 0};
	assert_int_equal(store_write(ix, load, &l), 0);
	uint64_t nvec;
	assert_int_equal(nlist_of(ix, dim, &nvec), 35);
	assert_int_equal(nvec, 1200);
	check_ok(ix, dim);
	uint64_t tot = 0;
	assert_int_equal(fresh_of(ix, dim, &tot), 0);
	/* appends in small txns, deletes, and changed vectors; new vectors wait in the fresh
	 * list (searched whole) until it holds 256, then join their lists */
	struct sfilter all = {NULL};
	MDB_txn *txn;
	for (size_t at = 1200; at < 2300; at += 100) { /* 2300: below twice the 1200 trained on */
		l = (struct vload){ix, v + at * dim, at + 1, 100, dim, NULL, 0, 0};
		assert_int_equal(store_write(ix, load, &l), 0);
		uint32_t fresh = fresh_of(ix, dim, &tot);
		assert_int_equal(tot, at + 100);
		assert_int_equal(fresh, (at - 1200) / 100 % 3 == 2 ? 0 : ((at - 1200) / 100 % 3 + 1) * 100);
		struct scored *got;
		size_t ng;
		assert_int_equal(store_rtxn_begin(ix, &txn), 0);
		assert_int_equal(ivf_search(txn, ix, v + (at + 50) * dim, dim, &all, 10, &got, &ng), 0);
		store_rtxn_end(ix, txn);
		assert_true(ng > 0);
		assert_int_equal(got[0].id, at + 51);
		free(got);
		check_ok(ix, dim);
	}
	uint64_t del[300];
	for (size_t i = 0; i < 300; i++)
		del[i] = 1 + (i * 7919) % 2400;
	l = (struct vload){ix, NULL, 0, 0, dim, del, 300, 0};
	assert_int_equal(store_write(ix, load, &l), 0);
	check_ok(ix, dim);
	/* ids 11..60 get the vectors of 5001..5050 */
	l = (struct vload){ix, v + 5000 * dim, 11, 50, dim, NULL, 0, 0};
	assert_int_equal(store_write(ix, load, &l), 0);
	check_ok(ix, dim);
	assert_int_equal(nlist_of(ix, dim, &nvec), 35);
	for (size_t i = 0; i < 300; i += 29) {
		struct scored *got;
		size_t ng;
		assert_int_equal(store_rtxn_begin(ix, &txn), 0);
		assert_int_equal(ivf_search(txn, ix, v + (del[i] - 1) * dim, dim, &all, 10, &got, &ng), 0);
		store_rtxn_end(ix, txn);
		for (size_t j = 0; j < ng; j++)
			assert_true(got[j].id != del[i] || (del[i] >= 11 && del[i] <= 60));
		free(got);
	}
	for (size_t i = 0; i < 50; i += 7) {
		struct scored *got;
		size_t ng;
		assert_int_equal(store_rtxn_begin(ix, &txn), 0);
		assert_int_equal(ivf_search(txn, ix, v + (5000 + i) * dim, dim, &all, 10, &got, &ng), 0);
		store_rtxn_end(ix, txn);
		assert_true(ng > 0);
		assert_int_equal(got[0].id, 11 + i);
		free(got);
	}
	/* an aborted txn: nothing of it is seen */
	l = (struct vload){ix, v + 2400 * dim, 2401, 500, dim, del, 100, 1};
	assert_int_equal(store_write(ix, load, &l), IDX_EIO);
	uint64_t after;
	assert_int_equal(nlist_of(ix, dim, &after), 35);
	assert_int_equal(after, nvec);
	check_ok(ix, dim);
	/* growth past twice the 1200 trained on: re-trained, sqrt(n) lists */
	l = (struct vload){ix, v + 2400 * dim, 2401, 3200, dim, NULL, 0, 0};
	assert_int_equal(store_write(ix, load, &l), 0);
	uint32_t nl = nlist_of(ix, dim, &nvec);
	assert_true(nvec >= 4800);
	assert_int_equal(nl, (uint32_t)lrint(sqrt((double)nvec)));
	check_ok(ix, dim);
	double r = recall_at_10(ix, v + 2400 * dim, 3200, dim, 40, 0.3);
	print_message("IVF recall@10 after re-training: %.3f\n", r);
	assert_true(r >= 0.9);
	/* shrinking below 500 vectors (half the minimum) drops it; search scans */
	uint64_t *all_ids = malloc(5550 * sizeof *all_ids);
	for (size_t i = 0; i < 5550; i++)
		all_ids[i] = i + 1;
	l = (struct vload){ix, NULL, 0, 0, dim, all_ids, 5550, 0};
	assert_int_equal(store_write(ix, load, &l), 0);
	assert_int_equal(nlist_of(ix, dim, NULL), 0);
	check_ok(ix, dim);
	struct scored *got;
	size_t ng;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	assert_int_equal(ivf_search(txn, ix, v + 5570 * dim, dim, &all, 10, &got, &ng), 1);
	assert_int_equal(vec_search(txn, ix, v + 5570 * dim, dim, &all, 10, &got, &ng), 0);
	store_rtxn_end(ix, txn);
	assert_int_equal(ng, 10);
	assert_int_equal(got[0].id, 5571);
	free(got);
	free(all_ids);
	free(v);
	idx_close(ix);
	rm_rf(root);
	free(root);
}

/* Corruptions of the lists, each caught by ivf_check. */
enum harm { SWAP_ID, DROP_SEG, DROP_ASSIGN, STALE_CODE };
struct harmctx {
	idx *ix;
	enum harm h;
};
static int harm(MDB_txn *txn, void *arg)
{
	struct harmctx *c = arg;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(txn, c->h == DROP_ASSIGN ? c->ix->ivfa : c->ix->ivfl, &cur);
	if (!rc)
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	if (rc)
		return rc;
	if (c->h == DROP_SEG || c->h == DROP_ASSIGN) {
		rc = mdb_cursor_del(cur, 0);
		mdb_cursor_close(cur);
		return rc;
	}
	unsigned char *copy = malloc(v.mv_size);
	memcpy(copy, v.mv_data, v.mv_size);
	MDB_val kk = k, nv = {v.mv_size, copy};
	mdb_cursor_close(cur);
	uint64_t *ids = seg_ids(copy);
	if (c->h == SWAP_ID)
		ids[0] = ids[0] == 1 ? 2 : 1; /* an id of (most likely) another list, or twice */
	else
		seg_words(copy, seg_cap(1))[0] ^= 1; /* dim 64: one word */
	rc = mdb_put(txn, c->ix->ivfl, &kk, &nv, 0);
	free(copy);
	return rc;
}

static void test_corrupt(void **state)
{
	(void)state;
	vf_rng = 0xFEEDull;
	const int dim = 64;
	ivf_set_params(1000, 0, 0);
	static const enum harm hs[] = {SWAP_ID, DROP_SEG, DROP_ASSIGN, STALE_CODE};
	static const char *const want[] = {"IVF list", "segment", "assignment", "stale"};
	float *v = vf_make_vectors(1500, dim, 40, 0.3);
	for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
		char *root = tmpdir_new();
		idx *ix;
		assert_int_equal(idx_open(root, IDX_CREATE, &ix), 0);
		struct vload l = {ix, v, 1, 1500, dim, NULL, 0, 0};
		assert_int_equal(store_write(ix, load, &l), 0);
		check_ok(ix, dim);
		struct harmctx hc = {ix, hs[i]};
		assert_int_equal(store_write(ix, harm, &hc), 0);
		char err[256] = "";
		assert_int_equal(check_err(ix, dim, err, sizeof err), IDX_ECORRUPT);
		print_message("corruption %zu: %s\n", i, err);
		assert_non_null(strstr(err, want[i]));
		idx_close(ix);
		rm_rf(root);
		free(root);
	}
	free(v);
}

/* The fixture of test_sync and test_old_layout: 90 short notes in root/docs, indexed into
 * root/ix by idx_sync with the builtin embedder, the IVF trained from 60 vectors on. */
struct notes {
	char *root, *docs, *ixd;
	struct idx_folder fo;
	struct idx_options opt;
	idx *ix;
};
static int notes_setup(void **state)
{
	ivf_set_params(60, 0, 0);
	struct notes *n = calloc(1, sizeof *n);
	n->root = tmpdir_new();
	n->docs = path_in(n->root, "docs");
	n->ixd = path_in(n->root, "ix");
	n->fo = (struct idx_folder){n->docs, "docs"};
	n->opt = (struct idx_options){.folders = &n->fo, .nfolders = 1, .language = "english"};
	char name[64], text[256];
	for (int i = 0; i < 90; i++) {
		snprintf(name, sizeof name, "f%02d.md", i);
		snprintf(text, sizeof text, "# note %d\n\nthe %s fox %d jumps over lazy dog number %d\n", i,
			 i % 3 ? "quick" : "slow", i, i * 7);
		write_file(n->docs, name, text);
	}
	assert_int_equal(idx_open(n->ixd, IDX_CREATE, &n->ix), 0);
	assert_int_equal(idx_sync(n->ix, &n->opt, idx_embedder_builtin(), NULL, NULL), 0);
	*state = n;
	return 0;
}
static int notes_teardown(void **state)
{
	struct notes *n = *state;
	idx_close(n->ix);
	rm_rf(n->root);
	free(n->root), free(n->docs), free(n->ixd), free(n);
	return 0;
}

/* Through idx_sync with the builtin embedder: the lists are trained in the sync's txn,
 * follow deletes and edits, and store_check covers them. */
static void test_sync(void **state)
{
	struct notes *n = *state;
	idx *ix = n->ix;
	const char *docs = n->docs;
	int dim = idx_embedder_builtin()->dim;
	uint64_t nvec;
	assert_int_equal(nlist_of(ix, dim, &nvec), 16);
	assert_int_equal(nvec, 90);
	char err[256];
	assert_int_equal(store_check(ix, err, sizeof err), 0);
	char *gone = path_in(docs, "f03.md");
	assert_int_equal(unlink(gone), 0);
	write_file(docs, "f04.md", "# note four\n\nan entirely different paragraph about otters\n");
	assert_int_equal(idx_sync(ix, &n->opt, idx_embedder_builtin(), NULL, NULL), 0);
	assert_int_equal(store_check(ix, err, sizeof err), 0);
	assert_int_equal(nlist_of(ix, dim, &nvec), 16);
	assert_int_equal(nvec, 89);
	struct harmctx hc = {ix, DROP_SEG};
	assert_int_equal(store_write(ix, harm, &hc), 0);
	assert_int_equal(store_check(ix, err, sizeof err), IDX_ECORRUPT);
	assert_non_null(strstr(err, "IVF"));
	free(gone);
}

/* The centroids' record rewritten with the previous layout's magic ("IVF3"). */
static int old_magic(MDB_txn *txn, void *arg)
{
	idx *ix = arg;
	MDB_val k = {1, (void *)"c"}, v;
	int rc = mdb_get(txn, ix->ivfc, &k, &v);
	if (rc)
		return rc;
	unsigned char *copy = malloc(v.mv_size);
	memcpy(copy, v.mv_data, v.mv_size);
	uint32_t magic = 0x33465649u;
	memcpy(copy, &magic, 4);
	MDB_val nv = {v.mv_size, copy};
	rc = mdb_put(txn, ix->ivfc, &k, &nv, 0);
	free(copy);
	return rc;
}

/* An index whose IVF has an older layout: store_check passes, search does not use it, and
 * the next sync re-trains it. */
static void test_old_layout(void **state)
{
	struct notes *n = *state;
	idx *ix = n->ix;
	int dim = idx_embedder_builtin()->dim;
	assert_int_equal(nlist_of(ix, dim, NULL), 16);
	assert_int_equal(store_write(ix, old_magic, ix), 0);
	assert_int_equal(nlist_of(ix, dim, NULL), 0);
	char err[256];
	assert_int_equal(store_check(ix, err, sizeof err), 0);
	assert_int_equal(idx_sync(ix, &n->opt, idx_embedder_builtin(), NULL, NULL), 0);
	uint64_t nvec;
	assert_int_equal(nlist_of(ix, dim, &nvec), 16);
	assert_int_equal(nvec, 90);
	assert_int_equal(store_check(ix, err, sizeof err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recall),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test_setup_teardown(test_sync, notes_setup, notes_teardown),
		cmocka_unit_test_setup_teardown(test_old_layout, notes_setup, notes_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
