/* sync.h - the ingestion pipeline behind idx_sync, shared with the watcher (internal).
 * Runs on the one writer thread; takes the writer lock itself. */
#ifndef FN_SYNC_H
#define FN_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index/idx.h"

/* Brings just these paths (files or directories, canonical) up to date: present ones are
 * indexed (directories walked), absent or excluded ones removed along with anything below
 * them; a removed file whose content reappears under a new path in the same call is moved
 * without re-embedding. Same events and errors as idx_sync. */
int sync_paths(idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
	       const struct idx_sink *sink, const volatile bool *stop, char *const *paths, size_t n);

/* Embeds the chunks still waiting for their vectors (stored while the embedder failed).
 * *pending gets how many still wait. Returns 0, IDX_EEMBED when the embedder failed again
 * (the watcher tries later), or another IDX_E* code. */
int sync_fill(idx *ix, const struct idx_options *opt, const struct idx_embedder *emb,
	      const struct idx_sink *sink, const volatile bool *stop, uint64_t *pending);

#endif
