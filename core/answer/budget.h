/* budget.h - what fits into a model's context window: the one place the token arithmetic
 * of a prompt is done.
 *
 * The window holds the whole request: system prompt, question (and piped context), the
 * conversation's history, the numbered sources, and the answer the model may write. The
 * fixed part and room for the answer come first (the answer's room shrinks, down to a
 * quarter of the window, only when the question would not fit otherwise); then the history,
 * newest first, each turn only if every newer one is in, taking at most half of what is left
 * when the profile retrieves (history_half: passages answer the question, earlier turns only
 * frame it) and all of it when not; then sources best first, each only if every better one
 * is in, with the rest. Pure; any thread. */
#ifndef FN_BUDGET_H
#define FN_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

struct budget_parts {
	int window;            /* tokens of the whole request (prompt + answer) */
	int answer;            /* tokens wanted for the answer */
	int fixed;             /* system prompt + question + extra context + framing */
	const int *sources;    /* each source block's tokens, best first */
	size_t nsources;
	const int *history;    /* each earlier turn's tokens, newest first */
	size_t nhistory;
	bool history_half;     /* the history takes at most half of what is left */
};

struct budget_fit {
	size_t sources;        /* the best this many fit */
	size_t history;        /* the newest this many turns fit */
	int answer;            /* room left for the answer (<= parts.answer) */
	int prompt;            /* tokens of the prompt as fitted */
	int margin;            /* kept free for the chat template and counting error */
	int left;              /* for sources and history after the fixed part and the answer */
	int history_tokens;    /* of left, what the turns kept take */
	bool too_small;        /* the fixed part alone does not leave a quarter for the answer */
};

/* Tokens kept free in a window: the chat template's own tokens and the error of counting
 * parts apart (about 3 %, at least 16). */
int budget_margin(int window);
void budget_fit(const struct budget_parts *in, struct budget_fit *out);

#endif
