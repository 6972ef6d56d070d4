/* units.c - a passage read by its structure (see units.h). */
#include "core/answer/units.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"

struct splitter {
	struct units *out;
	int source;
	const char *heading;
	size_t hlen;
	/* The open block: [bs, be), its kind and the indent of its first line. */
	const char *bs, *be;
	enum unit_kind kind;
	size_t indent;
};

static bool is_blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

static void add_unit(struct splitter *sp, const char *s, const char *e)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (s == e)
		return;
	struct units *u = sp->out;
	u->v = xgrow(u->v, &u->cap, u->n + 1, sizeof *u->v);
	u->v[u->n] = (struct unit){s, (size_t)(e - s), sp->heading, sp->hlen, sp->kind, sp->source, u->n};
	u->n++;
}

/* "e.g." and its kind, and initials ("J. Smith"), do not end a sentence. */
static bool abbreviation(const char *start, const char *dot)
{
	static const char *const abbr[] = {"e.g", "i.e", "etc", "vs", "cf", "fig", "al", "dr", "mr", "mrs",
					   "ms", "no", "st", "approx", "resp", "eq", "ca", "viz"};
	const char *w = dot;
	while (w > start && !isspace((unsigned char)w[-1]) && w[-1] != '(')
		w--;
	size_t n = (size_t)(dot - w);
	if (n == 1 && isupper((unsigned char)*w))
		return true;
	for (size_t i = 0; i < sizeof abbr / sizeof *abbr; i++)
		if (strlen(abbr[i]) == n && !strncasecmp(w, abbr[i], n))
			return true;
	return false;
}

/* Where the sentence that starts at s ends (exclusive), within [s, e). */
static const char *sentence_end(const char *s, const char *e)
{
	bool code = false;
	for (const char *p = s; p < e; p++) {
		if (*p == '`') {
			code = !code;
			continue;
		}
		if (code)
			continue;
		if (e - p >= 3 && (!memcmp(p, "\xe3\x80\x82", 3) || !memcmp(p, "\xef\xbc\x81", 3) ||
				   !memcmp(p, "\xef\xbc\x9f", 3)))
			return p + 3;
		if (*p != '.' && *p != '!' && *p != '?')
			continue;
		const char *q = p + 1;
		while (q < e && strchr("\"')]*", *q))
			q++;
		if (q < e && !isspace((unsigned char)*q))
			continue;
		const char *n = q;
		bool line = false;
		for (; n < e && isspace((unsigned char)*n); n++)
			line = line || *n == '\n';
		if (n == e)
			return e;
		unsigned char c = (unsigned char)*n;
		if (!line && !(isupper(c) || isdigit(c) || c >= 0x80 || strchr("\"'([`*", c)))
			continue;
		if (*p == '.' && abbreviation(s, p))
			continue;
		return q;
	}
	return e;
}

static void flush(struct splitter *sp)
{
	if (!sp->bs)
		return;
	for (const char *s = sp->bs; s < sp->be;) {
		const char *e = sentence_end(s, sp->be);
		add_unit(sp, s, e);
		s = e;
	}
	sp->bs = NULL;
}

static void open_block(struct splitter *sp, const char *s, const char *e, enum unit_kind kind, size_t indent)
{
	flush(sp);
	sp->bs = s;
	sp->be = e;
	sp->kind = kind;
	sp->indent = indent;
}

/* "- ", "* ", "+ ", "12. ", "3) ": the length of the marker with its space, or 0. */
static size_t list_marker(const char *s, const char *e)
{
	if (e - s >= 2 && strchr("-*+", *s) && (s[1] == ' ' || s[1] == '\t'))
		return 2;
	const char *p = s;
	while (p < e && p - s < 3 && isdigit((unsigned char)*p))
		p++;
	if (p > s && p + 1 < e && (*p == '.' || *p == ')') && (p[1] == ' ' || p[1] == '\t'))
		return (size_t)(p - s) + 2;
	return 0;
}

/* An option ("-n", "--group-separator=SEP") or a short key set apart from its meaning by
 * two spaces or a tab ("C-b d    Detach the current client."). */
