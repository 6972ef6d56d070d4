/* stream.c - chat stream decoder: SSE/NDJSON -> events and one outcome (see stream.h). */
#include "core/wire/stream.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "core/wire/ndjson.h"
#include "core/wire/sse.h"

#define DEFAULT_MAX (1024u * 1024u)
#define ERROR_MAX 2000 /* bytes of a server's error message kept */

enum mode { MODE_SNIFF, MODE_SSE, MODE_NDJSON, MODE_JSON };

/* Where a <think> block at the start of the content stands. THINK_HELD: no opening tag came,
 * and the content is held in case it is reasoning whose opening tag the server stripped. */
enum think { THINK_START, THINK_IN, THINK_HELD, THINK_OUT };

/* One output channel: everything sent so far, and up to 3 bytes of an incomplete code point
 * held back until the rest arrives. */
struct chan {
	struct buf all;
	char tail[4];
	size_t tail_len;
};

struct tool {
	int index;
	struct buf id, name, args;
};

struct stream {
	enum stream_proto proto;
	struct stream_sink sink;
	size_t max;
	enum mode mode;
	struct sse *sse;
	struct ndjson *nd;
	struct buf sniff;   /* BOM and white space seen before the mode was known */
	unsigned sniff_bom;
	struct buf body;    /* MODE_JSON: the whole body */

	struct chan ch[3];  /* indexed by STREAM_EV_TEXT, _REASONING, _REFUSAL */
	enum think think;
	size_t think_match; /* bytes of "<think>" or "</think>" matched and held */
	struct buf think_ws; /* white space before a possible "<think>" */
	enum stream_think think_mode;
	size_t hold_max;    /* THINK_HELD gives up at this many bytes */
	struct buf held;    /* THINK_HELD: the content so far, not yet sent */
	bool no_hold;       /* a separate reasoning field came: content is the answer */
	bool skip_ws_reason, skip_ws_text;
	struct buf cut_text, cut_reason; /* per-delta scratch */
	struct buf scratch, repaired;

	struct tool *tools;
	size_t n_tools, cap_tools;
	struct stream_tool_call *tool_view;

	char *finish_reason;
	struct buf model;
	struct buf error, error_code;
	bool has_error, has_code;
	int http_status;
	bool done;
	struct stream_usage usage;
	size_t json_events, content_deltas, keepalives, ignored;

	enum stream_outcome outcome;
	struct stream_result res;
};

static const char think_open[] = "<think>";
static const char think_close[] = "</think>";

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

static void emit(struct stream *s, enum stream_ev_kind k, const char *p, size_t n)
{
	if (s->sink.on_event)
		s->sink.on_event(s->sink.ctx, k, p, n);
}

/* ---- channels: whole code points only ---- */

static void chan_add(struct stream *s, enum stream_ev_kind k, const char *p, size_t n)
{
	struct chan *c = &s->ch[k];
	const char *src = p;
	size_t len = n;
	if (n == 0)
		return;
	if (c->tail_len) {
		buf_reset(&s->scratch);
		buf_add(&s->scratch, c->tail, c->tail_len);
		buf_add(&s->scratch, p, n);
		src = s->scratch.p;
		len = s->scratch.len;
	}
	size_t whole = utf8_complete_len(src, len);
	c->tail_len = len - whole; /* at most 3 */
	memcpy(c->tail, src + whole, c->tail_len);
	if (whole == 0)
		return;
	buf_reset(&s->repaired);
	utf8_repair(src, whole, &s->repaired);
	buf_add(&c->all, s->repaired.p, s->repaired.len);
	emit(s, k, s->repaired.p, s->repaired.len);
}

/* At the end, a held incomplete code point will never be completed. The tail is one valid
 * prefix of a sequence, so it becomes one U+FFFD. */
static void chan_flush(struct stream *s, enum stream_ev_kind k)
{
	struct chan *c = &s->ch[k];
	if (!c->tail_len)
		return;
	c->tail_len = 0;
	buf_add(&c->all, "\xEF\xBF\xBD", 3);
	emit(s, k, "\xEF\xBF\xBD", 3);
}

