/* sse.h - a byte-level parser for Server-Sent Events (text/event-stream).
 *
 * Follows the WHATWG event-stream rules: lines end in CR, LF or CRLF (a CR that ends one slice
 * and an LF that starts the next are one line end); one leading UTF-8 BOM is skipped; a line
 * starting with ':' is a comment; the fields `data` (several lines joined with LF), `event`,
 * `id` and `retry` build an event; a blank line dispatches it. One non-standard field is
 * understood: `error: {...}`, which some llama.cpp versions send instead of an error event.
 *
 * Feed it any slices of the body in order (sse_feed), then call sse_finish at EOF. The parser
 * copies only what it must keep across slices (a partial line, the pending event's data) and
 * allocates nothing per byte, so a slice costs time linear in its length. Line ends and the
 * BOM are handled by core/wire/linesplit.h, which the NDJSON parser shares.
 *
 * A cap bounds what one event may hold (data + event type + the line being read; 1 MiB by
 * default). Passing it stops the parser: sse_feed and sse_finish then return SSE_ETOOBIG and
 * ignore further input, so a hostile or broken server cannot make the client grow without
 * bound.
 *
 * Deliberate deviation: at EOF, sse_finish treats an unterminated last line as a whole line and
 * dispatches a pending event that was not followed by a blank line. A browser discards it
 * because it will reconnect and be sent the event again; a chat client will not, and a body
 * that ends without the final blank line is common enough.
 *
 * A parser is used by one thread at a time (the one that owns the transfer). Callbacks run
 * inside sse_feed / sse_finish; they must not call back into the same parser. */
#ifndef FN_SSE_H
#define FN_SSE_H

#include <stddef.h>

#define SSE_DEFAULT_MAX (1024u * 1024u)

enum {
	SSE_OK = 0,
	SSE_ETOOBIG = -1, /* an event or line passed the cap; the parser has stopped */
};

/* One dispatched event. The pointers stay valid only during the callback. `data` has the data
 * lines joined with LF (no trailing LF) and is NUL-terminated at data[data_len]. `type` is
 * "message" when the event had no `event` field. `id` is the last event ID seen so far ("" when
 * none), as the spec keeps it across events. */
struct sse_event {
	const char *type;
	size_t type_len;
	const char *data;
	size_t data_len;
	const char *id;
	size_t id_len;
};

/* Any callback may be NULL. `ctx` is passed back unchanged. */
struct sse_callbacks {
	/* A blank line ended an event that had at least one data line. */
	void (*on_event)(void *ctx, const struct sse_event *ev);
	/* A comment line (the text after ':', one leading space removed). Servers send these as
	 * keep-alives; the caller may reset an idle timer. */
	void (*on_comment)(void *ctx, const char *text, size_t len);
	/* The non-standard `error:` field: its value (one leading space removed), reported at once
	 * rather than at the blank line, since servers that send it then close the stream. */
	void (*on_error_field)(void *ctx, const char *value, size_t len);
	void *ctx;
};

struct sse;

/* Returns a new parser (never NULL); the callbacks are copied. Free with sse_free. */
struct sse *sse_new(const struct sse_callbacks *cb);
void sse_free(struct sse *p);
/* Sets the per-event cap in bytes (0 means SSE_DEFAULT_MAX). Call before the first feed. */
void sse_set_max(struct sse *p, size_t max_bytes);
/* Parses len bytes. Returns SSE_OK or SSE_ETOOBIG (then and afterwards input is ignored). */
int sse_feed(struct sse *p, const char *data, size_t len);
/* End of the body: flushes a last line without a line end and dispatches a pending event.
 * Returns SSE_OK or SSE_ETOOBIG. Further feeds are ignored. */
int sse_finish(struct sse *p);
/* The last `retry:` value in milliseconds, or -1 when the server sent none. */
long sse_retry_ms(const struct sse *p);
/* A short English description of an SSE_* code. */
const char *sse_strerror(int code);

#endif
