/* index_events.h - index events into the one channel: an idx_sink whose callback (on the
 * index thread) copies each event into an owned message and posts it, so the UI thread
 * reads index progress with everything else it polls.
 *
 * Each message is a `struct index_event_msg` of kind INDEX_EVENT_MSG; its strings are owned
 * copies and chan_msg_free frees them. Per-file events (IDX_EV_FILE) are not posted unless
 * asked for: the counts come with IDX_EV_PROGRESS, and a UI need not wake once per file. */
#ifndef FN_INDEX_EVENTS_H
#define FN_INDEX_EVENTS_H

#include <stdbool.h>

#include "core/app/chan.h"
#include "index/idx.h"

/* Kinds 100.. are core/answer/turn.h's; this one is apart from them. */
enum { INDEX_EVENT_MSG = 200 };

struct index_event_msg {
	struct chan_msg base; /* kind INDEX_EVENT_MSG, gen 0 */
	struct idx_event ev;  /* ev.path and ev.message point at the copies below (or are NULL) */
	char *path, *message;
};

/* A sink posting to chan, which must outlive every thread that may call it (stop the
 * watcher before chan_free). with_files also posts IDX_EV_FILE events. The sink is a value:
 * keep it where the watcher can read it until idx_watch_stop. */
struct idx_sink index_events_sink(struct chan *chan, bool with_files);

#endif
