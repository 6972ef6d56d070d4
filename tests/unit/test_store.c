/* test_store.c - the store through idx_sync: round trip, edits, renames, deletes, the two
 * gates (same content keeps its vectors), embedder faults leave the index unchanged, an
 * embedder change re-embeds everything, the map grows, and SIGKILL at any moment leaves a
 * consistent index that the next sync converges. */
#include "fn_test.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <utime.h>

#include "idx_test.h"
#include "index/store/store.h"

struct env {
	char *root, *docs, *ixdir;
	idx *ix;
	struct idx_folder fo;
	struct idx_options opt;
	struct tsink sink;
	struct temb emb;
};

static struct env *env_new(void)
{
	struct env *e = calloc(1, sizeof *e);
	e->root = tmpdir_new();
	e->docs = path_in(e->root, "docs");
	e->ixdir = path_in(e->root, "ix");
	mkdir(e->docs, 0700);
	e->fo = (struct idx_folder){e->docs, "notes"};
	e->opt = (struct idx_options){.folders = &e->fo, .nfolders = 1, .language = "english"};
	tsink_init(&e->sink);
	temb_init(&e->emb, "test-emb-v1");
	assert_int_equal(idx_open(e->ixdir, IDX_CREATE, &e->ix), 0);
	return e;
}

static void env_free(struct env *e)
{
	if (e->ix)
		idx_close(e->ix);
	rm_rf(e->root);
	free(e->root);
	free(e->docs);
	free(e->ixdir);
	free(e);
}

static void check(idx *ix)
{
	char err[512];
	if (store_check(ix, err, sizeof err) != 0)
		fail_msg("index inconsistent: %s", err);
}

static int sync_(struct env *e)
{
	tsink_reset(&e->sink);
	return idx_sync(e->ix, &e->opt, &e->emb.e, &e->sink.s, NULL);
}

static struct idx_stats stats(idx *ix)
{
	struct idx_stats st;
	assert_int_equal(idx_stats(ix, &st), 0);
	return st;
}

