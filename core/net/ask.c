/* ask.c - one short chat request (see ask.h). */
#include "core/net/ask.h"

#include "core/net/provider.h"
#include "core/net/secret.h"

net_id net_ask_key(struct net *net, const struct cfg_provider *p, const char *key, const char *model,
		   int timeout_s, const char *system, const char *user, int max_tokens,
		   const struct net_callbacks *cb, char **err)
{
	*err = NULL;
	struct provider_msg msgs[2] = {{"system", system}, {"user", user}};
	struct provider_chat chat = {model, system ? msgs : msgs + 1, system ? 2 : 1, 0, max_tokens, .no_stream = true};
	struct provider_request preq;
	if (provider_chat_request(p, &chat, &preq, err) != 0)
		return 0;
	struct net_request nreq;
	provider_net_request(p, &preq, key, &nreq);
	nreq.timeout_s = timeout_s;
	nreq.idle_timeout_s = timeout_s;
	nreq.max_retries = 0;
	net_id id = net_submit(net, &nreq, cb);
	provider_request_free(&preq);
	return id;
}

net_id net_ask(struct net *net, const struct cfg_provider *p, const char *model, int timeout_s,
	       const char *system, const char *user, int max_tokens, const struct net_callbacks *cb,
	       char **err)
{
	*err = NULL;
	struct secret key = {0};
	if (secret_get(p, &key, err) < 0)
		return 0;
	net_id id = net_ask_key(net, p, key.key, model, timeout_s, system, user, max_tokens, cb, err);
	secret_clear(&key);
	return id;
}
