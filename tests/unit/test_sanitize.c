/* test_sanitize.c - the trust-boundary sanitizer: nothing a terminal acts on gets through. */
#include "fn_test.h"

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"

static char *san(const char *s, size_t len, unsigned flags)
{
	struct buf b = {0};
	sanitize(s, len, flags, &b);
	return buf_detach(&b);
}

/* Output that a terminal could act on: any C0 byte but LF/TAB, DEL, any C1 code point,
 * invalid UTF-8, bidi/zero-width/tag code points. */
static void assert_inert(const char *out, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(out + i, len - i, &cp);
		if (n <= 0)
			fail_msg("invalid UTF-8 in output at %zu", i);
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
			fail_msg("control U+%04X reached the output at %zu", (unsigned)cp, i);
		if (cp == 0x202E || cp == 0x200B || (cp >= 0xE0000 && cp <= 0xE007F) || cp == '\r')
			fail_msg("invisible U+%04X reached the output at %zu", (unsigned)cp, i);
		i += (size_t)n;
	}
}

static void expect(const char *in, size_t len, const char *want)
{
	char *out = san(in, len, 0);
	assert_string_equal(out, want);
	assert_inert(out, strlen(out));
	free(out);
}
#define EXPECT(lit, want) expect(lit, sizeof(lit) - 1, want)

static void test_clean_text_unchanged(void **state)
{
	(void)state;
	EXPECT("hello, world\n\tcafé 日本語 🙂", "hello, world\n\tcafé 日本語 🙂");
	struct buf b = {0};
	assert_int_equal(sanitize("plain", 5, 0, &b), 0);
	buf_free(&b);
}

static void test_escape_sequences(void **state)
{
	(void)state;
	EXPECT("\x1b]52;c;ZXZpbA==\x07", "^[]52;c;ZXZpbA==^G");                  /* OSC 52 clipboard */
	EXPECT("\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
	       "^[]8;;http://evil^[\\link^[]8;;^[\\");                            /* OSC 8 link */
	EXPECT("\x1b]0;pwned\x07", "^[]0;pwned^G");                               /* title */
	EXPECT("\x1b[6n", "^[[6n");                                               /* DSR */
	EXPECT("\x1bP$qm\x1b\\", "^[P$qm^[\\");                                   /* DECRQSS */
	EXPECT("real\rfake", "real^Mfake");
	EXPECT("abc\b\b\bxyz", "abc^H^H^Hxyz");
	EXPECT("a\x7f" "b", "a^?b");
	EXPECT("\xc2\x9b" "31m", "\\x9b31m");                                     /* U+009B CSI */
	EXPECT("\x9b" "31m", "\xEF\xBF\xBD" "31m");                               /* raw 0x9B */
	EXPECT("a\r\nb", "a\nb");
	EXPECT("\x00x", "^@x");
}

static void test_invisible_marked(void **state)
{
	(void)state;
	EXPECT("report\xe2\x80\xae" "fdp.exe", "report<U+202E>fdp.exe");
	EXPECT("zero\xe2\x80\x8bwidth", "zero<U+200B>width");
	/* "hi" written in tag characters */
	EXPECT("x\xf3\xa0\x81\xa8\xf3\xa0\x81\xa9y", "x<tags:hi>y");
	/* an emoji ZWJ sequence stays whole */
	EXPECT("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9");
}

static void test_oneline(void **state)
{
	(void)state;
	char *out = san("a\nb\tc", 5, SAN_ONELINE);
	assert_string_equal(out, "a^Jb c");
	free(out);
}

static const char *const attacks[] = {
	"\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;http://x\x1b\\t\x1b]8;;\x1b\\", "\x1b]0;t\x07",
	"\x1b[6n", "\x1bP$qm\x1b\\", "real\rfake", "ab\b\bcd", "\xc2\x9b" "2J", "\x9b" "2J",
	"f\xe2\x80\xae" "gpj.exe", "\xf3\xa0\x81\xa8\xf3\xa0\x81\xa9", "x\xe2\x80\x8b" "y",
};

/* Each attack split into two writes at every offset: both halves come out inert. */
static void test_split_every_offset(void **state)
{
	(void)state;
	for (size_t a = 0; a < sizeof attacks / sizeof *attacks; a++) {
		size_t len = strlen(attacks[a]);
		for (size_t cut = 0; cut <= len; cut++) {
			struct buf b = {0};
			sanitize(attacks[a], cut, 0, &b);
			sanitize(attacks[a] + cut, len - cut, 0, &b);
			assert_inert(b.p ? b.p : "", b.len);
			buf_free(&b);
		}
	}
}

/* A streaming caller holding back with sanitize_hold gets the same output as one write. */
static void test_hold_keeps_characters_whole(void **state)
{
	(void)state;
	const char *s = "°C \xf0\x9f\x99\x82 a\r\nb";
	size_t len = strlen(s);
	char *whole = san(s, len, 0);
	for (size_t cut = 0; cut <= len; cut++) {
		struct buf out = {0}, pending = {0};
		buf_add(&pending, s, cut);
		size_t n = sanitize_hold(pending.p ? pending.p : "", pending.len);
		sanitize(pending.p, n, 0, &out);
		buf_consume(&pending, n);
		buf_add(&pending, s + cut, len - cut);
		sanitize(pending.p, pending.len, 0, &out);
		assert_string_equal(buf_str(&out), whole);
		buf_free(&out);
		buf_free(&pending);
	}
	free(whole);
}

static void test_utf8_decode_strict(void **state)
{
	(void)state;
	uint32_t cp;
	assert_int_equal(utf8_decode("\xc0\xaf", 2, &cp), 0);          /* overlong */
	assert_int_equal(utf8_decode("\xed\xa0\x80", 3, &cp), 0);      /* surrogate */
	assert_int_equal(utf8_decode("\xf4\x90\x80\x80", 4, &cp), 0);  /* > U+10FFFF */
	assert_int_equal(utf8_decode("\xe2\x82", 2, &cp), -1);         /* incomplete */
	assert_int_equal(utf8_decode("\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20AC);
	struct buf b = {0};
	assert_int_equal(utf8_repair("a\xff" "b", 3, &b), 1);
	assert_string_equal(buf_str(&b), "a\xEF\xBF\xBD" "b");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_text_unchanged),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_invisible_marked),
		cmocka_unit_test(test_oneline),
		cmocka_unit_test(test_split_every_offset),
		cmocka_unit_test(test_hold_keeps_characters_whole),
		cmocka_unit_test(test_utf8_decode_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
