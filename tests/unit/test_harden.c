/* test_harden.c - regression tests for what the fuzz targets (tests/fuzz/) found. Each test
 * names the target and replays its minimised input through the same check. */
#include "tests/unit/fn_test.h"

#include "base/utf8.h"
#include "core/stream.h"
#include "index/text.h"

/* Every chunk of text, its first line's indentation aside, has at most target characters
 * when there is no overlap (index/text.h). */
static void assert_chunks_fit(const char *text, size_t len, size_t target)
{
	struct chunk_opts o = {target, 0};
	struct chunk_list l = {0};
	chunk_text(text, len, TEXT_PLAIN, &o, &l);
	assert_true(l.n > 0);
	for (size_t i = 0; i < l.n; i++) {
		const char *t = l.v[i].text;
		t += strspn(t, " \t");
		if (utf8_count(t, strlen(t)) > target)
			fail_msg("chunk %zu has %zu characters, target %zu: \"%s\"", i,
				 utf8_count(t, strlen(t)), target, l.v[i].text);
	}
	chunk_list_free(&l);
}

/* fuzz_chunk: a chunk with no room left (target under 4) took the next paragraph's first
 * piece anyway: ">\n\nd" with a target of 1. */
static void test_chunk_no_room(void **state)
{
	(void)state;
	assert_chunks_fit(">\n\nd>", 5, 1);
	assert_chunks_fit("a\n\nbc de\n\nf", 11, 2);
}

/* fuzz_chunk: a cut at the start of an indented line counted the indentation as part of the
 * piece before, so the rest was undercounted and the next chunk overflowed. */
static void test_chunk_indented_cut(void **state)
{
	(void)state;
	const char t[] = "\x10\n  L\xef\xbf\xbdL\xef\xbf\xbdL\xef\xbf\xbd";
	assert_chunks_fit(t, sizeof t - 1, 5);
	const char code[] = "int f(void)\n{\n\t\tif (x) {\n\t\t\t\treturn compute_something(a, b);\n"
			    "\t\t\t\t}\n\t\t\t\treturn other_thing(c) + yet_another(d);\n}\n";
	for (size_t target = 5; target < 60; target++)
		assert_chunks_fit(code, sizeof code - 1, target);
}

/* faults.sh: a message ending in ? or ! got a '.' after it ("is the server running?."). */
static void test_message_punctuation(void **state)
{
	(void)state;
	static const struct {
		enum stream_outcome o;
		const char *error, *want;
	} cases[] = {
		{STREAM_NETWORK_ERROR, "cannot connect: is the server running?",
		 "Network error: cannot connect: is the server running?"},
		{STREAM_NETWORK_ERROR, "timed out", "Network error: timed out."},
		{STREAM_HTTP_ERROR, "Sorry about that!", "HTTP 500: Sorry about that!"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct stream *s = stream_new(STREAM_OPENAI_SSE, NULL);
		if (cases[i].o == STREAM_HTTP_ERROR) {
			char body[128];
			snprintf(body, sizeof body, "{\"error\":{\"message\":\"%s\"}}", cases[i].error);
			stream_http_error(s, 500, body, strlen(body));
		} else {
			stream_fail(s, cases[i].o, cases[i].error);
		}
		char *m = stream_outcome_message(stream_result(s));
		assert_string_equal(m, cases[i].want);
		free(m);
		stream_free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk_no_room),
		cmocka_unit_test(test_chunk_indented_cut),
		cmocka_unit_test(test_message_punctuation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
