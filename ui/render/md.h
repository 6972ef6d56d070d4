/* md.h - Markdown (md4c, GitHub dialect, no raw HTML) to styled, wrapped screen lines.
 * A pure function, tested as strings (tests/unit/test_md.c).
 *
 * Headings, emphasis, inline code, fenced code blocks padded to the width on their own
 * background, nested and numbered lists, task lists, quotes, links as text plus "(URL)",
 * tables as a grid when they fit and as "header: value" lines when they do not, rules.
 * Citation markers are found by core/answer/cite.h (the one marker parser: [1], [1, 2], [1-3],
 * [^1], 【1】, ［1］, never inside code) and styled chat.citation, or chat.citation.bad when
 * a number has no source; a caller's hook may choose another slot per marker. Text is
 * wrapped by display width.
 *
 * Streaming: the text may stop anywhere; md4c closes what is open, so an unfinished code
 * fence renders as code to the end and an unclosed `**` stays literal until it closes.
 * Raw text is the truth: a streaming caller renders the text again (or, block by block,
 * the part after the last stable block boundary: see `base`).
 *
 * Input must already be sanitized (base/sanitize); entities are decoded and sanitized
 * again, so "&#27;" cannot make an escape. UI thread or any: no globals. */
#ifndef FN_MD_H
#define FN_MD_H

#include <stddef.h>

#include "core/answer/cite.h"
#include "ui/render/wrap.h"

/* A byte range of the answer drawn differently: the hook for per-sentence verification.
 * Prose in [start, end) is drawn in `slot` (-1: unchanged; code is never restyled), and
 * `label` (generated text, not parsed; NULL: none) is shown in label_slot right after the
 * byte at end - 1 ("Water is wet. (model knowledge)"). A mark with start == end only
 * places a label. */
struct md_mark {
	size_t start, end;
	int slot;
	const char *label;
	int label_slot;
};

/* The slot of one citation marker (seg's offsets count from the start of the answer). */
typedef int (*md_marker_fn)(void *ctx, const struct cite_seg *seg);

struct md_opts {
	int width;                      /* columns, at least 1 */
	int base_slot;                  /* plain text */
	int nsources;                   /* markers' numbers 1..nsources have a source */
	const struct cite_segs *cites;  /* the markers of text[0..len), from cite_parse over exactly
					 * that text (offsets from text); NULL: md_render parses
					 * it as final with nsources */
	md_marker_fn marker_slot;       /* NULL: chat.citation, chat.citation.bad when invalid */
	void *ctx;
	const struct md_mark *marks;    /* sorted by start, prose ranges not overlapping; may be NULL */
	size_t nmarks;
	size_t base;                    /* offset of text[0] in the whole answer (a streaming tail):
					 * marks and marker_slot use offsets in the whole answer */
};

/* Appends the lines of text[0..len) to out; code blocks also go to out->code, and each of
 * their lines carries the block's number in line.code (numbering continues after the
 * blocks already in out, so a text rendered in pieces numbers its blocks as a whole). */
void md_render(const char *text, size_t len, const struct md_opts *o, struct lines *out);

#endif
