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
	int tokens;            /* estimate of the whole prompt */
};
void prompt_free(struct prompt *p);

struct prompt_opts {
	const char *system_prompt;  /* the profile's, "" or NULL = footnote's */
	bool retrieval;             /* sources are expected (the retrieval prompt) */
	int context_tokens;         /* budget for the whole prompt */
	int answer_tokens;          /* kept free for the answer */
	const char *extra_context;  /* piped stdin, or NULL */
	const struct history *history; /* earlier turns (core/answer/history.h), or NULL; must
				     * outlive the prompt */
};

/* Builds the prompt for question from hits (best first) and the conversation so far. The
 * system prompt, the question and room for the answer come first; of what is left, the
 * earlier turns may take half when the profile retrieves (all of it when not), newest kept
 * first, and the sources get the rest. Hits that do not fit go to map->dropped,
 * lowest-ranked first; turns that do not fit are counted in history_dropped, oldest first.
 * prompt_budget is that arithmetic, in one place. */
void prompt_build(const char *question, const struct idx_hits *hits, const struct prompt_opts *o,
		  struct prompt *out, struct cite_map *map);

/* The budget of one prompt: free = what is left for earlier turns and sources once the
 * fixed parts (fixed_tokens: system prompt, question, context) and the answer are counted;
 * history = the most the earlier turns may take of it. */
struct prompt_budget {
	int free, history;
};
struct prompt_budget prompt_budget(const struct prompt_opts *o, int fixed_tokens);

/* A rough token count: about 4 ASCII bytes per token, one per CJK or other wide character. */
int prompt_estimate_tokens(const char *s, size_t len);
/* Copies s without invisible characters (tag characters, zero-width runs, bidi controls);
 * sets *found when any were removed. Caller frees. */
char *prompt_strip_hidden(const char *s, size_t len, bool *found);

#endif
