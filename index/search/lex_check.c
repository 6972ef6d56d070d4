/* lex_check.c - the postings' invariants for store_check (see lexical.h). */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "index/search/lexical.h"

struct tcount {
	void (*fn)(void *ctx, uint64_t id, uint32_t tf);
	void *ctx;
	uint64_t n, first;
};

static void on_count(void *p, uint64_t id, uint32_t tf)
{
	struct tcount *t = p;
	if (!t->n++)
		t->first = id;
	t->fn(t->ctx, id, tf);
}

/* One term's live postings through fn; *live: whether it has one. */
static int check_term(MDB_txn *txn, idx *ix, MDB_cursor *c, const char *term, size_t len, struct tcount *t,
		      int *live, char *err, size_t errlen)
{
	size_t hit = 0, ndead = 0;
	t->n = 0;
	int rc = lex_postings_dead(txn, ix, c, term, len, on_count, t, &hit, &ndead);
	if (rc == MDB_CORRUPTED) {
		snprintf(err, errlen, "bad postings segment for %.*s", (int)len, term);
		return IDX_ECORRUPT;
	}
	if (rc) {
		snprintf(err, errlen, "reading the postings of %.*s: %s", (int)len, term, mdb_strerror(rc));
		return IDX_EIO;
	}
	if (hit != ndead) {
		snprintf(err, errlen, "%zu of the %zu dead ids of %.*s are not in its postings", ndead - hit, ndead, (int)len,
			 term);
		return IDX_ECORRUPT;
	}
	*live = t->n > 0;
	return 0;
}

int lex_check(MDB_txn *txn, idx *ix, void (*fn)(void *ctx, uint64_t id, uint32_t tf), void *ctx,
	      uint64_t *nterms, char *err, size_t errlen)
{
	MDB_cursor *walk, *c;
	*nterms = 0;
	if (mdb_cursor_open(txn, ix->post, &walk))
		return IDX_EIO;
	if (mdb_cursor_open(txn, ix->post, &c)) {
		mdb_cursor_close(walk);
		return IDX_EIO;
	}
	struct tcount t = {fn, ctx, 0, 0};
	struct buf term = {0};
	MDB_val k, v;
	int rc = 0, got, live;
	/* post's terms, each with its fresh postings and dead ids */
	for (got = mdb_cursor_get(walk, &k, &v, MDB_FIRST); got == 0 && !rc;) {
		if (k.mv_size < 9 || ((const char *)k.mv_data)[k.mv_size - 9] != '\0') {
			snprintf(err, errlen, "bad postings key of %zu bytes", k.mv_size);
			rc = IDX_ECORRUPT;
			break;
		}
		term.len = 0;
		buf_add(&term, k.mv_data, k.mv_size - 9);
		if ((rc = check_term(txn, ix, c, term.p, term.len, &t, &live, err, errlen)))
			break;
		*nterms += live;
		buf_addc(&term, '\0');
		for (int i = 0; i < 8; i++)
			buf_addc(&term, (char)0xff);
		/* on to the next term: past term "\0" be64(max), itself a key only if a segment
		 * starts at id UINT64_MAX */
		MDB_val next = {term.len, term.p};
		got = mdb_cursor_get(walk, &next, &v, MDB_SET_RANGE);
		if (got == 0 && next.mv_size == term.len && memcmp(next.mv_data, term.p, term.len) == 0)
			got = mdb_cursor_get(walk, &next, &v, MDB_NEXT);
		k = next;
	}
	if (!rc && got && got != MDB_NOTFOUND) {
		snprintf(err, errlen, "reading the postings: %s", mdb_strerror(got));
		rc = IDX_EIO;
	}
	/* the terms post does not hold: fresh postings only, never dead ids */
	for (int db = 0; db < 2 && !rc; db++) {
		if (!(db ? ix->has_postd : ix->has_postf))
			continue;
		MDB_cursor *f;
		if (mdb_cursor_open(txn, db ? ix->postd : ix->postf, &f)) {
			rc = IDX_EIO;
			break;
		}
		for (got = mdb_cursor_get(f, &k, &v, MDB_FIRST); got == 0 && !rc; got = mdb_cursor_get(f, &k, &v, MDB_NEXT)) {
			uint64_t plast;
			int inpost = lex_term_last(c, k.mv_data, k.mv_size, &plast);
			if (inpost && inpost != MDB_NOTFOUND) {
				snprintf(err, errlen, "bad postings segment for %.*s", (int)k.mv_size, (char *)k.mv_data);
				rc = IDX_ECORRUPT;
			} else if (db == 1 && inpost) {
				snprintf(err, errlen, "dead ids for %.*s, which has no postings in post", (int)k.mv_size,
					 (char *)k.mv_data);
				rc = IDX_ECORRUPT;
			} else if (db == 0) {
				uint64_t fid = 0;
				if (lex_segment_first(v.mv_data, v.mv_size, &fid)) {
					snprintf(err, errlen, "bad fresh postings for %.*s", (int)k.mv_size, (char *)k.mv_data);
					rc = IDX_ECORRUPT;
				} else if (inpost == 0 && fid <= plast) {
					snprintf(err, errlen, "fresh postings for %.*s start at %llu, not above post's %llu",
						 (int)k.mv_size, (char *)k.mv_data, (unsigned long long)fid, (unsigned long long)plast);
					rc = IDX_ECORRUPT;
				} else if (inpost == MDB_NOTFOUND) {
					term.len = 0;
					buf_add(&term, k.mv_data, k.mv_size);
					rc = check_term(txn, ix, c, term.p, term.len, &t, &live, err, errlen);
					*nterms += !rc && live;
				}
			}
		}
		mdb_cursor_close(f);
	}
	buf_free(&term);
	mdb_cursor_close(c);
	mdb_cursor_close(walk);
	return rc;
}
