/* turn_impl.h - a turn's insides, shared by core/answer/turn.c (the answer: prompt, model
 * request, builtin answerer, the end) and core/answer/steps.c (what may come before it: the
 * follow-up rewrite, the query expansion, the search and a model reranker). Nothing else
 * includes it. */
#ifndef FN_TURN_IMPL_H
#define FN_TURN_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/answer/expand.h"
#include "core/answer/finetune.h"
#include "core/answer/history.h"
#include "core/answer/turn.h"
#include "core/app/config.h"
#include "core/net/net.h"

/* The request of a turn, shared by the turn and its link: the id to cancel changes when a
 * refused prompt is sent again from the net thread. Atomics; freed by the last of the two. */
struct handle {
	net_id id;
	bool cancelled;
	int refs;
};


struct turn {
	struct chan *chan;
	uint64_t gen;
	struct cite_map map;
	struct provenance prov;
	double started;
	struct net *net;       /* set while a model request may be in flight */
	net_id id;
	struct history hist;   /* the earlier turns this one may send */
	/* The request, kept for after a rewrite: req points at the copies below (the caller's
	 * profile may be a copy on its stack). */
	struct turn_request req;
	struct cfg_profile prof;
	char *question, *extra, *model;
	bool rewriting;        /* a rewrite is in flight: turn_step goes on */
	bool expanding;        /* a query expansion is in flight: turn_step goes on */
	char *query;           /* while expanding: the rewritten question, or NULL */
	char *sub[EXPAND_MAX]; /* the expansion's sub-queries */
	size_t nsub;
	bool reranking;        /* a model rerank is in flight with these hits */
	struct idx_hits pending;
	char *pending_context;
	bool cancelled;
	struct handle *handle; /* the model request's id, shared with its link */
	struct finetune_lora lora; /* the adapter each request carries */
};

/* turn.c (steps.c calls it; it never calls steps.c: no link cycle) */
void turn_send_text(struct turn *t, enum turn_msg_kind kind, const char *s, size_t len);
void turn_send_end(struct turn *t, struct turn_result *r);
struct turn_result *turn_result_new(void);
/* The prompt and the answer from the hits and the search's context (both taken over). */
void turn_compose(struct turn *t, struct idx_hits hits, char *context);

/* steps.c */
/* The search (query: the standalone question, NULL = the question itself), then a model
 * reranker if the profile has one, then turn_compose. */
void turn_search(struct turn *t, const char *query);

#endif
