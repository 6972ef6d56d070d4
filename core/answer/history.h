/* history.h - the conversation before a question: which earlier turns a request carries.
 *
 * A front end lists its earlier turns as views (struct history_turn, oldest first: the
 * session's turns, see session_history in core/session/session.h); history_from copies the
 * ones a request may carry into a struct history the turn owns, so the session can change
 * or go while a request is prepared. prompt_build (core/answer/prompt.c) then keeps the
 * newest that fit its history budget and drops the older ones (prompt.c reads the struct
 * only: history.o uses prompt.o's token estimate, never the reverse, so no link cycle).
 *
 * Which turns count: a turn with a question and a non-empty answer. A compared question is
 * two turns with the same question in a row: the one answered by the asking profile stays,
 * else the first. Earlier answers lose their [n] markers: their sources are not resent (a
 * passage comes back only when retrieved again), and each answer numbers its own.
 *
 * Pure functions; any thread. Everything in a struct history is owned by it. */
#ifndef FN_HISTORY_H
#define FN_HISTORY_H

#include <stddef.h>

/* A view of one earlier turn; strings borrowed (NULL = none). */
struct history_turn {
	const char *question, *answer, *profile;
};

struct history_entry {
	char *question, *answer; /* the answer without its citation markers */
	int tokens;              /* estimated cost of both messages */
};
struct history {
	struct history_entry *v; /* oldest first */
	size_t n;
	size_t older;            /* turns that counted but were not copied (over max_tokens) */
};

/* Copies the turns of v[0..n) that count (see above), newest first while their cost stays
 * within max_tokens (<= 0: all of them), into *out, oldest first. profile names the asking
 * profile (NULL = none). O(turns copied) after one pass over v. */
void history_from(const struct history_turn *v, size_t n, const char *profile, int max_tokens,
		  struct history *out);
void history_free(struct history *h);

/* Text for a follow-up's search: the questions of the last `turns` entries, oldest first,
 * one per line. NULL when h has none. Caller frees. */
char *history_search_context(const struct history *h, size_t turns);

/* The answer with its citation markers ([1], [2, 3], [1-2], as core/answer/cite.h finds them:
 * not in code) removed. Caller frees. */
char *history_strip_markers(const char *answer);

#endif
