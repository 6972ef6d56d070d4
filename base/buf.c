/* buf.c - growable byte buffer (see buf.h). */
#include "buf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "xmalloc.h"

char *buf_reserve(struct buf *b, size_t len)
{
	b->p = xgrow(b->p, &b->cap, b->len + len + 1, 1);
	return b->p + b->len;
}

void buf_commit(struct buf *b, size_t len)
{
	b->len += len;
	b->p[b->len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	char *dst = buf_reserve(b, len);
	if (len)
		memcpy(dst, data, len);
	buf_commit(b, len);
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	/* Try in place first; only an output longer than the free space formats twice. */
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	char *dst = room ? b->p + b->len : buf_reserve(b, 64);
	room = b->cap - b->len;
	int n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= room) {
		dst = buf_reserve(b, (size_t)n);
		vsnprintf(dst, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	if (n > 0)
		buf_commit(b, (size_t)n);
	else if (b->p)
		b->p[b->len] = '\0';
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
	b->p[b->len] = '\0';
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *buf_detach(struct buf *b)
{
	char *p = b->p ? b->p : xstrdup("");
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *buf_str(const struct buf *b)
{
	return b->p ? b->p : "";
}
