/* buf.h - a growable byte buffer, always NUL-terminated.
 *
 * A zeroed `struct buf` is an empty buffer; `p` may be NULL until the first add. The buffer
 * owns `p`: release it with buf_free, or take it with buf_detach (caller frees). Not shared
 * between threads. */
#ifndef FN_BUF_H
#define FN_BUF_H

#include <stddef.h>

struct buf {
	char *p;
	size_t len;
	size_t cap;
};

void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for `len` more bytes and returns where they go; buf_commit adds them. */
char *buf_reserve(struct buf *b, size_t len);
void buf_commit(struct buf *b, size_t len);
/* Drops the first `n` bytes. */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Returns the string (never NULL, caller frees) and leaves the buffer empty. */
char *buf_detach(struct buf *b);
/* Returns the contents as a C string ("" when empty); valid until the next change. */
const char *buf_str(const struct buf *b);

#endif
