/* rerank.h - the builtin second stage (internal to index/): idx_search reorders the fused
 * list's best top_n chunks (60 by default) by features of their text, no model.
 *
 * Per candidate, from its text and the query's (stemmed, stopwords dropped) terms:
 *   - first:  the first stage's rank, 1 for the best down to 1/top_n (c[].first only orders);
 *   - bm25:   BM25 recomputed from the text, over the best candidate's;
 *   - cos:    the cosine with the query vector (when there is one), min-max over candidates;
 *   - cover:  the query terms the chunk holds, weighted by IDF;
 *   - title:  the same over the chunk's heading and, for a file's first chunk, its first line;
 *   - bigram: the query's adjacent term pairs found in order, at most two words apart (the
 *             ordered window of sequential dependence models), weighted by the pair's IDF;
 *   - window: pairs found within eight words in any order (SDM's unordered window);
 *   - span:   how tightly the fewest words holding every matched term pack them;
 *   - prf:    BM25 of terms taken from the best few candidates (relevance feedback, as RM3
 *             does, but over the candidates only: no second search);
 *   - nbr:    BM25 with each query term's count smoothed with the rate the candidate's five
 *             nearest fellow candidates (by vector cosine) hold it at: document expansion
 *             over the candidates; plain BM25 when the search has no query vector.
 * The score is a weighted sum (rerank.c holds the weights and the figures they come from).
 * Pure over one read transaction; any thread. */
#ifndef FN_RERANK_H
#define FN_RERANK_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "index/store/store.h"

struct lex_stats;

struct tokenizer;

enum { RR_FIRST, RR_BM25, RR_COS, RR_COVER, RR_TITLE, RR_BIGRAM, RR_WINDOW, RR_SPAN, RR_PRF, RR_NBR, RR_NFEAT };

/* The weights of the features; idx_query.rerank_weights, when not NULL, replaces the
 * defaults (for tuning: tests/bench/sci_bench.c). top_n 0 = the default. */
struct idx_rerank_weights {
	double w[RR_NFEAT];
	size_t top_n;
};
const struct idx_rerank_weights *rerank_defaults(void);

struct rr_cand {
	uint64_t id;
	size_t slot;  /* the caller's: rerank_run carries it along */
	double first; /* the first stage's score */
	double score; /* out: the second stage's */
};

/* Rescores c[0..n) and sorts it best first (stable: equal scores keep the first stage's
 * order). context (or NULL): text whose terms count context_weight each, as in the lexical
 * search (idx_query.context); they form no pairs. qv is the query's unit vector of dim
 * floats, or NULL. Chunks it cannot read keep score -inf, last. */
void rerank_run(MDB_txn *txn, idx *ix, struct tokenizer *t, const char *query, const char *context,
		double context_weight, const float *qv, int dim, const struct idx_rerank_weights *w,
		struct lex_stats *st, struct rr_cand *c, size_t n);

#endif