/* ---- content: split off a <think> block at the start ---- */

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static void put_reason(struct stream *s, char c)
{
	if (s->skip_ws_reason && is_ws(c))
		return;
	s->skip_ws_reason = false;
	buf_addc(&s->cut_reason, c);
}

static void put_text(struct stream *s, const char *p, size_t n)
{
	while (s->skip_ws_text && n > 0 && is_ws(*p)) {
		p++;
		n--;
	}
	if (n > 0)
		s->skip_ws_text = false;
	buf_add(&s->cut_text, p, n);
}

static void put_reason_s(struct stream *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_reason(s, p[i]);
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

static bool hold_wanted(const struct stream *s)
{
	if (s->no_hold || s->think_mode == STREAM_THINK_TAG)
		return false;
	return s->think_mode == STREAM_THINK_NOOPEN || stream_model_strips_think(buf_str(&s->model));
}

/* The held content was the answer after all: it goes out as text, in order, whole. */
static void held_release(struct stream *s)
{
	put_text(s, s->held.p ? s->held.p : "", s->held.len);
	buf_free(&s->held);
	s->think = THINK_OUT;
}

static bool held_ends(const struct stream *s, const char *tag, size_t n)
{
	return s->held.len >= n && memcmp(s->held.p + s->held.len - n, tag, n) == 0;
}

/* THINK_HELD takes p[0..n) up to the next '>' (where a tag may end) or the bound, and decides
 * when it can: "</think>" ends the reasoning; "<think>" first, or the bound, means there was
 * no stripped block. Returns the bytes used. */
static size_t held_add(struct stream *s, const char *p, size_t n)
{
	size_t room = s->hold_max > s->held.len ? s->hold_max - s->held.len : 0;
	size_t take = n < room ? n : room;
	const char *gt = memchr(p, '>', take);
	if (gt)
		take = (size_t)(gt - p) + 1;
	buf_add(&s->held, p, take);
	if (gt && held_ends(s, think_close, sizeof think_close - 1)) {
		s->skip_ws_reason = true;
		put_reason_s(s, s->held.p, s->held.len - (sizeof think_close - 1));
		buf_free(&s->held);
		s->think = THINK_OUT;
		s->skip_ws_text = true;
	} else if ((gt && held_ends(s, think_open, sizeof think_open - 1)) || s->held.len >= s->hold_max) {
		held_release(s);
	}
	return take;
}

/* A separate reasoning field (reasoning_content, reasoning, thinking) means the server splits
 * the reasoning itself: content already held is the answer, and no more is held. */
static void reasoning_field(struct stream *s, const char *r)
{
	if (!*r)
		return;
	s->no_hold = true;
	if (s->think == THINK_HELD) {
		buf_reset(&s->cut_text);
		held_release(s);
		chan_add(s, STREAM_EV_TEXT, s->cut_text.p, s->cut_text.len);
	}
	chan_add(s, STREAM_EV_REASONING, r, strlen(r));
}

/* Content goes through a small state machine so "<think>" and "</think>" are found however
 * the deltas cut them. Bytes that might be the start of a tag are held (at most 8, plus
 * leading white space) until the next byte decides. The common case, content that does not
 * start with "<think>", leaves THINK_START on its first non-blank byte and costs one copy. */
static void content_add(struct stream *s, const char *p, size_t n)
{
	buf_reset(&s->cut_text);
	buf_reset(&s->cut_reason);
	size_t i = 0;
	while (i < n) {
		if (s->think == THINK_OUT) {
			put_text(s, p + i, n - i);
			break;
		}
		if (s->think == THINK_HELD) {
			i += held_add(s, p + i, n - i);
			continue;
		}
		char c = p[i];
		if (s->think == THINK_START) {
			if (s->think_match == 0 && is_ws(c)) {
				buf_addc(&s->think_ws, c);
				i++;
			} else if (c == think_open[s->think_match]) {
				i++;
				if (++s->think_match == sizeof think_open - 1) {
					s->think = THINK_IN;
					s->think_match = 0;
					s->skip_ws_reason = true;
					buf_free(&s->think_ws);
				}
			} else if (hold_wanted(s)) {
				/* No opening tag: hold, c included, in case it was stripped. */
				s->think = THINK_HELD;
				buf_add(&s->held, s->think_ws.p ? s->think_ws.p : "", s->think_ws.len);
				buf_add(&s->held, think_open, s->think_match);
				s->think_match = 0;
				buf_free(&s->think_ws);
			} else {
				/* Not a think block: give back what was held, as text. */
				s->think = THINK_OUT;
				put_text(s, s->think_ws.p ? s->think_ws.p : "", s->think_ws.len);
				put_text(s, think_open, s->think_match);
				s->think_match = 0;
				buf_free(&s->think_ws);
			}
			continue;
		}
		/* THINK_IN */
		if (c == think_close[s->think_match]) {
			i++;
			if (++s->think_match == sizeof think_close - 1) {
				s->think = THINK_OUT;
				s->think_match = 0;
				s->skip_ws_text = true;
			}
			continue;
		}
		if (s->think_match > 0) {
			/* The held bytes were reasoning after all; c is looked at again, since it
			 * may start a new "</think>" ("<" is the only byte that can). */
			for (size_t k = 0; k < s->think_match; k++)
				put_reason(s, think_close[k]);
			s->think_match = 0;
			continue;
		}
		put_reason(s, c);
		i++;
	}
	if (s->cut_reason.len)
		chan_add(s, STREAM_EV_REASONING, s->cut_reason.p, s->cut_reason.len);
	if (s->cut_text.len)
		chan_add(s, STREAM_EV_TEXT, s->cut_text.p, s->cut_text.len);
}

/* At the end, whatever the think machine holds is given back where it belongs. */
static void content_flush(struct stream *s)
{
	buf_reset(&s->cut_text);
	buf_reset(&s->cut_reason);
	if (s->think == THINK_START) {
		put_text(s, s->think_ws.p ? s->think_ws.p : "", s->think_ws.len);
		put_text(s, think_open, s->think_match);
	} else if (s->think == THINK_IN) {
		for (size_t k = 0; k < s->think_match; k++)
			put_reason(s, think_close[k]);
	} else if (s->think == THINK_HELD) {
		held_release(s); /* no "</think>" came: it was all answer */
	}
	s->think = THINK_OUT;
	s->think_match = 0;
	buf_free(&s->think_ws);
	if (s->cut_reason.len)
		chan_add(s, STREAM_EV_REASONING, s->cut_reason.p, s->cut_reason.len);
	if (s->cut_text.len)
		chan_add(s, STREAM_EV_TEXT, s->cut_text.p, s->cut_text.len);
	chan_flush(s, STREAM_EV_REASONING);
	chan_flush(s, STREAM_EV_TEXT);
	chan_flush(s, STREAM_EV_REFUSAL);
}

/* ---- errors ---- */

static void set_trimmed(struct buf *b, const char *p, size_t n)
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
static void error_from_json(const cJSON *j, struct buf *msg, struct buf *code, bool *has_code)
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
		set_trimmed(msg, j->valuestring, strlen(j->valuestring));
		return;
	}
	if (!cJSON_IsObject(j)) {
		char *t = cJSON_PrintUnformatted(j);
		set_trimmed(msg, t ? t : "", t ? strlen(t) : 0);
		free(t);
		return;
	}
	static const char *const msg_keys[] = {"message", "detail", "msg", "error_description"};
	const cJSON *m = NULL;
	for (size_t k = 0; k < sizeof msg_keys / sizeof *msg_keys && !cJSON_IsString(m); k++)
		m = cJSON_GetObjectItemCaseSensitive(j, msg_keys[k]);
	if (cJSON_IsString(m)) {
		set_trimmed(msg, m->valuestring, strlen(m->valuestring));
	} else {
		char *t = cJSON_PrintUnformatted(j);
		set_trimmed(msg, t ? t : "", t ? strlen(t) : 0);
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
		set_trimmed(code, c->valuestring, strlen(c->valuestring));
		*has_code = true;
	}
}

