/* picker.h - the one list engine behind every picker overlay (profiles.c, pick_sessions.c),
 * as tmux's mode-tree.c is behind its window modes: it keeps the selection, scrolls so the
 * selection is shown however long the list, and reads the keys through the `ui.keys` table
 * once for all of them. Pure state plus drawing through ui/term/term.h. UI thread. */
#ifndef FN_TUI_PICKER_H
#define FN_TUI_PICKER_H

#include <stdbool.h>
#include <stddef.h>

struct keymap;

struct picker {
	size_t n;          /* rows */
	size_t sel, top;   /* the selected row; the first row shown */
	int page;          /* rows shown at the last draw: a page for page_up/page_down */
	bool wrap;         /* up on the first row goes to the last, down on the last to the first */
};

enum pick_result { PICK_STAY, PICK_CLOSE, PICK_CHOSEN };

/* One key, read through km: up/down, page_up/page_down, top/bottom move; stop and
 * interrupt close; send or preview (Enter by default) choose p->sel. The plain Up, Down,
 * PgUp, PgDn, Home, End, Enter, Esc and q do the same when km binds them to nothing the
 * picker knows, so a remapped key table cannot lock a list. Other keys: PICK_STAY. */
enum pick_result picker_key(struct picker *p, const struct keymap *km, int k);

/* Text of row i (caller of picker_draw owns ctx; the engine frees the text and sanitizes
 * it) and, in *slot, its slot when it is not the selected row. */
typedef char *(*picker_row_fn)(void *ctx, size_t i, int *slot);

/* Draws the list centred in rows x cols, at most max_width wide: the title, a blank row,
 * then as many rows as fit, scrolled so p->sel is shown. */
void picker_draw(struct picker *p, const char *title, int max_width, int rows, int cols, picker_row_fn row,
		 void *ctx);

#endif
