/* test_mcp.c - the MCP server's protocol (core/mcp/server.h) with stub tools, the JSON-RPC
 * framer (core/mcp/rpc.h) at every split of the bytes, and file:// URIs (core/mcp/tools.h). */
#include "fn_test.h"

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/mcp/rpc.h"
#include "core/mcp/server.h"
#include "core/mcp/tools.h"

/* ---- a server with stub tools, its output collected as parsed messages ---- */

struct sink {
	cJSON *msgs[64];
	int n;
};
static void collect(void *ctx, const char *json, size_t len)
{
	struct sink *s = ctx;
	assert_null(memchr(json, '\n', len)); /* one message per line: never a newline inside */
	assert_true(s->n < 64);
	s->msgs[s->n] = cJSON_ParseWithLength(json, len);
	assert_non_null(s->msgs[s->n]);
	s->n++;
}
static void sink_clear(struct sink *s)
{
	for (int i = 0; i < s->n; i++)
		cJSON_Delete(s->msgs[i]);
	s->n = 0;
}

static struct mcp_call *pending; /* the stub "slow" tool's call */
static int cancels;

static int echo_start(void *ctx, struct mcp_call *c, const cJSON *args, char **err)
{
	(void)ctx;
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(args, "x");
	if (x && !cJSON_IsNumber(x)) {
		*err = xstrdup("x must be a number");
		return RPC_INVALID_PARAMS;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "x", x ? x->valuedouble : 0);
	mcp_call_done(c, o, false, NULL);
	return 0;
}
static int slow_start(void *ctx, struct mcp_call *c, const cJSON *args, char **err)
{
	(void)ctx, (void)args, (void)err;
	pending = c;
	return 0;
}
static void slow_cancel(void *ctx, struct mcp_call *c)
{
	(void)ctx;
	assert_ptr_equal(c, pending);
	cancels++;
}

static const struct mcp_tool stub_tools[] = {
	{.name = "echo", .description = "echo x", .input_schema = "{\"type\":\"object\"}",
	 .output_schema = "{\"type\":\"object\"}", .start = echo_start},
	{.name = "slow", .description = "finishes later", .input_schema = "{\"type\":\"object\"}",
	 .start = slow_start, .cancel = slow_cancel},
};
static const struct mcp_info stub_info = {.name = "t", .version = "1", .tools = stub_tools, .ntools = 2};

static struct mcp_server *srv_new(struct sink *s, struct mcp_out *out)
{
	*out = (struct mcp_out){collect, s};
	return mcp_server_new(&stub_info, out);
}
static void say(struct mcp_server *srv, const char *line)
{
	mcp_server_handle(srv, line, strlen(line));
}
static const char *init_req(const char *version)
{
	static char b[256];
	snprintf(b, sizeof b,
		 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"%s\","
		 "\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}",
		 version);
	return b;
}
static int err_code(const cJSON *m)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(m, "error");
	return e ? cJSON_GetObjectItemCaseSensitive(e, "code")->valueint : 0;
}
static const char *result_str(const cJSON *m, const char *key)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(m, "result");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The client's version is kept when known; an older one is offered the newest. */
static void test_version_negotiation(void **state)
{
	(void)state;
	struct sink s = {0};
	struct mcp_out out;
	struct mcp_server *srv = srv_new(&s, &out);
	say(srv, init_req("2025-06-18"));
	say(srv, init_req("2025-11-25"));
	say(srv, init_req("2024-11-05"));
	say(srv, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":{}}");
	assert_int_equal(s.n, 4);
	assert_string_equal(result_str(s.msgs[0], "protocolVersion"), "2025-06-18");
	assert_string_equal(result_str(s.msgs[1], "protocolVersion"), "2025-11-25");
	assert_string_equal(result_str(s.msgs[2], "protocolVersion"), mcp_versions[0]);
	assert_int_equal(err_code(s.msgs[3]), RPC_INVALID_PARAMS);
	sink_clear(&s);
	mcp_server_free(srv);
}

/* Every kind of bad message gets the JSON-RPC error it should, with the right id, and a
 * notification is never answered. */
