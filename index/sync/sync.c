/* sync.c - ingestion: walk, gate, extract, chunk, tokenize, embed, write (see sync.h).
 *
 * A pass has two lists: candidates (files on disk that should be indexed) and missing
 * (indexed files that are gone). Candidates go through the size+mtime gate, then the content
 * hash gate; what changed is extracted and chunked outside any transaction, then each batch
 * of files is applied in one write transaction: chunks whose text hash is unchanged keep
 * their id, postings and vector; new chunks get new ids (ids only grow, so postings append)
 * and are embedded inside the transaction, so an embedder failure leaves the batch unwritten.
 * A missing file whose content hash reappears as a new candidate is a move: its record is
 * renamed and nothing is re-embedded. Remaining missing files are deleted last. */
#include "index/sync/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "base/hmap.h"
#include "index/search/lexical.h"
#include "index/store/store.h"
#include "index/text/text.h"
#include "index/search/vector.h"
#include "index/sync/notes.h"
#include "index/sync/walk.h"

#define BATCH_FILES 128
#define BATCH_CHUNKS 1024
#define BATCH_BYTES ((uint64_t)16 << 20)
#define DEFAULT_MAX_BYTES ((uint64_t)32 << 20)
#define FILL_BATCH 1024

struct cand {
	char *path;
	size_t folder;
	uint64_t size;
	int64_t mtime;
};

struct miss {
	char *path;
	uint64_t hash;
	bool taken;
};

enum op_kind { OP_INDEX, OP_META, OP_MOVE, OP_DELETE };

struct op {
	enum op_kind kind;
	char *path;
	char *from; /* OP_MOVE */
	const char *coll;
	uint64_t size, hash;
	int64_t mtime;
	struct chunk_list chunks;
	uint64_t *chash;
	enum idx_file_state state; /* reported after the commit */
	char *msg;
};

struct pass {
	idx *ix;
	const struct idx_options *opt;
	const struct idx_embedder *emb;
	const struct idx_sink *sink;
	const volatile bool *stop;
	struct tokenizer *tok;
	char **roots;
	struct text_converter *conv;
	size_t nconv;
	int dim;
	uint64_t max_bytes;
	struct chunk_opts copts;
	/* counters for events */
	size_t files_done, files_total, files_skipped, queue;
	uint64_t bytes_done, generation, chunks_total;
	/* the batch being built */
	struct op *ops;
	size_t nops, capops, batch_chunks;
	uint64_t batch_bytes;
	/* move detection: content hash -> index in missing */
	struct miss *missing;
	size_t nmissing;
	struct u64map byhash;
	/* write-side scratch, reset on each attempt */
	struct lex_batch *lex;
	struct stage cinfo, vec;
	uint64_t *emb_ids;
	const char **emb_texts;
	uint64_t *emb_hash;
	size_t nemb, capemb, capembt, capembh;
	/* embeddings kept across retries of one batch: chunk hash -> row in embcache */
	struct u64map embmap;
	float *embcache;
	size_t nembcache, capembcache;
	int err;
	char errmsg[256];
	struct notes notes;    /* skipped, failed and decoded files, saved at the end */
};

static const char *coll_of(const struct idx_options *opt, size_t folder)
{
	const char *c = opt->folders[folder].collection;
	return c && *c ? c : "default";
}

static void emit(struct pass *p, enum idx_event_kind kind, enum idx_file_state state, const char *path,
		 const char *msg)
{
	if (kind == IDX_EV_FILE)
		notes_event(&p->notes, state, path, msg);
	if (!p->sink || !p->sink->event)
		return;
	struct idx_event ev = {
		.kind = kind, .state = state, .path = path, .message = msg,
		.files_done = p->files_done, .files_total = p->files_total,
		.files_skipped = p->files_skipped, .chunks_total = p->chunks_total,
		.queue = p->queue, .bytes_done = p->bytes_done, .generation = p->generation,
	};
	p->sink->event(p->sink->ctx, &ev);
}

static void set_error(struct pass *p, int err, const char *msg)
{
	p->err = err;
	size_t n = strlen(msg);
	if (n >= sizeof p->errmsg)
		n = sizeof p->errmsg - 1;
	memcpy(p->errmsg, msg, n);
	p->errmsg[n] = '\0';
	emit(p, IDX_EV_ERROR, IDX_FILE_FAILED, NULL, msg);
}

char **sync_roots(const struct idx_options *opt)
{
	char **roots = xcalloc(opt->nfolders + 1, sizeof *roots);
	for (size_t i = 0; i < opt->nfolders; i++) {
		char *r = opt->folders[i].path ? realpath(opt->folders[i].path, NULL) : NULL;
		struct stat st;
		if (r && (stat(r, &st) != 0 || !S_ISDIR(st.st_mode))) {
			free(r);
			r = NULL;
		}
		roots[i] = r;
	}
	return roots;
}

