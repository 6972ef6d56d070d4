/* idx.c - error texts, open/close and stats of the public API (see idx.h). */
#include "idx.h"

#include <stdio.h>
#include <string.h>

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
