/* html.c - HTML to text (see text.h text_from_html): tags dropped, block tags as line breaks,
 * headings as Markdown, entities decoded. Its own file so the zip extractors (office.c),
 * which read EPUB chapters with it, do not link back to extract.c. */
#include "index/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"

/* ---- HTML --------------------------------------------------------------------------- */

static const struct entity {
	const char *name;
	uint32_t cp;
} entities[] = { /* sorted by name (C locale) */
	{"AElig", 0xC6}, {"Aacute", 0xC1}, {"Agrave", 0xC0}, {"Auml", 0xC4}, {"Ccedil", 0xC7},
	{"Eacute", 0xC9}, {"Egrave", 0xC8}, {"Ntilde", 0xD1}, {"Oacute", 0xD3}, {"Ouml", 0xD6},
	{"Uuml", 0xDC}, {"aacute", 0xE1}, {"acirc", 0xE2}, {"aelig", 0xE6}, {"agrave", 0xE0},
	{"alpha", 0x3B1}, {"amp", '&'}, {"apos", '\''}, {"aring", 0xE5}, {"auml", 0xE4},
	{"beta", 0x3B2}, {"bull", 0x2022}, {"ccedil", 0xE7}, {"cent", 0xA2}, {"copy", 0xA9},
	{"dagger", 0x2020}, {"deg", 0xB0}, {"delta", 0x3B4}, {"divide", 0xF7}, {"eacute", 0xE9},
	{"ecirc", 0xEA}, {"egrave", 0xE8}, {"euml", 0xEB}, {"euro", 0x20AC}, {"gamma", 0x3B3},
	{"ge", 0x2265}, {"gt", '>'}, {"hellip", 0x2026}, {"iacute", 0xED}, {"icirc", 0xEE},
	{"iexcl", 0xA1}, {"iquest", 0xBF}, {"iuml", 0xEF}, {"lambda", 0x3BB}, {"laquo", 0xAB},
	{"larr", 0x2190}, {"ldquo", 0x201C}, {"le", 0x2264}, {"lsaquo", 0x2039}, {"lsquo", 0x2018},
	{"lt", '<'}, {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7}, {"minus", 0x2212},
	{"mu", 0x3BC}, {"nbsp", 0xA0}, {"ndash", 0x2013}, {"ne", 0x2260}, {"ntilde", 0xF1},
	{"oacute", 0xF3}, {"ocirc", 0xF4}, {"ouml", 0xF6}, {"para", 0xB6}, {"pi", 0x3C0},
	{"plusmn", 0xB1}, {"pound", 0xA3}, {"quot", '"'}, {"raquo", 0xBB}, {"rarr", 0x2192},
	{"rdquo", 0x201D}, {"reg", 0xAE}, {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sect", 0xA7},
	{"sigma", 0x3C3}, {"szlig", 0xDF}, {"theta", 0x3B8}, {"times", 0xD7}, {"trade", 0x2122},
	{"uacute", 0xFA}, {"ucirc", 0xFB}, {"uuml", 0xFC}, {"yen", 0xA5},
};

/* HTML maps numeric references 0x80..0x9F to Windows-1252 (0 = keep as is). */
static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
	0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Decodes the character reference at s[0..len) (s[0] == '&'). Returns the bytes used and
 * sets *cp, or 0 when it is not a valid reference (the '&' is then plain text). */
static size_t entity_at(const char *s, size_t len, uint32_t *cp)
{
	size_t i = 1;
	if (i < len && s[i] == '#') {
		i++;
		int hex = i < len && (s[i] == 'x' || s[i] == 'X');
		if (hex)
			i++;
		uint32_t v = 0;
		size_t d0 = i;
		for (; i < len && i - d0 < 8; i++) {
			char c = s[i];
			int dv;
			if (c >= '0' && c <= '9')
				dv = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				dv = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				dv = c - 'A' + 10;
			else
				break;
			v = v * (hex ? 16 : 10) + (uint32_t)dv;
		}
		if (i == d0 || i >= len || s[i] != ';')
			return 0;
		if (v >= 0x80 && v <= 0x9F && cp1252[v - 0x80])
			v = cp1252[v - 0x80];
		if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		*cp = v;
		return i + 1;
	}
	char name[16];
	size_t n = 0;
	while (i < len && n < sizeof name - 1 && is_alnum(s[i]))
		name[n++] = s[i++];
	if (n == 0 || i >= len || s[i] != ';')
		return 0;
	name[n] = '\0';
	size_t lo = 0, hi = sizeof entities / sizeof *entities;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, entities[mid].name);
		if (c == 0) {
			*cp = entities[mid].cp;
			return i + 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

enum { TAG_INLINE, TAG_LINE, TAG_PARA, TAG_CELL, TAG_SKIP };

static const struct tagkind {
	const char *name;
	unsigned char kind;
} tags[] = { /* sorted */
	{"address", TAG_PARA}, {"article", TAG_PARA}, {"aside", TAG_PARA},
	{"blockquote", TAG_PARA}, {"br", TAG_LINE}, {"caption", TAG_LINE}, {"dd", TAG_LINE},
	{"details", TAG_PARA}, {"div", TAG_LINE}, {"dl", TAG_PARA}, {"dt", TAG_LINE},
	{"figcaption", TAG_LINE}, {"figure", TAG_PARA}, {"footer", TAG_PARA}, {"form", TAG_PARA},
	{"h1", TAG_PARA}, {"h2", TAG_PARA}, {"h3", TAG_PARA}, {"h4", TAG_PARA}, {"h5", TAG_PARA},
	{"h6", TAG_PARA}, {"head", TAG_SKIP}, {"header", TAG_PARA}, {"hr", TAG_PARA},
	{"li", TAG_LINE}, {"main", TAG_PARA}, {"nav", TAG_PARA}, {"noscript", TAG_SKIP},
	{"ol", TAG_PARA}, {"p", TAG_PARA}, {"pre", TAG_PARA}, {"script", TAG_SKIP},
	{"section", TAG_PARA}, {"style", TAG_SKIP}, {"summary", TAG_LINE}, {"table", TAG_PARA},
	{"td", TAG_CELL}, {"template", TAG_SKIP}, {"th", TAG_CELL}, {"title", TAG_SKIP},
	{"tr", TAG_LINE}, {"ul", TAG_PARA},
};

static int tag_kind(const char *name)
{
	size_t lo = 0, hi = sizeof tags / sizeof *tags;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, tags[mid].name);
		if (c == 0)
			return tags[mid].kind;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return TAG_INLINE;
}

/* Finds the case-insensitive needle in h[from..len); returns its offset or len. */
static size_t find_ci(const char *h, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = from; i + n <= len; i++) {
		const char *p = memchr(h + i, '<', len - i);
		if (!p)
			break;
		i = (size_t)(p - h);
		if (i + n <= len && strncasecmp(h + i, needle, n) == 0)
			return i;
	}
	return len;
}

