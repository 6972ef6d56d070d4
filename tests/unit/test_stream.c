/* test_stream.c - the chat stream decoder: each recorded fixture gives the result SOURCES.txt
 * describes at every slicing of its bytes; synthetic streams (marked so) cover the cases no
 * public recording exists for. */
#include "fn_test.h"

#include "base/buf.h"
#include "base/utf8.h"
#include "core/wire/stream.h"

/* ---- recording what a stream does ---- */

/* Everything observable about one run: the event log (kind letter, bytes, '\n' per event) and
 * the result, copied so it outlives the stream. */
struct snap {
	struct buf log;
	size_t ends;
	enum stream_outcome outcome;
	char *finish, *text, *reasoning, *refusal, *model, *error, *code, *tools, *message;
	struct stream_usage usage;
	bool done;
	size_t json_events, content_deltas, keepalives, text_events;
};

static const char kind_letter[] = "TRFAKE";

static void on_event(void *ctx, enum stream_ev_kind k, const char *s, size_t len)
{
	struct snap *sn = ctx;
	assert_int_equal(s[len], '\0');
	/* every piece is whole, valid UTF-8 */
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n <= 0)
			fail_msg("event %c carries invalid UTF-8 at %zu", kind_letter[k], i);
		i += (size_t)n;
	}
	if (k == STREAM_EV_END)
		sn->ends++;
	if (k == STREAM_EV_TEXT)
		sn->text_events++;
	buf_addc(&sn->log, kind_letter[k]);
	buf_add(&sn->log, s, len);
	buf_addc(&sn->log, '\n');
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void snap_take(struct snap *sn, struct stream *st)
{
	const struct stream_result *r = stream_result(st);
	sn->outcome = r->outcome;
	sn->finish = dup_or_null(r->finish_reason);
	sn->text = strdup(r->text);
	assert_int_equal(strlen(r->text), r->text_len);
	sn->reasoning = strdup(r->reasoning);
	sn->refusal = strdup(r->refusal);
	sn->model = strdup(r->model);
	sn->error = dup_or_null(r->error);
	sn->code = dup_or_null(r->error_code);
	struct buf t = {0};
	for (size_t i = 0; i < r->n_tool_calls; i++)
		buf_addf(&t, "%s|%s|%s\n", r->tool_calls[i].id, r->tool_calls[i].name,
			 r->tool_calls[i].arguments);
	sn->tools = buf_detach(&t);
	sn->message = stream_outcome_message(r);
	sn->usage = r->usage;
	sn->done = r->done;
	sn->json_events = r->json_events;
	sn->content_deltas = r->content_deltas;
	sn->keepalives = r->keepalives;
}

static void snap_free(struct snap *sn)
{
	buf_free(&sn->log);
	free(sn->finish);
	free(sn->text);
	free(sn->reasoning);
	free(sn->refusal);
	free(sn->model);
	free(sn->error);
	free(sn->code);
	free(sn->tools);
	free(sn->message);
	memset(sn, 0, sizeof *sn);
}

static void str_eq_or_null(const char *a, const char *b, const char *what)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		fail_msg("%s differs: [%s] vs [%s]", what, a ? a : "(null)", b ? b : "(null)");
}

#define RANDOM_ROUNDS 100
static size_t runs; /* decoder runs, reported at the end */

static void snap_same(const struct snap *a, const struct snap *b, const char *how)
{
	if (strcmp(buf_str(&a->log), buf_str(&b->log)) != 0)
		fail_msg("%s: event log differs:\n%s\n--- vs ---\n%s", how, buf_str(&a->log), buf_str(&b->log));
	assert_int_equal(a->outcome, b->outcome);
	assert_int_equal(b->ends, 1);
	str_eq_or_null(a->finish, b->finish, "finish_reason");
	str_eq_or_null(a->text, b->text, "text");
	str_eq_or_null(a->reasoning, b->reasoning, "reasoning");
	str_eq_or_null(a->refusal, b->refusal, "refusal");
	str_eq_or_null(a->model, b->model, "model");
	str_eq_or_null(a->error, b->error, "error");
	str_eq_or_null(a->code, b->code, "error_code");
	str_eq_or_null(a->tools, b->tools, "tool calls");
	assert_memory_equal(&a->usage, &b->usage, sizeof a->usage);
	assert_int_equal(a->done, b->done);
	assert_int_equal(a->json_events, b->json_events);
	assert_int_equal(a->content_deltas, b->content_deltas);
	assert_int_equal(a->keepalives, b->keepalives);
}

