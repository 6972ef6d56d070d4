/* idx_files.c - the indexed files and their chunks as the public API gives them (see idx.h):
 * for `footnote mcp`'s resources and get_source, and anything else that reads the index by
 * file rather than by query. */
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "index/idx.h"
#include "index/store/store.h"

static void info_fill(MDB_txn *txn, idx *ix, const char *path, size_t plen, const struct file_rec *fr,
		      struct idx_file_info *out)
{
	char coll[256] = "";
	coll_name(txn, ix, fr->coll, coll, sizeof coll);
	out->path = xstrndup(path, plen);
	out->collection = xstrdup(coll);
	out->size = fr->size;
	out->mtime_ns = fr->mtime_ns;
	out->content_hash = fr->hash;
	out->nchunks = fr->nchunks;
}

void idx_file_info_clear(struct idx_file_info *f)
{
	free(f->path);
	free(f->collection);
	memset(f, 0, sizeof *f);
}

int idx_files_each(idx *ix, int (*fn)(void *ctx, const struct idx_file_info *f), void *ctx)
{
	if (!ix || !fn)
		return IDX_EINVAL;
	MDB_txn *txn;
	int rc = store_rtxn_begin(ix, &txn);
	if (rc)
		return store_err(rc);
	MDB_cursor *cur;
	rc = mdb_cursor_open(txn, ix->files, &cur);
	if (rc) {
		store_rtxn_end(ix, txn);
		return store_err(rc);
	}
	MDB_val k, v;
	int stop = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !stop;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct file_rec fr;
		if (v.mv_size < sizeof fr)
			continue;
		memcpy(&fr, v.mv_data, sizeof fr);
		struct idx_file_info f;
		info_fill(txn, ix, k.mv_data, k.mv_size, &fr, &f);
		stop = fn(ctx, &f);
		idx_file_info_clear(&f);
	}
	mdb_cursor_close(cur);
	store_rtxn_end(ix, txn);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_err(rc);
}

int idx_file_chunks(idx *ix, const char *path, struct idx_file_info *info, struct idx_hits *out)
{
	if (!ix || !path || !out)
		return IDX_EINVAL;
	memset(out, 0, sizeof *out);
	if (info)
		memset(info, 0, sizeof *info);
	MDB_txn *txn;
	int rc = store_rtxn_begin(ix, &txn);
	if (rc)
		return store_err(rc);
	struct file_rec fr;
	const unsigned char *ids;
	rc = files_get(txn, ix, path, &fr, &ids);
	if (rc) {
		store_rtxn_end(ix, txn);
		return rc == MDB_NOTFOUND ? IDX_ENOTFOUND : store_err(rc);
	}
	struct idx_file_info fi;
	info_fill(txn, ix, path, strlen(path), &fr, &fi);
	out->v = xcalloc(fr.nchunks ? fr.nchunks : 1, sizeof *out->v);
	for (uint32_t i = 0; i < fr.nchunks; i++) {
		uint64_t id;
		memcpy(&id, ids + (size_t)i * 8, 8);
		struct chunk_rec cr;
		const char *heading, *text;
		if (chunk_get(txn, ix, id, &cr, &heading, &text) != 0)
			continue;
		struct idx_hit *h = &out->v[out->n++];
		h->path = xstrdup(fi.path);
		h->collection = xstrdup(fi.collection);
		h->chunk = id;
		h->line_start = cr.line_start;
		h->line_end = cr.line_end;
		h->page = cr.page;
		h->heading = xstrndup(heading, cr.heading_len);
		h->text = xstrndup(text, cr.text_len);
		h->snippet = xstrdup("");
		h->content_hash = fr.hash;
	}
	store_rtxn_end(ix, txn);
	if (info)
		*info = fi;
	else
		idx_file_info_clear(&fi);
	return 0;
}
