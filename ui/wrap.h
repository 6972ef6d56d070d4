/* wrap.h - text to styled, wrapped screen lines. Pure functions, tested as strings.
 *
 * The raw text of a message stays the source of truth; these lines are derived from it for
 * one width and thrown away on resize. Input must already be sanitized. */
#ifndef FN_WRAP_H
#define FN_WRAP_H

#include <stddef.h>

struct span {
	size_t start, len; /* bytes of the line's text */
	int slot;
};

struct line {
	char *text;
	size_t len;
	struct span *spans; /* cover the whole text, in order */
	size_t nspans;
};

struct lines {
	struct line *v;
	size_t n, cap;
};

/* Says whether citation [n] exists, so a marker with no source is shown as invalid. */
typedef int (*cite_check_fn)(void *ctx, int n);

/* Renders message text (Markdown-ish: fenced code, headings, inline code, [n] markers) in
 * `width` columns, appending lines to out. base_slot styles plain text. */
void render_message(const char *text, size_t len, int width, int base_slot, cite_check_fn ok,
		    void *ctx, struct lines *out);
/* Wraps plain text in one style (no markup). */
void wrap_plain(const char *text, size_t len, int width, int slot, struct lines *out);
void lines_free(struct lines *l);
void lines_clear(struct lines *l);

#endif
