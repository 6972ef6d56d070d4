/* check.c - store_check: the index's invariants, verified from scratch (see store.h). Slow
 * (reads everything); for tests and diagnostics. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "base/hmap.h"
#include "index/search/lexical.h"
#include "index/store/store.h"
#include "index/search/ivf.h"
#include "index/search/vector.h"

struct chk {
	MDB_txn *txn;
	idx *ix;
	char *err;
	size_t errlen;
	int bad;
	uint64_t postings_bad;
	struct u64map *tf_sum; /* chunk id -> sum of tf over postings */
};

static int fail(struct chk *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct chk *c, const char *fmt, ...)
{
	if (!c->bad) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	c->bad = 1;
	return IDX_ECORRUPT;
}

static const struct cinfo *cinfo_of(struct chk *c, uint64_t id)
{
	unsigned char kb[8];
	be64_put(kb, id / STORE_BLOCK);
	MDB_val k = {8, kb}, v;
	if (mdb_get(c->txn, c->ix->cinfo, &k, &v) != 0 || v.mv_size != sizeof(struct cinfo_block))
		return NULL;
	return &((const struct cinfo_block *)v.mv_data)->c[id % STORE_BLOCK];
}

static void on_posting(void *ctx, uint64_t id, uint32_t tf)
{
	struct chk *c = ctx;
	const struct cinfo *ci = cinfo_of(c, id);
	if (!ci || !ci->live) {
		c->postings_bad++;
		return;
	}
	int isnew;
	*u64map_put(c->tf_sum, id, &isnew) += tf;
}

