/* notes.c - per-file notes of a pass, kept in meta (see notes.h), and idx_file_notes. */
#include "index/sync/notes.h"

#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "base/xmalloc.h"
#include "index/store/store.h"

#define PREFIX "note:"
#define PREFIX_LEN 5

static char *key_of(const char *path, size_t *len)
{
	*len = PREFIX_LEN + strlen(path);
	return xasprintf(PREFIX "%s", path);
}

/* A stored note: one byte of enum idx_file_state, then the reason. */
static int has_any(MDB_txn *txn, idx *ix)
{
	MDB_cursor *cur;
	if (mdb_cursor_open(txn, ix->meta, &cur))
		return 0;
	MDB_val k = {PREFIX_LEN, (void *)PREFIX}, v;
	int any = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) == 0 && k.mv_size >= PREFIX_LEN &&
		  !memcmp(k.mv_data, PREFIX, PREFIX_LEN);
	mdb_cursor_close(cur);
	return any;
}

void notes_begin(struct notes *n, idx *ix)
{
	memset(n, 0, sizeof *n);
	MDB_txn *txn;
	if (store_rtxn_begin(ix, &txn) == 0) {
		n->any_stored = has_any(txn, ix);
		store_rtxn_end(ix, txn);
	}
}

void notes_event(struct notes *n, enum idx_file_state state, const char *path, const char *msg)
{
	if (!path)
		return;
	bool noted = state == IDX_FILE_SKIPPED || state == IDX_FILE_FAILED ||
		     (state == IDX_FILE_INDEXED && msg && *msg);
	if (noted) {
		n->put = xgrow(n->put, &n->capput, n->nput + 1, sizeof *n->put);
		n->put[n->nput++] = (struct note_put){xstrdup(path), xstrdup(msg ? msg : ""), state};
	} else if (n->any_stored && (state == IDX_FILE_INDEXED || state == IDX_FILE_REMOVED)) {
		n->clear = xgrow(n->clear, &n->capclear, n->nclear + 1, sizeof *n->clear);
		n->clear[n->nclear++] = xstrdup(path);
	}
}

static size_t count(MDB_txn *txn, idx *ix)
{
	MDB_cursor *cur;
	if (mdb_cursor_open(txn, ix->meta, &cur))
		return 0;
	size_t c = 0;
	MDB_val k = {PREFIX_LEN, (void *)PREFIX}, v;
	for (int r = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); r == 0 && c <= IDX_NOTES_MAX;
	     r = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < PREFIX_LEN || memcmp(k.mv_data, PREFIX, PREFIX_LEN))
			break;
		c++;
	}
	mdb_cursor_close(cur);
	return c;
}

/* A noted file that is gone (never indexed, so no removal event) loses its note. */
static int prune_gone(MDB_txn *txn, idx *ix)
{
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, ix->meta, &cur);
	if (rc)
		return rc;
	MDB_val k = {PREFIX_LEN, (void *)PREFIX}, v;
	for (int r = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); r == 0 && !rc;
	     r = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size < PREFIX_LEN || memcmp(k.mv_data, PREFIX, PREFIX_LEN))
			break;
		char *path = xstrndup((const char *)k.mv_data + PREFIX_LEN, k.mv_size - PREFIX_LEN);
		struct stat st;
		if (lstat(path, &st) < 0 && errno == ENOENT)
			rc = mdb_cursor_del(cur, 0);
		free(path);
	}
	mdb_cursor_close(cur);
	return rc;
}

struct save_ctx {
	struct notes *n;
	idx *ix;
};

static int save_txn(MDB_txn *txn, void *arg)
{
	struct save_ctx *s = arg;
	struct notes *n = s->n;
	int prc = n->any_stored ? prune_gone(txn, s->ix) : 0;
	if (prc)
		return prc;
	for (size_t i = 0; i < n->nclear; i++) {
		size_t len;
		char *key = key_of(n->clear[i], &len);
		MDB_val k = {len, key};
		int rc = mdb_del(txn, s->ix->meta, &k, NULL);
		free(key);
		if (rc && rc != MDB_NOTFOUND)
			return rc;
	}
	size_t have = n->nput ? count(txn, s->ix) : 0;
	for (size_t i = 0; i < n->nput; i++) {
		size_t len;
		char *key = key_of(n->put[i].path, &len);
		MDB_val k = {len, key}, old;
		bool exists = mdb_get(txn, s->ix->meta, &k, &old) == 0;
		int rc = 0;
		if (exists || have < IDX_NOTES_MAX) {
			size_t rl = strlen(n->put[i].reason);
			char *val = xmalloc(rl + 1);
			val[0] = (char)n->put[i].state;
			memcpy(val + 1, n->put[i].reason, rl);
			MDB_val v = {rl + 1, val};
			rc = mdb_put(txn, s->ix->meta, &k, &v, 0);
			free(val);
			have += !exists;
		}
		free(key);
		if (rc)
			return rc;
	}
	return 0;
}

void notes_save(struct notes *n, idx *ix)
{
	if (n->nput || n->nclear || n->any_stored) {
		struct save_ctx s = {n, ix};
		store_write(ix, save_txn, &s);
	}
	notes_free(n);
}

void notes_free(struct notes *n)
{
	for (size_t i = 0; i < n->nput; i++) {
		free(n->put[i].path);
		free(n->put[i].reason);
	}
	free(n->put);
	for (size_t i = 0; i < n->nclear; i++)
		free(n->clear[i]);
	free(n->clear);
	memset(n, 0, sizeof *n);
}

int idx_file_notes(idx *ix, struct idx_notes *out)
{
	memset(out, 0, sizeof *out);
	if (!ix)
		return IDX_EINVAL;
	MDB_txn *txn;
	int rc = store_rtxn_begin(ix, &txn);
	if (rc)
		return store_err(rc);
	MDB_cursor *cur;
	if ((rc = mdb_cursor_open(txn, ix->meta, &cur)) == 0) {
		size_t cap = 0;
		MDB_val k = {PREFIX_LEN, (void *)PREFIX}, v;
		for (int r = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); r == 0;
		     r = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			if (k.mv_size < PREFIX_LEN || memcmp(k.mv_data, PREFIX, PREFIX_LEN))
				break;
			if (v.mv_size < 1)
				continue;
			out->v = xgrow(out->v, &cap, out->n + 1, sizeof *out->v);
			struct idx_note *e = &out->v[out->n++];
			e->path = xstrndup((const char *)k.mv_data + PREFIX_LEN, k.mv_size - PREFIX_LEN);
			e->state = (enum idx_file_state)((const unsigned char *)v.mv_data)[0];
			e->reason = xstrndup((const char *)v.mv_data + 1, v.mv_size - 1);
		}
		mdb_cursor_close(cur);
	}
	store_rtxn_end(ix, txn);
	return rc ? store_err(rc) : 0;
}

void idx_notes_free(struct idx_notes *n)
{
	for (size_t i = 0; i < n->n; i++) {
		free(n->v[i].path);
		free(n->v[i].reason);
	}
	free(n->v);
	memset(n, 0, sizeof *n);
}
