/* md_block.h - the Markdown renderer's state (struct md, shared by md.c and md_block.c) and
 * its block layout: lines with their containers' prefixes (quotes, list bullets and the
 * indentation under them), the blank line between blocks, code blocks cut to the width on
 * their own background, tables as a grid or as "header: value" records. md.c walks the
 * document with md4c and builds the inline text; md_block.c never calls back into it.
 * Internal to ui/render/md.c; pure, no globals. */
#ifndef FN_MD_BLOCK_H
#define FN_MD_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "ui/render/md.h"
#include "ui/render/wrap.h"

enum { MAX_DEPTH = 32 };
enum box_kind { BOX_QUOTE, BOX_UL, BOX_OL, BOX_LI };

struct box {
	enum box_kind kind;
	unsigned num;       /* OL: the next item's number */
	char bullet[24];    /* LI: "• ", "12. " */
	bool first;         /* LI: its bullet is still to be shown */
};

/* A piece of inline text in one slot. */
struct run {
	size_t start, len;
	int slot;
	bool markable;      /* prose: citation markers and marks apply */
	long src;           /* offset in the input, -1 when generated */
};

struct inl {
	struct buf text;
	struct run *v;
	size_t n, cap;
};

struct cell {
	char *text;
	size_t len;
	struct span *spans;
	size_t nspans;
	size_t row;
	unsigned col;
};

struct table {
	struct cell *v;
	size_t n, cap;
	unsigned cols;
	size_t rows, head_rows;
	bool in_head;
};

struct md {
	const struct md_opts *o;
	const char *doc;
	size_t doclen;
	const struct cite_segs *cites; /* the markers, offsets in doc */
	size_t *lab;        /* marks with a label, by end */
	size_t nlab, nextlab;
	size_t last_end;    /* end (in doc) of the last text seen */
	struct lines *out;
	struct inl in;
	int style[MAX_DEPTH];
	int nstyle;
	struct box box[MAX_DEPTH];
	int nbox, skipped;  /* boxes beyond MAX_DEPTH are counted, not kept */
	int quotes;
	bool need_blank;    /* a blank line before the next block */
	bool any;           /* some line was emitted */
	bool in_code;
	struct buf code;
	char *href;
	size_t link_start;
	bool in_table;
	struct table tab;
	int heading;
};

/* Appends a span, merged into the last one when it continues it in the same slot. */
void mdb_span_add(struct span **v, size_t *n, size_t *cap, size_t start, size_t len, int slot);
/* Columns the containers' prefixes take (0 when they would take over half the width). */
int mdb_prefix_width(const struct md *m);
/* Puts the containers' prefixes before ln; `bullets` shows list bullets not yet shown. */
void mdb_prefix_line(struct md *m, struct line *ln, bool bullets);
/* Columns left for text inside the containers (at least 1). */
int mdb_avail(const struct md *m);
/* Wraps styled text to the room inside the containers and appends it, prefixed. */
void mdb_emit_styled(struct md *m, const char *text, size_t len, const struct span *sp, size_t n);
/* An empty line inside the containers. */
void mdb_blank(struct md *m);
/* Before a block: the blank line that separates it from the one above. */
void mdb_sep(struct md *m);
/* A container opens (NULL past MAX_DEPTH: counted, not kept) and closes. */
struct box *mdb_push_box(struct md *m, enum box_kind kind);
void mdb_pop_box(struct md *m);
bool mdb_in_item(const struct md *m);
/* The code block collected in m->code, as lines (and as text in out->code). */
void mdb_emit_code(struct md *m);
/* The table collected in m->tab: a grid when it fits, else records; then freed. */
void mdb_table_end(struct md *m);

#endif
