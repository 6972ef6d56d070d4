/* openai_events.h - the OpenAI-compatible chat decoder: SSE events carrying
 * chat.completion.chunk objects, [DONE], error events and keep-alive comments; or one whole
 * JSON body (a non-streamed chat.completion, or an error object sent with status 200). Part
 * of the decoder of core/wire/stream.h: core/wire/stream.c feeds it, and what it reads goes
 * into the stream's state (core/wire/stream_state.h). Runs on the stream's thread. */
#ifndef FN_OPENAI_EVENTS_H
#define FN_OPENAI_EVENTS_H

#include <stddef.h>

#include "core/wire/sse.h"

struct sstate;

/* The SSE parser's callbacks, with st as their context (st outlives the parser). */
struct sse_callbacks openai_sse_callbacks(struct sstate *st);
/* A whole JSON body p[0..n): read as one chunk, then the stream is over (by its finish
 * reason) unless that chunk decided it. */
void openai_body(struct sstate *st, const char *p, size_t n);

#endif
