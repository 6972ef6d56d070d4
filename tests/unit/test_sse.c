/* test_sse.c - SSE and NDJSON framing: line ends, BOM, comments, fields, the cap, every split. */
#include "fn_test.h"

#include "base/buf.h"
#include "core/wire/ndjson.h"
#include "core/wire/sse.h"

/* Everything a parser reports, as one string: E<type>|<id>|<data>  C<comment>  X<error field>
 * (or L<line> for NDJSON), each followed by '\n'. Equal logs mean equal parses. */
static void on_event(void *ctx, const struct sse_event *ev)
{
	struct buf *b = ctx;
	assert_int_equal(ev->data[ev->data_len], '\0');
	buf_addc(b, 'E');
	buf_add(b, ev->type, ev->type_len);
	buf_addc(b, '|');
	buf_add(b, ev->id, ev->id_len);
	buf_addc(b, '|');
	buf_add(b, ev->data, ev->data_len);
	buf_addc(b, '\n');
}

static void on_comment(void *ctx, const char *t, size_t n)
{
	struct buf *b = ctx;
	buf_addc(b, 'C');
	buf_add(b, t, n);
	buf_addc(b, '\n');
}

static void on_error_field(void *ctx, const char *t, size_t n)
{
	struct buf *b = ctx;
	buf_addc(b, 'X');
	buf_add(b, t, n);
	buf_addc(b, '\n');
}

static void on_line(void *ctx, const char *l, size_t n)
{
	struct buf *b = ctx;
	buf_addc(b, 'L');
	buf_add(b, l, n);
	buf_addc(b, '\n');
}

static size_t runs; /* parser runs, reported at the end */

/* Parses s fed in pieces cut at cuts[0..ncuts) (ascending); returns the log, caller frees.
 * *rc gets the last status. */
static char *sse_run(const char *s, size_t len, const size_t *cuts, size_t ncuts, size_t max, int *rc)
{
	struct buf log = {0};
	struct sse_callbacks cb = {on_event, on_comment, on_error_field, &log};
	struct sse *p = sse_new(&cb);
	if (max)
		sse_set_max(p, max);
	size_t at = 0;
	int r = SSE_OK;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		r = sse_feed(p, s + at, end - at);
		at = end;
	}
	if (r == SSE_OK)
		r = sse_finish(p);
	if (rc)
		*rc = r;
	sse_free(p);
	runs++;
	return buf_detach(&log);
}

static char *nd_run(const char *s, size_t len, const size_t *cuts, size_t ncuts)
{
	struct buf log = {0};
	struct ndjson_callbacks cb = {on_line, &log};
	struct ndjson *p = ndjson_new(&cb);
	size_t at = 0;
	for (size_t i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : len;
		assert_int_equal(ndjson_feed(p, s + at, end - at), NDJSON_OK);
		at = end;
	}
	assert_int_equal(ndjson_finish(p), NDJSON_OK);
	ndjson_free(p);
	runs++;
	return buf_detach(&log);
}

/* The whole input gives want; so does every split into two and into three pieces. */
static void sse_expect(const char *s, size_t len, const char *want)
{
	char *got = sse_run(s, len, NULL, 0, 0, NULL);
	assert_string_equal(got, want);
	free(got);
	for (size_t a = 0; a <= len; a++) {
		for (size_t b = a; b <= len; b++) {
			size_t cuts[2] = {a, b};
			got = sse_run(s, len, cuts, 2, 0, NULL);
			if (strcmp(got, want) != 0)
				fail_msg("split at %zu,%zu: got [%s] want [%s]", a, b, got, want);
			free(got);
		}
	}
}
#define SSE_EXPECT(lit, want) sse_expect(lit, sizeof(lit) - 1, want)

static void nd_expect(const char *s, size_t len, const char *want)
{
	for (size_t a = 0; a <= len; a++) {
		for (size_t b = a; b <= len; b++) {
			size_t cuts[2] = {a, b};
			char *got = nd_run(s, len, cuts, 2);
			if (strcmp(got, want) != 0)
				fail_msg("split at %zu,%zu: got [%s] want [%s]", a, b, got, want);
			free(got);
		}
	}
}
#define ND_EXPECT(lit, want) nd_expect(lit, sizeof(lit) - 1, want)

