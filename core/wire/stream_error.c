/* stream_error.c - a model server's error body -> its message and code (see stream_error.h). */
#include "core/wire/stream_error.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/utf8.h"

#define ERROR_MAX 2000 /* bytes of a server's error message kept */

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

void stream_error_trim(struct buf *b, const char *p, size_t n)
{
	while (n > 0 && is_ws(*p)) {
		p++;
		n--;
	}
	while (n > 0 && is_ws(p[n - 1]))
		n--;
	if (n > ERROR_MAX)
		n = utf8_complete_len(p, ERROR_MAX);
	buf_reset(b);
	utf8_repair(p, n, b);
}

/* Reads a message and a code out of the error shapes servers send:
 *   OpenAI, vLLM, llama.cpp:  {"error":{"message":..,"type":..,"code":..}}
 *   Ollama:                   {"error":"..."}
 *   old vLLM, OpenRouter's inner object: {"message":..,"code":..}
 *   FastAPI:                  {"detail":".."} */
void stream_error_from_json(const cJSON *j, struct buf *msg, struct buf *code, bool *has_code)
{
	for (int depth = 0; depth < 4 && cJSON_IsObject(j); depth++) {
		const cJSON *inner = cJSON_GetObjectItemCaseSensitive(j, "error");
		if (!inner || cJSON_IsNull(inner) || cJSON_IsBool(inner))
			break;
		if (cJSON_IsString(inner) || cJSON_IsObject(inner)) {
			/* Keep the outer code if the inner object has none. */
			const cJSON *oc = cJSON_GetObjectItemCaseSensitive(j, "code");
			if (cJSON_IsNumber(oc)) {
				buf_reset(code);
				buf_addf(code, "%lld", (long long)oc->valuedouble);
				*has_code = true;
			}
			j = inner;
			continue;
		}
		break;
	}
	if (cJSON_IsString(j)) {
		stream_error_trim(msg, j->valuestring, strlen(j->valuestring));
		return;
	}
	if (!cJSON_IsObject(j)) {
		char *t = cJSON_PrintUnformatted(j);
		stream_error_trim(msg, t ? t : "", t ? strlen(t) : 0);
		free(t);
		return;
	}
	static const char *const msg_keys[] = {"message", "detail", "msg", "error_description"};
	const cJSON *m = NULL;
	for (size_t k = 0; k < sizeof msg_keys / sizeof *msg_keys && !cJSON_IsString(m); k++)
		m = cJSON_GetObjectItemCaseSensitive(j, msg_keys[k]);
	if (cJSON_IsString(m)) {
		stream_error_trim(msg, m->valuestring, strlen(m->valuestring));
	} else {
		char *t = cJSON_PrintUnformatted(j);
		stream_error_trim(msg, t ? t : "", t ? strlen(t) : 0);
		free(t);
	}
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "code");
	if (!c || cJSON_IsNull(c))
		c = cJSON_GetObjectItemCaseSensitive(j, "type");
	if (cJSON_IsNumber(c)) {
		buf_reset(code);
		buf_addf(code, "%lld", (long long)c->valuedouble);
		*has_code = true;
	} else if (cJSON_IsString(c) && c->valuestring[0]) {
		stream_error_trim(code, c->valuestring, strlen(c->valuestring));
		*has_code = true;
	}
}

char *stream_error_message(const char *body, size_t len, char **code)
{
	struct buf msg = {0}, cb = {0};
	bool has_code = false;
	cJSON *j = len ? cJSON_ParseWithLength(body, len) : NULL;
	if (j && (cJSON_IsObject(j) || cJSON_IsString(j)))
		stream_error_from_json(j, &msg, &cb, &has_code);
	else if (len)
		stream_error_trim(&msg, body, len);
	cJSON_Delete(j);
	if (code)
		*code = has_code ? buf_detach(&cb) : NULL;
	buf_free(&cb);
	return buf_detach(&msg);
}
