/* ndjson.c - newline-delimited JSON framing (see ndjson.h). */
#include "ndjson.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"

struct ndjson {
	struct ndjson_callbacks cb;
	size_t max;
	struct buf line; /* a line not yet ended, carried across slices */
	unsigned bom;    /* bytes of a leading BOM matched so far */
	bool bom_done;
	bool cr;         /* the previous slice ended in CR */
	bool stopped;
	int err;
};

static const char bom_bytes[3] = {'\xEF', '\xBB', '\xBF'};

struct ndjson *ndjson_new(const struct ndjson_callbacks *cb)
{
	struct ndjson *p = xcalloc(1, sizeof *p);
	if (cb)
		p->cb = *cb;
	p->max = NDJSON_DEFAULT_MAX;
	return p;
}

void ndjson_free(struct ndjson *p)
{
	if (!p)
		return;
	buf_free(&p->line);
	free(p);
}

void ndjson_set_max(struct ndjson *p, size_t max_bytes)
{
	p->max = max_bytes ? max_bytes : NDJSON_DEFAULT_MAX;
}

const char *ndjson_strerror(int code)
{
	switch (code) {
	case NDJSON_OK:
		return "no error";
	case NDJSON_ETOOBIG:
		return "a line from the server was longer than the limit";
	}
	return "unknown NDJSON error";
}

static int stop(struct ndjson *p, int err)
{
	p->stopped = true;
	p->err = err;
	buf_free(&p->line);
	return err;
}

static void deliver(struct ndjson *p, const char *l, size_t len)
{
	size_t i = 0;
	while (i < len && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i == len)
		return;
	if (p->cb.on_line)
		p->cb.on_line(p->cb.ctx, l, len);
}

static int end_line(struct ndjson *p, const char *s, size_t len)
{
	if (p->line.len + len > p->max)
		return stop(p, NDJSON_ETOOBIG);
	if (p->line.len == 0) {
		deliver(p, s, len);
	} else {
		buf_add(&p->line, s, len);
		deliver(p, p->line.p, p->line.len);
		buf_reset(&p->line);
	}
	return NDJSON_OK;
}

static int scan(struct ndjson *p, const char *s, size_t n)
{
	size_t i = 0;
	if (n > 0 && p->cr) {
		p->cr = false;
		if (s[0] == '\n')
			i = 1;
	}
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '\n' && s[j] != '\r')
			j++;
		if (j == n) {
			if (p->line.len + (n - i) > p->max)
				return stop(p, NDJSON_ETOOBIG);
			buf_add(&p->line, s + i, n - i);
			return NDJSON_OK;
		}
		if (end_line(p, s + i, j - i) != NDJSON_OK)
			return p->err;
		if (s[j] == '\r') {
			if (j + 1 < n) {
				if (s[j + 1] == '\n')
					j++;
			} else {
				p->cr = true;
			}
		}
		i = j + 1;
	}
	return NDJSON_OK;
}

int ndjson_feed(struct ndjson *p, const char *data, size_t len)
{
	if (p->stopped)
		return p->err;
	size_t i = 0;
	while (!p->bom_done && i < len) {
		if (data[i] == bom_bytes[p->bom]) {
			i++;
			if (++p->bom == 3)
				p->bom_done = true;
			continue;
		}
		p->bom_done = true;
		if (p->bom > 0 && scan(p, bom_bytes, p->bom) != NDJSON_OK)
			return p->err;
	}
	return scan(p, data + i, len - i);
}

int ndjson_finish(struct ndjson *p)
{
	if (p->stopped)
		return p->err;
	if (!p->bom_done) {
		p->bom_done = true;
		if (p->bom > 0 && scan(p, bom_bytes, p->bom) != NDJSON_OK)
			return p->err;
	}
	if (p->line.len > 0) {
		deliver(p, p->line.p, p->line.len);
		buf_reset(&p->line);
	}
	p->stopped = true;
	p->err = NDJSON_OK;
	return NDJSON_OK;
}