static void test_roundtrip_edit_rename_delete(void **state)
{
	(void)state;
	struct env *e = env_new();
	write_file(e->docs, "a.md", "# Gardening\n\nTomatoes need sun and water.\n\n## Pests\n\nAphids eat tomato leaves.\n");
	write_file(e->docs, "sub/b.txt", "Zebras live in Africa.\n");
	write_file(e->docs, "bin.dat", "abc\0def");
	{
		char *p = path_in(e->docs, "bin.dat");
		FILE *f = fopen(p, "wb");
		fwrite("abc\0\1\2def", 1, 9, f);
		fclose(f);
		free(p);
	}
	assert_int_equal(sync_(e), 0);
	check(e->ix);
	struct idx_stats st = stats(e->ix);
	assert_int_equal(st.files, 2);
	assert_string_equal(st.embedder, "test-emb-v1");
	assert_int_equal(st.dim, 384);
	assert_int_equal(e->sink.nfile[IDX_FILE_INDEXED], 2);
	assert_int_equal(e->sink.nfile[IDX_FILE_SKIPPED], 1);
	assert_int_equal(hits_for(e->ix, "aphids", "a.md"), 1);
	assert_int_equal(hits_for(e->ix, "zebra", "b.txt"), 1);

	/* The hit knows where it came from. */
	struct idx_query q = {.text = "aphids tomato", .k = 3, .mode = IDX_HYBRID, .emb = &e->emb.e};
	struct idx_hits h;
	assert_int_equal(idx_search(e->ix, &q, &h), 0);
	assert_true(h.n >= 1);
	assert_non_null(strstr(h.v[0].path, "a.md"));
	assert_true(h.v[0].line_start >= 1 && h.v[0].line_end >= h.v[0].line_start);
	assert_true(h.v[0].content_hash != 0);
	assert_non_null(strstr(h.v[0].text, "Aphids"));
	idx_hits_free(&h);

	/* Unchanged: nothing embedded, nothing written. */
	size_t texts = e->emb.texts;
	uint64_t gen = stats(e->ix).generation;
	assert_int_equal(sync_(e), 0);
	assert_int_equal(e->emb.texts, texts);
	assert_int_equal(e->sink.nfile[IDX_FILE_UNCHANGED], 2);
	assert_int_equal(stats(e->ix).generation, gen);

	/* Edit: the new word is found, the old one is gone. */
	write_file(e->docs, "sub/b.txt", "Giraffes live in Africa.\n");
	assert_int_equal(sync_(e), 0);
	check(e->ix);
	assert_int_equal(hits_for(e->ix, "zebra", "b.txt"), 0);
	assert_int_equal(hits_for(e->ix, "giraffe", "b.txt"), 1);

	/* Rename: moved, not re-embedded. */
	texts = e->emb.texts;
	char *from = path_in(e->docs, "sub/b.txt"), *to = path_in(e->docs, "c.txt");
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(sync_(e), 0);
	check(e->ix);
	assert_int_equal(e->emb.texts, texts);
	assert_int_equal(e->sink.nfile[IDX_FILE_MOVED], 1);
	assert_int_equal(hits_for(e->ix, "giraffe", "c.txt"), 1);
	assert_int_equal(hits_for(e->ix, "giraffe", "b.txt"), 0);

	/* Delete. */
	assert_int_equal(unlink(to), 0);
	assert_int_equal(sync_(e), 0);
	check(e->ix);
	assert_int_equal(e->sink.nfile[IDX_FILE_REMOVED], 1);
	assert_int_equal(hits_for(e->ix, "giraffe", "c.txt"), 0);
	assert_int_equal(stats(e->ix).files, 1);

	/* Excluded and ignored files leave the index. */
	write_file(e->docs, "keep.txt", "kiwi fruit\n");
	write_file(e->docs, "skip.log", "kiwi log\n");
	write_file(e->docs, "build/out.txt", "kiwi build\n");
	assert_int_equal(sync_(e), 0);
	assert_int_equal(stats(e->ix).files, 4);
	write_file(e->docs, ".gitignore", "# generated\nbuild/\n*.log\n");
	assert_int_equal(sync_(e), 0);
	check(e->ix);
	assert_int_equal(stats(e->ix).files, 3); /* a.md, keep.txt, .gitignore */
	assert_int_equal(hits_for(e->ix, "kiwi", "skip.log"), 0);
	assert_int_equal(hits_for(e->ix, "kiwi", "out.txt"), 0);
	const char *ex[] = {"keep.*"};
	e->opt.exclude = ex;
	e->opt.nexclude = 1;
	assert_int_equal(sync_(e), 0);
	assert_int_equal(hits_for(e->ix, "kiwi", "keep.txt"), 0);
	check(e->ix);
	free(from);
	free(to);
	env_free(e);
}

static void test_same_content_keeps_vectors(void **state)
{
	(void)state;
	struct env *e = env_new();
	char big[8000] = "";
	for (int i = 0; i < 40; i++) {
		char line[200];
		snprintf(line, sizeof line, "Paragraph %d talks about topic number %d in some detail.\n\n", i, i * 7);
		strcat(big, line);
	}
	write_file(e->docs, "a.md", big);
	e->opt.chunk_chars = 300;
	assert_int_equal(sync_(e), 0);
	size_t first = e->emb.texts;
	assert_true(first > 3);
	/* Touch: mtime changes, content does not: the hash gate stops it. */
	char *p = path_in(e->docs, "a.md");
	struct utimbuf ut = {time(NULL) + 100, time(NULL) + 100};
	assert_int_equal(utime(p, &ut), 0);
	assert_int_equal(sync_(e), 0);
	assert_int_equal(e->emb.texts, first);
	assert_int_equal(e->sink.nfile[IDX_FILE_UNCHANGED], 1);
	/* Append one paragraph: only the chunks that changed are embedded again. */
	strcat(big, "A brand new closing paragraph about quokkas.\n");
	write_file(e->docs, "a.md", big);
	assert_int_equal(sync_(e), 0);
	check(e->ix);
	assert_true(e->emb.texts - first <= 2);
	assert_int_equal(hits_for(e->ix, "quokka", "a.md"), 1);
	free(p);
	env_free(e);
}

