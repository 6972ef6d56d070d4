/* fuzz_sanitize.c - the sanitizer (base/sanitize.h), the gate before every terminal. Checks
 * that the output is valid UTF-8 with no byte or character a terminal acts on (C0 except LF
 * and TAB, DEL, C1, bidi and zero-width controls, line separators, tag characters), that
 * SAN_ONELINE output has no LF or TAB, that a clean text comes out unchanged, that the
 * output is itself clean (sanitizing twice changes nothing) and that sanitize_hold never
 * keeps more than an incomplete character or a final CR. */
#include <string.h>

#include "base/sanitize.h"
#include "tests/fuzz/fuzz.h"

static int dangerous(uint32_t cp, unsigned flags)
{
	if (cp == '\n' || cp == '\t')
		return (flags & SAN_ONELINE) != 0;
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0xe0000 && cp <= 0xe007f);
}

static void check_clean(const struct buf *b, unsigned flags)
{
	const char *s = buf_str(b);
	FUZZ_CHECK(strlen(s) == b->len);
	for (size_t i = 0; i < b->len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, b->len - i, &cp);
		FUZZ_CHECK(n > 0);
		FUZZ_CHECK(!dangerous(cp, flags));
		i += (size_t)n;
	}
}

static void one(const char *s, size_t len, unsigned flags)
{
	struct buf out = {0}, again = {0};
	size_t changed = sanitize(s, len, flags, &out);
	check_clean(&out, flags);
	if (!changed)
		FUZZ_CHECK(out.len == len && !memcmp(buf_str(&out), s, len));
	FUZZ_CHECK(sanitize(buf_str(&out), out.len, flags, &again) == 0);
	FUZZ_CHECK(again.len == out.len && !memcmp(buf_str(&again), buf_str(&out), out.len));
	buf_free(&out);
	buf_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	one(s, size, 0);
	one(s, size, SAN_ONELINE);
	size_t h = sanitize_hold(s, size);
	FUZZ_CHECK(h <= size && size - h <= 4);
	return 0;
}
