/* cmd_index.c - `footnote index`: build or update the index once, follow it with --watch, or
 * print its --status. Progress goes to stderr and only on a terminal; the summary line goes
 * to stdout. */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/plural.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/app.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "ui/cmd/cmds.h"

static volatile bool stop_requested;

static void on_sigint(int sig)
{
	(void)sig;
	stop_requested = true;
}

struct reason {
	char *text;
	size_t count;
};

struct progress {
	bool tty;
	bool watch;
	size_t indexed, unchanged, removed, moved, failed, skipped;
	struct reason reasons[16];
	size_t nreasons;
	uint64_t bytes;
	size_t chunks, pending;
	double started, last_draw;
};

static double now_s(void)
{
	return clock_ms_f() / 1e3;
}

/* Skip reasons are grouped by their first words ("binary file", "larger than 32 MB"). */
static void count_reason(struct progress *p, const char *msg)
{
	const char *m = msg && *msg ? msg : "unknown reason";
	size_t len = strcspn(m, ":(");
	while (len && m[len - 1] == ' ')
		len--;
	for (size_t i = 0; i < p->nreasons; i++)
		if (strlen(p->reasons[i].text) == len && !strncmp(p->reasons[i].text, m, len)) {
			p->reasons[i].count++;
			return;
		}
	if (p->nreasons < sizeof p->reasons / sizeof *p->reasons)
		p->reasons[p->nreasons++] = (struct reason){xstrndup(m, len), 1};
}

static void draw_bar(struct progress *p, const struct idx_event *ev)
{
	double t = now_s();
	if (!p->tty || (t - p->last_draw < 0.05 && ev->kind != IDX_EV_SCAN_DONE))
		return;
	p->last_draw = t;
	size_t total = ev->files_total, done = ev->files_done;
	int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : 0;
	if (fill > width)
		fill = width;
	fprintf(stderr, "\r\x1b[K[%.*s%*s] %zu/%zu %s  %zu %s  %.1f MB  %.1f s", fill,
		"##############################", width - fill, "", done, total, plural(total, "file", "files"),
		ev->chunks_total, plural(ev->chunks_total, "chunk", "chunks"), (double)ev->bytes_done / 1e6,
		t - p->started);
	fflush(stderr);
}

static void on_event(void *ctx, const struct idx_event *ev)
{
	struct progress *p = ctx;
	switch (ev->kind) {
	case IDX_EV_FILE:
		/* Every file left out or decoded is named in the log (and kept for --status). */
		if (ev->state == IDX_FILE_SKIPPED || ev->state == IDX_FILE_FAILED ||
		    (ev->state == IDX_FILE_INDEXED && ev->message && *ev->message))
			log_msg(ev->state == IDX_FILE_FAILED ? LOG_WARN : LOG_INFO, "index: %s %s: %s",
				ev->state == IDX_FILE_SKIPPED ? "skipped" : ev->state == IDX_FILE_FAILED
				? "failed" : "indexed", ev->path ? ev->path : "?", ev->message ? ev->message : "");
		switch (ev->state) {
		case IDX_FILE_INDEXED: p->indexed++; break;
		case IDX_FILE_UNCHANGED: p->unchanged++; break;
		case IDX_FILE_REMOVED: p->removed++; break;
		case IDX_FILE_MOVED: p->moved++; break;
		case IDX_FILE_SKIPPED:
			p->skipped++;
			count_reason(p, ev->message);
			break;
		case IDX_FILE_FAILED:
			p->failed++;
			if (p->tty)
				fputs("\r\x1b[K", stderr);
			fputs("failed: ", stderr);
			cli_print_safe(stderr, ev->path ? ev->path : "?", SAN_ONELINE);
			fputs(": ", stderr);
			cli_print_safe(stderr, ev->message ? ev->message : "unknown error", SAN_ONELINE);
			fputc('\n', stderr);
			break;
		default: break;
		}
		if (p->watch && ev->state != IDX_FILE_QUEUED && ev->state != IDX_FILE_UNCHANGED) {
			static const char *const names[] = {"queued", "indexed", "unchanged", "skipped",
							    "failed", "removed", "moved"};
			printf("%-9s ", names[ev->state]);
			cli_print_safe(stdout, ev->path ? ev->path : "?", SAN_ONELINE);
			if (ev->message && *ev->message) {
				fputs("  (", stdout);
				cli_print_safe(stdout, ev->message, SAN_ONELINE);
				fputs(")", stdout);
			}
			putchar('\n');
			fflush(stdout);
		}
		draw_bar(p, ev);
		break;
	case IDX_EV_PROGRESS:
	case IDX_EV_SCAN_DONE:
		p->bytes = ev->bytes_done;
		p->chunks = ev->chunks_total;
		p->pending = ev->vectors_pending;
		draw_bar(p, ev);
		break;
	case IDX_EV_WATCH:
	case IDX_EV_ERROR:
	case IDX_EV_NOTICE:
		if (p->tty)
			fputs("\r\x1b[K", stderr);
		fputs(ev->kind == IDX_EV_ERROR ? "error: " : ev->kind == IDX_EV_WATCH ? "watch: " : "note: ", stderr);
		cli_print_safe(stderr, ev->message ? ev->message : "", SAN_ONELINE);
		fputc('\n', stderr);
		log_msg(ev->kind == IDX_EV_ERROR ? LOG_ERROR : LOG_INFO, "index: %s",
			ev->message ? ev->message : "");
		break;
	default: break;
	}
}

