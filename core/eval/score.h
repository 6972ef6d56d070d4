/* score.h - an answer against its reference answer, as pure functions.
 *
 * Both texts are normalized as SQuAD's evaluation does (lower case, punctuation and the
 * articles a/an/the dropped, whitespace collapsed), after footnote's citation markers
 * ([1], [1, 2]) are removed from the answer. ASCII letters are folded; other bytes are kept
 * as they are, so a UTF-8 word matches itself.
 *
 *   token F1     the harmonic mean of the precision and the recall of the answer's tokens
 *                against the reference's, counted with multiplicity (SQuAD's f1_score).
 *   containment  1 when the normalized reference appears in the normalized answer, at token
 *                boundaries, else 0.
 *   judge        a judge model reads the question, the reference and the answer with the
 *                fixed rubric below and replies with one word first: CORRECT (1), PARTIAL
 *                (0.5) or INCORRECT (0).
 * Any thread. */
#ifndef FN_SCORE_H
#define FN_SCORE_H

#include <stddef.h>

/* Token F1 in 0..1; 0 when either text has no token (1 when both have none). */
double score_f1(const char *answer, const char *reference);
/* 1 or 0. */
double score_contains(const char *answer, const char *reference);

/* The judge's system prompt (static) and its user message (caller frees). */
const char *score_judge_rubric(void);
char *score_judge_prompt(const char *question, const char *reference, const char *answer);
/* The judge's reply -> 1, 0.5, 0; -1 when it is none of the three words. *verdict is the
 * static word ("correct", "partial", "incorrect", "unreadable"). */
double score_judge_verdict(const char *reply, const char **verdict);

#endif
