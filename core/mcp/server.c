/* server.c - the Model Context Protocol's methods over JSON-RPC (see server.h).
 *
 * Errors follow JSON-RPC: a line that is not JSON is -32700 with id null; JSON that is not a
 * request object (a batch, a missing method, a bad id) is -32600; an unknown method -32601;
 * wrong params, an unknown tool or arguments of the wrong type -32602. A tool that fails
 * while working answers with a result whose isError is true, as MCP asks, so a model can
 * read why. Notifications (no id) are never answered. */
#include "core/mcp/server.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/mcp/rpc.h"

const char *const mcp_versions[] = {"2025-11-25", "2025-06-18", NULL};

struct mcp_call {
	struct mcp_server *srv;
	const struct mcp_tool *tool;
	cJSON *id, *token; /* request id; progress token or NULL */
	double last_progress;
	bool cancelled;
	void *data;
	struct mcp_call *next;
};

struct mcp_server {
	const struct mcp_info *info;
	const struct mcp_out *out;
	bool initialized;
	struct mcp_call *calls;
	size_t ncalls;
};

struct mcp_server *mcp_server_new(const struct mcp_info *info, const struct mcp_out *out)
{
	struct mcp_server *s = xcalloc(1, sizeof *s);
	s->info = info;
	s->out = out;
	return s;
}

static void call_unlink_free(struct mcp_call *c)
{
	struct mcp_server *s = c->srv;
	for (struct mcp_call **pp = &s->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			s->ncalls--;
			break;
		}
	}
	cJSON_Delete(c->id);
	cJSON_Delete(c->token);
	free(c);
}

void mcp_server_free(struct mcp_server *s)
{
	if (!s)
		return;
	while (s->calls)
		call_unlink_free(s->calls);
	free(s);
}

size_t mcp_server_calls(const struct mcp_server *s)
{
	return s->ncalls;
}

static void send_json(struct mcp_server *s, cJSON *o)
{
	char *text = cJSON_PrintUnformatted(o);
	if (text)
		s->out->send(s->out->ctx, text, strlen(text));
	free(text);
	cJSON_Delete(o);
}

static void send_error(struct mcp_server *s, const cJSON *id, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void send_error(struct mcp_server *s, const cJSON *id, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	send_json(s, rpc_error(id, code, msg, NULL));
}

void mcp_server_toolong(struct mcp_server *s, size_t cap)
{
	send_error(s, NULL, RPC_INVALID_REQUEST, "message over %zu bytes dropped", cap);
}

/* ---- methods ---- */

static cJSON *parse_schema(const char *text)
{
	cJSON *j = cJSON_Parse(text);
	return j ? j : cJSON_CreateObject();
}

static void do_initialize(struct mcp_server *s, const cJSON *id, const cJSON *params)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, "protocolVersion");
	if (!cJSON_IsString(v)) {
		send_error(s, id, RPC_INVALID_PARAMS, "initialize needs params.protocolVersion (a string)");
		return;
	}
	const char *version = mcp_versions[0];
	for (const char *const *p = mcp_versions; *p; p++)
		if (!strcmp(*p, v->valuestring))
			version = *p;
	s->initialized = true;
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "protocolVersion", version);
	cJSON *caps = cJSON_AddObjectToObject(r, "capabilities");
	cJSON_AddBoolToObject(cJSON_AddObjectToObject(caps, "tools"), "listChanged", false);
	if (s->info->resources) {
		cJSON *rc = cJSON_AddObjectToObject(caps, "resources");
		cJSON_AddBoolToObject(rc, "listChanged", false);
		cJSON_AddBoolToObject(rc, "subscribe", false);
	}
	cJSON *si = cJSON_AddObjectToObject(r, "serverInfo");
	cJSON_AddStringToObject(si, "name", s->info->name);
	if (s->info->title)
		cJSON_AddStringToObject(si, "title", s->info->title);
	cJSON_AddStringToObject(si, "version", s->info->version);
	if (s->info->instructions)
		cJSON_AddStringToObject(r, "instructions", s->info->instructions);
	send_json(s, rpc_result(id, r));
}

