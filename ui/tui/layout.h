/* layout.h - where every pane goes: terminal size and what is shown -> one rectangle per
 * pane. Pure (no curses, no state), tested as strings at several sizes
 * (tests/unit/test_layout.c). Any thread.
 *
 * The rule: from LAYOUT_SPLIT columns the chat and the sources sit side by side, the chat
 * with the larger share (the sources take their configured width, at most two fifths).
 * Below it the chat is the screen; the sources cover it only while they have the focus
 * (F3 or Tab opens them, Esc or any key for the input closes them). */
#ifndef FN_TUI_LAYOUT_H
#define FN_TUI_LAYOUT_H

#include <stdbool.h>

enum { LAYOUT_SPLIT = 80 };

/* Rows y..y+h-1, columns x..x+w-1; w == 0 (or h == 0): not drawn. */
struct rect {
	int y, x, h, w;
};

struct layout {
	bool too_small;       /* below 20x5: only "window too small" is drawn */
	bool narrow;          /* below LAYOUT_SPLIT: one pane at a time */
	bool sources_over;    /* narrow and the sources focused: they cover the chat */
	struct rect chat;     /* column 0 is the chat's gutter */
	struct rect sources;  /* its first column is the border */
	struct rect rule;     /* the line above the input */
	struct rect prompt;   /* "> " */
	struct rect input;    /* the input's text, at most 8 rows */
	struct rect status;
};

/* Whether a terminal cols wide shows one pane at a time. */
bool layout_narrow(int cols);
/* input_lines: rows the input wraps to at cols - 2 columns (at least 1 is shown, at most 8);
 * show_sources: the side-by-side pane is on (F3 turns it off); sources_focused: the sources
 * have the focus (wide: shown even when off; narrow: they cover the chat); sources_width:
 * the configured width of the sources pane. */
void layout_compute(int rows, int cols, int input_lines, bool show_sources, bool sources_focused,
		    int sources_width, struct layout *out);

#endif
