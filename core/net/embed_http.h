/* embed_http.h - the index's embedder interface (struct idx_embedder) over HTTP.
 *
 *   openai   POST {base_url}/embeddings  {model, input: [...]}; the reply's data items are
 *            put back in place by their "index" field, so any order is fine.
 *   ollama   POST {base_url}/api/embed   {model, input: [...], truncate: false}. When the
 *            server says an input exceeds the model's context, that input is split in two
 *            halves (at white space near the middle), each half embedded, and the two
 *            vectors averaged (weighted by length) and renormalised: text is never silently
 *            cut. An openai server's context_length_exceeded is handled the same way, and
 *            so is llama-server's HTTP 500 "input (564 tokens) is too large to process.
 *            increase the physical batch size (current batch size: 512)" (never retried).
 *
 * The input limit: set from config (embedder.max_tokens), or learned from the first refusal
 * that names it (llama-server's batch size, vLLM's maximum context length), together with
 * the characters per token of the refused text. Once known, a longer text is cut into
 * pieces under it before it is sent (and the pieces' vectors pooled as above), so only the
 * first long text costs a refused request.
 *
 * Every vector is checked against the dimension: the embedder's dim (0 = fixed by the first
 * reply) - a mismatch fails the whole call with IDX_EDIM and fills nothing. Vectors are
 * L2-normalised before they are returned. 429 and 5xx replies are retried up to the
 * provider's max_retries times, honouring Retry-After (capped at retry_cap_s); the call
 * blocks meanwhile.
 *
 * Threads: `embed` may be called from several threads at once; each calling thread gets its
 * own curl handle (kept in the embedder, keyed by thread, freed by embed_http_free), and the
 * dimension is guarded by a lock. The dim field of the returned idx_embedder changes once,
 * from 0, at the first successful reply: read it after one embed call (doctor does one) or
 * set it in advance. */
#ifndef FN_EMBED_HTTP_H
#define FN_EMBED_HTTP_H

#include <stddef.h>

#include "index/idx.h"

struct cfg_provider;
struct embed_http;

/* An embedder for `model` on provider p (openai or ollama; NULL for builtin). p must stay
 * valid until embed_http_free (the loaded config does); model and api_key are copied.
 * batch: most texts per request (0 = 32). dim: expected dimension, 0 = learn it. */
struct embed_http *embed_http_new(const struct cfg_provider *p, const char *model,
				  const char *api_key, size_t batch, int dim);
/* The interface to hand to idx_sync / idx_search; valid until embed_http_free. Its id is
 * "KIND:MODEL", e.g. "ollama:nomic-embed-text". */
const struct idx_embedder *embed_http_embedder(struct embed_http *e);
/* Embeds one short text and returns the dimension (> 0), or an IDX_E* code with a message
 * in err. Fixes the dimension as a first embed call does (doctor, and start-up checks). */
int embed_http_probe(struct embed_http *e, char *err, size_t errlen);
/* How the input limit is known. */
enum embed_limit_source { EMBED_LIMIT_UNKNOWN, EMBED_LIMIT_CONFIG, EMBED_LIMIT_LEARNED };
/* The configured input limit in tokens (0 = learn it). Before the first embed call. */
void embed_http_set_limit(struct embed_http *e, int tokens);
/* The input limit in tokens (0 = not known yet), how it is known, and the characters per
 * token learned from a refusal (0 = none yet). Any thread. */
int embed_http_limit(struct embed_http *e, enum embed_limit_source *source, double *chars_per_token);
/* Sends one long text (about 8,000 tokens) so that a server with a smaller input limit
 * names it (for doctor). Returns 0 when it was embedded (whole or in pieces, the limit then
 * learned), else an IDX_E* code with the last refusal in err. */
int embed_http_probe_limit(struct embed_http *e, char *err, size_t errlen);
/* No embed call may be running. */
void embed_http_free(struct embed_http *e);

#endif
