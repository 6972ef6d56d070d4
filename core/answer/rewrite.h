/* rewrite.h - a follow-up question rewritten into a standalone one, for the search.
 *
 * "And what about fine-tuning?" searches badly on its own. When the profile allows it
 * (rewrite: auto) and a model server is there, the turn first asks the model, in one short
 * non-streamed request with its own timeout, to rewrite the follow-up using the
 * conversation; the answer's prompt still carries the user's own question. Any failure
 * (an HTTP error, a stall past the timeout, a reply that is not one short question) falls
 * back to the plain question, searched with the earlier questions' words (see
 * idx_query.context), and the reason is recorded in the provenance.
 *
 * rewrite_submit runs on the caller's thread and returns at once; the request runs on the
 * net thread, whose done callback posts one struct rewrite_msg (kind REWRITE_MSG, the
 * turn's generation) to the channel. The request owns its context, so a turn freed while
 * it runs leaves nothing dangling. rewrite_prompt and rewrite_clean are pure. */
#ifndef FN_REWRITE_H
#define FN_REWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "core/app/chan.h"
#include "core/net/net.h"

struct history;
struct cfg_provider;

enum { REWRITE_MSG = 110 };

struct rewrite_msg {
	struct chan_msg base;  /* kind REWRITE_MSG; free with chan_msg_free */
	char *query;           /* the standalone question (untrusted: model output), or NULL */
	char *why;             /* when query is NULL: a sentence saying why */
};

/* The user message of the rewrite request: the last few turns (answers shortened) and the
 * follow-up. Caller frees. */
char *rewrite_prompt(const struct history *h, const char *question);
/* The system message of the rewrite request (static). */
const char *rewrite_system(void);
/* The query in a reply, or NULL with *why (static text) when the reply is not one short
 * question on one line. A leading "Standalone question:" and surrounding quotes are
 * removed. Caller frees. */
char *rewrite_clean(const char *reply, size_t len, const char **why);

/* Submits the rewrite of question to provider p (model, timeout_s for the whole request,
 * no retries). Returns the request's id, or 0 with *err (caller frees) when the request
 * cannot be made (no key, a builtin provider): then nothing is posted. */
net_id rewrite_submit(struct net *net, const struct cfg_provider *p, const char *model, int timeout_s,
		      const struct history *h, const char *question, struct chan *chan, uint64_t gen,
		      char **err);

#endif
