/* stream.h - turns a model server's streamed response body into events and one outcome.
 *
 * Two wire formats: OpenAI-compatible chat.completion.chunk objects over SSE (OpenAI, llama.cpp's
 * llama-server, vLLM, LM Studio, OpenRouter, Ollama's /v1) and Ollama's native /api/chat NDJSON.
 * The decoder is pure: it does no I/O. The HTTP layer feeds it the body in whatever slices the
 * network delivers, tells it about EOF, and reports failures it sees itself (HTTP status,
 * cancel, network errors).
 *
 * What comes out:
 *   - events, through the sink, as the stream goes: answer text, reasoning, refusal text, tool
 *     call names, keep-alives, and finally STREAM_EV_END exactly once. Text is cut only on whole
 *     UTF-8 code points; invalid bytes from the server become U+FFFD. Reasoning (`reasoning`,
 *     `reasoning_content`, Ollama's `thinking`, and a `<think>...</think>` block at the start of
 *     the content, however it is split) never appears in the answer text; nor does a block
 *     whose opening tag the server stripped, when one is looked for (see "Held content").
 *   - exactly one outcome (stream_result()->outcome): the first thing that decides it wins and
 *     everything after is ignored. `[DONE]` (SSE) and `done:true` (NDJSON) decide by the finish
 *     reason; an in-band error decides STREAM_SERVER_ERROR at once, after recording the usage
 *     in the same chunk, so a `[DONE]` after an error is never success; EOF before that is
 *     STREAM_INTERRUPTED, and so is `[DONE]` without a finish reason. Partial text is kept in
 *     every case.
 *
 * An OpenAI-mode body whose first byte (after a BOM and white space) is '{' is read as one
 * JSON document instead of SSE: a non-streamed chat.completion, or an error object sent with
 * status 200. So a server that ignores `stream: true` still gives a normal result.
 *
 * Held content (a `<think>` block without its opening tag). Some chat templates (DeepSeek-R1
 * and its distills, QwQ, Qwen3 -Thinking) end the prompt with "<think>\n", so llama.cpp, vLLM
 * or Ollama's /v1 send reasoning, then "</think>", then the answer, with no opening tag. When
 * such a block is looked for (stream_set_think; by default only when the `model` the server
 * names in its chunks is one of those families, see stream_model_strips_think: holding for
 * every model would hold every plain answer to its end) and the content does not open with
 * "<think>", the content is held, not sent, until one of these decides it:
 *   - "</think>" (split anywhere): everything before it was reasoning and is sent as such, at
 *     once; what follows is the answer and streams as usual;
 *   - "<think>" before any "</think>", the bound (hold_max bytes, 64 KiB by default), or the
 *     end of the stream for any reason, the outcome included: it was all answer, and goes out
 *     as text, in order, nothing lost;
 *   - a separate reasoning field: the server splits reasoning itself, so the held content is
 *     answer and goes out as text; nothing more is held.
 * Once decided, a "</think>" later in the answer is just text. No event is sent for held bytes,
 * so the first TEXT or REASONING event, which the HTTP layer takes as the first token, comes
 * when the hold resolves: for a reasoning model, when its reasoning ends; for a model wrongly
 * taken for one, at the bound or the end. Keep-alives still go out while content is held. A
 * cancel (stream_fail) or any other end releases the held content as answer text before
 * STREAM_EV_END, so the partial text is kept and marked like any other; stream_result() does
 * not show held content until then. A server that sends the opening tag, or reasoning in its
 * own field, is never held.
 *
 * Threads: a stream belongs to one thread at a time (the network thread). The sink runs inside
 * stream_feed / stream_finish / stream_fail / stream_http_error on that thread; it must not call
 * back into the same stream. Nothing here prints; text from the server is untrusted and the
 * consumer sanitizes it before showing it.
 *
 * The decoder is six files in core/wire/, this header its one public face: stream.c (life
 * cycle, feeding, which reader), openai_events.c and ollama_events.c (the two formats),
 * stream_state.c (what was gathered, the outcome and its sentence, the model families of
 * stream_model_strips_think), think.c (the <think> holder), stream_error.c (error bodies;
 * stream_error_message, for the HTTP and embeddings clients too, is declared in
 * stream_error.h, included here). */
