/* wiring.c - the interface's share of the one start-up sequence (core/app/app.h): what it
 * needs of the app, and the app's pieces where the rooms read them (see wiring.h). */
#include "ui/tui/wiring.h"

#include <stdlib.h>

#include "base/xmalloc.h"
#include "core/app/app.h"
#include "core/app/config.h"
#include "core/app/discover.h"
#include "core/app/index_events.h"
#include "core/app/log.h"
#include "ui/cli.h"
#include "ui/tui/conv.h"
#include "ui/tui/loop.h"
#include "ui/tui/status.h"

enum { MSG_DISCOVER = 210 };

struct disc_msg {
	struct chan_msg base;
	struct discover_result *r;
};

static void disc_msg_free(struct chan_msg *m)
{
	struct disc_msg *d = (struct disc_msg *)m;
	if (d->r) {
		discover_result_free(d->r);
		free(d->r);
	}
	free(d);
}

/* On the discovery thread: the result goes to the UI thread through the channel. */
static void on_found(void *ctx, struct discover_result *r)
{
	struct disc_msg *m = xcalloc(1, sizeof *m);
	m->base.kind = MSG_DISCOVER;
	m->base.free = disc_msg_free;
	m->r = xmalloc(sizeof *m->r);
	*m->r = *r;
	chan_send(ctx, &m->base);
}

bool wiring_handle(struct tui *t, struct chan_msg *m)
{
	if (m->kind != MSG_DISCOVER)
		return false;
	struct disc_msg *d = (struct disc_msg *)m;
	if (t->w.found) {
		discover_result_free(t->w.found);
		free(t->w.found);
	}
	t->w.found = d->r;
	d->r = NULL;
	wiring_apply_found(t);
	return true;
}

void wiring_apply_found(struct tui *t)
{
	struct wiring *w = &t->w;
	if (!w->found || conv_live(t))
		return;
	size_t n = discover_apply(w->app->cfg, w->found);
	status_notice(t, false, "%s", w->found->summary);
	discover_result_free(w->found);
	free(w->found);
	w->found = NULL;
	if (n && !w->net && app_profile_remote(t->cfg, NULL)) {
		if (app_need(w->app, APP_NET, NULL, 0) < 0)
			status_notice(t, true, "network: %s", w->app->error);
		w->net = w->app->net;
	}
	t->dirty = true;
}

const struct idx_event *wiring_index_event(const struct chan_msg *m)
{
	return m->kind == INDEX_EVENT_MSG ? &((const struct index_event_msg *)m)->ev : NULL;
}

void wiring_start(struct tui *t)
{
	struct wiring *w = &t->w;
	struct app *app = t->cli->app;
	w->app = app;
	/* The channel first: the watcher posts into it (index events without per-file ones). */
	/* File events too: a cited file that changes or goes is marked at once (sources.c). */
	if (app_need(app, APP_CHAN, NULL, 0) == 0)
		app->index_sink = index_events_sink(app->chan, true);
	if ((app->have & APP_CHAN) && app_need(app, APP_WATCH, NULL, 0) < 0) {
		t->st.idx_error = xstrdup(app->error);
		log_error("index: %s", app->error);
	}
	if (app_profile_remote(t->cfg, NULL) && app_need(app, APP_NET, NULL, 0) < 0)
		status_notice(t, true, "network: %s", app->error);
	w->chan = app->chan;
	w->net = app->net;
	w->ix = app->ix;
	w->emb = app->emb;
	w->watch = app->watch;
	/* No config file: look for a model server on this machine, off the UI thread, so the
	 * first frame never waits for it. */
	if (discover_wanted(app->cfg))
		w->disc = discover_start(on_found, w->chan);
}

void wiring_stop(struct tui *t)
{
	if (t->w.disc) /* its message, if any, is in the channel: the caller drains it */
		discover_join(t->w.disc);
	t->w.disc = NULL;
	if (t->w.found) {
		discover_result_free(t->w.found);
		free(t->w.found);
		t->w.found = NULL;
	}
	app_stop(t->w.app); /* cancels what is in flight; the last messages land in the channel */
	t->w.net = NULL;
	t->w.watch = NULL;
}
