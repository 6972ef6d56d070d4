/* fill.c - embedding a pass's chunks, and filling in pending vectors (see fill.h). */
#include "index/sync/fill.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "index/search/ivf.h"
#include "index/search/vector.h"

#define FILL_BATCH 1024

void fill_want(struct pass *p, uint64_t id, const char *text, uint64_t hash)
{
	p->emb_ids = xgrow(p->emb_ids, &p->capemb, p->nemb + 1, sizeof *p->emb_ids);
	p->emb_texts = xgrow(p->emb_texts, &p->capembt, p->nemb + 1, sizeof *p->emb_texts);
	p->emb_hash = xgrow(p->emb_hash, &p->capembh, p->nemb + 1, sizeof *p->emb_hash);
	p->emb_ids[p->nemb] = id;
	p->emb_texts[p->nemb] = text;
	p->emb_hash[p->nemb++] = hash;
}

/* The embedder failed: the rest of this pass stores chunks without vectors. */
static void embedder_down(struct pass *p, const char *why)
{
	p->emb_down = true;
	snprintf(p->emb_error, sizeof p->emb_error, "%s", why);
	char msg[600];
	snprintf(msg, sizeof msg, "embedder %s failed: %s; the chunks are stored and searchable by "
		 "their words, their vectors are filled in when the embedder answers again",
		 p->emb->id, why);
	pass_error(p, IDX_EEMBED, msg);
}

int fill_embed_queued(struct pass *p, MDB_txn *txn)
{
	if (!p->emb || p->dim <= 0 || !p->nemb)
		return 0;
	size_t bs = p->emb->batch ? p->emb->batch : 32;
	const char **texts = xmalloc(bs * sizeof *texts);
	uint64_t *hashes = xmalloc(bs * sizeof *hashes);
	float *out = xmalloc(bs * (size_t)p->dim * sizeof *out);
	int rc = 0;
	size_t i = 0;
	while (i < p->nemb && !rc && !p->emb_down) {
		size_t n = 0;
		for (; i < p->nemb && n < bs; i++) {
			if (u64map_get(&p->embmap, p->emb_hash[i]))
				continue;
			bool dup = false;
			for (size_t j = 0; j < n; j++)
				dup |= hashes[j] == p->emb_hash[i];
			if (dup)
				continue;
			texts[n] = p->emb_texts[i];
			hashes[n++] = p->emb_hash[i];
		}
		if (!n)
			break;
		char err[256] = "";
		int erc = p->emb->embed(p->emb->ctx, texts, n, out, err, sizeof err);
		if (erc == IDX_EDIM) {
			rc = IDX_EDIM;
			char msg[400];
			snprintf(msg, sizeof msg, "embedder %s failed: %s; nothing of this batch was written",
				 p->emb->id, err[0] ? err : idx_strerror(rc));
			pass_error(p, rc, msg);
			break;
		}
		if (erc) {
			embedder_down(p, err[0] ? err : idx_strerror(IDX_EEMBED));
			break;
		}
		for (size_t j = 0; j < n; j++) {
			if (vec_normalize(out + j * (size_t)p->dim, p->dim)) {
				embedder_down(p, "the embedder returned NaN or infinite values");
				break;
			}
			int isnew;
			size_t *row = u64map_put(&p->embmap, hashes[j], &isnew);
			p->embcache = xgrow(p->embcache, &p->capembcache, (p->nembcache + 1) * (size_t)p->dim,
					    sizeof *p->embcache);
			memcpy(p->embcache + p->nembcache * (size_t)p->dim, out + j * (size_t)p->dim,
			       (size_t)p->dim * sizeof *out);
			*row = p->nembcache++;
		}
	}
	for (size_t j = 0; j < p->nemb && !rc; j++) {
		size_t *row = u64map_get(&p->embmap, p->emb_hash[j]);
		if (row) {
			vec_set(&p->vec, txn, p->emb_ids[j], p->embcache + *row * (size_t)p->dim, p->dim);
			p->pending_delta--;
		}
	}
	free(texts);
	free(hashes);
	free(out);
	return rc;
}

static int set_embedder(MDB_txn *txn, void *arg)
{
	struct pass *p = arg;
	int rc = mdb_drop(txn, p->ix->vec, 0);
	if (!rc)
		rc = mdb_drop(txn, p->ix->vbits, 0);
	if (!rc)
		rc = ivf_drop(txn, p->ix);
	if (!rc)
		rc = meta_put_u64(txn, p->ix, "vbits", 1);
	if (!rc)
		rc = meta_put_str(txn, p->ix, "embedder", p->emb->id);
	if (!rc)
		rc = meta_put_u64(txn, p->ix, "dim", (uint64_t)p->emb->dim);
	/* Every vector is gone: every chunk waits for one. */
	if (!rc)
		rc = meta_put_u64(txn, p->ix, "pending", meta_u64(txn, p->ix, "chunks"));
	if (!rc)
		rc = meta_add(txn, p->ix, "gen", 1);
	return rc;
}

