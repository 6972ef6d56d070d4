/* finetune.c - the fine-tune a profile answers with (see finetune.h). */
#include "core/answer/finetune.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/answer/turn.h"
#include "core/app/config.h"
#include "core/net/limits.h"

static void set(char **field, char *v)
{
	free(*field);
	*field = v;
}

/* A whole number 0..999999, or -1. */
static int adapter_number(const char *s)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 6)
		return -1;
	return atoi(s);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The adapter the server lists as want (its path, or the file name of its path). */
static const struct limits_lora *listed(const struct server_limits *lim, const char *want, int id)
{
	for (int i = 0; lim && i < lim->nlora; i++) {
		const struct limits_lora *l = &lim->lora[i];
		if (id >= 0 ? l->id == id : !strcmp(l->path, want) || !strcmp(base_name(l->path), base_name(want)))
			return l;
	}
	return NULL;
}

void finetune_fill(const struct cfg_profile *pf, const struct cfg_provider *prov,
		   const struct server_limits *lim, struct provenance *pv, struct finetune_lora *lora)
{
	*lora = (struct finetune_lora){false, 0, 1};
	const char *model = pf->model ? pf->model : "";
	const char *adapter = pf->adapter ? pf->adapter : "";
	char *kind = xstrdup(""), *base = xstrdup(""), *ad = xstrdup("");
	char *ckpt = xstrdup(pf->checkpoint ? pf->checkpoint : "");
	bool builtin = prov->kind == PROVIDER_BUILTIN;
	if (!builtin && !strncmp(model, "ft:", 3)) {
		set(&kind, xstrdup("openai"));
		set(&base, xstrndup(model + 3, strcspn(model + 3, ":")));
		if (!*ckpt)
			set(&ckpt, xstrdup(model));
	}
	if (!builtin && prov->kind == PROVIDER_OPENAI && *adapter) {
		int id = adapter_number(adapter);
		const struct limits_lora *l = listed(lim, adapter, id);
		set(&kind, xstrdup("lora"));
		if (id >= 0 || l) {
			lora->send = true;
			lora->id = l ? l->id : id;
			lora->scale = pf->adapter_scale;
			set(&ad, l && *l->path ? xasprintf("%d %s", l->id, l->path) : xstrdup(adapter));
		} else {
			set(&ad, xasprintf("%s (not loaded by the server)", adapter));
		}
	} else if (!builtin && prov->kind == PROVIDER_OLLAMA && lim && *lim->adapter) {
		set(&kind, xstrdup("ollama"));
		set(&ad, xstrdup(lim->adapter));
	}
	set(&pv->fine_tune, kind);
	set(&pv->base_model, base);
	set(&pv->adapter, ad);
	set(&pv->checkpoint, ckpt);
	set(&pv->dataset_version, xstrdup(pf->dataset_version ? pf->dataset_version : ""));
	pv->adapter_scale = lora->send ? lora->scale : 0;
}
