/* search.h - pieces shared by the lexical and vector retrievers (internal to index/): the
 * collection filter, and snippets; the heap and fusion are topk.h and fuse.h. Pure helpers;
 * any thread. */
#ifndef FN_SEARCH_H
#define FN_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "index/search/fuse.h"
#include "index/search/topk.h"

/* Which chunks a query may see: a bit per collection id (allow == NULL means all), and a
 * bit per file id below nfids (fids == NULL means all; filter_fids). Both must pass. */
struct sfilter {
	const unsigned char *allow;
	const unsigned char *fids;
	uint32_t nfids;
};
static inline int sfilter_on(const struct sfilter *f)
{
	return f->allow || f->fids;
}
static inline int sfilter_ok(const struct sfilter *f, uint16_t coll, uint32_t fid)
{
	return (!f->allow || (f->allow[coll >> 3] >> (coll & 7) & 1)) &&
	       (!f->fids || (fid < f->nfids && (f->fids[fid >> 3] >> (fid & 7) & 1)));
}

/* The file ids that pass every filter of f[0..nf) (idx.h idx_filter), as bits; NULL when no
 * filter is on (all pass). *nbits: one past the highest id set. Caller frees. */
#include <lmdb.h>
struct idx;
struct idx_filter;
unsigned char *filter_fids(MDB_txn *txn, struct idx *ix, const struct idx_filter *f, size_t nf, uint32_t *nbits);

/* A one-line excerpt of text (about width characters) around the densest cluster of the
 * query's terms, whitespace collapsed, "…" where cut. Caller frees. */
struct tokenizer;
char *snippet_make(struct tokenizer *t, const char *text, size_t len, const char *query,
		   size_t width);

#endif