static void do_tools_list(struct mcp_server *s, const cJSON *id)
{
	cJSON *r = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(r, "tools");
	for (size_t i = 0; i < s->info->ntools; i++) {
		const struct mcp_tool *t = &s->info->tools[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", t->name);
		if (t->title)
			cJSON_AddStringToObject(o, "title", t->title);
		cJSON_AddStringToObject(o, "description", t->description);
		cJSON_AddItemToObject(o, "inputSchema", parse_schema(t->input_schema));
		if (t->output_schema)
			cJSON_AddItemToObject(o, "outputSchema", parse_schema(t->output_schema));
		cJSON_AddItemToArray(arr, o);
	}
	send_json(s, rpc_result(id, r));
}

static void do_tools_call(struct mcp_server *s, const cJSON *id, const cJSON *params)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
	if (!cJSON_IsString(name)) {
		send_error(s, id, RPC_INVALID_PARAMS, "tools/call needs params.name (a string)");
		return;
	}
	const struct mcp_tool *tool = NULL;
	for (size_t i = 0; i < s->info->ntools; i++)
		if (!strcmp(s->info->tools[i].name, name->valuestring))
			tool = &s->info->tools[i];
	if (!tool) {
		char names[256] = "";
		for (size_t i = 0; i < s->info->ntools; i++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
				 s->info->tools[i].name);
		send_error(s, id, RPC_INVALID_PARAMS, "Unknown tool: %.100s (tools: %s)", name->valuestring, names);
		return;
	}
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "arguments");
	if (args && !cJSON_IsObject(args) && !cJSON_IsNull(args)) {
		send_error(s, id, RPC_INVALID_PARAMS, "params.arguments must be an object");
		return;
	}
	for (struct mcp_call *c = s->calls; c; c = c->next) {
		if (rpc_same_id(c->id, id)) {
			send_error(s, id, RPC_INVALID_REQUEST, "a request with this id is still running");
			return;
		}
	}
	struct mcp_call *c = xcalloc(1, sizeof *c);
	c->srv = s;
	c->tool = tool;
	c->id = cJSON_Duplicate(id, 1);
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(meta, "progressToken");
	if (cJSON_IsString(tok) || cJSON_IsNumber(tok))
		c->token = cJSON_Duplicate(tok, 1);
	c->next = s->calls;
	s->calls = c;
	s->ncalls++;
	char *err = NULL;
	static const cJSON empty = {.type = cJSON_Object};
	int rc = tool->start(s->info->tools_ctx, c, cJSON_IsObject(args) ? args : &empty, &err);
	if (rc) {
		send_error(s, id, rc, "%s", err ? err : "invalid arguments");
		free(err);
		call_unlink_free(c);
	}
}

enum { PAGE = 1000 };

static void do_resources_list(struct mcp_server *s, const cJSON *id, const cJSON *params)
{
	const cJSON *cur = cJSON_GetObjectItemCaseSensitive(params, "cursor");
	long start = 0;
	if (cur) {
		char *end;
		start = cJSON_IsString(cur) ? strtol(cur->valuestring, &end, 10) : -1;
		if (start < 0 || (cJSON_IsString(cur) && *end)) {
			send_error(s, id, RPC_INVALID_PARAMS, "unknown cursor");
			return;
		}
	}
	cJSON *all = cJSON_CreateArray();
	char *err = NULL;
	if (s->info->resources->list(s->info->resources->ctx, all, &err) < 0) {
		send_error(s, id, RPC_INTERNAL_ERROR, "%s", err ? err : "cannot list resources");
		free(err);
		cJSON_Delete(all);
		return;
	}
	cJSON *r = cJSON_CreateObject();
	cJSON *page = cJSON_AddArrayToObject(r, "resources");
	long n = cJSON_GetArraySize(all), i = 0;
	for (cJSON *it = all->child, *next; it; it = next, i++) {
		next = it->next;
		if (i >= start && i < start + PAGE)
			cJSON_AddItemToArray(page, cJSON_DetachItemViaPointer(all, it));
	}
	if (start + PAGE < n) {
		char buf[32];
		snprintf(buf, sizeof buf, "%ld", start + PAGE);
		cJSON_AddStringToObject(r, "nextCursor", buf);
	}
	cJSON_Delete(all);
	send_json(s, rpc_result(id, r));
}

static void do_resources_read(struct mcp_server *s, const cJSON *id, const cJSON *params)
{
	const cJSON *uri = cJSON_GetObjectItemCaseSensitive(params, "uri");
	if (!cJSON_IsString(uri)) {
		send_error(s, id, RPC_INVALID_PARAMS, "resources/read needs params.uri (a string)");
		return;
	}
	cJSON *r = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(r, "contents");
	char *err = NULL;
	int rc = s->info->resources->read(s->info->resources->ctx, uri->valuestring, arr, &err);
	if (rc) {
		send_error(s, id, rc, "%s", err ? err : "cannot read the resource");
		free(err);
		cJSON_Delete(r);
		return;
	}
	send_json(s, rpc_result(id, r));
}

static void do_cancelled(struct mcp_server *s, const cJSON *params)
{
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");
	for (struct mcp_call *c = s->calls; c; c = c->next) {
		if (!c->cancelled && rpc_same_id(c->id, rid)) {
			c->cancelled = true;
			if (c->tool->cancel)
				c->tool->cancel(s->info->tools_ctx, c);
			return;
		}
	}
}

void mcp_server_cancel_all(struct mcp_server *s)
{
	for (struct mcp_call *c = s->calls; c; c = c->next) {
		if (!c->cancelled) {
			c->cancelled = true;
			if (c->tool->cancel)
				c->tool->cancel(s->info->tools_ctx, c);
		}
	}
}