struct html_out {
	struct buf *b;
	int nl;       /* newlines at the end of what was written (2 = a blank line) */
	int space;    /* a collapsed space is pending */
	int pre;      /* inside <pre>: whitespace kept */
	int started;  /* some text was written */
	int cells;    /* cells written in the open table row, -1 outside a row */
};

static void html_break(struct html_out *o, int want)
{
	o->space = 0;
	if (!o->started)
		return;
	while (o->nl < want) {
		buf_addc(o->b, '\n');
		o->nl++;
	}
}

static void html_text(struct html_out *o, const char *s, size_t n)
{
	if (o->space && o->nl == 0 && o->started)
		buf_addc(o->b, ' ');
	o->space = 0;
	buf_add(o->b, s, n);
	o->nl = s[n - 1] == '\n' ? 1 : 0;
	o->started = 1;
}

/* HTML headings are written as Markdown ATX headings ("## Title") so that the chunker,
 * which treats TEXT_HTML like Markdown, gives HTML chunks heading paths too. */
void text_from_html(const char *h, size_t len, struct buf *out)
{
	struct html_out o = {out, 2, 0, 0, 0, -1};
	size_t i = 0;
	while (i < len) {
		char c = h[i];
		if (c == '<' && i + 1 < len) {
			if (h[i + 1] == '!') {
				size_t end;
				if (i + 4 <= len && !strncmp(h + i, "<!--", 4)) {
					const char *p = memmem(h + i + 4, len - i - 4, "-->", 3);
					end = p ? (size_t)(p - h) + 3 : len;
				} else {
					const char *p = memchr(h + i, '>', len - i);
					end = p ? (size_t)(p - h) + 1 : len;
				}
				i = end;
				continue;
			}
			if (h[i + 1] == '?') {
				const char *p = memchr(h + i, '>', len - i);
				i = p ? (size_t)(p - h) + 1 : len;
				continue;
			}
			size_t j = i + 1;
			int closing = 0;
			if (h[j] == '/') {
				closing = 1;
				j++;
			}
			if (j < len && ((h[j] >= 'a' && h[j] <= 'z') || (h[j] >= 'A' && h[j] <= 'Z'))) {
				char name[16];
				size_t n = 0;
				while (j < len && ((h[j] >= 'a' && h[j] <= 'z') || (h[j] >= 'A' && h[j] <= 'Z') ||
						   (h[j] >= '0' && h[j] <= '9') || h[j] == '-')) {
					if (n < sizeof name - 1)
						name[n++] = (char)(h[j] | 0x20);
					j++;
				}
				name[n] = '\0';
				/* Skip attributes up to '>', honouring quotes. */
				char q = 0;
				while (j < len && (q || h[j] != '>')) {
					if (q && h[j] == q)
						q = 0;
					else if (!q && (h[j] == '"' || h[j] == '\''))
						q = h[j];
					j++;
				}
				i = j < len ? j + 1 : len;
				int kind = tag_kind(name);
				if (kind == TAG_SKIP && !closing) {
					/* The content of script/style/head goes too; a head without its end tag
					 * ends where the body begins. */
					char endtag[24];
					snprintf(endtag, sizeof endtag, "</%s", name);
					size_t e = find_ci(h, len, i, endtag);
					if (!strcmp(name, "head")) {
						size_t body = find_ci(h, len, i, "<body");
						if (body < e)
							e = body;
					}
					i = e;
				} else if (kind == TAG_PARA || kind == TAG_LINE) {
					/* A table row is "| a | b |", a list item "- item" (EPUB chapters
					 * keep their structure for the chunker, as office files do). */
					if (!strcmp(name, "tr") && closing && o.cells > 0) {
						o.space = 1;
						html_text(&o, "|", 1);
					}
					html_break(&o, kind == TAG_PARA ? 2 : 1);
					if (!strcmp(name, "tr"))
						o.cells = closing ? -1 : 0;
					if (!strcmp(name, "li") && !closing) {
						html_text(&o, "-", 1);
						o.space = 1;
					}
					if (!strcmp(name, "pre"))
						o.pre = !closing;
					if (!closing && name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) {
						char mark[8];
						int lv = name[1] - '0';
						memset(mark, '#', (size_t)lv);
						html_text(&o, mark, (size_t)lv);
						o.space = 1;
					}
				} else if (kind == TAG_CELL && !closing) {
					o.space = 1;
					if (o.cells >= 0) {
						html_text(&o, "|", 1);
						o.space = 1;
						o.cells++;
					}
				}
				continue;
			}
		}
		if (c == '&') {
			uint32_t cp;
			size_t n = entity_at(h + i, len - i, &cp);
			if (n) {
				char enc[4];
				size_t k = utf8_encode(cp == 0xA0 ? ' ' : cp, enc);
				html_text(&o, enc, k);
				i += n;
				continue;
			}
		}
		if (!o.pre && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
			if (o.started && o.nl == 0)
				o.space = 1;
			i++;
			continue;
		}
		/* A run of plain text up to the next markup or whitespace. */
		size_t j = i + 1;
		while (j < len && h[j] != '<' && h[j] != '&' &&
		       (o.pre || (h[j] != ' ' && h[j] != '\t' && h[j] != '\n' && h[j] != '\r' && h[j] != '\f')))
			j++;
		html_text(&o, h + i, j - i);
		i = j;
	}
	if (o.started && o.nl == 0)
		buf_addc(out, '\n');
	else if (o.started && o.nl > 1)
		out->p[out->len -= (size_t)o.nl - 1] = '\0';
}

