/* ollama_events.c - Ollama's NDJSON lines -> the stream's state (see ollama_events.h). */
#include "core/wire/ollama_events.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "core/wire/stream_state.h"

static const cJSON *get(const cJSON *j, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(j, key);
}

static void on_line(void *ctx, const char *line, size_t len)
{
	struct sstate *st = ctx;
	if (st->outcome != STREAM_PENDING)
		return;
	cJSON *root = sstate_parse_object(st, line, len);
	if (!root)
		return;
	sstate_model(st, root);
	const cJSON *err = get(root, "error");
	if (err && !cJSON_IsNull(err)) {
		sstate_server_error(st, root, NULL, 0);
		cJSON_Delete(root);
		sstate_decide(st, STREAM_SERVER_ERROR);
		return;
	}
	const cJSON *msg = get(root, "message");
	const char *content = sstate_str(msg, "content");
	if (!content)
		content = sstate_str(root, "response"); /* /api/generate */
	const char *thinking = sstate_str(msg, "thinking");
	if (!thinking)
		thinking = sstate_str(root, "thinking");
	/* Ollama sends thinking and content apart; thinking first, as it was produced first. */
	if (thinking)
		sstate_reasoning(st, thinking);
	if (content && *content)
		sstate_content(st, content, strlen(content));
	const cJSON *tcs = get(msg, "tool_calls");
	if (cJSON_IsArray(tcs))
		sstate_tools(st, tcs, true);
	if (cJSON_IsTrue(get(root, "done"))) {
		st->done = true;
		sstate_finish_reason(st, sstate_str(root, "done_reason"));
		struct stream_usage u = {.present = true};
		bool p = sstate_ll(root, "prompt_eval_count", &u.prompt_tokens);
		bool c = sstate_ll(root, "eval_count", &u.completion_tokens);
		u.total_tokens = u.prompt_tokens + u.completion_tokens;
		if (p || c)
			st->usage = u;
		sstate_decide_by_finish(st);
	}
	cJSON_Delete(root);
}

struct ndjson_callbacks ollama_callbacks(struct sstate *st)
{
	return (struct ndjson_callbacks){.on_line = on_line, .ctx = st};
}
