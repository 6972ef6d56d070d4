/* test_wrap.c - text to styled, wrapped lines, as strings. */
#include "fn_test.h"

#include <locale.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "ui/term.h"
#include "ui/wrap.h"

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

static int only_one_and_two(void *ctx, int n)
{
	(void)ctx;
	return n == 1 || n == 2;
}

static int slot_at(const struct line *ln, const char *needle)
{
	const char *p = strstr(ln->text, needle);
	if (!p)
		return -1;
	size_t off = (size_t)(p - ln->text);
	for (size_t i = 0; i < ln->nspans; i++)
		if (off >= ln->spans[i].start && off < ln->spans[i].start + ln->spans[i].len)
			return ln->spans[i].slot;
	return -2;
}

static void test_citations_and_code(void **state)
{
	(void)state;
	struct lines l = {0};
	const char *text = "Water boils at 100 C [1]. Ice [2, 1] and steam [7].\n"
			   "```sh\nls -la [3]\n```\nuse `x[1]` here\n# Title";
	render_message(text, strlen(text), 80, SLOT_CHAT_ASSISTANT, only_one_and_two, NULL, &l);
	assert_int_equal(l.n, 6);
	assert_int_equal(slot_at(&l.v[0], "[1]"), SLOT_CHAT_CITATION);
	assert_int_equal(slot_at(&l.v[0], "[2, 1]"), SLOT_CHAT_CITATION);
	assert_int_equal(slot_at(&l.v[0], "[7]"), SLOT_CHAT_CITATION_BAD); /* no source 7 */
	assert_int_equal(slot_at(&l.v[0], "Water"), SLOT_CHAT_ASSISTANT);
	assert_int_equal(slot_at(&l.v[2], "ls -la [3]"), SLOT_CODE);          /* not a marker in code */
	assert_int_equal(slot_at(&l.v[4], "x[1]"), SLOT_CODE);
	assert_int_equal(slot_at(&l.v[5], "Title"), SLOT_CHAT_HEADING);
	assert_string_equal(l.v[5].text, "Title");
	lines_free(&l);
}

/* Spans always cover the line exactly, at any width. */
static void test_spans_cover_lines(void **state)
{
	(void)state;
	const char *text = "A [1] b `c [2]` d [3] e f g h i j k l m n o p [1][2] q r s t 日本 u v";
	for (int w = 1; w < 40; w++) {
		struct lines l = {0};
		render_message(text, strlen(text), w, SLOT_DEFAULT, NULL, NULL, &l);
		for (size_t i = 0; i < l.n; i++) {
			size_t at = 0;
			for (size_t j = 0; j < l.v[i].nspans; j++) {
				assert_int_equal(l.v[i].spans[j].start, at);
				at += l.v[i].spans[j].len;
			}
			assert_int_equal(at, l.v[i].len);
			assert_true(text_width(l.v[i].text, l.v[i].len) <= (w < 2 ? 2 : w));
			uint32_t cp;
			for (size_t k = 0; k < l.v[i].len;) { /* whole characters only */
				int n = utf8_decode(l.v[i].text + k, l.v[i].len - k, &cp);
				assert_true(n > 0);
				k += (size_t)n;
			}
		}
		lines_free(&l);
	}
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_wrap_at_spaces),
		cmocka_unit_test(test_citations_and_code),
		cmocka_unit_test(test_spans_cover_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
