/* linesplit.h - the byte-level line splitter under the SSE and NDJSON parsers.
 *
 * Lines end in LF, CR or CRLF; a CR that ends one slice and an LF that starts the next are one
 * line end. One leading UTF-8 BOM is skipped (it may arrive split across slices; bytes that
 * only looked like its start are replayed as ordinary input). Feed any slices of the body in
 * order (linesplit_feed), then call linesplit_finish at EOF, which hands over a last line that has no
 * line end. Only a line split across slices is copied; nothing is allocated per byte.
 *
 * A cap bounds the line being read: `max` bytes. The owner may lower or raise it between lines
 * (the SSE parser counts the pending event against it), even from inside on_line. Passing it
 * stops the splitter: linesplit_feed and linesplit_finish then return LINESPLIT_ETOOBIG, the carried line
 * is freed and further input is ignored.
 *
 * A struct linesplit is embedded in its owner (the SSE or NDJSON parser): zero it, then linesplit_init.
 * Members are private but for `max`. One thread at a time; on_line runs inside linesplit_feed /
 * linesplit_finish and must not call back into the same splitter. */
#ifndef FN_LINESPLIT_H
#define FN_LINESPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

enum {
	LINESPLIT_OK = 0,
	LINESPLIT_ETOOBIG = -1, /* a line passed the cap; the splitter has stopped */
};

/* One line, without its line end. Valid only during the call; not NUL-terminated. */
typedef void linesplit_fn(void *ctx, const char *line, size_t len);

struct linesplit {
	size_t max;      /* the cap on the line being read, in bytes */
	linesplit_fn *on_line;
	void *ctx;
	struct buf line; /* a line not yet ended, carried across slices */
	unsigned bom;    /* bytes of a leading BOM matched so far */
	bool bom_done;   /* past the point where a BOM could start */
	bool cr;         /* the previous slice ended in CR: a leading LF belongs to it */
	bool stopped;
	int err;
};

void linesplit_init(struct linesplit *l, size_t max, linesplit_fn *on_line, void *ctx);
/* Frees the carried line; the struct itself belongs to its owner. */
void linesplit_free(struct linesplit *l);
/* Splits len bytes. Returns LINESPLIT_OK or LINESPLIT_ETOOBIG (then and afterwards input is ignored). */
int linesplit_feed(struct linesplit *l, const char *data, size_t len);
/* End of the body: replays a partial BOM, hands over a last line without a line end. Returns
 * LINESPLIT_OK or LINESPLIT_ETOOBIG. Further feeds are ignored. */
int linesplit_finish(struct linesplit *l);

#endif
