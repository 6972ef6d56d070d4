/* stream_state.c - what a stream has gathered, its events and its one outcome (see
 * stream_state.h); the outcome's sentence and the model families that strip <think> (the
 * parts of stream.h that read or decide these). */
#include "core/wire/stream_state.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "core/wire/stream_error.h"

const char *stream_outcome_name(enum stream_outcome o)
{
	switch (o) {
	case STREAM_PENDING: return "pending";
	case STREAM_COMPLETED: return "completed";
	case STREAM_TRUNCATED: return "truncated";
	case STREAM_REFUSED: return "refused";
	case STREAM_TOOL_CALL: return "tool_call";
	case STREAM_SERVER_ERROR: return "server_error";
	case STREAM_HTTP_ERROR: return "http_error";
	case STREAM_INTERRUPTED: return "interrupted";
	case STREAM_CANCELLED: return "cancelled";
	case STREAM_NETWORK_ERROR: return "network_error";
	case STREAM_TOO_LARGE: return "too_large";
	}
	return "unknown";
}

static void emit(struct sstate *st, enum stream_ev_kind k, const char *p, size_t n)
{
	if (st->sink.on_event)
		st->sink.on_event(st->sink.ctx, k, p, n);
}

void sstate_init(struct sstate *st, enum stream_proto proto, const struct stream_sink *sink)
{
	memset(st, 0, sizeof *st);
	st->proto = proto;
	if (sink)
		st->sink = *sink;
	think_init(&st->think, STREAM_THINK_AUTO, 0);
}

void sstate_free(struct sstate *st)
{
	for (int i = 0; i < 3; i++)
		buf_free(&st->ch[i].all);
	think_free(&st->think);
	buf_free(&st->cut_text);
	buf_free(&st->cut_reason);
	buf_free(&st->scratch);
	buf_free(&st->repaired);
	for (size_t i = 0; i < st->n_tools; i++) {
		buf_free(&st->tools[i].id);
		buf_free(&st->tools[i].name);
		buf_free(&st->tools[i].args);
	}
	free(st->tools);
	free(st->tool_view);
	free(st->finish_reason);
	buf_free(&st->model);
	buf_free(&st->error);
	buf_free(&st->error_code);
	buf_free(&st->bad_event);
}

/* ---- channels: whole code points only ---- */

static void chan_add(struct sstate *st, enum stream_ev_kind k, const char *p, size_t n)
{
	struct sstate_chan *c = &st->ch[k];
	const char *src = p;
	size_t len = n;
	if (n == 0)
		return;
	if (c->tail_len) {
		buf_reset(&st->scratch);
		buf_add(&st->scratch, c->tail, c->tail_len);
		buf_add(&st->scratch, p, n);
		src = st->scratch.p;
		len = st->scratch.len;
	}
	size_t whole = utf8_complete_len(src, len);
	c->tail_len = len - whole; /* at most 3 */
	memcpy(c->tail, src + whole, c->tail_len);
	if (whole == 0)
		return;
	buf_reset(&st->repaired);
	utf8_repair(src, whole, &st->repaired);
	buf_add(&c->all, st->repaired.p, st->repaired.len);
	emit(st, k, st->repaired.p, st->repaired.len);
}

/* At the end, a held incomplete code point will never be completed. The tail is one valid
 * prefix of a sequence, so it becomes one U+FFFD. */
static void chan_flush(struct sstate *st, enum stream_ev_kind k)
{
	struct sstate_chan *c = &st->ch[k];
	if (!c->tail_len)
		return;
	c->tail_len = 0;
	buf_add(&c->all, "\xEF\xBF\xBD", 3);
	emit(st, k, "\xEF\xBF\xBD", 3);
}

/* What the think holder decided goes out: reasoning first, as it came first. */
static void send_cut(struct sstate *st)
{
	if (st->cut_reason.len)
		chan_add(st, STREAM_EV_REASONING, st->cut_reason.p, st->cut_reason.len);
	if (st->cut_text.len)
		chan_add(st, STREAM_EV_TEXT, st->cut_text.p, st->cut_text.len);
}

/* ---- what the decoders report ---- */

void sstate_content(struct sstate *st, const char *p, size_t n)
{
	st->content_deltas++;
	buf_reset(&st->cut_text);
	buf_reset(&st->cut_reason);
	think_content(&st->think, p, n, st->model_strips, &st->cut_text, &st->cut_reason);
	send_cut(st);
}

void sstate_reasoning(struct sstate *st, const char *r)
{
	if (!*r)
		return;
	buf_reset(&st->cut_text);
	think_reasoning_field(&st->think, &st->cut_text);
	chan_add(st, STREAM_EV_TEXT, st->cut_text.p, st->cut_text.len);
	chan_add(st, STREAM_EV_REASONING, r, strlen(r));
}

