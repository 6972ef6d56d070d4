/* loc.h - where a passage is, in the words people use for the kind of file: page (PDF),
 * slide (.pptx .odp), chapter (.epub), sheet and row (.xlsx .ods), row (.csv .tsv .jsonl
 * .ndjson), line (text). The index stores a page number and a line range for every chunk;
 * for slides, chapters and sheets the page is the slide, chapter or sheet, and for row
 * files the lines are row numbers (see index/text/text.h chunk_rows). Pure; any thread. */
#ifndef FN_LOC_H
#define FN_LOC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"

/* "page", "slide", "chapter" or "sheet": what the page number of path's chunks counts. */
const char *loc_unit(const char *path);
/* True when path's line numbers are rows (spreadsheets and database exports). */
bool loc_rows(const char *path);
/* True when path is opened with the desktop's program (xdg-open), not an editor. */
bool loc_document(const char *path);
/* Appends the location after a path: ":4-9" (text), " page 2:10-12" (" p.2:10-12" when
 * compact), " slide 3:14-16", " chapter 2:1-9", " sheet Budget, rows 2-40" (the sheet's
 * name is the heading), " rows 2-4", " row 7". */
void loc_append(struct buf *b, const char *path, uint32_t page, const char *heading, uint32_t line_start,
		uint32_t line_end, bool compact);
/* " slide 3" / " page 2" / " sheet Budget" / "" : just the unit, for "open it at ...". */
void loc_unit_append(struct buf *b, const char *path, uint32_t page, const char *heading);

#endif
