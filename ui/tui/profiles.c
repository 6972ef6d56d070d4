/* profiles.c - the current profile, /model, and the profile picker (see profiles.h). */
#include "ui/tui/profiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/app/config.h"
#include "ui/term/term.h"
#include "ui/tui/keys.h"
#include "ui/tui/loop.h"
#include "ui/tui/overlay.h"
#include "ui/tui/picker.h"
#include "ui/tui/status.h"

size_t profiles_index(const struct tui *t, const struct cfg_profile *p)
{
	return (size_t)(p - t->cfg->profiles.v);
}

/* The model a profile answers with: its /model override, else the configured one. */
const char *profiles_model(const struct tui *t, const struct cfg_profile *p)
{
	const struct cfg_provider *prov = config_provider(t->cfg, p->provider);
	if (prov->kind == PROVIDER_BUILTIN)
		return "extractive";
	const char *o = t->prof.models ? t->prof.models[profiles_index(t, p)] : NULL;
	return o ? o : p->model;
}

void profiles_switch(struct tui *t, const struct cfg_profile *p)
{
	t->prof.cur = p;
	const struct cfg_provider *prov = config_provider(t->cfg, p->provider);
	status_notice(t, false, "profile %s: %s%s", p->name,
		      prov->kind == PROVIDER_BUILTIN ? "offline extractive answers" : profiles_model(t, p),
		      p->retrieval.enabled ? ", with retrieval" : ", no retrieval");
	if (p->notice) /* e.g. no fine-tuned model is configured: what stands in, and how to set one */
		status_notice(t, false, "%s", p->notice);
}

/* /model NAME: this session's profile answers with NAME; /model alone goes back. */
void profiles_set_model(struct tui *t, const char *name)
{
	const struct cfg_provider *prov = config_provider(t->cfg, t->prof.cur->provider);
	if (prov->kind == PROVIDER_BUILTIN) {
		status_notice(t, true, "profile %s answers offline (builtin): it has no model to change",
			      t->prof.cur->name);
		return;
	}
	if (!t->prof.models)
		t->prof.models = xcalloc(t->cfg->profiles.n, sizeof *t->prof.models);
	char **slot = &t->prof.models[profiles_index(t, t->prof.cur)];
	free(*slot);
	*slot = *name ? xstrdup(name) : NULL;
	if (*name)
		status_notice(t, false, "profile %s now uses model %s (this session; /model alone resets)",
			      t->prof.cur->name, name);
	else
		status_notice(t, false, "profile %s uses its configured model %s again", t->prof.cur->name,
			      t->prof.cur->model);
}

void profiles_free(struct profiles *p, size_t nprofiles)
{
	for (size_t i = 0; p->models && i < nprofiles; i++)
		free(p->models[i]);
	free(p->models);
	p->models = NULL;
}

/* ---- the picker ------------------------------------------------------------------------- */

static char *profile_row(void *ctx, size_t i, int *slot)
{
	const struct tui *t = ctx;
	const struct cfg_profile *p = &t->cfg->profiles.v[i];
	*slot = SLOT_STATUS;
	return xasprintf(" %s %-12s %s%s", p == t->prof.cur ? "*" : " ", p->name, profiles_model(t, p),
			 p->retrieval.enabled ? " · retrieval" : " · no retrieval");
}

static void pick_draw(struct tui *t, void *st, int rows, int cols)
{
	picker_draw(st, " Profile (Enter picks, Esc closes)", 60, rows, cols, profile_row, t);
}

static bool pick_key(struct tui *t, void *st, int k)
{
	struct picker *p = st;
	/* F2 (profiles) again walks the list, as it opened it. */
	if (keys_action(&t->keys, KC_CHAT, k) == A_PROFILES) {
		p->sel = (p->sel + 1) % p->n;
		return true;
	}
	enum pick_result r = picker_key(p, &t->keys, k);
	if (r == PICK_CHOSEN)
		profiles_switch(t, &t->cfg->profiles.v[p->sel]);
	return r == PICK_STAY;
}

static const struct overlay_class profiles_class = {"profiles", pick_draw, pick_key, free};

void profiles_pick(struct tui *t)
{
	struct picker *p = xcalloc(1, sizeof *p);
	p->n = t->cfg->profiles.n;
	p->sel = profiles_index(t, t->prof.cur);
	p->wrap = true;
	overlay_open(t, &profiles_class, p);
}
