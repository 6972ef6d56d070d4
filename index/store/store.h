/* store.h - the LMDB layer of the index (internal to index/).
 *
 * One environment, named databases (keys big-endian so memcmp order is numeric order):
 *   meta    ASCII name -> value (u64 little-endian counters, or strings); "pending" counts
 *           live chunks without a vector while an embedder is recorded
 *   files   canonical path -> struct file_rec + chunk ids (u64[nchunks])
 *   fids    file id (be32) -> canonical path
 *   colls   "n" name -> u16 id;  "i" be16 id -> name
 *   chunks  chunk id (be64) -> struct chunk_rec + heading + text
 *   cinfo   block (be64, chunk id / STORE_BLOCK) -> struct cinfo_block: per chunk file id,
 *           token count, collection, live flag. BM25 lengths and the collection filter read
 *           it sequentially.
 *   vec     block (be64) -> struct vec_block: STORE_BLOCK int8 vectors with a scale each,
 *           contiguous, so a scan walks overflow pages in order without copying
 *   post    term "\0" be64(first chunk id) -> postings segment (see lexical.h)
 *   postf   term -> one segment of the term's newest postings, every id above post's for
 *           the term: what the last syncs added, merged into post when it grows (lexical.h)
 *   postd   term -> the ids in the term's post segments whose chunks are gone (tf 0), taken
 *           out of post at that merge
 *   vbits   block (be64) -> sign codes of the vec block with the same key, one bit per
 *           dimension, for the approximate scan (see vector.h). Derived from vec in the
 *           same write txn; meta "vbits" = 1 once every vec block has its codes (an index
 *           made before vbits existed gets them at its next sync)
 *   ivfc    "c" -> the IVF centroids (int8, a scale each); "n" -> the vector count and the
 *           length of each list (see ivf.h)
 *   ivfa    block (be64) -> the list each slot of the vec block is in, with a hash of its
 *           sign code (0 = in no list)
 *   ivfl    be64(list << 32 | segment) -> up to a page of one list's ids with their sign
 *           codes. All three are written in the same txn as the vec blocks (vbits_update)
 *
 * Threads: struct idx is shared; any thread may open a read transaction through
 * store_rtxn_begin; only the thread holding ix->wlock writes. Map growth needs every
 * in-process transaction closed, so readers hold ix->maplock shared and growth takes it
 * exclusively. */
#ifndef FN_STORE_H
#define FN_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "base/hmap.h"
#include "index/idx.h"

#define STORE_SCHEMA 2 /* 2: postf, postd; a writable open upgrades 1, a read-only one reads it */
#define STORE_BLOCK 256u /* chunks per cinfo / vec block */

struct idx {
	MDB_env *env;
	MDB_dbi meta, files, fids, colls, chunks, cinfo, vec, post, postf, postd, vbits, ivfc, ivfa, ivfl;
	bool has_vbits; /* the vbits database exists (a read-only open of an older index: no) */
	bool has_ivf;   /* so do ivfc, ivfa and ivfl */
	bool has_postf; /* and postf */
	bool has_postd; /* and postd (a writable open has both) */
	pthread_rwlock_t maplock;
	pthread_mutex_t wlock; /* one writer in this process */
	int lockfd;            /* flock'ed while writing: one writer across processes */
	char *dir;
	unsigned flags;
	int ncpu;
};

/* A file record (value of `files`), followed by nchunks u64 chunk ids. */
struct file_rec {
	uint64_t size;
	int64_t mtime_ns;
	uint64_t hash; /* XXH3 of the raw bytes */
	uint32_t fid;
	uint32_t nchunks;
	uint16_t coll;
	uint16_t pad[3];
};

/* A chunk record, followed by heading_len bytes of heading and text_len bytes of text. */
struct chunk_rec {
	uint64_t byte_start, byte_end;
	uint64_t hash; /* XXH3 of the chunk text: equal text keeps its vector */
	uint32_t fid;
	uint32_t line_start, line_end, page;
	uint32_t heading_len, text_len;
};

struct cinfo {
	uint32_t fid;
	uint32_t len; /* tokens, for BM25 */
	uint16_t coll;
	uint16_t live;
};
struct cinfo_block {
	uint32_t nlive, pad;
	struct cinfo c[STORE_BLOCK];
};

/* vec value: header, scales, then STORE_BLOCK * dim int8 codes. A slot with scale 0 is empty. */
struct vec_hdr {
	uint32_t nlive;
	uint32_t dim;
	float scale[STORE_BLOCK];
};
static inline size_t vec_block_size(int dim)
{
	return sizeof(struct vec_hdr) + (size_t)STORE_BLOCK * (size_t)dim;
}

