/* idx.c - error texts, open/close and stats of the public API (see idx.h). */
#include "idx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "base/xmalloc.h"
#include "index/store/store.h"

const char *idx_strerror(int err)
{
	switch (err) {
	case IDX_OK:
		return "no error";
	case IDX_EIO:
		return "a file or directory could not be read or written: check the path and its permissions";
	case IDX_ECORRUPT:
		return "the index is damaged or not a footnote index: delete the index directory and run `footnote index`";
	case IDX_EVERSION:
		return "the index was written by another version: delete the index directory and run `footnote index`";
	case IDX_EEMBED:
		return "the embedder failed (server down or a bad reply): check the embedding server and retry";
	case IDX_EDIM:
		return "the embedder returned vectors of the wrong dimension; nothing was written: check the embedding model";
	case IDX_ENOSPC:
		return "the disk under the index is full: free some space and retry";
	case IDX_ELOCKED:
		return "another footnote process is writing this index: wait for it or stop it";
	case IDX_ENOTFOUND:
		return "there is no index there yet: run `footnote index`";
	case IDX_ESTOPPED:
		return "stopped on request";
	case IDX_EINVAL:
		return "bad argument";
	case IDX_EMISMATCH:
		return "the query's embedder is not the one the index was built with: run `footnote index` to re-embed, or switch the embedder back";
	default:
		return "unknown index error";
	}
}

int idx_open(const char *dir, unsigned flags, idx **out)
{
	if (!out)
		return IDX_EINVAL;
	return store_open(dir, flags, out);
}

void idx_close(idx *ix)
{
	store_close(ix);
}

int idx_stats(idx *ix, struct idx_stats *st)
{
	if (!ix || !st)
		return IDX_EINVAL;
	memset(st, 0, sizeof *st);
	MDB_txn *txn;
	int rc = store_rtxn_begin(ix, &txn);
	if (rc)
		return store_err(rc);
	st->files = meta_u64(txn, ix, "files");
	st->chunks = meta_u64(txn, ix, "chunks");
	st->pending = meta_u64(txn, ix, "pending");
	st->terms = meta_u64(txn, ix, "terms");
	st->bytes = meta_u64(txn, ix, "bytes");
	st->generation = meta_u64(txn, ix, "gen");
	st->schema_version = (int)meta_u64(txn, ix, "schema");
	st->dim = (int)meta_u64(txn, ix, "dim");
	meta_str(txn, ix, "embedder", st->embedder, sizeof st->embedder);
	meta_str(txn, ix, "last_error", st->last_error, sizeof st->last_error);
	MDB_envinfo info;
	MDB_stat ms;
	mdb_env_info(ix->env, &info);
	mdb_env_stat(ix->env, &ms);
	st->map_bytes = (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize;
	store_rtxn_end(ix, txn);
	return 0;
}

uint64_t idx_hash_bytes(const void *data, size_t len)
{
	return XXH3_64bits(data, len);
}

/* Streamed: XXH3's streaming digest equals the one-shot hash of the same bytes. */
int idx_file_hash(const char *path, uint64_t *out)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno;
	XXH3_state_t *st = XXH3_createState();
	if (!st) {
		close(fd);
		return ENOMEM;
	}
	XXH3_64bits_reset(st);
	char buf[65536];
	int e = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = errno;
		if (n <= 0)
			break;
		XXH3_64bits_update(st, buf, (size_t)n);
	}
	close(fd);
	if (!e)
		*out = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return e;
}

int idx_collections(idx *ix, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	if (!ix)
		return IDX_EINVAL;
	MDB_txn *txn;
	int rc = store_rtxn_begin(ix, &txn);
	if (rc)
		return store_err(rc);
	MDB_cursor *cur;
	size_t cap = 0;
	/* "n" + name keys come in name order. */
	if ((rc = mdb_cursor_open(txn, ix->colls, &cur)) == 0) {
		MDB_val k = {1, (void *)"n"}, v;
		for (int r = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); r == 0;
		     r = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			if (k.mv_size < 1 || ((const char *)k.mv_data)[0] != 'n')
				break;
			*names = xgrow(*names, &cap, *n + 1, sizeof **names);
			(*names)[(*n)++] = xstrndup((const char *)k.mv_data + 1, k.mv_size - 1);
		}
		mdb_cursor_close(cur);
	}
	store_rtxn_end(ix, txn);
	return rc ? store_err(rc) : 0;
}
