/* test_rerank.c - the builtin second stage (index/search/rerank.c): each feature orders
 * crafted passages as it says, the defaults only reorder the first stage's hits (the same
 * set, the collection filter kept); and the model reranker's bodies and replies
 * (core/answer/rerank_http.c) for each API shape. */
#include "fn_test.h"

#include "idx_test.h"
#include "core/answer/second.h"
#include "core/app/config.h"
#include "index/search/rerank.h"

struct fix {
	char *root, *docs, *ixdir;
	idx *ix;
};

static void fix_dirs(struct fix *f)
{
	f->root = tmpdir_new();
	f->docs = path_in(f->root, "docs");
	f->ixdir = path_in(f->root, "ix");
}

/* Creates the index over folders fo[0..n) with the builtin embedder. */
static void fix_sync(struct fix *f, struct idx_folder *fo, size_t n)
{
	assert_int_equal(idx_open(f->ixdir, IDX_CREATE, &f->ix), 0);
	struct idx_options opt = {.folders = fo, .nfolders = n, .language = "english"};
	assert_int_equal(idx_sync(f->ix, &opt, idx_embedder_builtin(), NULL, NULL), 0);
}

static void fix_open(struct fix *f)
{
	fix_dirs(f);
	/* "heart attack" as a phrase in b only, a long passage; a is short and has both words
	 * ten words apart, so BM25 puts a first. */
	write_file(f->docs, "a.txt", "heart one two three four five six seven eight nine attack. dawn dawn dawn.\n");
	write_file(f->docs, "b.txt", "a heart attack patient was treated at dawn in the city clinic today. fillera fillerb fillerc fillerd fillere fillerf fillerg fillerh filleri fillerj fillerk fillerl fillerm fillern fillero fillerp fillerq fillerr fillers fillert filleru fillerv fillerw fillerx fillery fillerz\n");
	write_file(f->docs, "c.txt", "nothing here but filler words about gardens and rivers.\n");
	char *other = path_in(f->root, "other");
	write_file(other, "d.txt", "heart attack heart attack heart attack risk\n");
	struct idx_folder fo[2] = {{f->docs, "notes"}, {other, "private"}};
	fix_sync(f, fo, 2);
	free(other);
}

static void fix_close(struct fix *f)
{
	idx_close(f->ix);
	rm_rf(f->root);
	free(f->root), free(f->docs), free(f->ixdir);
}

static const char *const notes[] = {"notes"};

static void search(struct fix *f, const char *text, enum idx_mode mode, bool rerank,
		   const struct idx_rerank_weights *w, struct idx_hits *h)
{
	struct idx_query q = {.text = text, .k = 10, .mode = mode, .emb = idx_embedder_builtin(),
			      .collections = notes, .ncollections = 1, .rerank = rerank, .rerank_weights = w};
	assert_int_equal(idx_search(f->ix, &q, h), 0);
}

