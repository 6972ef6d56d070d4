/* picker.c - the list engine (see picker.h). */
#include "ui/tui/picker.h"

#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "ui/term/term.h"
#include "ui/tui/keys.h"

static void move_by(struct picker *p, long d)
{
	if (!p->n)
		return;
	long sel = (long)p->sel + d, last = (long)p->n - 1;
	if (p->wrap && (d == 1 || d == -1))
		sel = (sel + (long)p->n) % (long)p->n;
	p->sel = (size_t)(sel < 0 ? 0 : sel > last ? last : sel);
}

/* The picker's meaning of k through the table, else of the plain key. */
static enum action picker_action(const struct keymap *km, int k)
{
	enum action a = keys_action(km, KC_CHAT, k);
	switch (a) {
	case A_UP: case A_DOWN: case A_PAGE_UP: case A_PAGE_DOWN: case A_TOP: case A_BOTTOM:
	case A_STOP: case A_INTERRUPT:
		return a;
	default: break;
	}
	if (keys_action(km, KC_INPUT, k) == A_SEND || keys_action(km, KC_SOURCES, k) == A_PREVIEW)
		return A_SEND;
	switch (k) {
	case K_UP: return A_UP;
	case K_DOWN: return A_DOWN;
	case K_PGUP: return A_PAGE_UP;
	case K_PGDN: return A_PAGE_DOWN;
	case K_HOME: return A_TOP;
	case K_END: return A_BOTTOM;
	case K_ENTER: return A_SEND;
	case K_ESC:
	case 'q': return A_STOP;
	default: return A_NONE;
	}
}

enum pick_result picker_key(struct picker *p, const struct keymap *km, int k)
{
	long page = p->page > 0 ? p->page : 10;
	switch (picker_action(km, k)) {
	case A_UP: move_by(p, -1); break;
	case A_DOWN: move_by(p, 1); break;
	case A_PAGE_UP: move_by(p, -page); break;
	case A_PAGE_DOWN: move_by(p, page); break;
	case A_TOP: p->sel = 0; break;
	case A_BOTTOM: p->sel = p->n ? p->n - 1 : 0; break;
	case A_STOP:
	case A_INTERRUPT: return PICK_CLOSE;
	case A_SEND: return p->n ? PICK_CHOSEN : PICK_STAY;
	default: break;
	}
	return PICK_STAY;
}

void picker_draw(struct picker *p, const char *title, int max_width, int rows, int cols, picker_row_fn row,
		 void *ctx)
{
	int w = cols > max_width + 4 ? max_width : cols - 4, h = rows - 4;
	int list_h = h - 3;
	if (w < 10 || list_h < 1)
		return;
	if ((int)p->n < list_h)
		h = (int)p->n + 3, list_h = (int)p->n;
	p->page = list_h;
	int top = (rows - h) / 2, left = (cols - w) / 2;
	/* The first row shown follows the selection. */
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)list_h)
		p->top = p->sel - (size_t)list_h + 1;
	for (int y = top; y < top + h; y++)
		term_fill(y, left, w, SLOT_STATUS);
	term_text(top, left, w, SLOT_STATUS_PROFILE, title, strlen(title));
	for (int i = 0; i < list_h && p->top + (size_t)i < p->n; i++) {
		size_t r = p->top + (size_t)i;
		int slot = SLOT_STATUS;
		char *text = row(ctx, r, &slot);
		char *safe = sanitize_str(text, SAN_ONELINE);
		if (r == p->sel)
			slot = SLOT_SOURCES_SELECTED;
		term_fill(top + 2 + i, left, w, slot);
		term_text(top + 2 + i, left, w, slot, safe, strlen(safe));
		free(safe);
		free(text);
	}
}