void sync_roots_free(char **roots, size_t n)
{
	if (!roots)
		return;
	for (size_t i = 0; i < n; i++)
		free(roots[i]);
	free(roots);
}

static bool under(const char *root, const char *path)
{
	size_t n = strlen(root);
	return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* The folder a path belongs to (the first that holds it), or -1. */
static long folder_of(const struct pass *p, const char *path)
{
	for (size_t i = 0; i < p->opt->nfolders; i++)
		if (p->roots[i] && under(p->roots[i], path))
			return (long)i;
	return -1;
}

/* ---- the write transaction of one batch ---- */
static struct cinfo *cinfo_slot(struct pass *p, MDB_txn *txn, uint64_t id, struct cinfo_block **blk)
{
	struct cinfo_block *b = (struct cinfo_block *)stage_get(&p->cinfo, txn, id / STORE_BLOCK);
	if (blk)
		*blk = b;
	return &b->c[id % STORE_BLOCK];
}

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
	struct cinfo *ci = cinfo_slot(p, txn, id, &b);
	if (ci->live) {
		ci->live = 0;
		b->nlive--;
		d->chunks--;
		d->totlen -= ci->len;
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

static int put_fid(struct pass *p, MDB_txn *txn, uint32_t fid, const char *path)
{
	unsigned char kb[4] = {(unsigned char)(fid >> 24), (unsigned char)(fid >> 16),
			       (unsigned char)(fid >> 8), (unsigned char)fid};
	MDB_val k = {4, kb}, v = {strlen(path), (void *)path};
	return mdb_put(txn, p->ix->fids, &k, &v, 0);
}

static int del_fid(struct pass *p, MDB_txn *txn, uint32_t fid)
{
	unsigned char kb[4] = {(unsigned char)(fid >> 24), (unsigned char)(fid >> 16),
			       (unsigned char)(fid >> 8), (unsigned char)fid};
	MDB_val k = {4, kb};
	int rc = mdb_del(txn, p->ix->fids, &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static void want_embedding(struct pass *p, uint64_t id, const char *text, uint64_t hash)
{
	p->emb_ids = xgrow(p->emb_ids, &p->capemb, p->nemb + 1, sizeof *p->emb_ids);
	p->emb_texts = xgrow(p->emb_texts, &p->capembt, p->nemb + 1, sizeof *p->emb_texts);
	p->emb_hash = xgrow(p->emb_hash, &p->capembh, p->nemb + 1, sizeof *p->emb_hash);
	p->emb_ids[p->nemb] = id;
	p->emb_texts[p->nemb] = text;
	p->emb_hash[p->nemb++] = hash;
}

/* Embeds what the batch needs (reusing rows cached by an earlier attempt) and stages the
 * vectors. Any embedder error fails the whole batch. */
static int embed_pending(struct pass *p, MDB_txn *txn)
{
	if (!p->emb || p->dim <= 0 || !p->nemb)
		return 0;
	size_t bs = p->emb->batch ? p->emb->batch : 32;
	const char **texts = xmalloc(bs * sizeof *texts);
	uint64_t *hashes = xmalloc(bs * sizeof *hashes);
	float *out = xmalloc(bs * (size_t)p->dim * sizeof *out);
	int rc = 0;
	size_t i = 0;
	while (i < p->nemb && !rc) {
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
		if (erc) {
			rc = erc == IDX_EDIM ? IDX_EDIM : IDX_EEMBED;
			char msg[400];
			snprintf(msg, sizeof msg, "embedder %s failed: %s; nothing of this batch was written",
				 p->emb->id, err[0] ? err : idx_strerror(rc));
			set_error(p, rc, msg);
			break;
		}
		for (size_t j = 0; j < n && !rc; j++) {
			if (vec_normalize(out + j * (size_t)p->dim, p->dim)) {
				rc = IDX_EEMBED;
				set_error(p, rc, "the embedder returned NaN or infinite values; nothing of this batch was written");
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
		if (row)
			vec_set(&p->vec, txn, p->emb_ids[j], p->embcache + *row * (size_t)p->dim, p->dim);
	}
	free(texts);
	free(hashes);
	free(out);
	return rc;
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
	if (!rc && !had)
		rc = put_fid(p, txn, fid, o->path);
	uint64_t *ids = xmalloc((o->chunks.n + 1) * 8);
	/* Unchanged chunks keep their id (and so their postings and vector); only positions
	 * are rewritten. */
	for (size_t i = 0; i < o->chunks.n && !rc; i++) {
		size_t j = 0;
		for (; j < nold; j++)
			if (!reused[j] && oldhash[j] == o->chash[i])
				break;
		if (j < nold) {
			reused[j] = true;
			ids[i] = oldids[j];
			rc = put_chunk(p, txn, ids[i], fid, &o->chunks.v[i], o->chash[i]);
			struct cinfo *ci = cinfo_slot(p, txn, ids[i], NULL);
			ci->coll = coll;
			if (!rc && p->dim > 0 && !vec_has(txn, p->ix, ids[i], p->dim))
				want_embedding(p, ids[i], o->chunks.v[i].text, o->chash[i]);
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
		struct cinfo *ci = cinfo_slot(p, txn, id, &b);
		*ci = (struct cinfo){fid, len, coll, 1};
		b->nlive++;
		d->chunks++;
		d->totlen += len;
		if (p->dim > 0)
			want_embedding(p, id, c->text, o->chash[i]);
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
			cinfo_slot(p, txn, ids[i], NULL)->coll = coll;
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
		rc = put_fid(p, txn, fr.fid, o->path);
	free(ids);
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
		case OP_META: {
			struct file_rec fr;
			const unsigned char *ids;
			rc = files_get(txn, ix, o->path, &fr, &ids);
			if (rc)
				break;
			uint64_t *copy = ids_copy(&fr, ids);
			d.bytes += (int64_t)o->size - (int64_t)fr.size;
			fr.size = o->size;
			fr.mtime_ns = o->mtime;
			rc = files_put(txn, ix, o->path, &fr, copy);
			free(copy);
			break;
		}
		case OP_MOVE:
			rc = move_file(p, txn, o, &d);
			break;
		case OP_DELETE:
			rc = remove_file(p, txn, o->path, &d);
			break;
		}
	}
	if (!rc)
		rc = embed_pending(p, txn);
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
	if (!rc)
		rc = meta_add(txn, ix, "gen", 1);
	if (!rc) {
		p->generation = meta_u64(txn, ix, "gen");
		p->chunks_total = meta_u64(txn, ix, "chunks");
	}
	return rc;
}

static void free_op(struct op *o)
{
	free(o->path);
	free(o->from);
	free(o->msg);
	free(o->chash);
	chunk_list_free(&o->chunks);
	memset(o, 0, sizeof *o);
}

static int flush_batch(struct pass *p)
{
	if (!p->nops)
		return 0;
	u64map_clear(&p->embmap);
	p->nembcache = 0;
	int rc = store_write(p->ix, apply_batch, p);
	for (size_t i = 0; i < p->nops; i++) {
		struct op *o = &p->ops[i];
		if (rc) {
			p->files_done++;
			char msg[512];
			snprintf(msg, sizeof msg, "not written: %s", p->err ? p->errmsg : idx_strerror(store_err(rc)));
			emit(p, IDX_EV_FILE, IDX_FILE_FAILED, o->path, msg);
		} else {
			p->files_done++;
			if (o->state == IDX_FILE_INDEXED || o->state == IDX_FILE_MOVED)
				p->bytes_done += o->size;
			emit(p, IDX_EV_FILE, o->state, o->path, o->msg);
		}
		free_op(o);
	}
	p->nops = 0;
	p->batch_chunks = 0;
	p->batch_bytes = 0;
	if (rc) {
		rc = store_err(rc);
		if (!p->err) {
			char msg[300];
			snprintf(msg, sizeof msg, "writing the index failed: %s", idx_strerror(rc));
			set_error(p, rc, msg);
		}
		return rc;
	}
	emit(p, IDX_EV_PROGRESS, IDX_FILE_INDEXED, NULL, NULL);
	return 0;
}

static struct op *new_op(struct pass *p, enum op_kind kind, const char *path)
{
	p->ops = xgrow(p->ops, &p->capops, p->nops + 1, sizeof *p->ops);
	struct op *o = &p->ops[p->nops++];
	memset(o, 0, sizeof *o);
	o->kind = kind;
	o->path = xstrdup(path);
	return o;
}

/* Reads at most max bytes of path; returns 0 or an errno. */
static int read_file(const char *path, uint64_t expect, char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct buf b = {0};
	buf_reserve(&b, (size_t)expect + 1);
	for (;;) {
		char *dst = buf_reserve(&b, 65536);
		ssize_t n = read(fd, dst, 65536);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			buf_free(&b);
			return e;
		}
		if (n == 0)
			break;
		buf_commit(&b, (size_t)n);
	}
	close(fd);
	*len = b.len;
	*data = buf_detach(&b);
	return 0;
}

static bool has_converter(const struct pass *p, const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot || strchr(dot, '/'))
		return false;
	for (size_t i = 0; i < p->nconv; i++)
		if (p->conv[i].ext && strcasecmp(p->conv[i].ext, dot + 1) == 0)
			return true;
	return false;
}

static void file_event_now(struct pass *p, enum idx_file_state st, const char *path, const char *msg)
{
	p->files_done++;
	if (st == IDX_FILE_SKIPPED)
		p->files_skipped++;
	emit(p, IDX_EV_FILE, st, path, msg);
}

/* Looks at one candidate and queues what it needs (never writes: rtxn is open). */
static int plan_file(struct pass *p, MDB_txn *rtxn, const struct cand *c)
{
	const char *coll = coll_of(p->opt, c->folder);
	struct file_rec fr;
	bool had = files_get(rtxn, p->ix, c->path, &fr, NULL) == 0;
	uint16_t cid = 0xFFFF;
	if (had)
		coll_id(rtxn, p->ix, coll, 0, &cid);
	if (had && fr.size == c->size && fr.mtime_ns == c->mtime && fr.coll == cid) {
		file_event_now(p, IDX_FILE_UNCHANGED, c->path, NULL);
		return 0;
	}
	if (c->size > p->max_bytes) {
		char msg[128];
		snprintf(msg, sizeof msg, "larger than the size cap (%llu > %llu bytes)",
			 (unsigned long long)c->size, (unsigned long long)p->max_bytes);
		p->files_skipped++;
		if (had) {
			struct op *o = new_op(p, OP_DELETE, c->path);
			o->state = IDX_FILE_SKIPPED;
			o->msg = xstrdup(msg);
			return 0;
		}
		p->files_skipped--;
		file_event_now(p, IDX_FILE_SKIPPED, c->path, msg);
		return 0;
	}
	char *data = NULL;
	size_t len = 0;
	int e = read_file(c->path, c->size, &data, &len);
	if (e) {
		char msg[300];
		snprintf(msg, sizeof msg, "cannot read: %s", strerror(e));
		file_event_now(p, IDX_FILE_FAILED, c->path, msg);
		return 0;
	}
	uint64_t hash = idx_hash_bytes(data, len);
	if (had && fr.hash == hash && fr.coll == cid) {
		free(data);
		struct op *o = new_op(p, OP_META, c->path);
		o->size = len;
		o->mtime = c->mtime;
		o->state = IDX_FILE_UNCHANGED;
		return 0;
	}
	if (!had) {
		size_t *mi = u64map_get(&p->byhash, hash);
		if (mi && !p->missing[*mi].taken) {
			struct miss *m = &p->missing[*mi];
			m->taken = true;
			free(data);
			struct op *o = new_op(p, OP_MOVE, c->path);
			o->from = xstrdup(m->path);
			o->coll = coll;
			o->size = len;
			o->mtime = c->mtime;
			o->hash = hash;
			o->state = IDX_FILE_MOVED;
			o->msg = xasprintf("moved from %s", m->path);
			return 0;
		}
	}
	enum text_kind kind = text_kind_of(c->path);
	const char *skip = NULL;
	char err[256] = "";
	struct buf text = {0};
	if (kind != TEXT_PDF && !has_converter(p, c->path) && text_is_binary(data, len))
		skip = "binary file";
	else if (text_extract(c->path, data, len, p->conv, p->nconv, &text, err, sizeof err) != 0)
		skip = err[0] ? err : "text extraction failed";
	free(data);
	if (skip) {
		/* Neither a binary file nor footnote's own export is a failure. */
		bool binary = strcmp(skip, "binary file") == 0 || strcmp(skip, TEXT_OWN_EXPORT) == 0;
		enum idx_file_state st = binary ? IDX_FILE_SKIPPED : IDX_FILE_FAILED;
		if (had) {
			/* What is indexed no longer matches the file: take it out. */
			struct op *o = new_op(p, OP_DELETE, c->path);
			o->state = st;
			o->msg = xstrdup(skip);
			if (binary)
				p->files_skipped++;
		} else {
			file_event_now(p, st, c->path, skip);
		}
		buf_free(&text);
		return 0;
	}
	struct op *o = new_op(p, OP_INDEX, c->path);
	if (err[0])
		o->msg = xstrdup(err); /* how the text was decoded: reported and noted */
	o->coll = coll;
	o->size = len;
	o->mtime = c->mtime;
	o->hash = hash;
	o->state = IDX_FILE_INDEXED;
	chunk_text(text.p ? text.p : "", text.len, kind, &p->copts, &o->chunks);
	buf_free(&text);
	o->chash = xmalloc((o->chunks.n + 1) * 8);
	for (size_t i = 0; i < o->chunks.n; i++)
		o->chash[i] = XXH3_64bits(o->chunks.v[i].text, strlen(o->chunks.v[i].text));
	p->batch_chunks += o->chunks.n;
	p->batch_bytes += len;
	return 0;
}

/* ---- embedder and language bookkeeping ---- */
static int set_embedder(MDB_txn *txn, void *arg)
{
	struct pass *p = arg;
	int rc = mdb_drop(txn, p->ix->vec, 0);
	if (!rc)
		rc = mdb_drop(txn, p->ix->vbits, 0);
	if (!rc)
		rc = meta_put_u64(txn, p->ix, "vbits", 1);
	if (!rc)
		rc = meta_put_str(txn, p->ix, "embedder", p->emb->id);
	if (!rc)
		rc = meta_put_u64(txn, p->ix, "dim", (uint64_t)p->emb->dim);
	if (!rc)
		rc = meta_add(txn, p->ix, "gen", 1);
	return rc;
}

static int check_embedder(struct pass *p)
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
		emit(p, IDX_EV_NOTICE, IDX_FILE_QUEUED, NULL, msg);
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
	int rc = 0;
	for (size_t i = 0; i < f->n && !rc; i++) {
		struct chunk_rec cr;
		const char *text;
		rc = chunk_get(txn, p->ix, f->ids[i], &cr, NULL, &text);
		if (rc)
			break;
		/* The embedder wants NUL-terminated text; the map's copy is not. */
		want_embedding(p, f->ids[i], xstrndup(text, cr.text_len), cr.hash);
	}
	if (!rc)
		rc = embed_pending(p, txn);
	for (size_t i = 0; i < p->nemb; i++)
		free((char *)p->emb_texts[i]);
	p->nemb = 0;
	if (!rc)
		rc = stage_flush(&p->vec, txn);
	if (!rc)
		rc = vbits_update(txn, p->ix, &p->vec, p->dim);
	if (!rc)
		rc = meta_add(txn, p->ix, "gen", 1);
	if (!rc)
		p->generation = meta_u64(txn, p->ix, "gen");
	return rc;
}

/* Embeds every live chunk that has no vector: after an embedder change, or chunks indexed
 * without an embedder. */
static int fill_vectors(struct pass *p)
{
	if (!p->emb || p->dim <= 0)
		return 0;
	uint64_t from = 0;
	struct fill f = {p, xmalloc(FILL_BATCH * sizeof(uint64_t)), 0};
	int rc = 0;
	for (;;) {
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
		rc = store_write(p->ix, apply_fill, &f);
		if (rc) {
			rc = store_err(rc);
			break;
		}
		emit(p, IDX_EV_PROGRESS, IDX_FILE_INDEXED, NULL, "embedding chunks");
	}
	free(f.ids);
	return rc;
}

/* ---- the pass ---- */
static void pass_init(struct pass *p, idx *ix, const struct idx_options *opt,
		      const struct idx_embedder *emb, const struct idx_sink *sink,
		      const volatile bool *stop)
{
	memset(p, 0, sizeof *p);
	p->ix = ix;
	p->opt = opt;
	p->emb = emb;
	p->sink = sink;
	p->stop = stop;
	p->dim = emb ? emb->dim : 0;
	p->max_bytes = opt->max_file_bytes ? opt->max_file_bytes : DEFAULT_MAX_BYTES;
	p->copts.target_chars = opt->chunk_chars ? opt->chunk_chars : IDX_CHUNK_CHARS;
	p->copts.overlap_chars = opt->overlap_chars ? opt->overlap_chars : 150;
	if (p->copts.overlap_chars >= p->copts.target_chars)
		p->copts.overlap_chars = p->copts.target_chars / 4;
	p->nconv = opt->nconverters;
	p->conv = xcalloc(p->nconv + 1, sizeof *p->conv);
	for (size_t i = 0; i < p->nconv; i++) {
		p->conv[i].ext = opt->converters[i].ext;
		p->conv[i].command = opt->converters[i].command;
	}
	p->roots = sync_roots(opt);
	p->lex = lex_batch_new();
	stage_init(&p->cinfo, ix->cinfo, sizeof(struct cinfo_block));
	stage_init(&p->vec, ix->vec, p->dim > 0 ? vec_block_size(p->dim) : 1);
}

static void pass_free(struct pass *p)
{
	for (size_t i = 0; i < p->nops; i++)
		free_op(&p->ops[i]);
	free(p->ops);
	for (size_t i = 0; i < p->nmissing; i++)
		free(p->missing[i].path);
	free(p->missing);
	u64map_free(&p->byhash);
	u64map_free(&p->embmap);
	free(p->embcache);
	free(p->emb_ids);
	free(p->emb_texts);
	free(p->emb_hash);
	lex_batch_free(p->lex);
	stage_free(&p->cinfo);
	stage_free(&p->vec);
	sync_roots_free(p->roots, p->opt->nfolders);
	free(p->conv);
	if (p->tok)
		tok_free(p->tok);
}

/* Records the index language on first use; a different one is refused for now. */
static int setup_language(struct pass *p)
{
	MDB_txn *txn;
	int rc = store_rtxn_begin(p->ix, &txn);
	if (rc)
		return store_err(rc);
	char lang[64];
	meta_str(txn, p->ix, "language", lang, sizeof lang);
	uint64_t chunks = meta_u64(txn, p->ix, "chunks");
	store_rtxn_end(p->ix, txn);
	const char *want = p->opt->language && *p->opt->language ? p->opt->language : "english";
	if (lang[0] && strcmp(lang, want) != 0 && chunks) {
		char msg[200];
		snprintf(msg, sizeof msg, "the index was built with language \"%s\", not \"%s\": delete it and run `footnote index` to rebuild",
			 lang, want);
		set_error(p, IDX_EVERSION, msg);
		return IDX_EVERSION;
	}
	p->tok = tok_new(want);
	if (!p->tok) {
		char msg[200];
		snprintf(msg, sizeof msg, "unknown stemmer language \"%s\" (try \"english\" or \"none\")", want);
		set_error(p, IDX_EINVAL, msg);
		return IDX_EINVAL;
	}
	if (strcmp(lang, want) != 0) {
		MDB_txn *w;
		if ((rc = mdb_txn_begin(p->ix->env, NULL, 0, &w)) == 0) {
			rc = meta_put_str(w, p->ix, "language", want);
			rc = rc ? (mdb_txn_abort(w), rc) : mdb_txn_commit(w);
		}
		if (rc)
			return store_err(rc);
	}
	return 0;
}

static void save_last_error(struct pass *p)
{
	if (!p->err)
		return;
	MDB_txn *w;
	if (mdb_txn_begin(p->ix->env, NULL, 0, &w) == 0) {
		if (meta_put_str(w, p->ix, "last_error", p->errmsg) == 0)
			mdb_txn_commit(w);
		else
			mdb_txn_abort(w);
	}
}

static void add_missing(struct pass *p, const char *path, uint64_t hash)
{
	p->missing = xrealloc(p->missing, (p->nmissing + 1) * sizeof *p->missing);
	p->missing[p->nmissing] = (struct miss){xstrdup(path), hash, false};
	int isnew;
	size_t *slot = u64map_put(&p->byhash, hash, &isnew);
	if (isnew)
		*slot = p->nmissing;
	p->nmissing++;
}

static int cmp_cand(const void *a, const void *b)
{
	return strcmp(((const struct cand *)a)->path, ((const struct cand *)b)->path);
}

/* Runs candidates then deletes; cands are consumed. */
static int run_pass(struct pass *p, struct cand *cands, size_t ncand)
{
	p->files_total = ncand;
	p->queue = ncand;
	emit(p, IDX_EV_SCAN_START, IDX_FILE_QUEUED, NULL, NULL);
	int rc = 0;
	size_t i = 0;
	while (i < ncand && !rc) {
		if (stop_requested(p->stop)) {
			rc = IDX_ESTOPPED;
			break;
		}
		MDB_txn *rtxn;
		if ((rc = store_rtxn_begin(p->ix, &rtxn))) {
			rc = store_err(rc);
			break;
		}
		/* Plan up to one batch against a snapshot, close it, then write: map growth
		 * inside the write needs no read txn of ours open. */
		for (; i < ncand && !rc && p->nops < BATCH_FILES && p->batch_chunks < BATCH_CHUNKS &&
		       p->batch_bytes < BATCH_BYTES; i++) {
			if (stop_requested(p->stop)) {
				rc = IDX_ESTOPPED;
				break;
			}
			p->queue = ncand - i - 1;
			rc = plan_file(p, rtxn, &cands[i]);
		}
		store_rtxn_end(p->ix, rtxn);
		if (!rc)
			rc = flush_batch(p);
	}
	if (!rc)
		rc = flush_batch(p);
	/* Files gone from disk (and not moved). */
	for (size_t m = 0; m < p->nmissing && !rc; m++) {
		if (p->missing[m].taken)
			continue;
		if (stop_requested(p->stop)) {
			rc = IDX_ESTOPPED;
			break;
		}
		struct op *o = new_op(p, OP_DELETE, p->missing[m].path);
		o->state = IDX_FILE_REMOVED;
		if (p->nops >= BATCH_FILES)
			rc = flush_batch(p);
	}
	if (!rc)
		rc = flush_batch(p);
	if (!rc)
		rc = fill_vectors(p);
	p->queue = 0;
	emit(p, IDX_EV_SCAN_DONE, IDX_FILE_INDEXED, NULL, rc ? idx_strerror(rc) : NULL);
	return rc;
}

struct collect {
	struct cand *v;
	size_t n, cap;
	size_t folder;
	struct pass *p;
};

/* A folder the walk cannot open is said, with its path and reason, like a file that failed. */
static void on_unreadable(void *ctx, const char *path, int err)
{
	struct collect *c = ctx;
	char msg[160];
	snprintf(msg, sizeof msg, "cannot read this folder (%s): nothing in it is indexed", strerror(err));
	emit(c->p, IDX_EV_FILE, IDX_FILE_FAILED, path, msg);
}

static void on_file(void *ctx, const char *path, const struct stat *st)
{
	struct collect *c = ctx;
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof *c->v);
	c->v[c->n++] = (struct cand){xstrdup(path), c->folder, (uint64_t)st->st_size,
				     (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec};
}

/* Sorts by path and drops duplicates (the first folder holding a path wins). */
static void cands_sort(struct collect *c)
{
	if (c->n)
		qsort(c->v, c->n, sizeof *c->v, cmp_cand);
	size_t w = 0;
	for (size_t r = 0; r < c->n; r++) {
		if (w && strcmp(c->v[w - 1].path, c->v[r].path) == 0) {
			if (c->v[r].folder < c->v[w - 1].folder) {
				free(c->v[w - 1].path);
				c->v[w - 1] = c->v[r];
			} else {
				free(c->v[r].path);
			}
			continue;
		}
		c->v[w++] = c->v[r];
	}
	c->n = w;
}

static bool cands_has(const struct collect *c, const char *path)
{
	size_t a = 0, b = c->n;
	while (a < b) {
		size_t m = (a + b) / 2;
		int r = strcmp(c->v[m].path, path);
		if (r == 0)
			return true;
		if (r < 0)
			a = m + 1;
		else
			b = m;
	}
	return false;
}

static void cands_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].path);
	free(c->v);
}

