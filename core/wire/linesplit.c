/* linesplit.c - line splitting for SSE and NDJSON: CR, LF, CRLF, a BOM, a cap (see linesplit.h). */
#include "core/wire/linesplit.h"

static const char bom_bytes[3] = {'\xEF', '\xBB', '\xBF'};

void linesplit_init(struct linesplit *l, size_t max, linesplit_fn *on_line, void *ctx)
{
	l->max = max;
	l->on_line = on_line;
	l->ctx = ctx;
}

void linesplit_free(struct linesplit *l)
{
	buf_free(&l->line);
}

static int stop(struct linesplit *l, int err)
{
	l->stopped = true;
	l->err = err;
	/* Nothing more will be split: give the memory back now. */
	buf_free(&l->line);
	return err;
}

/* One line has ended at s[0..len): hand it over, joined to any carried part. */
static int end_line(struct linesplit *l, const char *s, size_t len)
{
	if (l->line.len + len > l->max)
		return stop(l, LINESPLIT_ETOOBIG);
	if (l->line.len == 0) {
		l->on_line(l->ctx, s, len); /* the common case: no copy */
	} else {
		buf_add(&l->line, s, len);
		l->on_line(l->ctx, l->line.p, l->line.len);
		buf_reset(&l->line);
	}
	return LINESPLIT_OK;
}

static int scan(struct linesplit *l, const char *s, size_t n)
{
	size_t i = 0;
	if (n > 0 && l->cr) {
		l->cr = false;
		if (s[0] == '\n')
			i = 1;
	}
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '\n' && s[j] != '\r')
			j++;
		if (j == n) {
			if (l->line.len + (n - i) > l->max)
				return stop(l, LINESPLIT_ETOOBIG);
			buf_add(&l->line, s + i, n - i);
			return LINESPLIT_OK;
		}
		if (end_line(l, s + i, j - i) != LINESPLIT_OK)
			return l->err;
		if (s[j] == '\r') {
			if (j + 1 < n) {
				if (s[j + 1] == '\n')
					j++;
			} else {
				l->cr = true;
			}
		}
		i = j + 1;
	}
	return LINESPLIT_OK;
}

int linesplit_feed(struct linesplit *l, const char *data, size_t len)
{
	if (l->stopped)
		return l->err;
	size_t i = 0;
	while (!l->bom_done && i < len) {
		if (data[i] == bom_bytes[l->bom]) {
			i++;
			if (++l->bom == 3)
				l->bom_done = true;
			continue;
		}
		l->bom_done = true;
		if (l->bom > 0 && scan(l, bom_bytes, l->bom) != LINESPLIT_OK)
			return l->err;
	}
	return scan(l, data + i, len - i);
}

int linesplit_finish(struct linesplit *l)
{
	if (l->stopped)
		return l->err;
	if (!l->bom_done) {
		l->bom_done = true;
		if (l->bom > 0 && scan(l, bom_bytes, l->bom) != LINESPLIT_OK)
			return l->err;
	}
	if (l->line.len > 0) {
		/* The carried part passed the cap when it was added. */
		l->on_line(l->ctx, l->line.p, l->line.len);
		buf_reset(&l->line);
	}
	l->stopped = true;
	l->err = LINESPLIT_OK;
	return LINESPLIT_OK;
}
