/* term_fake.h - the fake terminal: ui/term/term.h drawn into a grid of cells in memory, so
 * a test draws a real pane and reads the screen back as text. term_fake.c defines every
 * term_* function of term.h; a test program linked with it (the Makefile's FAKE_TERM list)
 * gets those before libui.a is searched, so ui/term/term.o (curses) is never linked in.
 * Single-threaded, like the UI. */
#ifndef FN_TERM_FAKE_H
#define FN_TERM_FAKE_H

#include <stdbool.h>

#include "base/buf.h"

/* Sets the size and clears the screen (every cell a blank in SLOT_DEFAULT). */
void term_fake_resize(int rows, int cols);
/* The screen as text: one line per row, trailing blanks dropped; caller frees. */
char *term_fake_text(void);
/* Row y as text (trailing blanks dropped); caller frees. */
char *term_fake_row(int y);
/* The slot cell (y, x) was last drawn in; -1 outside the screen. */
int term_fake_slot(int y, int x);
/* Where term_cursor last put the cursor and whether it shows. */
void term_fake_cursor(int *y, int *x, bool *visible);
/* Queues a key for term_key. */
void term_fake_key(int k);
/* How many times term_flush was called. */
int term_fake_flushes(void);

#endif