static bool ends(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* The phrase feature alone puts the passage with "heart attack" in order first, whatever
 * the first stage said; the proximity and span features agree. */
static void test_phrase_and_proximity(void **state)
{
	(void)state;
	struct fix f;
	fix_open(&f);
	struct idx_hits h;
	search(&f, "heart attack", IDX_LEXICAL, false, NULL, &h);
	assert_int_equal(h.n, 2);
	assert_true(ends(h.v[0].path, "/a.txt")); /* more occurrences: BM25 likes a */
	idx_hits_free(&h);
	for (int k = RR_BIGRAM; k <= RR_SPAN; k++) {
		struct idx_rerank_weights w = {.top_n = 10};
		w.w[k] = 1;
		search(&f, "heart attack", IDX_LEXICAL, true, &w, &h);
		assert_int_equal(h.n, 2);
		assert_true(ends(h.v[0].path, "/b.txt"));
		assert_true(ends(h.v[1].path, "/a.txt"));
		idx_hits_free(&h);
	}
	fix_close(&f);
}

/* Coverage: the passage holding both rare terms beats one holding one term many times. */
static void test_coverage(void **state)
{
	(void)state;
	struct fix f;
	fix_open(&f);
	struct idx_rerank_weights w = {.top_n = 10};
	w.w[RR_COVER] = 1;
	struct idx_hits h;
	search(&f, "dawn clinic", IDX_LEXICAL, true, &w, &h);
	assert_true(h.n >= 2);
	assert_true(ends(h.v[0].path, "/b.txt"));
	idx_hits_free(&h);
	fix_close(&f);
}

/* The defaults, in hybrid: the same hits as the first stage (reordered at most), never one
 * from a collection the query may not see, however well it matches. */
static void test_defaults_same_set(void **state)
{
	(void)state;
	struct fix f;
	fix_open(&f);
	struct idx_hits a, b;
	search(&f, "heart attack at dawn", IDX_HYBRID, false, NULL, &a);
	search(&f, "heart attack at dawn", IDX_HYBRID, true, NULL, &b);
	assert_int_equal(a.n, b.n);
	assert_true(a.n >= 2);
	for (size_t i = 0; i < b.n; i++) {
		assert_string_equal(b.v[i].collection, "notes");
		assert_null(strstr(b.v[i].path, "d.txt"));
		bool found = false;
		for (size_t j = 0; j < a.n; j++)
			found |= strcmp(a.v[j].path, b.v[i].path) == 0;
		assert_true(found);
	}
	idx_hits_free(&a);
	idx_hits_free(&b);
	/* Only stopwords still rerank without failing. */
	search(&f, "the of", IDX_LEXICAL, true, NULL, &a);
	idx_hits_free(&a);
	fix_close(&f);
}

/* Each API's body names its fields as the server reads them. */
static void test_bodies(void **state)
{
	(void)state;
	const char *docs[2] = {"first \"passage\"", "second"};
	char *b = second_body(RERANK_API_LLAMA, "bge-reranker", "what?", docs, 2);
	assert_string_equal(b, "{\"model\":\"bge-reranker\",\"query\":\"what?\",\"documents\":"
			       "[\"first \\\"passage\\\"\",\"second\"],\"top_n\":2}");
	free(b);
	b = second_body(RERANK_API_COHERE, "", "what?", docs, 2);
	assert_string_equal(b, "{\"query\":\"what?\",\"documents\":[\"first \\\"passage\\\"\",\"second\"],\"top_n\":2}");
	free(b);
	b = second_body(RERANK_API_TEI, "ignored", "what?", docs, 2);
	assert_string_equal(b, "{\"query\":\"what?\",\"texts\":[\"first \\\"passage\\\"\",\"second\"],\"truncate\":true}");
	free(b);
}

static void expect_order(const char *body, size_t n, const size_t *want)
{
	size_t order[8];
	const char *why = "unset";
	assert_int_equal(second_parse(body, strlen(body), n, order, &why), 0);
	assert_null(why);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(order[i], want[i]);
}

static void expect_bad(const char *body, size_t n)
{
	size_t order[8];
	const char *why = NULL;
	assert_int_equal(second_parse(body, strlen(body), n, order, &why), -1);
	assert_non_null(why);
}

/* llama.cpp's, vLLM's, Jina's and Cohere's shape, and TEI's; the order follows the scores
 * whatever order the results come in; a passage left out keeps its first-stage place after
 * the scored ones; anything else is refused with a reason. */
static void test_replies(void **state)
{
	(void)state;
	expect_order("{\"model\":\"m\",\"object\":\"list\",\"usage\":{\"prompt_tokens\":9},"
		     "\"results\":[{\"index\":0,\"relevance_score\":-3.5},{\"index\":1,\"relevance_score\":7.25},"
		     "{\"index\":2,\"relevance_score\":0.5}]}",
		     3, (const size_t[]){1, 2, 0});
	expect_order("[{\"index\":2,\"score\":0.9},{\"index\":0,\"score\":0.1},{\"index\":1,\"score\":0.3}]", 3,
		     (const size_t[]){2, 1, 0});
	expect_order("{\"results\":[{\"index\":3,\"relevance_score\":1,\"document\":{\"text\":\"x\"}}]}", 4,
		     (const size_t[]){3, 0, 1, 2});
	expect_bad("not json", 2);
	expect_bad("{\"error\":{\"code\":500,\"message\":\"boom\"}}", 2);
	expect_bad("{\"results\":[]}", 2);
	expect_bad("{\"results\":[{\"index\":5,\"relevance_score\":1}]}", 2);
	expect_bad("{\"results\":[{\"index\":1,\"relevance_score\":1},{\"index\":1,\"relevance_score\":2}]}", 2);
	expect_bad("{\"results\":[{\"index\":0}]}", 2);
	expect_bad("{\"results\":[{\"index\":0.5,\"relevance_score\":1}]}", 2);
}

/* second_apply: the new order, cut to k, every string freed once (ASan checks). */
static void test_apply(void **state)
{
	(void)state;
	struct idx_hits h = {calloc(4, sizeof *h.v), 4};
	for (size_t i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof name, "p%zu", i);
		h.v[i].path = strdup(name);
	}
	const size_t order[4] = {2, 0, 3, 1};
	second_apply(&h, order, 4, 3);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.v[0].path, "p2");
	assert_string_equal(h.v[1].path, "p0");
	assert_string_equal(h.v[2].path, "p3");
	second_apply(&h, NULL, 0, 2);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[1].path, "p0");
	idx_hits_free(&h);
}

