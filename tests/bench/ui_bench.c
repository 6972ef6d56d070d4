/* ui_bench.c - issue 5's figures: runs the real binary in a pty (TERM=xterm-256color, a fixed
 * size) and reads what it draws through libvterm, a terminal emulator, as a user would see it.
 *
 *   ui_bench [OPTIONS] MODE -- CMD...
 *
 * Modes (each prints "key value" lines on stdout for ui_bench.sh; progress on stderr):
 *   frame    start to first frame: from fork to the moment the status row (the last one)
 *            shows -n TEXT; -r RUNS runs (each quits with Ctrl-C twice).
 *   keys     keystroke to screen while an answer streams: types -q TEXT and Enter, waits for
 *            -s TEXT in the status row (without -s: asks nothing), then for -d SECONDS
 *            writes one printable key at a time (Cyrillic letters, which nothing else on the
 *            screen contains) and times until its bytes come back from the pty, stamped at
 *            the read that completes them. Ctrl-U empties the input every 32 keys.
 *            Reports p50/p90/p99/max over all keys and (ix_*) over the keys typed while the
 *            status row showed -i TEXT (indexing), and whether the answer was still
 *            streaming at the end. -T FILE: one line per key, "ms-since-start latency
 *            indexing".
 *   stream   types -q TEXT and Enter, waits for -s TEXT in the status row and then for -e
 *            TEXT there (the answer ended); reports the time from Enter to the end and the
 *            bytes drawn, and writes the final screen to -o FILE.
 *   idle     waits until the status row shows -e TEXT and not -i TEXT (indexing done), lets
 *            it settle for a second, then measures -d SECONDS of idling: CPU ticks
 *            (utime+stime of every thread in /proc/PID/task/TID/stat), CPU nanoseconds
 *            (schedstat), context switches (wake-ups) and bytes drawn.
 * Options: -R ROWS -C COLS (default 40x120), -t TIMEOUT_S for any wait (default 120). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vterm.h>

#include "base/clock.h"

static int rows = 40, cols = 120, timeout_s = 120;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "ui_bench: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The q-quantile of sorted v[0..n), nearest rank. */
static double quantile(const double *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)n + 0.999999);
	return v[i ? i - 1 : 0];
}

/* ---- the program under test, in a pty, seen through libvterm ------------------------------- */

struct term {
	pid_t pid;
	int fd;                /* pty master */
	VTerm *vt;
	VTermScreen *screen;
	char *since;           /* bytes read since mark() while watching, to find an echo */
	size_t nsince, capsince;
	unsigned long long bytes;
	const char *watch;     /* bytes to look for in what is read after mark() */
	size_t nwatch;
	double seen;           /* when they were read; -1 until then */
	bool exited;
	int status;
};

