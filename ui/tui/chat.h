/* chat.h - the chat pane: the conversation's lines, scrolled (new text never moves what
 * the user is reading), a cursor line while it has focus (its answer is the selected one),
 * search through the conversation, copying a message or a code block. Owns t->chat.
 * UI thread only. */
#ifndef FN_TUI_CHAT_H
#define FN_TUI_CHAT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "ui/tui/keys.h"

struct tui;
struct rect;

struct chat_view {
	int scroll;                  /* chat lines scrolled up from the bottom */
	size_t last_total;           /* chat lines at the last draw */
	size_t cur_msg, cur_line;    /* the cursor (shown while the chat has focus) */
	int w, h;                    /* the text area at the last draw */
	bool search_edit;            /* typing the query in the status line */
	struct buf search;
	size_t match_abs, match_off; /* the current match: chat line and byte in it */
	bool match_valid;
	size_t copy_code_next;       /* `c` again copies the next block of the message */
};

/* Entering the chat: the cursor starts on the selected answer when it is in view, else on
 * the last line in view. */
void chat_cursor_enter(struct tui *t);
/* A key while the search query is typed (the status line shows it). */
void chat_search_key(struct tui *t, int k);
/* Esc: forgets the search; false when there was none. */
bool chat_search_stop(struct tui *t);
void chat_scroll_by(struct tui *t, int lines);
/* PgUp/PgDn (from any focus): a page, the cursor moving with it in the chat. */
void chat_page(struct tui *t, bool up);
/* An action with the focus in the chat. */
void chat_key(struct tui *t, enum action a);
void chat_draw(struct tui *t, const struct rect *r);
void chat_free(struct chat_view *c);

#endif