static void summary(struct progress *p)
{
	if (p->tty)
		fputs("\r\x1b[K", stderr);
	printf("indexed %zu %s (%zu unchanged, %zu removed, %zu moved), %zu %s, %.1f MB in %.2f s",
	       p->indexed, plural(p->indexed, "file", "files"), p->unchanged, p->removed, p->moved, p->chunks,
	       plural(p->chunks, "chunk", "chunks"), (double)p->bytes / 1e6, now_s() - p->started);
	if (p->skipped) {
		printf("; skipped %zu (", p->skipped);
		for (size_t i = 0; i < p->nreasons; i++) {
			printf("%s", i ? ", " : "");
			cli_print_safe(stdout, p->reasons[i].text, SAN_ONELINE);
			printf(": %zu", p->reasons[i].count);
		}
		printf(")");
	}
	if (p->failed)
		printf("; %zu failed", p->failed);
	if (p->pending)
		printf("; %zu %s for vectors (searchable by their words meanwhile; run footnote "
		       "index again, or keep the TUI or index --watch running, once the embedder answers)",
		       p->pending, plural(p->pending, "chunk waits", "chunks wait"));
	printf("\n");
	if (p->skipped || p->failed)
		printf("(footnote index --status names each file and why)\n");
	for (size_t i = 0; i < p->nreasons; i++)
		free(p->reasons[i].text);
}

/* Files left out (skipped, failed) or decoded, each with its reason. */
static void print_notes(idx *ix)
{
	struct idx_notes n;
	if (idx_file_notes(ix, &n) != 0 || !n.n)
		return;
	static const char *const heads[] = {"skipped", "failed", "decoded"};
	const enum idx_file_state states[] = {IDX_FILE_SKIPPED, IDX_FILE_FAILED, IDX_FILE_INDEXED};
	for (size_t h = 0; h < 3; h++) {
		size_t count = 0;
		for (size_t i = 0; i < n.n; i++)
			count += n.v[i].state == states[h];
		if (!count)
			continue;
		printf("%-10s %zu %s%s\n", heads[h], count, plural(count, "file", "files"),
		       n.n >= IDX_NOTES_MAX ? " (only the first 1000 notes are kept)" : "");
		for (size_t i = 0; i < n.n; i++) {
			if (n.v[i].state != states[h])
				continue;
			fputs("  ", stdout);
			cli_print_safe(stdout, n.v[i].path, SAN_ONELINE);
			fputs(": ", stdout);
			cli_print_safe(stdout, n.v[i].reason, SAN_ONELINE);
			putchar('\n');
		}
	}
	idx_notes_free(&n);
}

