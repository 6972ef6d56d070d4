/* md.c - Markdown to styled, wrapped lines through md4c (see md.h).
 *
 * md4c calls back for each block and span; inline text of the current leaf block collects
 * in `in` as runs of one slot, and is wrapped when the block ends. Containers (quotes, list
 * items) are a stack: each emitted line gets their prefixes ("│ ", "• ", "12. " and the
 * indentation under them). Tables collect their cells and are laid out at the end. The
 * block layout (prefixes, code blocks, tables) is md_block.c; this file is md4c's callbacks
 * and the inline text.
 *
 * Citation markers come from core/answer/cite.h as byte ranges of the document; a run of prose
 * that md4c passed through unchanged knows its offset in the document (run.src), which is
 * how a marker, a verification mark or a label finds its place in the inline text. */
#include "ui/render/md.h"

#include <md4c.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "ui/render/md_block.h"
#include "ui/term/term.h"

static int cur_slot(const struct md *m)
{
	if (m->nstyle)
		return m->style[m->nstyle - 1];
	return m->quotes ? SLOT_CHAT_QUOTE : m->o->base_slot;
}

static void push_style(struct md *m, int slot)
{
	if (m->nstyle < MAX_DEPTH)
		m->style[m->nstyle] = slot;
	m->nstyle++;
}

static void pop_style(struct md *m)
{
	if (m->nstyle)
		m->nstyle--;
}

/* ---- inline text ------------------------------------------------------------------------ */

static void add_text(struct md *m, const char *s, size_t n, int slot, bool markable, long src)
{
	if (!n)
		return;
	struct inl *in = &m->in;
	struct run *last = in->n ? &in->v[in->n - 1] : NULL;
	if (last && last->slot == slot && last->markable == markable &&
	    ((src < 0 && last->src < 0) || (src >= 0 && last->src >= 0 && last->src + (long)last->len == src))) {
		last->len += n;
	} else {
		in->v = xgrow(in->v, &in->cap, in->n + 1, sizeof *in->v);
		in->v[in->n++] = (struct run){in->text.len, n, slot, markable, src};
	}
	buf_add(&in->text, s, n);
}

static void inl_reset(struct inl *in)
{
	buf_reset(&in->text);
	in->n = 0;
}

/* Plain prose [a, b) of a run: the marks hook may restyle parts of it. */
static void add_prose(const struct md *m, const struct run *r, size_t a, size_t b, struct span **v,
		      size_t *n, size_t *cap)
{
	const struct md_opts *o = m->o;
	if (r->src < 0 || !o->nmarks) {
		mdb_span_add(v, n, cap, a, b - a, r->slot);
		return;
	}
	size_t s0 = o->base + (size_t)r->src + (a - r->start), s1 = s0 + (b - a), at = s0;
	for (size_t i = 0; i < o->nmarks && at < s1; i++) {
		const struct md_mark *mk = &o->marks[i];
		if (mk->slot < 0 || mk->end <= at || mk->start >= s1)
			continue;
		size_t ms = mk->start > at ? mk->start : at, me = mk->end < s1 ? mk->end : s1;
		mdb_span_add(v, n, cap, a + (at - s0), ms - at, r->slot);
		mdb_span_add(v, n, cap, a + (ms - s0), me - ms, mk->slot);
		at = me;
	}
	mdb_span_add(v, n, cap, a + (at - s0), s1 - at, r->slot);
}

static int marker_slot(const struct md *m, const struct cite_seg *seg)
{
	if (m->o->marker_slot) {
		struct cite_seg whole = *seg;
		whole.start += m->o->base;
		return m->o->marker_slot(m->o->ctx, &whole);
	}
	return seg->ninvalid ? SLOT_CHAT_CITATION_BAD : SLOT_CHAT_CITATION;
}

/* The first segment that ends after doc offset `at`. */
static size_t seg_from(const struct cite_segs *c, size_t at)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->v[mid].start + c->v[mid].len <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The collected inline text as spans: prose that came straight from the document gets its
 * citation markers (a marker md4c split, say by a link, stays text). */
