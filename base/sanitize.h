/* sanitize.h - the one gate between untrusted text and any terminal or log.
 *
 * Everything a model, a server, a document, a file name or a config value says passes
 * sanitize() before it is written to curses, stdout, stderr or the log. The output is valid
 * UTF-8 that contains no byte a terminal acts on, except LF and TAB:
 *   - invalid UTF-8 bytes become U+FFFD;
 *   - CRLF becomes LF; a lone CR is shown as ^M;
 *   - other C0 controls and DEL are shown in caret form (^[, ^H, ^?), C1 controls
 *     (U+0080..U+009F) as \x9b;
 *   - bidi controls, zero-width characters and line separators are shown as <U+202E>;
 *     a run of Unicode tag characters is shown as <tags:decoded ASCII> so hidden text
 *     becomes visible text.
 * The function keeps no state between calls: a sequence split across two calls cannot
 * survive, since each half is made visible on its own. A streaming caller that wants CRLF
 * and multi-byte characters split across reads to come out whole passes only the first
 * sanitize_hold() bytes and keeps the rest for the next read. Pure, any thread. */
#ifndef FN_SANITIZE_H
#define FN_SANITIZE_H

#include <stddef.h>

#include "buf.h"

enum {
	SAN_ONELINE = 1 << 0, /* for one-line fields: LF shown as ^J, TAB as a space */
};

/* Appends the sanitized form of s[0..len) to out. Returns the number of characters that were
 * replaced, made visible or marked (0 when the text was already clean). */
size_t sanitize(const char *s, size_t len, unsigned flags, struct buf *out);
/* Same, into a new string; caller frees. s may be NULL (gives ""). */
char *sanitize_str(const char *s, unsigned flags);
/* Length of the prefix of s[0..len) that a streaming caller may sanitize now: it stops before
 * an incomplete UTF-8 sequence or a final CR at the end. */
size_t sanitize_hold(const char *s, size_t len);

#endif
