/* cut.c - text cut to a width with a mark: the end of a line, or a path's middle keeping
 * its file name (see cut.h). */
#include "ui/render/cut.h"

#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "ui/term/term.h"

static const char ELLIPSIS[] = "…";

char *cut_end(const char *s, int cols)
{
	size_t len = strlen(s);
	if (text_width(s, len) <= cols)
		return xstrdup(s);
	if (cols <= 0)
		return xstrdup("");
	struct buf b = {0};
	buf_add(&b, s, text_fit(s, len, cols - 1));
	buf_adds(&b, ELLIPSIS);
	return buf_detach(&b);
}

/* Where the last `cols` columns of s[0..len) start, never inside a character. */
static size_t tail_fit(const char *s, size_t len, int cols)
{
	size_t at = len;
	int w = 0;
	while (at > 0) {
		size_t p = at - 1;
		while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
			p--;
		int cw = text_width(s + p, at - p);
		if (w + cw > cols)
			break;
		w += cw;
		at = p;
	}
	return at;
}

char *cut_path(const char *s, int cols)
{
	size_t len = strlen(s);
	if (text_width(s, len) <= cols)
		return xstrdup(s);
	if (cols <= 1)
		return cut_end(s, cols);
	const char *slash = strrchr(s, '/');
	const char *name = slash ? slash + 1 : s;
	size_t nlen = strlen(name);
	int nw = text_width(name, nlen);
	struct buf b = {0};
	if (slash && nw + 2 <= cols) {
		/* The folders give way: as much of their start as fits, then "…/name". */
		buf_add(&b, s, text_fit(s, (size_t)(slash - s), cols - nw - 2));
		buf_adds(&b, ELLIPSIS);
		buf_addc(&b, '/');
		buf_add(&b, name, nlen);
		return buf_detach(&b);
	}
	/* The name alone is too wide: keep its end (the extension, the lines) and its start. */
	const char *dot = strrchr(name, '.');
	int sw = dot ? text_width(dot, strlen(dot)) : 0;
	int tail = (cols - 1) / 2;
	if (sw > tail)
		tail = sw < cols - 2 ? sw : cols - 2;
	int head = cols - 1 - tail;
	buf_add(&b, name, text_fit(name, nlen, head));
	buf_adds(&b, ELLIPSIS);
	buf_adds(&b, name + tail_fit(name, nlen, tail));
	return buf_detach(&b);
}