/* Indexed files at prefix (the path itself, or below it when it is a directory; every
 * indexed file when prefix is NULL) that are not candidates and not held back by keep. */
static int find_missing(struct pass *p, const struct collect *c, const char *prefix,
			bool (*keep)(struct pass *p, const char *path))
{
	MDB_txn *txn;
	int rc = store_rtxn_begin(p->ix, &txn);
	if (rc)
		return store_err(rc);
	MDB_cursor *cur;
	rc = mdb_cursor_open(txn, p->ix->files, &cur);
	size_t plen = prefix ? strlen(prefix) : 0;
	MDB_val k = {plen, (void *)prefix}, v;
	int op = prefix ? MDB_SET_RANGE : MDB_FIRST;
	for (int r = rc ? rc : mdb_cursor_get(cur, &k, &v, op); r == 0; r = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (prefix && (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0))
			break;
		if (prefix && k.mv_size > plen && ((const char *)k.mv_data)[plen] != '/')
			continue;
		char *path = xstrndup(k.mv_data, k.mv_size);
		struct file_rec fr;
		if (v.mv_size >= sizeof fr && !cands_has(c, path) && !(keep && keep(p, path))) {
			memcpy(&fr, v.mv_data, sizeof fr);
			add_missing(p, path, fr.hash);
		}
		free(path);
	}
	if (!rc)
		mdb_cursor_close(cur);
	store_rtxn_end(p->ix, txn);
	return 0;
}