static void inl_spans(const struct md *m, struct span **v, size_t *n)
{
	size_t cap = 0;
	*v = NULL;
	*n = 0;
	for (size_t i = 0; i < m->in.n; i++) {
		const struct run *r = &m->in.v[i];
		if (!r->markable || r->src < 0) {
			if (r->markable)
				add_prose(m, r, r->start, r->start + r->len, v, n, &cap);
			else
				mdb_span_add(v, n, &cap, r->start, r->len, r->slot);
			continue;
		}
		size_t src = (size_t)r->src, plain = r->start, end = r->start + r->len;
		for (size_t k = seg_from(m->cites, src); k < m->cites->n; k++) {
			const struct cite_seg *seg = &m->cites->v[k];
			if (seg->start >= src + r->len)
				break;
			if (seg->kind != CITE_MARKER || seg->start < src || seg->start + seg->len > src + r->len)
				continue;
			size_t j = r->start + (seg->start - src);
			add_prose(m, r, plain, j, v, n, &cap);
			mdb_span_add(v, n, &cap, j, seg->len, marker_slot(m, seg));
			plain = j + seg->len;
		}
		add_prose(m, r, plain, end, v, n, &cap);
	}
}

/* ---- labels ----------------------------------------------------------------------------- */

static void add_label(struct md *m, const struct md_mark *mk)
{
	size_t l = strlen(mk->label);
	add_text(m, mk->label, l, mk->label_slot, false, -1);
}

/* Labels whose place is at or before doc offset `at`. */
static void labels_upto(struct md *m, size_t at)
{
	while (m->nextlab < m->nlab && m->o->marks[m->lab[m->nextlab]].end <= m->o->base + at)
		add_label(m, &m->o->marks[m->lab[m->nextlab++]]);
}

/* A block ends: labels that belong on its last line (their place is before the end of the
 * line its last text is on; md4c may have swallowed the bytes there, say a closing "**"). */
static void labels_block_end(struct md *m)
{
	if (m->nextlab >= m->nlab)
		return;
	const char *nl = memchr(m->doc + m->last_end, '\n', m->doclen - m->last_end);
	labels_upto(m, nl ? (size_t)(nl - m->doc) : m->doclen);
}

/* The marks that carry a label, in order of their place. Marks come sorted by start, so
 * their ends are nearly in order: an insertion sort. */
static void labels_init(struct md *m)
{
	const struct md_opts *o = m->o;
	for (size_t i = 0; i < o->nmarks; i++) {
		if (!o->marks[i].label || !*o->marks[i].label)
			continue;
		if (!m->lab)
			m->lab = xmalloc(o->nmarks * sizeof *m->lab);
		size_t j = m->nlab++;
		while (j > 0 && o->marks[m->lab[j - 1]].end > o->marks[i].end) {
			m->lab[j] = m->lab[j - 1];
			j--;
		}
		m->lab[j] = i;
	}
}

/* ---- lines and their container prefixes ------------------------------------------------- */

static void flush(struct md *m)
{
	if (!m->in.text.len)
		return;
	labels_block_end(m);
	struct span *sp;
	size_t n;
	inl_spans(m, &sp, &n);
	mdb_emit_styled(m, m->in.text.p, m->in.text.len, sp, n);
	if (m->heading == 1) { /* a top heading is underlined, so it reads in any theme */
		int w = text_width(m->out->v[m->out->n - 1].text, m->out->v[m->out->n - 1].len);
		w -= mdb_prefix_width(m);
		struct buf rule = {0};
		for (int i = 0; i < w; i++)
			buf_adds(&rule, "═");
		struct span s = {0, rule.len, SLOT_CHAT_HEADING};
		mdb_prefix_line(m, lines_add(m->out, buf_str(&rule), rule.len, &s, rule.len ? 1 : 0), false);
		buf_free(&rule);
	}
	free(sp);
	inl_reset(&m->in);
}

/* ---- code blocks -------------------------------------------------------------------------- */

/* ---- tables ------------------------------------------------------------------------------- */

static void cell_end(struct md *m)
{
	struct table *t = &m->tab;
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
	struct cell *c = &t->v[t->n++];
	if (m->in.text.len)
		labels_block_end(m);
	for (size_t i = 0; i < m->in.text.len; i++)
		if (m->in.text.p[i] == '\n')
			m->in.text.p[i] = ' ';
	inl_spans(m, &c->spans, &c->nspans);
	c->text = xstrndup(m->in.text.p ? m->in.text.p : "", m->in.text.len);
	c->len = m->in.text.len;
	c->row = t->rows - 1;
	c->col = 0;
	for (size_t i = t->n - 1; i > 0 && t->v[i - 1].row == c->row; i--)
		c->col++;
	inl_reset(&m->in);
}