static void test_embedder_faults(void **state)
{
	(void)state;
	struct env *e = env_new();
	write_file(e->docs, "a.txt", "first file about owls\n");
	assert_int_equal(sync_(e), 0);
	struct idx_stats before = stats(e->ix);
	write_file(e->docs, "b.txt", "second file about bats\n");
	write_file(e->docs, "a.txt", "first file about ravens now\n");
	/* A wrong dimension: the embedder is not the one recorded, nothing is written. */
	e->emb.mode = 2;
	assert_int_equal(sync_(e), IDX_EDIM);
	assert_true(e->sink.nerror >= 1);
	struct idx_stats after = stats(e->ix);
	assert_int_equal(after.generation, before.generation);
	assert_int_equal(after.files, before.files);
	assert_int_equal(after.chunks, before.chunks);
	assert_int_equal(hits_for(e->ix, "bats", "b.txt"), 0);
	assert_int_equal(hits_for(e->ix, "owls", "a.txt"), 1);
	assert_true(after.last_error[0] != '\0');
	check(e->ix);
	/* The embedder fails: the chunks go in without vectors, searchable by their words,
	 * pending; the embedder is asked once in the pass, not once per batch. */
	e->emb.mode = 1;
	size_t calls = e->emb.calls;
	tsink_reset(&e->sink);
	assert_int_equal(sync_(e), 0);
	assert_int_equal(e->emb.calls - calls, 1);
	assert_true(e->sink.nerror >= 1);
	after = stats(e->ix);
	assert_int_equal(after.files, 2);
	assert_int_equal(after.pending, 2);
	assert_int_equal(hits_for(e->ix, "bats", "b.txt"), 1);
	assert_int_equal(hits_for(e->ix, "ravens", "a.txt"), 1);
	assert_int_equal(hits_for(e->ix, "owls", "a.txt"), 0);
	assert_non_null(strstr(after.last_error, "filled in when the embedder answers again"));
	check(e->ix);
	/* A vector search finds neither yet; once the embedder answers, both get vectors. */
	struct idx_query vq = {.text = "bats", .k = 3, .mode = IDX_VECTOR, .emb = &e->emb.e};
	struct idx_hits vh;
	e->emb.mode = 0;
	assert_int_equal(idx_search(e->ix, &vq, &vh), 0);
	for (size_t i = 0; i < vh.n; i++)
		assert_null(strstr(vh.v[i].path, "b.txt"));
	idx_hits_free(&vh);
	/* The file that waits for its vectors is edited meanwhile: its pending chunk goes. */
	e->emb.mode = 1;
	write_file(e->docs, "b.txt", "second file about bats and moths\n");
	assert_int_equal(sync_(e), 0);
	assert_int_equal(stats(e->ix).pending, 2);
	check(e->ix);
	e->emb.mode = 0;
	assert_int_equal(sync_(e), 0);
	assert_int_equal(stats(e->ix).pending, 0);
	assert_int_equal(hits_for(e->ix, "bats", "b.txt"), 1);
	assert_int_equal(hits_for(e->ix, "ravens", "a.txt"), 1);
	assert_int_equal(idx_search(e->ix, &vq, &vh), 0);
	assert_true(vh.n >= 1);
	idx_hits_free(&vh);
	check(e->ix);

	/* Another embedder: said through the sink, everything embedded again, no mixing. */
	struct temb other;
	temb_init(&other, "test-emb-v2");
	tsink_reset(&e->sink);
	assert_int_equal(idx_sync(e->ix, &e->opt, &other.e, &e->sink.s, NULL), 0);
	assert_int_equal(other.texts, stats(e->ix).chunks);
	assert_non_null(strstr(e->sink.last_msg, "") );
	assert_string_equal(stats(e->ix).embedder, "test-emb-v2");
	check(e->ix);
	struct idx_query q = {.text = "bats", .k = 3, .mode = IDX_VECTOR, .emb = &e->emb.e};
	struct idx_hits h;
	assert_int_equal(idx_search(e->ix, &q, &h), IDX_EMISMATCH);
	q.emb = &other.e;
	assert_int_equal(idx_search(e->ix, &q, &h), 0);
	assert_true(h.n >= 1);
	idx_hits_free(&h);
	env_free(e);
}

