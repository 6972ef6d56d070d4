/* units.h - a passage read by its structure, for the offline answerer (extractive.h).
 *
 * One pass over the lines: fenced code (``` and ~~~) and indented code after a blank line
 * are skipped, ATX and setext headings set the heading and are never units themselves, a
 * list item ("- ", "* ", "+ ", "1. ", "2) ") or a definition line (an option such as
 * "--group-separator=SEP", or a key and its meaning set apart by two spaces or a tab, as in
 * "C-b d    Detach the current client.") starts a block that its indented lines continue,
 * a table row is a unit of its own (the rule row is not), a blank line ends a paragraph.
 * Paragraphs and items are then split into sentences at . ! ? that end a line, or are
 * followed by a space and a capital, a digit, a quote or a bracket (not after "e.g." and
 * its kind, not inside `code`),
 * and at CJK full stops. A unit never crosses a heading, a block or a list item. Pure. */
#ifndef FN_UNITS_H
#define FN_UNITS_H

#include <stddef.h>

enum unit_kind { UNIT_SENTENCE, UNIT_ITEM, UNIT_DEF, UNIT_ROW };

struct unit {
	const char *s;        /* verbatim, inside the passage; may span lines */
	size_t len;
	const char *heading;  /* the nearest heading above it: in the passage, else the */
	size_t hlen;          /* last part of the chunk's heading path; hlen 0 = none */
	enum unit_kind kind;
	int source;           /* the [n] of its passage */
	size_t pos;           /* its order among all units */
};

struct units {
	struct unit *v;
	size_t n, cap;
};

/* Appends text's units; heading is the chunk's heading path ("Top > Sub", or "" / NULL). */
void units_split(const char *text, const char *heading, int source, struct units *out);
void units_free(struct units *u);

#endif