char *stream_error_message(const char *body, size_t len, char **code)
{
	struct buf msg = {0}, cb = {0};
	bool has_code = false;
	cJSON *j = len ? cJSON_ParseWithLength(body, len) : NULL;
	if (j && (cJSON_IsObject(j) || cJSON_IsString(j)))
		error_from_json(j, &msg, &cb, &has_code);
	else if (len)
		set_trimmed(&msg, body, len);
	cJSON_Delete(j);
	if (code)
		*code = has_code ? buf_detach(&cb) : NULL;
	buf_free(&cb);
	return buf_detach(&msg);
}

/* ---- deciding the outcome ---- */

static void decide(struct stream *s, enum stream_outcome o)
{
	if (s->outcome != STREAM_PENDING)
		return;
	content_flush(s);
	s->outcome = o;
	const char *name = stream_outcome_name(o);
	emit(s, STREAM_EV_END, name, strlen(name));
	/* The parsers will not be needed again. */
	buf_free(&s->sniff);
	buf_free(&s->body);
}

static bool reason_is(const struct stream *s, const char *r)
{
	return s->finish_reason && strcmp(s->finish_reason, r) == 0;
}

/* The stream said it is over ([DONE], done:true, or a whole JSON body): classify. */
static void decide_by_finish(struct stream *s)
{
	enum stream_outcome o;
	if (s->has_error)
		o = STREAM_SERVER_ERROR;
	else if (!s->finish_reason && s->proto == STREAM_OPENAI_SSE)
		o = STREAM_INTERRUPTED;
	else if (reason_is(s, "length"))
		o = STREAM_TRUNCATED;
	else if (reason_is(s, "content_filter"))
		o = STREAM_REFUSED;
	else if (reason_is(s, "error"))
		o = STREAM_SERVER_ERROR;
	else if (reason_is(s, "abort") || reason_is(s, "cancelled"))
		o = STREAM_INTERRUPTED;
	else if (s->ch[STREAM_EV_REFUSAL].all.len > 0)
		o = STREAM_REFUSED;
	else if (s->n_tools > 0 || reason_is(s, "tool_calls") || reason_is(s, "function_call"))
		o = STREAM_TOOL_CALL;
	else
		o = STREAM_COMPLETED;
	decide(s, o);
}