/* Decodes s[0..len) fed in pieces ending at cuts[0..ncuts) (ascending), then EOF. */
static void decode(enum stream_proto proto, const char *s, size_t len, const size_t *cuts,
		   size_t ncuts, struct snap *out)
{
	memset(out, 0, sizeof *out);
	struct stream_sink sink = {on_event, out};
	struct stream *st = stream_new(proto, &sink);
	size_t at = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		stream_feed(st, s + at, end - at);
		at = end;
	}
	stream_finish(st);
	snap_take(out, st);
	stream_free(st);
	runs++;
}

/* Which two-piece splits to try. One byte per read already cuts at every offset at once, so
 * for the converted copies of a fixture, whose only new bytes are the line ends, the two-piece
 * splits are kept to those that fall next to a CR or LF (about half of a 13 KB fixture's
 * offsets are elsewhere, and each split is a whole decode). */
enum splits { SPLIT_ALL, SPLIT_NEAR_EOL, SPLIT_START };

static bool want_split(enum splits which, const char *s, size_t len, size_t cut)
{
	switch (which) {
	case SPLIT_ALL:
		return true;
	case SPLIT_START:
		return cut < 16;
	case SPLIT_NEAR_EOL:
		for (size_t i = cut > 2 ? cut - 2 : 0; i < len && i < cut + 2; i++)
			if (s[i] == '\r' || s[i] == '\n')
				return true;
		return false;
	}
	return true;
}

/* (1) whole, (2) one byte per read, (3) two reads split at every offset (see enum splits),
 * (4) random read sizes with a fixed seed: every way gives the same events and result as the
 * whole. Returns the whole run's snapshot in *whole. */
static void decode_ways(enum stream_proto proto, const char *s, size_t len, enum splits which,
			struct snap *whole)
{
	decode(proto, s, len, NULL, 0, whole);
	assert_int_equal(whole->ends, 1);
	struct snap o;

	size_t *cuts = malloc((len + 1) * sizeof *cuts);
	for (size_t i = 0; i < len; i++)
		cuts[i] = i + 1;
	decode(proto, s, len, cuts, len ? len - 1 : 0, &o);
	snap_same(whole, &o, "one byte per read");
	snap_free(&o);

	for (size_t cut = 0; cut <= len; cut++) {
		if (!want_split(which, s, len, cut))
			continue;
		decode(proto, s, len, &cut, 1, &o);
		snap_same(whole, &o, "split in two");
		snap_free(&o);
	}

	unsigned seed = 12345;
	for (int round = 0; round < RANDOM_ROUNDS; round++) {
		size_t n = 0, at = 0;
		while (at < len) {
			seed = seed * 1103515245u + 12345u;
			size_t step = 1 + (seed >> 16) % (round < RANDOM_ROUNDS / 2 ? 16 : 700);
			at = at + step < len ? at + step : len;
			cuts[n++] = at;
		}
		decode(proto, s, len, cuts, n, &o);
		snap_same(whole, &o, "random sizes");
		snap_free(&o);
	}
	free(cuts);
}

static void decode_all_ways(enum stream_proto proto, const char *s, size_t len, struct snap *whole)
{
	decode_ways(proto, s, len, SPLIT_ALL, whole);
}

/* Rewrites every LF as `eol` (the SSE fixtures use LF only). Caller frees. */
static char *convert_eol(const char *s, size_t len, const char *eol, size_t *out_len)
{
	struct buf b = {0};
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			buf_adds(&b, eol);
		else
			buf_addc(&b, s[i]);
	}
	*out_len = b.len;
	return buf_detach(&b);
}

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

