/* ollama_events.h - the Ollama chat decoder: /api/chat (and /api/generate) NDJSON lines,
 * each one JSON object; done:true ends the stream. Part of the decoder of core/wire/stream.h:
 * core/wire/stream.c feeds it, and what it reads goes into the stream's state
 * (core/wire/stream_state.h). Runs on the stream's thread. */
#ifndef FN_OLLAMA_EVENTS_H
#define FN_OLLAMA_EVENTS_H

#include "core/wire/ndjson.h"

struct sstate;

/* The NDJSON parser's callbacks, with st as their context (st outlives the parser). */
struct ndjson_callbacks ollama_callbacks(struct sstate *st);

#endif
