/* ivf_check.c - ivf_check: the IVF lists against the vectors, from scratch (see ivf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hmap.h"
#include "base/xmalloc.h"
#include "index/search/ivf.h"
#include "index/search/vector.h"

static int bad(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return IDX_ECORRUPT;
}

static uint64_t entries(MDB_txn *txn, MDB_dbi dbi)
{
	MDB_stat st;
	return mdb_stat(txn, dbi, &st) == 0 ? st.ms_entries : 0;
}

/* ivfa against vec and vbits: every vector has a list and the hash of its sign code; the
 * list of each id into lists (id -> list + 1). */
static int check_assign(MDB_txn *txn, idx *ix, int dim, const struct cents *c, struct u64map *lists,
			uint64_t *nvec, char *err, size_t errlen)
{
	size_t nw = vbits_words(dim);
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, ix->vec, &cur);
	if (rc)
		return bad(err, errlen, "cannot read the vectors");
	MDB_val k, v;
	uint64_t nblk = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 8 || v.mv_size != vec_block_size(dim))
			continue;
		uint64_t blk = be64_get(k.mv_data);
		const struct vec_hdr *vh = v.mv_data;
		MDB_val av, bv;
		struct ivfa_blk a;
		if (ivf_get_blk(txn, ix->ivfa, blk, &av) != 0 || av.mv_size != sizeof a) {
			rc = bad(err, errlen, "vector block %llu has no IVF assignments", (unsigned long long)blk);
			break;
		}
		memcpy(&a, av.mv_data, sizeof a);
		if (ivf_get_blk(txn, ix->vbits, blk, &bv) != 0 || bv.mv_size != vbits_block_size(dim)) {
			rc = bad(err, errlen, "vector block %llu has no sign codes", (unsigned long long)blk);
			break;
		}
		const struct vbits_hdr *bh = bv.mv_data;
		const uint64_t *w = (const uint64_t *)(const void *)((const unsigned char *)bv.mv_data + sizeof *bh);
		uint32_t live = 0;
		for (size_t j = 0; j < STORE_BLOCK && !rc; j++) {
			uint64_t id = blk * STORE_BLOCK + j;
			if (vh->scale[j] == 0) {
				if (a.s[j].list)
					rc = bad(err, errlen, "chunk %llu has no vector but is in IVF list %u",
						 (unsigned long long)id, a.s[j].list - 1);
				continue;
			}
			live++;
			if (!a.s[j].list || a.s[j].list > c->nlist + 1)
				rc = bad(err, errlen, "vector %llu is in no IVF list", (unsigned long long)id);
			else if (a.s[j].hash != ivf_code_hash(bh->fac[j], w + j * nw, nw))
				rc = bad(err, errlen, "vector %llu: its IVF entry is stale", (unsigned long long)id);
			else {
				int isnew;
				*u64map_put(lists, id, &isnew) = a.s[j].list;
			}
		}
		if (!rc && live != a.nlive)
			rc = bad(err, errlen, "IVF assignments of block %llu count %u, the block holds %u",
				 (unsigned long long)blk, a.nlive, live);
		if (rc)
			break;
		*nvec += live;
		nblk++;
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		return IDX_ECORRUPT;
	if (entries(txn, ix->ivfa) != nblk)
		return bad(err, errlen, "%llu IVF assignment blocks for %llu vector blocks",
			   (unsigned long long)entries(txn, ix->ivfa), (unsigned long long)nblk);
	return 0;
}

/* ivfl: each list's segments dense and numbered, each entry an id assigned to that list
 * (once) with the sign code of its vector. */
