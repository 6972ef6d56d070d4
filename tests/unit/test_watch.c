/* test_watch.c - the watcher thread follows writes, renames, directory moves and deletes.
 * FN_TEST_THREADED: run under ThreadSanitizer too. Waits are bounded and driven by sink
 * events (condition variable), never by fixed sleeps. */
#include "fn_test.h"

#include <errno.h>
#include <time.h>

#include "idx_test.h"
#include "index/store/store.h"

/* Waits (at most 10 s) until a sync pass after `since` passes ends and the query finds
 * `want` hits in name. */
static void wait_for(idx *ix, struct tsink *s, const char *query, const char *name, size_t want)
{
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 10;
	for (;;) {
		if (hits_for(ix, query, name) == want)
			return;
		pthread_mutex_lock(&s->mu);
		size_t done = s->ndone;
		int rc = 0;
		while (s->ndone == done && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&s->cv, &s->mu, &dl);
		pthread_mutex_unlock(&s->mu);
		if (rc == ETIMEDOUT) {
			if (hits_for(ix, query, name) == want)
				return;
			fail_msg("timed out waiting for %zu hits of '%s' in %s", want, query, name);
		}
	}
}

static void test_watch_follows(void **state)
{
	(void)state;
	char *root = tmpdir_new();
	char *docs = path_in(root, "docs"), *ixdir = path_in(root, "ix");
	mkdir(docs, 0700);
	write_file(docs, "old.txt", "an old note about walruses\n");
	idx *ix;
	assert_int_equal(idx_open(ixdir, IDX_CREATE, &ix), 0);
	struct idx_folder fo = {docs, "notes"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1};
	struct tsink sink;
	tsink_init(&sink);
	struct temb emb;
	temb_init(&emb, "test-emb-v1");
	struct idx_watch *w;
	assert_int_equal(idx_watch_start(ix, &opt, &emb.e, &sink.s, &w), 0);
	wait_for(ix, &sink, "walrus", "old.txt", 1);

	/* A new file. */
	write_file(docs, "new.txt", "a fresh note about pelicans\n");
	wait_for(ix, &sink, "pelican", "new.txt", 1);

	/* Rename: the path follows, nothing re-embedded. */
	size_t texts = emb.texts;
	char *a = path_in(docs, "new.txt"), *b = path_in(docs, "renamed.txt");
	assert_int_equal(rename(a, b), 0);
	wait_for(ix, &sink, "pelican", "renamed.txt", 1);
	wait_for(ix, &sink, "pelican", "new.txt", 0);
	assert_int_equal(emb.texts, texts);

	/* Save by rename, the way editors do. */
	char *tmp = path_in(docs, ".renamed.txt.swp");
	write_file(docs, ".renamed.txt.swp", "a fresh note about flamingos\n");
	assert_int_equal(rename(tmp, b), 0);
	wait_for(ix, &sink, "flamingo", "renamed.txt", 1);
	wait_for(ix, &sink, "pelican", "renamed.txt", 0);

	/* A new directory with a file in it, then the directory moved. */
	write_file(docs, "dir/inner.txt", "deep note about narwhals\n");
	wait_for(ix, &sink, "narwhal", "dir/inner.txt", 1);
	char *d1 = path_in(docs, "dir"), *d2 = path_in(docs, "moved");
	assert_int_equal(rename(d1, d2), 0);
	wait_for(ix, &sink, "narwhal", "moved/inner.txt", 1);
	wait_for(ix, &sink, "narwhal", "dir/inner.txt", 0);
	write_file(docs, "moved/second.txt", "another note about narwhals\n");
	wait_for(ix, &sink, "narwhal", "moved/second.txt", 1);

	/* Delete. */
	assert_int_equal(unlink(b), 0);
	wait_for(ix, &sink, "flamingo", "renamed.txt", 0);

	/* A requested rescan runs. */
	pthread_mutex_lock(&sink.mu);
	size_t done = sink.ndone;
	pthread_mutex_unlock(&sink.mu);
	idx_watch_rescan(w);
	pthread_mutex_lock(&sink.mu);
	while (sink.ndone == done)
		pthread_cond_wait(&sink.cv, &sink.mu);
	pthread_mutex_unlock(&sink.mu);

	idx_watch_stop(w);
	char err[512];
	if (store_check(ix, err, sizeof err) != 0)
		fail_msg("index inconsistent: %s", err);
	idx_close(ix);
	rm_rf(root);
	free(a);
	free(b);
	free(tmp);
	free(d1);
	free(d2);
	free(docs);
	free(ixdir);
	free(root);
}

