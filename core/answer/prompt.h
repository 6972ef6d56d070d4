/* prompt.h - from a question and retrieved passages to the messages a model sees, and the
 * citation id map every later step reads.
 *
 * The map is built once per answer here: source n is the n-th passage given to the model.
 * The marker parser, the sources pane, the session file and the export read this map and
 * nothing else. Pure functions; any thread. Everything returned is owned by the caller. */
#ifndef FN_PROMPT_H
#define FN_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index/idx.h"

struct history;

struct source {
	int n;                 /* the [n] the model sees, 1-based */
	char *path;
	char *collection;
	uint64_t chunk;
	uint32_t line_start, line_end, page;
	char *heading;
	char *snippet;
	char *text;            /* what the model was shown (hidden characters removed) */
	uint64_t content_hash; /* of the file when indexed */
	double score;
	bool hidden_text;      /* the chunk had invisible characters, removed before the prompt */
	bool cited;            /* set after the answer */
	bool verified;         /* a sentence citing it was checked against the chunk and holds */
	bool auto_attached;    /* the model gave no marker; verification attached this source */
};

struct cite_map {
	struct source *v;      /* given to the model, in rank order */
	size_t n;
	struct source *dropped; /* retrieved, but over the token budget */
	size_t ndropped;
};
void cite_map_free(struct cite_map *m);
/* The source with number n, or NULL. */
const struct source *cite_map_get(const struct cite_map *m, int n);

/* The messages are system, then each kept earlier turn (user: its question, assistant: its
 * answer), then user. */
struct prompt {
	char *system;
	char *user;
	const struct history *history; /* prompt_opts.history (borrowed), or NULL */
	size_t history_start;  /* history->v[history_start..n) are sent */
	int history_sent;      /* turns sent */
	int history_dropped;   /* turns left out for the budget, history->older included */
	int history_tokens;    /* what the turns sent cost, counted by opts.count */
	int tokens;            /* the prompt as fitted, counted by opts.count (or estimated) */
	int answer_tokens;     /* room left for the answer (core/answer/budget.h) */
	int fixed_tokens;      /* system prompt, question, extra context and framing */
	int sources_room;      /* tokens left for sources after the fixed part, the answer and
				* the earlier turns */
	/* Every retrieved source's block (given ones first, then the dropped), with its tokens,
	 * and the text after the sources: kept so that a server's refusal for length can be
	 * answered with fewer sources (prompt_user). */
	char **blocks;
	int *block_tokens;
	size_t nblocks;
	char *tail;
	bool retrieval;
};
void prompt_free(struct prompt *p);

struct prompt_opts {
	const char *system_prompt;  /* the profile's, "" or NULL = footnote's */
	bool retrieval;             /* sources are expected (the retrieval prompt) */
	int context_tokens;         /* the window: prompt and answer together */
	int answer_tokens;          /* wanted for the answer (may shrink, see budget.h) */
	const char *extra_context;  /* piped stdin, or NULL */
	const struct history *history; /* earlier turns (core/answer/history.h), or NULL; must
				     * outlive the prompt */
	/* Tokens of a text by the model's tokenizer; NULL = prompt_estimate_tokens. */
	int (*count)(void *ctx, const char *s, size_t len);
	void *count_ctx;
};

/* Builds the prompt for question from hits (best first) and the conversation so far, fitted
 * by budget_fit: the system prompt, the question and room for the answer come first; of
 * what is left, the earlier turns may take half when the profile retrieves (all of it when
 * not), newest kept first, and the sources get the rest. Hits that do not fit go to
 * map->dropped, lowest-ranked first; turns that do not fit are counted in history_dropped,
 * oldest first; the question and system prompt stay whole. */
void prompt_build(const char *question, const struct idx_hits *hits, const struct prompt_opts *o,
		  struct prompt *out, struct cite_map *map);
/* The user message with the first n of p's source blocks (caller frees). */
char *prompt_user(const struct prompt *p, size_t n);

/* A rough token count: about 4 ASCII bytes per token, one per CJK or other wide character. */
int prompt_estimate_tokens(const char *s, size_t len);
/* Copies s without invisible characters (tag characters, zero-width runs, bidi controls);
 * sets *found when any were removed. Caller frees. */
char *prompt_strip_hidden(const char *s, size_t len, bool *found);

#endif
