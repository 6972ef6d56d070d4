/* test_search.c - BM25 against a hand computation, the burstiness in a term's weight, RRF
 * fusion, top-k heap, vector scan against brute force (and int8 recall against f32),
 * collection filter, per-file cap, snippets. */
#include "fn_test.h"

#include <math.h>

#include "idx_test.h"
#include "index/search/lexical.h"
#include "index/search/search.h"
#include "index/store/store.h"
#include "index/text/text.h"
#include "index/search/vector.h"

/* A new index at ixdir over the files in docs, collection "notes", no stemming. */
static idx *index_notes(const char *docs, const char *ixdir)
{
	idx *ix;
	assert_int_equal(idx_open(ixdir, IDX_CREATE, &ix), 0);
	struct idx_folder fo = {docs, "notes"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "none"};
	assert_int_equal(idx_sync(ix, &opt, NULL, NULL, NULL), 0);
	return ix;
}

static void test_bm25_hand(void **state)
{
	(void)state;
	char *root = tmpdir_new();
	char *docs = path_in(root, "docs"), *ixdir = path_in(root, "ix");
	write_file(docs, "a.txt", "apple banana apple\n");
	write_file(docs, "b.txt", "banana cherry\n");
	write_file(docs, "c.txt", "cherry date elderberry fig\n");
	idx *ix = index_notes(docs, ixdir);
	/* N = 3, lengths 3, 2, 4: avgdl = 3. k1 = 1.2, b = 0.75.
	 * weight(t) = ln(1 + (N - df + 0.5) / (df + 0.5)) * sqrt(cf / df): apple is in one
	 * chunk twice (cf / df = 2), banana and cherry once in each of two. */
	double idf1 = log(1 + 2.5 / 1.5) * sqrt(2.0), idf2 = log(1 + 1.5 / 2.5);
	struct idx_query q = {.text = "apple", .k = 10, .mode = IDX_LEXICAL};
	struct idx_hits h;
	assert_int_equal(idx_search(ix, &q, &h), 0);
	assert_int_equal(h.n, 1);
	/* a: tf 2, len 3: norm = 1.2 * (0.25 + 0.75 * 3 / 3) = 1.2 */
	assert_true(fabs(h.v[0].score - idf1 * 2 * 2.2 / (2 + 1.2)) < 1e-9);
	assert_non_null(strstr(h.v[0].path, "a.txt"));
	assert_string_equal(h.v[0].collection, "notes");
	idx_hits_free(&h);

	q.text = "banana cherry";
	assert_int_equal(idx_search(ix, &q, &h), 0);
	assert_int_equal(h.n, 3);
	double sb = 2 * idf2 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2.0 / 3)); /* b: len 2 */
	double sa = idf2 * 2.2 / (1 + 1.2);                              /* a: len 3 */
	double sc = idf2 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 4.0 / 3));    /* c: len 4 */
	assert_non_null(strstr(h.v[0].path, "b.txt"));
	assert_non_null(strstr(h.v[1].path, "a.txt"));
	assert_non_null(strstr(h.v[2].path, "c.txt"));
	assert_true(fabs(h.v[0].score - sb) < 1e-9);
	assert_true(fabs(h.v[1].score - sa) < 1e-9);
	assert_true(fabs(h.v[2].score - sc) < 1e-9);
	assert_int_equal(h.v[0].line_start, 1);
	idx_hits_free(&h);

	/* Context terms count at their weight: "cherry" (df 2, so idf2) with "apple" as context
	 * at 0.3. a gets 0.3 * its apple score, and apple's burst in a (twice in three words)
	 * puts it first; b and c keep their cherry scores. */
	q = (struct idx_query){.text = "cherry", .k = 10, .mode = IDX_LEXICAL, .context = "apple",
			       .context_weight = 0.3};
	assert_int_equal(idx_search(ix, &q, &h), 0);
	assert_int_equal(h.n, 3);
	double cb = idf2 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2.0 / 3));
	double ca = 0.3 * idf1 * 2 * 2.2 / (2 + 1.2);
	assert_non_null(strstr(h.v[0].path, "a.txt"));
	assert_true(fabs(h.v[0].score - ca) < 1e-9);
	assert_non_null(strstr(h.v[1].path, "b.txt"));
	assert_true(fabs(h.v[1].score - cb) < 1e-9);
	assert_non_null(strstr(h.v[2].path, "c.txt"));
	idx_hits_free(&h);
	/* The default weight applies when none is given. */
	q.context_weight = 0;
	assert_int_equal(idx_search(ix, &q, &h), 0);
	assert_true(fabs(h.v[0].score - IDX_CONTEXT_WEIGHT * idf1 * 2 * 2.2 / (2 + 1.2)) < 1e-9);
	idx_hits_free(&h);
	idx_close(ix);
	rm_rf(root);
	free(docs);
	free(ixdir);
	free(root);
}