static void test_bad_messages(void **state)
{
	(void)state;
	struct sink s = {0};
	struct mcp_out out;
	struct mcp_server *srv = srv_new(&s, &out);
	static const struct {
		const char *line;
		int code; /* 0 = no answer at all */
	} cases[] = {
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", RPC_INVALID_REQUEST}, /* before initialize */
		{"not json", RPC_PARSE_ERROR},
		{"{\"jsonrpc\":\"2.0\",\"id\":1", RPC_PARSE_ERROR},
		{"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", RPC_INVALID_REQUEST},
		{"42", RPC_INVALID_REQUEST},
		{"{\"id\":1,\"method\":\"ping\"}", RPC_INVALID_REQUEST},
		{"{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", RPC_INVALID_REQUEST},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", RPC_INVALID_REQUEST},
		{"{\"jsonrpc\":\"2.0\",\"id\":1}", RPC_INVALID_REQUEST},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}", RPC_INVALID_PARAMS},
		{"{\"jsonrpc\":\"2.0\",\"method\":\"no/such/notification\"}", 0},
		{"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", 0},
		{"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", 0}, /* a response: nothing to match */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sink_clear(&s);
		say(srv, cases[i].line);
		assert_int_equal(s.n, cases[i].code ? 1 : 0);
		if (cases[i].code)
			assert_int_equal(err_code(s.msgs[0]), cases[i].code);
	}
	sink_clear(&s);
	say(srv, init_req("2025-06-18"));
	static const struct {
		const char *line;
		int code;
	} after[] = {
		{"{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"nope\"}", RPC_METHOD_NOT_FOUND},
		{"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{}}", RPC_INVALID_PARAMS},
		{"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"zzz\"}}", RPC_INVALID_PARAMS},
		{"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":3}}",
		 RPC_INVALID_PARAMS},
		{"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"x\":\"s\"}}}",
		 RPC_INVALID_PARAMS},
		{"{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/list\"}", RPC_METHOD_NOT_FOUND}, /* none offered */
	};
	for (size_t i = 0; i < sizeof after / sizeof *after; i++) {
		sink_clear(&s);
		say(srv, after[i].line);
		assert_int_equal(s.n, 1);
		assert_int_equal(err_code(s.msgs[0]), after[i].code);
	}
	/* The id comes back as it was sent: a string stays a string. */
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(s.msgs[0], "id");
	assert_true(cJSON_IsNumber(id));
	sink_clear(&s);
	say(srv, "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\"}");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(s.msgs[0], "id")->valuestring, "a");
	mcp_server_toolong(srv, 99);
	assert_int_equal(err_code(s.msgs[1]), RPC_INVALID_REQUEST);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(s.msgs[1], "id")));
	sink_clear(&s);
	mcp_server_free(srv);
}

/* A tool result carries structuredContent and the same JSON as text; a call finishing later
 * sends progress only when asked, and nothing once cancelled. */
