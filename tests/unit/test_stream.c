/* test_stream.c - the chat stream decoder: each recorded fixture gives the result SOURCES.txt
 * describes at every slicing of its bytes; synthetic streams (marked so) cover the cases no
 * public recording exists for. */
#include "fn_test.h"

#include "base/buf.h"
#include "base/utf8.h"
#include "core/wire/stream.h"

#include "stream_snap.h"

/* ---- the recorded fixtures ---- */

struct want {
	const char *file;
	enum stream_proto proto;
	enum stream_outcome outcome;
	const char *finish;
	const char *text, *reasoning, *refusal, *model, *error, *code, *tools;
	long long prompt, completion, total;
	bool done;
	size_t json_events, content_deltas, keepalives;
	const char *message; /* NULL: not checked */
};

static const struct want fixtures[] = {
	{
		.file = "openai-chat-gpt4o-text-usage.sse", .proto = STREAM_OPENAI_SSE,
		.outcome = STREAM_COMPLETED, .finish = "stop",
		.text = "I'm unable to provide real-time updates, including current weather information. "
			"For the latest weather in San Francisco, I recommend checking a reliable weather "
			"website or app such as the Weather Channel, BBC Weather, or a local San Francisco "
			"news station.",
		.model = "gpt-4o-2024-08-06", .tools = "",
		.prompt = 14, .completion = 47, .total = 61, .done = true,
		.json_events = 50, .content_deltas = 47,
		.message = "The answer is complete.",
	},
	{
		.file = "openai-chat-gpt4o-finish-length.sse", .proto = STREAM_OPENAI_SSE,
		.outcome = STREAM_TRUNCATED, .finish = "length", .text = "{\"",
		.model = "gpt-4o-2024-08-06", .tools = "",
		.prompt = 17, .completion = 1, .total = 18, .done = true,
		.json_events = 4, .content_deltas = 1,
		.message = "Truncated: the answer reached the token limit before it was finished.",
	},
	{
		.file = "openai-chat-gpt4o-tool-call.sse", .proto = STREAM_OPENAI_SSE,
		.outcome = STREAM_TOOL_CALL, .finish = "tool_calls", .text = "",
		.model = "gpt-4o-2024-08-06",
		.tools = "call_5uxEBMFySqqQGu02I5QHA8k6|get_weather|{\"city\":\"New York City\"}\n",
		.prompt = 44, .completion = 16, .total = 60, .done = true,
		.json_events = 10, .content_deltas = 0,
		.message = "The model asked to call a tool (get_weather) — footnote does not run tools.",
	},
	{
		.file = "openai-chat-gpt4o-logprobs.sse", .proto = STREAM_OPENAI_SSE,
		.outcome = STREAM_COMPLETED, .finish = "stop", .text = "Foo.",
		.model = "gpt-4o-2024-08-06", .tools = "",
		.prompt = 9, .completion = 2, .total = 11, .done = true,
		.json_events = 5, .content_deltas = 2,
	},
	{
		.file = "openai-chat-gpt4o-refusal.sse", .proto = STREAM_OPENAI_SSE,
		.outcome = STREAM_REFUSED, .finish = "stop", .text = "",
		.refusal = "I'm sorry, but I can't assist with that request.",
		.model = "gpt-4o-2024-08-06", .tools = "",
		.prompt = 17, .completion = 12, .total = 29, .done = true,
		.json_events = 14, .content_deltas = 0,
		.message = "The model refused to answer.",
	},
	{
		.file = "openrouter-keepalive-inband-error.sse", .proto = STREAM_OPENAI_SSE,
		.outcome = STREAM_SERVER_ERROR, .finish = "length", .text = "",
		.reasoning = "We need to respond to a greeting. The user",
		.model = "minimax/minimax-m2:free", .error = "Token limit reached", .code = "400",
		.tools = "", .prompt = 43, .completion = 10, .total = 53, .done = false,
		.json_events = 4, .content_deltas = 0, .keepalives = 17,
		.message = "Server error: Token limit reached (400).",
	},
	{
		.file = "ollama-chat-phi3-excerpt.ndjson", .proto = STREAM_OLLAMA_NDJSON,
		.outcome = STREAM_COMPLETED, .finish = "stop", .text = " these times of day.",
		.model = "phi3", .tools = "",
		.prompt = 10, .completion = 239, .total = 249, .done = true,
		.json_events = 6, .content_deltas = 5,
	},
};