/* ---- md4c callbacks ----------------------------------------------------------------------- */

static char *attr_str(const MD_ATTRIBUTE *a)
{
	return xstrndup(a->text ? a->text : "", a->size);
}

static void start_item(struct md *m, const MD_BLOCK_LI_DETAIL *d)
{
	struct box *list = NULL;
	int depth = 0;
	for (int i = m->nbox - 1; i >= 0; i--) {
		if (m->box[i].kind == BOX_UL || m->box[i].kind == BOX_OL) {
			if (!list)
				list = &m->box[i];
			depth++;
		}
	}
	struct box *b = mdb_push_box(m, BOX_LI);
	if (!b)
		return;
	b->first = true;
	static const char *const bullets[] = {"• ", "◦ ", "▪ "};
	if (list && list->kind == BOX_OL)
		snprintf(b->bullet, sizeof b->bullet, "%u. ", list->num++);
	else
		snprintf(b->bullet, sizeof b->bullet, "%s", bullets[(depth ? depth - 1 : 0) % 3]);
	if (d && d->is_task) {
		size_t l = strlen(b->bullet);
		snprintf(b->bullet + l, sizeof b->bullet - l, "%s", d->task_mark == ' ' ? "☐ " : "☑ ");
	}
}

static int enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct md *m = ud;
	if (m->in_table && (type == MD_BLOCK_TH || type == MD_BLOCK_TD)) {
		inl_reset(&m->in);
		if (type == MD_BLOCK_TH)
			push_style(m, SLOT_CHAT_STRONG);
		return 0;
	}
	if (m->in_table) {
		if (type == MD_BLOCK_THEAD)
			m->tab.in_head = true;
		else if (type == MD_BLOCK_TR && ++m->tab.rows && m->tab.in_head)
			m->tab.head_rows++;
		return 0;
	}
	flush(m);
	switch (type) {
	case MD_BLOCK_QUOTE:
		mdb_sep(m);
		mdb_push_box(m, BOX_QUOTE);
		m->quotes++;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL: {
		if (!mdb_in_item(m))
			mdb_sep(m);
		struct box *b = mdb_push_box(m, type == MD_BLOCK_UL ? BOX_UL : BOX_OL);
		if (b && type == MD_BLOCK_OL)
			b->num = ((MD_BLOCK_OL_DETAIL *)detail)->start;
		break;
	}
	case MD_BLOCK_LI:
		start_item(m, detail);
		break;
	case MD_BLOCK_HR: {
		mdb_sep(m);
		struct buf rule = {0};
		for (int i = 0; i < mdb_avail(m); i++)
			buf_adds(&rule, "─");
		struct span s = {0, rule.len, SLOT_BORDER};
		mdb_prefix_line(m, lines_add(m->out, rule.p, rule.len, &s, 1), true);
		buf_free(&rule);
		m->need_blank = true;
		break;
	}
	case MD_BLOCK_H:
		mdb_sep(m);
		m->heading = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
		push_style(m, SLOT_CHAT_HEADING);
		break;
	case MD_BLOCK_CODE:
		mdb_sep(m);
		m->in_code = true;
		buf_reset(&m->code);
		break;
	case MD_BLOCK_TABLE:
		mdb_sep(m);
		m->in_table = true;
		memset(&m->tab, 0, sizeof m->tab);
		m->tab.cols = ((MD_BLOCK_TABLE_DETAIL *)detail)->col_count;
		break;
	case MD_BLOCK_P:
	case MD_BLOCK_HTML:
		mdb_sep(m);
		break;
	default:
		break;
	}
	return 0;
}