static void decode_str(enum stream_proto proto, const char *s, struct snap *out)
{
	decode(proto, s, strlen(s), NULL, 0, out);
}

#define SSE_CHUNK(delta_json, finish) \
	"data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" delta_json ",\"finish_reason\":" finish "}]}\n\n"

/* Synthetic: "°C" and a 4-byte emoji as raw UTF-8, the body split at every offset; and the same
 * characters cut inside by the server itself, across two deltas, at every inner offset. */
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

static void json_escape(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf_adds(b, "\\n");
		else if (s[i] == '"' || s[i] == '\\')
			buf_addf(b, "\\%c", s[i]);
		else
			buf_addc(b, s[i]);
	}
}

/* Synthetic: a <think> block at the start of the content, cut into three deltas at every pair
 * of offsets, goes to reasoning; the answer keeps nothing of it. */
static void test_think_split(void **state)
{
	(void)state;
	static const struct {
		const char *content, *text, *reasoning;
	} cases[] = {
		{"<think>\nLet me see: 2<3.</think>\n\nThe answer is 4.", "The answer is 4.", "Let me see: 2<3."},
		{"\n <think>a</thinking></think>b", "b", "a</thinking>"},
		{"<b>bold</b> and <think>not a block</think>", "<b>bold</b> and <think>not a block</think>", ""},
		{"<thin", "<thin", ""},
		{"<think>never closed </thi", "", "never closed </thi"},
		{"  plain", "  plain", ""},
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		const char *s = cases[c].content;
		size_t n = strlen(s);
		for (size_t a = 0; a <= n; a++) {
			for (size_t b = a; b <= n; b++) {
				struct buf body = {0};
				size_t cuts[3] = {a, b, n};
				size_t at = 0;
				for (int k = 0; k < 3; k++) {
					buf_adds(&body, "{\"message\":{\"content\":\"");
					json_escape(&body, s + at, cuts[k] - at);
					buf_adds(&body, "\"},\"done\":false}\n");
					at = cuts[k];
				}
				buf_adds(&body, "{\"done\":true,\"done_reason\":\"stop\"}");
				struct snap sn;
				decode(STREAM_OLLAMA_NDJSON, body.p, body.len, NULL, 0, &sn);
				assert_string_equal(sn.text, cases[c].text);
				assert_string_equal(sn.reasoning, cases[c].reasoning);
				assert_int_equal(sn.outcome, STREAM_COMPLETED);
				snap_free(&sn);
				buf_free(&body);
			}
		}
	}
	/* the separate reasoning fields */
	struct snap sn;
	decode_str(STREAM_OPENAI_SSE,
		   SSE_CHUNK("{\"reasoning_content\":\"hmm\"}", "null")
		   SSE_CHUNK("{\"reasoning_content\":\" ok\",\"reasoning\":\" ok\"}", "null")
		   SSE_CHUNK("{\"content\":\"Yes.\"}", "\"stop\"") "data: [DONE]\n\n", &sn);
	assert_string_equal(sn.reasoning, "hmm ok");
	assert_string_equal(sn.text, "Yes.");
	assert_string_equal(buf_str(&sn.log), "Rhmm\nR ok\nTYes.\nEcompleted\n");
	snap_free(&sn);
	decode_str(STREAM_OLLAMA_NDJSON,
		   "{\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":\"Let me\"},\"done\":false}\n"
		   "{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n"
		   "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n", &sn);
	assert_string_equal(sn.reasoning, "Let me");
	assert_string_equal(sn.text, "Hi");
	snap_free(&sn);
}

/* ---- a <think> block whose opening tag the server stripped ---- */

/* decode() with the think settings chosen: mode and the bound on held content. */
static void decode_think(enum stream_proto proto, enum stream_think mode, size_t hold_max,
			 const char *s, size_t len, const size_t *cuts, size_t ncuts, struct snap *out)
{
	memset(out, 0, sizeof *out);
	struct stream_sink sink = {on_event, out};
	struct stream *st = stream_new(proto, &sink);
	stream_set_think(st, mode, hold_max);
	size_t at = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		stream_feed(st, s + at, end - at);
		at = end;
	}
	stream_finish(st);
	snap_take(out, st);
	stream_free(st);
	runs++;
}