/* The emulator's answers (e.g. to a cursor position query) go back to the program. */
static void vt_output(const char *s, size_t len, void *user)
{
	struct term *t = user;
	while (len > 0) {
		ssize_t n = write(t->fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static void spawn(struct term *t, char **argv)
{
	memset(t, 0, sizeof *t);
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0)
		die("forkpty: %s", strerror(errno));
	if (t->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		execvp(argv[0], argv);
		fprintf(stderr, "ui_bench: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
	t->vt = vterm_new(rows, cols);
	vterm_set_utf8(t->vt, 1);
	vterm_output_set_callback(t->vt, vt_output, t);
	t->screen = vterm_obtain_screen(t->vt);
	vterm_screen_enable_altscreen(t->screen, 1);
	vterm_screen_reset(t->screen, 1);
}

/* Looks for the watched bytes in what came since mark(), this read included; stamps the read. */
static void watch(struct term *t, const char *buf, size_t n)
{
	double at = clock_ms_f();
	if (t->nsince + n > t->capsince) {
		t->capsince = (t->nsince + n) * 2;
		t->since = realloc(t->since, t->capsince);
		if (!t->since)
			die("out of memory");
	}
	memcpy(t->since + t->nsince, buf, n);
	t->nsince += n;
	if (memmem(t->since, t->nsince, t->watch, t->nwatch))
		t->seen = at;
}

/* Reads what is there (waiting up to wait_ms for the first bytes); returns bytes read. */
static size_t pump(struct term *t, int wait_ms)
{
	size_t total = 0;
	struct pollfd p = {t->fd, POLLIN, 0};
	if (poll(&p, 1, wait_ms) <= 0)
		return 0;
	char buf[65536];
	for (;;) {
		ssize_t n = read(t->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* EIO once the program is gone and the slave side is closed. */
			if (n == 0 || errno == EIO)
				t->exited = true;
			break;
		}
		if (t->watch && t->seen < 0)
			watch(t, buf, (size_t)n);
		vterm_input_write(t->vt, buf, (size_t)n);
		t->bytes += (unsigned long long)n;
		total += (size_t)n;
	}
	return total;
}

/* Starts looking for bytes[0..n) (NULL: nothing) in what is read from now on. */
static void mark(struct term *t, const char *bytes, size_t n)
{
	t->nsince = 0;
	t->watch = bytes;
	t->nwatch = n;
	t->seen = -1;
}

static void send_keys(struct term *t, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(t->fd, s, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			die("write to the pty: %s", strerror(errno));
		s += n;
		len -= (size_t)n;
	}
}

/* Row r of the screen as UTF-8 (caller's buffer). */
static const char *row_text(struct term *t, int r, char *out, size_t cap)
{
	VTermRect rect = {.start_row = r, .end_row = r + 1, .start_col = 0, .end_col = cols};
	size_t n = vterm_screen_get_text(t->screen, out, cap - 1, rect);
	out[n] = '\0';
	return out;
}

static bool status_has(struct term *t, const char *needle)
{
	char line[4096];
	return strstr(row_text(t, rows - 1, line, sizeof line), needle) != NULL;
}

/* Pumps until the status row shows `has` (and not `hasnt`); dies after the timeout. */
static double wait_status(struct term *t, const char *has, const char *hasnt, const char *what)
{
	double deadline = clock_ms_f() + timeout_s * 1e3;
	for (;;) {
		if (status_has(t, has) && !(hasnt && status_has(t, hasnt)))
			return clock_ms_f();
		if (t->exited)
			die("the program exited while waiting for %s", what);
		if (clock_ms_f() > deadline) {
			char line[4096];
			die("no %s within %d s; status row: %s", what, timeout_s, row_text(t, rows - 1, line, sizeof line));
		}
		pump(t, 50);
	}
}

/* Ctrl-C twice (the first one also stops an answer), then waits; SIGKILL after 10 s. */
static bool quit(struct term *t)
{
	double deadline = clock_ms_f() + 10e3;
	int presses = 0;
	while (clock_ms_f() < deadline) {
		if (waitpid(t->pid, &t->status, WNOHANG) == t->pid) {
			t->pid = 0;
			break;
		}
		if (presses < 6) {
			send_keys(t, "\x03", 1);
			presses++;
		}
		pump(t, 100);
	}
	bool clean = t->pid == 0 && WIFEXITED(t->status) && WEXITSTATUS(t->status) == 0;
	if (t->pid) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &t->status, 0);
	}
	close(t->fd);
	vterm_free(t->vt);
	free(t->since);
	return clean;
}

static void dump_screen(struct term *t, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	char line[4096];
	for (int r = 0; r < rows; r++)
		fprintf(f, "%s\n", row_text(t, r, line, sizeof line));
	fclose(f);
}

/* ---- modes ---------------------------------------------------------------------------------- */

struct opts {
	const char *name, *question, *streaming, *indexing, *end, *out, *trace;
	int runs;
	double seconds;
};

static int mode_frame(const struct opts *o, char **argv)
{
	double *v = calloc((size_t)o->runs, sizeof *v);
	int unclean = 0;
	for (int i = 0; i < o->runs; i++) {
		struct term t;
		double t0 = clock_ms_f();
		spawn(&t, argv);
		v[i] = wait_status(&t, o->name, NULL, "first frame") - t0;
		if (i == 0 && o->out)
			dump_screen(&t, o->out);
		unclean += !quit(&t);
		fprintf(stderr, "ui_bench: first frame %.1f ms\n", v[i]);
	}
	qsort(v, (size_t)o->runs, sizeof *v, cmp_double);
	printf("runs %d\np50 %.3f\nmax %.3f\nunclean_exits %d\n", o->runs, quantile(v, (size_t)o->runs, 0.5),
	       v[o->runs - 1], unclean);
	free(v);
	return 0;
}

static void ask(struct term *t, const struct opts *o)
{
	send_keys(t, o->question, strlen(o->question));
	pump(t, 20);
	send_keys(t, "\r", 1);
}

static void report_keys(const char *name, double *lat, size_t n)
{
	if (!n) {
		printf("%skeys 0\n", name);
		return;
	}
	qsort(lat, n, sizeof *lat, cmp_double);
	printf("%skeys %zu\n%sp50 %.3f\n%sp90 %.3f\n%sp99 %.3f\n%smax %.3f\n", name, n, name, quantile(lat, n, 0.5),
	       name, quantile(lat, n, 0.9), name, quantile(lat, n, 0.99), name, lat[n - 1]);
}

static int mode_keys(const struct opts *o, char **argv)
{
	struct term t;
	spawn(&t, argv);
	double start = wait_status(&t, o->name, NULL, "first frame");
	if (o->streaming) {
		ask(&t, o);
		start = wait_status(&t, o->streaming, NULL, "a streaming answer");
	}
	FILE *trace = o->trace ? fopen(o->trace, "w") : NULL;
	size_t cap = 4096, n = 0, nix = 0, missed = 0;
	double *lat = malloc(cap * sizeof *lat), *ix = malloc(cap * sizeof *ix);
	unsigned seed = 12345;
	double end = clock_ms_f() + o->seconds * 1e3;
	while (clock_ms_f() < end) {
		/* А..Я (U+0410..U+042F): two bytes each, found nowhere else on the screen. */
		unsigned k = (unsigned)(n + missed) % 32;
		char key[2] = {(char)(0xD0), (char)(0x90 + k)};
		bool indexing = o->indexing && status_has(&t, o->indexing);
		mark(&t, key, 2);
		double t0 = clock_ms_f();
		send_keys(&t, key, 2);
		while (t.seen < 0 && clock_ms_f() - t0 < 1000)
			pump(&t, 1);
		double seen = t.seen;
		mark(&t, NULL, 0);
		if (seen < 0) {
			missed++;
		} else {
			if (n == cap) {
				cap *= 2;
				lat = realloc(lat, cap * sizeof *lat);
				ix = realloc(ix, cap * sizeof *ix);
			}
			lat[n++] = seen - t0;
			if (indexing)
				ix[nix++] = seen - t0;
			if (trace)
				fprintf(trace, "%.1f %.3f %d\n", t0 - start, seen - t0, indexing);
		}
		if (k == 31) {
			send_keys(&t, "\x15", 1); /* Ctrl-U: an empty input again */
			pump(&t, 20);
		}
		/* 8 to 23 ms between keys: a fast typist, never in step with the stream. */
		seed = seed * 1103515245u + 12345u;
		double next = clock_ms_f() + 8 + (seed >> 16) % 16;
		while (clock_ms_f() < next)
			pump(&t, (int)(next - clock_ms_f()) + 1);
	}
	bool streaming_at_end = o->streaming && status_has(&t, o->streaming);
	if (o->out)
		dump_screen(&t, o->out);
	if (trace)
		fclose(trace);
	bool clean = quit(&t);
	if (!n)
		die("no key was echoed");
	printf("missed %zu\nstreaming_at_end %d\nclean_exit %d\n", missed, streaming_at_end, clean);
	report_keys("", lat, n);
	report_keys("ix_", ix, nix);
	free(lat);
	free(ix);
	return 0;
}

static int mode_stream(const struct opts *o, char **argv)
{
	struct term t;
	spawn(&t, argv);
	wait_status(&t, o->name, NULL, "first frame");
	ask(&t, o);
	double t0 = clock_ms_f();
	unsigned long long b0 = t.bytes;
	wait_status(&t, o->streaming, NULL, "a streaming answer");
	double t1 = wait_status(&t, o->end, o->streaming, "the end of the answer");
	/* Anything drawn right after the last frame (there should be nothing) lands too. */
	pump(&t, 200);
	if (o->out)
		dump_screen(&t, o->out);
	unsigned long long drawn = t.bytes - b0;
	bool clean = quit(&t);
	printf("enter_to_end_ms %.3f\nbytes %llu\nclean_exit %d\n", t1 - t0, drawn, clean);
	return 0;
}

struct cpu {
	unsigned long long ticks, ns, switches;
};

static struct cpu cpu_of(pid_t pid)
{
	struct cpu c = {0};
	char path[256];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		die("cannot read %s", path);
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.')
			continue;
		char p[1024], buf[4096];
		snprintf(p, sizeof p, "%s/%s/stat", path, e->d_name);
		FILE *f = fopen(p, "r");
		if (!f)
			continue; /* the thread ended */
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* Fields after the command (which may hold spaces), from field 3: utime is 14th. */
		char *s = strrchr(buf, ')');
		unsigned long long ut = 0, st = 0;
		if (s && sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
			c.ticks += ut + st;
		snprintf(p, sizeof p, "%s/%s/schedstat", path, e->d_name);
		unsigned long long ns = 0;
		if ((f = fopen(p, "r")) != NULL) {
			if (fscanf(f, "%llu", &ns) == 1)
				c.ns += ns;
			fclose(f);
		}
		snprintf(p, sizeof p, "%s/%s/status", path, e->d_name);
		if ((f = fopen(p, "r")) != NULL) {
			char line[256];
			unsigned long long v;
			while (fgets(line, sizeof line, f))
				if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1 ||
				    sscanf(line, "nonvoluntary_ctxt_switches: %llu", &v) == 1)
					c.switches += v;
			fclose(f);
		}
	}
	closedir(d);
	return c;
}

static int mode_idle(const struct opts *o, char **argv)
{
	struct term t;
	spawn(&t, argv);
	wait_status(&t, o->name, NULL, "first frame");
	wait_status(&t, o->end, o->indexing, "the index to be ready");
	double settle = clock_ms_f() + 1000;
	while (clock_ms_f() < settle)
		pump(&t, 50);
	unsigned long long b0 = t.bytes;
	struct cpu a = cpu_of(t.pid);
	double t0 = clock_ms_f(), end = t0 + o->seconds * 1e3;
	while (clock_ms_f() < end)
		pump(&t, (int)(end - clock_ms_f()) + 1);
	struct cpu b = cpu_of(t.pid);
	double secs = (clock_ms_f() - t0) / 1e3;
	unsigned long long drawn = t.bytes - b0;
	bool clean = quit(&t);
	printf("seconds %.3f\nticks %llu\ncpu_ns %llu\nswitches %llu\nbytes %llu\nclean_exit %d\n", secs,
	       b.ticks - a.ticks, b.ns - a.ns, b.switches - a.switches, drawn, clean);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {.name = NULL, .question = "hello", .runs = 10, .seconds = 10};
	int c;
	while ((c = getopt(argc, argv, "+R:C:t:n:q:s:i:e:o:T:r:d:")) != -1) {
		switch (c) {
		case 'R': rows = atoi(optarg); break;
		case 'C': cols = atoi(optarg); break;
		case 't': timeout_s = atoi(optarg); break;
		case 'n': o.name = optarg; break;
		case 'q': o.question = optarg; break;
		case 's': o.streaming = optarg; break;
		case 'i': o.indexing = optarg; break;
		case 'e': o.end = optarg; break;
		case 'o': o.out = optarg; break;
		case 'T': o.trace = optarg; break;
		case 'r': o.runs = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
		case 'd': o.seconds = atof(optarg); break;
		default: return 2;
		}
	}
	if (optind + 2 > argc || strcmp(argv[optind + 1], "--") || !o.name || optind + 2 >= argc) {
		fprintf(stderr, "usage: ui_bench [-R rows] [-C cols] [-t timeout_s] -n STATUS_TEXT [options] "
				"frame|keys|stream|idle -- CMD...\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	const char *mode = argv[optind];
	char **cmd = argv + optind + 2;
	if (!strcmp(mode, "frame"))
		return mode_frame(&o, cmd);
	if (!strcmp(mode, "keys"))
		return mode_keys(&o, cmd);
	if (!strcmp(mode, "stream") && o.streaming && o.end)
		return mode_stream(&o, cmd);
	if (!strcmp(mode, "idle") && o.end)
		return mode_idle(&o, cmd);
	fprintf(stderr, "ui_bench: unknown mode %s, or a text it needs is missing (-s, -e)\n", mode);
	return 2;
}