static int leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	(void)detail;
	struct md *m = ud;
	if (m->in_table && type != MD_BLOCK_TABLE) {
		if (type == MD_BLOCK_TH || type == MD_BLOCK_TD) {
			if (type == MD_BLOCK_TH)
				pop_style(m);
			cell_end(m);
		} else if (type == MD_BLOCK_THEAD) {
			m->tab.in_head = false;
		}
		return 0;
	}
	flush(m);
	switch (type) {
	case MD_BLOCK_QUOTE:
		mdb_pop_box(m);
		m->quotes--;
		m->need_blank = true;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		mdb_pop_box(m);
		if (!mdb_in_item(m))
			m->need_blank = true;
		break;
	case MD_BLOCK_LI:
		if (!m->skipped && m->nbox && m->box[m->nbox - 1].kind == BOX_LI && m->box[m->nbox - 1].first)
			mdb_prefix_line(m, lines_add(m->out, "", 0, NULL, 0), true); /* an empty item */
		mdb_pop_box(m);
		break;
	case MD_BLOCK_H:
		pop_style(m);
		m->heading = 0;
		m->need_blank = true;
		break;
	case MD_BLOCK_CODE:
		mdb_emit_code(m);
		m->in_code = false;
		m->need_blank = true;
		break;
	case MD_BLOCK_TABLE:
		m->in_table = false;
		mdb_table_end(m);
		m->need_blank = true;
		break;
	case MD_BLOCK_P:
	case MD_BLOCK_HTML:
		m->need_blank = true;
		break;
	default:
		break;
	}
	return 0;
}

static int enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
	struct md *m = ud;
	switch (type) {
	case MD_SPAN_EM: push_style(m, SLOT_CHAT_EMPHASIS); break;
	case MD_SPAN_STRONG: push_style(m, SLOT_CHAT_STRONG); break;
	case MD_SPAN_CODE: push_style(m, SLOT_CODE_INLINE); break;
	case MD_SPAN_DEL: push_style(m, SLOT_CHAT_META); break;
	case MD_SPAN_U: push_style(m, SLOT_CHAT_LINK); break;
	case MD_SPAN_A:
		free(m->href);
		m->href = attr_str(&((MD_SPAN_A_DETAIL *)detail)->href);
		m->link_start = m->in.text.len;
		push_style(m, SLOT_CHAT_LINK);
		break;
	case MD_SPAN_IMG:
		free(m->href);
		m->href = attr_str(&((MD_SPAN_IMG_DETAIL *)detail)->src);
		add_text(m, "[image: ", 8, SLOT_CHAT_META, false, -1);
		m->link_start = m->in.text.len;
		push_style(m, SLOT_CHAT_LINK);
		break;
	default: push_style(m, cur_slot(m)); break;
	}
	return 0;
}

/* After a link's text: its address, unless the text already is the address. */
static void link_end(struct md *m, bool image)
{
	const char *text = m->in.text.p ? m->in.text.p + m->link_start : "";
	size_t tl = m->in.text.len - m->link_start;
	const char *h = m->href ? m->href : "";
	size_t hl = strlen(h);
	bool same = (tl == hl && !memcmp(text, h, hl)) ||
		    (hl > 7 && !strncmp(h, "mailto:", 7) && tl == hl - 7 && !memcmp(text, h + 7, tl));
	if (image)
		add_text(m, "]", 1, SLOT_CHAT_META, false, -1);
	if (hl && !same) {
		struct buf b = {0};
		buf_adds(&b, " (");
		sanitize(h, hl, SAN_ONELINE, &b);
		buf_adds(&b, ")");
		add_text(m, b.p, b.len, SLOT_CHAT_META, false, -1);
		buf_free(&b);
	}
	free(m->href);
	m->href = NULL;
}

static int leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
	(void)detail;
	struct md *m = ud;
	pop_style(m);
	if (type == MD_SPAN_A || type == MD_SPAN_IMG)
		link_end(m, type == MD_SPAN_IMG);
	return 0;
}

static const struct {
	const char *name, *utf8;
} entities[] = {
	{"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "},
	{"mdash", "—"}, {"ndash", "–"}, {"hellip", "…"}, {"copy", "©"}, {"reg", "®"},
	{"trade", "™"}, {"laquo", "«"}, {"raquo", "»"}, {"middot", "·"}, {"deg", "°"},
	{"times", "×"}, {"rarr", "→"}, {"larr", "←"},
};

/* "&amp;" -> "&", "&#233;" -> "é"; unknown entities stay as written. The result is
 * sanitized again: "&#27;" must not become an escape. */
