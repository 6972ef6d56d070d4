/* test_wrap.c - text to styled, wrapped lines, as strings. */
#include "fn_test.h"

#include <locale.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "ui/term/term.h"
#include "ui/render/wrap.h"

static char *joined(const struct lines *l)
{
	struct buf b = {0};
	for (size_t i = 0; i < l->n; i++)
		buf_addf(&b, "%s|\n", l->v[i].text);
	return buf_detach(&b);
}

static void test_widths(void **state)
{
	(void)state;
	assert_int_equal(text_width("abc", 3), 3);
	assert_int_equal(text_width("日本", 6), 4);                  /* CJK: 2 columns each */
	assert_int_equal(text_width("e\xcc\x81", 3), 1);             /* e + combining acute */
	assert_int_equal(text_width("\xf0\x9f\x99\x82", 4), 2);      /* emoji */
	assert_int_equal(text_fit("日本語", 9, 5), 6);                /* never half a character */
	assert_int_equal(text_fit("abc", 3, 10), 3);
}

static void test_wrap_at_spaces(void **state)
{
	(void)state;
	struct lines l = {0};
	wrap_plain("the quick brown fox jumps", 25, 10, SLOT_DEFAULT, &l);
	char *s = joined(&l);
	assert_string_equal(s, "the quick|\nbrown fox|\njumps|\n");
	free(s);
	lines_clear(&l);
	wrap_plain("aaaaaaaaaaaaaaa", 15, 6, SLOT_DEFAULT, &l); /* a word longer than the line */
	s = joined(&l);
	assert_string_equal(s, "aaaaaa|\naaaaaa|\naaa|\n");
	free(s);
	lines_clear(&l);
	wrap_plain("日本語のテキスト", 24, 6, SLOT_DEFAULT, &l);   /* CJK wraps by width */
	s = joined(&l);
	assert_string_equal(s, "日本語|\nのテキ|\nスト|\n");
	free(s);
	lines_free(&l);
}

/* Spans always cover the line exactly, at any width, and lines hold whole characters. */
static void test_spans_cover_lines(void **state)
{
	(void)state;
	const char *text = "A [1] b `c [2]` d [3] e f g h i j k l m n o p [1][2] q r s t 日本 u v";
	struct span sp[] = {{0, 6, SLOT_DEFAULT}, {6, 10, SLOT_CODE}, {16, strlen(text) - 16, SLOT_CHAT_CITATION}};
	for (int w = 1; w < 40; w++) {
		struct lines l = {0};
		wrap_styled(text, strlen(text), w, sp, 3, &l);
		for (size_t i = 0; i < l.n; i++) {
			size_t at = 0;
			for (size_t j = 0; j < l.v[i].nspans; j++) {
				assert_int_equal(l.v[i].spans[j].start, at);
				at += l.v[i].spans[j].len;
			}
			assert_int_equal(at, l.v[i].len);
			assert_true(text_width(l.v[i].text, l.v[i].len) <= (w < 2 ? 2 : w));
			uint32_t cp;
			for (size_t k = 0; k < l.v[i].len;) {
				int n = utf8_decode(l.v[i].text + k, l.v[i].len - k, &cp);
				assert_true(n > 0);
				k += (size_t)n;
			}
		}
		lines_free(&l);
	}
}

/* Two columns: the left one padded to its width, the separator styled, the shorter column
 * continued with empty cells, every span in place. */
static void test_side_by_side(void **state)
{
	(void)state;
	struct lines a = {0}, b = {0}, out = {0};
	wrap_plain("left column text", 16, 6, SLOT_CHAT_META, &a);
	wrap_plain("日本 right", strlen("日本 right"), 20, SLOT_CHAT_USER, &b);
	lines_side_by_side(&a, 6, &b, " │ ", SLOT_BORDER, &out);
	char *s = joined(&out);
	assert_string_equal(s, "left   │ 日本 right|\ncolumn │ |\ntext   │ |\n");
	free(s);
	for (size_t i = 0; i < out.n; i++) {
		size_t at = 0;
		for (size_t j = 0; j < out.v[i].nspans; j++) {
			assert_int_equal(out.v[i].spans[j].start, at);
			at += out.v[i].spans[j].len;
		}
		assert_int_equal(at, out.v[i].len);
	}
	assert_int_equal(out.v[0].spans[0].slot, SLOT_CHAT_META);
	assert_int_equal(out.v[0].spans[2].slot, SLOT_BORDER);
	assert_int_equal(out.v[0].spans[3].slot, SLOT_CHAT_USER);
	lines_free(&a);
	lines_free(&b);
	lines_free(&out);
}

/* A streaming answer's tail goes; its rendered prefix and code blocks stay. */
static void test_truncate(void **state)
{
	(void)state;
	struct lines l = {0};
	wrap_plain("a\nb\nc", 5, 10, SLOT_DEFAULT, &l);
	l.code = xgrow(l.code, &l.capcode, 2, sizeof *l.code);
	l.code[l.ncode++] = xstrdup("one");
	l.code[l.ncode++] = xstrdup("two");
	lines_truncate(&l, 1, 1);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.ncode, 1);
	assert_string_equal(l.v[0].text, "a");
	lines_truncate(&l, 5, 5); /* beyond the end: nothing happens */
	assert_int_equal(l.n, 1);
	lines_free(&l);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_wrap_at_spaces),
		cmocka_unit_test(test_spans_cover_lines),
		cmocka_unit_test(test_side_by_side),
		cmocka_unit_test(test_truncate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