void sstate_refusal(struct sstate *st, const char *p, size_t n)
{
	chan_add(st, STREAM_EV_REFUSAL, p, n);
}

void sstate_keepalive(struct sstate *st, const char *text, size_t len)
{
	st->keepalives++;
	buf_reset(&st->repaired);
	utf8_repair(text, len, &st->repaired);
	emit(st, STREAM_EV_KEEPALIVE, buf_str(&st->repaired), st->repaired.len);
}

/* Model families whose chat template ends the prompt with "<think>\n", so the server's output
 * starts inside the block and the opening tag never arrives: DeepSeek-R1 and its distills
 * (a name token "r1"), QwQ-32B (not the preview, which used no tags), Qwen3's -Thinking
 * models. Tokens are the name's runs of letters and digits, compared without case. */
static bool name_has(const char *model, const char *token)
{
	size_t n = strlen(token);
	for (const char *p = model; *p;) {
		while (*p && !isalnum((unsigned char)*p))
			p++;
		const char *t = p;
		while (*p && isalnum((unsigned char)*p))
			p++;
		if ((size_t)(p - t) == n && strncasecmp(t, token, n) == 0)
			return true;
	}
	return false;
}

static bool name_has_prefix(const char *model, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const char *p = model; *p; p++)
		if ((p == model || !isalnum((unsigned char)p[-1])) && strncasecmp(p, prefix, n) == 0)
			return true;
	return false;
}

bool stream_model_strips_think(const char *model)
{
	if (!model)
		return false;
	if (name_has(model, "r1"))
		return true;
	if (name_has(model, "qwq"))
		return !name_has(model, "preview");
	return name_has_prefix(model, "qwen") && name_has(model, "thinking");
}

void sstate_model(struct sstate *st, const cJSON *root)
{
	const char *m = sstate_str(root, "model");
	if (m && *m && st->model.len == 0) {
		stream_error_trim(&st->model, m, strlen(m));
		st->model_strips = stream_model_strips_think(buf_str(&st->model));
	}
}

void sstate_finish_reason(struct sstate *st, const char *r)
{
	if (r && *r && !st->finish_reason)
		st->finish_reason = xstrdup(r);
}

void sstate_server_error(struct sstate *st, const cJSON *j, const char *text, size_t len)
{
	if (!st->has_error) {
		st->has_error = true;
		if (j)
			stream_error_from_json(j, &st->error, &st->error_code, &st->has_code);
		else
			stream_error_trim(&st->error, text, len);
	}
}

/* ---- tool calls ---- */

static struct sstate_tool *tool_at(struct sstate *st, int index, bool always_new)
{
	if (!always_new)
		for (size_t i = 0; i < st->n_tools; i++)
			if (st->tools[i].index == index)
				return &st->tools[i];
	st->tools = xgrow(st->tools, &st->cap_tools, st->n_tools + 1, sizeof *st->tools);
	struct sstate_tool *t = &st->tools[st->n_tools++];
	memset(t, 0, sizeof *t);
	t->index = index;
	return t;
}

void sstate_tools(struct sstate *st, const cJSON *arr, bool whole)
{
	int pos = 0;
	const cJSON *tc;
	cJSON_ArrayForEach(tc, arr) {
		if (!cJSON_IsObject(tc))
			continue;
		long long idx = pos++;
		sstate_ll(tc, "index", &idx);
		struct sstate_tool *t = tool_at(st, (int)idx, whole);
		const char *id = sstate_str(tc, "id");
		if (id && *id && t->id.len == 0)
			buf_adds(&t->id, id);
		const cJSON *fn = cJSON_GetObjectItemCaseSensitive(tc, "function");
		const char *name = sstate_str(fn, "name");
		if (name && *name && t->name.len == 0) {
			buf_reset(&st->repaired);
			utf8_repair(name, strlen(name), &st->repaired);
			buf_add(&t->name, st->repaired.p, st->repaired.len);
			emit(st, STREAM_EV_TOOL_CALL, t->name.p, t->name.len);
		}
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(fn, "arguments");
		if (cJSON_IsString(args)) {
			buf_adds(&t->args, args->valuestring);
		} else if (args && !cJSON_IsNull(args)) {
			char *txt = cJSON_PrintUnformatted(args);
			if (txt)
				buf_adds(&t->args, txt);
			free(txt);
		}
	}
}

/* ---- deciding the outcome ---- */

