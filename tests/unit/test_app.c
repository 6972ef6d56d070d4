/* test_app.c - the app wiring (core/app/app.h) and the index-to-channel sink
 * (core/app/index_events.h): owned copies posted, file events left out unless asked for;
 * app_open and app_need open a config's index and watcher whose events arrive on the
 * channel; a bad config and a missing index are a sentence and an exit code.
 *
 * FN_TEST_THREADED: the watcher posts from its own thread; waits are bounded polls on the
 * channel's fd. */
#include "fn_test.h"

#include <poll.h>
#include <sys/stat.h>

#include "base/xmalloc.h"
#include "core/app/app.h"
#include "core/app/chan.h"
#include "core/app/index_events.h"
#include "idx_test.h"

static void test_sink_posts_owned_copies(void **state)
{
	(void)state;
	struct chan *chan = chan_new();
	struct idx_sink sink = index_events_sink(chan, false);
	char path[] = "/docs/a.txt", message[] = "watches ran out";
	struct idx_event ev = {.kind = IDX_EV_WATCH, .path = path, .message = message, .files_done = 3,
			       .files_total = 7, .generation = 9};
	sink.event(sink.ctx, &ev);
	struct idx_event file = {.kind = IDX_EV_FILE, .state = IDX_FILE_INDEXED, .path = path};
	sink.event(sink.ctx, &file); /* left out: counts come with progress events */
	/* The event's strings are the index thread's: gone once the call returns. */
	memset(path, 'x', sizeof path - 1);
	memset(message, 'x', sizeof message - 1);

	struct chan_msg *m = chan_take(chan);
	assert_non_null(m);
	assert_null(m->next);
	assert_int_equal(m->kind, INDEX_EVENT_MSG);
	const struct index_event_msg *im = (const struct index_event_msg *)m;
	assert_int_equal(im->ev.kind, IDX_EV_WATCH);
	assert_string_equal(im->ev.path, "/docs/a.txt");
	assert_string_equal(im->ev.message, "watches ran out");
	assert_ptr_equal(im->ev.path, im->path);
	assert_int_equal(im->ev.files_done, 3);
	assert_int_equal(im->ev.files_total, 7);
	assert_int_equal(im->ev.generation, 9);
	chan_msg_free(m); /* frees the copies (ASan says so if not) */

	struct idx_sink all = index_events_sink(chan, true);
	all.event(all.ctx, &file);
	struct idx_event bare = {.kind = IDX_EV_PROGRESS};
	all.event(all.ctx, &bare);
	m = chan_take(chan);
	assert_non_null(m);
	assert_int_equal(((struct index_event_msg *)m)->ev.kind, IDX_EV_FILE);
	assert_null(((struct index_event_msg *)m)->ev.message);
	assert_non_null(m->next);
	assert_null(((struct index_event_msg *)m->next)->ev.path);
	chan_msg_free(m->next);
	chan_msg_free(m);
	chan_free(chan);
}

static char *config_in(const char *root, const char *ixdir, const char *docs)
{
	char *path = xasprintf("%s/config.yaml", root);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "index:\n  path: %s\n  folders:\n    - {path: %s}\n", ixdir, docs);
	fclose(f);
	chmod(path, 0600);
	return path;
}

/* Takes channel messages until an IDX_EV_SCAN_DONE (true) or 30 s without one (false). */
static bool wait_scan_done(struct chan *chan, size_t *files)
{
	for (int i = 0; i < 300; i++) {
		struct pollfd p = {chan_fd(chan), POLLIN, 0};
		if (poll(&p, 1, 100) <= 0)
			continue;
		bool done = false;
		for (struct chan_msg *m = chan_take(chan), *next; m; m = next) {
			next = m->next;
			const struct index_event_msg *im = (const struct index_event_msg *)m;
			if (m->kind == INDEX_EVENT_MSG && im->ev.kind == IDX_EV_SCAN_DONE) {
				done = true;
				*files = im->ev.files_total;
			}
			chan_msg_free(m);
		}
		if (done)
			return true;
	}
	return false;
}

static void test_open_need_watch_close(void **state)
{
	(void)state;
	char *root = tmpdir_new();
	char *docs = path_in(root, "docs"), *ixdir = path_in(root, "ix");
	write_file(docs, "a.txt", "the heron waits by the water\n");
	write_file(docs, "b.md", "# Notes\n\nherons eat fish\n");
	setenv("XDG_STATE_HOME", root, 1);
	setenv("XDG_DATA_HOME", root, 1);
	char *cfg = config_in(root, ixdir, docs);

	struct app a;
	assert_int_equal(app_open(&a, cfg), 0);
	assert_non_null(a.cfg);
	assert_null(a.error);
	/* Read-only before anything was indexed: the index is not there yet. */
	assert_int_equal(app_need(&a, APP_INDEX, NULL, 0), -1);
	assert_int_equal(a.exit_code, EXIT_INDEX);
	assert_non_null(strstr(a.error, "index"));
	assert_null(a.ix);

	assert_int_equal(app_need(&a, APP_WATCH, NULL, 0), 0);
	unsigned want = APP_CHAN | APP_SETUP | APP_INDEX | APP_INDEX_CREATE | APP_WATCH;
	assert_int_equal(a.have & want, want);
	assert_non_null(a.emb);
	assert_non_null(a.watch);
	size_t files = 0;
	assert_true(wait_scan_done(a.chan, &files));
	assert_int_equal(files, 2);
	/* Asking again opens nothing twice. */
	idx *ix = a.ix;
	assert_int_equal(app_need(&a, APP_SETUP | APP_INDEX_CREATE, NULL, 0), 0);
	assert_ptr_equal(a.ix, ix);

	/* What the watcher wrote is searchable through the same handle. */
	struct idx_query q = {.text = "heron", .k = 5, .mode = IDX_LEXICAL};
	struct idx_hits h;
	assert_int_equal(idx_search(a.ix, &q, &h), 0);
	assert_int_equal(h.n, 2);
	idx_hits_free(&h);

	app_stop(&a);
	assert_null(a.watch);
	assert_int_equal(a.have & APP_WATCH, 0);
	assert_non_null(a.chan); /* still readable after the workers stopped */
	app_close(&a);
	assert_null(a.cfg);

	/* A bad configuration: a sentence with file:line:column and exit 2. */
	FILE *f = fopen(cfg, "w");
	fputs("index:\n  chunk_chars: many\n", f);
	fclose(f);
	assert_int_equal(app_open(&a, cfg), -1);
	assert_int_equal(a.exit_code, EXIT_USAGE);
	assert_non_null(strstr(a.error, "config.yaml:2:"));
	app_close(&a);

	rm_rf(root);
	free(cfg);
	free(docs);
	free(ixdir);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sink_posts_owned_copies),
		cmocka_unit_test(test_open_need_watch_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
