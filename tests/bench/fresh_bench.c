/* fresh_bench.c - freshness (issue 3, Performance): how long after a file is saved in a
 * watched folder a search finds it.
 *
 * A folder of 1000 SciFact abstracts is watched through the watcher API (idx_watch_start,
 * builtin embedder). Once the first scan is done, NWRITES saves follow one after another,
 * each carrying a word found nowhere else, in three ways editors save: a new file, an
 * in-place rewrite of an existing file, and write-to-temp-then-rename. After each save this
 * thread searches for the word (lexical, every millisecond) until the file comes back; the
 * latency is from the end of the save (close or rename) to that search's answer. Prints
 * ROW lines (bench.h); work files in $FN_BENCH_DIR/fresh, rebuilt on every run. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/xmalloc.h"
#include "index/idx.h"
#include "tests/bench/bench.h"

#define NDOCS 1000
#define NWRITES 60
#define GIVE_UP_MS 5000.0

static bool scanned; /* atomic: set by the sink on the watcher thread */

static void sink_event(void *ctx, const struct idx_event *ev)
{
	(void)ctx;
	if (ev->kind == IDX_EV_SCAN_DONE)
		__atomic_store_n(&scanned, true, __ATOMIC_RELEASE);
	if (ev->kind == IDX_EV_ERROR || (ev->kind == IDX_EV_FILE && ev->state == IDX_FILE_FAILED))
		fprintf(stderr, "index: %s %s\n", ev->path ? ev->path : "", ev->message ? ev->message : "");
}

static void sleep_ms(double ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (double)(time_t)(ms / 1000) * 1000) * 1e6)};
	nanosleep(&ts, NULL);
}

/* The first NDOCS abstracts, one file each, as sci_bench writes them. */
static void write_docs(const char *docdir)
{
	char *path = xasprintf("%s/data/scifact/corpus.jsonl", bench_shared());
	char *all = bench_slurp(path, NULL);
	size_t n = 0;
	for (char *save, *line = strtok_r(all, "\n", &save); line && n < NDOCS; line = strtok_r(NULL, "\n", &save)) {
		cJSON *j = cJSON_Parse(line);
		cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "_id");
		cJSON *title = cJSON_GetObjectItemCaseSensitive(j, "title");
		cJSON *text = cJSON_GetObjectItemCaseSensitive(j, "text");
		if (!cJSON_IsString(id) || !cJSON_IsString(title) || !cJSON_IsString(text))
			bench_die("%s: a line without _id, title and text", path);
		char *body = xasprintf("%s\n\n%s\n", title->valuestring, text->valuestring);
		char *fp = xasprintf("%s/%s.txt", docdir, id->valuestring);
		bench_write(fp, body, strlen(body));
		free(fp);
		free(body);
		cJSON_Delete(j);
		n++;
	}
	free(all);
	free(path);
}

/* A word no abstract has, made of letters only so that it is one term: "zqfresh" + i in
 * base 26. */
static void marker(size_t i, char *out, size_t len)
{
	char tail[16];
	size_t n = 0;
	do {
		tail[n++] = (char)('a' + i % 26);
		i /= 26;
	} while (i && n < sizeof tail - 1);
	tail[n] = 0;
	snprintf(out, len, "zqfresh%s", tail);
}

/* True when a lexical search for word returns path. */
static bool found(idx *ix, const char *word, const char *path)
{
	struct idx_query q = {.text = word, .k = 3, .mode = IDX_LEXICAL};
	struct idx_hits h;
	if (idx_search(ix, &q, &h))
		return false;
	bool ok = false;
	for (size_t i = 0; i < h.n && !ok; i++)
		ok = strcmp(h.v[i].path, path) == 0;
	idx_hits_free(&h);
	return ok;
}

/* Save number i: a new file, then an in-place rewrite of it, then a rename over it.
 * Returns the path that should be found (caller frees). */
