/* pick_sessions.h - the session picker overlay of the terminal interface. UI thread only. */
#ifndef FN_PICK_SESSIONS_H
#define FN_PICK_SESSIONS_H

/* The picker: the saved sessions, newest first; Up/Down move, Enter chooses, Esc closes. */
struct session_picker;
/* NULL and *err (caller frees) when there is nothing to pick. */
struct session_picker *session_picker_open(const char *dir, char **err);
void session_picker_free(struct session_picker *p);
enum { PICK_STAY, PICK_CLOSE, PICK_CHOSEN };
/* Handles one key (a term.h key); returns PICK_*. */
int session_picker_key(struct session_picker *p, int key);
/* The chosen session's id, valid until session_picker_free. */
const char *session_picker_chosen(const struct session_picker *p);
/* Draws the overlay; scrolls so the selection is shown. */
void session_picker_draw(struct session_picker *p, int rows, int cols);

#endif
