/* net_bench.c - issue 4's network figures against the loopback server (tests/server/fakellm.py).
 *
 *   net_bench ttft URL BODYFILE RUNS
 *       First token of the same request through core/net/net.c and through plain libcurl, runs
 *       interleaved (the order flips every run). "First token" is the first non-empty
 *       content delta: net.c's first_token callback, and for libcurl the first
 *       `"content":"X` in the body bytes. Both clocks are this process's CLOCK_MONOTONIC.
 *   net_bench tput URL BODYFILE [EXPECT_OUT]
 *       One stream through net.c and the same one through libcurl (whose bytes are decoded
 *       here with cJSON, independently of core/): deltas sent and received, text equal,
 *       tokens per second from the first to the last token. EXPECT_OUT gets the text
 *       libcurl received, for comparing with `footnote ask`.
 *   net_bench procs RUNS URL BODYFILE -- CMD...
 *       Process start to first token on stdout: `curl -sN` POSTing BODYFILE to URL (first
 *       content delta in its output) against CMD (first byte of its stdout), interleaved.
 *
 * Results go to stdout as "key value" lines for net_bench.sh; progress goes to stderr.
 * Everything here is single-purpose bench code: it exits on the first failure. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "core/net/net.h"

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "net_bench: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot read %s", path);
	struct buf b = {0};
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	*len = b.len;
	return buf_detach(&b);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of v[0..n), nearest rank; sorts v. */
static double quantile(double *v, size_t n, double q)
{
	qsort(v, n, sizeof *v, cmp_double);
	size_t i = (size_t)(q * (double)n + 0.999999);
	return v[i ? i - 1 : 0];
}

/* ---- first content delta in raw SSE bytes ------------------------------------------------ */

/* Finds `"content":"` followed by a character other than `"`, across any slicing. */
struct scan {
	char tail[16];
	size_t ntail;
	bool found;
};

static bool scan_feed(struct scan *s, const char *p, size_t n)
{
	static const char pat[] = "\"content\":\"";
	const size_t plen = sizeof pat - 1;
	if (s->found)
		return true;
	struct buf b = {0};
	buf_add(&b, s->tail, s->ntail);
	buf_add(&b, p, n);
	for (const char *at = b.p; (at = memmem(at, b.len - (size_t)(at - b.p), pat, plen)) != NULL; at++) {
		if (at + plen < b.p + b.len && at[plen] != '"') {
			s->found = true;
			break;
		}
		if (at + plen >= b.p + b.len)
			break; /* the character after it has not arrived yet: keep it in the tail */
	}
	size_t keep = b.len < plen ? b.len : plen;
	memcpy(s->tail, b.p + b.len - keep, keep);
	s->ntail = keep;
	buf_free(&b);
	return s->found;
}

/* ---- plain libcurl ------------------------------------------------------------------------- */

struct peer {
	double t0, t_first, t_last;
	struct scan scan;
	struct buf raw;  /* the body, when keep_raw */
	bool keep_raw;
};

static size_t peer_write(char *p, size_t size, size_t nmemb, void *ud)
{
	struct peer *pr = ud;
	size_t n = size * nmemb;
	double t = clock_ms_f();
	if (!pr->scan.found && scan_feed(&pr->scan, p, n))
		pr->t_first = t;
	pr->t_last = t;
	if (pr->keep_raw)
		buf_add(&pr->raw, p, n);
	return n;
}

static void peer_run(CURL *e, const char *url, const char *body, size_t len, struct peer *pr)
{
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, "Accept: text/event-stream");
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, peer_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, pr);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	pr->t_first = -1;
	pr->t0 = clock_ms_f();
	CURLcode rc = curl_easy_perform(e);
	curl_slist_free_all(h);
	if (rc != CURLE_OK)
		die("libcurl: %s", curl_easy_strerror(rc));
	if (pr->t_first < 0)
		die("libcurl: %s", "no content delta in the response");
}

/* ---- core/net/net.c ---------------------------------------------------------------------------- */

struct ours {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
	double t0, t_first, t_last;
	size_t ntext;
	struct buf text;
	long long completion_tokens;
	char outcome[64];
};

static void ours_event(void *ctx, enum stream_ev_kind kind, const char *s, size_t len)
{
	struct ours *o = ctx;
	if (kind != STREAM_EV_TEXT || !len)
		return;
	o->t_last = clock_ms_f();
	o->ntext++;
	buf_add(&o->text, s, len);
}

static void ours_first(void *ctx, double ms)
{
	struct ours *o = ctx;
	(void)ms; /* net.c counts whole milliseconds; this clock is finer */
	o->t_first = clock_ms_f();
}

