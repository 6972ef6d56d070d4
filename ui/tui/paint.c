/* paint.c - wrapped lines onto the terminal (see paint.h). */
#include "ui/tui/paint.h"

#include <string.h>

#include "ui/render/wrap.h"
#include "ui/term/term.h"

void paint_line(int y, int x, int width, const struct line *ln, int fallback)
{
	int col = 0;
	if (!ln->nspans)
		col = term_text(y, x, width, fallback, ln->text, ln->len);
	for (size_t i = 0; i < ln->nspans && col < width; i++)
		col += term_text(y, x + col, width - col, ln->spans[i].slot, ln->text + ln->spans[i].start,
				 ln->spans[i].len);
}

int paint_wrapped(int y, int bottom, int x, int width, const char *s, int slot)
{
	struct lines ls = {0};
	wrap_plain(s, strlen(s), width, slot, &ls);
	for (size_t i = 0; i < ls.n && y < bottom; i++)
		paint_line(y++, x, width, &ls.v[i], slot);
	lines_free(&ls);
	return y;
}
