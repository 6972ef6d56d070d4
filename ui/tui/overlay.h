/* overlay.h - the one overlay slot: help or a picker drawn over the panes, taking the keys
 * while open. Each overlay is a `const struct overlay_class` in its own file (help_overlay.c,
 * profiles.c, pick_sessions.c), the way tmux's window modes are `const struct window_mode`:
 * the loop asks the slot, never a flag per overlay. UI thread only. */
#ifndef FN_TUI_OVERLAY_H
#define FN_TUI_OVERLAY_H

#include <stdbool.h>

struct tui;

struct overlay_class {
	const char *name;
	void (*draw)(struct tui *t, void *st, int rows, int cols);
	/* One key; returns false to close the overlay. */
	bool (*key)(struct tui *t, void *st, int k);
	void (*free)(void *st);
};

struct overlay {
	const struct overlay_class *cls; /* NULL: none open */
	void *st;                        /* owned; freed through cls->free */
};

/* Opens cls with state st (ownership passes), closing what was open. */
void overlay_open(struct tui *t, const struct overlay_class *cls, void *st);
void overlay_close(struct tui *t);
/* Whether cls is the open overlay. */
bool overlay_is(const struct tui *t, const struct overlay_class *cls);
/* Gives k to the open overlay; false when none is open. */
bool overlay_key(struct tui *t, int k);
void overlay_draw(struct tui *t, int rows, int cols);

#endif
