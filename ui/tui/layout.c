/* layout.c - where every pane goes (see layout.h). */
#include "ui/tui/layout.h"

#include <string.h>

enum { MIN_ROWS = 5, MIN_COLS = 20, MAX_INPUT = 8, OVERLAY_BELOW = 80 };

void layout_compute(int rows, int cols, int input_lines, bool show_sources, int sources_width,
		    struct layout *out)
{
	memset(out, 0, sizeof *out);
	if (rows < MIN_ROWS || cols < MIN_COLS) {
		out->too_small = true;
		return;
	}
	int ih = input_lines < 1 ? 1 : input_lines > MAX_INPUT ? MAX_INPUT : input_lines;
	int status_y = rows - 1, input_top = status_y - ih, chat_h = input_top - 1;
	bool over = cols < OVERLAY_BELOW;
	int sw = show_sources ? (over ? cols : sources_width) : 0;
	if (!over && sw > cols / 2)
		sw = cols / 2;
	/* Side by side, the chat keeps one blank column before the sources' border (and the
	 * last column when alone), so its text never touches the edge. */
	int chat_w = over || !sw ? cols : cols - sw;
	out->sources_over = over && sw;
	if (!(over && sw))
		out->chat = (struct rect){0, 0, chat_h, chat_w - (over ? 0 : 1)};
	if (sw)
		out->sources = (struct rect){0, cols - sw, chat_h, sw};
	out->rule = (struct rect){input_top - 1, 0, 1, cols};
	out->prompt = (struct rect){input_top, 0, 1, 2};
	out->input = (struct rect){input_top, 2, ih, cols - 2};
	out->status = (struct rect){status_y, 0, 1, cols};
}
