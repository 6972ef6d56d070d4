/* answer.h - an answer's raw text to screen lines, cheaply while it streams.
 *
 * A finished answer is sanitized and rendered whole (ui/render/md.h), once per width. While it
 * streams, the cost of a frame must not grow with the answer: the raw text is sanitized as
 * it arrives (sanitize_hold keeps a split character or CRLF for the next piece), and the
 * sanitized text is cut at its last stable block boundary, the start of a line that begins
 * a new block at the left margin after a blank line, outside any code fence. What lies
 * before it is rendered once and kept; only the tail after it is rendered again at each
 * frame. A possible citation marker at the very end ("[1") is held back until it resolves
 * (core/answer/cite.h), so a marker never flickers from text to citation.
 *
 * Rendering in blocks gives the same lines as rendering the whole text, except where a
 * block after a blank line continues one before it (an indented continuation of a list
 * item, a link defined further down): those differ until the answer ends and is rendered
 * whole.
 *
 * The lines go into the caller's `struct lines` after whatever it holds when
 * answer_begin is called (a header); anything the caller appends after a call (a footer)
 * is dropped by the next call. Pure; one answer per struct, UI thread. */
#ifndef FN_ANSWER_H
#define FN_ANSWER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "core/answer/cite.h"
#include "ui/render/md.h"
#include "ui/render/wrap.h"

struct answer {
	struct buf safe;        /* raw[0..raw_done) sanitized */
	size_t raw_done;
	bool changed;           /* sanitizing changed something: offsets in safe differ from raw */
	struct cite_segs segs;  /* answer_sanitize: the markers of the whole text */
	/* streaming */
	size_t scan;            /* safe is scanned for block boundaries up to here */
	size_t stable;          /* safe[0..stable) is rendered in lines [first, pre_lines) */
	size_t fence;           /* length of the open code fence's run, 0 when none */
	char fence_ch;
	bool after_blank;       /* the last line scanned was blank (outside a fence) */
	size_t first, pre_lines, pre_code;
	/* sources the text cites, in order of first mention (valid numbers only) */
	int *mentions;
	size_t nmentions, capmentions;
};

/* Starts over: the answer's lines will follow the out->n lines out holds now. */
void answer_begin(struct answer *a, const struct lines *out);
/* Streaming: brings out up to date with raw[0..len) (which only ever grows), rendering
 * only what changed since the last call. o->cites, o->marks and o->base are ignored. */
void answer_stream(struct answer *a, const char *raw, size_t len, const struct md_opts *o,
		   struct lines *out);
/* Finished: sanitizes raw[0..len) whole and finds its markers (a->safe, a->segs, a->changed
 * are then what a caller needs to place verification marks), ... */
void answer_sanitize(struct answer *a, const char *raw, size_t len, int nsources);
/* ... then renders it whole with o (o->cites and o->base are set here). */
void answer_render(struct answer *a, const struct md_opts *o, struct lines *out);
void answer_free(struct answer *a);

#endif
