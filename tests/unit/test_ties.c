/* test_ties.c - equal scores rank by path, then place in the file, not by chunk id (issue
 * 22, index/search/ties.h): three files of the same text indexed one pass at a time, in
 * reverse path order (so their chunk ids run the other way), rank as in a clean build of
 * the three at once, in lexical, vector and hybrid search. */
#include "fn_test.h"

#include "idx_test.h"

/* The hits' file names, joined by " ", for query q in mode m. */
static char *ranked(idx *ix, const char *q, enum idx_mode m)
{
	struct idx_query qq = {.text = q, .k = 10, .mode = m, .emb = idx_embedder_builtin()};
	struct idx_hits h = {0};
	assert_int_equal(idx_search(ix, &qq, &h), 0);
	char *out = calloc(1, 4096);
	for (size_t i = 0; i < h.n; i++) {
		const char *slash = strrchr(h.v[i].path, '/');
		strncat(out, i ? " " : "", 4095 - strlen(out));
		strncat(out, slash ? slash + 1 : h.v[i].path, 4095 - strlen(out));
	}
	idx_hits_free(&h);
	return out;
}

static const char text[] = "# Kiwi\n\nThe kiwi is a flightless bird of New Zealand.\n";

static void test_ties_do_not_depend_on_history(void **state)
{
	(void)state;
	char *root = tmpdir_new();
	char *steps = path_in(root, "steps"), *clean = path_in(root, "clean");
	char *ix1dir = path_in(root, "ix1"), *ix2dir = path_in(root, "ix2");
	const struct idx_embedder *emb = idx_embedder_builtin();
	idx *ix1, *ix2;
	assert_int_equal(idx_open(ix1dir, IDX_CREATE, &ix1), 0);
	struct idx_folder f1 = {steps, "notes"};
	struct idx_options o1 = {.folders = &f1, .nfolders = 1};
	write_file(steps, "other.md", "# Birds\n\nSparrows and finches live in towns.\n");
	static const char *const names[] = {"z.md", "m.md", "a.md"};
	for (int i = 0; i < 3; i++) { /* z first: the highest path gets the lowest chunk id */
		write_file(steps, names[i], text);
		assert_int_equal(idx_sync(ix1, &o1, emb, NULL, NULL), 0);
	}
	assert_int_equal(idx_open(ix2dir, IDX_CREATE, &ix2), 0);
	struct idx_folder f2 = {clean, "notes"};
	struct idx_options o2 = {.folders = &f2, .nfolders = 1};
	write_file(clean, "other.md", "# Birds\n\nSparrows and finches live in towns.\n");
	for (int i = 2; i >= 0; i--)
		write_file(clean, names[i], text);
	assert_int_equal(idx_sync(ix2, &o2, emb, NULL, NULL), 0);
	static const enum idx_mode modes[] = {IDX_LEXICAL, IDX_VECTOR, IDX_HYBRID};
	for (int m = 0; m < 3; m++) {
		char *a = ranked(ix1, "kiwi bird", modes[m]), *b = ranked(ix2, "kiwi bird", modes[m]);
		assert_string_equal(a, b);
		/* the three ties first, by path */
		assert_int_equal(strncmp(a, "a.md m.md z.md", 14), 0);
		free(a);
		free(b);
	}
	idx_close(ix1);
	idx_close(ix2);
	rm_rf(root);
	free(steps);
	free(clean);
	free(ix1dir);
	free(ix2dir);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ties_do_not_depend_on_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
