/* bench.c - helpers shared by the bench programs (see bench.h). */
#include "bench.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "core/eval/metrics.h"

double bench_now(void)
{
	return clock_ms_f() / 1e3;
}

double bench_pct(double *v, size_t n, double p)
{
	return n ? metric_percentile(v, n, p) : NAN;
}

/* Enough digits to read, never an exponent. */
static void fmt_num(char *out, size_t len, double v)
{
	double a = fabs(v);
	if (isnan(v))
		snprintf(out, len, "-");
	else if (a >= 1000)
		snprintf(out, len, "%.0f", v);
	else if (a >= 100)
		snprintf(out, len, "%.1f", v);
	else if (a >= 10)
		snprintf(out, len, "%.2f", v);
	else if (a >= 0.01)
		snprintf(out, len, "%.3f", v);
	else
		snprintf(out, len, "%.4f", v);
}

void bench_row(const char *issue, const char *metric, double ours, const char *unit,
	       const char *peer, double peer_value, const char *goal, const char *verdict)
{
	char a[64], b[64];
	fmt_num(a, sizeof a, ours);
	fmt_num(b, sizeof b, peer ? peer_value : NAN);
	printf("ROW\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", issue, metric, a, unit && *unit ? unit : "-",
	       peer ? peer : "-", b, goal && *goal ? goal : "-", verdict);
	fflush(stdout);
}

double bench_ndcg10(const char *const *ranked, size_t n, const char *const *rel, size_t nrel)
{
	double gains[10], judged[64];
	size_t k = n < 10 ? n : 10, nj = nrel < 64 ? nrel : 64;
	for (size_t r = 0; r < k; r++) {
		bool seen = false, hit = false;
		for (size_t i = 0; i < r && !seen; i++)
			seen = strcmp(ranked[i], ranked[r]) == 0;
		for (size_t i = 0; i < nrel && !hit; i++)
			hit = strcmp(rel[i], ranked[r]) == 0;
		gains[r] = hit && !seen;
	}
	for (size_t i = 0; i < nj; i++)
		judged[i] = 1;
	return metric_ndcg(gains, k, judged, nj, 10);
}

/* Sums the "field:" lines of /proc/self/smaps, in bytes. */
static long long smaps_sum(const char *field)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	char line[512];
	size_t fl = strlen(field);
	long long kb = 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, fl) == 0)
			kb += atoll(line + fl);
	fclose(f);
	return kb * 1024;
}

long long bench_anon_bytes(void)
{
	return smaps_sum("Anonymous:");
}

long long bench_file_rss_bytes(void)
{
	long long rss = smaps_sum("Rss:"), anon = smaps_sum("Anonymous:");
	return rss < 0 || anon < 0 ? -1 : rss - anon;
}

const char *bench_shared(void)
{
	const char *s = getenv("FN_SHARED");
	return s && *s ? s : "../shared";
}

const char *bench_dir(void)
{
	const char *s = getenv("FN_BENCH_DIR");
	return s && *s ? s : "build/bench";
}

size_t bench_chunks(void)
{
	const char *s = getenv("FN_BENCH_CHUNKS");
	if (!s || !*s)
		return 100000;
	char *end;
	unsigned long long n = strtoull(s, &end, 10);
	if (*end || n < 1000 || n > 100000000)
		bench_die("FN_BENCH_CHUNKS=%s: expected a number of chunks from 1000 to 100000000", s);
	return (size_t)n;
}

void bench_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

char *bench_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		bench_die("%s: %s", path, strerror(errno));
	struct buf b = {0};
	size_t r;
	do {
		r = fread(buf_reserve(&b, 65536), 1, 65536, f);
		buf_commit(&b, r);
	} while (r == 65536);
	if (ferror(f))
		bench_die("%s: read error", path);
	fclose(f);
	if (len)
		*len = b.len;
	return buf_detach(&b);
}

void bench_write(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f))
		bench_die("%s: %s", path, strerror(errno));
}

void bench_mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST)
			bench_die("mkdir %s: %s", p, strerror(errno));
		*s = c;
		if (!c)
			break;
	}
	free(p);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void bench_rmrf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) && errno == ENOENT)
		return;
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS))
		bench_die("rm -rf %s: %s", path, strerror(errno));
}
