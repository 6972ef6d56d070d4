/* office.c - word processor, slide and e-book files to Markdown-like text (see text.h
 * text_from_doc): .docx and .pptx (Office Open XML), .odt and .odp (OpenDocument), .epub.
 * Headings become "# Title" lines, list items "- item", table rows "| a | b |", so the
 * Markdown chunker gives them heading paths; slides and chapters end with a form feed,
 * which the chunker counts as pages (slide N, chapter N). */
#include "index/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xmalloc.h"
#include "index/text/zipxml.h"

/* ---- the structure writer shared by the formats ------------------------------------- */
struct emit {
	struct buf *out;
	struct buf para, cell, row;
	int ncells, tdepth;
};

static void trim_into(struct buf *dst, const struct buf *src)
{
	const char *s = src->p ? src->p : "";
	size_t n = src->len;
	while (n && (s[n - 1] == ' '))
		n--;
	while (n && *s == ' ') {
		s++;
		n--;
	}
	buf_add(dst, s, n);
}

/* A paragraph ends: heading level (0 = none), list level (-1 = none). */
static void em_para(struct emit *e, int heading, int list)
{
	if (e->tdepth > 0) {
		if (e->cell.len && e->para.len)
			buf_addc(&e->cell, ' ');
		trim_into(&e->cell, &e->para);
		buf_reset(&e->para);
		return;
	}
	struct buf t = {0};
	trim_into(&t, &e->para);
	buf_reset(&e->para);
	if (t.len == 0) {
		buf_free(&t);
		return;
	}
	if (heading > 0) {
		if (heading > 6)
			heading = 6;
		buf_addc(e->out, '\n');
		for (int i = 0; i < heading; i++)
			buf_addc(e->out, '#');
		buf_addc(e->out, ' ');
		buf_add(e->out, t.p, t.len);
		buf_adds(e->out, "\n\n");
	} else if (list >= 0) {
		for (int i = 0; i < list && i < 8; i++)
			buf_adds(e->out, "  ");
		buf_adds(e->out, "- ");
		buf_add(e->out, t.p, t.len);
		buf_addc(e->out, '\n');
	} else {
		buf_add(e->out, t.p, t.len);
		buf_adds(e->out, "\n\n");
	}
	buf_free(&t);
}

static void em_cell_end(struct emit *e)
{
	if (e->tdepth != 1)
		return;
	if (e->para.len)
		em_para(e, 0, -1);
	buf_adds(&e->row, e->ncells ? " | " : "| ");
	for (size_t i = 0; i < e->cell.len; i++)
		buf_addc(&e->row, e->cell.p[i] == '|' ? '/' : e->cell.p[i]);
	buf_reset(&e->cell);
	e->ncells++;
}

static void em_row_end(struct emit *e)
{
	if (e->tdepth != 1)
		return;
	if (e->ncells) {
		buf_add(e->out, e->row.p, e->row.len);
		buf_adds(e->out, " |\n");
	}
	buf_reset(&e->row);
	e->ncells = 0;
}

static void em_table(struct emit *e, bool start)
{
	if (start) {
		if (e->tdepth == 0 && e->para.len)
			em_para(e, 0, -1);
		e->tdepth++;
	} else if (e->tdepth > 0 && --e->tdepth == 0) {
		buf_addc(e->out, '\n');
	}
}

static void em_free(struct emit *e)
{
	buf_free(&e->para);
	buf_free(&e->cell);
	buf_free(&e->row);
}

static int num_attr(xmlTextReaderPtr r, const char *local, int dflt)
{
	char *v = zx_attr(r, local);
	int n = v ? atoi(v) : dflt;
	free(v);
	return n;
}

/* ---- .docx -------------------------------------------------------------------------- */
static int heading_of_style(const char *v)
{
	if (!v)
		return 0;
	if (!strcasecmp(v, "Title"))
		return 1;
	if (!strncasecmp(v, "Heading", 7)) {
		const char *d = v + 7;
		while (*d == ' ')
			d++;
		if (*d >= '1' && *d <= '9' && !d[1])
			return *d - '0';
	}
	return 0;
}

