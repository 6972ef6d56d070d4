/* stream_state.h - what a stream decoder has gathered so far (answer, reasoning and refusal
 * text in whole code points, tool calls, usage, model, errors) and its one outcome; and the
 * events it sends as it gathers them. Part of the decoder of core/wire/stream.h, not for
 * other callers: core/wire/stream.c owns one inside each struct stream, and the format
 * decoders (openai_events.c, ollama_events.c) write into it.
 *
 * Everything here runs on the stream's thread, inside stream_feed / _finish / _fail /
 * _http_error, and may call the sink. Once the outcome is decided, gathering stops: the
 * decoders check st->outcome first. The result's strings belong to the state (see
 * struct stream_result). */
#ifndef FN_STREAM_STATE_H
#define FN_STREAM_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "core/wire/stream.h"
#include "core/wire/think.h"

struct cJSON;

/* One output channel: everything sent so far, and up to 3 bytes of an incomplete code point
 * held back until the rest arrives. */
struct sstate_chan {
	struct buf all;
	char tail[4];
	size_t tail_len;
};

struct sstate_tool {
	int index;
	struct buf id, name, args;
};

/* Fields are read by the decoders (outcome, error) and set where a format says so (usage,
 * done); the rest is stream_state.c's. */
struct sstate {
	enum stream_proto proto;
	struct stream_sink sink;
	struct sstate_chan ch[3]; /* indexed by STREAM_EV_TEXT, _REASONING, _REFUSAL */
	struct think think;
	bool model_strips;        /* the model named is one stream_model_strips_think names */
	struct buf cut_text, cut_reason; /* per-delta scratch */
	struct buf scratch, repaired;

	struct sstate_tool *tools;
	size_t n_tools, cap_tools;
	struct stream_tool_call *tool_view;

	char *finish_reason;
	struct buf model;
	struct buf error, error_code;
	bool has_error, has_code;
	int http_status;
	bool done;                /* [DONE] or done:true arrived */
	struct stream_usage usage;
	size_t json_events, content_deltas, keepalives, ignored;
	struct buf bad_event;     /* the first ignored event, sanitized and shortened */

	enum stream_outcome outcome;
	struct stream_result res;
};

void sstate_init(struct sstate *st, enum stream_proto proto, const struct stream_sink *sink);
void sstate_free(struct sstate *st);

/* Content of the answer, which may open with a <think> block (counted as a content delta). */
void sstate_content(struct sstate *st, const char *p, size_t n);
/* A separate reasoning field's text r (nothing when r is ""). */
void sstate_reasoning(struct sstate *st, const char *r);
void sstate_refusal(struct sstate *st, const char *p, size_t n);
/* tool_calls: from an OpenAI delta (whole false: fragments merged by index) or an Ollama
 * message (whole true: each element a whole call, arguments an object). */
void sstate_tools(struct sstate *st, const struct cJSON *arr, bool whole);
/* An SSE comment: a keep-alive. */
void sstate_keepalive(struct sstate *st, const char *text, size_t len);
/* The "model" of a chunk, the first one named wins. */
void sstate_model(struct sstate *st, const struct cJSON *root);
/* The first finish reason wins; OpenRouter, for one, repeats it. */
void sstate_finish_reason(struct sstate *st, const char *r);
/* The first error wins: read from JSON j when not NULL, else text[0..len). Decides nothing. */
void sstate_server_error(struct sstate *st, const struct cJSON *j, const char *text, size_t len);

/* Decides the outcome o unless one is decided: what the think holder and the channels hold
 * goes out, then STREAM_EV_END. */
void sstate_decide(struct sstate *st, enum stream_outcome o);
/* The stream said it is over ([DONE], done:true, or a whole JSON body): decides by the
 * finish reason and what came. */
void sstate_decide_by_finish(struct sstate *st);

/* p[0..n) parsed as a JSON object (caller deletes), counted as a JSON event; else NULL,
 * counted as ignored. */
struct cJSON *sstate_parse_object(struct sstate *st, const char *p, size_t n);
/* j's string or number member key; NULL or false when absent or of another type. */
const char *sstate_str(const struct cJSON *j, const char *key);
bool sstate_ll(const struct cJSON *j, const char *key, long long *out);

/* The result so far, valid as struct stream_result says. */
const struct stream_result *sstate_result(struct sstate *st);

#endif
