/* wrap.h - text to styled, wrapped screen lines. Pure functions, tested as strings.
 *
 * The raw text of a message stays the source of truth; these lines are derived from it for
 * one width and thrown away on resize. Input must already be sanitized. Markdown is turned
 * into lines by ui/md.h on top of these. */
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

/* Says whether citation [n] exists, so a marker with no source is shown as invalid. */
typedef int (*cite_check_fn)(void *ctx, int n);

/* Length of a citation marker at the start of s ("[1]", "[1, 2]", "[1-3]"), or 0; *first is
 * its first number. The one place markers are recognised: swap for core/cite.h later. */
size_t cite_marker_len(const char *s, size_t len, int *first);
/* Whether every number in the marker s[0..len) exists (ok NULL: all do). */
int cite_marker_ok(const char *s, size_t len, cite_check_fn ok, void *ctx);

/* Renders message text (Markdown-ish: fenced code, headings, inline code, [n] markers) in
 * `width` columns, appending lines to out. base_slot styles plain text. Kept for short
 * texts that do not need a Markdown parser; answers go through md_render. */
void render_message(const char *text, size_t len, int width, int base_slot, cite_check_fn ok,
		    void *ctx, struct lines *out);
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

#endif
