/* status.h - the status bar: the profile, the model, streaming or idle, the index's
 * progress, the last notice, and at the right the keys of the focused pane; or, while a
 * search is typed, the query. Owns t->st (the notice and the index's state); drawing takes
 * a plain view of what to show, so it is tested through the fake terminal
 * (tests/unit/test_panes.c). UI thread.
 *
 * A notice lasts until the next key (a question is typed and sent with keys); an error
 * notice until Esc dismisses it or another notice replaces it. No timer: an idle client
 * sleeps. */
#ifndef FN_TUI_STATUS_H
#define FN_TUI_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "index/idx.h"

struct tui;

struct status_line {
	char *notice;                /* one line, sanitized; NULL: none */
	bool notice_error;
	struct idx_event idx;        /* the counts of the last progress event (no strings) */
	char *idx_error;             /* the index did not open, and why */
	bool indexing;
	/* This pass's files left out for a reason worth telling (not a binary file or footnote's
	 * own export, which are expected): counted, the first one named at the end of the pass. */
	size_t left_out, left_failed;
	char *left_first;            /* "name: reason" */
};

/* What the bar shows. Strings may be NULL where marked; none needs to be sanitized. */
struct status_view {
	const char *search;          /* non-NULL: a search is being typed, this is the query */
	const char *profile;
	const char *model;           /* "offline (extractive)" for the builtin */
	bool streaming;
	size_t tokens;               /* streamed so far, while streaming */
	double secs;                 /* since the answer started */
	const struct status_line *st;
	const char *cost;            /* the conversation's cost ("$0.0123"), or NULL */
	const char *const *hints;    /* keys of the focused pane ("o open"), most useful first: */
	size_t nhints;               /* as many as fit are shown at the right, at least the first */
};

enum { STATUS_HINTS_MAX = 8, STATUS_HINT_LEN = 48 };
struct status_hints {
	char v[STATUS_HINTS_MAX][STATUS_HINT_LEN];
	const char *p[STATUS_HINTS_MAX];
	size_t n;
};

/* Sets the notice (printf format; sanitized to one line) and marks the screen dirty. */
void status_notice(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A key was pressed: a notice that is not an error has been read. */
void status_key(struct tui *t);
/* Esc with nothing else to stop: the notice goes; false when there was none. */
bool status_dismiss(struct tui *t);
/* The keys worth showing for the focus (through the ui.keys table), in h; narrow: one pane
 * at a time (ui/tui/layout.h). */
void status_hints(struct tui *t, bool narrow, struct status_hints *h);
/* An index event from the watcher: progress, start and end of a scan, errors, and files
 * skipped or failed (named in a notice when the pass ends; index --status lists them all). */
void status_index(struct tui *t, const struct idx_event *ev);
void status_free(struct status_line *st);
/* Draws the bar on row y, cols wide; while a search is typed, the cursor goes there. */
void status_draw(const struct status_view *v, int y, int cols);

#endif
