/* record_answer.h - a whole answer as one JSON object, built from the records of record.h:
 * {answer, the result record's keys (outcome, usage, timings with retrieval_ms, grounding,
 * verification...), citations (the sources given to the model), profile, provider, model,
 * retrieval, grounded, provenance (with sources, dropped_for_budget, usage, timings)}.
 * `footnote ask --json` prints it and the MCP ask tool returns it, so the two cannot
 * differ. Pure; any thread that owns the turn. */
#ifndef FN_RECORD_ANSWER_H
#define FN_RECORD_ANSWER_H

#include <stddef.h>

struct cJSON;

/* The "version" of every JSON object footnote prints for machines (ask --json, search --json,
 * eval --json, the MCP tools' results): docs/INTERFACE.md. A key is never renamed or removed
 * within a version; new keys may appear. */
enum { RECORD_JSON_VERSION = 1 };
struct turn;
struct turn_result;

/* answer[0..len) is the turn's whole answer. Caller cJSON_Deletes. */
struct cJSON *record_answer_json(const struct turn *t, const struct turn_result *r, const char *answer,
				 size_t len);

#endif
