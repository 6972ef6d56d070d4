/* rows.c - database exports to table text, and table text to chunks of rows (see text.h
 * text_from_rows, chunk_rows). Table text: sheets separated by form feeds; a sheet may
 * open with a "#\tname" line; every other line is "<row>\t<cell>\t<cell>...", the first
 * such line of a sheet its header. */
#include "index/text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "base/utf8.h"
#include "base/xmalloc.h"
#include "index/idx.h"

/* Keys past this many in a JSON export are not columns. */
#define ROWS_MAX_KEYS 256
/* A value (nested JSON) is shown up to this many bytes. */
#define ROWS_MAX_VALUE 2000

/* ---- CSV and TSV (RFC 4180 quoting; TSV the same with tabs) --------------------------- */
static void csv_rows(const char *s, size_t len, char sep, struct buf *out)
{
	size_t i = 0;
	unsigned long row = 0;
	struct buf cell = {0}, line = {0};
	while (i < len) {
		row++;
		buf_reset(&line);
		bool any = false;
		for (;;) { /* one field */
			buf_reset(&cell);
			if (i < len && s[i] == '"') {
				i++;
				while (i < len) {
					if (s[i] == '"') {
						if (i + 1 < len && s[i + 1] == '"') {
							buf_addc(&cell, '"');
							i += 2;
							continue;
						}
						i++;
						break;
					}
					buf_addc(&cell, s[i++]);
				}
			}
			while (i < len && s[i] != sep && s[i] != '\n')
				buf_addc(&cell, s[i++]);
			if (cell.len)
				any = true;
			table_cell(&line, cell.p ? cell.p : "", cell.len);
			if (i < len && s[i] == sep) {
				i++;
				continue;
			}
			if (i < len && s[i] == '\n')
				i++;
			break;
		}
		if (any) {
			buf_addf(out, "%lu", row);
			buf_add(out, line.p, line.len);
			buf_addc(out, '\n');
		}
	}
	buf_free(&cell);
	buf_free(&line);
}

/* ---- JSON Lines and JSON arrays of objects ------------------------------------------ */
struct keys {
	char *v[ROWS_MAX_KEYS];
	size_t n;
};

static void keys_add(struct keys *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->v[i], name))
			return;
	if (k->n < ROWS_MAX_KEYS)
		k->v[k->n++] = xstrdup(name);
}

static void value_cell(struct buf *line, const cJSON *v)
{
	if (!v || cJSON_IsNull(v)) {
		table_cell(line, "", 0);
	} else if (cJSON_IsString(v)) {
		table_cell(line, v->valuestring, strlen(v->valuestring));
	} else {
		char *p = cJSON_PrintUnformatted(v);
		size_t n = p ? strlen(p) : 0;
		table_cell(line, p ? p : "", n > ROWS_MAX_VALUE ? ROWS_MAX_VALUE : n);
		free(p);
	}
}

static void json_row(struct buf *out, unsigned long row, const cJSON *o, const struct keys *k)
{
	buf_addf(out, "%lu", row);
	if (cJSON_IsObject(o)) {
		for (size_t i = 0; i < k->n; i++)
			value_cell(out, cJSON_GetObjectItemCaseSensitive(o, k->v[i]));
	} else {
		value_cell(out, o);
	}
	buf_addc(out, '\n');
}

/* JSON Lines: row N is line N (blank and invalid lines are skipped, their numbers kept).
 * An array: row N is its Nth element. The header lists the keys as first seen. */
static int json_rows(const char *s, size_t len, bool lines, struct buf *out, char *err, size_t errlen)
{
	struct keys k = {.n = 0};
	cJSON **v = NULL;
	unsigned long *num = NULL;
	size_t n = 0, cap = 0, ncap = 0;
	cJSON *arr = NULL;
	if (lines) {
		unsigned long ln = 0;
		for (size_t i = 0; i < len;) {
			const char *e = memchr(s + i, '\n', len - i);
			size_t le = e ? (size_t)(e - s) : len;
			ln++;
			cJSON *o = cJSON_ParseWithLength(s + i, le - i);
			if (o) {
				v = xgrow(v, &cap, n + 1, sizeof *v);
				num = xgrow(num, &ncap, n + 1, sizeof *num);
				v[n] = o;
				num[n++] = ln;
			}
			i = le + 1;
		}
	} else {
		arr = cJSON_ParseWithLength(s, len);
		if (!cJSON_IsArray(arr)) {
			cJSON_Delete(arr);
			snprintf(err, errlen, "not a JSON array");
			return -1;
		}
	}
	const cJSON *it;
	if (arr) {
		cJSON_ArrayForEach(it, arr)
			if (cJSON_IsObject(it))
				for (const cJSON *f = it->child; f; f = f->next)
					keys_add(&k, f->string ? f->string : "");
	}
	for (size_t i = 0; i < n; i++)
		if (cJSON_IsObject(v[i]))
			for (const cJSON *f = v[i]->child; f; f = f->next)
				keys_add(&k, f->string ? f->string : "");
	buf_adds(out, "0");
	if (k.n == 0)
		table_cell(out, "value", 5);
	for (size_t i = 0; i < k.n; i++)
		table_cell(out, k.v[i], strlen(k.v[i]));
	buf_addc(out, '\n');
	unsigned long row = 0;
	if (arr)
		cJSON_ArrayForEach(it, arr)
			json_row(out, ++row, it, &k);
	for (size_t i = 0; i < n; i++) {
		json_row(out, num[i], v[i], &k);
		cJSON_Delete(v[i]);
	}
	cJSON_Delete(arr);
	free(v);
	free(num);
	for (size_t i = 0; i < k.n; i++)
		free(k.v[i]);
	return 0;
}

