/* ties.h - equal scores put in an order that does not depend on the index's history
 * (internal to index/search/). Chunk ids are given out in the order files were indexed, so
 * an index built in steps numbers chunks differently from a clean build of the same files;
 * ties ordered by id would rank differently too. Ties go by the file's path, then the
 * chunk's byte offset in it, and only then (two chunks cannot share both) by id.
 *
 * Runs inside the caller's read transaction; any thread that owns it. */
#ifndef FN_TIES_H
#define FN_TIES_H

#include <lmdb.h>
#include <stddef.h>

#include "index/idx.h"

/* v: n elements of `size` bytes, each starting with {uint64_t id; double score;} (struct
 * scored, struct fused), sorted best score first. Reorders each run of equal scores. */
void ties_order(MDB_txn *txn, idx *ix, void *v, size_t n, size_t size);

#endif
