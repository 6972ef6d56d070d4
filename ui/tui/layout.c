/* layout.c - where every pane goes (see layout.h). */
#include "ui/tui/layout.h"

#include <string.h>

enum { MIN_ROWS = 5, MIN_COLS = 20, MAX_INPUT = 8 };

bool layout_narrow(int cols)
{
	return cols < LAYOUT_SPLIT;
}

void layout_compute(int rows, int cols, int input_lines, bool show_sources, bool sources_focused,
		    int sources_width, struct layout *out)
{
	memset(out, 0, sizeof *out);
	if (rows < MIN_ROWS || cols < MIN_COLS) {
		out->too_small = true;
		return;
	}
	int ih = input_lines < 1 ? 1 : input_lines > MAX_INPUT ? MAX_INPUT : input_lines;
	int status_y = rows - 1, input_top = status_y - ih, chat_h = input_top - 1;
	out->narrow = layout_narrow(cols);
	if (out->narrow) {
		/* One pane at a time: the chat, or the sources over it while they are used. */
		out->sources_over = sources_focused;
		if (sources_focused)
			out->sources = (struct rect){0, 0, chat_h, cols};
		else
			out->chat = (struct rect){0, 0, chat_h, cols};
	} else {
		/* The chat keeps the larger share, and one blank column before the sources'
		 * border (the last column when alone), so its text never touches the edge. */
		int sw = show_sources || sources_focused ? sources_width : 0;
		if (sw > cols * 2 / 5)
			sw = cols * 2 / 5;
		if (sw < 0)
			sw = 0;
		out->chat = (struct rect){0, 0, chat_h, cols - sw - 1};
		if (sw)
			out->sources = (struct rect){0, cols - sw, chat_h, sw};
	}
	out->rule = (struct rect){input_top - 1, 0, 1, cols};
	out->prompt = (struct rect){input_top, 0, 1, 2};
	out->input = (struct rect){input_top, 2, ih, cols - 2};
	out->status = (struct rect){status_y, 0, 1, cols};
}
