/* lexical.h - BM25 postings in LMDB (internal to index/).
 *
 * A term's postings are segments in the `post` DB, key = term "\0" be64(first chunk id),
 * value = u32 count, u64 first, u64 last, then (delta chunk id, tf) varint pairs, deltas
 * from the previous id (the first from `first`). New chunk ids only grow, so a term's newest
 * postings always go at its end; a segment closes at about one page. BM25 stats live in
 * meta: "chunks" (N) and "totlen" (sum of chunk lengths in tokens); a chunk's own length is
 * in cinfo.
 *
 * The fresh postings: a batch's new postings go into `postf` (key = term, value = one
 * segment of the same encoding, every id above the term's ids in post), not onto the end of
 * each term's last segment in post. Those last segments are spread over all of post's
 * pages (at 1M chunks a file of 1,000 chunks has 15,000 distinct terms and rewrote 77 MB of
 * them); postf's entries are small and packed together, so a sync rewrites a few of its
 * pages. When postf holds more than 1/16 of post's pages (and more than 256), that batch's
 * txn appends each fresh term's postings to its post segments and empties postf: the cost of
 * one old-style sync, once per many syncs. A term's postings are post's segments then its
 * postf entry, in id order.
 *
 * The dead ids: deleting a chunk whose postings are in post does not rewrite the segment
 * holding it under each of its terms (a 1,000-chunk file of the first build: 91 MB at 1M);
 * its id joins the term's entry in `postd` (term -> dead ids, same encoding, tf 0), packed
 * like postf. Readers skip those ids and lex_df subtracts them, so every score is what a
 * clean build gives; the merge above first takes them out of post (postd's pages count
 * toward its trigger). Ids never return (they only grow), so a dead id stays dead. Deleting
 * a chunk whose postings are in postf rewrites that small entry. This relies on a chunk's
 * deletion naming exactly the terms its indexing did (the same tokenizer: an index refuses
 * another language), as post_delete did not: it ignored an id it did not find.
 *
 * A write batch collects its changes in a struct lex_batch (not thread-safe; the writer's)
 * and applies them once per term at the end of the batch. */
#ifndef FN_LEXICAL_H
#define FN_LEXICAL_H

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "base/hmap.h"
#include "index/search/search.h"
#include "index/store/store.h"
#include "index/text/text.h"

struct lex_batch;
struct lex_batch *lex_batch_new(void);
void lex_batch_reset(struct lex_batch *b);
void lex_batch_free(struct lex_batch *b);
/* Records the postings of a new chunk (ids must grow from call to call and exceed every id
 * already in the index). Returns the chunk's length in tokens. */
uint32_t lex_add_chunk(struct lex_batch *b, struct tokenizer *t, uint64_t id, const char *text,
		       size_t len);
/* Records the removal of a chunk indexed with this text. */
void lex_del_chunk(struct lex_batch *b, struct tokenizer *t, uint64_t id, const char *text,
		   size_t len);
/* Writes the batch into txn, keeping meta "terms" current. */
int lex_batch_apply(struct lex_batch *b, MDB_txn *txn, idx *ix);

/* Fresh postings (tests, benchmark; not thread-safe): pages < 0 the rule above, 0 none (new
 * postings straight into post, as before postf existed; postf and postd are merged
 * first), n > 0 merge when postf and postd hold more than n pages. Until it is called, FN_FRESH_PAGES from the
 * environment sets it the same way (the crash tests). */
void lex_set_fresh(long pages);

/* Decodes one segment value; calls fn for each posting. Returns -1 when malformed. */
int lex_segment_each(const void *val, size_t len,
		     void (*fn)(void *ctx, uint64_t id, uint32_t tf), void *ctx);

/* Calls fn for each posting of term in id order (post's segments through cursor c, opened on
 * post in txn, then its postf entry). 0, MDB_CORRUPTED for a malformed segment, or an LMDB
 * error. */
int lex_postings(MDB_txn *txn, idx *ix, MDB_cursor *c, const char *term, size_t len,
		 void (*fn)(void *ctx, uint64_t id, uint32_t tf), void *ctx);
/* lex_postings, also saying how many of the term's dead ids (postd) post held (*hit, may be
 * NULL) of how many (*ndead): store_check. */
int lex_postings_dead(MDB_txn *txn, idx *ix, MDB_cursor *c, const char *term, size_t len,
		      void (*fn)(void *ctx, uint64_t id, uint32_t tf), void *ctx, size_t *hit, size_t *ndead);
/* The postings' invariants (lex_check.c): every segment well formed, a term's fresh
 * postings above its post ones, its dead ids all in post; fn is called for every live
 * posting, *nterms counts the terms with one. 0, or IDX_ECORRUPT with the reason in err. */
int lex_check(MDB_txn *txn, idx *ix, void (*fn)(void *ctx, uint64_t id, uint32_t tf), void *ctx,
	      uint64_t *nterms, char *err, size_t errlen);
/* The last id of term in post (cursor c on post): 0, or MDB_NOTFOUND when post has none. */
int lex_term_last(MDB_cursor *c, const char *term, size_t len, uint64_t *last);
/* The first id of a segment value: 0, or -1 when malformed or empty. */
int lex_segment_first(const void *val, size_t len, uint64_t *first);
/* Number of chunks holding term. */
uint64_t lex_df(MDB_txn *txn, idx *ix, const char *term, size_t len);

/* A query term's weight, everywhere a query is weighed (BM25 here and in the reranker, the
 * builtin embedder's query words): BM25's IDF over n chunks, times the square root of the
 * term's burstiness cf / df (its occurrences per chunk holding it, at most LEX_BURST_MAX).
 * Content words come in bursts where they occur ("macrophage" 3.1 per abstract of SciFact,
 * "cell" 4.5) while the words a question is phrased with spread thin ("increase" 1.8,
 * "cause" 1.4), which IDF alone cannot tell apart: Church and Gale, "Poisson mixtures"
 * (1995). Measured in rerank.c. cf 0 (unknown) leaves the IDF alone. */
#define LEX_BURST_MAX 8.0
double lex_weight(double n, double df, double cf);

/* A query's term statistics, read once: lex_search records each term's df and cf as it
 * reads the postings, and the stages after it look them up (reading a term's postings when
 * lex_search did not). One query, one thread; free with lex_stats_free. */
struct lex_stats {
	struct strmap m;
	double *df, *cf;
	size_t n, capd, capc;
};
/* Term's df and cf, from st when it has them (st may be NULL), else from its postings. */
void lex_stat(MDB_txn *txn, idx *ix, struct lex_stats *st, const char *term, size_t len,
	      double *df, double *cf);
void lex_stats_free(struct lex_stats *st);

/* A query and optional context text whose terms count context_weight each (the query's
 * own count 1): a follow-up question and the conversation before it. */
struct lex_query {
	const char *text;
	const char *context;   /* NULL = none */
	double context_weight; /* <= 0: the context is ignored */
};
/* BM25 (k1 1.2, b 0.75) over the query's terms, each term's lex_weight times its weight in
 * the query; the best k chunks allowed by f, best first (caller frees *out). Stopwords are
 * dropped from the query unless it has nothing else. The terms read are recorded in st (may
 * be NULL). */
int lex_search(MDB_txn *txn, idx *ix, struct tokenizer *t, const struct lex_query *lq,
	       const struct sfilter *f, size_t k, struct lex_stats *st, struct scored **out,
	       size_t *nout);

#endif
