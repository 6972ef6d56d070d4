/* sheet.c - spreadsheets (.xlsx, .ods) to table text (see text.h text_from_sheet; .xlsx date
 * cells, by their style, as YYYY-MM-DD rather than serial numbers): each
 * sheet a "#\tname" line, then its non-empty rows as "<row>\t<cell>\t<cell>" lines, then a
 * form feed. chunk_rows (rows.c) reads it back. */
#include "index/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/xmalloc.h"
#include "index/text/zipxml.h"

/* Columns past this one are not read; rows repeated (ODF) past this count are written once. */
#define SHEET_MAX_COLS 1024
#define SHEET_MAX_REPEAT 1000

void table_cell(struct buf *out, const char *s, size_t n)
{
	buf_addc(out, '\t');
	while (n && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		buf_addc(out, c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ? ' ' : c);
	}
}

/* A row of cells (NULL = empty) as a table text line; nothing when every cell is empty. */
static void put_row(struct buf *out, unsigned long row, char **cells, size_t n)
{
	while (n && (!cells[n - 1] || !*cells[n - 1]))
		n--;
	if (!n)
		return;
	buf_addf(out, "%lu", row);
	for (size_t i = 0; i < n; i++)
		table_cell(out, cells[i] ? cells[i] : "", cells[i] ? strlen(cells[i]) : 0);
	buf_addc(out, '\n');
}

static void sheet_name(struct buf *out, const char *name)
{
	buf_adds(out, "#");
	table_cell(out, name ? name : "", name ? strlen(name) : 0);
	buf_addc(out, '\n');
}

struct cells {
	char **v;
	size_t n, cap;
};

static void cells_set(struct cells *c, size_t col, char *s)
{
	if (col >= SHEET_MAX_COLS) {
		free(s);
		return;
	}
	if (col >= c->cap) {
		size_t old = c->cap;
		c->v = xgrow(c->v, &c->cap, col + 1, sizeof *c->v);
		memset(c->v + old, 0, (c->cap - old) * sizeof *c->v);
	}
	free(c->v[col]);
	c->v[col] = s;
	if (col + 1 > c->n)
		c->n = col + 1;
}

static void cells_clear(struct cells *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i]);
		c->v[i] = NULL;
	}
	c->n = 0;
}

/* ---- .xlsx -------------------------------------------------------------------------- */
struct strs {
	char **v;
	size_t n, cap;
};