static void check_want(const struct want *w, const struct snap *sn)
{
	assert_string_equal(stream_outcome_name(sn->outcome), stream_outcome_name(w->outcome));
	str_eq_or_null(w->finish, sn->finish, "finish_reason");
	assert_string_equal(sn->text, w->text);
	assert_string_equal(sn->reasoning, w->reasoning ? w->reasoning : "");
	assert_string_equal(sn->refusal, w->refusal ? w->refusal : "");
	assert_string_equal(sn->model, w->model);
	str_eq_or_null(w->error, sn->error, "error");
	str_eq_or_null(w->code, sn->code, "error_code");
	assert_string_equal(sn->tools, w->tools);
	assert_true(sn->usage.present);
	assert_int_equal(sn->usage.prompt_tokens, w->prompt);
	assert_int_equal(sn->usage.completion_tokens, w->completion);
	assert_int_equal(sn->usage.total_tokens, w->total);
	assert_int_equal(sn->done, w->done);
	assert_int_equal(sn->json_events, w->json_events);
	assert_int_equal(sn->content_deltas, w->content_deltas);
	assert_int_equal(sn->keepalives, w->keepalives);
	if (w->message)
		assert_string_equal(sn->message, w->message);
	assert_null(strstr(sn->text, "\xEF\xBF\xBD"));
	/* the text events add up to the text */
	struct buf t = {0};
	const char *l = buf_str(&sn->log);
	while (*l) {
		const char *nl = strchr(l, '\n');
		if (*l == 'T')
			buf_add(&t, l + 1, (size_t)(nl - l - 1));
		l = nl + 1;
	}
	assert_string_equal(buf_str(&t), w->text);
	buf_free(&t);
}

static void run_fixture(const struct want *w, const char *s, size_t len, enum splits which)
{
	struct snap whole;
	decode_ways(w->proto, s, len, which, &whole);
	check_want(w, &whole);
	snap_free(&whole);
}

static char *load(const char *file, size_t *len)
{
	char path[256];
	snprintf(path, sizeof path, "stream-fixtures/%s", file);
	return fn_slurp(fn_data(path), len);
}

static void test_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) {
		size_t len;
		char *s = load(fixtures[i].file, &len);
		run_fixture(&fixtures[i], s, len, SPLIT_ALL);
		free(s);
	}
}

/* Synthetic: the same bodies with CRLF-only and CR-only line ends (sse-starlette's default
 * separator is CRLF), and with a leading BOM. */
static void test_fixtures_crlf_cr_bom(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++) {
		size_t len, n;
		char *s = load(fixtures[i].file, &len);
		static const char *const eols[] = {"\r\n", "\r"};
		for (size_t e = 0; e < 2; e++) {
			char *c = convert_eol(s, len, eols[e], &n);
			run_fixture(&fixtures[i], c, n, SPLIT_NEAR_EOL);
			free(c);
		}
		struct buf b = {0};
		buf_add(&b, "\xEF\xBB\xBF", 3);
		buf_add(&b, s, len);
		run_fixture(&fixtures[i], b.p, b.len, SPLIT_START); /* the BOM is all that is new */
		buf_free(&b);
		free(s);
	}
}

/* ---- synthetic streams ---- */

