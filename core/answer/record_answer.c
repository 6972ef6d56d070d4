/* record_answer.c - one answer as `footnote ask --json` prints it and `footnote mcp`'s ask tool
 * returns it (see record_answer.h): the records of record.h put together. */
#include "core/answer/record_answer.h"

#include <cjson/cJSON.h>

#include "core/answer/record.h"

/* Moves every item of from to the end of to, and frees from. */
static void move_items(cJSON *to, cJSON *from)
{
	cJSON *e;
	while ((e = from->child)) {
		cJSON_DetachItemViaPointer(from, e);
		cJSON_AddItemToObject(to, e->string, e);
	}
	cJSON_Delete(from);
}

/* The answer, its result record (outcome, usage, timings, grounding, verification) at the
 * top, the sources, who answered, and the provenance record with the sources shown and
 * dropped, usage and timings. */
cJSON *record_answer_json(const struct turn *t, const struct turn_result *res, const char *answer, size_t len)
{
	const struct provenance *p = turn_provenance(t);
	const struct cite_map *m = turn_sources(t);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", RECORD_JSON_VERSION);
	cJSON_AddStringToObject(o, "answer", answer);
	move_items(o, record_result_json(res, answer, len));
	cJSON_AddNumberToObject(cJSON_GetObjectItemCaseSensitive(o, "timings"), "retrieval_ms", p->retrieval_ms);
	cJSON_AddItemToObject(o, "citations", record_sources_json(m->v, m->n, RECORD_SOURCE_GIVEN));
	cJSON_AddStringToObject(o, "profile", p->profile);
	cJSON_AddStringToObject(o, "provider", p->provider);
	cJSON_AddStringToObject(o, "model", p->model);
	cJSON_AddBoolToObject(o, "retrieval", p->retrieval);
	cJSON_AddBoolToObject(o, "grounded", !res->not_grounded && m->n > 0);

	cJSON *pv = record_provenance_json(p);
	cJSON_AddItemToObject(pv, "sources", record_sources_json(m->v, m->n, RECORD_SOURCE_GIVEN));
	cJSON_AddItemToObject(pv, "dropped_for_budget", record_sources_json(m->dropped, m->ndropped, 0));
	cJSON *u = cJSON_AddObjectToObject(pv, "usage");
	cJSON_AddNumberToObject(u, "prompt_tokens", (double)res->prompt_tokens);
	cJSON_AddNumberToObject(u, "completion_tokens", (double)res->completion_tokens);
	cJSON *tm = cJSON_AddObjectToObject(pv, "timings");
	cJSON_AddNumberToObject(tm, "retrieval_ms", p->retrieval_ms);
	cJSON_AddNumberToObject(tm, "first_token_ms", res->first_token_ms);
	cJSON_AddNumberToObject(tm, "total_ms", res->total_ms);
	cJSON_AddItemToObject(o, "provenance", pv);
	return o;
}