static void test_map_grows(void **state)
{
	(void)state;
	store_set_initial_mapsize(256 * 1024);
	struct env *e = env_new();
	store_set_initial_mapsize(0);
	for (int i = 0; i < 200; i++) {
		char name[32], text[2000];
		snprintf(name, sizeof name, "f%03d.txt", i);
		snprintf(text, sizeof text, "file %d with words w%d x%d y%d and some more text to fill the page "
			 "so that the map has to grow a few times before this is done %d\n", i, i, i * 3, i * 7, i);
		write_file(e->docs, name, text);
	}
	assert_int_equal(sync_(e), 0);
	check(e->ix);
	assert_int_equal(stats(e->ix).files, 200);
	assert_int_equal(hits_for(e->ix, "w123", "f123.txt"), 1);
	env_free(e);
}

/* A child indexes a few thousand files and is killed at several moments; every time, the
 * reopened index is consistent, and a final sync converges to the files on disk. */
static void test_kill9(void **state)
{
	(void)state;
	struct env *e = env_new();
	const int nfiles = 2000;
	for (int i = 0; i < nfiles; i++) {
		char name[64], text[600];
		snprintf(name, sizeof name, "d%02d/f%04d.txt", i % 40, i);
		snprintf(text, sizeof text, "Document %d. The quick brown fox %d jumps over the lazy dog %d. "
			 "Numbers: w%d w%d w%d.\n\nSecond paragraph of file %d.\n", i, i, i, i % 13, i % 17, i % 29, i);
		write_file(e->docs, name, text);
	}
	idx_close(e->ix);
	e->ix = NULL;
	const int delays_ms[] = {20, 45, 70, 95, 120, 150, 600};
	for (size_t d = 0; d < sizeof delays_ms / sizeof delays_ms[0]; d++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			idx *ix;
			if (idx_open(e->ixdir, IDX_CREATE, &ix) != 0)
				_exit(2);
			idx_sync(ix, &e->opt, idx_embedder_builtin(), NULL, NULL);
			_exit(0);
		}
		struct timespec ts = {0, delays_ms[d] * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		/* Change the folder between runs, so the next run must also delete. */
		char *p = path_in(e->docs, "d00/f0000.txt");
		if (d == 1)
			unlink(p);
		free(p);
		idx *ix;
		assert_int_equal(idx_open(e->ixdir, 0, &ix), 0);
		check(ix);
		print_message("# killed after %d ms: %llu files indexed\n", delays_ms[d],
			      (unsigned long long)stats(ix).files);
		idx_close(ix);
	}
	assert_int_equal(idx_open(e->ixdir, 0, &e->ix), 0);
	assert_int_equal(idx_sync(e->ix, &e->opt, idx_embedder_builtin(), NULL, NULL), 0);
	check(e->ix);
	struct idx_stats st = stats(e->ix);
	assert_int_equal(st.files, nfiles - 1);
	assert_int_equal(hits_for(e->ix, "document 1234", "f1234.txt"), 1);
	env_free(e);
}

