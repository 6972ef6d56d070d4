/* test_stream_faults.c - faults a stream must name rightly (issue 22): an event that is not
 * JSON is named (terminal-safe, shortened) and what came before it is kept, whether the
 * stream then ends unfinished or completes; an HTML page from a proxy, sent as an HTTP
 * error or with 200 in place of the stream, is named by its title (entities decoded, tags
 * dropped) and never shown as markup; fed whole or one byte at a time, the same. */
#include "fn_test.h"

#include "base/xmalloc.h"
#include "core/wire/stream.h"
#include "core/wire/stream_error.h"

#define SSE_DELTA(c) "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" c "\"}}]}\n\n"
#define SSE_STOP "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"

/* Decodes body whole (bytewise false) or a byte at a time; returns the outcome message
 * (caller frees) and the answer's text in *text (caller frees). */
static char *decode(enum stream_proto proto, const char *body, bool bytewise, enum stream_outcome *o, char **text)
{
	struct stream *s = stream_new(proto, NULL);
	size_t n = strlen(body);
	if (bytewise)
		for (size_t i = 0; i < n; i++)
			stream_feed(s, body + i, 1);
	else
		stream_feed(s, body, n);
	stream_finish(s);
	const struct stream_result *r = stream_result(s);
	*o = r->outcome;
	*text = xstrndup(r->text, r->text_len);
	char *m = stream_outcome_message(r);
	stream_free(s);
	return m;
}

static void test_bad_event_named_and_text_kept(void **state)
{
	(void)state;
	for (int bw = 0; bw < 2; bw++) {
		enum stream_outcome o;
		char *text;
		/* An event with an escape sequence and far more than 60 characters. */
		char *m = decode(STREAM_OPENAI_SSE,
				 SSE_DELTA("Hello ") SSE_DELTA("world")
				 "data: {\"choices\": [\x1b[2J oops this event goes on and on and on and on and on and on and on\n\n",
				 bw, &o, &text);
		assert_int_equal(o, STREAM_INTERRUPTED);
		assert_string_equal(text, "Hello world");
		assert_string_equal(m, "Interrupted: the server sent 1 event that was not JSON (the first: "
				       "\"{\"choices\": [^[[2J oops this event goes on and on and on and…\") "
				       "and ended without finishing the answer; the partial answer is kept.");
		assert_null(strchr(m, '\x1b'));
		free(m);
		free(text);
	}
}

static void test_bad_event_in_a_completed_stream(void **state)
{
	(void)state;
	enum stream_outcome o;
	char *text;
	char *m = decode(STREAM_OPENAI_SSE, SSE_DELTA("Part one, ") "data: {\"choices\":[{\"delta\":{\"content\":\"lost\n\n"
			 "data: 42\n\n" SSE_DELTA("part two.") SSE_STOP "data: [DONE]\n\n", false, &o, &text);
	assert_int_equal(o, STREAM_COMPLETED);
	assert_string_equal(text, "Part one, part two.");
	assert_string_equal(m, "The answer is complete. But the server sent 2 events that were not JSON (the first: "
			       "\"{\"choices\":[{\"delta\":{\"content\":\"lost\"): what they held is missing.");
	free(m);
	free(text);
}

static void test_bad_ndjson_line(void **state)
{
	(void)state;
	enum stream_outcome o;
	char *text;
	char *m = decode(STREAM_OLLAMA_NDJSON, "{\"message\":{\"content\":\"Kept\"},\"done\":false}\n<oops>\n", true, &o,
			 &text);
	assert_int_equal(o, STREAM_INTERRUPTED);
	assert_string_equal(text, "Kept");
	assert_non_null(strstr(m, "(the first: \"<oops>\")"));
	free(m);
	free(text);
}

static const char login_page[] =
	"\r\n<!DOCTYPE html>\r\n<html><head><meta charset=utf-8>\r\n<title>\r\n  Sign in &amp; accept\r\n"
	"  <b>the</b> terms</title><style>body{color:red}</style></head>\r\n<body><h1>Welcome</h1>"
	"<script>alert(1)</script></body></html>\r\n";

static void test_html_page_with_200(void **state)
{
	(void)state;
	for (int bw = 0; bw < 2; bw++) {
		enum stream_outcome o;
		char *text;
		char *m = decode(STREAM_OPENAI_SSE, login_page, bw, &o, &text);
		assert_int_equal(o, STREAM_SERVER_ERROR);
		assert_string_equal(m, "Server error: an HTML page, \"Sign in & accept the terms\" (a proxy or gateway "
				       "answered, not the model server).");
		free(m);
		free(text);
	}
}

static void test_html_error_bodies(void **state)
{
	(void)state;
	static const struct { const char *body, *want; } cases[] = {
		{"<html><head><title>502 Bad Gateway</title></head><body>...</body></html>",
		 "an HTML page, \"502 Bad Gateway\" (a proxy or gateway answered, not the model server)"},
		{"<HTML><BODY><H1>Service\n Unavailable</H1><p>later</p></BODY></HTML>",
		 "an HTML page, \"Service Unavailable\" (a proxy or gateway answered, not the model server)"},
		{"<!doctype html><html><head></head><body></body></html>",
		 "an HTML page with no title (a proxy or gateway answered, not the model server)"},
		{"<not html at all", "<not html at all"},
		{"plain text error", "plain text error"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *m = stream_error_message(cases[i].body, strlen(cases[i].body), NULL);
		assert_string_equal(m, cases[i].want);
		free(m);
	}
	/* A title that never closes, in a huge page: bounded, and no markup. */
	size_t n = 1 << 20;
	char *big = xmalloc(n + 1);
	memcpy(big, "<html><title>", 13);
	memset(big + 13, 'x', n - 13);
	big[n] = '\0';
	char *m = stream_error_message(big, n, NULL);
	assert_true(strlen(m) < 500);
	assert_null(strchr(m, '<'));
	free(m);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_event_named_and_text_kept),
		cmocka_unit_test(test_bad_event_in_a_completed_stream),
		cmocka_unit_test(test_bad_ndjson_line),
		cmocka_unit_test(test_html_page_with_200),
		cmocka_unit_test(test_html_error_bodies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
