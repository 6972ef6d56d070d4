/* embed_builtin.h - the builtin embedder's feature function, for search (internal).
 *
 * A query for an index built with the builtin embedder is embedded with each word's
 * features scaled by weight(word) (search passes the word's IDF from the postings), so the
 * dot product favours rare words the way BM25 does; chunks stay unweighted. Pure. */
#ifndef FN_EMBED_BUILTIN_H
#define FN_EMBED_BUILTIN_H

#include <stddef.h>

/* out[384], L2-normalised; weight NULL = 1 for every word, <= 0 drops the word. */
void embed_builtin_weighted(const char *text, float *out,
			    float (*weight)(void *ctx, const char *word, size_t len), void *ctx);

#endif
