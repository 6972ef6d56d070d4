/* search.h - pieces shared by the lexical and vector retrievers (internal to index/): the
 * collection filter, and snippets; the heap and fusion are topk.h and fuse.h. Pure helpers;
 * any thread. */
#ifndef FN_SEARCH_H
#define FN_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "index/search/fuse.h"
#include "index/search/topk.h"

/* Which collections a query may see: a bit per collection id; allow == NULL means all. */
struct sfilter {
	const unsigned char *allow;
};
static inline int sfilter_ok(const struct sfilter *f, uint16_t coll)
{
	return !f->allow || (f->allow[coll >> 3] >> (coll & 7) & 1);
}

/* A one-line excerpt of text (about width characters) around the densest cluster of the
 * query's terms, whitespace collapsed, "…" where cut. Caller frees. */
struct tokenizer;
char *snippet_make(struct tokenizer *t, const char *text, size_t len, const char *query,
		   size_t width);

#endif