static void test_open_errors(void **state)
{
	(void)state;
	idx *ix;
	assert_int_equal(idx_open("/nonexistent/footnote/ix", 0, &ix), IDX_ENOTFOUND);
	char *root = tmpdir_new();
	assert_int_equal(idx_open(root, 0, &ix), IDX_ENOTFOUND);
	assert_int_equal(idx_open(root, IDX_CREATE, &ix), 0);
	idx_close(ix);
	assert_int_equal(idx_open(root, IDX_RDONLY, &ix), 0);
	struct idx_options opt = {0};
	assert_int_equal(idx_sync(ix, &opt, NULL, NULL, NULL), IDX_EINVAL);
	idx_close(ix);
	assert_non_null(strstr(idx_strerror(IDX_ENOTFOUND), "footnote index"));
	rm_rf(root);
	free(root);
}

static uint64_t extract_version(idx *ix)
{
	MDB_txn *txn;
	assert_int_equal(store_rtxn_begin(ix, &txn), 0);
	uint64_t v = meta_u64(txn, ix, "extract");
	store_rtxn_end(ix, txn);
	return v;
}

static int put_old_extract(MDB_txn *txn, void *ctx)
{
	return meta_put_u64(txn, ctx, "extract", 1);
}

/* An index extracted by an older footnote is read again once by a full pass (issue 17's
 * migration), keeps its vectors where the chunks did not change, and then rests. Metadata
 * (front matter tags) is stored and filters the search. */
static void test_extract_migration(void **state)
{
	(void)state;
	struct env *e = env_new();
	write_file(e->docs, "a.md", "---\ntags: [Policy]\n---\n\n# A\n\nThe otter rule.\n");
	write_file(e->docs, "b.csv", "animal,rule\notter,swim\n");
	assert_int_equal(sync_(e), 0);
	assert_int_equal(e->sink.nfile[IDX_FILE_INDEXED], 2);
	assert_int_equal(extract_version(e->ix), 2);
	assert_int_equal(sync_(e), 0);
	assert_int_equal(e->sink.nfile[IDX_FILE_UNCHANGED], 2);
	size_t texts = e->emb.texts;
	assert_int_equal(store_write(e->ix, put_old_extract, e->ix), 0);
	assert_int_equal(extract_version(e->ix), 1);
	assert_int_equal(sync_(e), 0);
	assert_int_equal(e->sink.nfile[IDX_FILE_INDEXED], 2); /* both read again */
	assert_int_equal(e->emb.texts, texts);                 /* same chunks: same vectors */
	assert_int_equal(extract_version(e->ix), 2);
	check(e->ix);
	assert_int_equal(sync_(e), 0);
	assert_int_equal(e->sink.nfile[IDX_FILE_UNCHANGED], 2);
	/* The tag came from the front matter: tag:policy finds a.md only, in every mode. */
	enum idx_mode modes[] = {IDX_LEXICAL, IDX_VECTOR, IDX_HYBRID};
	for (int m = 0; m < 3; m++) {
		struct idx_query q = {.text = "otter", .k = 10, .mode = modes[m], .emb = &e->emb.e};
		struct idx_hits h = {0};
		assert_int_equal(idx_search(e->ix, &q, &h), 0);
		assert_true(h.n >= 2);
		idx_hits_free(&h);
		assert_true(idx_filter_add_tag(&q.filter[1], "policy", 6));
		assert_int_equal(idx_search(e->ix, &q, &h), 0);
		assert_true(h.n >= 1);
		for (size_t i = 0; i < h.n; i++)
			assert_non_null(strstr(h.v[i].path, "/a.md"));
		idx_hits_free(&h);
	}
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_edit_rename_delete),
		cmocka_unit_test(test_same_content_keeps_vectors),
		cmocka_unit_test(test_embedder_faults),
		cmocka_unit_test(test_map_grows),
		cmocka_unit_test(test_kill9),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_extract_migration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