static void test_utf8_split(void **state)
{
	(void)state;
	const char *body = SSE_CHUNK("{\"content\":\"It is 21 °C \xF0\x9F\x99\x82.\"}", "null")
			   SSE_CHUNK("{}", "\"stop\"") "data: [DONE]\n\n";
	struct snap whole;
	decode_all_ways(STREAM_OPENAI_SSE, body, strlen(body), &whole);
	assert_int_equal(whole.outcome, STREAM_COMPLETED);
	assert_string_equal(whole.text, "It is 21 °C \xF0\x9F\x99\x82.");
	snap_free(&whole);

	const char *chars = "°C \xF0\x9F\x99\x82";
	size_t clen = strlen(chars);
	for (size_t cut = 0; cut <= clen; cut++) {
		struct buf b = {0};
		buf_adds(&b, "data: {\"choices\":[{\"delta\":{\"content\":\"");
		buf_add(&b, chars, cut);
		buf_adds(&b, "\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"");
		buf_add(&b, chars + cut, clen - cut);
		buf_adds(&b, "\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
		struct snap sn;
		decode_all_ways(STREAM_OPENAI_SSE, b.p, b.len, &sn);
		assert_string_equal(sn.text, chars);
		assert_null(strstr(sn.text, "\xEF\xBF\xBD"));
		assert_int_equal(sn.outcome, STREAM_COMPLETED);
		snap_free(&sn);
		buf_free(&b);
	}

	/* invalid bytes become U+FFFD; a code point never completed becomes one at the end */
	struct snap sn;
	decode_str(STREAM_OPENAI_SSE,
		   SSE_CHUNK("{\"content\":\"a\xFF" "b \xF0\x9F\"}", "\"stop\"") "data: [DONE]\n\n", &sn);
	assert_string_equal(sn.text, "a\xEF\xBF\xBD" "b \xEF\xBF\xBD");
	snap_free(&sn);
	/* \u escapes, surrogate pairs included, are decoded */
	decode_str(STREAM_OPENAI_SSE,
		   SSE_CHUNK("{\"content\":\"\\u00b0C \\ud83d\\ude42\"}", "\"stop\"") "data: [DONE]\n\n", &sn);
	assert_string_equal(sn.text, "°C \xF0\x9F\x99\x82");
	snap_free(&sn);
}

/* Synthetic: a 6 MB line stops at the cap, long before its end, as too_large. */
static void test_huge_line(void **state)
{
	(void)state;
	size_t piece = 64u << 10;
	char *chunk = malloc(piece);
	memset(chunk, 'x', piece);
	for (int proto = 0; proto < 2; proto++) {
		struct snap sn = {0};
		struct stream_sink sink = {on_event, &sn};
		struct stream *st = stream_new(proto ? STREAM_OLLAMA_NDJSON : STREAM_OPENAI_SSE, &sink);
		const char *head = proto ? "{\"message\":{\"content\":\"" : "data: {\"choices\":[{\"delta\":{\"content\":\"";
		stream_feed(st, head, strlen(head));
		size_t fed = 0;
		while (fed < (6u << 20) && !stream_done(st)) {
			stream_feed(st, chunk, piece);
			fed += piece;
		}
		assert_true(stream_done(st));
		assert_true(fed <= (1u << 20) + piece);
		stream_feed(st, "\"}}]}\n\ndata: [DONE]\n\n", 21);
		stream_finish(st);
		snap_take(&sn, st);
		assert_int_equal(sn.outcome, STREAM_TOO_LARGE);
		assert_int_equal(sn.ends, 1);
		assert_non_null(strstr(sn.message, "Stopped: the server sent more than 1048576 bytes"));
		snap_free(&sn);
		stream_free(st);
	}
	free(chunk);

	/* a settable cap */
	struct stream *st = stream_new(STREAM_OPENAI_SSE, NULL);
	stream_set_max(st, 64);
	const char *s = SSE_CHUNK("{\"content\":\"0123456789012345678901234567890123456789\"}", "null");
	stream_feed(st, s, strlen(s));
	assert_int_equal(stream_result(st)->outcome, STREAM_TOO_LARGE);
	stream_free(st);
}

/* Synthetic, in the shapes each server uses for an error after the stream began. Each keeps
 * the partial text and never reports success, whatever follows. */
static void test_inband_errors(void **state)
{
	(void)state;
	static const struct {
		enum stream_proto proto;
		const char *body, *error, *code;
	} cases[] = {
		/* llama.cpp, older: the non-standard `error:` field line */
		{STREAM_OPENAI_SSE,
		 SSE_CHUNK("{\"content\":\"Hel\"}", "null")
		 "error: {\"error\":{\"code\":500,\"message\":\"Context size has been exceeded.\","
		 "\"type\":\"exceed_context_size_error\"}}\n\n",
		 "Context size has been exceeded.", "500"},
		/* llama.cpp, newer: an error object as data */
		{STREAM_OPENAI_SSE,
		 SSE_CHUNK("{\"content\":\"Hel\"}", "null")
		 "data: {\"error\":{\"code\":500,\"message\":\"slot unavailable\",\"type\":\"server_error\"}}\n\n",
		 "slot unavailable", "500"},
		/* vLLM: error data, then [DONE] */
		{STREAM_OPENAI_SSE,
		 SSE_CHUNK("{\"content\":\"Hel\"}", "null")
		 "data: {\"error\":{\"object\":\"error\",\"message\":\"This model's maximum context length is 4096 tokens.\","
		 "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\n\ndata: [DONE]\n\n",
		 "This model's maximum context length is 4096 tokens.", "400"},
		/* older vLLM: the error object at the top level */
		{STREAM_OPENAI_SSE,
		 SSE_CHUNK("{\"content\":\"Hel\"}", "null")
		 "data: {\"object\":\"error\",\"message\":\"bad\",\"type\":\"BadRequestError\",\"code\":400}\n\ndata: [DONE]\n\n",
		 "bad", "400"},
		/* an `event: error` event */
		{STREAM_OPENAI_SSE,
		 SSE_CHUNK("{\"content\":\"Hel\"}", "null") "event: error\ndata: {\"message\":\"overloaded\"}\n\ndata: [DONE]\n\n",
		 "overloaded", NULL},
		{STREAM_OPENAI_SSE,
		 SSE_CHUNK("{\"content\":\"Hel\"}", "null") "event: error\ndata: upstream went away\n\n",
		 "upstream went away", NULL},
		/* Ollama: an error line under HTTP 200 */
		{STREAM_OLLAMA_NDJSON,
		 "{\"model\":\"llama3\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}\n"
		 "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n",
		 "an error was encountered while running the model: unexpected EOF", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct snap sn;
		decode_all_ways(cases[i].proto, cases[i].body, strlen(cases[i].body), &sn);
		assert_int_equal(sn.outcome, STREAM_SERVER_ERROR);
		assert_string_equal(sn.text, "Hel");
		str_eq_or_null(cases[i].error, sn.error, "error");
		str_eq_or_null(cases[i].code, sn.code, "error_code");
		assert_true(strncmp(sn.message, "Server error: ", 14) == 0);
		snap_free(&sn);
	}
}

/* Real fixture, cut short at every offset: EOF before [DONE] is interrupted, and the text kept
 * is a prefix of the full answer. Only once "data: [DONE]" is whole does it complete. */
static void test_eof_without_done(void **state)
{
	(void)state;
	size_t len;
	char *s = load("openai-chat-gpt4o-text-usage.sse", &len);
	const char *done = strstr(s, "data: [DONE]");
	size_t done_end = (size_t)(done - s) + 12;
	for (size_t cut = 0; cut <= len; cut++) {
		struct snap sn;
		decode(STREAM_OPENAI_SSE, s, cut, NULL, 0, &sn);
		assert_int_equal(sn.ends, 1);
		assert_int_equal(strncmp(sn.text, fixtures[0].text, strlen(sn.text)), 0);
		if (cut < done_end) {
			assert_int_equal(sn.outcome, STREAM_INTERRUPTED);
		} else {
			assert_int_equal(sn.outcome, STREAM_COMPLETED);
			assert_string_equal(sn.text, fixtures[0].text);
		}
		snap_free(&sn);
	}
	free(s);

	struct snap sn;
	decode_str(STREAM_OPENAI_SSE, SSE_CHUNK("{\"content\":\"The first half\"}", "null"), &sn);
	assert_int_equal(sn.outcome, STREAM_INTERRUPTED);
	assert_string_equal(sn.text, "The first half");
	assert_string_equal(sn.message,
			    "Interrupted: the connection ended before the answer was complete; the partial answer is kept.");
	snap_free(&sn);

	/* [DONE] with no finish reason (llama-cpp-python interrupting for a newer request) */
	decode_str(STREAM_OPENAI_SSE, SSE_CHUNK("{\"content\":\"The first\"}", "null") "data: [DONE]\n\n", &sn);
	assert_int_equal(sn.outcome, STREAM_INTERRUPTED);
	assert_true(sn.done);
	assert_string_equal(sn.text, "The first");
	assert_non_null(strstr(sn.message, "without saying the answer was finished"));
	snap_free(&sn);

	/* Ollama without done:true */
	decode_str(STREAM_OLLAMA_NDJSON, "{\"message\":{\"content\":\"Hal\"},\"done\":false}\n{\"message\":{\"con", &sn);
	assert_int_equal(sn.outcome, STREAM_INTERRUPTED);
	assert_string_equal(sn.text, "Hal");
	snap_free(&sn);

	/* nothing at all */
	decode_str(STREAM_OPENAI_SSE, "", &sn);
	assert_int_equal(sn.outcome, STREAM_INTERRUPTED);
	assert_string_equal(sn.message, "Interrupted: the connection ended before the answer was complete.");
	snap_free(&sn);
}

/* Synthetic: keep-alive comments are reported and counted, and are not output. */
static void test_keepalives(void **state)
{
	(void)state;
	struct snap sn;
	decode_str(STREAM_OPENAI_SSE,
		   ": ping - 2024-01-01 00:00:00\r\n\r\n" SSE_CHUNK("{\"content\":\"a\"}", "null")
		   ":\n\n" SSE_CHUNK("{}", "\"stop\"") ": ping\n\ndata: [DONE]\n\n", &sn);
	assert_int_equal(sn.keepalives, 3);
	assert_string_equal(buf_str(&sn.log), "Kping - 2024-01-01 00:00:00\nTa\nK\nKping\nEcompleted\n");
	assert_int_equal(sn.outcome, STREAM_COMPLETED);
	snap_free(&sn);
}

/* Synthetic: chunks without choices, with null or empty choices, with unknown keys, with
 * llama.cpp's timings; a finish reason in a chunk that also has text. */
static void test_tolerant(void **state)
{
	(void)state;
	struct snap sn;
	decode_str(STREAM_OPENAI_SSE,
		   "data: {}\n\n"
		   "data: {\"choices\":null}\n\n"
		   "data: {\"choices\":[]}\n\n"
		   "data: {\"choices\":[{\"index\":0}]}\n\n"
		   "data: {\"choices\":[{\"index\":0,\"delta\":null}]}\n\n"
		   "data: {\"choices\":\"x\",\"usage\":null}\n\n"
		   "data: not json\n\n"
		   "data: [1,2]\n\n"
		   "data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other choice\"}}]}\n\n"
		   "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\",\"new_field\":{\"x\":[1]}},"
		   "\"finish_reason\":\"stop\"}],\"timings\":{\"predicted_ms\":12.5},\"usage\":{\"completion_tokens\":1,"
		   "\"prompt_tokens\":3}}\n\n"
		   "data:[DONE]\n\n", &sn);
	assert_int_equal(sn.outcome, STREAM_COMPLETED);
	assert_string_equal(sn.text, "ok");
	assert_int_equal(sn.usage.total_tokens, 4);
	assert_int_equal(sn.json_events, 8);
	snap_free(&sn);

	/* content_filter; finish reasons given by other servers */
	decode_str(STREAM_OPENAI_SSE, SSE_CHUNK("{\"content\":\"\"}", "\"content_filter\"") "data: [DONE]\n\n", &sn);
	assert_int_equal(sn.outcome, STREAM_REFUSED);
	assert_string_equal(sn.message, "The provider's content filter stopped the answer.");
	snap_free(&sn);
	decode_str(STREAM_OPENAI_SSE, SSE_CHUNK("{\"content\":\"x\"}", "\"eos\"") "data: [DONE]\n\n", &sn);
	assert_int_equal(sn.outcome, STREAM_COMPLETED);
	snap_free(&sn);
	/* the older function_call form, and two tool calls */
	decode_str(STREAM_OPENAI_SSE,
		   SSE_CHUNK("{\"function_call\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}", "null")
		   SSE_CHUNK("{\"function_call\":{\"arguments\":\":1}\"}}", "\"function_call\"")
		   "data: [DONE]\n\n", &sn);
	assert_int_equal(sn.outcome, STREAM_TOOL_CALL);
	assert_string_equal(sn.tools, "|f|{\"a\":1}\n");
	snap_free(&sn);
	decode_str(STREAM_OLLAMA_NDJSON,
		   "{\"model\":\"qwen3\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
		   "{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}},"
		   "{\"function\":{\"name\":\"get_time\",\"arguments\":{}}}]},\"done\":false}\n"
		   "{\"model\":\"qwen3\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
		   "\"done_reason\":\"stop\",\"prompt_eval_count\":5,\"eval_count\":7}\n", &sn);
	assert_int_equal(sn.outcome, STREAM_TOOL_CALL);
	assert_string_equal(sn.tools, "|get_weather|{\"city\":\"Paris\"}\n|get_time|{}\n");
	assert_string_equal(sn.message, "The model asked to call a tool (get_weather, get_time) — footnote does not run tools.");
	assert_string_equal(buf_str(&sn.log), "Aget_weather\nAget_time\nEtool_call\n");
	snap_free(&sn);
	/* Ollama without done_reason (older servers) completes; "length" truncates */
	decode_str(STREAM_OLLAMA_NDJSON, "{\"message\":{\"content\":\"a\"},\"done\":true}", &sn);
	assert_int_equal(sn.outcome, STREAM_COMPLETED);
	assert_false(sn.usage.present);
	snap_free(&sn);
	decode_str(STREAM_OLLAMA_NDJSON, "{\"message\":{\"content\":\"a\"},\"done\":true,\"done_reason\":\"length\"}", &sn);
	assert_int_equal(sn.outcome, STREAM_TRUNCATED);
	snap_free(&sn);
}

/* Synthetic: a body that is one JSON document (a server that ignored stream:true, or an error
 * sent with status 200) is read whole. */
static void test_json_body(void **state)
{
	(void)state;
	const char *body = "\xEF\xBB\xBF \n{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"m1\",\"choices\":[{\"index\":0,"
			   "\"message\":{\"role\":\"assistant\",\"content\":\"Whole answer.\"},\"finish_reason\":\"stop\"}],"
			   "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}}";
	struct snap sn;
	decode_all_ways(STREAM_OPENAI_SSE, body, strlen(body), &sn);
	assert_int_equal(sn.outcome, STREAM_COMPLETED);
	assert_string_equal(sn.text, "Whole answer.");
	assert_string_equal(sn.model, "m1");
	assert_int_equal(sn.usage.total_tokens, 5);
	snap_free(&sn);
	decode_str(STREAM_OPENAI_SSE, "{\"error\":{\"message\":\"Invalid model\",\"type\":\"invalid_request_error\"}}", &sn);
	assert_int_equal(sn.outcome, STREAM_SERVER_ERROR);
	assert_string_equal(sn.message, "Server error: Invalid model (invalid_request_error).");
	snap_free(&sn);
	decode_str(STREAM_OPENAI_SSE, "{\"choices\":[{\"message\":{\"content\":\"cut", &sn);
	assert_int_equal(sn.outcome, STREAM_INTERRUPTED);
	snap_free(&sn);
}

/* The HTTP layer's outcomes: first decision wins, partial text is kept, messages are read
 * from each server's error body. */
static void test_external_outcomes(void **state)
{
	(void)state;
	struct snap sn = {0};
	struct stream_sink sink = {on_event, &sn};
	struct stream *st = stream_new(STREAM_OPENAI_SSE, &sink);
	const char *part = SSE_CHUNK("{\"content\":\"partial\"}", "null");
	stream_feed(st, part, strlen(part));
	stream_fail(st, STREAM_CANCELLED, NULL);
	stream_fail(st, STREAM_NETWORK_ERROR, "late");
	stream_feed(st, part, strlen(part));
	stream_finish(st);
	snap_take(&sn, st);
	assert_int_equal(sn.outcome, STREAM_CANCELLED);
	assert_string_equal(sn.text, "partial");
	assert_null(sn.error);
	assert_int_equal(sn.ends, 1);
	assert_string_equal(sn.message, "Cancelled; the partial answer is kept.");
	snap_free(&sn);
	stream_free(st);

	st = stream_new(STREAM_OPENAI_SSE, NULL);
	stream_fail(st, STREAM_NETWORK_ERROR, "Connection refused");
	snap_take(&sn, st);
	assert_string_equal(sn.message, "Network error: Connection refused.");
	snap_free(&sn);
	stream_free(st);

	static const struct {
		int status;
		const char *body, *message;
	} http[] = {
		{401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc.\",\"type\":\"invalid_request_error\","
		      "\"param\":null,\"code\":\"invalid_api_key\"}}",
		 "HTTP 401: Incorrect API key provided: sk-abc. Check the API key."},
		{404, "{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}",
		 "HTTP 404: model \"llama9\" not found, try pulling it first. Check base_url and the model name."},
		{400, "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size\","
		      "\"type\":\"exceed_context_size_error\"}}",
		 "HTTP 400: the request exceeds the available context size."},
		{422, "{\"detail\":\"Field required\"}", "HTTP 422: Field required."},
		{502, "<html>Bad Gateway</html>\n", "HTTP 502: an HTML page, \"Bad Gateway\" (a proxy or gateway answered, not the model server)."},
		{503, "", "HTTP 503."},
		{429, "{\"error\":{\"message\":\"Rate limit reached\"}}",
		 "HTTP 429: Rate limit reached. The server is rate limiting; try again later."},
	};
	for (size_t i = 0; i < sizeof http / sizeof *http; i++) {
		st = stream_new(STREAM_OPENAI_SSE, NULL);
		stream_http_error(st, http[i].status, http[i].body, strlen(http[i].body));
		const struct stream_result *r = stream_result(st);
		assert_int_equal(r->outcome, STREAM_HTTP_ERROR);
		assert_int_equal(r->http_status, http[i].status);
		char *m = stream_outcome_message(r);
		assert_string_equal(m, http[i].message);
		free(m);
		stream_free(st);
	}
	char *code;
	const char *eb = "{\"error\":{\"message\":\"x\",\"code\":\"invalid_api_key\"}}";
	char *m = stream_error_message(eb, strlen(eb), &code);
	assert_string_equal(m, "x");
	assert_string_equal(code, "invalid_api_key");
	free(m);
	free(code);
	assert_string_equal(stream_outcome_name(STREAM_TOO_LARGE), "too_large");
}

/* 20,000 tokens (and ten times that) go through in one linear pass. */
static void test_many_tokens(void **state)
{
	(void)state;
	struct buf body = {0};
	size_t tokens = 200000;
	for (size_t i = 0; i < tokens; i++)
		buf_adds(&body, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok\"},\"finish_reason\":null}]}\n\n");
	buf_adds(&body, SSE_CHUNK("{}", "\"stop\"") "data: [DONE]\n\n");
	struct stream *st = stream_new(STREAM_OPENAI_SSE, NULL);
	for (size_t at = 0; at < body.len; at += 1500)
		stream_feed(st, body.p + at, body.len - at < 1500 ? body.len - at : 1500);
	stream_finish(st);
	const struct stream_result *r = stream_result(st);
	assert_int_equal(r->outcome, STREAM_COMPLETED);
	assert_int_equal(r->text_len, tokens * 4);
	assert_int_equal(r->content_deltas, tokens);
	stream_free(st);
	buf_free(&body);
}

static int report(void **state)
{
	(void)state;
	fprintf(stderr, "test_stream: %zu decoder runs\n", runs);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_fixtures_crlf_cr_bom),
		cmocka_unit_test(test_utf8_split),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_inband_errors),
		cmocka_unit_test(test_eof_without_done),
		cmocka_unit_test(test_keepalives),
		cmocka_unit_test(test_tolerant),
		cmocka_unit_test(test_json_body),
		cmocka_unit_test(test_external_outcomes),
		cmocka_unit_test(test_many_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, report);
}
