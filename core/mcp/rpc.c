/* rpc.c - newline-delimited JSON-RPC framing and envelopes (see rpc.h). */
#include "core/mcp/rpc.h"

#include <cjson/cJSON.h>
#include <string.h>

void rpc_framer_init(struct rpc_framer *f, size_t cap)
{
	memset(f, 0, sizeof *f);
	f->cap = cap ? cap : RPC_LINE_MAX;
}

static void emit(struct rpc_framer *f, const struct rpc_framer_cb *cb)
{
	if (f->dropping) {
		f->dropping = false;
		cb->toolong(cb->ctx);
	} else {
		size_t n = f->line.len;
		if (n && f->line.p[n - 1] == '\r')
			n--;
		size_t i = 0;
		while (i < n && (f->line.p[i] == ' ' || f->line.p[i] == '\t'))
			i++;
		if (i < n) {
			buf_addc(&f->line, '\0'); /* cJSON reads up to a NUL */
			cb->line(cb->ctx, f->line.p, n);
		}
	}
	buf_reset(&f->line);
}

void rpc_framer_feed(struct rpc_framer *f, const char *p, size_t n, const struct rpc_framer_cb *cb)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;
		if (!f->dropping) {
			if (f->line.len + take > f->cap) {
				f->dropping = true;
				buf_reset(&f->line);
			} else {
				buf_add(&f->line, p, take);
			}
		}
		if (!nl)
			return;
		emit(f, cb);
		p = nl + 1;
		n -= take + 1;
	}
}

void rpc_framer_end(struct rpc_framer *f, const struct rpc_framer_cb *cb)
{
	if (f->line.len || f->dropping)
		emit(f, cb);
}

void rpc_framer_free(struct rpc_framer *f)
{
	buf_free(&f->line);
}

static void add_id(cJSON *o, const cJSON *id)
{
	if (id && (cJSON_IsNumber(id) || cJSON_IsString(id)))
		cJSON_AddItemToObject(o, "id", cJSON_Duplicate(id, 1));
	else
		cJSON_AddNullToObject(o, "id");
}

cJSON *rpc_result(const cJSON *id, cJSON *result)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "jsonrpc", "2.0");
	add_id(o, id);
	cJSON_AddItemToObject(o, "result", result ? result : cJSON_CreateObject());
	return o;
}

cJSON *rpc_error(const cJSON *id, int code, const char *message, cJSON *data)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "jsonrpc", "2.0");
	add_id(o, id);
	cJSON *e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddNumberToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	if (data)
		cJSON_AddItemToObject(e, "data", data);
	return o;
}

cJSON *rpc_notification(const char *method, cJSON *params)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "jsonrpc", "2.0");
	cJSON_AddStringToObject(o, "method", method);
	if (params)
		cJSON_AddItemToObject(o, "params", params);
	return o;
}

bool rpc_same_id(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return false;
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return a->valuedouble == b->valuedouble;
	if (cJSON_IsString(a) && cJSON_IsString(b))
		return !strcmp(a->valuestring, b->valuestring);
	return false;
}
