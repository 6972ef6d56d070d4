/* sse.c - Server-Sent Events parser (see sse.h). */
#include "core/wire/sse.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/wire/linesplit.h"

struct sse {
	struct sse_callbacks cb;
	size_t max;
	struct linesplit lines; /* its cap is what max leaves after data and type */
	struct buf data; /* the pending event's data lines, each followed by LF */
	struct buf type; /* the pending event's type; empty means "message" */
	struct buf id;   /* the last event ID; kept across events, as the spec says */
	long retry;
	bool stopped;
	int err;
};

static void on_line(void *ctx, const char *l, size_t len);

struct sse *sse_new(const struct sse_callbacks *cb)
{
	struct sse *p = xcalloc(1, sizeof *p);
	if (cb)
		p->cb = *cb;
	p->max = SSE_DEFAULT_MAX;
	p->retry = -1;
	linesplit_init(&p->lines, p->max, on_line, p);
	return p;
}

void sse_free(struct sse *p)
{
	if (!p)
		return;
	linesplit_free(&p->lines);
	buf_free(&p->data);
	buf_free(&p->type);
	buf_free(&p->id);
	free(p);
}

void sse_set_max(struct sse *p, size_t max_bytes)
{
	p->max = max_bytes ? max_bytes : SSE_DEFAULT_MAX;
	p->lines.max = p->max;
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
	linesplit_free(&p->lines);
	buf_free(&p->data);
	buf_free(&p->type);
	return err;
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

/* The cap is measured against all the pending event holds: its data and type, and the line
 * being read. So the line may have what data and type leave. */
static void on_line(void *ctx, const char *l, size_t len)
{
	struct sse *p = ctx;
	process_line(p, l, len);
	size_t kept = p->data.len + p->type.len;
	p->lines.max = kept < p->max ? p->max - kept : 0;
}

int sse_feed(struct sse *p, const char *data, size_t len)
{
	if (p->stopped)
		return p->err;
	if (linesplit_feed(&p->lines, data, len) != LINESPLIT_OK)
		return stop(p, SSE_ETOOBIG);
	return SSE_OK;
}

int sse_finish(struct sse *p)
{
	if (p->stopped)
		return p->err;
	if (linesplit_finish(&p->lines) != LINESPLIT_OK)
		return stop(p, SSE_ETOOBIG);
	dispatch(p);
	p->stopped = true;
	p->err = SSE_OK;
	return SSE_OK;
}