void sstate_decide(struct sstate *st, enum stream_outcome o)
{
	if (st->outcome != STREAM_PENDING)
		return;
	buf_reset(&st->cut_text);
	buf_reset(&st->cut_reason);
	think_flush(&st->think, &st->cut_text, &st->cut_reason);
	send_cut(st);
	chan_flush(st, STREAM_EV_REASONING);
	chan_flush(st, STREAM_EV_TEXT);
	chan_flush(st, STREAM_EV_REFUSAL);
	st->outcome = o;
	const char *name = stream_outcome_name(o);
	emit(st, STREAM_EV_END, name, strlen(name));
}

static bool reason_is(const struct sstate *st, const char *r)
{
	return st->finish_reason && strcmp(st->finish_reason, r) == 0;
}

void sstate_decide_by_finish(struct sstate *st)
{
	enum stream_outcome o;
	if (st->has_error)
		o = STREAM_SERVER_ERROR;
	else if (!st->finish_reason && st->proto == STREAM_OPENAI_SSE)
		o = STREAM_INTERRUPTED;
	else if (reason_is(st, "length"))
		o = STREAM_TRUNCATED;
	else if (reason_is(st, "content_filter"))
		o = STREAM_REFUSED;
	else if (reason_is(st, "error"))
		o = STREAM_SERVER_ERROR;
	else if (reason_is(st, "abort") || reason_is(st, "cancelled"))
		o = STREAM_INTERRUPTED;
	else if (st->ch[STREAM_EV_REFUSAL].all.len > 0)
		o = STREAM_REFUSED;
	else if (st->n_tools > 0 || reason_is(st, "tool_calls") || reason_is(st, "function_call"))
		o = STREAM_TOOL_CALL;
	else
		o = STREAM_COMPLETED;
	sstate_decide(st, o);
}

/* ---- JSON ---- */

enum { BAD_EVENT_CHARS = 60 };

/* The first event that was not a JSON object, kept to be named: one line, terminal-safe,
 * cut at BAD_EVENT_CHARS characters. */
static void keep_bad_event(struct sstate *st, const char *p, size_t n)
{
	if (st->bad_event.len)
		return;
	struct buf b = {0};
	stream_error_trim(&b, p, n < 1024 ? n : 1024);
	char *safe = sanitize_str(buf_str(&b), SAN_ONELINE);
	size_t len = strlen(safe), at = 0, chars = 0;
	while (at < len && chars < BAD_EVENT_CHARS) {
		uint32_t cp;
		int k = utf8_decode(safe + at, len - at, &cp);
		at += k > 0 ? (size_t)k : 1;
		chars++;
	}
	buf_add(&st->bad_event, safe, at);
	if (at < len || n > 1024)
		buf_adds(&st->bad_event, "…");
	if (!st->bad_event.len)
		buf_adds(&st->bad_event, "(empty)");
	free(safe);
	buf_free(&b);
}

cJSON *sstate_parse_object(struct sstate *st, const char *p, size_t n)
{
	cJSON *j = cJSON_ParseWithLength(p, n);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		st->ignored++;
		keep_bad_event(st, p, n);
		return NULL;
	}
	st->json_events++;
	return j;
}

const char *sstate_str(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool sstate_ll(const cJSON *j, const char *key, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!cJSON_IsNumber(v))
		return false;
	*out = (long long)v->valuedouble;
	return true;
}

/* ---- the result ---- */

const struct stream_result *sstate_result(struct sstate *st)
{
	struct stream_result *r = &st->res;
	r->outcome = st->outcome;
	r->finish_reason = st->finish_reason;
	r->text = buf_str(&st->ch[STREAM_EV_TEXT].all);
	r->text_len = st->ch[STREAM_EV_TEXT].all.len;
	r->reasoning = buf_str(&st->ch[STREAM_EV_REASONING].all);
	r->reasoning_len = st->ch[STREAM_EV_REASONING].all.len;
	r->refusal = buf_str(&st->ch[STREAM_EV_REFUSAL].all);
	r->refusal_len = st->ch[STREAM_EV_REFUSAL].all.len;
	free(st->tool_view);
	st->tool_view = st->n_tools ? xcalloc(st->n_tools, sizeof *st->tool_view) : NULL;
	for (size_t i = 0; i < st->n_tools; i++) {
		st->tool_view[i].id = buf_str(&st->tools[i].id);
		st->tool_view[i].name = buf_str(&st->tools[i].name);
		st->tool_view[i].arguments = buf_str(&st->tools[i].args);
	}
	r->tool_calls = st->tool_view;
	r->n_tool_calls = st->n_tools;
	r->usage = st->usage;
	r->model = buf_str(&st->model);
	r->error = st->error.len ? st->error.p : NULL;
	r->error_code = st->has_code ? buf_str(&st->error_code) : NULL;
	r->http_status = st->http_status;
	r->done = st->done;
	r->json_events = st->json_events;
	r->content_deltas = st->content_deltas;
	r->keepalives = st->keepalives;
	r->ignored = st->ignored;
	r->bad_event = st->bad_event.len ? st->bad_event.p : NULL;
	return r;
}

