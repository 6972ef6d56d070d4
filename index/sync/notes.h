/* notes.h - what a pass learns about files it did not index as they are: skipped (size cap,
 * binary, footnote's own export), failed (unreadable, extraction failed) or indexed with a
 * note (decoded from UTF-16 or Windows-1252). Kept in meta under "note:" + path, so
 * `footnote index --status` and idx_file_notes can name them after the pass. Bounded by
 * IDX_NOTES_MAX entries (a folder of a million binaries must not grow meta without end).
 *
 * A pass collects in memory through notes_event (called for every file event, on the
 * pass's thread), then notes_save writes once, in its own write transaction, when the pass
 * ends: new notes are put, and a file indexed cleanly or removed loses its note. */
#ifndef FN_NOTES_H
#define FN_NOTES_H

#include <stdbool.h>
#include <stddef.h>

#include "index/idx.h"

struct note_put {
	char *path, *reason;
	enum idx_file_state state;
};
struct notes {
	struct note_put *put;
	size_t nput, capput;
	char **clear;           /* paths whose note goes (recorded only when any is stored) */
	size_t nclear, capclear;
	bool any_stored;
};

/* Reads whether any note is stored (so a clean pass over 100,000 files records nothing). */
void notes_begin(struct notes *n, idx *ix);
void notes_event(struct notes *n, enum idx_file_state state, const char *path, const char *msg);
/* Writes what was collected (ix must be writable and the writer lock held) and frees it. */
void notes_save(struct notes *n, idx *ix);
void notes_free(struct notes *n);

#endif
