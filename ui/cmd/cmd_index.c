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
#include <time.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/app/setup.h"
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
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
	fprintf(stderr, "\r\x1b[K[%.*s%*s] %zu/%zu files  %zu chunks  %.1f MB  %.1f s", fill,
		"##############################", width - fill, "", done, total, ev->chunks_total,
		(double)ev->bytes_done / 1e6, t - p->started);
	fflush(stderr);
}

static void on_event(void *ctx, const struct idx_event *ev)
{
	struct progress *p = ctx;
	switch (ev->kind) {
	case IDX_EV_FILE:
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
	printf("indexed %zu files (%zu unchanged, %zu removed, %zu moved), %zu chunks, %.1f MB in %.2f s",
	       p->indexed, p->unchanged, p->removed, p->moved, p->chunks, (double)p->bytes / 1e6,
	       now_s() - p->started);
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
		printf("; %zu chunks wait for vectors (searchable by their words meanwhile; run footnote "
		       "index again, or keep the TUI or index --watch running, once the embedder answers)",
		       p->pending);
	printf("\n");
	for (size_t i = 0; i < p->nreasons; i++)
		free(p->reasons[i].text);
}

static int status(struct cli *cli)
{
	idx *ix;
	char *err;
	int rc = setup_open_index(cli->cfg, false, &ix, &err);
	if (rc != 0) {
		fprintf(stderr, "footnote index: %s\n", err);
		free(err);
		return EXIT_INDEX;
	}
	struct idx_stats st;
	rc = idx_stats(ix, &st);
	if (rc == 0) {
		printf("index      ");
		cli_print_safe(stdout, cli->cfg->index.path, SAN_ONELINE);
		printf("\nfiles      %llu\nchunks     %llu\nterms      %llu\ntext       %.1f MB\n"
		       "size       %.1f MB\nembedder   ",
		       (unsigned long long)st.files, (unsigned long long)st.chunks,
		       (unsigned long long)st.terms, (double)st.bytes / 1e6, (double)st.map_bytes / 1e6);
		cli_print_safe(stdout, st.embedder, SAN_ONELINE);
		printf(" (%d dimensions)\npending    %llu chunks waiting for vectors\n"
		       "generation %llu\nschema     %d\nlast error ", st.dim, (unsigned long long)st.pending,
		       (unsigned long long)st.generation, st.schema_version);
		cli_print_safe(stdout, *st.last_error ? st.last_error : "none", SAN_ONELINE);
		putchar('\n');
	} else {
		fprintf(stderr, "footnote index: %s\n", idx_strerror(rc));
	}
	idx_close(ix);
	return rc == 0 ? EXIT_OK : EXIT_INDEX;
}

static int watch(idx *ix, struct setup *s, const struct idx_sink *sink)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* Block before the watcher thread starts, so only sigwait below sees them. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	struct idx_watch *w;
	int rc = idx_watch_start(ix, &s->opt, s->emb, sink, &w);
	if (rc != 0) {
		fprintf(stderr, "footnote index --watch: %s\n", idx_strerror(rc));
		return EXIT_INDEX;
	}
	fprintf(stderr, "watching %zu folder%s; Ctrl-C stops\n", s->opt.nfolders, s->opt.nfolders == 1 ? "" : "s");
	int sig;
	sigwait(&set, &sig);
	idx_watch_stop(w);
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

	struct setup s;
	char *err;
	if (setup_init(&s, cli->cfg, argv + optind, (size_t)(argc - optind), &err) < 0) {
		fprintf(stderr, "footnote index: %s\n", err);
		free(err);
		return EXIT_USAGE;
	}
	idx *ix;
	if (setup_open_index(cli->cfg, true, &ix, &err) != 0) {
		fprintf(stderr, "footnote index: %s\n", err);
		free(err);
		setup_free(&s);
		return EXIT_INDEX;
	}

	struct progress p = {.tty = isatty(STDERR_FILENO), .watch = want_watch, .started = now_s()};
	struct idx_sink sink = {on_event, &p};
	int rc;
	if (want_watch) {
		rc = watch(ix, &s, &sink);
	} else {
		struct sigaction sa = {0};
		sa.sa_handler = on_sigint;
		sigaction(SIGINT, &sa, NULL);
		int r = idx_sync(ix, &s.opt, s.emb, &sink, &stop_requested);
		summary(&p);
		if (r == IDX_ESTOPPED) {
			fprintf(stderr, "stopped: what was indexed so far is kept\n");
			rc = EXIT_INTERRUPT;
		} else if (r != 0) {
			fprintf(stderr, "footnote index: %s\n", idx_strerror(r));
			rc = EXIT_INDEX;
		} else {
			rc = EXIT_OK;
		}
	}
	idx_close(ix);
	setup_free(&s);
	return rc;
}
