/* xmalloc.h - allocation that never returns NULL.
 *
 * footnote treats running out of memory as fatal: every allocator here prints one line
 * naming the size asked for and aborts (tmux's xmalloc.c does the same). Callers never check
 * for NULL. Any thread may call these. */
#ifndef FN_XMALLOC_H
#define FN_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows an array to hold at least `need` elements of `elem` bytes, doubling; updates *cap. */
void *xgrow(void *ptr, size_t *cap, size_t need, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a va_list (for functions that take a format of their own); caller frees. */
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
