/* turn.h - one question and its answer: retrieval, prompt, the provider's stream, result.
 *
 * turn_start runs on the UI thread: it retrieves (a short read transaction; lexical search
 * takes a few milliseconds), builds the prompt and the citation map, then either hands the
 * request to the net thread or, for the builtin provider and for `decline`, produces the
 * answer itself. Either way the answer arrives as TURN_* messages on the channel, tagged with
 * the turn's generation, so the UI and `footnote ask` treat every provider alike. A turn's
 * messages end with exactly one TURN_END.
 *
 * A follow-up (req->history not empty) carries the conversation (core/answer/history.h) and
 * is searched with it: rewritten by the model first when the profile says rewrite: auto
 * (core/answer/rewrite.h), else with the earlier questions' words at a lower weight. While
 * the rewrite runs, the turn waits for its message on the channel: every consumer hands
 * each message it takes to turn_step first, which continues the turn and tells it to skip
 * that message.
 *
 * After the answer, the producer checks its citations (core/answer/verify.c) and puts the result
 * on the TURN_END's turn_result. The consumer hands that result to turn_finish on the UI
 * thread, which marks the map's sources cited / verified / auto-attached.
 *
 * Ownership: the caller owns the turn (turn_free) and every message it takes from the
 * channel (chan_msg_free). The citation map and provenance stay valid until turn_free. */
#ifndef FN_TURN_H
#define FN_TURN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/app/chan.h"
#include "core/app/config.h"
#include "core/answer/history.h"
#include "core/answer/prompt.h"
#include "core/answer/verify.h"
#include "index/idx.h"

enum turn_msg_kind {
	TURN_TEXT = 100, /* a piece of the answer (untrusted: sanitize before display) */
	TURN_REASONING,  /* a piece of the model's reasoning */
	TURN_NOTICE,     /* a status line: "HTTP 429: retrying in 2 s" */
	TURN_END,        /* the result: outcome, usage, timings */
};

/* Same values as enum stream_outcome, plus what only a turn can decide. */
enum turn_outcome {
	TURN_COMPLETED = 1,
	TURN_TRUNCATED,
	TURN_REFUSED,
	TURN_TOOL_CALL,
	TURN_SERVER_ERROR,
	TURN_HTTP_ERROR,
	TURN_INTERRUPTED,
	TURN_CANCELLED,
	TURN_NETWORK_ERROR,
	TURN_TOO_LARGE,
	TURN_DECLINED = 50, /* no evidence and the profile says decline: the model was not called */
};

struct turn_result {
	int outcome;            /* enum turn_outcome */
	char *outcome_name;     /* "completed", "declined", ... */
	char *finish_reason;    /* as the server sent it, or NULL */
	char *message;          /* a sentence for a person when not completed, else NULL */
	long long prompt_tokens, completion_tokens;
	double first_token_ms, total_ms;
	bool extractive;        /* answered by the builtin answerer */
	bool not_grounded;      /* no_evidence: answer/label and nothing matched */
	bool label_uncited;     /* no_evidence: label: show uncited sentences as model knowledge */
	/* Verification (core/answer/verify.c), filled when the answer is complete. */
	double grounding;       /* share of sentences with a verified citation; -1 = not computed */
	int sentences;          /* sentences in the answer */
	int sentences_supported;/* of which carry a verified citation */
	int citations_invalid;  /* markers whose number has no source */
	/* An extractive answer quotes, so it always "supports itself": what is true of it instead
	 * is how many passages it quotes and how much of the question they cover (relevance,
	 * core/answer/extractive.h). quoted_passages 0 = not an extractive answer. */
	int quoted_passages;
	double relevance;
	/* The checker model that gave the verdicts (core/answer/claimcheck.h), or how far it
	 * got and why the builtin check stands for the rest; NULL = the builtin check alone. */
	char *checked_by;
	/* The server refused the prompt for length before the first token and it was sent
	 * again, smaller: the window it named (0 = not named) and how many sources of the map
	 * remained (turn_finish drops the rest). 0, 0 when that did not happen. */
	int refit_window, refit_sources;
	/* What the answer cost (core/answer/cost.h): micro-units of the config's currency, known
	 * when the model has a price (or nothing was asked of a server). */
	int64_t cost_micros;
	bool priced;
	struct verify_result *verify; /* per sentence: byte range, status, sources; NULL when
				 * not computed (declined, no text). Freed with the result. */
};

struct turn_msg {
	struct chan_msg base;   /* kind is enum turn_msg_kind, gen the turn's */
	char *text;             /* TURN_TEXT, TURN_REASONING, TURN_NOTICE */
	struct turn_result *result; /* TURN_END */
};