static int docx_walk(const char *xml, size_t len, struct buf *out, char *err, size_t errlen)
{
	xmlTextReaderPtr r = zx_xml(xml, len, "word/document.xml", err, errlen);
	if (!r)
		return -1;
	struct emit e = {.out = out};
	int heading = 0, list = -1, rc;
	bool in_t = false;
	while ((rc = zx_next(r, "word/document.xml", err, errlen)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *n = zx_local(r);
		if (type == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(r);
			if (!strcmp(n, "p")) {
				heading = 0;
				list = -1;
				if (empty)
					em_para(&e, 0, -1);
			} else if (!strcmp(n, "pStyle")) {
				char *v = zx_attr(r, "val");
				heading = heading_of_style(v);
				free(v);
			} else if (!strcmp(n, "numPr")) {
				if (list < 0)
					list = 0;
			} else if (!strcmp(n, "ilvl")) {
				list = num_attr(r, "val", 0);
			} else if (!strcmp(n, "t")) {
				in_t = !empty;
			} else if (!strcmp(n, "tab") || !strcmp(n, "br") || !strcmp(n, "cr")) {
				buf_addc(&e.para, ' ');
			} else if (!strcmp(n, "tbl")) {
				em_table(&e, true);
			} else if (!strcmp(n, "tr") && empty) {
				em_row_end(&e);
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (!strcmp(n, "t"))
				in_t = false;
			else if (!strcmp(n, "p"))
				em_para(&e, heading, list);
			else if (!strcmp(n, "tc"))
				em_cell_end(&e);
			else if (!strcmp(n, "tr"))
				em_row_end(&e);
			else if (!strcmp(n, "tbl"))
				em_table(&e, false);
		} else if (in_t && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
				    type == XML_READER_TYPE_CDATA)) {
			zx_text(r, &e.para);
		}
	}
	em_para(&e, 0, -1);
	em_free(&e);
	xmlFreeTextReader(r);
	return rc < 0 ? -1 : 0;
}

/* ---- .pptx -------------------------------------------------------------------------- */
static int pptx_slide(const char *xml, size_t len, const char *what, struct buf *out, char *err, size_t errlen)
{
	xmlTextReaderPtr r = zx_xml(xml, len, what, err, errlen);
	if (!r)
		return -1;
	struct emit e = {.out = out};
	bool title = false, in_t = false;
	int rc;
	while ((rc = zx_next(r, what, err, errlen)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *n = zx_local(r);
		if (type == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(r);
			if (!strcmp(n, "sp")) {
				title = false;
			} else if (!strcmp(n, "ph")) {
				char *v = zx_attr(r, "type");
				title = v && (!strcmp(v, "title") || !strcmp(v, "ctrTitle"));
				free(v);
			} else if (!strcmp(n, "t")) {
				in_t = !empty;
			} else if (!strcmp(n, "br") || !strcmp(n, "tab")) {
				buf_addc(&e.para, ' ');
			} else if (!strcmp(n, "tbl")) {
				em_table(&e, true);
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (!strcmp(n, "t"))
				in_t = false;
			else if (!strcmp(n, "p"))
				em_para(&e, title ? 1 : 0, -1);
			else if (!strcmp(n, "tc"))
				em_cell_end(&e);
			else if (!strcmp(n, "tr"))
				em_row_end(&e);
			else if (!strcmp(n, "tbl"))
				em_table(&e, false);
			else if (!strcmp(n, "sp"))
				title = false;
		} else if (in_t && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			zx_text(r, &e.para);
		}
	}
	em_para(&e, 0, -1);
	em_free(&e);
	xmlFreeTextReader(r);
	return rc < 0 ? -1 : 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static int pptx_text(struct zx *z, struct buf *out, char *err, size_t errlen)
{
	long n = zx_count(z), *nums = NULL;
	size_t k = 0, cap = 0;
	for (long i = 0; i < n; i++) {
		const char *name = zx_name(z, i);
		long num;
		char tail[8];
		if (name && sscanf(name, "ppt/slides/slide%ld.%4s", &num, tail) == 2 && !strcmp(tail, "xml") && num > 0) {
			nums = xgrow(nums, &cap, k + 1, sizeof *nums);
			nums[k++] = num;
		}
	}
	if (k == 0) {
		free(nums);
		snprintf(err, errlen, "not a presentation: no ppt/slides/slideN.xml");
		return -1;
	}
	qsort(nums, k, sizeof *nums, cmp_long);
	int rc = 0;
	for (size_t i = 0; i < k && rc == 0; i++) {
		char name[64];
		snprintf(name, sizeof name, "ppt/slides/slide%ld.xml", nums[i]);
		struct buf xml = {0};
		rc = zx_read(z, name, &xml) < 0 ? -1 : 0;
		if (rc == 0)
			rc = pptx_slide(xml.p ? xml.p : "", xml.len, name, out, err, errlen);
		buf_addc(out, '\f'); /* slide i+1 is page i+1 */
		buf_free(&xml);
	}
	free(nums);
	return rc;
}

/* ---- .odt and .odp ------------------------------------------------------------------ */
static int odf_walk(const char *xml, size_t len, struct buf *out, char *err, size_t errlen)
{
	xmlTextReaderPtr r = zx_xml(xml, len, "content.xml", err, errlen);
	if (!r)
		return -1;
	struct emit e = {.out = out};
	int rc, lists = 0, pdepth = 0, skip = 0, heading = 0;
	bool title = false, slides = false;
	while ((rc = zx_next(r, "content.xml", err, errlen)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *n = zx_local(r);
		if (type == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(r);
			if (skip) {
				if (!empty)
					skip++;
				continue;
			}
			if (!strcmp(n, "notes") || !strcmp(n, "note-citation") || !strcmp(n, "annotation") ||
			    !strcmp(n, "tracked-changes")) {
				if (!empty)
					skip = 1;
			} else if (!strcmp(n, "h") || !strcmp(n, "p")) {
				if (pdepth == 0)
					heading = !strcmp(n, "h") ? num_attr(r, "outline-level", 1) : 0;
				if (empty)
					em_para(&e, 0, -1);
				else
					pdepth++;
			} else if (!strcmp(n, "s")) {
				buf_addc(&e.para, ' '); /* spaces collapse to one */
			} else if (!strcmp(n, "tab") || !strcmp(n, "line-break")) {
				buf_addc(&e.para, ' ');
			} else if (!strcmp(n, "list") && !empty) {
				lists++;
			} else if (!strcmp(n, "table") && !empty) {
				em_table(&e, true);
			} else if (!strcmp(n, "page") && !empty) {
				slides = true;
			} else if (!strcmp(n, "frame")) {
				char *v = zx_attr(r, "class");
				title = v && (!strcmp(v, "title") || !strcmp(v, "subtitle"));
				free(v);
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (skip) {
				skip--;
				continue;
			}
			if (!strcmp(n, "h") || !strcmp(n, "p")) {
				if (pdepth > 0 && --pdepth == 0)
					em_para(&e, title ? 1 : heading, lists > 0 ? lists - 1 : -1);
			} else if (!strcmp(n, "list")) {
				if (lists > 0)
					lists--;
			} else if (!strcmp(n, "table-cell")) {
				em_cell_end(&e);
			} else if (!strcmp(n, "table-row")) {
				em_row_end(&e);
			} else if (!strcmp(n, "table")) {
				em_table(&e, false);
			} else if (!strcmp(n, "frame")) {
				title = false;
			} else if (!strcmp(n, "page") && slides) {
				em_para(&e, 0, -1);
				buf_addc(out, '\f'); /* slide N is page N */
			}
		} else if (!skip && pdepth > 0 &&
			   (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			zx_text(r, &e.para);
		}
	}
	em_para(&e, 0, -1);
	em_free(&e);
	xmlFreeTextReader(r);
	return rc < 0 ? -1 : 0;
}

static int odf_text(struct zx *z, struct buf *out, char *err, size_t errlen)
{
	struct buf xml = {0};
	int rc = zx_odf_content(z, &xml, err, errlen);
	if (rc == 0)
		rc = odf_walk(xml.p ? xml.p : "", xml.len, out, err, errlen);
	buf_free(&xml);
	return rc ? -1 : 0;
}

/* ---- .epub -------------------------------------------------------------------------- */
/* The first attribute named local of the first element named elem, or NULL. */
static char *first_attr(const char *xml, size_t len, const char *what, const char *elem, const char *local,
			char *err, size_t errlen)
{
	xmlTextReaderPtr r = zx_xml(xml, len, what, err, errlen);
	if (!r)
		return NULL;
	char *v = NULL;
	while (!v && zx_next(r, what, err, errlen) == 1)
		if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT && !strcmp(zx_local(r), elem))
			v = zx_attr(r, local);
	xmlFreeTextReader(r);
	return v;
}

struct item {
	char *id, *href;
	bool doc;
};

static void url_decode(char *s)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		unsigned v;
		if (*p == '%' && p[1] && p[2] && sscanf(p + 1, "%2x", &v) == 1) {
			*w++ = (char)v;
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

static int epub_text(struct zx *z, struct buf *out, char *err, size_t errlen)
{
	struct buf c = {0};
	if (zx_read(z, "META-INF/container.xml", &c) != 0) {
		buf_free(&c);
		if (!err[0])
			snprintf(err, errlen, "not an EPUB: no META-INF/container.xml");
		return -1;
	}
	char *opf = first_attr(c.p, c.len, "META-INF/container.xml", "rootfile", "full-path", err, errlen);
	buf_free(&c);
	if (!opf) {
		if (!err[0])
			snprintf(err, errlen, "not an EPUB: no rootfile in META-INF/container.xml");
		return -1;
	}
	struct buf o = {0};
	int rc = zx_read(z, opf, &o);
	xmlTextReaderPtr r = rc == 0 ? zx_xml(o.p, o.len, opf, err, errlen) : NULL;
	if (rc == 1)
		snprintf(err, errlen, "not an EPUB: %s is missing", opf);
	struct item *items = NULL;
	char **spine = NULL;
	size_t ni = 0, icap = 0, ns = 0, scap = 0;
	while (r && zx_next(r, opf, err, errlen) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
			continue;
		const char *n = zx_local(r);
		if (!strcmp(n, "item")) {
			char *id = zx_attr(r, "id"), *href = zx_attr(r, "href"), *mt = zx_attr(r, "media-type"),
			     *pr = zx_attr(r, "properties");
			if (id && href) {
				items = xgrow(items, &icap, ni + 1, sizeof *items);
				items[ni].id = id;
				items[ni].href = href;
				items[ni++].doc = mt && strstr(mt, "html") && !(pr && strstr(pr, "nav"));
				id = href = NULL;
			}
			free(id);
			free(href);
			free(mt);
			free(pr);
		} else if (!strcmp(n, "itemref")) {
			char *id = zx_attr(r, "idref"), *lin = zx_attr(r, "linear");
			if (id && !(lin && !strcmp(lin, "no"))) {
				spine = xgrow(spine, &scap, ns + 1, sizeof *spine);
				spine[ns++] = id;
				id = NULL;
			}
			free(id);
			free(lin);
		}
	}
	if (r)
		xmlFreeTextReader(r);
	buf_free(&o);
	if (rc == 0 && !err[0]) {
		const char *slash = strrchr(opf, '/');
		size_t dirlen = slash ? (size_t)(slash - opf + 1) : 0;
		for (size_t i = 0; i < ns && rc == 0; i++) {
			for (size_t j = 0; j < ni; j++) {
				if (strcmp(items[j].id, spine[i]) || !items[j].doc)
					continue;
				char *name = xasprintf("%.*s%s", (int)dirlen, opf, items[j].href);
				url_decode(name);
				struct buf h = {0};
				if (zx_read(z, name, &h) < 0)
					rc = -1;
				else
					text_from_html(h.p ? h.p : "", h.len, out);
				/* chapter N is page N; a title page or cover opens chapter 1 */
				if (!strstr(items[j].href, "title") && !strstr(items[j].href, "cover"))
					buf_addc(out, '\f');
				buf_free(&h);
				free(name);
				break;
			}
		}
	} else {
		rc = -1;
	}
	for (size_t j = 0; j < ni; j++) {
		free(items[j].id);
		free(items[j].href);
	}
	for (size_t i = 0; i < ns; i++)
		free(spine[i]);
	free(items);
	free(spine);
	free(opf);
	return rc;
}

/* ---- entry ---------------------------------------------------------------------------- */
int text_from_doc(const char *ext, const char *data, size_t len, struct buf *out, char *err, size_t errlen)
{
	struct zx z;
	err[0] = '\0';
	if (zx_open(&z, data, len, err, errlen) != 0)
		return -1;
	int rc;
	if (!strcasecmp(ext, "docx")) {
		struct buf xml = {0};
		rc = zx_read(&z, "word/document.xml", &xml);
		if (rc == 1)
			snprintf(err, errlen, "not a Word document: no word/document.xml");
		if (rc == 0)
			rc = docx_walk(xml.p ? xml.p : "", xml.len, out, err, errlen);
		buf_free(&xml);
	} else if (!strcasecmp(ext, "pptx")) {
		rc = pptx_text(&z, out, err, errlen);
	} else if (!strcasecmp(ext, "epub")) {
		rc = epub_text(&z, out, err, errlen);
	} else {
		rc = odf_text(&z, out, err, errlen);
	}
	zx_close(&z);
	return rc ? -1 : 0;
}
