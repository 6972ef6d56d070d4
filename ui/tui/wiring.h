/* wiring.h - the start-up wiring of the terminal interface, in one function: the channel,
 * the configuration's setup (folders, embedder), the index and its watcher thread, the net
 * thread; and their teardown. The watcher's events reach the UI as channel messages that
 * wiring_index_event recognises. Owns t->w. Main thread. */
#ifndef FN_TUI_WIRING_H
#define FN_TUI_WIRING_H

#include "core/app/setup.h"
#include "index/idx.h"

struct tui;
struct chan_msg;

struct wiring {
	struct chan *chan;
	struct net *net;             /* NULL when every profile is builtin */
	idx *ix;                     /* NULL when the index did not open (t->st.idx_error says why) */
	struct setup setup;
	struct idx_watch *watch;
	struct idx_sink *sink;       /* the watcher's, freed after it stops */
};

/* Starts everything; what fails is reported in the status line and the interface runs
 * without it (no index: answers without sources; no net: builtin profiles only). */
void wiring_start(struct tui *t);
/* Stops the threads and closes the index; their last messages stay in the channel. */
void wiring_stop(struct tui *t);
/* Frees the channel (after its messages were handled) and the key cache. */
void wiring_free(struct tui *t);
/* The index event m carries, or NULL when m is not an index message. Valid while m is. */
const struct idx_event *wiring_index_event(const struct chan_msg *m);

#endif
