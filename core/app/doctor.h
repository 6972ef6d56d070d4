/* doctor.h - `footnote doctor`: is every configured provider and the embedder usable?
 *
 * For each provider: is it reachable, which models does it list, does every profile's model
 * (and the embedder's) appear among them, is there a key and where from (never its value),
 * was it refused. For the embedder: one short text is embedded and its dimension reported.
 * Each check is reported as one line through the sink, with a hint on what to fix. Checks
 * block on the network (bounded by each provider's timeouts). Main thread (or any single
 * thread); nothing is printed here. */
#ifndef FN_DOCTOR_H
#define FN_DOCTOR_H

struct config;

enum doctor_level {
	DOCTOR_OK,
	DOCTOR_INFO,  /* nothing to check (builtin), or a fact */
	DOCTOR_WARN,  /* a problem in something no profile uses */
	DOCTOR_FAIL,  /* a problem in something a profile or the embedder uses */
};

/* Strings are valid during the call only. text and fix may quote a server (untrusted):
 * sanitize before display. */
struct doctor_line {
	enum doctor_level level;
	const char *subject; /* provider name, or "embedder" */
	const char *text;    /* e.g. "reachable: 3 models listed" */
	const char *fix;     /* what to do, or NULL */
};

struct doctor_sink {
	void (*line)(void *ctx, const struct doctor_line *l);
	void *ctx;
};

enum {
	DOCTOR_ALL_OK = 0,
	DOCTOR_PROBLEM = 1,     /* something used fails: a model missing, a key refused... */
	DOCTOR_UNREACHABLE = 3, /* a provider a profile (or the embedder) uses cannot be reached */
};

/* Runs every check; returns DOCTOR_ALL_OK, DOCTOR_PROBLEM or DOCTOR_UNREACHABLE. */
int doctor_run(const struct config *c, const struct doctor_sink *sink);

#endif