struct provenance {
	char *time;             /* ISO 8601, UTC */
	char *profile, *provider, *provider_kind, *model, *host;
	char *note;             /* why this model answered for the profile when it is not the
				 * profile's own (a base model standing in for a fine-tuned one
				 * that is not configured), or "" */
	double temperature;
	bool retrieval;
	int top_k;
	char *mode;
	char *collections;      /* comma-separated, "" = all */
	double w_lexical, w_vector, min_score;
	int per_file_cap;
	int context_tokens, max_tokens;
	const char *no_evidence;/* "decline" | "answer" | "label" (static) */
	uint64_t index_generation, index_files, index_chunks;
	double retrieval_ms;
	int prompt_tokens_estimate;
	/* The conversation (core/answer/history.h): earlier turns sent with the question, and
	 * those left out (oldest first) for the budget. */
	int history_sent, history_dropped;
	char *search_query;     /* what the search ran on when not the question (a rewrite), else "" */
	char *rewrite;          /* "" = not tried; "rewritten"; else why the plain question was used */
	char *expansion;        /* "" = not tried; the sub-queries searched too, one per line;
				 * else why the question was searched alone ("the expansion failed
				 * (...)") */
	char *rerank;           /* the second stage: "off", "builtin", "MODEL via PROVIDER", or
				 * "first-stage order: WHY" when a model reranker failed */
	bool search_context;    /* the earlier questions' words weighed in the search */
	/* The window the prompt was fitted into (tokens, prompt + answer), where it came from
	 * ("GET /props n_ctx", "config", "profile context_tokens"...), how tokens were counted,
	 * and what was cut to fit ("" when nothing). */
	int context_window;
	char *window_source;
	char *token_count;
	char *cut;
	/* The fine-tune that answered (core/answer/finetune.h): its kind ("" = a base model,
	 * "openai" for an ft:... id, "lora" for a llama-server adapter, "ollama" for a model
	 * built with ADAPTER), its base model when the id names one, the adapter (path or id)
	 * and its scale, the checkpoint and the training data's version ("" = not said). */
	char *fine_tune;
	char *base_model;
	char *adapter;
	double adapter_scale;
	char *checkpoint;
	char *dataset_version;
};

struct turn_request {
	const struct config *cfg;
	const struct cfg_profile *profile;
	const char *question;
	const char *extra_context;  /* piped stdin, or NULL */
	idx *ix;                    /* NULL = no index (retrieval gives nothing) */
	const struct idx_embedder *emb;
	uint64_t gen;
	/* The conversation before the question, oldest first (session_history gives it);
	 * read only during turn_start (the turn copies what it may send). */
	const struct history_turn *history;
	size_t nhistory;
	/* The caller may wait for the network before the request goes out (`footnote ask`):
	 * the server's window is learned now and the prompt counted by its tokenizer. The UI
	 * thread passes false: the window comes from the cache (learned by a thread of its own
	 * after the first question) and tokens are estimated, calibrated on the server. */
	bool may_block;
};

struct net;
struct turn;
/* Starts a turn; never NULL. net may be NULL when only the builtin provider is used. */
struct turn *turn_start(const struct turn_request *req, struct net *net, struct chan *chan);
/* UI thread: call with every message taken from the channel before handling it. Returns
 * true when m was the turn's own (its rewrite or its rerank came back: the turn has gone on
 * to search or answer); skip it then and free it as usual. t may be NULL (false unless m is
 * a rewrite or a rerank). */
bool turn_step(struct turn *t, const struct chan_msg *m);
/* Stops the answer; a TURN_END with TURN_CANCELLED follows (partial text kept). */
void turn_cancel(struct turn *t);
void turn_free(struct turn *t);
/* A finished turn rebuilt from a saved session (core/session/session.c): it takes over map and prov
 * (both are zeroed), has nothing in flight and posts nothing. Free with turn_free. */
struct turn *turn_adopt(struct cite_map *map, struct provenance *prov);
const struct cite_map *turn_sources(const struct turn *t);
const struct provenance *turn_provenance(const struct turn *t);
/* UI thread, once the TURN_END is taken: marks the map's sources from r->verify (cited,
 * verified, auto-attached), and when the server's refusal made the prompt smaller, moves
 * the sources it no longer held to the dropped list and says so in the provenance. r stays
 * the caller's. */
void turn_finish(struct turn *t, const struct turn_result *r);
void turn_result_free(struct turn_result *r);
/* The search a turn runs for req's profile: mode, top_k, collections, per-file cap, fusion
 * weights. `footnote eval` measures retrieval through it. q borrows req's strings. */
void turn_query(const struct turn_request *req, struct idx_query *q);
/* Searches for text (the question, or its rewrite) with context's words at a lower weight,
 * and, when sub-queries came from the query expansion (core/answer/expand.h), each of them
 * too, fused by RRF into the profile's top_k. Nothing when the profile does not retrieve.
 * Caller frees hits. core/answer/retrieve.c. */
int turn_retrieve(const struct turn_request *req, const char *text, const char *context, char *const *sub,
		  size_t nsub, struct idx_hits *hits);

/* The record of a turn as JSON (for `ask --json`, sessions and export) is core/answer/record.h. */

#endif
