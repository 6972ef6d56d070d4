/* wiring.h - the terminal interface's part of the one start-up sequence (core/app/app.h):
 * the channel, the index and its watcher thread, the net thread. The watcher's events reach
 * the UI as channel messages that wiring_index_event recognises. Main thread. */
#ifndef FN_TUI_WIRING_H
#define FN_TUI_WIRING_H

#include <stdbool.h>

#include "index/idx.h"

struct tui;
struct chan_msg;

struct app;

/* The app's pieces (core/app/app.h owns and frees them all). */
struct wiring {
	struct app *app;
	struct chan *chan;
	struct net *net;             /* NULL when every profile is builtin */
	idx *ix;                     /* NULL when the index did not open (t->st.idx_error says why) */
	const struct idx_embedder *emb;
	struct idx_watch *watch;
	/* With no config file: the probe for a model server on this machine (core/app/discover.h),
	 * and its result until it can be applied (no answer streaming). */
	struct discover_job *disc;
	struct discover_result *found;
};

/* Asks the app for the channel, the index with its watcher thread and, when a profile needs
 * it, the net thread; what fails is reported in the status line and the interface runs
 * without it (no index: answers without sources; no net: builtin profiles only). */
void wiring_start(struct tui *t);
/* Stops the threads (app_stop); their last messages stay in the channel. The app closes
 * the rest when the command returns. */
void wiring_stop(struct tui *t);
/* A message of the wiring's own (the discovery's result): handled, true. */
bool wiring_handle(struct tui *t, struct chan_msg *m);
/* Applies a discovered server to footnote's own profiles when one came and no answer is
 * streaming (the profiles' provider and model change under them). The status line says
 * what was found. */
void wiring_apply_found(struct tui *t);
/* The index event m carries, or NULL when m is not an index message. Valid while m is. */
const struct idx_event *wiring_index_event(const struct chan_msg *m);

#endif
