/* embed_builtin.h - the builtin embedder's feature function and its search-time settings,
 * for search.c (internal).
 *
 * A query for an index built with the builtin embedder is embedded with each word's
 * features scaled by weight(word) (search passes lex_weight, IDF times burstiness), so the
 * dot product favours rare words the way BM25 does; chunks stay unweighted. Its ranking is
 * a noisier copy of BM25's, so search also adds the vectors of the best lexical hits to the
 * query (pseudo-relevance feedback: it finds chunks like the best matches, which BM25 alone
 * does not) and trusts it less in the fusion. The figures behind these numbers are in
 * embed_builtin.c. */
#ifndef FN_EMBED_BUILTIN_H
#define FN_EMBED_BUILTIN_H

#include <stddef.h>

#define EMBED_BUILTIN_DIM 384
/* Hybrid search multiplies the query's w_vector by this with the builtin embedder. */
#define EMBED_BUILTIN_FUSION 0.5
/* How many of the best lexical hits' vectors are added to the query vector (the n-th with
 * weight 1/n; their sum, normalised, weighs as much as the query's own vector). */
#define EMBED_BUILTIN_FEEDBACK 10

struct tokenizer;
/* Fills out[EMBED_BUILTIN_DIM], L2-normalised. t must be tok_new("english") (the stems are
 * part of the embedding, whatever the index's language); one per thread. weight NULL = 1
 * for every word; it gets the word as written in text; <= 0 drops the word. */
void embed_builtin_weighted(struct tokenizer *t, const char *text, float *out,
			    float (*weight)(void *ctx, const char *word, size_t len), void *ctx);

#endif