static void add_entity(struct md *m, const char *s, size_t n)
{
	struct buf b = {0};
	if (n > 3 && s[1] == '#') {
		bool hex = s[2] == 'x' || s[2] == 'X';
		unsigned long cp = strtoul(s + (hex ? 3 : 2), NULL, hex ? 16 : 10);
		char enc[4];
		if (cp && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
			size_t l = utf8_encode((uint32_t)cp, enc);
			sanitize(enc, l, SAN_ONELINE, &b);
		}
	} else {
		for (size_t i = 0; i < sizeof entities / sizeof *entities; i++)
			if (n == strlen(entities[i].name) + 2 && !memcmp(s + 1, entities[i].name, n - 2))
				buf_adds(&b, entities[i].utf8);
	}
	if (b.len)
		add_text(m, b.p, b.len, cur_slot(m), true, -1);
	else
		add_text(m, s, n, cur_slot(m), true, -1);
	buf_free(&b);
}

/* Text straight from the document at offset src (or generated: src -1), with the labels
 * whose place falls inside it put in; tabs become spaces when `tabs`. */
static void add_doc_text(struct md *m, const char *s, size_t n, int slot, bool markable, long src, bool tabs)
{
	if (src >= 0) {
		labels_upto(m, (size_t)src);
		m->last_end = (size_t)src + n;
	}
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		bool tab = tabs && s[i] == '\t';
		bool label = src >= 0 && m->nextlab < m->nlab &&
			     m->o->marks[m->lab[m->nextlab]].end <= m->o->base + (size_t)src + i + 1;
		if (!tab && !label)
			continue;
		add_text(m, s + start, i - start + (tab ? 0 : 1), slot, markable, src < 0 ? -1 : src + (long)start);
		if (tab) /* a tab would move the terminal's cursor: one space */
			add_text(m, " ", 1, slot, markable, src < 0 ? -1 : src + (long)i);
		start = i + 1;
		if (label)
			labels_upto(m, (size_t)src + i + 1);
	}
	add_text(m, s + start, n - start, slot, markable, src < 0 ? -1 : src + (long)start);
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
	struct md *m = ud;
	/* Text md4c did not copy points into the document: its offset places markers, marks
	 * and labels. */
	uintptr_t t = (uintptr_t)text, d = (uintptr_t)m->doc;
	long src = t >= d && t < d + m->doclen ? (long)(t - d) : -1;
	if (m->in_code) {
		buf_add(&m->code, text, size);
		return 0;
	}
	switch (type) {
	case MD_TEXT_NULLCHAR: add_text(m, "\xEF\xBF\xBD", 3, cur_slot(m), false, -1); break;
	case MD_TEXT_BR: add_text(m, "\n", 1, cur_slot(m), false, -1); break;
	case MD_TEXT_SOFTBR: add_text(m, " ", 1, cur_slot(m), true, -1); break;
	case MD_TEXT_ENTITY: add_entity(m, text, size); break;
	case MD_TEXT_CODE: add_doc_text(m, text, size, cur_slot(m), false, src, false); break;
	default: add_doc_text(m, text, size, cur_slot(m), true, src, true); break;
	}
	return 0;
}

void md_render(const char *text, size_t len, const struct md_opts *o, struct lines *out)
{
	struct md m = {0};
	m.o = o;
	m.out = out;
	/* md4c reads exactly len bytes; the copy gives on_text a terminated document to
	 * compute offsets against. */
	char *doc = xstrndup(text, len);
	m.doc = doc;
	m.doclen = len;
	struct cite_segs own = {0};
	if (!o->cites)
		cite_parse(doc, len, o->nsources, true, &own);
	m.cites = o->cites ? o->cites : &own;
	labels_init(&m);
	MD_PARSER p = {0};
	p.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML | MD_FLAG_NOINDENTEDCODEBLOCKS;
	p.enter_block = enter_block;
	p.leave_block = leave_block;
	p.enter_span = enter_span;
	p.leave_span = leave_span;
	p.text = on_text;
	md_parse(doc, (MD_SIZE)len, &p, &m);
	flush(&m);
	if (m.in_table)
		mdb_table_end(&m);
	cite_segs_free(&own);
	free(m.lab);
	free(doc);
	free(m.href);
	buf_free(&m.in.text);
	free(m.in.v);
	buf_free(&m.code);
}
