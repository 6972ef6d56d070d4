/* apply.h - one batch of planned operations written in one transaction (internal).
 *
 * Chunks whose text hash is unchanged keep their id, postings and vector; new chunks get new
 * ids (ids only grow, so postings append) and are embedded inside the transaction. When the
 * embedder fails they are written without vectors (pending, see fill.h); a wrong dimension
 * leaves the batch unwritten. Writer thread only. */
#ifndef FN_SYNC_APPLY_H
#define FN_SYNC_APPLY_H

#include "index/sync/pass.h"

/* Writes p's batch (if any), reports each file through the sink, then empties the batch.
 * Returns 0 or an IDX_E* code (the batch's files were reported failed). */
int apply_flush(struct pass *p);

#endif