static int check_lists(MDB_txn *txn, idx *ix, int dim, const struct cents *c, const uint32_t *count,
		       struct u64map *lists, char *err, size_t errlen)
{
	size_t nw = vbits_words(dim), cap = c->cap, ssz = seg_size(cap, nw);
	uint64_t want_segs = 0;
	for (uint32_t l = 0; l <= c->nlist; l++) /* the fresh list too */
		want_segs += (count[l] + cap - 1) / cap;
	if (entries(txn, ix->ivfl) != want_segs)
		return bad(err, errlen, "%llu IVF list segments, the counts need %llu",
			   (unsigned long long)entries(txn, ix->ivfl), (unsigned long long)want_segs);
	for (uint32_t l = 0; l <= c->nlist; l++) {
		for (size_t s = 0; s * cap < count[l]; s++) {
			MDB_val sv;
			if (ivf_get_blk(txn, ix->ivfl, seg_key(l, (uint32_t)s), &sv) != 0 || sv.mv_size != ssz)
				return bad(err, errlen, "IVF list %u: segment %zu missing", l, s);
			unsigned char *seg = sv.mv_data;
			struct ivf_shdr h;
			memcpy(&h, seg, sizeof h);
			size_t m = count[l] - s * cap < cap ? count[l] - s * cap : cap;
			if (h.n != m || h.list != l)
				return bad(err, errlen, "IVF list %u: segment %zu holds %u entries, the count says %zu",
					   l, s, h.n, m);
			for (size_t e = 0; e < m; e++) {
				uint64_t id = seg_ids(seg)[e];
				size_t *at = u64map_get(lists, id);
				if (!at || *at != l + 1)
					return bad(err, errlen, "IVF list %u holds chunk %llu, %s", l, (unsigned long long)id,
						   !at ? "which has no vector or is listed twice" : "assigned to another list");
				*at = 0; /* seen: a second entry fails above */
				MDB_val bv;
				if (ivf_get_blk(txn, ix->vbits, id / STORE_BLOCK, &bv) != 0 || bv.mv_size != vbits_block_size(dim))
					return bad(err, errlen, "IVF list %u: chunk %llu has no sign code", l, (unsigned long long)id);
				const struct vbits_hdr *bh = bv.mv_data;
				const uint64_t *w = (const uint64_t *)(const void *)((const unsigned char *)bv.mv_data + sizeof *bh);
				size_t j = id % STORE_BLOCK;
				if (seg_fac(seg, cap)[e] != bh->fac[j] || memcmp(seg_words(seg, cap) + e * nw, w + j * nw, nw * 8))
					return bad(err, errlen, "IVF list %u: the sign code of chunk %llu is stale", l,
						   (unsigned long long)id);
			}
		}
	}
	return 0;
}

int ivf_check(MDB_txn *txn, idx *ix, int dim, char *err, size_t errlen)
{
	if (!ix->has_ivf || dim <= 0 || dim > 64 * 64)
		return 0;
	struct cents c;
	if (ivf_cents_load(txn, ix, dim, &c)) {
		MDB_val k = {1, (void *)"c"}, v;
		uint32_t magic = 0;
		if (mdb_get(txn, ix->ivfc, &k, &v) == 0 && v.mv_size >= 4)
			memcpy(&magic, v.mv_data, 4);
		if (magic != IVF_MAGIC && (magic & 0x00FFFFFFu) == (IVF_MAGIC & 0x00FFFFFFu))
			return 0; /* an older layout, unused: the next sync re-trains */
		if (entries(txn, ix->ivfc) || entries(txn, ix->ivfa) || entries(txn, ix->ivfl))
			return bad(err, errlen, "IVF lists without centroids for %d dimensions", dim);
		return 0;
	}
	struct ivf_nhdr nh;
	uint32_t *count = NULL;
	int rc = 0;
	if (c.cap != seg_cap(vbits_words(dim)) || ivf_counts_load(txn, ix, c.nlist, &nh, &count)) {
		ivf_cents_free(&c);
		return bad(err, errlen, "the IVF list counts are missing or not for its %u lists", c.nlist);
	}
	uint64_t sum = 0, nvec = 0;
	for (uint32_t l = 0; l <= c.nlist; l++)
		sum += count[l];
	struct u64map lists = {0};
	if (sum != nh.total)
		rc = bad(err, errlen, "the IVF lists count %llu entries in all, their lengths add up to %llu",
			 (unsigned long long)nh.total, (unsigned long long)sum);
	if (!rc)
		rc = check_assign(txn, ix, dim, &c, &lists, &nvec, err, errlen);
	if (!rc && nvec != sum)
		rc = bad(err, errlen, "%llu vectors, %llu IVF list entries", (unsigned long long)nvec,
			 (unsigned long long)sum);
	if (!rc)
		rc = check_lists(txn, ix, dim, &c, count, &lists, err, errlen);
	u64map_free(&lists);
	free(count);
	ivf_cents_free(&c);
	return rc;
}