/* Files under a configured folder that does not exist right now (an unmounted disk) stay. */
static bool under_absent_folder(struct pass *p, const char *path)
{
	for (size_t i = 0; i < p->opt->nfolders; i++)
		if (!p->roots[i] && p->opt->folders[i].path && p->opt->folders[i].path[0] == '/' &&
		    under(p->opt->folders[i].path, path))
			return true;
	return false;
}

static void end(struct pass *p)
{
	save_last_error(p);
	notes_save(&p->notes, p->ix);
	idx *ix = p->ix;
	pass_free(p);
	store_writer_unlock(ix);
}

/* Takes the writer lock and prepares p; on failure nothing is left to undo. */
static int cmp_miss(const void *a, const void *b)
{
	return strcmp(((const struct miss *)a)->path, ((const struct miss *)b)->path);
}

/* A path named twice (or a file inside a named directory) must be deleted once. */
static void missing_dedupe(struct pass *p)
{
	if (p->nmissing < 2)
		return;
	qsort(p->missing, p->nmissing, sizeof *p->missing, cmp_miss);
	size_t w = 0;
	for (size_t r = 0; r < p->nmissing; r++) {
		if (w && strcmp(p->missing[w - 1].path, p->missing[r].path) == 0) {
			free(p->missing[r].path);
			continue;
		}
		p->missing[w++] = p->missing[r];
	}
	p->nmissing = w;
	u64map_clear(&p->byhash);
	for (size_t i = 0; i < p->nmissing; i++) {
		int isnew;
		size_t *slot = u64map_put(&p->byhash, p->missing[i].hash, &isnew);
		if (isnew)
			*slot = i;
	}
}

