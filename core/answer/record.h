/* record.h - what an answer records, as JSON: the one writer and the one reader of each
 * record, shared by `footnote ask --json` and the session file (and through the session,
 * the export).
 *
 * The records and their shapes (and `answer`, the whole of one turn that `ask --json` prints,
 * built from them: see record_answer_json):
 *   source      {n, path, collection, chunk, line_start, line_end, page, heading, snippet,
 *                text, content_hash, score, hidden_text_removed, cited, verified,
 *                auto_attached}; n and the marks only for a source given to the model,
 *                snippet and text only when asked for (sessions keep them, ask does not).
 *   provenance  {time, profile, provider, provider_kind, model, host, temperature,
 *                context_tokens, max_tokens, no_evidence,
 *                retrieval: {enabled, mode, top_k, collections, w_lexical, w_vector,
 *                            per_file_cap, min_score, retrieval_ms, search_query,
 *                            rewrite, rerank, context},
 *                conversation: {turns_sent, turns_dropped},
 *                index: {generation, files, chunks}, prompt_tokens_estimate,
 *                window: {tokens, from, counting, cut},
 *                fine_tune: {kind, base_model, adapter, adapter_scale, checkpoint,
 *                            dataset_version}}
 *   result      {outcome, outcome_code, finish_reason, message (only when there is one),
 *                usage: {prompt_tokens, completion_tokens},
 *                cost: {priced, micros, cents} (micro-units of the currency; null when
 *                       the model has no price),
 *                timings: {first_token_ms, total_ms}, extractive, not_grounded,
 *                label_uncited, grounding (share, or null: not computed), sentences,
 *                sentences_supported, citations_invalid, verification}
 *   verification {grounding (null when not computed), supported, checked, markers,
 *                invalid, auto_attached, threshold, sentences: [{start, end, text, status,
 *                label (uncited under the label policy), score, sources, holds}]}
 * 64-bit numbers are JSON numbers while a double holds them exactly, decimal strings beyond;
 * content hashes are 16 hex digits. A key is never renamed: a new field is a new key.
 *
 * Readers are tolerant: a missing key or a value of the wrong type gives the field's
 * default, never an error, and they also read what session turns of version 1 wrote
 * (provenance flat, "hidden_text", grounding as an object, no verification). A verification
 * sentence whose range does not fit the answer is dropped, so a damaged file cannot make a
 * reader of the answer step outside it.
 *
 * Writers return a new cJSON tree (caller cJSON_Delete). Readers and copies fill the
 * caller's struct with strings they own: free them with the matching *_clear (sources:
 * cite_map_free; a result: turn_result_free, or record_result_clear for one not allocated
 * alone). Pure; any thread. */
#ifndef FN_RECORD_H
#define FN_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer/prompt.h"
#include "core/answer/turn.h"
#include "core/answer/verify.h"

struct cJSON;

enum record_source_flags {
	RECORD_SOURCE_GIVEN = 1, /* shown to the model: its number and what the answer did with it */
	RECORD_SOURCE_TEXT = 2,  /* the snippet and the passage itself */
};
struct cJSON *record_source_json(const struct source *s, unsigned flags);
/* An array of n sources. */
struct cJSON *record_sources_json(const struct source *v, size_t n, unsigned flags);
void record_source_from(struct source *s, const struct cJSON *o);
/* The objects of a JSON array (anything else gives none); *v is never NULL. */
void record_sources_from(const struct cJSON *arr, struct source **v, size_t *n);
void record_source_copy(struct source *d, const struct source *s);

struct cJSON *record_provenance_json(const struct provenance *p);
/* Strings never NULL ("" when absent); no_evidence is one of the static policy names, "" when
 * the record has none (version 1) or an unknown one. */
void record_provenance_from(struct provenance *p, const struct cJSON *o);
/* What a turn for req with provider prov records before it runs: the time, profile, model,
 * host (never its user:password@), the retrieval settings and the index's totals; the
 * search query, rewrite, expansion and rerank start as "". */
void record_provenance_fill(struct provenance *pv, const struct turn_request *req,
			    const struct cfg_provider *prov);
void record_provenance_copy(struct provenance *d, const struct provenance *s);
void record_provenance_clear(struct provenance *p);

/* One answered turn as `footnote ask --json` prints it: {answer, the result's fields (with
 * timings.retrieval_ms), citations (the sources given, as source records), profile,
 * provider, model, retrieval, grounded, provenance: the provenance record with sources,
 * dropped_for_budget, usage and timings}. m is the turn's citation map. */
/* The "version" of every JSON object footnote prints for machines (ask --json, search --json,
 * eval --json, the MCP tools' results): docs/INTERFACE.md. A key is never renamed or removed
 * within a version; new keys may appear. */
enum { RECORD_JSON_VERSION = 1 };
struct cJSON *record_answer_json(const char *answer, size_t len, const struct turn_result *r,
				 const struct provenance *p, const struct cite_map *m);

/* answer[0..len) is the answer the result belongs to: the verification's sentence texts
 * are cut from it. */
struct cJSON *record_result_json(const struct turn_result *r, const char *answer, size_t len);
/* outcome_name is never NULL ("unknown" when absent); r->verify is rebuilt from the
 * verification, NULL when it was not computed. answer_len bounds the sentence ranges. */
void record_result_from(struct turn_result *r, const struct cJSON *o, size_t answer_len);
/* A deep copy, the verification included. */
void record_result_copy(struct turn_result *d, const struct turn_result *s);
void record_result_clear(struct turn_result *r);

/* The one figure of how well r is backed, for a person, after " · ": "grounding 80%" for a
 * model's answer, "quoted from 2 passages · relevance 41%" for an extractive one; nothing
 * when neither was computed. */
struct buf;
void record_figure(struct buf *b, const struct turn_result *r);

/* r's verification (r may be NULL: not computed). */
struct cJSON *record_verify_json(const struct turn_result *r, const char *answer, size_t len);
/* NULL when o holds no computed verification. Free with verify_free. */
struct verify_result *record_verify_from(const struct cJSON *o, size_t answer_len);
struct verify_result *record_verify_copy(const struct verify_result *v);

#endif
