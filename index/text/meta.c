/* meta.c - a document's title, tags and date (see text.h text_meta_of): Markdown front
 * matter, Office Open XML docProps/core.xml, OpenDocument meta.xml, the EPUB package (OPF). */
#include "index/text/text.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "index/text/zipxml.h"

static void trim(const char **s, size_t *n)
{
	while (*n && strchr(" \t\"'", **s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && strchr(" \t\"'\r", (*s)[*n - 1]))
		(*n)--;
}

/* Adds one tag: trimmed, lower-cased, commas and spaces made '-'; duplicates dropped. */
static void add_tag(struct text_meta *m, const char *s, size_t n)
{
	trim(&s, &n);
	if (!n)
		return;
	char t[64];
	size_t k = 0;
	for (size_t i = 0; i < n && k < sizeof t - 1; i++) {
		unsigned char c = (unsigned char)s[i];
		t[k++] = c == ',' || c == ' ' || c == '\t' ? '-' : (char)tolower(c);
	}
	t[k] = '\0';
	/* m->tags is ",a,b," so a tag is found as ",tag,". */
	char probe[68];
	snprintf(probe, sizeof probe, ",%s,", t);
	if (strstr(m->tags, probe))
		return;
	size_t have = strlen(m->tags);
	if (have + k + 2 >= sizeof m->tags)
		return;
	if (!have)
		m->tags[have++] = ',';
	memcpy(m->tags + have, t, k);
	m->tags[have + k] = ',';
	m->tags[have + k + 1] = '\0';
}

/* "a, b; c" -> three tags. */
static void add_tags(struct text_meta *m, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != ',' && s[j] != ';' && s[j] != '[' && s[j] != ']')
			j++;
		add_tag(m, s + i, j - i);
		i = j + 1;
	}
}

static void set_str(char *dst, size_t cap, const char *s, size_t n)
{
	trim(&s, &n);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The YYYY-MM-DD a date starts with, if it does. */
static void set_date(struct text_meta *m, const char *s, size_t n)
{
	trim(&s, &n);
	if (n >= 10 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3]) && s[4] == '-' && s[7] == '-') {
		memcpy(m->date, s, 10);
		m->date[10] = '\0';
	}
}

static void front_matter(const char *d, size_t len, struct text_meta *m)
{
	if (len > 65536)
		len = 65536;
	if (len < 4 || memcmp(d, "---", 3) || (d[3] != '\n' && d[3] != '\r'))
		return;
	size_t i = d[3] == '\r' ? 5 : 4;
	bool in_tags = false;
	while (i < len) {
		const char *e = memchr(d + i, '\n', len - i);
		size_t le = e ? (size_t)(e - d) : len, n = le - i;
		const char *l = d + i;
		if (n && l[n - 1] == '\r')
			n--;
		if ((n == 3 && (!memcmp(l, "---", 3) || !memcmp(l, "...", 3))))
			break;
		if (in_tags && n > 2 && (l[0] == ' ' || l[0] == '-')) {
			const char *dash = memchr(l, '-', n);
			if (dash)
				add_tag(m, dash + 1, n - (size_t)(dash + 1 - l));
		} else {
			in_tags = false;
			const char *colon = memchr(l, ':', n);
			if (colon) {
				size_t kl = (size_t)(colon - l), vl = n - kl - 1;
				const char *v = colon + 1;
				if (kl == 5 && !strncasecmp(l, "title", 5))
					set_str(m->title, sizeof m->title, v, vl);
				else if ((kl == 4 && !strncasecmp(l, "tags", 4)) || (kl == 8 && !strncasecmp(l, "keywords", 8))) {
					add_tags(m, v, vl);
					in_tags = true;
				} else if (kl == 4 && !strncasecmp(l, "date", 4))
					set_date(m, v, vl);
			}
		}
		i = le + 1;
	}
}

/* Title, keywords and dates of a metadata XML file, whichever of the formats. */
static void meta_xml(const char *xml, size_t len, const char *what, struct text_meta *m)
{
	char err[160];
	xmlTextReaderPtr r = zx_xml(xml, len, what, err, sizeof err);
	if (!r)
		return;
	enum { NONE, TITLE, TAGS, DATE } in = NONE;
	struct buf t = {0};
	int depth = 0;
	while (zx_next(r, what, err, sizeof err) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *n = zx_local(r);
		if (type == XML_READER_TYPE_ELEMENT && in == NONE && !xmlTextReaderIsEmptyElement(r)) {
			if (!strcmp(n, "title") && !m->title[0])
				in = TITLE;
			else if (!strcmp(n, "keywords") || !strcmp(n, "keyword") || !strcmp(n, "subject"))
				in = TAGS;
			else if (!m->date[0] && (!strcmp(n, "created") || !strcmp(n, "date") ||
						 !strcmp(n, "creation-date") || !strcmp(n, "modified")))
				in = DATE;
			buf_reset(&t);
			depth = xmlTextReaderDepth(r);
		} else if (type == XML_READER_TYPE_END_ELEMENT && in != NONE && xmlTextReaderDepth(r) == depth) {
			const char *s = buf_str(&t);
			if (in == TITLE)
				set_str(m->title, sizeof m->title, s, t.len);
			else if (in == TAGS)
				add_tags(m, s, t.len);
			else
				set_date(m, s, t.len);
			in = NONE;
		} else if (in != NONE && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			if (t.len < 4096)
				zx_text(r, &t);
		}
	}
	buf_free(&t);
	xmlFreeTextReader(r);
}

void text_meta_of(const char *path, const char *data, size_t len, struct text_meta *m)
{
	memset(m, 0, sizeof *m);
	if (!data)
		return;
	enum text_kind k = text_kind_of(path);
	if (k == TEXT_MARKDOWN) {
		size_t skip = len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0;
		front_matter(data + skip, len - skip, m);
		return;
	}
	if (!text_zipped(path))
		return;
	struct zx z;
	char err[200];
	if (zx_open(&z, data, len, err, sizeof err) != 0)
		return;
	struct buf x = {0};
	if (zx_read(&z, "docProps/core.xml", &x) == 0) {
		meta_xml(x.p, x.len, "docProps/core.xml", m);
	} else if (buf_reset(&x), zx_read(&z, "meta.xml", &x) == 0) {
		meta_xml(x.p, x.len, "meta.xml", m);
	} else {
		buf_reset(&x);
		struct buf c = {0};
		if (zx_read(&z, "META-INF/container.xml", &c) == 0) {
			/* the package's path, as office.c finds it */
			const char *p = memmem(c.p, c.len, "full-path=\"", 11);
			if (p) {
				p += 11;
				const char *q = memchr(p, '"', c.len - (size_t)(p - c.p));
				char opf[512];
				if (q && (size_t)(q - p) < sizeof opf) {
					memcpy(opf, p, (size_t)(q - p));
					opf[q - p] = '\0';
					if (zx_read(&z, opf, &x) == 0)
						meta_xml(x.p, x.len, opf, m);
				}
			}
		}
		buf_free(&c);
	}
	buf_free(&x);
	zx_close(&z);
}