/* Two terms in as many chunks weigh as their burstiness says: the one that comes in bursts
 * where it occurs outweighs the one spread thin, the burst counts up to LEX_BURST_MAX, and
 * the statistics the later stages look up are the ones lex_search read. */
static void test_burst(void **state)
{
	(void)state;
	assert_true(fabs(lex_weight(10, 2, 0) - log(1 + 8.5 / 2.5)) < 1e-12);
	assert_true(fabs(lex_weight(10, 2, 4) - log(1 + 8.5 / 2.5) * sqrt(2.0)) < 1e-12);
	assert_true(fabs(lex_weight(10, 2, 400) - log(1 + 8.5 / 2.5) * sqrt(LEX_BURST_MAX)) < 1e-12);
	char *root = tmpdir_new();
	char *docs = path_in(root, "docs"), *ixdir = path_in(root, "ix");
	write_file(docs, "a.txt", "tumor tumor tumor tumor growth\n");
	write_file(docs, "b.txt", "tumor cells\n");
	write_file(docs, "c.txt", "increase weight\n");
	write_file(docs, "d.txt", "increase output\n");
	idx *ix = index_notes(docs, ixdir);
	/* b and c are alike but for the word the query shares with them, each in two chunks. */
	struct idx_query q = {.text = "tumor increase", .k = 10, .mode = IDX_LEXICAL};
	struct idx_hits h;
	assert_int_equal(idx_search(ix, &q, &h), 0);
	assert_int_equal(h.n, 4);
	double sb = 0, sc = 0;
	for (size_t i = 0; i < h.n; i++) {
		if (strstr(h.v[i].path, "b.txt"))
			sb = h.v[i].score;
		if (strstr(h.v[i].path, "c.txt"))
			sc = h.v[i].score;
	}
	/* tumor: cf 5 over df 2; increase: cf 2 over df 2. */
	assert_true(sc > 0);
	assert_true(fabs(sb / sc - sqrt(2.5)) < 1e-9);
	idx_hits_free(&h);

	MDB_txn *txn;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	struct tokenizer *t = tok_new("none");
	struct lex_stats st = {0};
	struct lex_query lq = {"tumor increase", NULL, 0};
	struct sfilter f = {0};
	struct scored *out;
	size_t nout;
	assert_int_equal(lex_search(txn, ix, t, &lq, &f, 10, &st, &out, &nout), 0);
	assert_int_equal(nout, 4);
	assert_int_equal(st.n, 2);
	double df, cf, df2, cf2;
	lex_stat(txn, ix, &st, "tumor", 5, &df, &cf);
	lex_stat(txn, ix, NULL, "tumor", 5, &df2, &cf2);
	assert_true(df == 2 && cf == 5 && df2 == 2 && cf2 == 5);
	/* A term lex_search did not read is read from its postings and kept. */
	lex_stat(txn, ix, &st, "cells", 5, &df, &cf);
	assert_true(df == 1 && cf == 1);
	assert_int_equal(st.n, 3);
	lex_stat(txn, ix, &st, "absent", 6, &df, &cf);
	assert_true(df == 0 && cf == 0);
	assert_true(lex_weight(4, df, cf) > 0);
	free(out);
	lex_stats_free(&st);
	tok_free(t);
	store_rtxn_end(ix, txn);
	idx_close(ix);
	rm_rf(root);
	free(docs);
	free(ixdir);
	free(root);
}

static void test_rrf(void **state)
{
	(void)state;
	struct scored lex[] = {{1, 9}, {2, 8}, {3, 7}};
	struct scored vec[] = {{3, .9}, {4, .8}, {1, .7}};
	struct fused *f;
	size_t n;
	fuse_rrf(lex, 3, 1.0, vec, 3, 0.5, 60, &f, &n);
	assert_int_equal(n, 4);
	/* 1: 1/61 + .5/63; 3: 1/63 + .5/61; 2: 1/62; 4: .5/62 */
	double s1 = 1.0 / 61 + 0.5 / 63, s3 = 1.0 / 63 + 0.5 / 61, s2 = 1.0 / 62, s4 = 0.5 / 62;
	assert_int_equal(f[0].id, 1);
	assert_true(fabs(f[0].score - s1) < 1e-12);
	assert_int_equal(f[1].id, 3);
	assert_true(fabs(f[1].score - s3) < 1e-12);
	assert_int_equal(f[2].id, 2);
	assert_true(fabs(f[2].score - s2) < 1e-12);
	assert_int_equal(f[3].id, 4);
	assert_true(fabs(f[3].score - s4) < 1e-12);
	assert_int_equal(f[0].rank_lex, 1);
	assert_int_equal(f[0].rank_vec, 3);
	assert_int_equal(f[3].rank_lex, 0);
	free(f);
}

