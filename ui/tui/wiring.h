/* wiring.h - the terminal interface's part of the one start-up sequence (core/app/app.h):
 * the channel, the index and its watcher thread, the net thread. The watcher's events reach
 * the UI as channel messages that wiring_index_event recognises. Main thread. */
#ifndef FN_TUI_WIRING_H
#define FN_TUI_WIRING_H

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
};

/* Asks the app for the channel, the index with its watcher thread and, when a profile needs
 * it, the net thread; what fails is reported in the status line and the interface runs
 * without it (no index: answers without sources; no net: builtin profiles only). */
void wiring_start(struct tui *t);
/* Stops the threads (app_stop); their last messages stay in the channel. The app closes
 * the rest when the command returns. */
void wiring_stop(struct tui *t);
/* The index event m carries, or NULL when m is not an index message. Valid while m is. */
const struct idx_event *wiring_index_event(const struct chan_msg *m);

#endif