static bool definition(const char *s, const char *e)
{
	if (e - s >= 2 && s[0] == '-' && (isalnum((unsigned char)s[1]) || s[1] == '-'))
		return true;
	int words = 1;
	for (const char *p = s; p < e && p - s <= 24; p++) {
		if (*p == '\t' || (*p == ' ' && p + 1 < e && p[1] == ' '))
			return p > s && p[-1] != '.' && p[-1] != ',' && !is_blank(p, e);
		if (*p == ' ' && ++words > 3)
			return false;
	}
	return false;
}

static bool rule_line(const char *s, const char *e, char c)
{
	size_t n = 0;
	for (; s < e; s++) {
		if (*s == c)
			n++;
		else if (!isspace((unsigned char)*s))
			return false;
	}
	return n >= 2;
}

static bool table_rule(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!strchr("|-: \t", *s))
			return false;
	return true;
}

static const char *line_end(const char *s, const char *end)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	return nl ? nl : end;
}

void units_split(const char *text, const char *heading, int source, struct units *out)
{
	struct splitter sp = {.out = out, .source = source};
	if (heading && *heading) {
		const char *last = heading, *gt;
		while ((gt = strstr(last, " > ")))
			last = gt + 3;
		sp.heading = last;
		sp.hlen = strlen(last);
	}
	const char *end = text + strlen(text);
	char fence = 0;
	for (const char *ls = text; ls < end;) {
		const char *le = line_end(ls, end), *next = le < end ? le + 1 : end;
		const char *ce = le > ls && le[-1] == '\r' ? le - 1 : le;
		const char *c = ls;
		size_t indent = 0;
		for (; c < ce && (*c == ' ' || *c == '\t'); c++)
			indent += *c == '\t' ? 4 : 1;
		if (fence) {
			if (ce - c >= 3 && c[0] == fence && c[1] == fence && c[2] == fence)
				fence = 0;
		} else if (ce - c >= 3 && (!memcmp(c, "```", 3) || !memcmp(c, "~~~", 3))) {
			flush(&sp);
			fence = *c;
		} else if (c == ce) {
			flush(&sp);
		} else if (*c == '#') {
			const char *h = c;
			while (h < ce && *h == '#')
				h++;
			if (h - c <= 6 && (h == ce || *h == ' ' || *h == '\t')) {
				flush(&sp);
				const char *he = ce;
				while (he > h && (he[-1] == '#' || isspace((unsigned char)he[-1])))
					he--;
				while (h < he && isspace((unsigned char)*h))
					h++;
				sp.heading = h;
				sp.hlen = (size_t)(he - h);
			} else if (sp.bs) {
				sp.be = ce;
			} else {
				open_block(&sp, c, ce, UNIT_SENTENCE, indent);
			}
		} else if (rule_line(c, ce, '-') || rule_line(c, ce, '*') || rule_line(c, ce, '_') ||
			   rule_line(c, ce, '=')) {
			flush(&sp); /* a thematic break, or a setext underline seen alone */
		} else if (!sp.bs && next < end && (rule_line(next, line_end(next, end), '=') ||
						   rule_line(next, line_end(next, end), '-'))) {
			sp.heading = c; /* setext: the line over "===" or "---" */
			sp.hlen = (size_t)(ce - c);
			next = line_end(next, end);
			next = next < end ? next + 1 : end;
		} else if (*c == '|') {
			flush(&sp);
			if (!table_rule(c, ce)) {
				sp.kind = UNIT_ROW;
				add_unit(&sp, c, ce);
			}
		} else if (list_marker(c, ce)) {
			open_block(&sp, c + list_marker(c, ce), ce, UNIT_ITEM, indent);
		} else if ((!sp.bs || indent <= sp.indent) && definition(c, ce)) {
			open_block(&sp, c, ce, UNIT_DEF, indent);
		} else if (*c == '>') {
			if (sp.bs && sp.kind == UNIT_SENTENCE)
				sp.be = ce;
			else
				open_block(&sp, c + 1, ce, UNIT_SENTENCE, indent);
		} else if (sp.bs && (sp.kind != UNIT_DEF || indent > sp.indent)) {
			sp.be = ce;
		} else {
			open_block(&sp, c, ce, UNIT_SENTENCE, indent);
		}
		ls = next;
	}
	flush(&sp);
}

void units_free(struct units *u)
{
	free(u->v);
	*u = (struct units){0};
}
