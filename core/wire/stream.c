/* stream.c - chat stream decoder: SSE/NDJSON -> events and one outcome (see stream.h). This
 * file is the life cycle and the feeding: it picks the reader (SSE, NDJSON, or a whole JSON
 * body) and hands what it reads to the format's decoder (openai_events.c, ollama_events.c),
 * which gathers into the stream's state (stream_state.c). */
#include "core/wire/stream.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/wire/ndjson.h"
#include "core/wire/ollama_events.h"
#include "core/wire/openai_events.h"
#include "core/wire/sse.h"
#include "core/wire/stream_error.h"
#include "core/wire/stream_state.h"

#define DEFAULT_MAX (1024u * 1024u)

enum mode { MODE_SNIFF, MODE_SSE, MODE_NDJSON, MODE_JSON, MODE_HTML };

struct stream {
	size_t max;
	enum mode mode;
	struct sse *sse;
	struct ndjson *nd;
	struct buf sniff;   /* BOM and white space seen before the mode was known */
	unsigned sniff_bom;
	struct buf body;    /* MODE_JSON, MODE_HTML: the whole body */
	bool raw;           /* STREAM_RAW_JSON: the body is the text */
	struct sstate st;   /* what was gathered, and the outcome */
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

struct stream *stream_new(enum stream_proto proto, const struct stream_sink *sink)
{
	struct stream *s = xcalloc(1, sizeof *s);
	sstate_init(&s->st, proto, sink);
	s->max = DEFAULT_MAX;
	if (proto == STREAM_RAW_JSON) {
		s->mode = MODE_JSON;
		s->raw = true;
	} else if (proto == STREAM_OLLAMA_NDJSON) {
		s->mode = MODE_NDJSON;
		struct ndjson_callbacks cb = ollama_callbacks(&s->st);
		s->nd = ndjson_new(&cb);
	} else {
		s->mode = MODE_SNIFF;
		struct sse_callbacks cb = openai_sse_callbacks(&s->st);
		s->sse = sse_new(&cb);
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
	sstate_free(&s->st);
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
	think_init(&s->st.think, mode, hold_max);
}

/* The parsers will not be needed again once the outcome is decided. */
static void decide(struct stream *s, enum stream_outcome o)
{
	sstate_decide(&s->st, o);
	buf_free(&s->sniff);
	buf_free(&s->body);
}

static void too_large(struct stream *s)
{
	if (!s->st.error.len) {
		buf_reset(&s->st.error);
		buf_addf(&s->st.error, "the server sent more than %zu bytes in one %s", s->max,
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
	case MODE_HTML:
		/* Only its title is shown: the first 64 KiB hold it. */
		if (s->body.len < 65536)
			buf_add(&s->body, data, len < 65536 - s->body.len ? len : 65536 - s->body.len);
		break;
	case MODE_SNIFF:
		break;
	}
}

/* An OpenAI-mode body is SSE unless its first significant byte is '{' (one JSON body) or '<'
 * (an HTML page: a proxy's error or login page sent with 200). The BOM and white space
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
			s->mode = c == '{' ? MODE_JSON : c == '<' ? MODE_HTML : MODE_SSE;
			break;
		}
		buf_addc(&s->sniff, c);
	}
	if (s->mode != MODE_SNIFF && s->sniff.len) {
		struct buf held = s->sniff;
		memset(&s->sniff, 0, sizeof s->sniff);
		if (s->mode == MODE_JSON || s->mode == MODE_HTML) /* a JSON parser does not skip a BOM */
			buf_consume(&held, s->sniff_bom < 3 ? 0 : 3);
		feed_mode(s, held.p, held.len);
		buf_free(&held);
	}
	return i;
}

void stream_feed(struct stream *s, const char *data, size_t len)
{
	if (s->st.outcome != STREAM_PENDING || len == 0)
		return;
	if (s->mode == MODE_SNIFF) {
		size_t used = sniff(s, data, len);
		data += used;
		len -= used;
		if (s->mode == MODE_SNIFF || s->st.outcome != STREAM_PENDING)
			return;
	}
	feed_mode(s, data, len);
}

void stream_finish(struct stream *s)
{
	if (s->st.outcome != STREAM_PENDING)
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
		if (s->raw) {
			sstate_content(&s->st, s->body.p ? s->body.p : "", s->body.len);
			decide(s, STREAM_COMPLETED);
			return;
		}
		openai_body(&s->st, s->body.p ? s->body.p : "", s->body.len);
		break;
	case MODE_HTML:
		stream_error_html(s->body.p ? s->body.p : "", s->body.len, &s->st.error);
		s->st.has_error = true;
		break;
	}
	if (s->st.has_error)
		decide(s, STREAM_SERVER_ERROR);
	decide(s, STREAM_INTERRUPTED);
}

void stream_fail(struct stream *s, enum stream_outcome o, const char *message)
{
	if (s->st.outcome != STREAM_PENDING)
		return;
	if (o == STREAM_PENDING)
		o = STREAM_NETWORK_ERROR;
	if (message && *message)
		stream_error_trim(&s->st.error, message, strlen(message));
	decide(s, o);
}

void stream_http_error(struct stream *s, int status, const char *body, size_t len)
{
	if (s->st.outcome != STREAM_PENDING)
		return;
	s->st.http_status = status;
	char *code = NULL;
	char *msg = stream_error_message(body, len, &code);
	buf_reset(&s->st.error);
	buf_adds(&s->st.error, msg);
	if (code) {
		buf_reset(&s->st.error_code);
		buf_adds(&s->st.error_code, code);
		s->st.has_code = true;
	}
	free(msg);
	free(code);
	decide(s, STREAM_HTTP_ERROR);
}

bool stream_done(const struct stream *s)
{
	return s->st.outcome != STREAM_PENDING;
}

const struct stream_result *stream_result(struct stream *s)
{
	return sstate_result(&s->st);
}
