/* test_idx_hash.c - the file hash the index exports (idx_file_hash) is the content_hash it
 * stored for the file, for a small file and one far larger than one read; an edit changes
 * it; a missing file is an errno. */
#include "fn_test.h"

#include <errno.h>

#include "base/buf.h"
#include "idx_test.h"

static uint64_t stored_hash(idx *ix, const char *word, const char *name)
{
	struct idx_query q = {.text = word, .k = 10, .mode = IDX_LEXICAL};
	struct idx_hits h;
	assert_int_equal(idx_search(ix, &q, &h), 0);
	assert_true(h.n >= 1);
	uint64_t got = 0;
	for (size_t i = 0; i < h.n; i++)
		if (strstr(h.v[i].path, name))
			got = h.v[i].content_hash;
	idx_hits_free(&h);
	assert_true(got != 0);
	return got;
}

static void test_file_hash_is_stored_hash(void **state)
{
	(void)state;
	char *root = tmpdir_new();
	char *docs = path_in(root, "docs"), *ixdir = path_in(root, "ix");
	write_file(docs, "small.txt", "zebra crossing at noon\n");
	/* 300 kB: the streamed hash crosses many 64 KiB reads. */
	struct buf big = {0};
	for (int i = 0; i < 6000; i++)
		buf_addf(&big, "line %d of the long walrus document\n", i);
	write_file(docs, "big.txt", buf_str(&big));
	idx *ix;
	assert_int_equal(idx_open(ixdir, IDX_CREATE, &ix), 0);
	struct idx_folder fo = {docs, "notes"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "none"};
	assert_int_equal(idx_sync(ix, &opt, NULL, NULL, NULL), 0);

	char *small = path_in(docs, "small.txt"), *bigp = path_in(docs, "big.txt");
	uint64_t h;
	assert_int_equal(idx_file_hash(small, &h), 0);
	assert_true(h == stored_hash(ix, "zebra", "small.txt"));
	assert_true(h == idx_hash_bytes("zebra crossing at noon\n", 23));
	assert_int_equal(idx_file_hash(bigp, &h), 0);
	assert_true(h == stored_hash(ix, "walrus", "big.txt"));
	assert_true(h == idx_hash_bytes(big.p, big.len));

	/* An edit the index has not seen: the hashes part. */
	write_file(docs, "small.txt", "zebra crossing at midnight\n");
	assert_int_equal(idx_file_hash(small, &h), 0);
	assert_true(h != stored_hash(ix, "zebra", "small.txt"));

	char *gone = path_in(docs, "gone.txt");
	assert_int_equal(idx_file_hash(gone, &h), ENOENT);

	idx_close(ix);
	rm_rf(root);
	buf_free(&big);
	free(gone);
	free(small);
	free(bigp);
	free(docs);
	free(ixdir);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_hash_is_stored_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