/* The stop flag of idx_sync, read atomically: another thread sets it. */
static inline bool stop_requested(const volatile bool *s)
{
	return s && __atomic_load_n(s, __ATOMIC_RELAXED);
}

/* ---- keys ---- */
static inline void be64_put(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}
static inline uint64_t be64_get(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* ---- environment and transactions ---- */
int store_open(const char *dir, unsigned flags, idx **out);
void store_close(idx *ix);
/* Maps LMDB and errno codes to IDX_E*; IDX codes pass through. */
int store_err(int rc);
/* Read transaction: holds maplock shared until store_rtxn_end. */
int store_rtxn_begin(idx *ix, MDB_txn **txn);
void store_rtxn_end(idx *ix, MDB_txn *txn);
/* Runs fn(txn, ctx) in a write transaction and commits. On MDB_MAP_FULL (from fn or the
 * commit) aborts, doubles the map and runs fn again, so fn must only change the txn and
 * state it resets itself. fn returning non-zero aborts with that code. Caller holds wlock. */
int store_write(idx *ix, int (*fn)(MDB_txn *txn, void *ctx), void *ctx);
/* Writer exclusion across threads (mutex) and processes (flock on write.lock). */
int store_writer_lock(idx *ix);
void store_writer_unlock(idx *ix);
/* Test hook: the initial map size for the next store_open (0 = default). */
void store_set_initial_mapsize(size_t bytes);

/* ---- the page cache (the map is opened MDB_NORDAHEAD: no read-around) ---- */
/* madvise(WILLNEED) over the pages of [p, p + len) of the map: read ahead, in parallel. */
void store_prefetch(const void *p, size_t len);
/* True when every page of [p, p + len) is in the page cache (mincore): not a cold read. */
int store_resident(const void *p, size_t len);

/* ---- meta ---- */
uint64_t meta_u64(MDB_txn *txn, idx *ix, const char *name);
int meta_put_u64(MDB_txn *txn, idx *ix, const char *name, uint64_t v);
int meta_add(MDB_txn *txn, idx *ix, const char *name, int64_t delta);
/* Copies the string value into out ("" when missing). */
void meta_str(MDB_txn *txn, idx *ix, const char *name, char *out, size_t outlen);
int meta_put_str(MDB_txn *txn, idx *ix, const char *name, const char *v);

/* ---- records ---- */
/* Reads a file record; ids points into the map (valid during txn), unaligned: use memcpy. */
int files_get(MDB_txn *txn, idx *ix, const char *path, struct file_rec *rec, const unsigned char **ids);
int files_put(MDB_txn *txn, idx *ix, const char *path, const struct file_rec *rec, const uint64_t *ids);
int chunk_get(MDB_txn *txn, idx *ix, uint64_t id, struct chunk_rec *rec, const char **heading,
	      const char **text);
/* Collection id of name, created when missing (write txn) or 0xFFFF when unknown (read). */
int coll_id(MDB_txn *txn, idx *ix, const char *name, int create, uint16_t *id);
/* Name of a collection id into out. */
void coll_name(MDB_txn *txn, idx *ix, uint16_t id, char *out, size_t outlen);
/* Path of a file id into out (a new string, caller frees), or NULL. */
char *fid_path(MDB_txn *txn, idx *ix, uint32_t fid);

/* ---- staged blocks: a write batch edits copies of cinfo/vec blocks and flushes them ---- */
struct stage_blk {
	uint64_t blk;
	unsigned char *data;
};
struct stage {
	MDB_dbi dbi;
	size_t size;                 /* value size of one block */
	struct stage_blk *v;
	size_t n, cap;
	struct u64map *map;          /* blk -> index in v */
};
void stage_init(struct stage *s, MDB_dbi dbi, size_t size);
/* The block's bytes, loaded from txn or zeroed when absent. */
unsigned char *stage_get(struct stage *s, MDB_txn *txn, uint64_t blk);
/* Writes every staged block (deleting those whose nlive, the first u32, is 0). */
int stage_flush(struct stage *s, MDB_txn *txn);
void stage_reset(struct stage *s);
void stage_free(struct stage *s);

/* Consistency check for tests and `footnote index --status --check`: meta counts match
 * the databases, every file's chunks exist and point back, every live cinfo slot has a
 * chunk, every posting names a live chunk, postings lengths add up to totlen, and, when an
 * embedder is recorded, the live chunks without a vector are exactly meta "pending" (stored
 * while the embedder failed). Returns 0 or IDX_ECORRUPT with
 * the first problem in err. */
int store_check(idx *ix, char *err, size_t errlen);

#endif
