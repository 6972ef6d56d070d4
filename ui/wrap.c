/* wrap.c - display widths, slot names, and text to wrapped styled lines (see wrap.h). */
#include "ui/wrap.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/utf8.h"
#include "base/xmalloc.h"
#include "ui/term.h"

static const char *const slot_names[SLOT_COUNT] = {
	"default", "chat.user", "chat.assistant", "chat.meta", "chat.citation", "chat.citation.bad",
	"chat.heading", "chat.error", "chat.reasoning", "code", "sources.title", "sources.path",
	"sources.selected", "sources.uncited", "sources.stale", "input", "input.prompt", "status",
	"status.streaming", "status.error", "status.profile", "border", "border.focus",
	"chat.emphasis", "chat.strong", "chat.link", "chat.quote", "chat.search", "chat.uncited",
	"code.inline", "sources.match", "marker",
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

void lines_clear(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].spans);
	}
	l->n = 0;
	for (size_t i = 0; i < l->ncode; i++)
		free(l->code[i]);
	l->ncode = 0;
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

size_t cite_marker_len(const char *s, size_t len, int *first)
{
	if (len < 3 || s[0] != '[' || !isdigit((unsigned char)s[1]))
		return 0;
	size_t i = 1;
	*first = 0;
	bool any = false;
	while (i < len && (isdigit((unsigned char)s[i]) || s[i] == ',' || s[i] == ' ' || s[i] == '-')) {
		if (!any && isdigit((unsigned char)s[i]))
			*first = *first * 10 + (s[i] - '0');
		else if (!isdigit((unsigned char)s[i]))
			any = true;
		i++;
	}
	return i < len && s[i] == ']' && i <= 24 ? i + 1 : 0;
}

int cite_marker_ok(const char *s, size_t len, cite_check_fn ok, void *ctx)
{
	if (!ok)
		return 1;
	/* Every number in the marker must exist; a range a-b checks both ends. */
	for (size_t i = 1; i < len;) {
		if (!isdigit((unsigned char)s[i])) {
			i++;
			continue;
		}
		int n = 0;
		while (i < len && isdigit((unsigned char)s[i]))
			n = n * 10 + (s[i++] - '0');
		if (!ok(ctx, n))
			return 0;
	}
	return 1;
}

void render_message(const char *text, size_t len, int width, int base_slot, cite_check_fn ok,
		    void *ctx, struct lines *out)
{
	const char *p = text, *end = text + len;
	bool in_code = false;
	while (p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct segs segs = {0};
		const char *q = p;
		while (q < p + n && *q == ' ')
			q++;
		bool fence = (size_t)(p + n - q) >= 3 && (!strncmp(q, "```", 3) || !strncmp(q, "~~~", 3));
		if (fence || in_code) {
			/* Code keeps its lines: clipped, never re-wrapped. */
			seg_add(&segs, 0, n, fence ? SLOT_CHAT_META : SLOT_CODE);
			emit(out, p, 0, text_fit(p, n, width), &segs);
			if (fence)
				in_code = !in_code;
		} else if (n && *q == '#') {
			size_t h = (size_t)(q - p);
			while (h < n && p[h] == '#')
				h++;
			while (h < n && p[h] == ' ')
				h++;
			seg_add(&segs, 0, n - h, SLOT_CHAT_HEADING);
			wrap_segs(p + h, n - h, width, &segs, out);
		} else {
			size_t i = 0, plain = 0;
			bool tick = false;
			while (i < n) {
				int first;
				size_t m = tick ? 0 : cite_marker_len(p + i, n - i, &first);
				if (p[i] == '`') {
					seg_add(&segs, plain, i - plain, tick ? SLOT_CODE : base_slot);
					seg_add(&segs, i, 1, SLOT_CODE);
					tick = !tick;
					plain = ++i;
				} else if (m) {
					seg_add(&segs, plain, i - plain, base_slot);
					seg_add(&segs, i, m, cite_marker_ok(p + i, m, ok, ctx) ? SLOT_CHAT_CITATION
											  : SLOT_CHAT_CITATION_BAD);
					i += m;
					plain = i;
				} else {
					i++;
				}
			}
			seg_add(&segs, plain, n - plain, tick ? SLOT_CODE : base_slot);
			wrap_segs(p, n, width, &segs, out);
		}
		free(segs.v);
		if (!nl)
			break;
		p = nl + 1;
	}
}
