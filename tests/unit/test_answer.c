/* test_answer.c - an answer rendered block by block while it streams (ui/render/answer.c): at every
 * point of the stream the lines are those of rendering the text so far whole, and what
 * was rendered before the last block boundary is kept, not rendered again. */
#include "fn_test.h"

#include <locale.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "ui/render/answer.h"
#include "ui/term/term.h"

static char *styled(const struct lines *l, size_t from)
{
	struct buf b = {0};
	for (size_t i = from; i < l->n; i++) {
		const struct line *ln = &l->v[i];
		for (size_t j = 0; j < ln->nspans; j++)
			buf_addf(&b, "{%s|%.*s}", slot_name(ln->spans[j].slot), (int)ln->spans[j].len,
				 ln->text + ln->spans[j].start);
		if (!ln->nspans)
			buf_addf(&b, "%.*s", (int)ln->len, ln->text);
		buf_addf(&b, "/%d\n", ln->code);
	}
	return buf_detach(&b);
}

/* What a whole render of raw[0..len) shows while streaming: the sanitized text up to what
 * sanitize_hold lets through, without a marker still being decided at its end. */
static char *whole(const char *raw, size_t len, int width, int nsources)
{
	struct buf safe = {0};
	sanitize(raw, sanitize_hold(raw, len), 0, &safe);
	struct cite_segs segs = {0};
	cite_parse(buf_str(&safe), safe.len, nsources, false, &segs);
	size_t shown = segs.n ? segs.v[segs.n - 1].start + segs.v[segs.n - 1].len : 0;
	struct lines l = {0};
	struct md_opts o = {.width = width, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = nsources};
	md_render(buf_str(&safe), shown, &o, &l);
	char *s = styled(&l, 0);
	lines_free(&l);
	cite_segs_free(&segs);
	buf_free(&safe);
	return s;
}

static const char doc[] =
	"# Title\n\nWater boils at **100 C** [1].\nA second line [2] with `code [1]`.\n\n"
	"- one [1]\n- two\n\n1. first\n2. second 日本語のテキスト\n\n"
	"```sh\nls [3]\n\n\techo [1]\n```\n\n> a quote [2]\n\n"
	"| a | b |\n|---|---|\n| 1 | 2 [1] |\n\n"
	"~~~\n```\nstill code\n\n~~~\n\nEnd 【1】 and [1-2] and [7], then a partial [1";

/* Fed in pieces of every size from 1 to 13 bytes at several widths, the streamed lines
 * equal a whole render of the same text after every piece. */
static void test_stream_equals_whole(void **state)
{
	(void)state;
	size_t n = strlen(doc);
	for (int width = 12; width <= 72; width += 30) {
		for (size_t step = 1; step <= 13; step += 3) {
			struct answer a = {0};
			struct lines out = {0};
			answer_begin(&a, &out);
			struct md_opts o = {.width = width, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 2};
			for (size_t len = 0; len < n + step; len += step) {
				size_t l = len < n ? len : n;
				answer_stream(&a, doc, l, &o, &out);
				char *got = styled(&out, 0), *want = whole(doc, l, width, 2);
				if (strcmp(got, want))
					fail_msg("width %d, %zu bytes:\n--- streamed\n%s--- whole\n%s", width, l, got, want);
				free(got);
				free(want);
			}
			assert_true(a.stable > 0);
			assert_true(a.pre_lines > a.first);
			answer_free(&a);
			lines_free(&out);
		}
	}
}

/* The lines before the last boundary are the same objects from one call to the next: they
 * were kept, not rendered again. A header above stays; a footer below goes. */