static int xlsx_strings(const char *xml, size_t len, struct strs *s, char *err, size_t errlen)
{
	xmlTextReaderPtr r = zx_xml(xml, len, "xl/sharedStrings.xml", err, errlen);
	if (!r)
		return -1;
	struct buf cur = {0};
	bool in_t = false, in_rph = false;
	int rc;
	while ((rc = zx_next(r, "xl/sharedStrings.xml", err, errlen)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *n = zx_local(r);
		if (type == XML_READER_TYPE_ELEMENT) {
			if (!strcmp(n, "si"))
				buf_reset(&cur);
			else if (!strcmp(n, "t"))
				in_t = !xmlTextReaderIsEmptyElement(r);
			else if (!strcmp(n, "rPh")) /* phonetic guides: not the cell's text */
				in_rph = !xmlTextReaderIsEmptyElement(r);
			if (!strcmp(n, "si") && xmlTextReaderIsEmptyElement(r)) {
				s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
				s->v[s->n++] = xstrdup("");
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (!strcmp(n, "t")) {
				in_t = false;
			} else if (!strcmp(n, "rPh")) {
				in_rph = false;
			} else if (!strcmp(n, "si")) {
				s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
				s->v[s->n++] = xstrdup(buf_str(&cur));
			}
		} else if (in_t && !in_rph &&
			   (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			zx_text(r, &cur);
		}
	}
	buf_free(&cur);
	xmlFreeTextReader(r);
	return rc < 0 ? -1 : 0;
}

/* Which cell styles (xl/styles.xml cellXfs, by index) show a number as a date: the built-in
 * date formats 14-22 and 45-47, and custom formats with a y or d outside quotes. */
struct dates {
	unsigned char *v;
	size_t n;
};

static bool date_code(const char *code)
{
	bool q = false;
	for (const char *p = code; *p; p++) {
		if (*p == '"')
			q = !q;
		else if (!q && *p == '\\' && p[1])
			p++;
		else if (!q && *p == '[') /* [Red], [$-409] */
			p += strcspn(p, "]") - (p[strcspn(p, "]")] ? 0 : 1);
		else if (!q && (*p == 'y' || *p == 'Y' || *p == 'd' || *p == 'D'))
			return true;
	}
	return false;
}

static void xlsx_dates(const char *xml, size_t len, struct dates *d)
{
	char err[160];
	xmlTextReaderPtr r = zx_xml(xml, len, "xl/styles.xml", err, sizeof err);
	if (!r)
		return;
	long custom[64];
	size_t nc = 0, cap = 0;
	bool in_xfs = false;
	while (zx_next(r, "xl/styles.xml", err, sizeof err) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *n = zx_local(r);
		if (type == XML_READER_TYPE_END_ELEMENT && !strcmp(n, "cellXfs"))
			in_xfs = false;
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (!strcmp(n, "numFmt") && nc < sizeof custom / sizeof *custom) {
			char *id = zx_attr(r, "numFmtId"), *code = zx_attr(r, "formatCode");
			if (id && code && date_code(code))
				custom[nc++] = atol(id);
			free(id);
			free(code);
		} else if (!strcmp(n, "cellXfs")) {
			in_xfs = !xmlTextReaderIsEmptyElement(r);
		} else if (in_xfs && !strcmp(n, "xf") && d->n < 65536) {
			char *id = zx_attr(r, "numFmtId");
			long f = id ? atol(id) : 0;
			free(id);
			bool date = (f >= 14 && f <= 22) || (f >= 45 && f <= 47);
			for (size_t i = 0; i < nc && !date; i++)
				date = custom[i] == f;
			d->v = xgrow(d->v, &cap, d->n + 1, 1);
			d->v[d->n++] = date;
		}
	}
	xmlFreeTextReader(r);
}

/* A date serial (days since 1899-12-30, the 1900 system) as "YYYY-MM-DD" (and " HH:MM"
 * when it has a time); false when it is not a plausible one. */
static bool serial_date(const char *v, char *out, size_t outlen)
{
	char *end;
	double x = strtod(v, &end);
	if (*end || x < 1 || x > 2958465) /* 9999-12-31 */
		return false;
	long days = (long)x;
	int mins = (int)((x - (double)days) * 1440 + 0.5);
	if (mins >= 1440) {
		days++;
		mins -= 1440;
	}
	/* Civil from days (Howard Hinnant), days counted from 1970-01-01. */
	long z = days - 25569 + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (mins)
		snprintf(out, outlen, "%04d-%02d-%02d %02d:%02d", (int)y % 10000, (int)m % 100, (int)d % 100, mins / 60,
			 mins % 60);
	else
		snprintf(out, outlen, "%04d-%02d-%02d", (int)y % 10000, (int)m % 100, (int)d % 100);
	return true;
}

/* "BC12" -> column 54 (0-based), or -1. */
static long col_of(const char *ref)
{
	long c = 0;
	int k = 0;
	for (; *ref >= 'A' && *ref <= 'Z' && k < 4; ref++, k++)
		c = c * 26 + (*ref - 'A' + 1);
	return k ? c - 1 : -1;
}

static int xlsx_sheet(const char *xml, size_t len, const char *what, const struct strs *ss,
		      const struct dates *dates, struct buf *out, char *err, size_t errlen)
{
	xmlTextReaderPtr r = zx_xml(xml, len, what, err, errlen);
	if (!r)
		return -1;
	struct cells row = {0};
	struct buf val = {0};
	unsigned long rownum = 0;
	long col = -1, next = 0;
	char *t = NULL;
	long style = 0;
	bool in_v = false;
	int rc;
	while ((rc = zx_next(r, what, err, errlen)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *n = zx_local(r);
		if (type == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(r);
			if (!strcmp(n, "row")) {
				char *rv = zx_attr(r, "r");
				rownum = rv ? strtoul(rv, NULL, 10) : rownum + 1;
				free(rv);
				cells_clear(&row);
				next = 0;
			} else if (!strcmp(n, "c")) {
				char *ref = zx_attr(r, "r");
				col = ref ? col_of(ref) : next;
				if (col < 0)
					col = next;
				free(ref);
				free(t);
				t = zx_attr(r, "t");
				char *sv = zx_attr(r, "s");
				style = sv ? atol(sv) : 0;
				free(sv);
				buf_reset(&val);
				next = col + 1;
			} else if (!strcmp(n, "v") || !strcmp(n, "t")) {
				in_v = !empty;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (!strcmp(n, "v") || !strcmp(n, "t")) {
				in_v = false;
			} else if (!strcmp(n, "c") && val.len) {
				char *s;
				if (t && !strcmp(t, "s")) {
					unsigned long i = strtoul(buf_str(&val), NULL, 10);
					s = xstrdup(i < ss->n ? ss->v[i] : "");
				} else if (t && !strcmp(t, "b")) {
					s = xstrdup(strcmp(buf_str(&val), "0") ? "TRUE" : "FALSE");
				} else if ((!t || !strcmp(t, "n")) && style >= 0 && (size_t)style < dates->n && dates->v[style]) {
					char d[64];
					s = xstrdup(serial_date(buf_str(&val), d, sizeof d) ? d : buf_str(&val));
				} else {
					s = xstrdup(buf_str(&val));
				}
				cells_set(&row, (size_t)col, s);
			} else if (!strcmp(n, "row")) {
				put_row(out, rownum, row.v, row.n);
			}
		} else if (in_v && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			zx_text(r, &val);
		}
	}
	cells_clear(&row);
	free(row.v);
	free(t);
	buf_free(&val);
	xmlFreeTextReader(r);
	return rc < 0 ? -1 : 0;
}

struct rel {
	char *id, *target;
};

static int xlsx_text(struct zx *z, struct buf *out, char *err, size_t errlen)
{
	struct buf wb = {0}, rels = {0}, sst = {0};
	int rc = zx_read(z, "xl/workbook.xml", &wb);
	if (rc == 1)
		snprintf(err, errlen, "not a spreadsheet: no xl/workbook.xml");
	if (rc == 0 && zx_read(z, "xl/_rels/workbook.xml.rels", &rels) < 0)
		rc = -1;
	struct strs ss = {0};
	struct dates dates = {0};
	if (rc == 0) {
		struct buf st = {0};
		if (zx_read(z, "xl/styles.xml", &st) == 0)
			xlsx_dates(st.p, st.len, &dates);
		buf_free(&st);
	}
	if (rc == 0) {
		int s = zx_read(z, "xl/sharedStrings.xml", &sst);
		if (s < 0 || (s == 0 && xlsx_strings(sst.p, sst.len, &ss, err, errlen) < 0))
			rc = -1;
	}
	struct rel *rv = NULL;
	size_t nr = 0, rcap = 0;
	xmlTextReaderPtr r = rc == 0 && rels.len ? zx_xml(rels.p, rels.len, "xl/_rels/workbook.xml.rels", err, errlen) : NULL;
	while (r && zx_next(r, "xl/_rels/workbook.xml.rels", err, errlen) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || strcmp(zx_local(r), "Relationship"))
			continue;
		rv = xgrow(rv, &rcap, nr + 1, sizeof *rv);
		rv[nr].id = zx_attr(r, "Id");
		rv[nr++].target = zx_attr(r, "Target");
	}
	if (r)
		xmlFreeTextReader(r);
	r = rc == 0 ? zx_xml(wb.p, wb.len, "xl/workbook.xml", err, errlen) : NULL;
	if (rc == 0 && !r)
		rc = -1;
	while (rc == 0 && r && zx_next(r, "xl/workbook.xml", err, errlen) == 1) {
		if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || strcmp(zx_local(r), "sheet"))
			continue;
		char *name = zx_attr(r, "name"), *id = zx_attr(r, "id");
		const char *target = NULL;
		for (size_t i = 0; id && i < nr; i++)
			if (rv[i].id && rv[i].target && !strcmp(rv[i].id, id))
				target = rv[i].target;
		if (target) {
			char *path = target[0] == '/' ? xstrdup(target + 1) : xasprintf("xl/%s", target);
			struct buf x = {0};
			sheet_name(out, name);
			if (zx_read(z, path, &x) != 0 || xlsx_sheet(x.p ? x.p : "", x.len, path, &ss, &dates, out, err, errlen) < 0) {
				if (!err[0])
					snprintf(err, errlen, "not a spreadsheet: %s is missing", path);
				rc = -1;
			}
			buf_addc(out, '\f');
			buf_free(&x);
			free(path);
		}
		free(name);
		free(id);
	}
	if (r)
		xmlFreeTextReader(r);
	for (size_t i = 0; i < nr; i++) {
		free(rv[i].id);
		free(rv[i].target);
	}
	free(rv);
	for (size_t i = 0; i < ss.n; i++)
		free(ss.v[i]);
	free(ss.v);
	free(dates.v);
	buf_free(&wb);
	buf_free(&rels);
	buf_free(&sst);
	return rc ? -1 : 0;
}

/* ---- .ods --------------------------------------------------------------------------- */
static int ods_walk(const char *xml, size_t len, struct buf *out, char *err, size_t errlen)
{
	xmlTextReaderPtr r = zx_xml(xml, len, "content.xml", err, errlen);
	if (!r)
		return -1;
	struct cells row = {0};
	struct buf cell = {0};
	unsigned long rownum = 0, rep_rows = 1;
	size_t col = 0, rep_cols = 1;
	int depth = 0, rc, pdepth = 0; /* depth: nested tables (their cells are text of the outer) */
	bool in_cell = false;
	while ((rc = zx_next(r, "content.xml", err, errlen)) == 1) {
		int type = xmlTextReaderNodeType(r);
		const char *n = zx_local(r);
		bool cellish = !strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell");
		if (type == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(r);
			if (!strcmp(n, "table") && !empty) {
				if (depth++ == 0) {
					char *name = zx_attr(r, "name");
					sheet_name(out, name);
					free(name);
					rownum = 0;
				}
			} else if (depth == 1 && !strcmp(n, "table-row")) {
				char *v = zx_attr(r, "number-rows-repeated");
				rep_rows = v ? strtoul(v, NULL, 10) : 1;
				free(v);
				if (rep_rows < 1)
					rep_rows = 1;
				cells_clear(&row);
				col = 0;
				if (empty)
					rownum += rep_rows;
			} else if (depth == 1 && cellish) {
				char *v = zx_attr(r, "number-columns-repeated");
				rep_cols = v ? strtoul(v, NULL, 10) : 1;
				free(v);
				if (rep_cols < 1)
					rep_cols = 1;
				buf_reset(&cell);
				in_cell = !empty;
				if (empty)
					col += rep_cols;
			} else if (in_cell && !strcmp(n, "p") && !empty) {
				if (pdepth++ == 0 && cell.len)
					buf_addc(&cell, ' ');
			} else if (in_cell && (!strcmp(n, "s") || !strcmp(n, "tab") || !strcmp(n, "line-break"))) {
				buf_addc(&cell, ' ');
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (!strcmp(n, "table")) {
				if (depth > 0 && --depth == 0)
					buf_addc(out, '\f');
			} else if (in_cell && !strcmp(n, "p")) {
				if (pdepth > 0)
					pdepth--;
			} else if (depth == 1 && cellish && in_cell) {
				in_cell = false;
				for (size_t k = 0; k < rep_cols && col < SHEET_MAX_COLS; k++, col++)
					if (cell.len)
						cells_set(&row, col, xstrdup(buf_str(&cell)));
				if (col >= SHEET_MAX_COLS)
					col = SHEET_MAX_COLS;
			} else if (depth == 1 && !strcmp(n, "table-row")) {
				/* An empty row repeated a million times (ODF pads sheets so) is counted,
				 * not walked; a repeated row with cells is written up to the cap. */
				unsigned long k = 0;
				for (; row.n && k < rep_rows && k < SHEET_MAX_REPEAT; k++)
					put_row(out, ++rownum, row.v, row.n);
				rownum += rep_rows - k;
			}
		} else if (in_cell && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
			zx_text(r, &cell);
		}
	}
	cells_clear(&row);
	free(row.v);
	buf_free(&cell);
	xmlFreeTextReader(r);
	return rc < 0 ? -1 : 0;
}

int text_from_sheet(const char *ext, const char *data, size_t len, struct buf *out, char *err, size_t errlen)
{
	struct zx z;
	err[0] = '\0';
	if (zx_open(&z, data, len, err, errlen) != 0)
		return -1;
	int rc;
	if (!strcasecmp(ext, "xlsx")) {
		rc = xlsx_text(&z, out, err, errlen);
	} else {
		struct buf xml = {0};
		rc = zx_odf_content(&z, &xml, err, errlen);
		if (rc == 0)
			rc = ods_walk(xml.p ? xml.p : "", xml.len, out, err, errlen);
		buf_free(&xml);
	}
	zx_close(&z);
	return rc ? -1 : 0;
}