static void test_topk(void **state)
{
	(void)state;
	struct topk t;
	topk_init(&t, 5);
	for (uint64_t i = 0; i < 100; i++)
		topk_push(&t, i, (double)((i * 37) % 101));
	topk_sort(&t);
	assert_int_equal(t.n, 5);
	for (size_t i = 1; i < t.n; i++)
		assert_true(t.v[i - 1].score >= t.v[i].score);
	assert_true(t.v[0].score == 100);
	topk_free(&t);
}

static uint64_t rng = 88172645463325252ULL;
static double rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

struct vecload {
	idx *ix;
	float *v;
	size_t n;
	int dim;
};

static int load_vectors(MDB_txn *txn, void *arg)
{
	struct vecload *l = arg;
	struct stage s;
	stage_init(&s, l->ix->vec, vec_block_size(l->dim));
	for (size_t i = 0; i < l->n; i++)
		vec_set(&s, txn, i + 1, l->v + i * (size_t)l->dim, l->dim);
	int rc = stage_flush(&s, txn);
	stage_free(&s);
	return rc;
}

static int cmp_desc(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;
	return x->score < y->score ? 1 : x->score > y->score ? -1 : (x->id > y->id) - (x->id < y->id);
}

static void test_vector_bruteforce(void **state)
{
	(void)state;
	char *root = tmpdir_new();
	idx *ix;
	assert_int_equal(idx_open(root, IDX_CREATE, &ix), 0);
	const int dim = 384;
	const size_t n = 6000, k = 10, nq = 40;
	float *v = malloc(n * dim * sizeof *v);
	/* Clustered vectors, so neighbours are meaningful (uniform noise has no structure). */
	float *centers = malloc(50 * dim * sizeof *centers);
	for (size_t i = 0; i < 50 * (size_t)dim; i++)
		centers[i] = (float)(rnd() * 2 - 1);
	for (size_t i = 0; i < n; i++) {
		const float *c = centers + (i % 50) * dim;
		for (int j = 0; j < dim; j++)
			v[i * dim + j] = c[j] + (float)(rnd() * 2 - 1) * 0.8f;
		vec_normalize(v + i * dim, dim);
	}
	struct vecload l = {ix, v, n, dim};
	assert_int_equal(store_write(ix, load_vectors, &l), 0);
	double recall = 0;
	struct sfilter all = {NULL};
	int8_t *qc = malloc(dim), *dc = malloc(dim);
	struct scored *bf = malloc(n * sizeof *bf), *bq = malloc(n * sizeof *bq);
	for (size_t qi = 0; qi < nq; qi++) {
		float q[384];
		const float *c = centers + (qi % 50) * dim;
		for (int j = 0; j < dim; j++)
			q[j] = c[j] + (float)(rnd() * 2 - 1) * 0.8f;
		vec_normalize(q, dim);
		MDB_txn *txn;
		assert_int_equal(store_rtxn_begin(ix, &txn), 0);
		struct scored *got;
		size_t ngot;
		assert_int_equal(vec_search(txn, ix, q, dim, &all, k, &got, &ngot), 0);
		store_rtxn_end(ix, txn);
		assert_int_equal(ngot, k);
		/* Brute force on the same int8 codes must agree exactly. */
		float qs = vec_quantize(q, dim, qc);
		for (size_t i = 0; i < n; i++) {
			float ds = vec_quantize(v + i * dim, dim, dc);
			bq[i] = (struct scored){i + 1, (double)(qs * ds * (float)vec_dot_i8(qc, dc, dim))};
			double d = 0;
			for (int j = 0; j < dim; j++)
				d += (double)q[j] * v[i * dim + j];
			bf[i] = (struct scored){i + 1, d};
		}
		qsort(bq, n, sizeof *bq, cmp_desc);
		qsort(bf, n, sizeof *bf, cmp_desc);
		for (size_t i = 0; i < k; i++)
			assert_int_equal(got[i].id, bq[i].id);
		size_t hit = 0;
		for (size_t i = 0; i < k; i++)
			for (size_t j = 0; j < k; j++)
				hit += got[i].id == bf[j].id;
		recall += (double)hit / k;
		free(got);
	}
	recall /= nq;
	print_message("# int8 recall@10 against exact f32: %.3f\n", recall);
	assert_true(recall >= 0.9);
	free(qc);
	free(dc);
	free(bf);
	free(bq);
	free(v);
	free(centers);
	idx_close(ix);
	rm_rf(root);
	free(root);
}

