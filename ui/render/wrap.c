/* wrap.c - display widths, slot names, and text to wrapped styled lines (see wrap.h). */
#include "ui/render/wrap.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/utf8.h"
#include "base/xmalloc.h"
#include "ui/term/term.h"

static const char *const slot_names[SLOT_COUNT] = {
	"default", "chat.user", "chat.assistant", "chat.meta", "chat.citation", "chat.citation.bad",
	"chat.heading", "chat.error", "chat.reasoning", "code", "sources.title", "sources.path",
	"sources.selected", "sources.uncited", "sources.stale", "input", "input.prompt", "status",
	"status.streaming", "status.error", "status.profile", "border", "border.focus",
	"chat.emphasis", "chat.strong", "chat.link", "chat.quote", "chat.search", "chat.uncited",
	"code.inline", "sources.match", "marker", "chat.unsupported", "chat.attached",
	"sources.verified", "sources.unsupported",
};

int slot_from_name(const char *name)
{
	for (int i = 0; i < SLOT_COUNT; i++)
		if (!strcmp(slot_names[i], name))
			return i;
	return -1;
}

const char *slot_name(int slot)
{
	return slot >= 0 && slot < SLOT_COUNT ? slot_names[slot] : "?";
}

static int cp_width(uint32_t cp)
{
	if (cp < 0x7F)
		return cp >= 0x20 ? 1 : 0;
	int w = wcwidth((wchar_t)cp);
	if (w >= 0)
		return w;
	/* Not printable in this locale: the sanitizer already made controls visible, so this
	 * is an unassigned or private code point; count it as one column. */
	return 1;
}

int text_width(const char *s, size_t len)
{
	int w = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n <= 0) {
			w++;
			i++;
			continue;
		}
		w += cp_width(cp);
		i += (size_t)n;
	}
	return w;
}

size_t text_fit(const char *s, size_t len, int cols)
{
	int w = 0;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		int cw = n > 0 ? cp_width(cp) : 1;
		if (w + cw > cols)
			break;
		w += cw;
		i += n > 0 ? (size_t)n : 1;
	}
	return i;
}

void lines_truncate(struct lines *l, size_t n, size_t ncode)
{
	for (size_t i = n; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].spans);
	}
	if (n < l->n)
		l->n = n;
	for (size_t i = ncode; i < l->ncode; i++)
		free(l->code[i]);
	if (ncode < l->ncode)
		l->ncode = ncode;
}

void lines_clear(struct lines *l)
{
	lines_truncate(l, 0, 0);
}

void lines_free(struct lines *l)
{
	lines_clear(l);
	free(l->v);
	free(l->code);
	l->v = NULL;
	l->code = NULL;
	l->cap = l->capcode = 0;
}

struct line *lines_add(struct lines *out, const char *text, size_t len, const struct span *spans,
		       size_t nspans)
{
	out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
	struct line *ln = &out->v[out->n++];
	ln->text = xstrndup(text, len);
	ln->len = len;
	ln->spans = nspans ? xmalloc(nspans * sizeof *spans) : NULL;
	if (nspans)
		memcpy(ln->spans, spans, nspans * sizeof *spans);
	ln->nspans = nspans;
	ln->code = 0;
	return ln;
}

void line_prepend(struct line *ln, const char *prefix, size_t plen, int slot)
{
	if (!plen)
		return;
	char *t = xmalloc(ln->len + plen + 1);
	memcpy(t, prefix, plen);
	memcpy(t + plen, ln->text, ln->len + 1);
	free(ln->text);
	ln->text = t;
	ln->len += plen;
	for (size_t i = 0; i < ln->nspans; i++)
		ln->spans[i].start += plen;
	if (ln->nspans && ln->spans[0].slot == slot) {
		ln->spans[0].start = 0;
		ln->spans[0].len += plen;
		return;
	}
	ln->spans = xrealloc(ln->spans, (ln->nspans + 1) * sizeof *ln->spans);
	memmove(ln->spans + 1, ln->spans, ln->nspans * sizeof *ln->spans);
	ln->nspans++;
	ln->spans[0] = (struct span){0, plen, slot};
}

void line_pad(struct line *ln, int width, int slot)
{
	int w = text_width(ln->text, ln->len);
	if (w >= width)
		return;
	size_t pad = (size_t)(width - w);
	ln->text = xrealloc(ln->text, ln->len + pad + 1);
	memset(ln->text + ln->len, ' ', pad);
	ln->text[ln->len + pad] = '\0';
	if (ln->nspans && ln->spans[ln->nspans - 1].slot == slot) {
		ln->spans[ln->nspans - 1].len += pad;
	} else {
		ln->spans = xrealloc(ln->spans, (ln->nspans + 1) * sizeof *ln->spans);
		ln->spans[ln->nspans++] = (struct span){ln->len, pad, slot};
	}
	ln->len += pad;
}