int store_check(idx *ix, char *err, size_t errlen)
{
	MDB_txn *txn;
	int rc = store_rtxn_begin(ix, &txn);
	if (rc)
		return store_err(rc);
	struct u64map tf = {0};
	struct chk c = {txn, ix, err, errlen, 0, 0, &tf};
	err[0] = '\0';
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t nfiles = 0, nchunks_files = 0, nbytes = 0;
	struct u64map owner = {0}; /* chunk id -> fid */
	/* files -> chunks */
	mdb_cursor_open(txn, ix->files, &cur);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !c.bad; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct file_rec fr;
		if (v.mv_size < sizeof fr) {
			fail(&c, "short file record");
			break;
		}
		memcpy(&fr, v.mv_data, sizeof fr);
		if (v.mv_size != sizeof fr + fr.nchunks * 8) {
			fail(&c, "file record size");
			break;
		}
		nfiles++;
		nbytes += fr.size;
		char *path = fid_path(txn, ix, fr.fid);
		if (!path || strlen(path) != k.mv_size || memcmp(path, k.mv_data, k.mv_size) != 0)
			fail(&c, "file id %u does not point back to %.*s", fr.fid, (int)k.mv_size, (char *)k.mv_data);
		free(path);
		for (uint32_t i = 0; i < fr.nchunks && !c.bad; i++) {
			uint64_t id;
			memcpy(&id, (const char *)v.mv_data + sizeof fr + i * 8, 8);
			struct chunk_rec cr;
			if (chunk_get(txn, ix, id, &cr, NULL, NULL) != 0) {
				fail(&c, "chunk %llu of %.*s missing", (unsigned long long)id, (int)k.mv_size, (char *)k.mv_data);
				break;
			}
			if (cr.fid != fr.fid)
				fail(&c, "chunk %llu names file %u, not %u", (unsigned long long)id, cr.fid, fr.fid);
			const struct cinfo *ci = cinfo_of(&c, id);
			if (!ci || !ci->live || ci->fid != fr.fid || ci->coll != fr.coll)
				fail(&c, "cinfo of chunk %llu wrong", (unsigned long long)id);
			int isnew;
			*u64map_put(&owner, id, &isnew) = fr.fid;
			if (!isnew)
				fail(&c, "chunk %llu listed twice", (unsigned long long)id);
			nchunks_files++;
		}
	}
	mdb_cursor_close(cur);
	/* chunks DB holds exactly the listed chunks */
	uint64_t nchunks = 0;
	mdb_cursor_open(txn, ix->chunks, &cur);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !c.bad; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		nchunks++;
		if (!u64map_get(&owner, be64_get(k.mv_data)))
			fail(&c, "chunk %llu belongs to no file", (unsigned long long)be64_get(k.mv_data));
	}
	mdb_cursor_close(cur);
	/* cinfo live slots and the vectors */
	uint64_t live = 0, totlen = 0, novec = 0;
	char emb[128];
	meta_str(txn, ix, "embedder", emb, sizeof emb);
	int dim = (int)meta_u64(txn, ix, "dim");
	mdb_cursor_open(txn, ix->cinfo, &cur);
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !c.bad; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const struct cinfo_block *b = v.mv_data;
		uint64_t blk = be64_get(k.mv_data);
		uint32_t n = 0;
		for (size_t j = 0; j < STORE_BLOCK; j++) {
			if (!b->c[j].live)
				continue;
			n++;
			uint64_t id = blk * STORE_BLOCK + j;
			if (!u64map_get(&owner, id))
				fail(&c, "live cinfo slot %llu has no chunk", (unsigned long long)id);
			totlen += b->c[j].len;
			/* Stored while the embedder failed: allowed, and counted as pending. */
			if (emb[0] && dim > 0 && !vec_has(txn, ix, id, dim))
				novec++;
		}
		if (n != b->nlive)
			fail(&c, "cinfo block %llu counts %u live, has %u", (unsigned long long)blk, b->nlive, n);
		live += n;
	}
	mdb_cursor_close(cur);
	/* postings */
	uint64_t nterms = 0;
	char why[200];
	if (!c.bad && lex_check(txn, ix, on_posting, &c, &nterms, why, sizeof why))
		fail(&c, "%s", why);
	if (!c.bad && c.postings_bad)
		fail(&c, "%llu postings name chunks that are not live", (unsigned long long)c.postings_bad);
	/* lengths = sum of tf */
	uint64_t tfsum = 0;
	for (size_t i = 0; i < tf.cap; i++)
		if (tf.used[i])
			tfsum += tf.vals[i];
	if (!c.bad) {
		uint64_t mfiles = meta_u64(txn, ix, "files"), mchunks = meta_u64(txn, ix, "chunks");
		uint64_t mtot = meta_u64(txn, ix, "totlen"), mterms = meta_u64(txn, ix, "terms");
		if (mfiles != nfiles)
			fail(&c, "meta files %llu, files DB %llu", (unsigned long long)mfiles, (unsigned long long)nfiles);
		else if (mchunks != nchunks || nchunks != nchunks_files || live != nchunks)
			fail(&c, "chunk counts differ: meta %llu, chunks DB %llu, file lists %llu, live %llu",
			     (unsigned long long)mchunks, (unsigned long long)nchunks,
			     (unsigned long long)nchunks_files, (unsigned long long)live);
		else if (mtot != totlen || tfsum != totlen)
			fail(&c, "lengths differ: meta %llu, cinfo %llu, postings %llu", (unsigned long long)mtot,
			     (unsigned long long)totlen, (unsigned long long)tfsum);
		else if (mterms != nterms)
			fail(&c, "meta terms %llu, postings hold %llu", (unsigned long long)mterms, (unsigned long long)nterms);
		else if (meta_u64(txn, ix, "bytes") != nbytes)
			fail(&c, "meta bytes differ");
		else if (meta_u64(txn, ix, "pending") != novec)
			fail(&c, "meta pending %llu, but %llu live chunks have no vector",
			     (unsigned long long)meta_u64(txn, ix, "pending"), (unsigned long long)novec);
	}
	/* the sign codes of the approximate search match their vectors */
	if (!c.bad && emb[0] && dim > 0) {
		if (vbits_check(txn, ix, dim, why, sizeof why) || ivf_check(txn, ix, dim, why, sizeof why))
			fail(&c, "%s", why);
	}
	u64map_free(&tf);
	u64map_free(&owner);
	store_rtxn_end(ix, txn);
	return c.bad ? IDX_ECORRUPT : 0;
}