static int rebuild_vbits(MDB_txn *txn, void *arg)
{
	struct pass *p = arg;
	return vbits_rebuild(txn, p->ix, p->dim);
}

/* An index written before the sign codes existed gets them once, from its vectors. */
static int backfill_vbits(struct pass *p)
{
	if (p->dim <= 0)
		return 0;
	MDB_txn *txn;
	int rc = store_rtxn_begin(p->ix, &txn);
	if (rc)
		return store_err(rc);
	int ready = vbits_ready(txn, p->ix);
	store_rtxn_end(p->ix, txn);
	if (ready)
		return 0;
	return store_err(store_write(p->ix, rebuild_vbits, p));
}

static int begin(struct pass *p, idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
		 const struct idx_sink *sink, const volatile bool *stop)
{
	if (!ix || !opt || (opt->nfolders && !opt->folders))
		return IDX_EINVAL;
	if (emb && (emb->dim <= 0 || !emb->embed || !emb->id))
		return IDX_EINVAL;
	int rc = store_writer_lock(ix);
	if (rc)
		return rc;
	pass_init(p, ix, opt, emb, sink, stop);
	notes_begin(&p->notes, ix);
	rc = setup_language(p);
	if (!rc)
		rc = check_embedder(p);
	if (!rc)
		rc = backfill_vbits(p);
	if (rc)
		end(p);
	return rc;
}

