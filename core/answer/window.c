/* window.c - a turn's window and its counter (see window.h). */
#include "core/answer/window.h"

#include <stdlib.h>

#include "base/xmalloc.h"
#include "core/answer/prompt.h"
#include "core/app/config.h"
#include "core/net/limits.h"

int turn_count_part(void *ctx, const char *s, size_t len)
{
	struct turn_counter *c = ctx;
	if (c->server) {
		char *text = xstrndup(s, len);
		int n = limits_count(c->prov, c->key, text);
		free(text);
		if (n >= 0)
			return n;
	}
	double est = prompt_estimate_tokens(s, len) * c->ratio;
	return (int)est + (est > (int)est);
}

int turn_window(const struct turn_request *req, const struct cfg_provider *prov, const char *key,
		bool learn, struct turn_counter *cnt, struct provenance *pv, struct server_limits *lim_out)
{
	const struct cfg_profile *pf = req->profile;
	struct server_limits lim = {.ratio = 1};
	if (prov->kind != PROVIDER_BUILTIN && learn) {
		if (req->may_block)
			limits_learn(prov, pf->model, key, &lim);
		else if (!limits_cached(prov, pf->model, &lim))
			limits_prefetch(prov, pf->model, key);
	}
	int window = pf->context_tokens;
	const char *from = "profile context_tokens";
	if (lim.window > 0 && lim.window < window) {
		window = lim.window;
		from = lim.window_from;
	}
	*cnt = (struct turn_counter){prov, key, req->may_block && lim.tokenize, lim.ratio > 1 ? lim.ratio : 1};
	if (lim_out)
		*lim_out = lim;
	pv->context_window = window;
	free(pv->window_source);
	pv->window_source = xstrdup(from);
	free(pv->token_count);
	if (cnt->server)
		pv->token_count = xstrdup("server /tokenize");
	else if (cnt->ratio > 1)
		pv->token_count = xasprintf("estimate x%.2f (the server's tokenizer, on a sample)", cnt->ratio);
	else
		pv->token_count = xstrdup("estimate");
	return window;
}

char *turn_none_fits(const struct prompt *p, const struct cite_map *m, int window)
{
	int best = p->nblocks ? p->block_tokens[0] : 0;
	return xasprintf("%zu passage%s found, none fits the context budget of %d tokens (the system "
			 "prompt, the question and %d tokens kept for the answer take %d; the best "
			 "passage needs %d, %d are left): raise context_tokens (or the server's "
			 "context window), lower max_tokens, or lower top_k or index.chunk_chars.",
			 m->ndropped, m->ndropped == 1 ? " was" : "s were", window, p->answer_tokens,
			 p->fixed_tokens + p->answer_tokens, best, p->sources_room);
}