static void dispatch(struct mcp_server *s, const cJSON *msg)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
	bool is_request = id != NULL;
	if (id && !cJSON_IsString(id) && !cJSON_IsNumber(id)) {
		send_error(s, NULL, RPC_INVALID_REQUEST, "id must be a string or a number");
		return;
	}
	if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "2.0")) {
		if (is_request || !method)
			send_error(s, id, RPC_INVALID_REQUEST, "not a JSON-RPC 2.0 message (\"jsonrpc\": \"2.0\")");
		return;
	}
	if (!method) {
		/* A response to a request of ours: this server sends none, so there is nothing to match. */
		if (!cJSON_GetObjectItemCaseSensitive(msg, "result") && !cJSON_GetObjectItemCaseSensitive(msg, "error"))
			send_error(s, id, RPC_INVALID_REQUEST, "a request needs a method");
		return;
	}
	if (!cJSON_IsString(method)) {
		if (is_request)
			send_error(s, id, RPC_INVALID_REQUEST, "method must be a string");
		return;
	}
	if (params && !cJSON_IsObject(params)) {
		if (is_request)
			send_error(s, id, RPC_INVALID_PARAMS, "params must be an object");
		return;
	}
	const char *m = method->valuestring;
	if (!is_request) {
		if (!strcmp(m, "notifications/cancelled"))
			do_cancelled(s, params);
		return; /* notifications/initialized and any other: nothing to answer */
	}
	if (!strcmp(m, "initialize")) {
		do_initialize(s, id, params);
	} else if (!strcmp(m, "ping")) {
		send_json(s, rpc_result(id, NULL));
	} else if (!s->initialized && (!strncmp(m, "tools/", 6) || !strncmp(m, "resources/", 10))) {
		send_error(s, id, RPC_INVALID_REQUEST, "send initialize first");
	} else if (!strcmp(m, "tools/list")) {
		do_tools_list(s, id);
	} else if (!strcmp(m, "tools/call")) {
		do_tools_call(s, id, params);
	} else if (s->info->resources && !strcmp(m, "resources/list")) {
		do_resources_list(s, id, params);
	} else if (s->info->resources && !strcmp(m, "resources/read")) {
		do_resources_read(s, id, params);
	} else if (s->info->resources && !strcmp(m, "resources/templates/list")) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddArrayToObject(r, "resourceTemplates");
		send_json(s, rpc_result(id, r));
	} else {
		send_error(s, id, RPC_METHOD_NOT_FOUND, "Method not found: %.100s", m);
	}
}

void mcp_server_handle(struct mcp_server *s, const char *line, size_t len)
{
	cJSON *msg = cJSON_ParseWithLength(line, len);
	if (!msg) {
		send_error(s, NULL, RPC_PARSE_ERROR, "Parse error: not JSON");
		return;
	}
	if (cJSON_IsArray(msg))
		send_error(s, NULL, RPC_INVALID_REQUEST, "batches are not supported (MCP 2025-06-18)");
	else if (!cJSON_IsObject(msg))
		send_error(s, NULL, RPC_INVALID_REQUEST, "a message is a JSON object");
	else
		dispatch(s, msg);
	cJSON_Delete(msg);
}

/* ---- calls ---- */

void mcp_call_set_data(struct mcp_call *c, void *data)
{
	c->data = data;
}

void *mcp_call_data(const struct mcp_call *c)
{
	return c->data;
}

bool mcp_call_cancelled(const struct mcp_call *c)
{
	return c->cancelled;
}

void mcp_call_progress(struct mcp_call *c, double progress, double total, const char *message)
{
	if (!c->token || c->cancelled || progress <= c->last_progress)
		return;
	c->last_progress = progress;
	cJSON *p = cJSON_CreateObject();
	cJSON_AddItemToObject(p, "progressToken", cJSON_Duplicate(c->token, 1));
	cJSON_AddNumberToObject(p, "progress", progress);
	if (total > 0)
		cJSON_AddNumberToObject(p, "total", total);
	if (message)
		cJSON_AddStringToObject(p, "message", message);
	send_json(c->srv, rpc_notification("notifications/progress", p));
}

void mcp_call_done(struct mcp_call *c, cJSON *structured, bool is_error, const char *error_text)
{
	if (c->cancelled) {
		cJSON_Delete(structured);
		call_unlink_free(c);
		return;
	}
	cJSON *r = cJSON_CreateObject();
	cJSON *content = cJSON_AddArrayToObject(r, "content");
	cJSON *item = cJSON_CreateObject();
	cJSON_AddStringToObject(item, "type", "text");
	if (structured && !is_error) {
		char *text = cJSON_PrintUnformatted(structured);
		cJSON_AddStringToObject(item, "text", text ? text : "{}");
		free(text);
		cJSON_AddItemToObject(r, "structuredContent", structured);
	} else {
		cJSON_AddStringToObject(item, "text", error_text ? error_text : "the tool failed");
		cJSON_Delete(structured);
	}
	cJSON_AddItemToArray(content, item);
	cJSON_AddBoolToObject(r, "isError", is_error);
	send_json(c->srv, rpc_result(c->id, r));
	call_unlink_free(c);
}

void mcp_server_each_call(struct mcp_server *s, void (*fn)(void *ctx, struct mcp_call *c), void *ctx)
{
	for (struct mcp_call *c = s->calls; c; c = c->next)
		fn(ctx, c);
}
