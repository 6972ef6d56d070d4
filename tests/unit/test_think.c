/* test_think.c - the chat stream decoder's reasoning: <think> blocks split anywhere, a block
 * whose opening tag the server stripped (by model name, bounded, released), in SSE and
 * Ollama bodies. Synthetic streams; the recorder is tests/unit/stream_snap.c. */
#include "fn_test.h"

#include "base/buf.h"
#include "stream_snap.h"

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

/* An Ollama body naming model whose content s arrives in three deltas, cut at a and b,
 * decoded with think settings (mode NULL: the decoder's own), checked against the text and
 * reasoning wanted; sn is left for the caller to look at further and free. */
static void ollama_split(const char *model, const char *s, size_t a, size_t b, const enum stream_think *mode,
			 size_t hold_max, const char *text, const char *reasoning, size_t c, struct snap *sn)
{
	struct buf body = {0};
	size_t n = strlen(s), cuts[3] = {a, b, n};
	ollama_body(&body, model, s, cuts, 3);
	if (mode)
		decode_think(STREAM_OLLAMA_NDJSON, *mode, hold_max, body.p, body.len, NULL, 0, sn);
	else
		decode(STREAM_OLLAMA_NDJSON, body.p, body.len, NULL, 0, sn);
	buf_free(&body);
	if (strcmp(sn->text, text) || strcmp(sn->reasoning, reasoning))
		fail_msg("case %zu cut %zu,%zu: text [%s] reasoning [%s]", c, a, b, sn->text, sn->reasoning);
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
				struct snap sn;
				ollama_split("deepseek-r1:7b", s, a, b, NULL, 0, cases[c].text, cases[c].reasoning, c, &sn);
				const char *first = cases[c].first;
				if (strncmp(buf_str(&sn.log), first, strlen(first)) != 0)
					fail_msg("case %zu cut %zu,%zu: log [%s] does not start [%s]", c, a, b,
						 buf_str(&sn.log), first);
				assert_int_equal(sn.outcome, STREAM_COMPLETED);
				assert_null(strstr(sn.text, "\xEF\xBF\xBD"));
				snap_free(&sn);
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
				struct snap sn;
				const enum stream_think noopen = STREAM_THINK_NOOPEN;
				ollama_split("m", s, a, b, &noopen, 16, cases[c].text, cases[c].reasoning, c, &sn);
				snap_free(&sn);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_think_split),
		cmocka_unit_test(test_think_noopen_split),
		cmocka_unit_test(test_think_noopen_sse),
		cmocka_unit_test(test_think_noopen_bound),
		cmocka_unit_test(test_think_noopen_release),
		cmocka_unit_test(test_think_model_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
