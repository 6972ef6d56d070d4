/* utf8.h - strict UTF-8 decoding and repair. Pure functions, any thread. */
#ifndef FN_UTF8_H
#define FN_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define UTF8_REPLACEMENT 0xFFFDu

/* Decodes one code point at s[0..len). Returns the number of bytes used (1..4) and sets *cp,
 * or returns 0 when the bytes there are not valid UTF-8 (overlong forms, surrogates and
 * values above U+10FFFF are invalid) and -1 when they are a valid but incomplete prefix. */
int utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp (at most 4 bytes) into out; returns the byte count. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Length of the longest prefix of s that does not end inside an incomplete code point: a
 * streaming reader passes that prefix on and keeps the rest for the next read. */
size_t utf8_complete_len(const char *s, size_t len);
/* Appends s to out with every invalid byte replaced by U+FFFD. Returns how many bytes were
 * replaced. */
size_t utf8_repair(const char *s, size_t len, struct buf *out);
/* Number of code points (invalid bytes count as one each). */
size_t utf8_count(const char *s, size_t len);

#endif
