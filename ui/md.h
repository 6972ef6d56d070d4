/* md.h - Markdown (md4c, GitHub dialect, no raw HTML) to styled, wrapped screen lines.
 * A pure function, tested as strings (tests/unit/test_md.c).
 *
 * Headings, emphasis, inline code, fenced code blocks padded to the width on their own
 * background, nested and numbered lists, task lists, quotes, links as text plus "(URL)",
 * tables as a grid when they fit and as "header: value" lines when they do not, rules.
 * Citation markers [n] are styled chat.citation (chat.citation.bad when `ok` says a number
 * has no source), never inside code. Text is wrapped by display width.
 *
 * Streaming: the text may stop anywhere; md4c closes what is open, so an unfinished code
 * fence renders as code to the end and an unclosed `**` stays literal until it closes.
 * The caller re-renders the whole raw text after each burst; raw text is the truth.
 *
 * Input must already be sanitized (base/sanitize); entities are decoded and sanitized
 * again, so "&#27;" cannot make an escape. UI thread or any: no globals. */
#ifndef FN_MD_H
#define FN_MD_H

#include <stddef.h>

#include "ui/wrap.h"

/* A byte range of the input drawn in another slot: the hook for per-sentence verification
 * (an uncited sentence under the `label` policy is chat.uncited). Code is never restyled. */
struct md_mark {
	size_t start, end;
	int slot;
};

struct md_opts {
	int width;                      /* columns, at least 1 */
	int base_slot;                  /* plain text */
	cite_check_fn ok;               /* NULL: every marker is valid */
	void *ctx;
	const struct md_mark *marks;    /* sorted by start, may be NULL */
	size_t nmarks;
};

/* Appends the lines of text[0..len) to out; code blocks also go to out->code, and each of
 * their lines carries the block's number in line.code. */
void md_render(const char *text, size_t len, const struct md_opts *o, struct lines *out);

#endif
