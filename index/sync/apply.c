/* apply.c - the write transaction of one batch (see apply.h). */
#include "index/sync/apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "index/search/lexical.h"
#include "index/search/vector.h"
#include "index/sync/fill.h"

struct deltas {
	int64_t files, chunks, totlen, bytes;
	uint64_t next_chunk, next_fid;
};

static int drop_chunk(struct pass *p, MDB_txn *txn, uint64_t id, struct deltas *d)
{
	struct chunk_rec cr;
	const char *text;
	int rc = chunk_get(txn, p->ix, id, &cr, NULL, &text);
	if (rc == 0)
		lex_del_chunk(p->lex, p->tok, id, text, cr.text_len);
	else if (rc != MDB_NOTFOUND)
		return rc;
	struct cinfo_block *b;
	struct cinfo *ci = pass_cinfo(p, txn, id, &b);
	if (ci->live) {
		ci->live = 0;
		b->nlive--;
		d->chunks--;
		d->totlen -= ci->len;
		/* A chunk that was waiting for its vector waits no more. */
		if (p->dim > 0 && !vec_has(txn, p->ix, id, p->dim))
			p->pending_delta--;
	}
	if (p->dim > 0)
		vec_clear(&p->vec, txn, id, p->dim);
	if (rc == 0) {
		unsigned char kb[8];
		be64_put(kb, id);
		MDB_val k = {8, kb};
		rc = mdb_del(txn, p->ix->chunks, &k, NULL);
	}
	return rc;
}

static int put_chunk(struct pass *p, MDB_txn *txn, uint64_t id, uint32_t fid, const struct chunk *c,
		     uint64_t hash)
{
	struct chunk_rec cr = {
		.byte_start = c->byte_start, .byte_end = c->byte_end, .hash = hash, .fid = fid,
		.line_start = c->line_start, .line_end = c->line_end, .page = c->page,
		.heading_len = (uint32_t)strlen(c->heading), .text_len = (uint32_t)strlen(c->text),
	};
	unsigned char kb[8];
	be64_put(kb, id);
	MDB_val k = {8, kb}, v = {sizeof cr + cr.heading_len + cr.text_len, NULL};
	int rc = mdb_put(txn, p->ix->chunks, &k, &v, MDB_RESERVE);
	if (rc)
		return rc;
	memcpy(v.mv_data, &cr, sizeof cr);
	memcpy((char *)v.mv_data + sizeof cr, c->heading, cr.heading_len);
	memcpy((char *)v.mv_data + sizeof cr + cr.heading_len, c->text, cr.text_len);
	return 0;
}

/* fids: fid -> "path" NUL "title" NUL "tags" NUL "date" (store.h fid_meta). meta NULL
 * keeps what the file had (a move). */
static int put_fid(struct pass *p, MDB_txn *txn, uint32_t fid, const char *path, const struct text_meta *meta)
{
	unsigned char kb[4] = {(unsigned char)(fid >> 24), (unsigned char)(fid >> 16),
			       (unsigned char)(fid >> 8), (unsigned char)fid};
	MDB_val k = {4, kb}, old;
	struct buf b = {0};
	buf_add(&b, path, strlen(path));
	if (meta && (meta->title[0] || meta->tags[0] || meta->date[0])) {
		buf_addc(&b, '\0');
		buf_add(&b, meta->title, strlen(meta->title) + 1);
		buf_add(&b, meta->tags, strlen(meta->tags) + 1);
		buf_add(&b, meta->date, strlen(meta->date));
	} else if (!meta && mdb_get(txn, p->ix->fids, &k, &old) == 0) {
		const char *nul = memchr(old.mv_data, '\0', old.mv_size);
		if (nul)
			buf_add(&b, nul, old.mv_size - (size_t)(nul - (const char *)old.mv_data));
	}
	MDB_val v = {b.len, b.p ? b.p : (void *)""};
	int rc = mdb_put(txn, p->ix->fids, &k, &v, 0);
	buf_free(&b);
	return rc;
}