static void server_error(struct stream *s, const cJSON *j, const char *text, size_t len)
{
	if (!s->has_error) {
		s->has_error = true;
		if (j)
			error_from_json(j, &s->error, &s->error_code, &s->has_code);
		else
			set_trimmed(&s->error, text, len);
	}
}

/* ---- JSON chunks ---- */

static const cJSON *get(const cJSON *j, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(j, key);
}

static const char *get_str(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool get_ll(const cJSON *j, const char *key, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!cJSON_IsNumber(v))
		return false;
	*out = (long long)v->valuedouble;
	return true;
}

static void set_model(struct stream *s, const cJSON *root)
{
	const char *m = get_str(root, "model");
	if (m && *m && s->model.len == 0)
		set_trimmed(&s->model, m, strlen(m));
}

static void set_finish(struct stream *s, const char *r)
{
	/* The first reason wins; OpenRouter, for one, repeats it. */
	if (r && *r && !s->finish_reason)
		s->finish_reason = xstrdup(r);
}

static struct tool *tool_at(struct stream *s, int index, bool always_new)
{
	if (!always_new)
		for (size_t i = 0; i < s->n_tools; i++)
			if (s->tools[i].index == index)
				return &s->tools[i];
	s->tools = xgrow(s->tools, &s->cap_tools, s->n_tools + 1, sizeof *s->tools);
	struct tool *t = &s->tools[s->n_tools++];
	memset(t, 0, sizeof *t);
	t->index = index;
	return t;
}

/* tool_calls from an OpenAI delta (fragments merged by index) or an Ollama message (each
 * element a whole call, arguments an object). */
