/* wiring.c - start-up and teardown of the interface's threads and index (see wiring.h). */
#include "ui/tui/wiring.h"

#include <stdlib.h>

#include "base/xmalloc.h"
#include "core/app/chan.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/net/net.h"
#include "core/net/secret.h"
#include "ui/tui/loop.h"
#include "ui/tui/status.h"

enum { MSG_IDX = 200 };

struct idx_msg {
	struct chan_msg base;
	struct idx_event ev; /* strings below are owned copies */
	char *path, *message;
};

/* ---- index events, posted from the watcher thread ------------------------------------ */

static void idx_msg_free(struct chan_msg *m)
{
	struct idx_msg *im = (struct idx_msg *)m;
	free(im->path);
	free(im->message);
	free(im);
}

static void on_index_event(void *ctx, const struct idx_event *ev)
{
	struct chan *chan = ctx;
	/* Counts arrive with progress events; of the files, only a change can matter to the UI
	 * (a cited file gone stale), so a first scan of unchanged files wakes it for nothing. */
	if (ev->kind == IDX_EV_FILE && ev->state != IDX_FILE_INDEXED && ev->state != IDX_FILE_REMOVED &&
	    ev->state != IDX_FILE_MOVED && ev->state != IDX_FILE_FAILED)
		return;
	struct idx_msg *m = xcalloc(1, sizeof *m);
	m->base.kind = MSG_IDX;
	m->base.free = idx_msg_free;
	m->ev = *ev;
	m->path = ev->path ? xstrdup(ev->path) : NULL;
	m->message = ev->message ? xstrdup(ev->message) : NULL;
	m->ev.path = m->path;
	m->ev.message = m->message;
	chan_send(chan, &m->base);
}

const struct idx_event *wiring_index_event(const struct chan_msg *m)
{
	return m->kind == MSG_IDX ? &((const struct idx_msg *)m)->ev : NULL;
}

/* ---- the wiring ----------------------------------------------------------------------- */

void wiring_start(struct tui *t)
{
	struct wiring *w = &t->w;
	w->chan = chan_new();
	char *err = NULL;
	if (setup_init(&w->setup, t->cfg, NULL, 0, &err) < 0 || setup_open_index(t->cfg, true, &w->ix, &err) != 0) {
		t->st.idx_error = err;
		log_error("index: %s", err ? err : "");
	} else {
		struct idx_sink *sink = xmalloc(sizeof *sink);
		*sink = (struct idx_sink){on_index_event, w->chan};
		int rc = idx_watch_start(w->ix, &w->setup.opt, w->setup.emb, sink, &w->watch);
		if (rc != 0) {
			free(sink);
			t->st.idx_error = xasprintf("watcher: %s", idx_strerror(rc));
		} else {
			w->sink = sink;
		}
	}
	for (size_t i = 0; i < t->cfg->profiles.n && !w->net; i++) {
		if (config_provider(t->cfg, t->cfg->profiles.v[i].provider)->kind == PROVIDER_BUILTIN)
			continue;
		err = NULL;
		w->net = net_new(&err);
		if (!w->net) {
			status_notice(t, true, "network: %s", err ? err : "cannot start");
			free(err);
			break;
		}
	}
}

void wiring_stop(struct tui *t)
{
	struct wiring *w = &t->w;
	net_free(w->net); /* cancels what is in flight; its last messages land in the channel */
	w->net = NULL;
	if (w->watch)
		idx_watch_stop(w->watch);
	w->watch = NULL;
	free(w->sink);
	w->sink = NULL;
	if (w->ix)
		idx_close(w->ix);
	w->ix = NULL;
	setup_free(&w->setup);
}

void wiring_free(struct tui *t)
{
	chan_free(t->w.chan);
	t->w.chan = NULL;
	secret_cache_free();
}