static void test_line_ends(void **state)
{
	(void)state;
	SSE_EXPECT("data: a\n\ndata: b\n\n", "Emessage||a\nEmessage||b\n");
	SSE_EXPECT("data: a\r\n\r\ndata: b\r\n\r\n", "Emessage||a\nEmessage||b\n");
	SSE_EXPECT("data: a\r\rdata: b\r\r", "Emessage||a\nEmessage||b\n");
	/* mixed, and CR LF as one end even when the slice boundary falls between them */
	SSE_EXPECT("data: a\r\n\ndata: b\r\r\ndata: c\n\r\n", "Emessage||a\nEmessage||b\nEmessage||c\n");
	/* a CR LF read as two line ends would cut this event in two */
	SSE_EXPECT("data: a\r\ndata: b\r\nid: 1\r\n\r\n", "Emessage|1|a\nb\n");
}

static void test_fields(void **state)
{
	(void)state;
	SSE_EXPECT("data: one\ndata:two\ndata\ndata:  three\n\n", "Emessage||one\ntwo\n\n three\n");
	SSE_EXPECT("event: error\ndata: x\n\ndata: y\n\n", "Eerror||x\nEmessage||y\n");
	SSE_EXPECT("id: 7\ndata: x\n\ndata: y\n\nid\ndata: z\n\n", "Emessage|7|x\nEmessage|7|y\nEmessage||z\n");
	/* an event with no data is not dispatched, and its type does not leak into the next */
	SSE_EXPECT("event: ping\n\ndata: x\n\n", "Emessage||x\n");
	SSE_EXPECT(": OPENROUTER PROCESSING\n\n:\n:x\n", "COPENROUTER PROCESSING\nC\nCx\n");
	SSE_EXPECT("foo: bar\ndata: x\n\n", "Emessage||x\n");
	SSE_EXPECT("error: {\"code\":500}\n\n", "X{\"code\":500}\n");
	SSE_EXPECT("data: x\n", "Emessage||x\n");          /* EOF ends the event */
	SSE_EXPECT("data: x", "Emessage||x\n");            /* and the last line */
}

static void test_bom(void **state)
{
	(void)state;
	SSE_EXPECT("\xEF\xBB\xBF" "data: x\n\n", "Emessage||x\n");
	/* only one BOM, only at the start */
	SSE_EXPECT("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\n", "");
	SSE_EXPECT("\xEF\xBB" "data: x\n\n", "");          /* a broken BOM is part of the field name */
	SSE_EXPECT("data: \xEF\xBB\xBF" "x\n\n", "Emessage||\xEF\xBB\xBF" "x\n");
}

static void test_retry(void **state)
{
	(void)state;
	struct sse *p = sse_new(NULL);
	assert_int_equal(sse_retry_ms(p), -1);
	const char *s = "retry: 2500\nretry: 12x\n\n";
	assert_int_equal(sse_feed(p, s, strlen(s)), SSE_OK);
	assert_int_equal(sse_retry_ms(p), 2500);
	sse_free(p);
}

/* One long line, in 64 KiB reads: the parser stops at the cap, long before the end. */
static void test_cap(void **state)
{
	(void)state;
	size_t big = 6u << 20, piece = 64u << 10;
	char *chunk = malloc(piece);
	memset(chunk, 'a', piece);
	struct sse *p = sse_new(NULL);
	assert_int_equal(sse_feed(p, "data: ", 6), SSE_OK);
	size_t fed = 0;
	int r = SSE_OK;
	while (fed < big && r == SSE_OK) {
		r = sse_feed(p, chunk, piece);
		fed += piece;
	}
	assert_int_equal(r, SSE_ETOOBIG);
	assert_true(fed <= SSE_DEFAULT_MAX + piece);
	assert_int_equal(sse_feed(p, "\n\n", 2), SSE_ETOOBIG);
	assert_int_equal(sse_finish(p), SSE_ETOOBIG);
	sse_free(p);

	/* many small data lines add up to one event: capped too */
	p = sse_new(NULL);
	sse_set_max(p, 100);
	r = SSE_OK;
	for (int i = 0; i < 20 && r == SSE_OK; i++)
		r = sse_feed(p, "data: 0123456789\n", 17);
	assert_int_equal(r, SSE_ETOOBIG);
	sse_free(p);

	/* a line exactly at the cap passes */
	int rc;
	char *log = sse_run("data: 1234\n\n", 12, NULL, 0, 10, &rc);
	assert_int_equal(rc, SSE_OK);
	assert_string_equal(log, "Emessage||1234\n");
	free(log);
	log = sse_run("data: 12345\n\n", 13, NULL, 0, 10, &rc);
	assert_int_equal(rc, SSE_ETOOBIG);
	free(log);

	struct ndjson *n = ndjson_new(NULL);
	fed = 0;
	r = NDJSON_OK;
	while (fed < big && r == NDJSON_OK) {
		r = ndjson_feed(n, chunk, piece);
		fed += piece;
	}
	assert_int_equal(r, NDJSON_ETOOBIG);
	assert_true(fed <= NDJSON_DEFAULT_MAX + piece);
	ndjson_free(n);
	free(chunk);
	assert_string_equal(sse_strerror(SSE_ETOOBIG), "an event from the server was larger than the limit");
}