/* The neighbours' counts (RR_NBR): x holds "alpha" only, in a longer passage than w, so
 * BM25 alone puts w first; x's nearest fellow candidates (the y's, by vector) hold "beta",
 * w's (the v's) do not, so BM25 over the smoothed counts puts x first. In lexical mode there
 * are no vectors and the feature is BM25. */
static void test_neighbours(void **state)
{
	(void)state;
	struct fix f;
	fix_dirs(&f);
	write_file(f.docs, "x.txt", "alpha gamma delta epsilon zeta eta theta iota kappa lambda\n");
	write_file(f.docs, "w.txt", "alpha omega psi chi rho sigma tau\n");
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "y%d.txt", i);
		write_file(f.docs, name, "beta gamma delta epsilon zeta eta theta iota kappa\n");
		snprintf(name, sizeof name, "v%d.txt", i);
		write_file(f.docs, name, "omega psi chi rho sigma tau upsilon phi\n");
	}
	struct idx_folder fo = {f.docs, "notes"};
	fix_sync(&f, &fo, 1);
	static const struct {
		int feat;
		enum idx_mode mode;
		const char *first, *second;
	} cases[] = {
		{RR_BM25, IDX_HYBRID, "/w.txt", "/x.txt"},
		{RR_NBR, IDX_HYBRID, "/x.txt", "/w.txt"},
		{RR_NBR, IDX_LEXICAL, "/w.txt", "/x.txt"},
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		struct idx_rerank_weights w = {.top_n = 20};
		w.w[cases[c].feat] = 1;
		struct idx_query q = {.text = "alpha beta", .k = 20, .mode = cases[c].mode,
				      .emb = idx_embedder_builtin(), .rerank = true, .rerank_weights = &w};
		struct idx_hits h;
		assert_int_equal(idx_search(f.ix, &q, &h), 0);
		size_t first = h.n, second = h.n;
		for (size_t i = 0; i < h.n; i++) {
			if (ends(h.v[i].path, cases[c].first))
				first = i;
			if (ends(h.v[i].path, cases[c].second))
				second = i;
		}
		assert_true(first < second && second < h.n);
		idx_hits_free(&h);
	}
	fix_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phrase_and_proximity),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_defaults_same_set),
		cmocka_unit_test(test_neighbours),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