/* An Ollama body naming `model`, whose content is s cut into deltas ending at cuts[0..n). */
static void ollama_body(struct buf *body, const char *model, const char *s, const size_t *cuts, size_t n)
{
	size_t at = 0;
	for (size_t k = 0; k < n; k++) {
		buf_addf(body, "{\"model\":\"%s\",\"message\":{\"content\":\"", model);
		json_escape(body, s + at, cuts[k] - at);
		buf_adds(body, "\"},\"done\":false}\n");
		at = cuts[k];
	}
	buf_addf(body, "{\"model\":\"%s\",\"done\":true,\"done_reason\":\"stop\"}", model);
}

/* Synthetic: content from a DeepSeek-R1 distill that starts inside the block (the template
 * put "<think>\n" in the prompt), cut into three deltas at every pair of offsets. The model
 * is named by the server, so the default mode looks for the stripped tag. Before the hold
 * resolves nothing is sent: the reasoning comes first, in one piece, at "</think>"; an answer
 * with no "</think>" comes in one piece at the end. */
static void test_think_noopen_split(void **state)
{
	(void)state;
	static const struct {
		const char *content, *text, *reasoning;
		const char *first; /* how the event log starts at every split */
	} cases[] = {
		{"Okay, 2<3 so...\n</think>\n\nThe answer is 4.", "The answer is 4.", "Okay, 2<3 so...\n",
		 "ROkay, 2<3 so...\n\n"},
		{"\n\nLet me see.</think>Yes, </think> is text here.", "Yes, </think> is text here.", "Let me see.",
		 "RLet me see.\n"},
		{"</think>Answer", "Answer", "", "T"},
		{"</thin</think>ok", "ok", "</thin", "R</thin\n"},
		{"21 \xC2\xB0" "C \xF0\x9F\x99\x82</think>\xC3\x98k", "\xC3\x98k", "21 \xC2\xB0" "C \xF0\x9F\x99\x82",
		 "R21 \xC2\xB0" "C \xF0\x9F\x99\x82\n"},
		{"A plain answer, with no tags at all.", "A plain answer, with no tags at all.", "",
		 "TA plain answer, with no tags at all.\nEcompleted\n"},
		{"  indented answer", "  indented answer", "", "T  indented answer\nEcompleted\n"},
		/* an opening tag before any closing one: not a stripped block */
		{"<b>bold</b> and <think>not a block</think> x", "<b>bold</b> and <think>not a block</think> x", "",
		 "T<b>bold</b> and <think>"},
		{"See <thinking>x</thinking>.", "See <thinking>x</thinking>.", "",
		 "TSee <thinking>x</thinking>.\nEcompleted\n"},
		{"<think>tagged</think>answer", "answer", "tagged", "R"}, /* the tag came: streams live */
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		const char *s = cases[c].content;
		size_t n = strlen(s);
		for (size_t a = 0; a <= n; a++) {
			for (size_t b = a; b <= n; b++) {
				struct buf body = {0};
				size_t cuts[3] = {a, b, n};
				ollama_body(&body, "deepseek-r1:7b", s, cuts, 3);
				struct snap sn;
				decode(STREAM_OLLAMA_NDJSON, body.p, body.len, NULL, 0, &sn);
				if (strcmp(sn.text, cases[c].text) || strcmp(sn.reasoning, cases[c].reasoning))
					fail_msg("case %zu cut %zu,%zu: text [%s] reasoning [%s]", c, a, b, sn.text,
						 sn.reasoning);
				const char *first = cases[c].first;
				if (strncmp(buf_str(&sn.log), first, strlen(first)) != 0)
					fail_msg("case %zu cut %zu,%zu: log [%s] does not start [%s]", c, a, b,
						 buf_str(&sn.log), first);
				assert_int_equal(sn.outcome, STREAM_COMPLETED);
				assert_null(strstr(sn.text, "\xEF\xBF\xBD"));
				snap_free(&sn);
				buf_free(&body);
			}
		}
	}
	/* The same body from a model not named as one: nothing is held, so the first case is all
	 * answer, as before. */
	const char *s = cases[0].content;
	size_t cuts[1] = {strlen(s)};
	struct buf body = {0};
	ollama_body(&body, "llama3.1:8b", s, cuts, 1);
	struct snap sn;
	decode(STREAM_OLLAMA_NDJSON, body.p, body.len, NULL, 0, &sn);
	assert_string_equal(sn.text, s);
	assert_string_equal(sn.reasoning, "");
	snap_free(&sn);
	/* ... unless the caller says so; and STREAM_THINK_TAG turns the hold off for R1 too */
	decode_think(STREAM_OLLAMA_NDJSON, STREAM_THINK_NOOPEN, 0, body.p, body.len, NULL, 0, &sn);
	assert_string_equal(sn.text, "The answer is 4.");
	snap_free(&sn);
	buf_free(&body);
	ollama_body(&body, "deepseek-r1:7b", s, cuts, 1);
	decode_think(STREAM_OLLAMA_NDJSON, STREAM_THINK_TAG, 0, body.p, body.len, NULL, 0, &sn);
	assert_string_equal(sn.text, s);
	snap_free(&sn);
	buf_free(&body);
}