static void test_ndjson(void **state)
{
	(void)state;
	ND_EXPECT("{\"a\":1}\n{\"b\":2}", "L{\"a\":1}\nL{\"b\":2}\n");
	ND_EXPECT("{\"a\":1}\r\n\r\n  \n{\"b\":2}\r\n", "L{\"a\":1}\nL{\"b\":2}\n");
	ND_EXPECT("{\"a\":1}\r{\"b\":2}\r", "L{\"a\":1}\nL{\"b\":2}\n");
	ND_EXPECT("\r\n\r\n{}\r\n", "L{}\n");
	ND_EXPECT("\xEF\xBB\xBF{\"a\":1}\n", "L{\"a\":1}\n");
	ND_EXPECT("", "");
}

/* Every real fixture frames the same at every two-piece split and one byte at a time. */
static void test_fixtures_every_split(void **state)
{
	(void)state;
	static const char *const files[] = {
		"openai-chat-gpt4o-text-usage.sse", "openai-chat-gpt4o-finish-length.sse",
		"openai-chat-gpt4o-tool-call.sse", "openai-chat-gpt4o-logprobs.sse",
		"openai-chat-gpt4o-refusal.sse", "openrouter-keepalive-inband-error.sse",
	};
	char path[256];
	for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
		snprintf(path, sizeof path, "stream-fixtures/%s", files[f]);
		size_t len;
		char *s = fn_slurp(fn_data(path), &len);
		char *want = sse_run(s, len, NULL, 0, 0, NULL);
		for (size_t cut = 0; cut <= len; cut++) {
			char *got = sse_run(s, len, &cut, 1, 0, NULL);
			assert_string_equal(got, want);
			free(got);
		}
		size_t *ones = malloc(len * sizeof *ones);
		for (size_t i = 0; i < len; i++)
			ones[i] = i;
		char *got = sse_run(s, len, ones, len, 0, NULL);
		assert_string_equal(got, want);
		free(got);
		free(ones);
		free(want);
		free(s);
	}
	size_t len;
	char *s = fn_slurp(fn_data("stream-fixtures/ollama-chat-phi3-excerpt.ndjson"), &len);
	char *want = nd_run(s, len, NULL, 0);
	size_t lines = 0;
	for (const char *c = want; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 6);
	for (size_t cut = 0; cut <= len; cut++) {
		char *got = nd_run(s, len, &cut, 1);
		assert_string_equal(got, want);
		free(got);
	}
	free(want);
	free(s);
}

/* The splitter both parsers share, against a plain model of the rules: random bodies of line
 * ends, BOM bytes, blanks and letters, each split at every offset and one byte per read. The
 * model: one leading BOM dropped; CR LF, CR and LF each end a line; a last line without an end
 * still counts; NDJSON then drops blank lines. */
static char *nd_model(const char *s, size_t len)
{
	struct buf log = {0};
	size_t i = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != '\r' && s[j] != '\n')
			j++;
		size_t k = i;
		while (k < j && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k < j) {
			buf_addc(&log, 'L');
			buf_add(&log, s + i, j - i);
			buf_addc(&log, '\n');
		}
		if (j < len && s[j] == '\r' && j + 1 < len && s[j + 1] == '\n')
			j++;
		i = j + 1;
	}
	return buf_detach(&log);
}

