/* fuzz_stream.c - the stream decoder (core/wire/stream.h) over SSE and NDJSON bodies in any
 * slicing, as the network thread drives it. Checks what the header promises: text events
 * are valid UTF-8 and NUL-terminated, STREAM_EV_END comes exactly once and last, exactly one
 * outcome is decided, and the result's strings are consistent. Also runs the error-body
 * reader (stream_error_message) and the HTTP-error path on the same bytes. */
#include <string.h>

#include "core/wire/stream.h"
#include "tests/fuzz/fuzz.h"

struct ctx {
	struct stream *s;
	size_t ends;
};

static void on_event(void *c, enum stream_ev_kind kind, const char *s, size_t len)
{
	struct ctx *x = c;
	FUZZ_CHECK(x->ends == 0);
	FUZZ_CHECK(s[len] == '\0');
	FUZZ_CHECK(fuzz_utf8_ok(s, len));
	if (kind == STREAM_EV_END)
		x->ends++;
}

static void feed(void *c, const char *p, size_t n)
{
	struct ctx *x = c;
	stream_feed(x->s, p, n);
}

static void check_result(struct stream *s)
{
	const struct stream_result *r = stream_result(s);
	FUZZ_CHECK(r->outcome != STREAM_PENDING);
	FUZZ_CHECK(r->text && strlen(r->text) == r->text_len && fuzz_utf8_ok(r->text, r->text_len));
	FUZZ_CHECK(r->reasoning && strlen(r->reasoning) == r->reasoning_len);
	FUZZ_CHECK(r->refusal && strlen(r->refusal) == r->refusal_len);
	FUZZ_CHECK(r->model);
	FUZZ_CHECK(r->n_tool_calls == 0 || r->tool_calls);
	for (size_t i = 0; i < r->n_tool_calls; i++)
		FUZZ_CHECK(r->tool_calls[i].id && r->tool_calls[i].name && r->tool_calls[i].arguments);
	char *msg = stream_outcome_message(r);
	FUZZ_CHECK(msg);
	free(msg);
	FUZZ_CHECK(stream_outcome_name(r->outcome));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	struct ctx x = {0};
	struct stream_sink sink = {on_event, &x};
	x.s = stream_new(data[0] & 0x20 ? STREAM_OLLAMA_NDJSON : STREAM_OPENAI_SSE, &sink);
	if (data[0] & 0x40)
		stream_set_max(x.s, 256);
	fuzz_slices(body, len, data[0], feed, &x);
	stream_finish(x.s);
	FUZZ_CHECK(stream_done(x.s));
	FUZZ_CHECK(x.ends == 1);
	check_result(x.s);
	stream_free(x.s);

	/* The same bytes as an error body. */
	char *code = NULL;
	char *m = stream_error_message(body, len, &code);
	FUZZ_CHECK(m && fuzz_utf8_ok(m, strlen(m)));
	free(m);
	free(code);
	x.ends = 0;
	x.s = stream_new(STREAM_OPENAI_SSE, &sink);
	stream_http_error(x.s, 400 + data[0] % 200, body, len);
	FUZZ_CHECK(x.ends == 1);
	check_result(x.s);
	stream_free(x.s);
	return 0;
}