static const char *words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
			      "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"};

static void test_collection_filter_and_cap(void **state)
{
	(void)state;
	char *root = tmpdir_new();
	char *ixdir = path_in(root, "ix");
	const char *colls[] = {"work", "home", "misc"};
	char *dirs[3];
	for (int c = 0; c < 3; c++) {
		dirs[c] = path_in(root, colls[c]);
		for (int f = 0; f < 20; f++) {
			char name[64], text[4096] = "";
			snprintf(name, sizeof name, "f%d.md", f);
			for (int para = 0; para < 6; para++) {
				for (int w = 0; w < 25; w++) {
					strcat(text, words[(size_t)(rnd() * 16)]);
					strcat(text, " ");
				}
				strcat(text, "\n\n");
			}
			write_file(dirs[c], name, text);
		}
	}
	struct idx_folder fo[3] = {{dirs[0], colls[0]}, {dirs[1], colls[1]}, {dirs[2], colls[2]}};
	struct idx_options opt = {.folders = fo, .nfolders = 3, .chunk_chars = 200, .overlap_chars = 20};
	idx *ix;
	assert_int_equal(idx_open(ixdir, IDX_CREATE, &ix), 0);
	const struct idx_embedder *emb = idx_embedder_builtin();
	assert_int_equal(idx_sync(ix, &opt, emb, NULL, NULL), 0);
	struct idx_stats st;
	idx_stats(ix, &st);
	assert_int_equal(st.files, 60);
	assert_true(st.chunks > 60);
	for (int i = 0; i < 200; i++) {
		char qt[128];
		snprintf(qt, sizeof qt, "%s %s", words[(size_t)(rnd() * 16)], words[(size_t)(rnd() * 16)]);
		const char *allowed[2];
		size_t na = 1 + (size_t)(rnd() * 2);
		allowed[0] = colls[(size_t)(rnd() * 3)];
		allowed[1] = colls[(size_t)(rnd() * 3)];
		struct idx_query q = {.text = qt, .k = 20, .mode = (enum idx_mode)(i % 3), .collections = allowed,
				      .ncollections = na, .emb = emb, .per_file_cap = (size_t)(i % 4)};
		struct idx_hits h;
		assert_int_equal(idx_search(ix, &q, &h), 0);
		assert_true(h.n > 0);
		for (size_t j = 0; j < h.n; j++) {
			bool ok = false;
			for (size_t a = 0; a < na; a++)
				ok |= strcmp(h.v[j].collection, allowed[a]) == 0;
			if (!ok)
				fail_msg("hit from %s leaked into a query for %s", h.v[j].collection, allowed[0]);
			if (q.per_file_cap) {
				size_t same = 0;
				for (size_t m = 0; m < h.n; m++)
					same += strcmp(h.v[m].path, h.v[j].path) == 0;
				assert_true(same <= q.per_file_cap);
			}
			assert_non_null(h.v[j].snippet);
			assert_null(strchr(h.v[j].snippet, '\n'));
		}
		idx_hits_free(&h);
	}
	/* An unknown collection sees nothing. */
	const char *none[] = {"nope"};
	struct idx_query q = {.text = "alpha", .k = 5, .mode = IDX_HYBRID, .collections = none, .ncollections = 1, .emb = emb};
	struct idx_hits h;
	assert_int_equal(idx_search(ix, &q, &h), 0);
	assert_int_equal(h.n, 0);
	idx_hits_free(&h);
	idx_close(ix);
	rm_rf(root);
	for (int c = 0; c < 3; c++)
		free(dirs[c]);
	free(ixdir);
	free(root);
}

static void test_snippet(void **state)
{
	(void)state;
	struct tokenizer *t = tok_new("english");
	const char *text = "Intro line.\n\nLots of filler words here that do not matter at all, and more filler "
			   "text follows to push the match further away from the start of the chunk.   The "
			   "mitochondria is the powerhouse of the cell,\n and mitochondrial DNA is inherited. Then "
			   "more words follow that are not relevant to anything in the query whatsoever.";
	char *s = snippet_make(t, text, strlen(text), "mitochondria powerhouse", 160);
	assert_non_null(strstr(s, "powerhouse"));
	assert_null(strchr(s, '\n'));
	assert_null(strstr(s, "  "));
	assert_true(strlen(s) < 260);
	free(s);
	tok_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bm25_hand),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_rrf),
		cmocka_unit_test(test_topk),
		cmocka_unit_test(test_vector_bruteforce),
		cmocka_unit_test(test_collection_filter_and_cap),
		cmocka_unit_test(test_snippet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