static int status(struct cli *cli)
{
	if (app_need(cli->app, APP_INDEX, NULL, 0) < 0)
		return cli_app_error("index", cli->app);
	struct idx_stats st;
	int rc = idx_stats(cli->app->ix, &st);
	if (rc == 0) {
		printf("index      ");
		cli_print_safe(stdout, cli->cfg->index.path, SAN_ONELINE);
		printf("\nfiles      %llu\nchunks     %llu\nterms      %llu\ntext       %.1f MB\n"
		       "size       %.1f MB\nembedder   ",
		       (unsigned long long)st.files, (unsigned long long)st.chunks,
		       (unsigned long long)st.terms, (double)st.bytes / 1e6, (double)st.map_bytes / 1e6);
		cli_print_safe(stdout, st.embedder, SAN_ONELINE);
		printf(" (%d dimensions)\npending    %llu %s waiting for vectors\n"
		       "generation %llu\nschema     %d\nlast error ", st.dim, (unsigned long long)st.pending,
		       plural(st.pending, "chunk", "chunks"),
		       (unsigned long long)st.generation, st.schema_version);
		cli_print_safe(stdout, *st.last_error ? st.last_error : "none", SAN_ONELINE);
		putchar('\n');
		print_notes(cli->app->ix);
	} else {
		fprintf(stderr, "footnote index: %s\n", idx_strerror(rc));
	}
	return rc == 0 ? EXIT_OK : EXIT_INDEX;
}

static int watch(struct app *app, const struct idx_sink *sink)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* Block before the watcher thread starts, so only sigwait below sees them. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	app->index_sink = *sink; /* progress printed here, not posted to a channel */
	if (app_need(app, APP_WATCH, NULL, 0) < 0)
		return cli_app_error("index --watch", app);
	size_t n = app->setup.opt.nfolders;
	fprintf(stderr, "watching %zu %s; Ctrl-C stops\n", n, plural(n, "folder", "folders"));
	int sig;
	sigwait(&set, &sig);
	app_stop(app);
	return EXIT_OK;
}

int cmd_index(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"watch", no_argument, NULL, 'w'},
		{"status", no_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	bool want_watch = false, want_status = false;
	int o;
	while ((o = getopt_long(argc, argv, "ws", opts, NULL)) != -1) {
		if (o == 'w')
			want_watch = true;
		else if (o == 's')
			want_status = true;
		else
			return cli_usage_error("index", "unknown option");
	}
	if (want_status)
		return status(cli);

	/* A configured folder that is not there is a config error: the others are indexed,
	 * and the exit says so. */
	char *missing = optind == argc ? setup_missing_folders(cli->cfg) : NULL;
	if (missing) {
		fputs("footnote index: ", stderr);
		cli_print_safe(stderr, missing, SAN_ONELINE);
		fputc('\n', stderr);
		log_msg(LOG_ERROR, "index: %s", missing);
		free(missing);
	}
	int missing_rc = missing ? EXIT_USAGE : EXIT_OK;
	struct app *app = cli->app;
	if (app_need(app, APP_SETUP | APP_INDEX_CREATE, argv + optind, (size_t)(argc - optind)) < 0)
		return cli_app_error("index", app);

	struct progress p = {.tty = isatty(STDERR_FILENO), .watch = want_watch, .started = now_s()};
	struct idx_sink sink = {on_event, &p};
	int rc;
	if (want_watch) {
		rc = watch(app, &sink);
	} else {
		struct sigaction sa = {0};
		sa.sa_handler = on_sigint;
		sigaction(SIGINT, &sa, NULL);
		int r = idx_sync(app->ix, &app->setup.opt, app->emb, &sink, &stop_requested);
		summary(&p);
		if (r == IDX_ESTOPPED) {
			fprintf(stderr, "stopped: what was indexed so far is kept\n");
			rc = EXIT_INTERRUPT;
		} else if (r != 0) {
			fprintf(stderr, "footnote index: %s\n", idx_strerror(r));
			rc = EXIT_INDEX;
		} else {
			rc = missing_rc;
		}
	}
	return rc;
}
