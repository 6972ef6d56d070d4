/* bench.h - helpers shared by the bench programs (tests/bench/NAME_bench.c): clock,
 * percentiles, the ROW lines run.sh turns into the table, nDCG@10, memory from
 * /proc/self/smaps, files.
 *
 * The ROW protocol (shared with net_bench.sh and ui_bench.sh): one tab-separated line on
 * stdout per figure,
 *   ROW issue metric ours unit peer-name peer-value goal pass|fail|info
 * with "-" for an empty field; everything else a program prints is progress and goes to
 * stderr. Environment: FN_SHARED (the shared data, holding scifact/), FN_BENCH_DIR (work
 * directory, default build/bench), FN_BENCH_CHUNKS (synthetic scale, default 100000).
 * Not thread-safe; bench programs are single-threaded apart from what they measure. */
#ifndef FN_BENCH_H
#define FN_BENCH_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Monotonic seconds. */
double bench_now(void);
/* The p-th percentile (0..100, nearest rank) of v[n] (core/eval/metrics.h). NAN when n is 0. */
double bench_pct(double *v, size_t n, double p);

/* Prints one ROW line. A NAN value prints "-"; peer NULL prints "-". */
void bench_row(const char *issue, const char *metric, double ours, const char *unit,
	       const char *peer, double peer_value, const char *goal, const char *verdict);
static inline const char *bench_verdict(bool ok)
{
	return ok ? "pass" : "fail";
}

/* nDCG@10 (core/eval/metrics.h) with binary relevance: ranked[n] document ids best first (repeats
 * after the first count as non-relevant), rel[nrel] the relevant ids. 0 when nrel is 0. */
double bench_ndcg10(const char *const *ranked, size_t n, const char *const *rel, size_t nrel);

/* Anonymous resident memory of this process in bytes (sum of "Anonymous:" in
 * /proc/self/smaps): what a process holds beyond the pages it maps from files. -1 on error. */
long long bench_anon_bytes(void);
/* Resident memory mapped from files (Rss minus Anonymous), bytes; -1 on error. */
long long bench_file_rss_bytes(void);

/* Environment with defaults (see above). Static strings. */
const char *bench_shared(void);
const char *bench_dir(void);
size_t bench_chunks(void);

/* Whole file, NUL-terminated; *len may be NULL. Exits with a message on error. Caller frees. */
char *bench_slurp(const char *path, size_t *len);
/* Writes data to path (created or truncated); exits with a message on error. */
void bench_write(const char *path, const char *data, size_t len);
/* mkdir -p; exits with a message on error. */
void bench_mkdirs(const char *path);
/* rm -rf (no error when missing); exits with a message on error. */
void bench_rmrf(const char *path);
/* Fails the program with a message on stderr (printf format). */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* splitmix64: the deterministic generator of the synthetic data. */
static inline uint64_t bench_mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}
/* Uniform in [0, 1). */
static inline double bench_unif(uint64_t *s)
{
	return (double)(bench_mix(s) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
