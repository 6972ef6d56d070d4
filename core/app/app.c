/* app.c - configuration, log, channel, index, embedder, watcher and net, opened and closed
 * in one place (see app.h). */
#include "core/app/app.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/app/chan.h"
#include "core/app/config.h"
#include "core/app/index_events.h"
#include "core/app/log.h"
#include "core/net/net.h"
#include "core/net/secret.h"

static int fail(struct app *a, int code, char *msg)
{
	free(a->error);
	a->error = msg ? msg : xstrdup("failed for an unknown reason");
	a->exit_code = code;
	return -1;
}

int app_open(struct app *a, const char *config_file)
{
	memset(a, 0, sizeof *a);
	char *err = NULL;
	if (config_load(config_file, &a->cfg, &err) < 0)
		return fail(a, EXIT_USAGE, err);
	log_open(a->cfg->log_file, a->cfg->log.level);
	return 0;
}

static int open_index(struct app *a, bool create)
{
	char *err = NULL;
	if (setup_open_index(a->cfg, create, &a->ix, &err) != 0)
		return fail(a, EXIT_INDEX, err);
	a->have |= create ? APP_INDEX_CREATE | APP_INDEX : APP_INDEX;
	return 0;
}

int app_need(struct app *a, unsigned needs, char **paths, size_t npaths)
{
	if (needs & APP_WATCH) {
		needs |= APP_SETUP | APP_INDEX_CREATE;
		if (!a->index_sink.event)
			needs |= APP_CHAN;
	}
	unsigned want = needs & ~a->have;
	char *err = NULL;
	if (want & APP_CHAN) {
		a->chan = chan_new();
		a->have |= APP_CHAN;
		if (!a->index_sink.event)
			a->index_sink = index_events_sink(a->chan, false);
	}
	if (want & APP_SETUP) {
		if (setup_init(&a->setup, a->cfg, paths, npaths, &err) < 0)
			return fail(a, EXIT_USAGE, err);
		a->emb = a->setup.emb;
		a->have |= APP_SETUP;
	}
	if ((want & APP_INDEX_CREATE) && a->ix)
		return fail(a, EXIT_INDEX, xstrdup("the index is open read-only: ask for APP_INDEX_CREATE first"));
	if ((want & APP_INDEX_CREATE) && open_index(a, true) < 0)
		return -1;
	if ((want & APP_INDEX) && !a->ix && open_index(a, false) < 0)
		return -1;
	if (want & APP_WATCH) {
		int rc = idx_watch_start(a->ix, &a->setup.opt, a->emb, &a->index_sink, &a->watch);
		if (rc != 0)
			return fail(a, EXIT_INDEX, xasprintf("watcher: %s", idx_strerror(rc)));
		a->have |= APP_WATCH;
	}
	if (want & APP_NET) {
		if (!(a->net = net_new(&err)))
			return fail(a, EXIT_NET, err ? err : xstrdup("the network layer could not start"));
		a->have |= APP_NET;
	}
	return 0;
}

void app_stop(struct app *a)
{
	net_free(a->net); /* cancels what is in flight; its last messages land in the channel */
	a->net = NULL;
	if (a->watch)
		idx_watch_stop(a->watch);
	a->watch = NULL;
	a->have &= ~(unsigned)(APP_NET | APP_WATCH);
}

void app_close(struct app *a)
{
	app_stop(a);
	if (a->ix)
		idx_close(a->ix);
	if (a->have & APP_SETUP)
		setup_free(&a->setup);
	if (a->chan)
		chan_free(a->chan);
	secret_cache_free();
	if (a->cfg) {
		log_close();
		config_free(a->cfg);
	}
	free(a->error);
	memset(a, 0, sizeof *a);
}

bool app_profile_remote(const struct config *c, const struct cfg_profile *pf)
{
	for (size_t i = 0; i < (pf ? 1 : c->profiles.n); i++) {
		const struct cfg_profile *p = pf ? pf : &c->profiles.v[i];
		const struct cfg_provider *prov = config_provider(c, p->provider);
		if (prov && prov->kind != PROVIDER_BUILTIN)
			return true;
	}
	return false;
}
