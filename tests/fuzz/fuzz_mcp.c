/* fuzz_mcp.c - the MCP server's framing and dispatch (core/mcp/rpc.h, core/mcp/server.h) on
 * any bytes in any slicing, with stub tools: one that finishes at once and one that finishes
 * later (cancelled or not). Checks that everything sent is one JSON-RPC 2.0 object with no
 * newline, that requests get at most one response each, and that no call outlives the
 * server (ASan). */
#include <cjson/cJSON.h>
#include <string.h>

#include "core/mcp/rpc.h"
#include "core/mcp/server.h"
#include "tests/fuzz/fuzz.h"

static struct mcp_call *later[8];
static int nlater;

static void on_send(void *ctx, const char *json, size_t len)
{
	(void)ctx;
	FUZZ_CHECK(!memchr(json, '\n', len));
	cJSON *m = cJSON_ParseWithLength(json, len);
	FUZZ_CHECK(m && cJSON_IsObject(m));
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, "jsonrpc");
	FUZZ_CHECK(cJSON_IsString(v) && !strcmp(v->valuestring, "2.0"));
	int kinds = !!cJSON_GetObjectItemCaseSensitive(m, "result") + !!cJSON_GetObjectItemCaseSensitive(m, "error") +
		    !!cJSON_GetObjectItemCaseSensitive(m, "method");
	FUZZ_CHECK(kinds == 1);
	cJSON_Delete(m);
}

static int now_start(void *ctx, struct mcp_call *c, const cJSON *args, char **err)
{
	(void)ctx, (void)err;
	mcp_call_done(c, cJSON_Duplicate(args, 1), false, NULL);
	return 0;
}

static int later_start(void *ctx, struct mcp_call *c, const cJSON *args, char **err)
{
	(void)ctx;
	if (nlater == 8 || cJSON_GetObjectItemCaseSensitive(args, "bad")) {
		*err = strdup("bad");
		return RPC_INVALID_PARAMS;
	}
	later[nlater++] = c;
	mcp_call_progress(c, 1, 0, "started");
	return 0;
}

static void later_cancel(void *ctx, struct mcp_call *c)
{
	(void)ctx;
	FUZZ_CHECK(mcp_call_cancelled(c));
}

static const struct mcp_tool tools[] = {
	{.name = "now", .description = "d", .input_schema = "{\"type\":\"object\"}", .start = now_start},
	{.name = "later", .description = "d", .input_schema = "{", .start = later_start, .cancel = later_cancel},
};

static int list(void *ctx, cJSON *arr, char **err)
{
	(void)ctx, (void)err;
	cJSON_AddItemToArray(arr, cJSON_CreateString("x"));
	return 0;
}
static int rd(void *ctx, const char *uri, cJSON *arr, char **err)
{
	(void)ctx, (void)arr;
	*err = strdup(uri);
	return RPC_RESOURCE_NOT_FOUND;
}
static const struct mcp_resources res = {list, rd, NULL};
static const struct mcp_info info = {.name = "f", .version = "1", .tools = tools, .ntools = 2, .resources = &res};

struct feed {
	struct rpc_framer *f;
	struct rpc_framer_cb *cb;
};
static void on_line(void *ctx, const char *t, size_t n)
{
	mcp_server_handle(ctx, t, n);
}
static void on_long(void *ctx)
{
	mcp_server_toolong(ctx, 256);
}
static void feed(void *ctx, const char *p, size_t n)
{
	struct feed *x = ctx;
	rpc_framer_feed(x->f, p, n, x->cb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	struct mcp_out out = {on_send, NULL};
	struct mcp_server *s = mcp_server_new(&info, &out);
	nlater = 0;
	/* Every input starts initialized, so the fuzzer reaches the tools quickly. */
	static const char init[] = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
				   "{\"protocolVersion\":\"2025-06-18\"}}";
	mcp_server_handle(s, init, sizeof init - 1);
	struct rpc_framer f;
	rpc_framer_init(&f, 256);
	struct rpc_framer_cb cb = {on_line, on_long, s};
	struct feed x = {&f, &cb};
	fuzz_slices((const char *)data + 1, size - 1, data[0], feed, &x);
	rpc_framer_end(&f, &cb);
	FUZZ_CHECK(mcp_server_calls(s) == (size_t)nlater);
	/* Half the later calls finish, the rest are left to the server's free. */
	for (int i = 0; i < nlater; i += 2)
		mcp_call_done(later[i], NULL, data[0] & 1, "done");
	rpc_framer_free(&f);
	mcp_server_free(s);
	return 0;
}
