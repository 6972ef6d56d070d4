/* extractive.h - the built-in answerer: with no model server, answer from the passages alone.
 *
 * The passages are read by their structure (core/answer/units.c): paragraphs split into
 * sentences, list items, option and key definitions ("--group-separator=SEP", "C-b d  Detach
 * the client"), table rows; headings, fenced and indented code, and questions are never
 * quoted, and no unit crosses a heading or a list item. Each unit is scored by the question's
 * terms it covers (rarer terms weigh more, the terms of its heading count for half), literal
 * matches of the question's code-like phrases ("C-b d", "--group-separator", `man-db`), the
 * rank of its passage and its length; units that only restate the question are left out.
 * Up to max_sentences are picked by maximal marginal relevance (a unit much like one already
 * picked loses what they share), best first, each quoted verbatim with its [n].
 *
 * Pure; any thread. */
#ifndef FN_EXTRACTIVE_H
#define FN_EXTRACTIVE_H

#include <stdbool.h>

#include "core/answer/prompt.h"

struct extractive {
	char *text;       /* the answer, caller frees */
	int passages;     /* distinct sources quoted */
	/* How much of the question the quotes cover: the IDF-weighted share of its terms and
	 * phrases found in the quoted units or their headings (half for a file name; a term no
	 * passage has weighs the most; "say", "explain" and their kind are not counted). A quote
	 * always supports itself, so this, not grounding, says whether the answer answers. */
	double relevance;
};

/* Fills out and returns true, or returns false (out->text NULL) when no unit shares a
 * meaningful term with the question. language is the index's stemmer language. */
bool extractive_answer(const char *question, const struct cite_map *m, const char *language,
		       int max_sentences, struct extractive *out);

#endif
