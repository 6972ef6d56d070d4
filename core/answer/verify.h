/* verify.h - after an answer: is each cited sentence backed by the passage it cites?
 *
 * The answer is split into sentences (markers after a sentence's full stop still belong to
 * it; code blocks are not sentences). Each cited sentence is checked against the text of
 * every source it cites: the share of its content terms (the index tokenizer's stems, no
 * stopwords) found in the passage, weighted towards rarer-looking terms. A citation holds
 * when that share reaches VERIFY_THRESHOLD. When the answer has no marker at all, each
 * sentence gets the source that supports it best, if one holds, marked auto-attached.
 * Grounding is the share of sentences with a citation that holds (attached ones count).
 *
 * Pure; any thread (each call makes its own tokenizer). Results are owned by the caller:
 * verify_free. */
#ifndef FN_VERIFY_H
#define FN_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer/cite.h"
#include "core/answer/prompt.h"

/* Chosen on the SciFact pairs in tests/data/verify_pairs.tsv (see verify.c for the figures;
 * tests/unit/test_verify.c recomputes them on a sample). */
#define VERIFY_THRESHOLD 0.59

enum verify_status {
	VERIFY_SUPPORTED,   /* cites a source that holds it */
	VERIFY_UNSUPPORTED, /* cites only sources that do not hold it, or numbers with no source */
	VERIFY_UNCITED,     /* no marker: model knowledge, as far as footnote can tell */
	VERIFY_ATTACHED,    /* no marker in the whole answer; verification attached a source */
};
/* "supported", "unsupported", "uncited", "auto-attached" */
const char *verify_status_name(int status);

struct verify_sentence {
	size_t start, len;          /* bytes of the answer, its markers included */
	int status;                 /* enum verify_status */
	int nsources;
	int sources[CITE_MAX_IDS];  /* the numbers it cites (or the one attached), in order */
	bool holds[CITE_MAX_IDS];   /* sources[i] exists and supports the sentence */
	double score;               /* best support among its sources (or all, when uncited), 0..1 */
};

struct verify_result {
	struct verify_sentence *v;  /* sentences with something to check: two content terms or a marker */
	size_t n;
	int supported;              /* sentences SUPPORTED or ATTACHED */
	int markers;                /* markers in the answer */
	int invalid;                /* cited numbers with no source */
	bool attached;              /* the answer had no marker; sources were attached */
	double grounding;           /* supported / n (0 when n is 0) */
};

/* Checks answer[0..len) against the sources of m (only their numbers and texts are read).
 * language is the index's stemmer language. Never NULL. */
struct verify_result *verify_answer(const char *answer, size_t len, const struct cite_map *m,
				    const char *language);
void verify_free(struct verify_result *r);
/* Sets each source's cited, verified and auto_attached flags from r. */
void verify_mark(const struct verify_result *r, struct cite_map *m);

/* How well passage supports claim, 0..1 (the score compared with VERIFY_THRESHOLD). */
struct idx_tokenizer;
double verify_support(struct idx_tokenizer *tok, const char *claim, size_t clen, const char *passage,
		      size_t plen);

/* What "[auto: N]" (the TUI) and "attached automatically" (`footnote ask`) mean, for help
 * texts and legends. */
#define VERIFY_AUTO_LEGEND "[auto: N] = source N was attached automatically: the answer had no " \
			   "citation marker, so the passage that best supports it is shown"

#endif
