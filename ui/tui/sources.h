/* sources.h - the sources pane: the selected answer's sources, cited first, each with its
 * place, what verification found, a stale mark when its file changed since the answer
 * (re-stat on selection and when the watcher sees the file change, the content hash only
 * when size or mtime moved), and a snippet with the question's terms highlighted; o opens
 * one at the line holding the sentence that cites it, Enter previews the whole passage.
 * Owns t->src. UI thread only. */
#ifndef FN_TUI_SOURCES_H
#define FN_TUI_SOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/tui/keys.h"

struct tui;
struct msg;
struct rect;

struct sources_view {
	size_t sel;                  /* position in the shown order */
	bool show;                   /* F3 */
	bool preview;                /* the selected source's whole passage */
};

/* Looks at source i (index in the citation map) of m's answer: fresh, changed or missing. */
void sources_check(struct msg *m, size_t i);
/* Message i becomes the selected answer: its sources are looked at once. */
void sources_select(struct tui *t, size_t i);
/* The watcher saw path change (NULL: some file moved): the shown answer's sources of it are
 * looked at again, so a stale mark shows at once. */
void sources_file_event(struct tui *t, const char *path);
/* In a comparison, the side whose sources the pane shows (0 left, 1 right). */
void sources_compare_side(struct tui *t, int side);
/* An action with the focus in the sources pane. */
void sources_key(struct tui *t, enum action a);
void sources_draw(struct tui *t, const struct rect *r);

#endif
