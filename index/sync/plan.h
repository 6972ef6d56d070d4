/* plan.h - what one candidate file needs, decided against a read snapshot (internal).
 *
 * The size+mtime gate, then the content hash gate; what changed is read, extracted and
 * chunked outside any write transaction and queued as an operation of the pass's batch. A
 * new file whose content hash is that of a missing one is queued as a move. Writer thread. */
#ifndef FN_SYNC_PLAN_H
#define FN_SYNC_PLAN_H

#include "index/sync/pass.h"

/* Looks at one candidate and queues what it needs (never writes: rtxn is open). Files that
 * need nothing, or cannot be read, are reported at once. Returns 0 (problems are events). */
int plan_file(struct pass *p, MDB_txn *rtxn, const struct cand *c);

#endif