static void ours_done(void *ctx, const struct stream_result *r, const struct net_timings *t)
{
	struct ours *o = ctx;
	(void)t;
	pthread_mutex_lock(&o->mu);
	snprintf(o->outcome, sizeof o->outcome, "%s", stream_outcome_name(r->outcome));
	o->completion_tokens = r->usage.completion_tokens;
	o->done = true;
	pthread_cond_signal(&o->cv);
	pthread_mutex_unlock(&o->mu);
}

static void ours_run(struct net *n, const char *url, const char *body, size_t len, struct ours *o)
{
	pthread_mutex_init(&o->mu, NULL);
	pthread_cond_init(&o->cv, NULL);
	o->t_first = -1;
	struct net_request req = {.url = url, .body = body, .body_len = len, .proto = STREAM_OPENAI_SSE,
				  .timeout_s = 120, .idle_timeout_s = 30};
	struct net_callbacks cb = {.event = ours_event, .first_token = ours_first, .done = ours_done, .ctx = o};
	o->t0 = clock_ms_f();
	net_submit(n, &req, &cb);
	pthread_mutex_lock(&o->mu);
	while (!o->done)
		pthread_cond_wait(&o->cv, &o->mu);
	pthread_mutex_unlock(&o->mu);
	pthread_cond_destroy(&o->cv);
	pthread_mutex_destroy(&o->mu);
	if (strcmp(o->outcome, "completed"))
		die("net.c: the stream ended %s", o->outcome);
	if (o->t_first < 0)
		die("net.c: %s", "no first token");
}

static struct net *net_or_die(void)
{
	char *err = NULL;
	struct net *n = net_new(&err);
	if (!n)
		die("net_new: %s", err ? err : "failed");
	return n;
}

static int cmd_ttft(const char *url, const char *bodyfile, int runs)
{
	size_t len;
	char *body = slurp(bodyfile, &len);
	struct net *n = net_or_die();
	CURL *e = curl_easy_init();
	double *ours = xmalloc((size_t)runs * sizeof *ours), *peer = xmalloc((size_t)runs * sizeof *peer);
	double *diff = xmalloc((size_t)runs * sizeof *diff);
	/* net.c's multi handle keeps connections alive between requests, so the libcurl peer
	 * keeps its easy handle (and connection) too. One warm-up each: connections, caches, the
	 * server's first-request costs. */
	for (int i = -1; i < runs; i++) {
		struct ours o = {0};
		struct peer p = {0};
		if (i & 1) {
			ours_run(n, url, body, len, &o);
			peer_run(e, url, body, len, &p);
		} else {
			peer_run(e, url, body, len, &p);
			ours_run(n, url, body, len, &o);
		}
		buf_free(&o.text);
		if (i < 0)
			continue;
		ours[i] = o.t_first - o.t0;
		peer[i] = p.t_first - p.t0;
		diff[i] = ours[i] - peer[i];
	}
	printf("ours_p50 %.3f\nours_p90 %.3f\n", quantile(ours, (size_t)runs, 0.5), quantile(ours, (size_t)runs, 0.9));
	printf("peer_p50 %.3f\npeer_p90 %.3f\n", quantile(peer, (size_t)runs, 0.5), quantile(peer, (size_t)runs, 0.9));
	printf("diff_p50 %.3f\n", quantile(diff, (size_t)runs, 0.5));
	curl_easy_cleanup(e);
	net_free(n);
	free(ours);
	free(peer);
	free(diff);
	free(body);
	return 0;
}

/* ---- throughput ---------------------------------------------------------------------------- */

/* Decodes SSE bytes on its own: each "data: {...}" line's choices[0].delta.content. */
static void decode_sse(const char *raw, size_t len, size_t *deltas, struct buf *text, long long *completion)
{
	*deltas = 0;
	*completion = -1;
	const char *end = raw + len;
	for (const char *p = raw; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (le - p > 6 && !strncmp(p, "data: ", 6) && p[6] == '{') {
			cJSON *j = cJSON_ParseWithLength(p + 6, (size_t)(le - p - 6));
			cJSON *ch = j ? cJSON_GetObjectItem(j, "choices") : NULL;
			cJSON *c0 = cJSON_IsArray(ch) ? cJSON_GetArrayItem(ch, 0) : NULL;
			cJSON *d = c0 ? cJSON_GetObjectItem(c0, "delta") : NULL;
			cJSON *c = d ? cJSON_GetObjectItem(d, "content") : NULL;
			if (cJSON_IsString(c) && *c->valuestring) {
				(*deltas)++;
				buf_adds(text, c->valuestring);
			}
			cJSON *u = j ? cJSON_GetObjectItem(j, "usage") : NULL;
			cJSON *ct = cJSON_IsObject(u) ? cJSON_GetObjectItem(u, "completion_tokens") : NULL;
			if (cJSON_IsNumber(ct))
				*completion = (long long)ct->valuedouble;
			cJSON_Delete(j);
		}
		p = le + 1;
	}
}

