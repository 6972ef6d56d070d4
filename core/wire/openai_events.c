/* openai_events.c - OpenAI-compatible chunks over SSE, or one JSON body -> the stream's state
 * (see openai_events.h). */
#include "core/wire/openai_events.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "core/wire/stream_error.h"
#include "core/wire/stream_state.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static const cJSON *get(const cJSON *j, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(j, key);
}

static void usage_add(struct sstate *st, const cJSON *u)
{
	if (!cJSON_IsObject(u))
		return;
	struct stream_usage x = {.present = true};
	bool p = sstate_ll(u, "prompt_tokens", &x.prompt_tokens);
	bool c = sstate_ll(u, "completion_tokens", &x.completion_tokens);
	if (!sstate_ll(u, "total_tokens", &x.total_tokens))
		x.total_tokens = x.prompt_tokens + x.completion_tokens;
	if (p || c)
		st->usage = x;
}

static void delta_add(struct sstate *st, const cJSON *d)
{
	const char *content = sstate_str(d, "content");
	if (content && *content)
		sstate_content(st, content, strlen(content));
	/* Some servers send both names with the same text; take one. */
	const char *r = sstate_str(d, "reasoning_content");
	if (!r)
		r = sstate_str(d, "reasoning");
	if (r)
		sstate_reasoning(st, r);
	const char *refusal = sstate_str(d, "refusal");
	if (refusal)
		sstate_refusal(st, refusal, strlen(refusal));
	const cJSON *tcs = get(d, "tool_calls");
	if (cJSON_IsArray(tcs))
		sstate_tools(st, tcs, false);
	const cJSON *fc = get(d, "function_call"); /* the older single-function form */
	if (cJSON_IsObject(fc)) {
		cJSON *wrap = cJSON_CreateObject();
		cJSON_AddItemReferenceToObject(wrap, "function", (cJSON *)fc);
		cJSON *arr = cJSON_CreateArray();
		cJSON_AddItemToArray(arr, wrap);
		sstate_tools(st, arr, false);
		cJSON_Delete(arr);
	}
}

/* One chat.completion.chunk, or a whole chat.completion. */
static void chunk_add(struct sstate *st, const cJSON *root)
{
	sstate_model(st, root);
	usage_add(st, get(root, "usage"));
	const cJSON *choices = get(root, "choices");
	const cJSON *ch;
	int pos = 0;
	if (!cJSON_IsArray(choices))
		choices = NULL; /* null, missing or of the wrong type: no choices in this chunk */
	cJSON_ArrayForEach(ch, choices) {
		long long idx = pos++;
		sstate_ll(ch, "index", &idx);
		if (idx != 0 || !cJSON_IsObject(ch))
			continue; /* footnote asks for one choice */
		const cJSON *d = get(ch, "delta");
		if (!cJSON_IsObject(d))
			d = get(ch, "message"); /* a non-streamed body */
		if (cJSON_IsObject(d))
			delta_add(st, d);
		sstate_finish_reason(st, sstate_str(ch, "finish_reason"));
	}
	const cJSON *err = get(root, "error");
	const char *obj = sstate_str(root, "object");
	if (err && !cJSON_IsNull(err) && !cJSON_IsFalse(err))
		sstate_server_error(st, root, NULL, 0);
	else if (obj && strcmp(obj, "error") == 0)
		sstate_server_error(st, root, NULL, 0);
	if (st->has_error)
		sstate_decide(st, STREAM_SERVER_ERROR);
}

static bool is_done_marker(const char *p, size_t n)
{
	while (n > 0 && is_ws(p[n - 1]))
		n--;
	while (n > 0 && is_ws(*p)) {
		p++;
		n--;
	}
	return n == 6 && memcmp(p, "[DONE]", 6) == 0;
}

/* An error told in SSE itself (an "error" event, or an error: field): the stream is over. */
static void sse_error(struct sstate *st, const char *p, size_t n, const char *fallback)
{
	cJSON *j = cJSON_ParseWithLength(p, n);
	sstate_server_error(st, cJSON_IsObject(j) || cJSON_IsString(j) ? j : NULL, p, n);
	cJSON_Delete(j);
	if (!st->error.len)
		stream_error_trim(&st->error, fallback, strlen(fallback));
	sstate_decide(st, STREAM_SERVER_ERROR);
}

static void on_event(void *ctx, const struct sse_event *ev)
{
	struct sstate *st = ctx;
	if (st->outcome != STREAM_PENDING)
		return;
	if (ev->type_len == 5 && memcmp(ev->type, "error", 5) == 0) {
		sse_error(st, ev->data, ev->data_len, "the server sent an error event");
		return;
	}
	if (is_done_marker(ev->data, ev->data_len)) {
		st->done = true;
		sstate_decide_by_finish(st);
		return;
	}
	cJSON *j = sstate_parse_object(st, ev->data, ev->data_len);
	if (j)
		chunk_add(st, j);
	cJSON_Delete(j);
}

static void on_comment(void *ctx, const char *text, size_t len)
{
	struct sstate *st = ctx;
	if (st->outcome == STREAM_PENDING)
		sstate_keepalive(st, text, len);
}

static void on_error_field(void *ctx, const char *value, size_t len)
{
	struct sstate *st = ctx;
	if (st->outcome == STREAM_PENDING)
		sse_error(st, value, len, "the server sent an error");
}

struct sse_callbacks openai_sse_callbacks(struct sstate *st)
{
	return (struct sse_callbacks){
		.on_event = on_event,
		.on_comment = on_comment,
		.on_error_field = on_error_field,
		.ctx = st,
	};
}

void openai_body(struct sstate *st, const char *p, size_t n)
{
	cJSON *j = sstate_parse_object(st, p, n);
	if (!j)
		return;
	chunk_add(st, j);
	cJSON_Delete(j);
	if (st->outcome == STREAM_PENDING) {
		st->done = true;
		sstate_decide_by_finish(st);
	}
}