static void test_prefix_kept(void **state)
{
	(void)state;
	struct lines out = {0};
	wrap_plain("header", 6, 40, SLOT_CHAT_META, &out);
	struct answer a = {0};
	answer_begin(&a, &out);
	struct md_opts o = {.width = 40, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 1};
	struct buf raw = {0};
	buf_adds(&raw, "First paragraph [1].\n\nSecond one\n"); /* a boundary shows once its line is whole */
	answer_stream(&a, raw.p, raw.len, &o, &out);
	assert_int_equal(a.first, 1);
	assert_int_equal(a.pre_lines, 2);
	const char *kept = out.v[1].text;
	wrap_plain("footer", 6, 40, SLOT_CHAT_META, &out);
	buf_adds(&raw, "goes on [1].");
	answer_stream(&a, raw.p, raw.len, &o, &out);
	assert_ptr_equal(out.v[1].text, kept);
	char *s = styled(&out, 0);
	assert_string_equal(s, "{chat.meta|header}/0\n{chat.assistant|First paragraph }{chat.citation|[1]}{chat.assistant|.}/0\n"
			       "/0\n{chat.assistant|Second one goes on }{chat.citation|[1]}{chat.assistant|.}/0\n");
	free(s);
	assert_int_equal(a.nmentions, 1);
	assert_int_equal(a.mentions[0], 1);
	answer_free(&a);
	lines_free(&out);
	buf_free(&raw);
}

/* A marker still being decided is held back, not shown as text first. */
static void test_partial_marker_held(void **state)
{
	(void)state;
	struct lines out = {0};
	struct answer a = {0};
	answer_begin(&a, &out);
	struct md_opts o = {.width = 40, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 3};
	const char *raw = "Water boils [2] and [1";
	answer_stream(&a, raw, strlen(raw), &o, &out);
	char *s = styled(&out, 0);
	assert_string_equal(s, "{chat.assistant|Water boils }{chat.citation|[2]}{chat.assistant| and}/0\n");
	free(s);
	raw = "Water boils [2] and [1].";
	answer_stream(&a, raw, strlen(raw), &o, &out);
	s = styled(&out, 0);
	assert_string_equal(s, "{chat.assistant|Water boils }{chat.citation|[2]}{chat.assistant| and }"
			       "{chat.citation|[1]}{chat.assistant|.}/0\n");
	free(s);
	assert_int_equal(a.nmentions, 2);
	assert_int_equal(a.mentions[0], 2);
	assert_int_equal(a.mentions[1], 1);
	answer_free(&a);
	lines_free(&out);
}

/* Escapes split across pieces never reach the lines; a character split across pieces
 * comes out whole. */
static void test_sanitized_in_pieces(void **state)
{
	(void)state;
	const char raw[] = "caf\xc3\xa9 \x1b]52;c;ZXZpbA==\x07 and \x1b[2J done";
	struct lines out = {0};
	struct answer a = {0};
	answer_begin(&a, &out);
	struct md_opts o = {.width = 80, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 0};
	for (size_t len = 0; len <= strlen(raw); len++) {
		answer_stream(&a, raw, len, &o, &out);
		for (size_t i = 0; i < out.n; i++) {
			assert_null(memchr(out.v[i].text, 0x1b, out.v[i].len));
			assert_null(memchr(out.v[i].text, 0x07, out.v[i].len));
			assert_null(strstr(out.v[i].text, "\xef\xbf\xbd"));
		}
	}
	assert_true(a.changed);
	assert_non_null(strstr(out.v[0].text, "café ^[]52;c;ZXZpbA==^G and ^[[2J done"));
	answer_free(&a);
	lines_free(&out);
}

/* Finished: the whole text rendered at once, markers and mentions from the whole. */
static void test_whole(void **state)
{
	(void)state;
	struct lines out = {0};
	struct answer a = {0};
	answer_begin(&a, &out);
	answer_sanitize(&a, doc, strlen(doc), 2);
	struct md_opts o = {.width = 50, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 2};
	answer_render(&a, &o, &out);
	char *got = styled(&out, 0);
	struct lines l = {0};
	md_render(doc, strlen(doc), &o, &l);
	char *want = styled(&l, 0);
	assert_string_equal(got, want);
	assert_int_equal(a.nmentions, 2);
	assert_int_equal(a.segs.invalid, 1); /* [7]; the [3] is in code */
	free(got);
	free(want);
	lines_free(&l);
	lines_free(&out);
	answer_free(&a);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_equals_whole),
		cmocka_unit_test(test_prefix_kept),
		cmocka_unit_test(test_partial_marker_held),
		cmocka_unit_test(test_sanitized_in_pieces),
		cmocka_unit_test(test_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
