/* pass.h - the state of one ingestion pass, shared by the steps of index/sync (internal).
 *
 * A pass is planned (plan.c), applied one batch per write transaction (apply.c), embedded
 * (fill.c) and driven (sync.c). Everything here runs on the one writer thread that holds
 * the writer lock; nothing is shared with other threads. */
#ifndef FN_SYNC_PASS_H
#define FN_SYNC_PASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/hmap.h"
#include "index/idx.h"
#include "index/store/store.h"
#include "index/sync/notes.h"
#include "index/text/text.h"

#define BATCH_FILES 128
#define BATCH_CHUNKS 1024
#define BATCH_BYTES ((uint64_t)16 << 20)

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

/* What extraction gives changed: 2 = office files, rows and document metadata (issue 17). A
 * full pass over an index of an older version re-reads every file (a migration: nothing is
 * deleted), then records this version. */
#define SYNC_EXTRACT_VERSION 2

struct op {
	enum op_kind kind;
	char *path;
	char *from; /* OP_MOVE */
	const char *coll;
	uint64_t size, hash;
	int64_t mtime;
	struct chunk_list chunks;
	struct text_meta meta; /* OP_INDEX: title, tags, date, stored after the path in fids */
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
	/* The index was extracted by an older footnote (meta "extract" below
	 * SYNC_EXTRACT_VERSION): every file is read again, whatever its size and time say. */
	bool reextract;
	struct chunk_opts copts;
	/* counters for events: the pass's own, then the index's totals after the last commit */
	size_t files_done, files_total, files_skipped, queue;
	uint64_t bytes_done, generation, chunks_total, files_indexed, pending;
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
	int64_t pending_delta;  /* chunks that got (-) or lost (+) their vector in this attempt */
	/* embeddings kept across retries of one batch: chunk hash -> row in embcache */
	struct u64map embmap;
	float *embcache;
	size_t nembcache, capembcache;
	/* The embedder failed in this pass: the rest of it stores chunks without vectors
	 * (pending) instead of asking again for each batch. */
	bool emb_down;
	char emb_error[300];
	int err;
	char errmsg[256];
	struct notes notes;    /* skipped, failed and decoded files, saved at the end */
};

/* The collection name of folder i ("default" when none is set). */
const char *pass_coll(const struct idx_options *opt, size_t folder);
/* Sends one event with the pass's counters; path and msg may be NULL. */
void pass_emit(struct pass *p, enum idx_event_kind kind, enum idx_file_state state, const char *path,
	       const char *msg);
/* Records the pass's error (kept as the index's last error) and says it through the sink. */
void pass_error(struct pass *p, int err, const char *msg);
/* Reads the index's totals (files, chunks, pending vectors) into p for the next events. */
int pass_totals(struct pass *p);
/* The index's totals as the pass's events report them, kept before a write transaction and
 * put back when it fails, so a batch that was not committed is not counted. */
struct pass_totals {
	uint64_t generation, chunks_total, files_indexed, pending;
};
struct pass_totals pass_totals_get(const struct pass *p);
void pass_totals_set(struct pass *p, struct pass_totals t);

void pass_init(struct pass *p, idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
	       const struct idx_sink *sink, const volatile bool *stop);
void pass_free(struct pass *p);

/* A new operation at the end of the batch (path copied). */
struct op *pass_new_op(struct pass *p, enum op_kind kind, const char *path);
void pass_free_op(struct op *o);

/* The folder a canonical path belongs to (the first that holds it), or -1. */
long pass_folder_of(const struct pass *p, const char *path);
/* path is root or below it. */
bool pass_under(const char *root, const char *path);

/* The staged cinfo slot of chunk id (loaded from txn when not staged yet). */
struct cinfo *pass_cinfo(struct pass *p, MDB_txn *txn, uint64_t id, struct cinfo_block **blk);

/* The folder roots of opt made canonical (realpath), NULL where a folder does not exist.
 * Caller frees with sync_roots_free. */
char **sync_roots(const struct idx_options *opt);
void sync_roots_free(char **roots, size_t n);

#endif
