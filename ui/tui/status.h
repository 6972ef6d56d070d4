/* status.h - the status bar: the profile, the model, streaming or idle, the index's
 * progress, the last notice; or, while a search is typed, the query. Owns t->st (the
 * notice and the index's state); drawing takes a plain view of what to show, so it is
 * tested through the fake terminal (tests/unit/test_panes.c). UI thread. */
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
};

/* Sets the notice (printf format; sanitized to one line) and marks the screen dirty. */
void status_notice(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An index event from the watcher: progress, start and end of a scan, errors. */
void status_index(struct tui *t, const struct idx_event *ev);
void status_free(struct status_line *st);
/* Draws the bar on row y, cols wide; while a search is typed, the cursor goes there. */
void status_draw(const struct status_view *v, int y, int cols);

#endif
