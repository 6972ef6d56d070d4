/* ask.h - one short, non-streamed chat request on the net thread, for the helpers a turn
 * may run before its answer (the follow-up rewrite, core/answer/rewrite.h; the query
 * expansion, core/answer/expand.h): a system and a user message, a token cap, its own
 * deadline for the whole request and no retries, so a slow helper never holds the answer.
 * Any thread. */
#ifndef FN_ASK_H
#define FN_ASK_H

#include "core/net/net.h"

struct cfg_provider;

/* Submits the request to provider p (model) and returns its id; cb->done gets the result
 * on the net thread. Returns 0 with *err (caller frees) when it cannot be made (no key, a
 * builtin provider, a request the provider cannot build): then cb is never called. */
net_id net_ask(struct net *net, const struct cfg_provider *p, const char *model, int timeout_s,
	       const char *system, const char *user, int max_tokens, const struct net_callbacks *cb,
	       char **err);
/* The same with the key already resolved (key NULL: none), for a caller on the net thread
 * that copied its provider and key on the UI thread; system NULL sends the user message
 * alone. */
net_id net_ask_key(struct net *net, const struct cfg_provider *p, const char *key, const char *model,
		   int timeout_s, const char *system, const char *user, int max_tokens,
		   const struct net_callbacks *cb, char **err);

#endif