static void test_calls(void **state)
{
	(void)state;
	struct sink s = {0};
	struct mcp_out out;
	struct mcp_server *srv = srv_new(&s, &out);
	say(srv, init_req("2025-06-18"));
	sink_clear(&s);
	say(srv, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
	const cJSON *tools = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s.msgs[0], "result"), "tools");
	assert_int_equal(cJSON_GetArraySize(tools), 2);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(tools, 0), "outputSchema"));
	assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(tools, 1), "outputSchema"));
	sink_clear(&s);

	say(srv, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"x\":7}}}");
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(s.msgs[0], "result");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError")));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "structuredContent"), "x")->valueint, 7);
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "content"), 0), "text");
	assert_string_equal(text->valuestring, "{\"x\":7}");
	sink_clear(&s);

	/* progress with a token, growing only; then the result */
	say(srv, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\",\"_meta\":{\"progressToken\":9}}}");
	assert_int_equal(s.n, 0);
	assert_int_equal(mcp_server_calls(srv), 1);
	struct mcp_call *c = pending;
	mcp_call_progress(c, 1, 0, "one");
	mcp_call_progress(c, 1, 0, "same again: not sent");
	mcp_call_progress(c, 2, 4, NULL);
	assert_int_equal(s.n, 2);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(s.msgs[0], "method")->valuestring, "notifications/progress");
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(s.msgs[1], "params");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(p, "progressToken")->valueint, 9);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(p, "total")->valueint, 4);
	/* a second request with the id of one still running is refused */
	say(srv, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\"}}");
	assert_int_equal(err_code(s.msgs[2]), RPC_INVALID_REQUEST);
	mcp_call_done(c, NULL, true, "it broke");
	r = cJSON_GetObjectItemCaseSensitive(s.msgs[3], "result");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError")));
	assert_int_equal(mcp_server_calls(srv), 0);
	sink_clear(&s);

	/* no token: no progress; cancelled: the tool is told, and no result is sent */
	say(srv, "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}");
	c = pending;
	mcp_call_progress(c, 5, 0, "unasked");
	say(srv, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"other\"}}");
	assert_int_equal(cancels, 0);
	say(srv, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"q\"}}");
	assert_int_equal(cancels, 1);
	assert_true(mcp_call_cancelled(c));
	mcp_call_done(c, cJSON_CreateObject(), false, NULL);
	assert_int_equal(s.n, 0);
	assert_int_equal(mcp_server_calls(srv), 0);

	/* a call left running when the server is freed is freed with it (ASan checks) */
	say(srv, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}");
	mcp_server_cancel_all(srv);
	assert_int_equal(cancels, 2);
	mcp_server_free(srv);
}

/* ---- framing ---- */

struct lines {
	struct buf all; /* each line followed by "|" */
	int toolong;
};
static void on_line(void *ctx, const char *t, size_t n)
{
	struct lines *l = ctx;
	buf_add(&l->all, t, n);
	buf_addc(&l->all, '|');
}
static void on_long(void *ctx)
{
	((struct lines *)ctx)->toolong++;
}

/* The same lines come out at every split of the bytes: CRLF, blank lines, a last line with
 * no newline, and a line over the cap dropped and reported once, the next one intact. */
static void test_framer_splits(void **state)
{
	(void)state;
	static const char in[] = "{\"a\":1}\r\n\n  \n{\"b\":2}\n0123456789abcdef\n{\"c\":3}\n{\"d\":4}";
	size_t n = sizeof in - 1;
	for (size_t cut = 0; cut <= n; cut++) {
		for (size_t cut2 = cut; cut2 <= n; cut2 += 3) {
			struct rpc_framer f;
			rpc_framer_init(&f, 10);
			struct lines l = {0};
			struct rpc_framer_cb cb = {on_line, on_long, &l};
			rpc_framer_feed(&f, in, cut, &cb);
			rpc_framer_feed(&f, in + cut, cut2 - cut, &cb);
			rpc_framer_feed(&f, in + cut2, n - cut2, &cb);
			rpc_framer_end(&f, &cb);
			assert_string_equal(buf_str(&l.all), "{\"a\":1}|{\"b\":2}|{\"c\":3}|{\"d\":4}|");
			assert_int_equal(l.toolong, 1);
			assert_true(f.line.cap <= 64); /* the long line was never kept */
			buf_free(&l.all);
			rpc_framer_free(&f);
		}
	}
}

static void test_uris(void **state)
{
	(void)state;
	char *u = mcp_file_uri("/tmp/a b/ü%#?.md");
	assert_string_equal(u, "file:///tmp/a%20b/%C3%BC%25%23%3F.md");
	char *p = mcp_uri_path(u);
	assert_string_equal(p, "/tmp/a b/ü%#?.md");
	free(u);
	free(p);
	p = mcp_uri_path("file://localhost/etc/x");
	assert_string_equal(p, "/etc/x");
	free(p);
	assert_null(mcp_uri_path("http://x/y"));
	assert_null(mcp_uri_path("file://host/y"));
	assert_null(mcp_uri_path("file:///a%00b"));
	assert_null(mcp_uri_path("file:///a%zz"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_negotiation),
		cmocka_unit_test(test_bad_messages),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_framer_splits),
		cmocka_unit_test(test_uris),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
