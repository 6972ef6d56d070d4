/* sync.c - a pass over the folders, or over some paths: walk, plan, apply, embed (see sync.h).
 *
 * A pass has two lists: candidates (files on disk that should be indexed) and missing
 * (indexed files that are gone). Candidates are planned (plan.c) against a read snapshot a
 * batch at a time and each batch is written in one transaction (apply.c). A missing file
 * whose content hash reappears as a new candidate is a move: its record is renamed and
 * nothing is re-embedded. Remaining missing files are deleted last, then chunks still
 * without a vector are embedded (fill.c). */
#include "index/sync/sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/xmalloc.h"
#include "index/store/store.h"
#include "index/sync/apply.h"
#include "index/sync/fill.h"
#include "index/sync/pass.h"
#include "index/sync/plan.h"
#include "index/sync/walk.h"

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
		pass_error(p, IDX_EVERSION, msg);
		return IDX_EVERSION;
	}
	p->tok = tok_new(want);
	if (!p->tok) {
		char msg[200];
		snprintf(msg, sizeof msg, "unknown stemmer language \"%s\" (try \"english\" or \"none\")", want);
		pass_error(p, IDX_EINVAL, msg);
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
	pass_emit(p, IDX_EV_SCAN_START, IDX_FILE_QUEUED, NULL, NULL);
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
			rc = apply_flush(p);
	}
	if (!rc)
		rc = apply_flush(p);
	/* Files gone from disk (and not moved). */
	for (size_t m = 0; m < p->nmissing && !rc; m++) {
		if (p->missing[m].taken)
			continue;
		if (stop_requested(p->stop)) {
			rc = IDX_ESTOPPED;
			break;
		}
		struct op *o = pass_new_op(p, OP_DELETE, p->missing[m].path);
		o->state = IDX_FILE_REMOVED;
		if (p->nops >= BATCH_FILES)
			rc = apply_flush(p);
	}
	if (!rc)
		rc = apply_flush(p);
	if (!rc)
		rc = fill_vectors(p);
	p->queue = 0;
	pass_emit(p, IDX_EV_SCAN_DONE, IDX_FILE_INDEXED, NULL, rc ? idx_strerror(rc) : NULL);
	/* Every chunk is searchable; the IVF is (re-)trained when due, on all of them. */
	if (!rc)
		rc = fill_backfill_vbits(p);
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
	pass_emit(c->p, IDX_EV_FILE, IDX_FILE_FAILED, path, msg);
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
		    pass_under(p->opt->folders[i].path, path))
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

/* Takes the writer lock and prepares p; on failure nothing is left to undo. */
static int put_extract(MDB_txn *txn, void *ctx)
{
	return meta_put_u64(txn, ctx, "extract", SYNC_EXTRACT_VERSION);
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
	MDB_txn *txn;
	if (!rc && store_rtxn_begin(ix, &txn) == 0) {
		p->reextract = meta_u64(txn, ix, "files") > 0 && meta_u64(txn, ix, "extract") < SYNC_EXTRACT_VERSION;
		store_rtxn_end(ix, txn);
	}
	if (!rc)
		rc = fill_check_embedder(p);
	if (!rc)
		rc = fill_backfill_vbits(p);
	if (!rc)
		rc = pass_totals(p);
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
			pass_error(&p, IDX_EIO, msg);
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
	if (!rc && !stop_requested(stop))
		rc = store_err(store_write(ix, put_extract, ix));
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
		long f = pass_folder_of(&p, paths[i]);
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

int sync_fill(idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
	      const struct idx_sink *sink, const volatile bool *stop, uint64_t *pending)
{
	struct pass p;
	int rc = begin(&p, ix, opt, emb, sink, stop);
	if (rc)
		return rc;
	uint64_t before = p.pending;
	if (before) {
		rc = fill_vectors(&p);
		if (!rc && p.pending != before)
			pass_emit(&p, IDX_EV_SCAN_DONE, IDX_FILE_INDEXED, NULL, NULL);
		if (!rc)
			rc = fill_backfill_vbits(&p);
	}
	*pending = p.pending;
	if (!rc && p.emb_down)
		rc = IDX_EEMBED;
	end(&p);
	return rc;
}
