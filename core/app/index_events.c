/* index_events.c - an idx_sink posting owned copies of index events (see index_events.h). */
#include "core/app/index_events.h"

#include <stdlib.h>

#include "base/xmalloc.h"

static void msg_free(struct chan_msg *m)
{
	struct index_event_msg *im = (struct index_event_msg *)m;
	free(im->path);
	free(im->message);
	free(im);
}

/* Runs on the index thread: the event's strings die with the call, so they are copied. */
static void post(struct chan *chan, const struct idx_event *ev)
{
	struct index_event_msg *m = xcalloc(1, sizeof *m);
	m->base.kind = INDEX_EVENT_MSG;
	m->base.free = msg_free;
	m->ev = *ev;
	m->path = ev->path ? xstrdup(ev->path) : NULL;
	m->message = ev->message ? xstrdup(ev->message) : NULL;
	m->ev.path = m->path;
	m->ev.message = m->message;
	chan_send(chan, &m->base);
}

static void on_event(void *ctx, const struct idx_event *ev)
{
	if (ev->kind != IDX_EV_FILE)
		post(ctx, ev);
}

static void on_event_files(void *ctx, const struct idx_event *ev)
{
	post(ctx, ev);
}

struct idx_sink index_events_sink(struct chan *chan, bool with_files)
{
	return (struct idx_sink){with_files ? on_event_files : on_event, chan};
}
