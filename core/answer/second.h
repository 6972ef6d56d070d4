/* second.h - the second stage of a turn's retrieval: the search a profile runs (with the
 * builtin reranker, index/search/rerank.h, when its rerank.provider is builtin), and a model
 * reranker's request when it names a server.
 *
 * A model reranker reorders the first stage's best rerank.top_n hits through the server's
 * rerank API (POST {base_url}/rerank):
 *   llama.cpp (llama-server --reranking), vllm, jina, cohere:
 *     {"model", "query", "documents": [...], "top_n"} -> {"results": [{"index", "relevance_score"}]}
 *   tei (Hugging Face text-embeddings-inference):
 *     {"query", "texts": [...], "truncate": true} -> [{"index", "score"}]
 * Either reply shape is read whatever the api says. Any failure (an HTTP error, a reply that
 * is not one of those, a stall past rerank.timeout_s) keeps the first stage's order; the turn
 * says so once per process and records why in the provenance.
 *
 * second_submit runs on the caller's thread and returns at once; the request runs on the net
 * thread, whose done callback posts one struct rerank_msg (kind RERANK_MSG, the turn's
 * generation) to the channel. The request owns its context. second_body and second_parse are
 * pure. */
#ifndef FN_SECOND_H
#define FN_SECOND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app/chan.h"
#include "core/net/net.h"
#include "index/idx.h"

struct config;
struct cfg_provider;
struct cfg_rerank;
struct cfg_profile;
struct turn_request;

enum { RERANK_MSG = 111 };

struct rerank_msg {
	struct chan_msg base;  /* kind RERANK_MSG; free with chan_msg_free */
	size_t *order;         /* n document indexes, best first; NULL on failure */
	size_t n;
	char *why;             /* when order is NULL: a sentence saying why */
};


/* The turn's side (core/answer/turn.c). second_start submits hits to pf's model reranker
 * and returns the request's id (the caller keeps hits until the reply); or returns 0 after
 * cutting hits to top_k in the first stage's order. Either way *prov is the provenance's
 * rerank line (caller frees), and *why (caller frees) is set when a model reranker was
 * meant but could not be asked. second_finish applies a reply: hits reordered and cut, the
 * provenance line returned, *why set on a fallback. second_notice is the sentence to show
 * for a fallback, or NULL once one was shown in this process (caller frees). */
net_id second_start(const struct config *cfg, const struct cfg_profile *pf, struct net *net, struct chan *chan,
		    uint64_t gen, const char *query, struct idx_hits *hits, char **prov, char **why);
char *second_finish(const struct cfg_profile *pf, const struct rerank_msg *rm, struct idx_hits *hits, char **why);
char *second_notice(const struct cfg_profile *pf, const char *why);
/* The provider of a model reranker for the profile, or NULL (builtin or off). */
const struct cfg_provider *second_provider(const struct config *cfg, const struct cfg_rerank *r);

/* The request body for api (enum rerank_api). Caller frees. */
char *second_body(int api, const char *model, const char *query, const char *const *docs, size_t n);
/* Reads a reply for n documents into order[n] (every index once, the scored ones best
 * first, then those the server left out in their first-stage order). Returns 0, or -1 with
 * *why (static text) when the reply is not a rerank result. */
int second_parse(const char *body, size_t len, size_t n, size_t *order, const char **why);

/* Submits the rerank of docs[0..n) for query to provider p with r's model, api and
 * timeout (no retries). Returns the request's id, or 0 with *err (caller frees) when it
 * cannot be made (no key): then nothing is posted. */
net_id second_submit(struct net *net, const struct cfg_provider *p, const struct cfg_rerank *r,
		     const char *query, const char *const *docs, size_t n, struct chan *chan, uint64_t gen,
		     char **err);

/* The same rerank, blocking on the caller's thread (`footnote eval`'s retrieval): hits
 * reordered by pf's model reranker and cut to k (0 = keep all), or left in first-stage order
 * with *why (caller frees) on a failure. Nothing happens for a builtin or off reranker. */
void second_rerank_now(const struct config *cfg, const struct cfg_profile *pf, const char *query,
		       struct idx_hits *hits, size_t k, char **why);

/* Reorders hits by order (second_parse's), keeping the first k; hits keep their strings. */
void second_apply(struct idx_hits *hits, const size_t *order, size_t n, size_t k);

#endif