/* Synthetic: an OpenAI-shaped body (the model named in every chunk, as vLLM and llama.cpp
 * do), whole, one byte per read, split at every offset and at random sizes: the same events. */
static void test_think_noopen_sse(void **state)
{
	(void)state;
#define R1_CHUNK(content, finish) \
	"data: {\"model\":\"DeepSeek-R1-Distill-Qwen-7B\",\"choices\":[{\"index\":0,\"delta\":{\"content\":" \
	content "},\"finish_reason\":" finish "}]}\n\n"
	const char *body = "data: {\"model\":\"DeepSeek-R1-Distill-Qwen-7B\",\"choices\":[{\"index\":0,\"delta\":"
			   "{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
			   R1_CHUNK("\"Hmm, the \"", "null") ": keep-alive\n\n" R1_CHUNK("\"sources say 4.</\"", "null")
			   R1_CHUNK("\"think>\\n\\nIt is \"", "null") R1_CHUNK("\"4 [1].\"", "null")
			   R1_CHUNK("\"\"", "\"stop\"") "data: [DONE]\n\n";
	struct snap sn;
	decode_all_ways(STREAM_OPENAI_SSE, body, strlen(body), &sn);
	assert_int_equal(sn.outcome, STREAM_COMPLETED);
	assert_string_equal(sn.reasoning, "Hmm, the sources say 4.");
	assert_string_equal(sn.text, "It is 4 [1].");
	/* the keep-alive still goes out while the content is held */
	assert_string_equal(buf_str(&sn.log), "Kkeep-alive\nRHmm, the sources say 4.\nTIt is \nT4 [1].\nEcompleted\n");
	snap_free(&sn);
#undef R1_CHUNK
	/* a server that ignored stream:true: one JSON body, split the same way */
	const char *whole = "{\"model\":\"deepseek-r1:7b\",\"choices\":[{\"index\":0,\"message\":{\"content\":"
			    "\"So the answer is 4.\\n</think>\\n\\nIt is 4.\"},\"finish_reason\":\"stop\"}]}";
	decode_all_ways(STREAM_OPENAI_SSE, whole, strlen(whole), &sn);
	assert_int_equal(sn.outcome, STREAM_COMPLETED);
	assert_string_equal(sn.reasoning, "So the answer is 4.\n");
	assert_string_equal(sn.text, "It is 4.");
	snap_free(&sn);
}

/* Synthetic: the bound. A "</think>" must end within hold_max bytes of content; past that it
 * was all answer, released in order, and a later "</think>" is text. */