#ifndef FN_STREAM_H
#define FN_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/wire/stream_error.h"

enum stream_proto {
	STREAM_OPENAI_SSE,    /* POST /chat/completions with stream: true */
	STREAM_OLLAMA_NDJSON, /* POST /api/chat (or /api/generate) */
	STREAM_RAW_JSON,      /* any other JSON reply (a rerank): the whole body becomes the
				 result's text, COMPLETED once it ended; no events on the way */
};

enum stream_outcome {
	STREAM_PENDING = 0,   /* not decided yet */
	STREAM_COMPLETED,     /* finish reason "stop" (or any reason not listed below) */
	STREAM_TRUNCATED,     /* finish reason "length": the token limit cut the answer */
	STREAM_REFUSED,       /* refusal text, or finish reason "content_filter" */
	STREAM_TOOL_CALL,     /* the model asked for a tool; footnote runs none */
	STREAM_SERVER_ERROR,  /* an error sent inside the stream */
	STREAM_HTTP_ERROR,    /* a non-2xx status (stream_http_error) */
	STREAM_INTERRUPTED,   /* EOF before [DONE]/done, or [DONE] with no finish reason */
	STREAM_CANCELLED,     /* stopped by the user (stream_fail) */
	STREAM_NETWORK_ERROR, /* connect, TLS, timeout, reset (stream_fail) */
	STREAM_TOO_LARGE,     /* one event or line passed the cap */
};

enum stream_ev_kind {
	STREAM_EV_TEXT,      /* a piece of the answer */
	STREAM_EV_REASONING, /* a piece of the model's reasoning, kept apart from the answer */
	STREAM_EV_REFUSAL,   /* a piece of a refusal (delta.refusal) */
	STREAM_EV_TOOL_CALL, /* the name of a requested tool, once per call when first seen */
	STREAM_EV_KEEPALIVE, /* an SSE comment: the server is alive (reset an idle timer) */
	STREAM_EV_END,       /* sent exactly once; s is stream_outcome_name() of the outcome */
};

/* s[0..len) is valid UTF-8, NUL-terminated at s[len], and valid only during the call. */
struct stream_sink {
	void (*on_event)(void *ctx, enum stream_ev_kind kind, const char *s, size_t len);
	void *ctx;
};

struct stream_usage {
	bool present;             /* the server reported usage */
	long long prompt_tokens;  /* OpenAI prompt_tokens; Ollama prompt_eval_count */
	long long completion_tokens; /* OpenAI completion_tokens; Ollama eval_count */
	long long total_tokens;   /* as sent, or the sum when the server sent none */
};

struct stream_tool_call {
	const char *id;        /* "" when the server sent none (Ollama) */
	const char *name;      /* "" when the server sent none */
	const char *arguments; /* the fragments joined; Ollama's object printed as JSON */
};

/* Everything known so far. Strings are never NULL unless said so; all of them belong to the
 * stream and stay valid until the next call into it (feed, finish, fail) or stream_free. */
struct stream_result {
	enum stream_outcome outcome;
	const char *finish_reason; /* as sent ("stop", "length", ...), NULL when none came */
	const char *text;          /* the answer, reasoning removed */
	size_t text_len;
	const char *reasoning;
	size_t reasoning_len;
	const char *refusal;
	size_t refusal_len;
	const struct stream_tool_call *tool_calls; /* NULL when n_tool_calls is 0 */
	size_t n_tool_calls;
	struct stream_usage usage;
	const char *model;         /* the model id the server named, "" when none */
	const char *error;         /* the server's or HTTP layer's message, NULL when none */
	const char *error_code;    /* the server's error code or type, NULL when none */
	int http_status;           /* set by stream_http_error, else 0 */
	bool done;                 /* [DONE] or done:true arrived */
	size_t json_events;        /* JSON objects decoded (SSE data events, NDJSON lines) */
	size_t content_deltas;     /* of those, ones with non-empty content */
	size_t keepalives;         /* SSE comment lines */
	size_t ignored;            /* events that were neither JSON objects nor [DONE] */
	const char *bad_event;     /* the first of those, terminal-safe, at most 60 characters
				    * and "…" (NULL when none) */
};