/* ---- sentences ---- */

/* Ends a sentence with '.' unless it already ends with . ! or ? ("running?." reads badly). */
static void end_sentence(struct buf *b)
{
	if (b->len && !strchr(".!?", b->p[b->len - 1]))
		buf_addc(b, '.');
}

static void add_error(struct buf *b, const struct stream_result *r, const char *fallback)
{
	buf_adds(b, r->error ? r->error : fallback);
	if (r->error_code && (!r->error || !strstr(r->error, r->error_code)))
		buf_addf(b, " (%s)", r->error_code);
	end_sentence(b);
}

char *stream_outcome_message(const struct stream_result *r)
{
	struct buf b = {0};
	switch (r->outcome) {
	case STREAM_PENDING:
		buf_adds(&b, "The answer is still streaming.");
		break;
	case STREAM_COMPLETED:
		buf_adds(&b, r->text_len ? "The answer is complete." : "The model sent an empty answer.");
		if (r->bad_event)
			buf_addf(&b, " But the server sent %zu %s that %s not JSON (the first: \"%s\"): what %s "
				 "held is missing.", r->ignored, r->ignored == 1 ? "event" : "events",
				 r->ignored == 1 ? "was" : "were", r->bad_event, r->ignored == 1 ? "it" : "they");
		break;
	case STREAM_TRUNCATED:
		buf_adds(&b, "Truncated: the answer reached the token limit before it was finished.");
		break;
	case STREAM_REFUSED:
		if (r->refusal_len || !r->finish_reason || strcmp(r->finish_reason, "content_filter"))
			buf_adds(&b, "The model refused to answer.");
		else
			buf_adds(&b, "The provider's content filter stopped the answer.");
		break;
	case STREAM_TOOL_CALL:
		buf_adds(&b, "The model asked to call a tool");
		for (size_t i = 0; i < r->n_tool_calls; i++)
			buf_addf(&b, "%s%s", i ? ", " : " (", r->tool_calls[i].name[0] ? r->tool_calls[i].name : "unnamed");
		buf_adds(&b, r->n_tool_calls ? ") — footnote does not run tools." : " — footnote does not run tools.");
		break;
	case STREAM_SERVER_ERROR:
		buf_adds(&b, "Server error: ");
		add_error(&b, r, "the server reported an error");
		break;
	case STREAM_HTTP_ERROR: {
		buf_addf(&b, "HTTP %d", r->http_status);
		if (r->error)
			buf_addf(&b, ": %s", r->error);
		end_sentence(&b);
		const char *hint = NULL;
		switch (r->http_status) {
		case 401: hint = "Check the API key."; break;
		case 403: hint = "The key is not allowed to use this model or endpoint."; break;
		case 404: hint = "Check base_url and the model name."; break;
		case 429: hint = "The server is rate limiting; try again later."; break;
		}
		if (hint)
			buf_addf(&b, " %s", hint);
		break;
	}
	case STREAM_INTERRUPTED:
		if (r->error)
			buf_addf(&b, "Interrupted: %s", r->error);
		else if (r->bad_event)
			buf_addf(&b, "Interrupted: the server sent %zu %s that %s not JSON (the first: \"%s\") and "
				 "ended without finishing the answer", r->ignored, r->ignored == 1 ? "event" : "events",
				 r->ignored == 1 ? "was" : "were", r->bad_event);
		else if (r->done)
			buf_adds(&b, "Interrupted: the server ended the stream without saying the answer was finished");
		else
			buf_adds(&b, "Interrupted: the connection ended before the answer was complete");
		buf_adds(&b, r->text_len ? "; the partial answer is kept." : ".");
		break;
	case STREAM_CANCELLED:
		buf_adds(&b, r->text_len ? "Cancelled; the partial answer is kept." : "Cancelled.");
		break;
	case STREAM_NETWORK_ERROR:
		buf_adds(&b, "Network error: ");
		add_error(&b, r, "the connection failed");
		break;
	case STREAM_TOO_LARGE:
		buf_adds(&b, "Stopped: ");
		add_error(&b, r, "the server sent more than the size limit in one piece");
		break;
	}
	return buf_detach(&b);
}

char *stream_failure(const struct stream_result *r, const char *what)
{
	char *msg = stream_outcome_message(r);
	char *s = xasprintf("the %s failed (%s)", what, msg && *msg ? msg : stream_outcome_name(r->outcome));
	free(msg);
	return s;
}