static void test_lines_random(void **state)
{
	(void)state;
	static const char alphabet[] = {'a', 'b', ' ', '\r', '\n', '\r', '\n', '\xEF', '\xBB', '\xBF'};
	unsigned seed = 4242;
	char s[40];
	for (int round = 0; round < 300; round++) {
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 16) % sizeof s;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = alphabet[(seed >> 16) % sizeof alphabet];
		}
		if (round % 3 == 0 && len >= 3)
			memcpy(s, "\xEF\xBB\xBF", 3);
		char *want = nd_model(s, len);
		nd_expect(s, len, want);
		size_t ones[sizeof s];
		for (size_t i = 0; i < len; i++)
			ones[i] = i;
		char *got = nd_run(s, len, ones, len);
		assert_string_equal(got, want);
		free(got);
		free(want);
	}
}

/* The cap on NDJSON is per line: many lines just under it pass, one byte more stops. A BOM
 * split over three reads is still skipped, and a stopped parser stays stopped. */
static void test_ndjson_cap_exact(void **state)
{
	(void)state;
	struct buf log = {0};
	struct ndjson_callbacks cb = {on_line, &log};
	struct ndjson *n = ndjson_new(&cb);
	ndjson_set_max(n, 4);
	assert_int_equal(ndjson_feed(n, "\xEF", 1), NDJSON_OK);
	assert_int_equal(ndjson_feed(n, "\xBB", 1), NDJSON_OK);
	assert_int_equal(ndjson_feed(n, "\xBF" "1234\r", 6), NDJSON_OK);
	for (int i = 0; i < 10; i++)
		assert_int_equal(ndjson_feed(n, "\n12", 3), NDJSON_OK);
	assert_int_equal(ndjson_feed(n, "34", 2), NDJSON_OK);
	assert_int_equal(ndjson_feed(n, "\n", 1), NDJSON_OK);
	assert_string_equal(buf_str(&log), "L1234\nL12\nL12\nL12\nL12\nL12\nL12\nL12\nL12\nL12\nL1234\n");
	assert_int_equal(ndjson_feed(n, "123", 3), NDJSON_OK);
	assert_int_equal(ndjson_feed(n, "45", 2), NDJSON_ETOOBIG);
	assert_int_equal(ndjson_feed(n, "\n", 1), NDJSON_ETOOBIG);
	assert_int_equal(ndjson_finish(n), NDJSON_ETOOBIG);
	assert_string_equal(ndjson_strerror(NDJSON_ETOOBIG), "a line from the server was longer than the limit");
	ndjson_free(n);
	buf_free(&log);
}

/* The SSE cap counts the whole pending event, so the room left for a line shrinks as data
 * lines pile up and comes back when the event is dispatched. */
static void test_sse_cap_room(void **state)
{
	(void)state;
	int rc;
	/* 10 bytes: "data: 1234" fills the cap; its data (4 + 1) leaves 5 for the next line */
	static const char fits[] = "data: 1234\ndata:\n\ndata: 1234\n\n";
	static const char over[] = "data: 1234\ndata: \n\n";
	char *log = sse_run(fits, sizeof fits - 1, NULL, 0, 10, &rc);
	assert_int_equal(rc, SSE_OK);
	assert_string_equal(log, "Emessage||1234\n\nEmessage||1234\n");
	free(log);
	log = sse_run(over, sizeof over - 1, NULL, 0, 10, &rc);
	assert_int_equal(rc, SSE_ETOOBIG);
	assert_string_equal(log, "");
	free(log);
	/* comments hold nothing: any number of them fit */
	struct buf b = {0};
	for (int i = 0; i < 100; i++)
		buf_adds(&b, ": 12345678\r\n");
	buf_adds(&b, "data: 1234\r\n\r\n");
	log = sse_run(b.p, b.len, NULL, 0, 10, &rc);
	assert_int_equal(rc, SSE_OK);
	assert_non_null(strstr(log, "Emessage||1234\n"));
	free(log);
	buf_free(&b);
}

static int report(void **state)
{
	(void)state;
	fprintf(stderr, "test_sse: %zu parser runs\n", runs);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_ndjson),
		cmocka_unit_test(test_fixtures_every_split),
		cmocka_unit_test(test_lines_random),
		cmocka_unit_test(test_ndjson_cap_exact),
		cmocka_unit_test(test_sse_cap_room),
	};
	return cmocka_run_group_tests(tests, NULL, report);
}