static int cmd_tput(const char *url, const char *bodyfile, const char *expect_out)
{
	size_t len;
	char *body = slurp(bodyfile, &len);
	struct net *n = net_or_die();
	CURL *e = curl_easy_init();
	struct ours o = {0};
	struct peer p = {.keep_raw = true};
	fprintf(stderr, "net_bench: streaming through net.c\n");
	ours_run(n, url, body, len, &o);
	fprintf(stderr, "net_bench: streaming through libcurl\n");
	peer_run(e, url, body, len, &p);
	size_t sent;
	struct buf expect = {0};
	long long usage;
	decode_sse(p.raw.p, p.raw.len, &sent, &expect, &usage);
	printf("sent %zu\nusage %lld\nreceived %zu\nours_usage %lld\n", sent, usage, o.ntext, o.completion_tokens);
	printf("text_equal %d\ntext_bytes %zu\nours_text_bytes %zu\n",
	       expect.len == o.text.len && !memcmp(expect.p, o.text.p, expect.len), expect.len, o.text.len);
	double ours_s = (o.t_last - o.t_first) / 1e3, peer_s = (p.t_last - p.t_first) / 1e3;
	printf("ours_tps %.0f\npeer_tps %.0f\n", ours_s > 0 ? (double)(o.ntext - 1) / ours_s : 0,
	       peer_s > 0 ? (double)(sent - 1) / peer_s : 0);
	if (expect_out) {
		FILE *f = fopen(expect_out, "wb");
		if (!f || fwrite(expect.p, 1, expect.len, f) != expect.len || fclose(f))
			die("cannot write %s", expect_out);
	}
	buf_free(&expect);
	buf_free(&o.text);
	buf_free(&p.raw);
	curl_easy_cleanup(e);
	net_free(n);
	free(body);
	return 0;
}

/* ---- whole processes ----------------------------------------------------------------------- */

/* Runs argv with stdout on a pipe; returns ms from fork to the first token on its stdout
 * (sse: the first content delta in the bytes; else the first byte). Drains and reaps it. */
static double proc_first(char *const argv[], bool sse)
{
	int fd[2];
	if (pipe(fd) < 0)
		die("pipe: %s", strerror(errno));
	double t0 = clock_ms_f();
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 2);
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	double first = -1;
	struct scan s = {0};
	char tmp[65536];
	ssize_t n;
	while ((n = read(fd[0], tmp, sizeof tmp)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (first < 0 && (!sse || scan_feed(&s, tmp, (size_t)n)))
			first = clock_ms_f() - t0;
	}
	close(fd[0]);
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("%s did not exit cleanly", argv[0]);
	if (first < 0)
		die("%s printed no token", argv[0]);
	return first;
}

static int cmd_procs(int runs, const char *url, const char *bodyfile, char **cmd)
{
	char data[4200];
	snprintf(data, sizeof data, "@%s", bodyfile);
	char *curl_argv[] = {(char *)"curl", (char *)"-sN", (char *)"-H", (char *)"Content-Type: application/json",
			     (char *)"--data-binary", data, (char *)url, NULL};
	double *ours = xmalloc((size_t)runs * sizeof *ours), *peer = xmalloc((size_t)runs * sizeof *peer);
	for (int i = -1; i < runs; i++) {
		double a, b;
		if (i & 1) {
			a = proc_first(cmd, false);
			b = proc_first(curl_argv, true);
		} else {
			b = proc_first(curl_argv, true);
			a = proc_first(cmd, false);
		}
		if (i >= 0) {
			ours[i] = a;
			peer[i] = b;
		}
	}
	printf("ours_p50 %.3f\npeer_p50 %.3f\n", quantile(ours, (size_t)runs, 0.5), quantile(peer, (size_t)runs, 0.5));
	free(ours);
	free(peer);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "ttft"))
		return cmd_ttft(argv[2], argv[3], atoi(argv[4]) > 0 ? atoi(argv[4]) : 30);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "tput"))
		return cmd_tput(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (argc >= 7 && !strcmp(argv[1], "procs") && !strcmp(argv[5], "--"))
		return cmd_procs(atoi(argv[2]) > 0 ? atoi(argv[2]) : 30, argv[3], argv[4], argv + 6);
	fprintf(stderr, "usage: net_bench ttft URL BODYFILE RUNS | tput URL BODYFILE [EXPECT_OUT] |\n"
			"       net_bench procs RUNS URL BODYFILE -- CMD...\n");
	return 2;
}