static void test_think_noopen_bound(void **state)
{
	(void)state;
	static const struct {
		const char *content, *text, *reasoning;
	} cases[] = {
		{"0123456</think>x", "x", "0123456"},                            /* ends at 15 */
		{"01234567</think>x", "x", "01234567"},                          /* ends at 16 */
		{"012345678</think>x", "012345678</think>x", ""},                /* ends at 17 */
		{"0123456789abcdefghij</think>x", "0123456789abcdefghij</think>x", ""},
		{"0123456789abcdef", "0123456789abcdef", ""},                    /* exactly the bound */
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		const char *s = cases[c].content;
		size_t n = strlen(s);
		for (size_t a = 0; a <= n; a++) {
			for (size_t b = a; b <= n; b++) {
				struct buf body = {0};
				size_t cuts[3] = {a, b, n};
				ollama_body(&body, "m", s, cuts, 3);
				struct snap sn;
				decode_think(STREAM_OLLAMA_NDJSON, STREAM_THINK_NOOPEN, 16, body.p, body.len, NULL, 0, &sn);
				if (strcmp(sn.text, cases[c].text) || strcmp(sn.reasoning, cases[c].reasoning))
					fail_msg("case %zu cut %zu,%zu: text [%s] reasoning [%s]", c, a, b, sn.text,
						 sn.reasoning);
				snap_free(&sn);
				buf_free(&body);
			}
		}
	}

	/* The default bound, 64 KiB: reasoning just under it is split off; an answer over it
	 * streams from the bound on, and its "</think>" stays in the text. */
	for (int over = 0; over < 2; over++) {
		size_t want = over ? STREAM_THINK_HOLD_MAX + 5000 : STREAM_THINK_HOLD_MAX - 8;
		struct buf content = {0};
		for (size_t i = 0; i < want; i++)
			buf_addc(&content, "abcdefg "[i % 8]);
		buf_adds(&content, "</think>Answer.");
		size_t cuts[80];
		size_t nc = 0;
		for (size_t at = 1000; at < content.len; at += 1000)
			cuts[nc++] = at;
		cuts[nc++] = content.len;
		struct buf body = {0};
		ollama_body(&body, "qwq:32b", content.p, cuts, nc);
		struct snap sn;
		decode(STREAM_OLLAMA_NDJSON, body.p, body.len, NULL, 0, &sn);
		if (over) {
			assert_string_equal(sn.text, content.p);
			assert_string_equal(sn.reasoning, "");
			assert_true(sn.text_events > 1); /* it streams once the bound is passed */
		} else {
			assert_string_equal(sn.text, "Answer.");
			assert_int_equal(strlen(sn.reasoning), want);
		}
		snap_free(&sn);
		buf_free(&body);
		buf_free(&content);
	}
}

/* Synthetic: what ends a hold early. A separate reasoning field means the server splits
 * reasoning itself; any outcome, a cancel included, releases the held content as answer text
 * before the end, so the partial text is kept. */
