/* term_fake.c - the fake terminal (see term_fake.h): the term.h API over a grid of cells.
 * Wide characters take two cells, the second one empty; text is clipped at the right edge
 * (curses would wrap it onto the next row, which no pane relies on). */
#include "tests/unit/term_fake.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xmalloc.h"
#include "ui/term/term.h"

enum { MAX_KEYS = 64 };

struct cell {
	char ch[5];   /* one UTF-8 character; "" for the right half of a wide one */
	int slot;
};

static struct cell *grid;
static int nrows, ncols;
static int cur_y, cur_x, flushes;
static bool cur_visible;
static int keys[MAX_KEYS], nkeys;

static struct cell *at(int y, int x)
{
	return y >= 0 && y < nrows && x >= 0 && x < ncols ? &grid[(size_t)y * (size_t)ncols + (size_t)x] : NULL;
}

void term_fake_resize(int rows, int cols)
{
	free(grid);
	nrows = rows;
	ncols = cols;
	grid = xcalloc((size_t)rows * (size_t)cols, sizeof *grid);
	term_erase();
}

char *term_fake_row(int y)
{
	struct buf b = {0};
	size_t keep = 0;
	for (int x = 0; x < ncols; x++) {
		const struct cell *c = at(y, x);
		buf_adds(&b, c->ch);
		if (strcmp(c->ch, " "))
			keep = b.len;
	}
	b.len = keep;
	buf_addc(&b, '\0'); /* an empty row is "" */
	b.len = keep;
	return buf_detach(&b);
}

char *term_fake_text(void)
{
	struct buf b = {0};
	for (int y = 0; y < nrows; y++) {
		char *r = term_fake_row(y);
		buf_addf(&b, "%s\n", r);
		free(r);
	}
	return buf_detach(&b);
}

int term_fake_slot(int y, int x)
{
	const struct cell *c = at(y, x);
	return c ? c->slot : -1;
}

void term_fake_cursor(int *y, int *x, bool *visible)
{
	*y = cur_y;
	*x = cur_x;
	*visible = cur_visible;
}

void term_fake_key(int k)
{
	if (nkeys < MAX_KEYS)
		keys[nkeys++] = k;
}

int term_fake_flushes(void)
{
	return flushes;
}

/* ---- term.h --------------------------------------------------------------------------- */

int term_init(const struct slot_style *styles, bool mouse)
{
	(void)styles;
	(void)mouse;
	if (!grid)
		term_fake_resize(24, 80);
	return 0;
}

void term_end(void)
{
}

void term_size(int *rows, int *cols)
{
	*rows = nrows;
	*cols = ncols;
}

void term_erase(void)
{
	for (int i = 0; i < nrows * ncols; i++)
		grid[i] = (struct cell){" ", SLOT_DEFAULT};
}

int term_text(int y, int x, int width, int slot, const char *s, size_t len)
{
	if (width <= 0)
		return 0;
	size_t n = text_fit(s, len, width);
	int col = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int cl = utf8_decode(s + i, n - i, &cp);
		size_t l = cl > 0 ? (size_t)cl : 1;
		int w = text_width(s + i, l);
		struct cell *c = at(y, x + col);
		if (c && w > 0) {
			snprintf(c->ch, sizeof c->ch, "%.*s", (int)l, s + i);
			c->slot = slot;
			for (int k = 1; k < w; k++) {
				struct cell *half = at(y, x + col + k);
				if (half)
					*half = (struct cell){"", slot};
			}
		}
		col += w;
		i += l;
	}
	return text_width(s, n);
}

void term_fill(int y, int x, int width, int slot)
{
	for (int i = 0; i < width; i++) {
		struct cell *c = at(y, x + i);
		if (c)
			*c = (struct cell){" ", slot};
	}
}

void term_vline(int y, int x, int height, int slot)
{
	for (int i = 0; i < height; i++)
		term_text(y + i, x, 1, slot, "\u2502", strlen("\u2502"));
}

void term_cursor(int y, int x, bool visible)
{
	cur_visible = visible;
	if (visible) {
		cur_y = y;
		cur_x = x;
	}
}

void term_flush(void)
{
	flushes++;
}

int term_key(void)
{
	if (!nkeys)
		return KEY_NONE;
	int k = keys[0];
	memmove(keys, keys + 1, (size_t)--nkeys * sizeof *keys);
	return k;
}

void term_osc52(const char *base64)
{
	(void)base64;
}

void term_suspend(void)
{
}

void term_resume(void)
{
}