/* Appends text to dst with its spans shifted (or one span in slot when it has none). */
static void line_append(struct line *dst, const char *text, size_t len, const struct span *spans, size_t nspans,
			int slot)
{
	dst->text = xrealloc(dst->text, dst->len + len + 1);
	memcpy(dst->text + dst->len, text, len);
	dst->text[dst->len + len] = '\0';
	dst->spans = xrealloc(dst->spans, (dst->nspans + (nspans ? nspans : 1)) * sizeof *dst->spans);
	if (!nspans && len)
		dst->spans[dst->nspans++] = (struct span){dst->len, len, slot};
	for (size_t i = 0; i < nspans; i++)
		dst->spans[dst->nspans++] = (struct span){dst->len + spans[i].start, spans[i].len, spans[i].slot};
	dst->len += len;
}

void lines_side_by_side(const struct lines *a, int wa, const struct lines *b, const char *sep, int sep_slot,
			struct lines *out)
{
	size_t rows = a->n > b->n ? a->n : b->n;
	for (size_t r = 0; r < rows; r++) {
		struct line *ln = lines_add(out, "", 0, NULL, 0);
		if (r < a->n)
			line_append(ln, a->v[r].text, a->v[r].len, a->v[r].spans, a->v[r].nspans, SLOT_DEFAULT);
		line_pad(ln, wa, SLOT_DEFAULT);
		line_append(ln, sep, strlen(sep), NULL, 0, sep_slot);
		if (r < b->n)
			line_append(ln, b->v[r].text, b->v[r].len, b->v[r].spans, b->v[r].nspans, SLOT_DEFAULT);
	}
}

/* Segments of one logical line: byte ranges with a slot. */
struct segs {
	struct span *v;
	size_t n, cap;
};

static void seg_add(struct segs *s, size_t start, size_t len, int slot)
{
	if (!len)
		return;
	if (s->n && s->v[s->n - 1].slot == slot && s->v[s->n - 1].start + s->v[s->n - 1].len == start) {
		s->v[s->n - 1].len += len;
		return;
	}
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
	s->v[s->n++] = (struct span){start, len, slot};
}

static void emit(struct lines *out, const char *text, size_t a, size_t b, const struct segs *segs)
{
	out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
	struct line *ln = &out->v[out->n++];
	ln->text = xstrndup(text + a, b - a);
	ln->len = b - a;
	ln->spans = NULL;
	ln->nspans = 0;
	ln->code = 0;
	size_t cap = 0;
	for (size_t i = 0; i < segs->n; i++) {
		size_t s = segs->v[i].start, e = s + segs->v[i].len;
		if (e <= a || s >= b)
			continue;
		if (s < a)
			s = a;
		if (e > b)
			e = b;
		ln->spans = xgrow(ln->spans, &cap, ln->nspans + 1, sizeof *ln->spans);
		ln->spans[ln->nspans++] = (struct span){s - a, e - s, segs->v[i].slot};
	}
}

/* Greedy wrap of text[0..len) at spaces, by display width; words wider than the line are
 * cut at character boundaries. */
static void wrap_segs(const char *text, size_t len, int width, const struct segs *segs,
		      struct lines *out)
{
	if (width < 1)
		width = 1;
	if (len == 0) {
		emit(out, text, 0, 0, segs);
		return;
	}
	size_t start = 0;
	while (start < len) {
		size_t fit = start + text_fit(text + start, len - start, width);
		if (fit >= len) {
			emit(out, text, start, len, segs);
			return;
		}
		size_t brk = fit;
		while (brk > start && text[brk] != ' ')
			brk--;
		if (brk == start) { /* one long word: cut it, at least one whole character */
			uint32_t cp;
			int n = utf8_decode(text + start, len - start, &cp);
			brk = fit > start ? fit : start + (n > 0 ? (size_t)n : 1);
		}
		size_t end = brk;
		while (end > start && text[end - 1] == ' ')
			end--;
		emit(out, text, start, end, segs);
		start = brk;
		while (start < len && text[start] == ' ')
			start++;
	}
}

void wrap_plain(const char *text, size_t len, int width, int slot, struct lines *out)
{
	const char *p = text, *end = text + len;
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct segs segs = {0};
		seg_add(&segs, 0, n, slot);
		wrap_segs(p, n, width, &segs, out);
		free(segs.v);
		if (!nl)
			break;
		p = nl + 1;
	}
}

void wrap_styled(const char *text, size_t len, int width, const struct span *spans, size_t nspans,
		 struct lines *out)
{
	size_t at = 0;
	for (;;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - text - at) : len - at;
		struct segs segs = {0};
		for (size_t i = 0; i < nspans; i++) {
			size_t s = spans[i].start, e = s + spans[i].len;
			if (e <= at || s >= at + n)
				continue;
			s = s < at ? at : s;
			e = e > at + n ? at + n : e;
			seg_add(&segs, s - at, e - s, spans[i].slot);
		}
		wrap_segs(text + at, n, width, &segs, out);
		free(segs.v);
		if (!nl)
			break;
		at += n + 1;
	}
}
