/* keys.h - the one table of actions and their keys; `ui.keys` in the config remaps them,
 * and the help screen is generated from it.
 *
 * An action belongs to a context: global (any focus), input, view (chat or sources), chat
 * or sources. A key is looked up in the focused context first, then in the view context,
 * then globally; a global binding to a printable character does not apply while the input
 * has focus (so `?` types a question mark there). The chat and the sources use few
 * printable keys: any other one is typed into the input (ui/tui/loop.c), so `/` starts a
 * command from anywhere and the chat's search is C-f. Pure apart from the keymap it fills;
 * UI thread. */
#ifndef FN_KEYS_H
#define FN_KEYS_H

#include <stddef.h>

enum action {
	A_NONE,
	A_SEND, A_NEWLINE, A_STOP, A_INTERRUPT, A_FOCUS_NEXT, A_FOCUS_PREV, A_HELP, A_PROFILES,
	A_TOGGLE_SOURCES, A_EDIT_INPUT, A_PAGE_UP, A_PAGE_DOWN,
	A_UP, A_DOWN, A_TOP, A_BOTTOM,
	A_SEARCH, A_SEARCH_NEXT, A_SEARCH_PREV, A_COPY_MESSAGE, A_COPY_CODE,
	A_OPEN, A_PREVIEW, A_SIDE_LEFT, A_SIDE_RIGHT,
	A_COMPLETE, A_LINE_START, A_LINE_END, A_CHAR_BACK, A_CHAR_FORWARD, A_DELETE_CHAR,
	A_BACKSPACE, A_KILL_LINE, A_KILL_START, A_KILL_WORD, A_HISTORY_PREV, A_HISTORY_NEXT,
	A_COUNT
};

enum key_ctx { KC_GLOBAL, KC_INPUT, KC_VIEW, KC_CHAT, KC_SOURCES, KC_COUNT };

enum { KEYS_PER_ACTION = 4 };

struct keymap {
	int keys[A_COUNT][KEYS_PER_ACTION]; /* 0 = unused slot */
};

/* The defaults. */
void keys_default(struct keymap *km);
/* Applies ui.keys entries (action -> "C-p" or "F2, C-p"): each replaces the action's keys,
 * and a key taken from another action in an overlapping context leaves that action.
 * names/specs/lines/cols are parallel arrays of n entries (lines/cols may be NULL). On the
 * first problem returns -1 with *err = "FILE:LINE:COL: ui.keys.NAME: ..." (caller frees). */
int keys_configure(struct keymap *km, const char *file, size_t n, const char *const *names,
		   const char *const *specs, const int *lines, const int *cols, char **err);
/* The action for key k with focus in ctx (KC_INPUT, KC_CHAT or KC_SOURCES), or A_NONE. */
enum action keys_action(const struct keymap *km, enum key_ctx ctx, int k);

/* "C-p" -> K_CTRL('p'), "F2", "M-Enter", "PgUp", "q"; -1 when s is not a key. */
int key_parse(const char *s);
/* The name of a key as key_parse reads it, in buf. */
const char *key_name(int k, char *buf, size_t size);

const char *action_name(enum action a);
const char *action_help(enum action a);
enum key_ctx action_ctx(enum action a);
/* The first key of action a by name ("F3"), in buf; NULL when it has none. */
const char *action_key(const struct keymap *km, enum action a, char *buf, size_t size);
/* The keys of action a as "F2 / C-p" (or "" when none), in buf. */
const char *action_keys(const struct keymap *km, enum action a, char *buf, size_t size);
const char *key_ctx_name(enum key_ctx c);

#endif
