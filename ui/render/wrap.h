/* wrap.h - text to styled, wrapped screen lines. Pure functions, tested as strings.
 *
 * The raw text of a message stays the source of truth; these lines are derived from it for
 * one width and thrown away on resize. Input must already be sanitized. Markdown (and the
 * citation markers in it) is turned into lines by ui/render/md.h on top of these. */
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
	int code;           /* 1-based number of the code block this line shows, 0 = none */
};

struct lines {
	struct line *v;
	size_t n, cap;
	char **code;        /* text of each code block, as written (for copying) */
	size_t ncode, capcode;
};

/* Wraps plain text in one style (no markup). */
void wrap_plain(const char *text, size_t len, int width, int slot, struct lines *out);
/* Wraps styled text: spans (in order, covering text) give the slots; '\n' breaks lines.
 * Words are broken at spaces, by display width; a word wider than the line is cut. */
void wrap_styled(const char *text, size_t len, int width, const struct span *spans, size_t nspans,
		 struct lines *out);
/* Appends one unwrapped line (copied). */
struct line *lines_add(struct lines *out, const char *text, size_t len, const struct span *spans,
		       size_t nspans);
/* Puts prefix (in slot) before the text of ln, shifting its spans. */
void line_prepend(struct line *ln, const char *prefix, size_t plen, int slot);
/* Pads ln with spaces in slot up to `width` columns. */
void line_pad(struct line *ln, int width, int slot);
void lines_free(struct lines *l);
void lines_clear(struct lines *l);
/* Appends a and b side by side: each line of a padded to `wa` columns, then sep (in
 * sep_slot), then the line of b; the shorter column is continued with empty lines. */
void lines_side_by_side(const struct lines *a, int wa, const struct lines *b, const char *sep, int sep_slot,
			struct lines *out);
/* Drops lines from n on and code blocks from ncode on (a streaming answer's tail). */
void lines_truncate(struct lines *l, size_t n, size_t ncode);

#endif