int idx_sync(idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
	     const struct idx_sink *sink, const volatile bool *stop)
{
	struct pass p;
	int rc = begin(&p, ix, opt, emb, sink, stop);
	if (rc)
		return rc;
	struct collect c = {.p = &p};
	for (size_t i = 0; i < opt->nfolders && !rc; i++) {
		if (!p.roots[i]) {
			char msg[400];
			snprintf(msg, sizeof msg, "folder %s does not exist or is not a directory: check index.folders",
				 opt->folders[i].path ? opt->folders[i].path : "(null)");
			set_error(&p, IDX_EIO, msg);
			continue;
		}
		c.folder = i;
		struct walk_cb cb = {NULL, on_file, &c, on_unreadable};
		rc = walk_tree(p.roots[i], p.roots[i], opt, &cb, stop);
	}
	cands_sort(&c);
	if (!rc)
		rc = find_missing(&p, &c, NULL, under_absent_folder);
	if (!rc)
		rc = run_pass(&p, c.v, c.n);
	cands_free(&c);
	end(&p);
	return rc;
}

int sync_paths(idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
	       const struct idx_sink *sink, const volatile bool *stop, char *const *paths, size_t n)
{
	struct pass p;
	int rc = begin(&p, ix, opt, emb, sink, stop);
	if (rc)
		return rc;
	struct collect c = {.p = &p};
	char **gone = xcalloc(n + 1, sizeof *gone);
	size_t ngone = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		long f = folder_of(&p, paths[i]);
		if (f < 0)
			continue;
		struct stat st;
		bool there = lstat(paths[i], &st) == 0;
		bool isdir = there && S_ISDIR(st.st_mode);
		if (there && (isdir || S_ISREG(st.st_mode)) && walk_allowed(p.roots[f], paths[i], opt, isdir)) {
			c.folder = (size_t)f;
			if (isdir) {
				struct walk_cb cb = {NULL, on_file, &c, on_unreadable};
				rc = walk_tree(p.roots[f], paths[i], opt, &cb, stop);
				if (rc == IDX_EIO)
					rc = 0; /* gone again already */
				gone[ngone++] = paths[i]; /* what is indexed below it but not found */
			} else {
				on_file(&c, paths[i], &st);
			}
		} else {
			gone[ngone++] = paths[i];
		}
	}
	cands_sort(&c);
	for (size_t i = 0; i < ngone && !rc; i++)
		rc = find_missing(&p, &c, gone[i], NULL);
	if (!rc)
		missing_dedupe(&p);
	if (!rc)
		rc = run_pass(&p, c.v, c.n);
	free(gone);
	cands_free(&c);
	end(&p);
	return rc;
}
