/* ndjson.h - a byte-level splitter for newline-delimited JSON (Ollama's streaming format).
 *
 * Lines end in LF, CR or CRLF (a CR ending one slice and an LF starting the next are one line
 * end); one leading UTF-8 BOM is skipped; blank lines (empty or only spaces and tabs) are
 * skipped. The parser only frames lines: it does not parse the JSON. ndjson_finish hands over
 * a last line that has no line end (Ollama's final object often has none).
 *
 * A cap bounds one line (1 MiB by default). Passing it stops the parser: ndjson_feed and
 * ndjson_finish then return NDJSON_ETOOBIG and ignore further input. Nothing is allocated per
 * byte; only a line split across slices is copied. The splitting itself is core/wire/linesplit.h,
 * which the SSE parser shares.
 *
 * One thread at a time. The callback runs inside ndjson_feed / ndjson_finish and must not call
 * back into the same parser. */
#ifndef FN_NDJSON_H
#define FN_NDJSON_H

#include <stddef.h>

#define NDJSON_DEFAULT_MAX (1024u * 1024u)

enum {
	NDJSON_OK = 0,
	NDJSON_ETOOBIG = -1, /* a line passed the cap; the parser has stopped */
};

struct ndjson_callbacks {
	/* One non-blank line, without its line end. Valid only during the call; not
	 * NUL-terminated (use a length-taking JSON parser). */
	void (*on_line)(void *ctx, const char *line, size_t len);
	void *ctx;
};

struct ndjson;

/* Returns a new parser (never NULL); the callbacks are copied. Free with ndjson_free. */
struct ndjson *ndjson_new(const struct ndjson_callbacks *cb);
void ndjson_free(struct ndjson *p);
/* Sets the per-line cap in bytes (0 means NDJSON_DEFAULT_MAX). Call before the first feed. */
void ndjson_set_max(struct ndjson *p, size_t max_bytes);
/* Splits len bytes into lines. Returns NDJSON_OK or NDJSON_ETOOBIG. */
int ndjson_feed(struct ndjson *p, const char *data, size_t len);
/* End of the body: hands over a last line without a line end. Further feeds are ignored. */
int ndjson_finish(struct ndjson *p);
const char *ndjson_strerror(int code);

#endif
