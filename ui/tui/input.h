/* input.h - the input box: editing (UTF-8 aware), bracketed paste, history (kept in
 * history_file, one entry a line), Ctrl-O in $EDITOR, and submitting a question or a
 * /command. Owns t->in. UI thread only. */
#ifndef FN_TUI_INPUT_H
#define FN_TUI_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "ui/tui/keys.h"

struct tui;
struct lines;
struct layout;

struct input_box {
	struct buf text;
	size_t cursor;               /* byte offset in text */
	char **history;
	size_t nhistory, hist_pos;
	bool pasting;                /* inside a bracketed paste: Enter is a newline */
};

/* The byte offset of the character before / after `at` in b. */
size_t input_prev_char(const struct buf *b, size_t at);
size_t input_next_char(const struct buf *b, size_t at);
void input_history_load(struct tui *t);
/* An input-focused action, or a character to insert (a == A_NONE). */
void input_key(struct tui *t, enum action a, int k);
/* Ctrl-O: the input in $EDITOR; what the file holds afterwards becomes the input. */
void input_edit(struct tui *t);
/* The input wrapped to width into ls (caller frees); returns the rows it takes (1..8). */
int input_lines(struct tui *t, int width, struct lines *ls);
/* Draws the prompt and the last rows of ls (from input_lines) in lay's input rectangle and
 * puts the cursor there (shown when the input has focus and no overlay is open). */
void input_draw(struct tui *t, const struct layout *lay, const struct lines *ls);
void input_free(struct input_box *in);

#endif