static void test_think_noopen_release(void **state)
{
	(void)state;
	struct snap sn;
	/* content held, then reasoning_content: the content was answer, in its order */
	decode_think(STREAM_OPENAI_SSE, STREAM_THINK_NOOPEN, 0,
		     SSE_CHUNK("{\"content\":\"Hello\"}", "null")
		     SSE_CHUNK("{\"reasoning_content\":\"hmm\"}", "null")
		     SSE_CHUNK("{\"content\":\" a</think>b\"}", "\"stop\"") "data: [DONE]\n\n",
		     strlen(SSE_CHUNK("{\"content\":\"Hello\"}", "null")
			    SSE_CHUNK("{\"reasoning_content\":\"hmm\"}", "null")
			    SSE_CHUNK("{\"content\":\" a</think>b\"}", "\"stop\"") "data: [DONE]\n\n"),
		     NULL, 0, &sn);
	assert_string_equal(buf_str(&sn.log), "THello\nRhmm\nT a</think>b\nEcompleted\n");
	snap_free(&sn);
	/* reasoning first (Ollama's thinking): the content is never held */
	const char *nd = "{\"model\":\"deepseek-r1:7b\",\"message\":{\"content\":\"\",\"thinking\":\"Let me\"},\"done\":false}\n"
			 "{\"model\":\"deepseek-r1:7b\",\"message\":{\"content\":\"Hi</think>\"},\"done\":false}\n"
			 ": not json\n"
			 "{\"model\":\"deepseek-r1:7b\",\"message\":{\"content\":\" there\"},\"done\":true,\"done_reason\":\"stop\"}\n";
	decode_str(STREAM_OLLAMA_NDJSON, nd, &sn);
	assert_string_equal(buf_str(&sn.log), "RLet me\nTHi</think>\nT there\nEcompleted\n");
	snap_free(&sn);

	/* cancel while held: nothing shown before, the held text kept after */
	const char *part = "data: {\"model\":\"deepseek-r1\",\"choices\":[{\"delta\":{\"content\":\"Thinking about i\"}}]}\n\n";
	sn = (struct snap){0};
	struct stream_sink sink = {on_event, &sn};
	struct stream *st = stream_new(STREAM_OPENAI_SSE, &sink);
	stream_feed(st, part, strlen(part));
	assert_string_equal(stream_result(st)->text, "");
	assert_string_equal(buf_str(&sn.log), "");
	stream_fail(st, STREAM_CANCELLED, NULL);
	snap_take(&sn, st);
	assert_string_equal(buf_str(&sn.log), "TThinking about i\nEcancelled\n");
	assert_string_equal(sn.text, "Thinking about i");
	assert_string_equal(sn.message, "Cancelled; the partial answer is kept.");
	snap_free(&sn);
	stream_free(st);

	/* truncated and interrupted while held: the same */
	decode_str(STREAM_OPENAI_SSE,
		   "data: {\"model\":\"deepseek-r1\",\"choices\":[{\"delta\":{\"content\":\"Thinking\"},\"finish_reason\":\"length\"}]}\n\n"
		   "data: [DONE]\n\n", &sn);
	assert_int_equal(sn.outcome, STREAM_TRUNCATED);
	assert_string_equal(buf_str(&sn.log), "TThinking\nEtruncated\n");
	snap_free(&sn);
	decode_str(STREAM_OPENAI_SSE, part, &sn);
	assert_int_equal(sn.outcome, STREAM_INTERRUPTED);
	assert_string_equal(sn.text, "Thinking about i");
	snap_free(&sn);
}

/* Which model names are taken for tag-stripping reasoning models. */
static void test_think_model_names(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"deepseek-r1:14b", "DeepSeek-R1-Distill-Qwen-7B", "deepseek-ai/DeepSeek-R1",
		"deepseek-r1-0528-qwen3-8b", "DeepSeek-R1-Distill-Llama-8B-Q4_K_M.gguf", "perplexity/r1-1776",
		"qwq:32b", "Qwen/QwQ-32B", "Qwen3-30B-A3B-Thinking-2507", "qwen/qwen3-235b-a22b-thinking-2507",
	};
	static const char *const no[] = {
		"", "llama3.1:8b", "gpt-4o-2024-08-06", "qwen3:8b", "QwQ-32B-Preview", "phi3", "command-r",
		"gemini-2.0-flash-thinking-exp", "deepseek-r10", "rr1", "mistral-large", "deepseek-chat",
	};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (!stream_model_strips_think(yes[i]))
			fail_msg("%s should be taken for a tag-stripping model", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (stream_model_strips_think(no[i]))
			fail_msg("%s should not be taken for a tag-stripping model", no[i]);
	assert_false(stream_model_strips_think(NULL));
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
		cmocka_unit_test(test_think_split),
		cmocka_unit_test(test_think_noopen_split),
		cmocka_unit_test(test_think_noopen_sse),
		cmocka_unit_test(test_think_noopen_bound),
		cmocka_unit_test(test_think_noopen_release),
		cmocka_unit_test(test_think_model_names),
		cmocka_unit_test(test_eof_without_done),
		cmocka_unit_test(test_keepalives),
		cmocka_unit_test(test_tolerant),
		cmocka_unit_test(test_json_body),
		cmocka_unit_test(test_external_outcomes),
		cmocka_unit_test(test_many_tokens),
	};
	return cmocka_run_group_tests(tests, NULL, report);
}