/* An embedder that fails while `down` is set (written by the test thread, read by the
 * watcher's). */
struct flaky {
	struct idx_embedder e;
	int down;
	size_t calls;
};

static int flaky_embed(void *ctx, const char *const *texts, size_t n, float *out, char *err, size_t errlen)
{
	struct flaky *f = ctx;
	__atomic_add_fetch(&f->calls, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&f->down, __ATOMIC_ACQUIRE)) {
		snprintf(err, errlen, "HTTP 500: the server is loading");
		return IDX_EEMBED;
	}
	const struct idx_embedder *b = idx_embedder_builtin();
	return b->embed(b->ctx, texts, n, out, err, errlen);
}

static uint64_t pending_of(idx *ix)
{
	struct idx_stats st;
	return idx_stats(ix, &st) == 0 ? st.pending : UINT64_MAX;
}

/* Waits (at most 30 s, woken by every event) until the index has `want` pending vectors and
 * `query` finds `hits` hits in name. */
static void wait_pending(idx *ix, struct tsink *s, uint64_t want, const char *query, const char *name,
			 size_t hits)
{
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 30;
	for (;;) {
		if (pending_of(ix) == want && hits_for(ix, query, name) == hits)
			return;
		pthread_mutex_lock(&s->mu);
		int rc = pthread_cond_timedwait(&s->cv, &s->mu, &dl);
		pthread_mutex_unlock(&s->mu);
		if (rc == ETIMEDOUT && !(pending_of(ix) == want && hits_for(ix, query, name) == hits))
			fail_msg("timed out waiting for %llu pending vectors (have %llu)",
				 (unsigned long long)want, (unsigned long long)pending_of(ix));
	}
}

/* The embedder fails for a while: the file is searchable by its words at once, its vector
 * pending; when the embedder answers again the watcher fills it in by itself. */
static void test_watch_pending(void **state)
{
	(void)state;
	char *root = tmpdir_new();
	char *docs = path_in(root, "docs"), *ixdir = path_in(root, "ix");
	mkdir(docs, 0700);
	write_file(docs, "a.txt", "a note about otters\n");
	idx *ix;
	assert_int_equal(idx_open(ixdir, IDX_CREATE, &ix), 0);
	struct idx_folder fo = {docs, "notes"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1};
	struct tsink sink;
	tsink_init(&sink);
	const struct idx_embedder *b = idx_embedder_builtin();
	struct flaky f = {{"flaky-v1", b->dim, 8, flaky_embed, NULL}, 0, 0};
	f.e.ctx = &f;
	struct idx_watch *w;
	assert_int_equal(idx_watch_start(ix, &opt, &f.e, &sink.s, &w), 0);
	wait_pending(ix, &sink, 0, "otter", "a.txt", 1);
	__atomic_store_n(&f.down, 1, __ATOMIC_RELEASE);
	write_file(docs, "b.txt", "a note about beavers\n");
	wait_pending(ix, &sink, 1, "beaver", "b.txt", 1);
	size_t calls = __atomic_load_n(&f.calls, __ATOMIC_RELAXED);
	__atomic_store_n(&f.down, 0, __ATOMIC_RELEASE);
	wait_pending(ix, &sink, 0, "beaver", "b.txt", 1);
	assert_true(__atomic_load_n(&f.calls, __ATOMIC_RELAXED) > calls);
	idx_watch_stop(w);
	char err[512];
	if (store_check(ix, err, sizeof err) != 0)
		fail_msg("index inconsistent: %s", err);
	idx_close(ix);
	rm_rf(root);
	free(docs);
	free(ixdir);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_follows),
		cmocka_unit_test(test_watch_pending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