static char *save(const char *docdir, size_t i, const char *word)
{
	char *body = xasprintf("Note %zu\n\nA saved note about %s and how quickly it can be found.\n", i, word);
	char *path = xasprintf("%s/note-%zu.txt", docdir, i - i % 3);
	if (i % 3 < 2) {
		bench_write(path, body, strlen(body));
	} else {
		char *tmp = xasprintf("%s/.note-%zu.txt.tmp", docdir, i);
		bench_write(tmp, body, strlen(body));
		if (rename(tmp, path))
			bench_die("rename %s: %s", tmp, strerror(errno));
		free(tmp);
	}
	free(body);
	return path;
}

int main(void)
{
	char *work = xasprintf("%s/fresh", bench_dir());
	char *docdir = xasprintf("%s/docs", work), *ixdir = xasprintf("%s/index", work);
	bench_rmrf(work);
	bench_mkdirs(docdir);
	char *real = realpath(docdir, NULL); /* hits carry canonical paths */
	if (!real)
		bench_die("%s: %s", docdir, strerror(errno));
	free(docdir);
	docdir = real;
	write_docs(docdir);

	idx *ix;
	int rc = idx_open(ixdir, IDX_CREATE, &ix);
	if (rc)
		bench_die("open %s: %s", ixdir, idx_strerror(rc));
	struct idx_folder fo = {docdir, "fresh"};
	struct idx_options opt = {.folders = &fo, .nfolders = 1, .language = "english"};
	struct idx_sink sink = {sink_event, NULL};
	struct idx_watch *w;
	double t0 = bench_now();
	rc = idx_watch_start(ix, &opt, idx_embedder_builtin(), &sink, &w);
	if (rc)
		bench_die("watch %s: %s", docdir, idx_strerror(rc));
	while (!__atomic_load_n(&scanned, __ATOMIC_ACQUIRE)) {
		if (bench_now() - t0 > 120)
			bench_die("the watcher's first scan did not finish in 120 s");
		sleep_ms(5);
	}
	fprintf(stderr, "fresh: %d files indexed by the watcher in %.2f s; %d saves follow\n", NDOCS,
		bench_now() - t0, NWRITES);

	double lat[NWRITES];
	size_t missed = 0, n = 0;
	for (size_t i = 0; i < NWRITES && !(missed >= 3 && missed == i); i++, n++) {
		char word[32];
		marker(i, word, sizeof word);
		char *path = save(docdir, i, word);
		double ts = bench_now(), t = 0;
		while (!found(ix, word, path)) {
			t = (bench_now() - ts) * 1e3;
			if (t > GIVE_UP_MS)
				break;
			sleep_ms(1);
		}
		t = (bench_now() - ts) * 1e3;
		if (t > GIVE_UP_MS) {
			fprintf(stderr, "fresh: save %zu (%s) not searchable after %.0f ms\n", i, path, GIVE_UP_MS);
			missed++;
		}
		lat[i] = t;
		free(path);
	}
	idx_watch_stop(w);
	idx_close(ix);
	free(work), free(docdir), free(ixdir);

	double mx = 0;
	for (size_t i = 0; i < n; i++)
		mx = lat[i] > mx ? lat[i] : mx;
	double p50 = bench_pct(lat, n, 50), p95 = bench_pct(lat, n, 95);
	fprintf(stderr, "fresh: save to searchable p50 %.1f ms, p95 %.1f ms, max %.1f ms, %zu never found\n", p50, p95,
		mx, missed);
	char m[128];
	snprintf(m, sizeof m, "saved file searchable, p95 of %zu saves (watcher)", n);
	bench_row("3", m, p95, "ms", NULL, NAN, "<= 300 ms", bench_verdict(p95 <= 300 && !missed));
	snprintf(m, sizeof m, "saved file searchable, p50 of %zu saves (watcher)", n);
	bench_row("3", m, p50, "ms", NULL, NAN, "-", "info");
	return 0;
}
