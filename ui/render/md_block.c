/* md_block.c - the block layout of the Markdown renderer (see md_block.h). */
#include "ui/render/md_block.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xmalloc.h"
#include "ui/term/term.h"

void mdb_span_add(struct span **v, size_t *n, size_t *cap, size_t start, size_t len, int slot)
{
	if (!len)
		return;
	if (*n && (*v)[*n - 1].slot == slot && (*v)[*n - 1].start + (*v)[*n - 1].len == start) {
		(*v)[*n - 1].len += len;
		return;
	}
	*v = xgrow(*v, cap, *n + 1, sizeof **v);
	(*v)[(*n)++] = (struct span){start, len, slot};
}

int mdb_prefix_width(const struct md *m)
{
	int w = 0;
	for (int i = 0; i < m->nbox; i++) {
		if (m->box[i].kind == BOX_QUOTE)
			w += 2;
		else if (m->box[i].kind == BOX_LI)
			w += text_width(m->box[i].bullet, strlen(m->box[i].bullet));
	}
	/* Deep nesting on a narrow screen: text matters more than indentation. */
	return w > m->o->width / 2 ? 0 : w;
}

/* Puts the containers' prefixes before ln; `bullets` shows list bullets not yet shown. */
void mdb_prefix_line(struct md *m, struct line *ln, bool bullets)
{
	m->any = true;
	if (!mdb_prefix_width(m))
		return;
	for (int i = m->nbox - 1; i >= 0; i--) {
		struct box *b = &m->box[i];
		if (b->kind == BOX_QUOTE) {
			line_prepend(ln, "│ ", strlen("│ "), SLOT_CHAT_QUOTE);
		} else if (b->kind == BOX_LI) {
			size_t bl = strlen(b->bullet);
			if (bullets && b->first) {
				line_prepend(ln, b->bullet, bl, SLOT_CHAT_META);
				b->first = false;
			} else {
				char sp[sizeof b->bullet];
				int w = text_width(b->bullet, bl);
				memset(sp, ' ', (size_t)w);
				line_prepend(ln, sp, (size_t)w, SLOT_DEFAULT);
			}
		}
	}
}

int mdb_avail(const struct md *m)
{
	int a = m->o->width - mdb_prefix_width(m);
	return a < 1 ? 1 : a;
}

void mdb_emit_styled(struct md *m, const char *text, size_t len, const struct span *sp, size_t n)
{
	size_t from = m->out->n;
	wrap_styled(text, len, mdb_avail(m), sp, n, m->out);
	for (size_t i = from; i < m->out->n; i++)
		mdb_prefix_line(m, &m->out->v[i], true);
}

void mdb_blank(struct md *m)
{
	mdb_prefix_line(m, lines_add(m->out, "", 0, NULL, 0), false);
}

/* Before a block: the blank line that separates it from the one above. */
void mdb_sep(struct md *m)
{
	if (m->any && m->need_blank)
		mdb_blank(m);
	m->need_blank = false;
}

struct box *mdb_push_box(struct md *m, enum box_kind kind)
{
	if (m->nbox >= MAX_DEPTH) {
		m->skipped++;
		return NULL;
	}
	struct box *b = &m->box[m->nbox++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	return b;
}

void mdb_pop_box(struct md *m)
{
	if (m->skipped)
		m->skipped--;
	else if (m->nbox)
		m->nbox--;
}

bool mdb_in_item(const struct md *m)
{
	for (int i = 0; i < m->nbox; i++)
		if (m->box[i].kind == BOX_LI)
			return true;
	return false;
}

/* Code keeps its lines; a line wider than the screen is cut into screen-wide pieces (no
 * word wrap: spaces in code matter), each padded so the block has its own background. */
void mdb_emit_code(struct md *m)
{
	m->out->code = xgrow(m->out->code, &m->out->capcode, m->out->ncode + 1, sizeof *m->out->code);
	m->out->code[m->out->ncode++] = xstrndup(m->code.p ? m->code.p : "", m->code.len);
	int num = (int)m->out->ncode, w = mdb_avail(m);
	size_t len = m->code.len;
	if (len && m->code.p[len - 1] == '\n')
		len--;
	const char *p = m->code.p ? m->code.p : "", *end = p + len;
	struct buf ln = {0};
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		buf_reset(&ln);
		int col = 0;
		for (const char *q = p; q < e; q++) { /* tabs to 4-column stops */
			if (*q == '\t') {
				do
					buf_addc(&ln, ' ');
				while (++col % 4);
			} else {
				buf_addc(&ln, *q);
				if (((unsigned char)*q & 0xC0) != 0x80)
					col++;
			}
		}
		const char *lp = buf_str(&ln); /* never NULL, even for an empty line */
		size_t at = 0;
		do {
			size_t take = text_fit(lp + at, ln.len - at, w > 2 ? w - 1 : 1);
			if (!take && at < ln.len) { /* a character wider than the line */
				uint32_t cp;
				int cl = utf8_decode(lp + at, ln.len - at, &cp);
				take = cl > 0 ? (size_t)cl : 1;
			}
			struct line *l = lines_add(m->out, "", 0, NULL, 0);
			line_prepend(l, lp + at, take, SLOT_CODE);
			line_prepend(l, " ", 1, SLOT_CODE);
			line_pad(l, w, SLOT_CODE);
			l->code = num;
			mdb_prefix_line(m, l, true);
			at += take;
		} while (at < ln.len);
		if (!nl)
			break;
		p = nl + 1;
	}
	buf_free(&ln);
	buf_reset(&m->code);
}