static void tools_add(struct stream *s, const cJSON *arr, bool ollama)
{
	int pos = 0;
	const cJSON *tc;
	cJSON_ArrayForEach(tc, arr) {
		if (!cJSON_IsObject(tc))
			continue;
		long long idx = pos++;
		get_ll(tc, "index", &idx);
		struct tool *t = tool_at(s, (int)idx, ollama);
		const char *id = get_str(tc, "id");
		if (id && *id && t->id.len == 0)
			buf_adds(&t->id, id);
		const cJSON *fn = get(tc, "function");
		const char *name = get_str(fn, "name");
		if (name && *name && t->name.len == 0) {
			buf_reset(&s->repaired);
			utf8_repair(name, strlen(name), &s->repaired);
			buf_add(&t->name, s->repaired.p, s->repaired.len);
			emit(s, STREAM_EV_TOOL_CALL, t->name.p, t->name.len);
		}
		const cJSON *args = get(fn, "arguments");
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

static void usage_openai(struct stream *s, const cJSON *u)
{
	if (!cJSON_IsObject(u))
		return;
	struct stream_usage x = {.present = true};
	bool p = get_ll(u, "prompt_tokens", &x.prompt_tokens);
	bool c = get_ll(u, "completion_tokens", &x.completion_tokens);
	if (!get_ll(u, "total_tokens", &x.total_tokens))
		x.total_tokens = x.prompt_tokens + x.completion_tokens;
	if (p || c)
		s->usage = x;
}

static void delta_add(struct stream *s, const cJSON *d)
{
	const char *content = get_str(d, "content");
	if (content && *content) {
		s->content_deltas++;
		content_add(s, content, strlen(content));
	}
	/* Some servers send both names with the same text; take one. */
	const char *r = get_str(d, "reasoning_content");
	if (!r)
		r = get_str(d, "reasoning");
	if (r)
		reasoning_field(s, r);
	const char *refusal = get_str(d, "refusal");
	if (refusal)
		chan_add(s, STREAM_EV_REFUSAL, refusal, strlen(refusal));
	const cJSON *tcs = get(d, "tool_calls");
	if (cJSON_IsArray(tcs))
		tools_add(s, tcs, false);
	const cJSON *fc = get(d, "function_call"); /* the older single-function form */
	if (cJSON_IsObject(fc)) {
		cJSON *wrap = cJSON_CreateObject();
		cJSON_AddItemReferenceToObject(wrap, "function", (cJSON *)fc);
		cJSON *arr = cJSON_CreateArray();
		cJSON_AddItemToArray(arr, wrap);
		tools_add(s, arr, false);
		cJSON_Delete(arr);
	}
}

static void openai_object(struct stream *s, const cJSON *root)
{
	set_model(s, root);
	usage_openai(s, get(root, "usage"));
	const cJSON *choices = get(root, "choices");
	const cJSON *ch;
	int pos = 0;
	if (!cJSON_IsArray(choices))
		choices = NULL; /* null, missing or of the wrong type: no choices in this chunk */
	cJSON_ArrayForEach(ch, choices) {
		long long idx = pos++;
		get_ll(ch, "index", &idx);
		if (idx != 0 || !cJSON_IsObject(ch))
			continue; /* footnote asks for one choice */
		const cJSON *d = get(ch, "delta");
		if (!cJSON_IsObject(d))
			d = get(ch, "message"); /* a non-streamed body */
		if (cJSON_IsObject(d))
			delta_add(s, d);
		set_finish(s, get_str(ch, "finish_reason"));
	}
	const cJSON *err = get(root, "error");
	const char *obj = get_str(root, "object");
	if (err && !cJSON_IsNull(err) && !cJSON_IsFalse(err))
		server_error(s, root, NULL, 0);
	else if (obj && strcmp(obj, "error") == 0)
		server_error(s, root, NULL, 0);
	if (s->has_error)
		decide(s, STREAM_SERVER_ERROR);
}

static cJSON *parse_object(struct stream *s, const char *p, size_t n)
{
	cJSON *j = cJSON_ParseWithLength(p, n);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		s->ignored++;
		return NULL;
	}
	s->json_events++;
	return j;
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

static void on_sse_event(void *ctx, const struct sse_event *ev)
{
	struct stream *s = ctx;
	if (s->outcome != STREAM_PENDING)
		return;
	if (ev->type_len == 5 && memcmp(ev->type, "error", 5) == 0) {
		cJSON *j = cJSON_ParseWithLength(ev->data, ev->data_len);
		server_error(s, cJSON_IsObject(j) || cJSON_IsString(j) ? j : NULL, ev->data, ev->data_len);
		cJSON_Delete(j);
		if (!s->error.len)
			set_trimmed(&s->error, "the server sent an error event", 30);
		decide(s, STREAM_SERVER_ERROR);
		return;
	}
	if (is_done_marker(ev->data, ev->data_len)) {
		s->done = true;
		decide_by_finish(s);
		return;
	}
	cJSON *j = parse_object(s, ev->data, ev->data_len);
	if (j)
		openai_object(s, j);
	cJSON_Delete(j);
}

static void on_sse_comment(void *ctx, const char *text, size_t len)
{
	struct stream *s = ctx;
	if (s->outcome != STREAM_PENDING)
		return;
	s->keepalives++;
	buf_reset(&s->repaired);
	utf8_repair(text, len, &s->repaired);
	emit(s, STREAM_EV_KEEPALIVE, buf_str(&s->repaired), s->repaired.len);
}

static void on_sse_error_field(void *ctx, const char *value, size_t len)
{
	struct stream *s = ctx;
	if (s->outcome != STREAM_PENDING)
		return;
	cJSON *j = cJSON_ParseWithLength(value, len);
	server_error(s, cJSON_IsObject(j) || cJSON_IsString(j) ? j : NULL, value, len);
	cJSON_Delete(j);
	if (!s->error.len)
		set_trimmed(&s->error, "the server sent an error", 24);
	decide(s, STREAM_SERVER_ERROR);
}

static void on_nd_line(void *ctx, const char *line, size_t len)
{
	struct stream *s = ctx;
	if (s->outcome != STREAM_PENDING)
		return;
	cJSON *root = parse_object(s, line, len);
	if (!root)
		return;
	set_model(s, root);
	const cJSON *err = get(root, "error");
	if (err && !cJSON_IsNull(err)) {
		server_error(s, root, NULL, 0);
		cJSON_Delete(root);
		decide(s, STREAM_SERVER_ERROR);
		return;
	}
	const cJSON *msg = get(root, "message");
	const char *content = get_str(msg, "content");
	if (!content)
		content = get_str(root, "response"); /* /api/generate */
	const char *thinking = get_str(msg, "thinking");
	if (!thinking)
		thinking = get_str(root, "thinking");
	if (thinking)
		reasoning_field(s, thinking);
	if (content && *content) {
		s->content_deltas++;
		content_add(s, content, strlen(content));
	}
	const cJSON *tcs = get(msg, "tool_calls");
	if (cJSON_IsArray(tcs))
		tools_add(s, tcs, true);
	if (cJSON_IsTrue(get(root, "done"))) {
		s->done = true;
		set_finish(s, get_str(root, "done_reason"));
		struct stream_usage u = {.present = true};
		bool p = get_ll(root, "prompt_eval_count", &u.prompt_tokens);
		bool c = get_ll(root, "eval_count", &u.completion_tokens);
		u.total_tokens = u.prompt_tokens + u.completion_tokens;
		if (p || c)
			s->usage = u;
		decide_by_finish(s);
	}
	cJSON_Delete(root);
}

/* ---- life cycle ---- */

struct stream *stream_new(enum stream_proto proto, const struct stream_sink *sink)
{
	struct stream *s = xcalloc(1, sizeof *s);
	s->proto = proto;
	if (sink)
		s->sink = *sink;
	s->max = DEFAULT_MAX;
	s->hold_max = STREAM_THINK_HOLD_MAX;
	if (proto == STREAM_OLLAMA_NDJSON) {
		s->mode = MODE_NDJSON;
		s->nd = ndjson_new(&(struct ndjson_callbacks){.on_line = on_nd_line, .ctx = s});
	} else {
		s->mode = MODE_SNIFF;
		s->sse = sse_new(&(struct sse_callbacks){
			.on_event = on_sse_event,
			.on_comment = on_sse_comment,
			.on_error_field = on_sse_error_field,
			.ctx = s,
		});
	}
	return s;
}

void stream_free(struct stream *s)
{
	if (!s)
		return;
	sse_free(s->sse);
	ndjson_free(s->nd);
	buf_free(&s->sniff);
	buf_free(&s->body);
	for (int i = 0; i < 3; i++)
		buf_free(&s->ch[i].all);
	buf_free(&s->think_ws);
	buf_free(&s->held);
	buf_free(&s->cut_text);
	buf_free(&s->cut_reason);
	buf_free(&s->scratch);
	buf_free(&s->repaired);
	for (size_t i = 0; i < s->n_tools; i++) {
		buf_free(&s->tools[i].id);
		buf_free(&s->tools[i].name);
		buf_free(&s->tools[i].args);
	}
	free(s->tools);
	free(s->tool_view);
	free(s->finish_reason);
	buf_free(&s->model);
	buf_free(&s->error);
	buf_free(&s->error_code);
	free(s);
}

void stream_set_max(struct stream *s, size_t max_bytes)
{
	s->max = max_bytes ? max_bytes : DEFAULT_MAX;
	if (s->sse)
		sse_set_max(s->sse, s->max);
	if (s->nd)
		ndjson_set_max(s->nd, s->max);
}

void stream_set_think(struct stream *s, enum stream_think mode, size_t hold_max)
{
	s->think_mode = mode;
	s->hold_max = hold_max ? hold_max : STREAM_THINK_HOLD_MAX;
}

static void too_large(struct stream *s)
{
	if (!s->error.len) {
		buf_reset(&s->error);
		buf_addf(&s->error, "the server sent more than %zu bytes in one %s", s->max,
			 s->mode == MODE_NDJSON ? "line" : s->mode == MODE_JSON ? "response" : "event");
	}
	decide(s, STREAM_TOO_LARGE);
}

static void feed_mode(struct stream *s, const char *data, size_t len)
{
	switch (s->mode) {
	case MODE_SSE:
		if (sse_feed(s->sse, data, len) != SSE_OK)
			too_large(s);
		break;
	case MODE_NDJSON:
		if (ndjson_feed(s->nd, data, len) != NDJSON_OK)
			too_large(s);
		break;
	case MODE_JSON:
		if (s->body.len + len > s->max)
			too_large(s);
		else
			buf_add(&s->body, data, len);
		break;
	case MODE_SNIFF:
		break;
	}
}

/* An OpenAI-mode body is SSE unless its first significant byte is '{'. The BOM and white space
 * before that byte are kept and replayed to whichever reader is chosen. */
static size_t sniff(struct stream *s, const char *data, size_t len)
{
	static const char bom[3] = {'\xEF', '\xBB', '\xBF'};
	size_t i = 0;
	for (; i < len; i++) {
		char c = data[i];
		if (s->sniff_bom < 3 && s->sniff.len == s->sniff_bom && c == bom[s->sniff_bom]) {
			s->sniff_bom++;
		} else if (is_ws(c) && s->sniff.len < 256) {
			/* white space: not decided yet */
		} else {
			s->mode = c == '{' ? MODE_JSON : MODE_SSE;
			break;
		}
		buf_addc(&s->sniff, c);
	}
	if (s->mode != MODE_SNIFF && s->sniff.len) {
		struct buf held = s->sniff;
		memset(&s->sniff, 0, sizeof s->sniff);
		if (s->mode == MODE_JSON) /* a JSON parser does not skip a BOM */
			buf_consume(&held, s->sniff_bom < 3 ? 0 : 3);
		feed_mode(s, held.p, held.len);
		buf_free(&held);
	}
	return i;
}

void stream_feed(struct stream *s, const char *data, size_t len)
{
	if (s->outcome != STREAM_PENDING || len == 0)
		return;
	if (s->mode == MODE_SNIFF) {
		size_t used = sniff(s, data, len);
		data += used;
		len -= used;
		if (s->mode == MODE_SNIFF || s->outcome != STREAM_PENDING)
			return;
	}
	feed_mode(s, data, len);
}

static void finish_json_body(struct stream *s)
{
	cJSON *j = parse_object(s, s->body.p ? s->body.p : "", s->body.len);
	if (!j)
		return;
	openai_object(s, j);
	cJSON_Delete(j);
	if (s->outcome == STREAM_PENDING) {
		s->done = true;
		decide_by_finish(s);
	}
}

void stream_finish(struct stream *s)
{
	if (s->outcome != STREAM_PENDING)
		return;
	switch (s->mode) {
	case MODE_SNIFF:
		/* Nothing but white space (or nothing at all) came. */
		break;
	case MODE_SSE:
		if (sse_finish(s->sse) != SSE_OK)
			too_large(s);
		break;
	case MODE_NDJSON:
		if (ndjson_finish(s->nd) != NDJSON_OK)
			too_large(s);
		break;
	case MODE_JSON:
		finish_json_body(s);
		break;
	}
	if (s->has_error)
		decide(s, STREAM_SERVER_ERROR);
	decide(s, STREAM_INTERRUPTED);
}

void stream_fail(struct stream *s, enum stream_outcome o, const char *message)
{
	if (s->outcome != STREAM_PENDING)
		return;
	if (o == STREAM_PENDING)
		o = STREAM_NETWORK_ERROR;
	if (message && *message)
		set_trimmed(&s->error, message, strlen(message));
	decide(s, o);
}

void stream_http_error(struct stream *s, int status, const char *body, size_t len)
{
	if (s->outcome != STREAM_PENDING)
		return;
	s->http_status = status;
	char *code = NULL;
	char *msg = stream_error_message(body, len, &code);
	buf_reset(&s->error);
	buf_adds(&s->error, msg);
	if (code) {
		buf_reset(&s->error_code);
		buf_adds(&s->error_code, code);
		s->has_code = true;
	}
	free(msg);
	free(code);
	decide(s, STREAM_HTTP_ERROR);
}

bool stream_done(const struct stream *s)
{
	return s->outcome != STREAM_PENDING;
}

const struct stream_result *stream_result(struct stream *s)
{
	struct stream_result *r = &s->res;
	r->outcome = s->outcome;
	r->finish_reason = s->finish_reason;
	r->text = buf_str(&s->ch[STREAM_EV_TEXT].all);
	r->text_len = s->ch[STREAM_EV_TEXT].all.len;
	r->reasoning = buf_str(&s->ch[STREAM_EV_REASONING].all);
	r->reasoning_len = s->ch[STREAM_EV_REASONING].all.len;
	r->refusal = buf_str(&s->ch[STREAM_EV_REFUSAL].all);
	r->refusal_len = s->ch[STREAM_EV_REFUSAL].all.len;
	free(s->tool_view);
	s->tool_view = s->n_tools ? xcalloc(s->n_tools, sizeof *s->tool_view) : NULL;
	for (size_t i = 0; i < s->n_tools; i++) {
		s->tool_view[i].id = buf_str(&s->tools[i].id);
		s->tool_view[i].name = buf_str(&s->tools[i].name);
		s->tool_view[i].arguments = buf_str(&s->tools[i].args);
	}
	r->tool_calls = s->tool_view;
	r->n_tool_calls = s->n_tools;
	r->usage = s->usage;
	r->model = buf_str(&s->model);
	r->error = s->error.len ? s->error.p : NULL;
	r->error_code = s->has_code ? buf_str(&s->error_code) : NULL;
	r->http_status = s->http_status;
	r->done = s->done;
	r->json_events = s->json_events;
	r->content_deltas = s->content_deltas;
	r->keepalives = s->keepalives;
	r->ignored = s->ignored;
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
