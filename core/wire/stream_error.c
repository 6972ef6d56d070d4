/* stream_error.c - a model server's error body -> its message and code (see stream_error.h). */
#include "core/wire/stream_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* The first "<tag" (case-insensitive) in p[0..n), or NULL. */
static const char *find_tag(const char *p, size_t n, const char *tag)
{
	size_t tl = strlen(tag);
	for (size_t i = 0; i + tl <= n; i++)
		if (p[i] == '<' && strncasecmp(p + i, tag, tl) == 0)
			return p + i;
	return NULL;
}

bool stream_error_is_html(const char *p, size_t n)
{
	while (n && is_ws(*p)) {
		p++;
		n--;
	}
	if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) {
		p += 3;
		n -= 3;
	}
	if (!n || *p != '<')
		return false;
	size_t look = n < 4096 ? n : 4096;
	return find_tag(p, look, "<!doctype html") || find_tag(p, look, "<html") || find_tag(p, look, "<head") ||
	       find_tag(p, look, "<title") || find_tag(p, look, "<body") || find_tag(p, look, "<h1");
}

/* The text inside the first element `tag` (e.g. "<title"), at most about 300 bytes: tags dropped, the common
 * entities decoded, white space runs made one space. "" when there is none. */
static void element_text(const char *p, size_t n, const char *tag, struct buf *out)
{
	const char *end = p + n, *at = find_tag(p, n, tag);
	if (!at)
		return;
	at = memchr(at, '>', (size_t)(end - at));
	if (!at)
		return;
	at++;
	char close[16];
	snprintf(close, sizeof close, "</%s", tag + 1);
	const char *stop = find_tag(at, (size_t)(end - at), close);
	if (!stop)
		stop = end;
	static const struct { const char *name, *text; } ents[] = {
		{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "},
	};
	bool space = false;
	while (at < stop && out->len < 300) {
		if (*at == '<') {
			const char *gt = memchr(at, '>', (size_t)(stop - at));
			at = gt ? gt + 1 : stop;
			space = true;
			continue;
		}
		if (is_ws(*at)) {
			space = true;
			at++;
			continue;
		}
		if (space && out->len)
			buf_addc(out, ' ');
		space = false;
		size_t e = 0;
		for (; e < sizeof ents / sizeof *ents; e++)
			if ((size_t)(stop - at) >= strlen(ents[e].name) &&
			    memcmp(at, ents[e].name, strlen(ents[e].name)) == 0)
				break;
		if (e < sizeof ents / sizeof *ents) {
			buf_adds(out, ents[e].text);
			at += strlen(ents[e].name);
		} else {
			buf_addc(out, *at++);
		}
	}
}

void stream_error_html(const char *p, size_t n, struct buf *msg)
{
	struct buf t = {0};
	element_text(p, n, "<title", &t);
	static const char *const tags[] = {"<h1", "<body", "<html"};
	for (size_t i = 0; i < sizeof tags / sizeof *tags && !t.len; i++)
		element_text(p, n, tags[i], &t);
	buf_reset(msg);
	if (t.len) {
		struct buf fixed = {0};
		stream_error_trim(&fixed, t.p, t.len);
		buf_addf(msg, "an HTML page, \"%s\" (a proxy or gateway answered, not the model server)",
			 buf_str(&fixed));
		buf_free(&fixed);
	} else {
		buf_adds(msg, "an HTML page with no title (a proxy or gateway answered, not the model server)");
	}
	buf_free(&t);
}

char *stream_error_message(const char *body, size_t len, char **code)
{
	struct buf msg = {0}, cb = {0};
	bool has_code = false;
	cJSON *j = len ? cJSON_ParseWithLength(body, len) : NULL;
	if (j && (cJSON_IsObject(j) || cJSON_IsString(j)))
		stream_error_from_json(j, &msg, &cb, &has_code);
	else if (len && stream_error_is_html(body, len))
		stream_error_html(body, len, &msg);
	else if (len)
		stream_error_trim(&msg, body, len);
	cJSON_Delete(j);
	if (code)
		*code = has_code ? buf_detach(&cb) : NULL;
	buf_free(&cb);
	return buf_detach(&msg);
}
