/* extractive.h - the built-in answerer: with no model server, answer from the passages alone.
 *
 * It picks the few sentences of the retrieved passages that best cover the question
 * (sentence-level lexical scoring with the index's tokenizer, near-duplicates skipped) and
 * puts each one's [n] after it. Pure; any thread. */
#ifndef FN_EXTRACTIVE_H
#define FN_EXTRACTIVE_H

#include "core/answer/prompt.h"

/* Returns the answer (caller frees), or NULL when no sentence shares a meaningful term with
 * the question. language is the index's stemmer language. */
char *extractive_answer(const char *question, const struct cite_map *m, const char *language,
			int max_sentences);

#endif
