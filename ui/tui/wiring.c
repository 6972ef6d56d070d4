/* wiring.c - the interface's share of the one start-up sequence (core/app/app.h): what it
 * needs of the app, and the app's pieces where the rooms read them (see wiring.h). */
#include "ui/tui/wiring.h"

#include <stdlib.h>

#include "base/xmalloc.h"
#include "core/app/app.h"
#include "core/app/config.h"
#include "core/app/index_events.h"
#include "core/app/log.h"
#include "ui/cli.h"
#include "ui/tui/loop.h"
#include "ui/tui/status.h"

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
	if (app_need(app, APP_CHAN, NULL, 0) == 0 && app_need(app, APP_WATCH, NULL, 0) < 0) {
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
}

void wiring_stop(struct tui *t)
{
	app_stop(t->w.app); /* cancels what is in flight; the last messages land in the channel */
	t->w.net = NULL;
	t->w.watch = NULL;
}
