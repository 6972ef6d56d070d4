/* layout.h - where every pane goes: terminal size and what is shown -> one rectangle per
 * pane. Pure (no curses, no state), tested as strings at several sizes
 * (tests/unit/test_layout.c). Any thread. */
#ifndef FN_TUI_LAYOUT_H
#define FN_TUI_LAYOUT_H

#include <stdbool.h>

/* Rows y..y+h-1, columns x..x+w-1; w == 0 (or h == 0): not drawn. */
struct rect {
	int y, x, h, w;
};

struct layout {
	bool too_small;       /* below 20x5: only "window too small" is drawn */
	bool sources_over;    /* narrower than 80 columns: the sources pane covers the chat */
	struct rect chat;     /* column 0 is the chat's gutter */
	struct rect sources;  /* its first column is the border */
	struct rect rule;     /* the line above the input */
	struct rect prompt;   /* "> " */
	struct rect input;    /* the input's text, at most 8 rows */
	struct rect status;
};

/* input_lines: rows the input wraps to at cols - 2 columns (at least 1 is shown, at most 8);
 * sources_width: the configured width of the sources pane, at most half the terminal. */
void layout_compute(int rows, int cols, int input_lines, bool show_sources, int sources_width,
		    struct layout *out);

#endif