int fill_check_embedder(struct pass *p)
{
	if (!p->emb)
		return 0;
	MDB_txn *txn;
	int rc = store_rtxn_begin(p->ix, &txn);
	if (rc)
		return store_err(rc);
	char id[128];
	meta_str(txn, p->ix, "embedder", id, sizeof id);
	uint64_t dim = meta_u64(txn, p->ix, "dim");
	uint64_t chunks = meta_u64(txn, p->ix, "chunks");
	store_rtxn_end(p->ix, txn);
	if (strcmp(id, p->emb->id) == 0 && dim == (uint64_t)p->emb->dim)
		return 0;
	if (id[0] && chunks) {
		char msg[400];
		snprintf(msg, sizeof msg, "the embedder changed from %s (%llu dims) to %s (%d dims): re-embedding all %llu chunks",
			 id, (unsigned long long)dim, p->emb->id, p->emb->dim, (unsigned long long)chunks);
		pass_emit(p, IDX_EV_NOTICE, IDX_FILE_QUEUED, NULL, msg);
	}
	return store_err(store_write(p->ix, set_embedder, p));
}

struct fill {
	struct pass *p;
	uint64_t *ids;
	size_t n;
};

static int apply_fill(MDB_txn *txn, void *arg)
{
	struct fill *f = arg;
	struct pass *p = f->p;
	stage_reset(&p->vec);
	p->nemb = 0;
	p->pending_delta = 0;
	int rc = 0;
	for (size_t i = 0; i < f->n && !rc; i++) {
		struct chunk_rec cr;
		const char *text;
		rc = chunk_get(txn, p->ix, f->ids[i], &cr, NULL, &text);
		if (rc)
			break;
		/* The embedder wants NUL-terminated text; the map's copy is not. */
		fill_want(p, f->ids[i], xstrndup(text, cr.text_len), cr.hash);
	}
	if (!rc)
		rc = fill_embed_queued(p, txn);
	for (size_t i = 0; i < p->nemb; i++)
		free((char *)p->emb_texts[i]);
	p->nemb = 0;
	if (!rc)
		rc = stage_flush(&p->vec, txn);
	if (!rc)
		rc = vbits_update(txn, p->ix, &p->vec, p->dim);
	if (!rc)
		rc = meta_add(txn, p->ix, "pending", p->pending_delta);
	if (!rc)
		rc = meta_add(txn, p->ix, "gen", 1);
	if (!rc) {
		p->generation = meta_u64(txn, p->ix, "gen");
		p->pending = meta_u64(txn, p->ix, "pending");
	}
	return rc;
}

int fill_vectors(struct pass *p)
{
	if (!p->emb || p->dim <= 0 || p->emb_down)
		return 0;
	uint64_t from = 0;
	struct fill f = {p, xmalloc(FILL_BATCH * sizeof(uint64_t)), 0};
	int rc = 0;
	while (!p->emb_down) {
		if (stop_requested(p->stop)) {
			rc = IDX_ESTOPPED;
			break;
		}
		MDB_txn *txn;
		if ((rc = store_rtxn_begin(p->ix, &txn)))
			break;
		MDB_cursor *c;
		f.n = 0;
		rc = mdb_cursor_open(txn, p->ix->cinfo, &c);
		unsigned char kb[8];
		be64_put(kb, from);
		MDB_val k = {8, kb}, v;
		for (int r = rc ? rc : mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); r == 0 && f.n < FILL_BATCH;
		     r = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			if (k.mv_size != 8 || v.mv_size != sizeof(struct cinfo_block))
				continue;
			uint64_t blk = be64_get(k.mv_data);
			const struct cinfo_block *cb = v.mv_data;
			MDB_val vk = k, vv;
			const struct vec_hdr *vh = NULL;
			if (mdb_get(txn, p->ix->vec, &vk, &vv) == 0 && vv.mv_size == vec_block_size(p->dim))
				vh = vv.mv_data;
			size_t j = blk == from / STORE_BLOCK ? from % STORE_BLOCK : 0;
			for (; j < STORE_BLOCK && f.n < FILL_BATCH; j++)
				if (cb->c[j].live && (!vh || vh->scale[j] == 0))
					f.ids[f.n++] = blk * STORE_BLOCK + j;
			from = blk * STORE_BLOCK + j;
		}
		if (!rc)
			mdb_cursor_close(c);
		store_rtxn_end(p->ix, txn);
		if (rc || !f.n)
			break;
		u64map_clear(&p->embmap);
		p->nembcache = 0;
		struct pass_totals was = pass_totals_get(p);
		rc = store_write(p->ix, apply_fill, &f);
		if (rc) {
			pass_totals_set(p, was); /* the failed txn's counts were never committed */
			rc = store_err(rc);
			break;
		}
		pass_emit(p, IDX_EV_PROGRESS, IDX_FILE_INDEXED, NULL, "embedding chunks");
	}
	free(f.ids);
	return rc;
}

static int rebuild_vbits(MDB_txn *txn, void *arg)
{
	struct pass *p = arg;
	return vbits_rebuild(txn, p->ix, p->dim);
}

/* An index made before the IVF, or one whose lists drifted while nothing was written. */
static int rebuild_ivf(MDB_txn *txn, void *arg)
{
	struct pass *p = arg;
	return ivf_maintain(txn, p->ix, p->dim);
}

int fill_backfill_vbits(struct pass *p)
{
	if (p->dim <= 0)
		return 0;
	MDB_txn *txn;
	int rc = store_rtxn_begin(p->ix, &txn);
	if (rc)
		return store_err(rc);
	int ready = vbits_ready(txn, p->ix), due = ready && ivf_due(txn, p->ix, p->dim);
	store_rtxn_end(p->ix, txn);
	if (ready && !due)
		return 0;
	return store_err(store_write(p->ix, ready ? rebuild_ivf : rebuild_vbits, p));
}