struct stream;

/* Returns a new decoder (never NULL). The sink is copied; sink may be NULL (results only). */
struct stream *stream_new(enum stream_proto proto, const struct stream_sink *sink);
void stream_free(struct stream *s);
/* Cap in bytes on one SSE event, NDJSON line or JSON body (0 means 1 MiB). Call before the
 * first feed. */
void stream_set_max(struct stream *s, size_t max_bytes);

/* Where reasoning is looked for in the content (see "Held content" above). */
enum stream_think {
	STREAM_THINK_AUTO = 0, /* a leading <think> block; a stripped one (held) only for a model
				  stream_model_strips_think() names. The default. */
	STREAM_THINK_TAG,      /* only a block that opens with <think>: content is never held */
	STREAM_THINK_NOOPEN,   /* also a stripped block, whatever the model: hold */
};
#define STREAM_THINK_HOLD_MAX (64u * 1024u)

/* Chooses how a <think> block is found; hold_max bounds the held content in bytes (0 means
 * STREAM_THINK_HOLD_MAX). Call before the first feed. */
void stream_set_think(struct stream *s, enum stream_think mode, size_t hold_max);
/* True when the model id names a family whose chat template strips the opening <think>
 * (DeepSeek-R1 and its distills, QwQ, Qwen3 -Thinking), e.g. "deepseek-r1:14b",
 * "DeepSeek-R1-Distill-Qwen-7B", "qwq:32b", "Qwen3-30B-A3B-Thinking-2507". NULL gives false. */
bool stream_model_strips_think(const char *model);

/* Feeds the next len bytes of the body, in any slicing. Ignored once the outcome is decided. */
void stream_feed(struct stream *s, const char *data, size_t len);
/* The body ended (EOF). Decides STREAM_INTERRUPTED when nothing else has. */
void stream_finish(struct stream *s);
/* The HTTP layer stopped the stream: o is CANCELLED, NETWORK_ERROR, INTERRUPTED (e.g. a
 * reset after part of the answer), TOO_LARGE or HTTP_ERROR; message may be NULL. No effect
 * once the outcome is decided. */
void stream_fail(struct stream *s, enum stream_outcome o, const char *message);
/* The response had a non-2xx status: body[0..len) is its body (may be empty), from which the
 * server's message is taken. Decides STREAM_HTTP_ERROR. */
void stream_http_error(struct stream *s, int status, const char *body, size_t len);
/* True once the outcome is decided: the HTTP layer may stop reading. */
bool stream_done(const struct stream *s);
/* The result so far (see struct stream_result for how long it stays valid). */
const struct stream_result *stream_result(struct stream *s);

/* "pending", "completed", "truncated", "refused", "tool_call", "server_error", "http_error",
 * "interrupted", "cancelled", "network_error", "too_large". Static strings. */
const char *stream_outcome_name(enum stream_outcome o);
/* One short sentence for a person, e.g. "The model asked to call a tool (get_weather) —
 * footnote does not run tools." or "Server error: Token limit reached (400)." It may quote the server's message, which is untrusted:
 * sanitize before display. Caller frees. */
char *stream_outcome_message(const struct stream_result *r);
/* "the WHAT failed (that sentence, or the outcome's name)", for a helper request that did
 * not complete (the rewrite, the expansion, the reranker). Caller frees. */
char *stream_failure(const struct stream_result *r, const char *what);
#endif
