/* utf8.c - strict UTF-8 decoding (see utf8.h). */
#include "utf8.h"

int utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (len == 0)
		return -1;
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int n;
	uint32_t v, min;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (int i = 1; i < n; i++) {
		if ((size_t)i >= len)
			return -1;
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
		/* Reject overlongs, surrogates and > U+10FFFF as early as the second byte. */
		if (i == 1) {
			if (n == 3 && c == 0xE0 && s[1] < 0xA0)
				return 0;
			if (n == 3 && c == 0xED && s[1] >= 0xA0)
				return 0;
			if (n == 4 && c == 0xF0 && s[1] < 0x90)
				return 0;
			if (n == 4 && c == 0xF4 && s[1] >= 0x90)
				return 0;
		}
	}
	if (v < min)
		return 0;
	*cp = v;
	return n;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_complete_len(const char *s, size_t len)
{
	/* Only the last three bytes can start an incomplete sequence. */
	size_t start = len > 3 ? len - 3 : 0;
	for (size_t i = start; i < len; i++) {
		uint32_t cp;
		if (utf8_decode(s + i, len - i, &cp) == -1)
			return i;
	}
	return len;
}

size_t utf8_repair(const char *s, size_t len, struct buf *out)
{
	size_t bad = 0, i = 0, run = 0;
	while (i < len) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n > 0) {
			i += (size_t)n;
			continue;
		}
		buf_add(out, s + run, i - run);
		buf_add(out, "\xEF\xBF\xBD", 3);
		bad++;
		i++;
		run = i;
	}
	buf_add(out, s + run, len - run);
	return bad;
}

size_t utf8_count(const char *s, size_t len)
{
	size_t n = 0, i = 0;
	while (i < len) {
		uint32_t cp;
		int k = utf8_decode(s + i, len - i, &cp);
		i += k > 0 ? (size_t)k : 1;
		n++;
	}
	return n;
}