static int del_fid(struct pass *p, MDB_txn *txn, uint32_t fid)
{
	unsigned char kb[4] = {(unsigned char)(fid >> 24), (unsigned char)(fid >> 16),
			       (unsigned char)(fid >> 8), (unsigned char)fid};
	MDB_val k = {4, kb};
	int rc = mdb_del(txn, p->ix->fids, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* The chunk ids of a file record point into the map, where the next write in the same
 * transaction may move them: work on a copy (caller frees). */
static uint64_t *ids_copy(const struct file_rec *fr, const unsigned char *ids)
{
	uint64_t *copy = xmalloc(((size_t)fr->nchunks + 1) * 8);
	memcpy(copy, ids, (size_t)fr->nchunks * 8);
	return copy;
}

static int remove_file(struct pass *p, MDB_txn *txn, const char *path, struct deltas *d)
{
	struct file_rec fr;
	const unsigned char *ids;
	int rc = files_get(txn, p->ix, path, &fr, &ids);
	if (rc)
		return rc == MDB_NOTFOUND ? 0 : rc;
	uint64_t *copy = ids_copy(&fr, ids);
	for (uint32_t i = 0; i < fr.nchunks && !rc; i++)
		rc = drop_chunk(p, txn, copy[i], d);
	free(copy);
	if (!rc)
		rc = del_fid(p, txn, fr.fid);
	MDB_val k = {strlen(path), (void *)path};
	if (!rc)
		rc = mdb_del(txn, p->ix->files, &k, NULL);
	d->files--;
	d->bytes -= (int64_t)fr.size;
	return rc;
}

static int index_file(struct pass *p, MDB_txn *txn, struct op *o, struct deltas *d)
{
	struct file_rec old;
	const unsigned char *oldids_p;
	int rc = files_get(txn, p->ix, o->path, &old, &oldids_p);
	if (rc && rc != MDB_NOTFOUND)
		return rc;
	bool had = rc == 0;
	uint64_t *oldids = NULL, *oldhash = NULL;
	bool *reused = NULL;
	size_t nold = had ? old.nchunks : 0;
	if (nold) {
		oldids = xmalloc(nold * 8);
		memcpy(oldids, oldids_p, nold * 8);
		oldhash = xmalloc(nold * 8);
		reused = xcalloc(nold, sizeof *reused);
		for (size_t i = 0; i < nold; i++) {
			struct chunk_rec cr;
			oldhash[i] = chunk_get(txn, p->ix, oldids[i], &cr, NULL, NULL) == 0 ? cr.hash : 0;
		}
	}
	uint16_t coll;
	rc = coll_id(txn, p->ix, o->coll, 1, &coll);
	uint32_t fid = had ? old.fid : (uint32_t)d->next_fid++;
	if (!rc)
		rc = put_fid(p, txn, fid, o->path, &o->meta);
	uint64_t *ids = xmalloc((o->chunks.n + 1) * 8);
	/* Unchanged chunks keep their id (and so their postings and vector); only positions
	 * are rewritten. One still waiting for its vector is asked for it again. */
	for (size_t i = 0; i < o->chunks.n && !rc; i++) {
		size_t j = 0;
		for (; j < nold; j++)
			if (!reused[j] && oldhash[j] == o->chash[i])
				break;
		if (j < nold) {
			reused[j] = true;
			ids[i] = oldids[j];
			rc = put_chunk(p, txn, ids[i], fid, &o->chunks.v[i], o->chash[i]);
			struct cinfo *ci = pass_cinfo(p, txn, ids[i], NULL);
			ci->coll = coll;
			if (!rc && p->dim > 0 && !vec_has(txn, p->ix, ids[i], p->dim))
				fill_want(p, ids[i], o->chunks.v[i].text, o->chash[i]);
		}
	}
	for (size_t j = 0; j < nold && !rc; j++)
		if (!reused[j])
			rc = drop_chunk(p, txn, oldids[j], d);
	for (size_t i = 0; i < o->chunks.n && !rc; i++) {
		size_t j = 0;
		for (; j < nold; j++)
			if (reused[j] && oldids[j] == ids[i] && oldhash[j] == o->chash[i])
				break;
		if (j < nold)
			continue;
		uint64_t id = d->next_chunk++;
		ids[i] = id;
		const struct chunk *c = &o->chunks.v[i];
		rc = put_chunk(p, txn, id, fid, c, o->chash[i]);
		uint32_t len = lex_add_chunk(p->lex, p->tok, id, c->text, strlen(c->text));
		struct cinfo_block *b;
		struct cinfo *ci = pass_cinfo(p, txn, id, &b);
		*ci = (struct cinfo){fid, len, coll, 1};
		b->nlive++;
		d->chunks++;
		d->totlen += len;
		if (p->dim > 0) {
			p->pending_delta++; /* until fill_embed_queued stages its vector */
			fill_want(p, id, c->text, o->chash[i]);
		}
	}
	if (!rc) {
		struct file_rec fr = {o->size, o->mtime, o->hash, fid, (uint32_t)o->chunks.n, coll, {0}};
		rc = files_put(txn, p->ix, o->path, &fr, ids);
		d->files += had ? 0 : 1;
		d->bytes += (int64_t)o->size - (had ? (int64_t)old.size : 0);
	}
	free(ids);
	free(oldids);
	free(oldhash);
	free(reused);
	return rc;
}

static int move_file(struct pass *p, MDB_txn *txn, struct op *o, struct deltas *d)
{
	struct file_rec fr;
	const unsigned char *idsp;
	int rc = files_get(txn, p->ix, o->from, &fr, &idsp);
	if (rc)
		return rc;
	uint64_t *ids = ids_copy(&fr, idsp);
	uint16_t coll;
	rc = coll_id(txn, p->ix, o->coll, 1, &coll);
	if (!rc && coll != fr.coll)
		for (uint32_t i = 0; i < fr.nchunks; i++)
			pass_cinfo(p, txn, ids[i], NULL)->coll = coll;
	MDB_val k = {strlen(o->from), o->from};
	if (!rc)
		rc = mdb_del(txn, p->ix->files, &k, NULL);
	/* The target may hold an older file of its own: it is replaced. */
	if (!rc)
		rc = remove_file(p, txn, o->path, d);
	d->bytes += (int64_t)o->size - (int64_t)fr.size;
	fr.size = o->size;
	fr.mtime_ns = o->mtime;
	fr.coll = coll;
	if (!rc)
		rc = files_put(txn, p->ix, o->path, &fr, ids);
	if (!rc)
		rc = put_fid(p, txn, fr.fid, o->path, NULL);
	free(ids);
	return rc;
}

static int touch_meta(struct pass *p, MDB_txn *txn, struct op *o, struct deltas *d)
{
	struct file_rec fr;
	const unsigned char *ids;
	int rc = files_get(txn, p->ix, o->path, &fr, &ids);
	if (rc)
		return rc;
	uint64_t *copy = ids_copy(&fr, ids);
	d->bytes += (int64_t)o->size - (int64_t)fr.size;
	fr.size = o->size;
	fr.mtime_ns = o->mtime;
	rc = files_put(txn, p->ix, o->path, &fr, copy);
	free(copy);
	return rc;
}

static int apply_batch(MDB_txn *txn, void *arg)
{
	struct pass *p = arg;
	idx *ix = p->ix;
	lex_batch_reset(p->lex);
	stage_reset(&p->cinfo);
	stage_reset(&p->vec);
	p->nemb = 0;
	p->pending_delta = 0;
	struct deltas d = {0};
	d.next_chunk = meta_u64(txn, ix, "next_chunk");
	d.next_fid = meta_u64(txn, ix, "next_fid");
	int rc = 0;
	for (size_t i = 0; i < p->nops && !rc; i++) {
		struct op *o = &p->ops[i];
		switch (o->kind) {
		case OP_INDEX:
			rc = index_file(p, txn, o, &d);
			break;
		case OP_META:
			rc = touch_meta(p, txn, o, &d);
			break;
		case OP_MOVE:
			rc = move_file(p, txn, o, &d);
			break;
		case OP_DELETE:
			rc = remove_file(p, txn, o->path, &d);
			break;
		}
	}
	if (!rc)
		rc = fill_embed_queued(p, txn);
	if (!rc)
		rc = lex_batch_apply(p->lex, txn, ix);
	if (!rc)
		rc = stage_flush(&p->cinfo, txn);
	if (!rc && p->dim > 0)
		rc = stage_flush(&p->vec, txn);
	if (!rc && p->dim > 0)
		rc = vbits_update(txn, p->ix, &p->vec, p->dim);
	if (!rc)
		rc = meta_put_u64(txn, ix, "next_chunk", d.next_chunk);
	if (!rc)
		rc = meta_put_u64(txn, ix, "next_fid", d.next_fid);
	if (!rc)
		rc = meta_add(txn, ix, "files", d.files);
	if (!rc)
		rc = meta_add(txn, ix, "chunks", d.chunks);
	if (!rc)
		rc = meta_add(txn, ix, "totlen", d.totlen);
	if (!rc)
		rc = meta_add(txn, ix, "bytes", d.bytes);
	if (!rc && p->pending_delta)
		rc = meta_add(txn, ix, "pending", p->pending_delta);
	if (!rc)
		rc = meta_add(txn, ix, "gen", 1);
	if (!rc) {
		p->generation = meta_u64(txn, ix, "gen");
		p->chunks_total = meta_u64(txn, ix, "chunks");
		p->files_indexed = meta_u64(txn, ix, "files");
		p->pending = meta_u64(txn, ix, "pending");
	}
	return rc;
}

int apply_flush(struct pass *p)
{
	if (!p->nops)
		return 0;
	u64map_clear(&p->embmap);
	p->nembcache = 0;
	/* apply_batch reads the totals inside its txn; when the commit fails (a full disk),
	 * the events must carry what is committed, not what was not. */
	struct pass_totals was = pass_totals_get(p);
	int rc = store_write(p->ix, apply_batch, p);
	if (rc)
		pass_totals_set(p, was);
	for (size_t i = 0; i < p->nops; i++) {
		struct op *o = &p->ops[i];
		p->files_done++;
		if (rc) {
			char msg[512];
			snprintf(msg, sizeof msg, "not written: %s", p->err ? p->errmsg : idx_strerror(store_err(rc)));
			pass_emit(p, IDX_EV_FILE, IDX_FILE_FAILED, o->path, msg);
		} else {
			if (o->state == IDX_FILE_INDEXED || o->state == IDX_FILE_MOVED)
				p->bytes_done += o->size;
			pass_emit(p, IDX_EV_FILE, o->state, o->path, o->msg);
		}
		pass_free_op(o);
	}
	p->nops = 0;
	p->batch_chunks = 0;
	p->batch_bytes = 0;
	if (rc) {
		rc = store_err(rc);
		if (!p->err) {
			char msg[300];
			snprintf(msg, sizeof msg, "writing the index failed: %s", idx_strerror(rc));
			pass_error(p, rc, msg);
		}
		return rc;
	}
	pass_emit(p, IDX_EV_PROGRESS, IDX_FILE_INDEXED, NULL, NULL);
	return 0;
}
