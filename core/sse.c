/* sse.c - Server-Sent Events parser (see sse.h). */
#include "sse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"

struct sse {
	struct sse_callbacks cb;
	size_t max;
	struct buf line; /* a line not yet ended, carried across slices */
	struct buf data; /* the pending event's data lines, each followed by LF */
	struct buf type; /* the pending event's type; empty means "message" */
	struct buf id;   /* the last event ID; kept across events, as the spec says */
	long retry;
	unsigned bom;    /* bytes of a leading BOM matched so far */
	bool bom_done;   /* past the point where a BOM could start */
	bool cr;         /* the previous slice ended in CR: a leading LF belongs to it */
	bool stopped;
	int err;
};

static const char bom_bytes[3] = {'\xEF', '\xBB', '\xBF'};

struct sse *sse_new(const struct sse_callbacks *cb)
{
	struct sse *p = xcalloc(1, sizeof *p);
	if (cb)
		p->cb = *cb;
	p->max = SSE_DEFAULT_MAX;
	p->retry = -1;
	return p;
}

void sse_free(struct sse *p)
{
	if (!p)
		return;
	buf_free(&p->line);
	buf_free(&p->data);
	buf_free(&p->type);
	buf_free(&p->id);
	free(p);
}

void sse_set_max(struct sse *p, size_t max_bytes)
{
	p->max = max_bytes ? max_bytes : SSE_DEFAULT_MAX;
}

long sse_retry_ms(const struct sse *p)
{
	return p->retry;
}

const char *sse_strerror(int code)
{
	switch (code) {
	case SSE_OK:
		return "no error";
	case SSE_ETOOBIG:
		return "an event from the server was larger than the limit";
	}
	return "unknown SSE error";
}

static int stop(struct sse *p, int err)
{
	p->stopped = true;
	p->err = err;
	/* Nothing more will be parsed: give the memory back now rather than at sse_free. */
	buf_free(&p->line);
	buf_free(&p->data);
	buf_free(&p->type);
	return err;
}

/* Bytes the pending event holds: what the cap is measured against. */
static size_t held(const struct sse *p)
{
	return p->data.len + p->type.len + p->line.len;
}

static void dispatch(struct sse *p)
{
	if (p->data.len == 0) {
		buf_reset(&p->type);
		return;
	}
	p->data.len--; /* the LF after the last data line is not part of the data */
	p->data.p[p->data.len] = '\0';
	struct sse_event ev = {
		.type = p->type.len ? p->type.p : "message",
		.type_len = p->type.len ? p->type.len : 7,
		.data = p->data.p,
		.data_len = p->data.len,
		.id = buf_str(&p->id),
		.id_len = p->id.len,
	};
	if (p->cb.on_event)
		p->cb.on_event(p->cb.ctx, &ev);
	buf_reset(&p->data);
	buf_reset(&p->type);
}

static bool field_is(const char *f, size_t n, const char *name)
{
	return strlen(name) == n && memcmp(f, name, n) == 0;
}

static void process_line(struct sse *p, const char *l, size_t len)
{
	if (len == 0) {
		dispatch(p);
		return;
	}
	const char *colon = memchr(l, ':', len);
	size_t flen = colon ? (size_t)(colon - l) : len;
	const char *v = colon ? colon + 1 : l + len;
	size_t vlen = (size_t)(l + len - v);
	if (vlen > 0 && v[0] == ' ') {
		v++;
		vlen--;
	}
	if (flen == 0) {
		if (p->cb.on_comment)
			p->cb.on_comment(p->cb.ctx, v, vlen);
	} else if (field_is(l, flen, "data")) {
		buf_add(&p->data, v, vlen);
		buf_addc(&p->data, '\n');
	} else if (field_is(l, flen, "event")) {
		buf_reset(&p->type);
		buf_add(&p->type, v, vlen);
	} else if (field_is(l, flen, "id")) {
		if (!memchr(v, '\0', vlen)) {
			buf_reset(&p->id);
			buf_add(&p->id, v, vlen);
		}
	} else if (field_is(l, flen, "retry")) {
		long ms = 0;
		size_t i;
		for (i = 0; i < vlen && v[i] >= '0' && v[i] <= '9'; i++)
			if (ms < 100000000L)
				ms = ms * 10 + (v[i] - '0');
		if (vlen > 0 && i == vlen)
			p->retry = ms;
	} else if (field_is(l, flen, "error")) {
		if (p->cb.on_error_field)
			p->cb.on_error_field(p->cb.ctx, v, vlen);
	}
	/* Any other field is ignored, as the spec says. */
}

/* One line has ended at s[0..len): process it, joined to any carried part. */
static int end_line(struct sse *p, const char *s, size_t len)
{
	if (held(p) + len > p->max)
		return stop(p, SSE_ETOOBIG);
	if (p->line.len == 0) {
		process_line(p, s, len); /* the common case: no copy */
	} else {
		buf_add(&p->line, s, len);
		process_line(p, p->line.p, p->line.len);
		buf_reset(&p->line);
	}
	return SSE_OK;
}

static int scan(struct sse *p, const char *s, size_t n)
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
			if (held(p) + (n - i) > p->max)
				return stop(p, SSE_ETOOBIG);
			buf_add(&p->line, s + i, n - i);
			return SSE_OK;
		}
		if (end_line(p, s + i, j - i) != SSE_OK)
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
	return SSE_OK;
}

int sse_feed(struct sse *p, const char *data, size_t len)
{
	if (p->stopped)
		return p->err;
	size_t i = 0;
	/* A BOM may arrive split across slices; bytes that only looked like its start are
	 * replayed as ordinary input. */
	while (!p->bom_done && i < len) {
		if (data[i] == bom_bytes[p->bom]) {
			i++;
			if (++p->bom == 3)
				p->bom_done = true;
			continue;
		}
		p->bom_done = true;
		if (p->bom > 0 && scan(p, bom_bytes, p->bom) != SSE_OK)
			return p->err;
	}
	return scan(p, data + i, len - i);
}

int sse_finish(struct sse *p)
{
	if (p->stopped)
		return p->err;
	if (!p->bom_done) {
		p->bom_done = true;
		if (p->bom > 0 && scan(p, bom_bytes, p->bom) != SSE_OK)
			return p->err;
	}
	if (p->line.len > 0) {
		/* The carried part passed the cap when it was added. */
		process_line(p, p->line.p, p->line.len);
		buf_reset(&p->line);
	}
	dispatch(p);
	p->stopped = true;
	p->err = SSE_OK;
	return SSE_OK;
}