/* Appends cell c to text/spans, padded to `width` columns when width > 0. */
static void cell_put(struct buf *text, struct span **sp, size_t *n, size_t *cap, const struct cell *c,
		     int width, int slot_override)
{
	size_t base = text->len;
	buf_add(text, c->text, c->len);
	for (size_t i = 0; i < c->nspans; i++)
		mdb_span_add(sp, n, cap, base + c->spans[i].start, c->spans[i].len,
			 slot_override >= 0 && c->spans[i].slot != SLOT_CHAT_CITATION &&
					 c->spans[i].slot != SLOT_CHAT_CITATION_BAD
				 ? slot_override : c->spans[i].slot);
	int pad = width - text_width(c->text, c->len);
	if (pad > 0) {
		size_t at = text->len;
		for (int i = 0; i < pad; i++)
			buf_addc(text, ' ');
		mdb_span_add(sp, n, cap, at, (size_t)pad, SLOT_DEFAULT);
	}
}

static const struct cell *cell_at(const struct table *t, size_t row, unsigned col)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].row == row && t->v[i].col == col)
			return &t->v[i];
	return NULL;
}

static void table_grid(struct md *m, const int *cw)
{
	const struct table *t = &m->tab;
	struct buf text = {0};
	for (size_t r = 0; r < t->rows; r++) {
		struct span *sp = NULL;
		size_t n = 0, cap = 0;
		buf_reset(&text);
		for (unsigned c = 0; c < t->cols; c++) {
			if (c) {
				mdb_span_add(&sp, &n, &cap, text.len, strlen(" │ "), SLOT_BORDER);
				buf_adds(&text, " │ ");
			}
			const struct cell *cl = cell_at(t, r, c);
			struct cell empty = {0};
			cell_put(&text, &sp, &n, &cap, cl ? cl : &empty, c + 1 < t->cols ? cw[c] : 0,
				 r < t->head_rows ? SLOT_CHAT_STRONG : -1);
		}
		mdb_prefix_line(m, lines_add(m->out, text.p ? text.p : "", text.len, sp, n), true);
		free(sp);
		if (r + 1 == t->head_rows) {
			buf_reset(&text);
			for (unsigned c = 0; c < t->cols; c++) {
				if (c)
					buf_adds(&text, "─┼─");
				for (int i = 0; i < cw[c]; i++)
					buf_adds(&text, "─");
			}
			struct span s = {0, text.len, SLOT_BORDER};
			mdb_prefix_line(m, lines_add(m->out, text.p, text.len, &s, 1), true);
		}
	}
	buf_free(&text);
}

/* Too wide for a grid: each body row becomes "header: value" lines. */
static void table_records(struct md *m)
{
	const struct table *t = &m->tab;
	struct buf text = {0};
	size_t first = t->head_rows < t->rows ? t->head_rows : 0;
	for (size_t r = first; r < t->rows; r++) {
		if (r > first)
			mdb_blank(m);
		for (unsigned c = 0; c < t->cols; c++) {
			const struct cell *h = t->head_rows ? cell_at(t, 0, c) : NULL, *v = cell_at(t, r, c);
			struct span *sp = NULL;
			size_t n = 0, cap = 0;
			buf_reset(&text);
			if (h && h->len && r >= t->head_rows) {
				cell_put(&text, &sp, &n, &cap, h, 0, SLOT_CHAT_STRONG);
				mdb_span_add(&sp, &n, &cap, text.len, 2, SLOT_CHAT_STRONG);
				buf_adds(&text, ": ");
			}
			if (v)
				cell_put(&text, &sp, &n, &cap, v, 0, -1);
			if (text.len)
				mdb_emit_styled(m, text.p, text.len, sp, n);
			free(sp);
		}
	}
	buf_free(&text);
}

void mdb_table_end(struct md *m)
{
	struct table *t = &m->tab;
	int *cw = xcalloc(t->cols ? t->cols : 1, sizeof *cw);
	int total = t->cols ? 3 * ((int)t->cols - 1) : 0;
	for (size_t i = 0; i < t->n; i++) {
		int w = text_width(t->v[i].text, t->v[i].len);
		if (t->v[i].col < t->cols && w > cw[t->v[i].col])
			cw[t->v[i].col] = w;
	}
	for (unsigned c = 0; c < t->cols; c++)
		total += cw[c];
	if (total <= mdb_avail(m))
		table_grid(m, cw);
	else
		table_records(m);
	free(cw);
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].text);
		free(t->v[i].spans);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}
