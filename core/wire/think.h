/* think.h - the stream decoder's <think> holder: splits a model's content into answer text
 * and reasoning, and holds content that may be reasoning whose opening tag the server
 * stripped. What it decides, and when, is written in core/wire/stream.h ("Held content");
 * core/wire/stream_state.c is its one user.
 *
 * Pure: no I/O, no events. Content goes in delta by delta, cut anywhere; what is decided is
 * appended to two buffers the caller owns (text, reasoning), raw bytes (the caller cuts them
 * into whole code points); nothing comes out for bytes still held. A holder belongs to one
 * stream, on that stream's thread. */
#ifndef FN_THINK_H
#define FN_THINK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "core/wire/stream.h"

/* Where a <think> block at the start of the content stands. THINK_HELD: no opening tag came,
 * and the content is held in case it is reasoning whose opening tag the server stripped. */
enum think_state { THINK_START, THINK_IN, THINK_HELD, THINK_OUT };

/* Fields are think.c's; a zeroed holder is THINK_START in STREAM_THINK_AUTO (call think_init
 * for the bound). */
struct think {
	enum stream_think mode;
	size_t hold_max;     /* THINK_HELD gives up at this many bytes */
	enum think_state state;
	size_t match;        /* bytes of "<think>" or "</think>" matched and held */
	struct buf ws;       /* white space before a possible "<think>" */
	struct buf held;     /* THINK_HELD: the content so far, not yet sent */
	bool no_hold;        /* a separate reasoning field came: content is the answer */
	bool skip_ws_reason, skip_ws_text; /* white space after a tag is dropped */
};

/* Sets how a block is found (hold_max 0 means STREAM_THINK_HOLD_MAX). Before any content. */
void think_init(struct think *t, enum stream_think mode, size_t hold_max);
void think_free(struct think *t);
/* Takes content p[0..n). model_strips: the server's model is one whose template strips the
 * opening tag (stream_model_strips_think); read only when the holder decides whether to hold. */
void think_content(struct think *t, const char *p, size_t n, bool model_strips, struct buf *text,
		   struct buf *reason);
/* A separate reasoning field came (reasoning_content, reasoning, thinking): the server splits
 * reasoning itself, so held content is the answer and goes to text; nothing more is held. */
void think_reasoning_field(struct think *t, struct buf *text);
/* The end of the content: whatever is held goes where it belongs (held content to text). */
void think_flush(struct think *t, struct buf *text, struct buf *reason);

#endif
