/* fill.h - vectors for a pass's chunks, and the chunks still waiting for theirs (internal).
 *
 * A chunk whose embedding failed is stored without a vector: it is searchable by its words
 * at once and counted in meta "pending" (live chunks without a vector while an embedder is
 * recorded; store_check verifies the count). fill_vectors embeds them when the embedder
 * answers again. Writer thread only. */
#ifndef FN_SYNC_FILL_H
#define FN_SYNC_FILL_H

#include <stdint.h>

#include "index/sync/pass.h"

/* Queues chunk id (text borrowed until the batch is applied) for embedding in this txn. */
void fill_want(struct pass *p, uint64_t id, const char *text, uint64_t hash);
/* Embeds what was queued (reusing rows cached by an earlier attempt) and stages the vectors;
 * each staged vector lowers p->pending_delta by one. An embedder failure (IDX_EEMBED) marks
 * the pass's embedder down and returns 0: the chunks stay pending. A wrong dimension
 * (IDX_EDIM: the embedder is not the one the index records) fails the batch. */
int fill_embed_queued(struct pass *p, MDB_txn *txn);
/* Records the pass's embedder when the index has another (or none): drops every vector and
 * marks all chunks pending, saying so through the sink. */
int fill_check_embedder(struct pass *p);
/* Embeds every live chunk that has no vector (after an embedder change, or chunks stored
 * while the embedder failed). Stops at the first embedder failure (they stay pending). */
int fill_vectors(struct pass *p);
/* An index written before the sign codes existed gets them once, from its vectors; one
 * without IVF lists that has enough vectors, or whose lists drifted, gets them trained
 * (ivf.h). At the start and the end of a sync. */
int fill_backfill_vbits(struct pass *p);

#endif