int text_from_rows(const char *ext, const char *data, size_t len, struct buf *out, char *err, size_t errlen)
{
	if (!strcasecmp(ext, "jsonl") || !strcasecmp(ext, "ndjson"))
		return json_rows(data, len, true, out, err, errlen);
	if (!strcasecmp(ext, "json"))
		return json_rows(data, len, false, out, err, errlen);
	char sep = !strcasecmp(ext, "tsv") || !strcasecmp(ext, "tab") ? '\t' : ',';
	if (sep == ',') { /* "a;b;c" exports (European spreadsheets) */
		const char *e = memchr(data, '\n', len);
		size_t hl = e ? (size_t)(e - data) : len, commas = 0, semis = 0;
		for (size_t i = 0; i < hl; i++) {
			commas += data[i] == ',';
			semis += data[i] == ';';
		}
		if (semis > commas)
			sep = ';';
	}
	csv_rows(data, len, sep, out);
	return 0;
}

bool text_is_json_rows(const char *data, size_t len)
{
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", data[i]))
		i++;
	if (i >= len || data[i] != '[')
		return false;
	for (i++; i < len && strchr(" \t\r\n", data[i]); i++)
		;
	return i < len && data[i] == '{';
}

/* ---- chunks of rows ----------------------------------------------------------------- */
struct line {
	size_t s, e;        /* the line, without its newline */
	unsigned long row;  /* its number */
	const char *cells;  /* after the number: "\tcell\tcell" */
	size_t ncells;      /* bytes of cells */
};

static bool next_line(const char *t, size_t len, size_t *p, struct line *l)
{
	if (*p >= len || t[*p] == '\f')
		return false;
	size_t s = *p, e = s;
	while (e < len && t[e] != '\n' && t[e] != '\f')
		e++;
	*p = e < len && t[e] == '\n' ? e + 1 : e;
	l->s = s;
	l->e = e;
	size_t i = s;
	l->row = 0;
	while (i < e && t[i] >= '0' && t[i] <= '9')
		l->row = l->row * 10 + (unsigned long)(t[i++] - '0');
	l->cells = t + i;
	l->ncells = e - i;
	return true;
}

/* "\ta\tb" -> "| a | b |" */
static void render(struct buf *b, const char *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (cells[i] == '\t')
			buf_adds(b, i ? " | " : "| ");
		else
			buf_addc(b, cells[i] == '|' ? '/' : cells[i]);
	}
	buf_adds(b, n ? " |\n" : "|\n");
}

struct rows_chunk {
	struct buf text;
	size_t start, end, chars;
	unsigned long first, last;
	bool open;
};

static void flush_rows(struct rows_chunk *c, struct chunk_list *out, uint32_t page, const char *heading)
{
	if (!c->open)
		return;
	struct chunk ch = {
		.byte_start = c->start, .byte_end = c->end,
		.line_start = (uint32_t)c->first, .line_end = (uint32_t)c->last,
		.page = page, .heading = xstrdup(heading),
	};
	while (c->text.len && c->text.p[c->text.len - 1] == '\n')
		c->text.len--;
	ch.text = xmalloc(c->text.len + 1);
	memcpy(ch.text, c->text.p ? c->text.p : "", c->text.len);
	ch.text[c->text.len] = '\0';
	out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
	out->v[out->n++] = ch;
	buf_reset(&c->text);
	c->open = false;
}

void chunk_rows(const char *text, size_t len, const struct chunk_opts *o, struct chunk_list *out)
{
	size_t target = o && o->target_chars ? o->target_chars : IDX_CHUNK_CHARS;
	bool sheets = memchr(text, '\f', len) != NULL;
	uint32_t page = 0;
	size_t p = 0;
	struct buf head = {0}, name = {0}, r = {0};
	struct rows_chunk c = {.open = false};
	while (p < len) {
		page++;
		buf_reset(&head);
		buf_reset(&name);
		bool have_head = false;
		struct line l;
		while (next_line(text, len, &p, &l)) {
			if (text[l.s] == '#' && !have_head) {
				buf_reset(&name);
				utf8_repair(l.cells + 2, l.ncells > 2 ? l.ncells - 2 : 0, &name); /* "#\tname" */
				continue;
			}
			buf_reset(&r);
			render(&r, l.cells, l.ncells);
			if (!have_head) {
				have_head = true;
				if (name.len) {
					buf_adds(&head, "Sheet: ");
					buf_add(&head, name.p, name.len);
					buf_addc(&head, '\n');
				}
				buf_add(&head, r.p, r.len);
				/* A header alone is its own chunk only when no rows follow. */
				c.start = l.s;
				c.end = l.e;
				c.first = c.last = l.row;
				buf_add(&c.text, head.p, head.len);
				c.chars = utf8_count(head.p, head.len);
				c.open = true;
				continue;
			}
			size_t rc = utf8_count(r.p, r.len);
			bool only_head = c.open && c.first == c.last && c.text.len == head.len;
			if (c.open && !only_head && c.chars + rc > target)
				flush_rows(&c, out, sheets ? page : 0, buf_str(&name));
			if (!c.open) {
				buf_add(&c.text, head.p, head.len);
				c.chars = utf8_count(head.p, head.len);
				c.open = true;
				c.start = l.s;
				c.first = l.row;
			} else if (only_head) {
				c.start = l.s;
				c.first = l.row;
			}
			buf_add(&c.text, r.p, r.len);
			c.chars += rc;
			c.end = l.e;
			c.last = l.row;
		}
		flush_rows(&c, out, sheets ? page : 0, buf_str(&name));
		if (p < len && text[p] == '\f')
			p++;
	}
	buf_free(&head);
	buf_free(&name);
	buf_free(&r);
	buf_free(&c.text);
}
