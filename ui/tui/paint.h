/* paint.h - drawing wrapped lines (ui/render/wrap.h) through the terminal API; shared by
 * every pane and overlay. Text must already be sanitized. UI thread. */
#ifndef FN_TUI_PAINT_H
#define FN_TUI_PAINT_H

struct line;

/* Draws ln at (y, x), at most width columns, each span in its slot (fallback: no spans). */
void paint_line(int y, int x, int width, const struct line *ln, int fallback);
/* Wraps s to width and draws its lines from row y while y < bottom; returns the next row. */
int paint_wrapped(int y, int bottom, int x, int width, const char *s, int slot);

#endif
