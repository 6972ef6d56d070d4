/* record.c - the JSON codec of what an answer records (see record.h). Each record has its
 * writer, its reader, and its copy and clear right next to each other: a field added to
 * one of the structs is added here, in all four, and tests/unit/test_session.c fails until
 * it is. */
#include "core/answer/record.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/xmalloc.h"
#include "core/answer/cost.h"
#include "core/app/config.h"
#include "core/net/provider.h"

/* ---- writing helpers ----------------------------------------------------------------------- */

static void add_u64(cJSON *o, const char *key, uint64_t v)
{
	if (v <= (1ull << 53)) {
		cJSON_AddNumberToObject(o, key, (double)v);
	} else {
		char d[24];
		snprintf(d, sizeof d, "%" PRIu64, v);
		cJSON_AddStringToObject(o, key, d);
	}
}

static void add_hex64(cJSON *o, const char *key, uint64_t v)
{
	char s[17];
	snprintf(s, sizeof s, "%016" PRIx64, v);
	cJSON_AddStringToObject(o, key, s);
}

static void add_str(cJSON *o, const char *key, const char *s)
{
	cJSON_AddStringToObject(o, key, s ? s : "");
}

static void add_str_or_null(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

/* ---- reading helpers: a missing key or a wrong type gives the default ---------------------- */

static const cJSON *jget(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = jget(o, key);
	return xstrdup(cJSON_IsString(v) ? v->valuestring : "");
}

static char *jstr_or_null(const cJSON *o, const char *key)
{
	const cJSON *v = jget(o, key);
	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static double jnum(const cJSON *o, const char *key, double def)
{
	const cJSON *v = jget(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

/* A number that must fit an int (and a range): anything else gives def. */
static int jint(const cJSON *o, const char *key, int def)
{
	double d = jnum(o, key, def);
	return d >= -2147483648.0 && d <= 2147483647.0 ? (int)d : def;
}

static uint32_t ju32(const cJSON *o, const char *key)
{
	double d = jnum(o, key, 0);
	return d >= 0 && d <= 4294967295.0 ? (uint32_t)d : 0;
}

static long long jll(const cJSON *o, const char *key)
{
	double d = jnum(o, key, 0);
	return d >= -9.2e18 && d <= 9.2e18 ? (long long)d : 0;
}

static bool jbool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(jget(o, key));
}

static uint64_t ju64(const cJSON *o, const char *key, int base)
{
	const cJSON *v = jget(o, key);
	if (cJSON_IsNumber(v))
		return v->valuedouble > 0 && v->valuedouble < 1.8e19 ? (uint64_t)v->valuedouble : 0;
	if (cJSON_IsString(v))
		return strtoull(v->valuestring, NULL, base);
	return 0;
}

static char *dup0(const char *s)
{
	return xstrdup(s ? s : "");
}

static char *dupn(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* ---- source ------------------------------------------------------------------------------- */

cJSON *record_source_json(const struct source *s, unsigned flags)
{
	cJSON *o = cJSON_CreateObject();
	if (flags & RECORD_SOURCE_GIVEN)
		cJSON_AddNumberToObject(o, "n", s->n);
	add_str(o, "path", s->path);
	add_str(o, "collection", s->collection);
	add_u64(o, "chunk", s->chunk);
	cJSON_AddNumberToObject(o, "line_start", s->line_start);
	cJSON_AddNumberToObject(o, "line_end", s->line_end);
	cJSON_AddNumberToObject(o, "page", s->page);
	add_str(o, "heading", s->heading);
	if (flags & RECORD_SOURCE_TEXT) {
		add_str(o, "snippet", s->snippet);
		add_str(o, "text", s->text);
	}
	add_hex64(o, "content_hash", s->content_hash);
	cJSON_AddNumberToObject(o, "score", s->score);
	cJSON_AddBoolToObject(o, "hidden_text_removed", s->hidden_text);
	if (flags & RECORD_SOURCE_GIVEN) {
		cJSON_AddBoolToObject(o, "cited", s->cited);
		cJSON_AddBoolToObject(o, "verified", s->verified);
		cJSON_AddBoolToObject(o, "auto_attached", s->auto_attached);
	}
	return o;
}

cJSON *record_sources_json(const struct source *v, size_t n, unsigned flags)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, record_source_json(&v[i], flags));
	return a;
}

void record_source_from(struct source *s, const cJSON *o)
{
	memset(s, 0, sizeof *s);
	s->n = jint(o, "n", 0);
	s->path = jstr(o, "path");
	s->collection = jstr(o, "collection");
	s->chunk = ju64(o, "chunk", 10);
	s->line_start = ju32(o, "line_start");
	s->line_end = ju32(o, "line_end");
	s->page = ju32(o, "page");
	s->heading = jstr(o, "heading");
	s->snippet = jstr(o, "snippet");
	s->text = jstr(o, "text");
	s->content_hash = ju64(o, "content_hash", 16);
	s->score = jnum(o, "score", 0);
	/* Version 1 sessions called it hidden_text. */
	s->hidden_text = jbool(o, "hidden_text_removed") || jbool(o, "hidden_text");
	s->cited = jbool(o, "cited");
	s->verified = jbool(o, "verified");
	s->auto_attached = jbool(o, "auto_attached");
}

void record_sources_from(const cJSON *arr, struct source **v, size_t *n)
{
	const cJSON *list = cJSON_IsArray(arr) ? arr : NULL, *e;
	int len = list ? cJSON_GetArraySize(list) : 0;
	*v = xcalloc(len ? (size_t)len : 1, sizeof **v);
	*n = 0;
	cJSON_ArrayForEach(e, list)
		if (cJSON_IsObject(e))
			record_source_from(&(*v)[(*n)++], e);
}

void record_source_copy(struct source *d, const struct source *s)
{
	*d = *s;
	d->path = dup0(s->path);
	d->collection = dup0(s->collection);
	d->heading = dup0(s->heading);
	d->snippet = dup0(s->snippet);
	d->text = dup0(s->text);
}

/* ---- provenance --------------------------------------------------------------------------- */

cJSON *record_provenance_json(const struct provenance *p)
{
	cJSON *o = cJSON_CreateObject();
	add_str(o, "time", p->time);
	add_str(o, "profile", p->profile);
	add_str(o, "provider", p->provider);
	add_str(o, "provider_kind", p->provider_kind);
	add_str(o, "model", p->model);
	add_str(o, "host", p->host);
	if (p->note && *p->note)
		add_str(o, "note", p->note);
	cJSON_AddNumberToObject(o, "temperature", p->temperature);
	cJSON_AddNumberToObject(o, "context_tokens", p->context_tokens);
	cJSON_AddNumberToObject(o, "max_tokens", p->max_tokens);
	add_str(o, "no_evidence", p->no_evidence);
	cJSON *rt = cJSON_AddObjectToObject(o, "retrieval");
	cJSON_AddBoolToObject(rt, "enabled", p->retrieval);
	add_str(rt, "mode", p->mode);
	cJSON_AddNumberToObject(rt, "top_k", p->top_k);
	add_str(rt, "collections", p->collections);
	cJSON_AddNumberToObject(rt, "w_lexical", p->w_lexical);
	cJSON_AddNumberToObject(rt, "w_vector", p->w_vector);
	cJSON_AddNumberToObject(rt, "per_file_cap", p->per_file_cap);
	cJSON_AddNumberToObject(rt, "min_score", p->min_score);
	cJSON_AddNumberToObject(rt, "retrieval_ms", p->retrieval_ms);
	add_str(rt, "search_query", p->search_query);
	add_str(rt, "rewrite", p->rewrite);
	add_str(rt, "expansion", p->expansion);
	add_str(rt, "rerank", p->rerank);
	cJSON_AddBoolToObject(rt, "context", p->search_context);
	cJSON *cv = cJSON_AddObjectToObject(o, "conversation");
	cJSON_AddNumberToObject(cv, "turns_sent", p->history_sent);
	cJSON_AddNumberToObject(cv, "turns_dropped", p->history_dropped);
	cJSON *ix = cJSON_AddObjectToObject(o, "index");
	add_u64(ix, "generation", p->index_generation);
	add_u64(ix, "files", p->index_files);
	add_u64(ix, "chunks", p->index_chunks);
	cJSON_AddNumberToObject(o, "prompt_tokens_estimate", p->prompt_tokens_estimate);
	cJSON *w = cJSON_AddObjectToObject(o, "window");
	cJSON_AddNumberToObject(w, "tokens", p->context_window);
	add_str(w, "from", p->window_source);
	add_str(w, "counting", p->token_count);
	add_str(w, "cut", p->cut);
	cJSON *ft = cJSON_AddObjectToObject(o, "fine_tune");
	add_str(ft, "kind", p->fine_tune);
	add_str(ft, "base_model", p->base_model);
	add_str(ft, "adapter", p->adapter);
	cJSON_AddNumberToObject(ft, "adapter_scale", p->adapter_scale);
	add_str(ft, "checkpoint", p->checkpoint);
	add_str(ft, "dataset_version", p->dataset_version);
	return o;
}

/* The static name of a policy, "" for none or one this version does not know. */
static const char *policy_of(const cJSON *o, const char *key)
{
	const cJSON *v = jget(o, key);
	for (int i = NO_EVIDENCE_DECLINE; cJSON_IsString(v) && i <= NO_EVIDENCE_LABEL; i++)
		if (!strcmp(v->valuestring, no_evidence_name(i)))
			return no_evidence_name(i);
	return "";
}

void record_provenance_from(struct provenance *p, const cJSON *o)
{
	memset(p, 0, sizeof *p);
	p->time = jstr(o, "time");
	p->profile = jstr(o, "profile");
	p->provider = jstr(o, "provider");
	p->provider_kind = jstr(o, "provider_kind");
	p->model = jstr(o, "model");
	p->host = jstr(o, "host");
	p->note = jstr(o, "note");
	p->temperature = jnum(o, "temperature", 0);
	p->context_tokens = jint(o, "context_tokens", 0);
	p->max_tokens = jint(o, "max_tokens", 0);
	p->no_evidence = policy_of(o, "no_evidence");
	/* Version 1 wrote the retrieval settings and the index counts flat, with retrieval a
	 * boolean; the same keys are read from the object, wherever it is. */
	const cJSON *rt = jget(o, "retrieval"), *ix = jget(o, "index");
	if (!cJSON_IsObject(rt)) {
		p->retrieval = cJSON_IsTrue(rt);
		rt = o;
	} else {
		p->retrieval = jbool(rt, "enabled");
	}
	p->mode = jstr(rt, "mode");
	p->top_k = jint(rt, "top_k", 0);
	p->collections = jstr(rt, "collections");
	p->w_lexical = jnum(rt, "w_lexical", 0);
	p->w_vector = jnum(rt, "w_vector", 0);
	p->per_file_cap = jint(rt, "per_file_cap", 0);
	p->min_score = jnum(rt, "min_score", 0);
	p->retrieval_ms = jnum(rt, "retrieval_ms", 0);
	p->search_query = jstr(rt, "search_query");
	p->rewrite = jstr(rt, "rewrite");
	p->expansion = jstr(rt, "expansion");
	p->rerank = jstr(rt, "rerank");
	p->search_context = jbool(rt, "context");
	const cJSON *cv = jget(o, "conversation");
	p->history_sent = jint(cv, "turns_sent", 0);
	p->history_dropped = jint(cv, "turns_dropped", 0);
	if (cJSON_IsObject(ix)) {
		p->index_generation = ju64(ix, "generation", 10);
		p->index_files = ju64(ix, "files", 10);
		p->index_chunks = ju64(ix, "chunks", 10);
	} else {
		p->index_generation = ju64(o, "index_generation", 10);
		p->index_files = ju64(o, "index_files", 10);
	}
	p->prompt_tokens_estimate = jint(o, "prompt_tokens_estimate", 0);
	const cJSON *w = jget(o, "window");
	p->context_window = jint(w, "tokens", 0);
	p->window_source = jstr(w, "from");
	p->token_count = jstr(w, "counting");
	p->cut = jstr(w, "cut");
	const cJSON *ft = jget(o, "fine_tune");
	p->fine_tune = jstr(ft, "kind");
	p->base_model = jstr(ft, "base_model");
	p->adapter = jstr(ft, "adapter");
	p->adapter_scale = jnum(ft, "adapter_scale", 0);
	p->checkpoint = jstr(ft, "checkpoint");
	p->dataset_version = jstr(ft, "dataset_version");
}

void record_provenance_copy(struct provenance *d, const struct provenance *s)
{
	*d = *s;
	d->time = dup0(s->time);
	d->profile = dup0(s->profile);
	d->provider = dup0(s->provider);
	d->provider_kind = dup0(s->provider_kind);
	d->model = dup0(s->model);
	d->host = dup0(s->host);
	d->note = dup0(s->note);
	d->mode = dup0(s->mode);
	d->collections = dup0(s->collections);
	d->search_query = dup0(s->search_query);
	d->rewrite = dup0(s->rewrite);
	d->expansion = dup0(s->expansion);
	d->rerank = dup0(s->rerank);
	d->window_source = dup0(s->window_source);
	d->token_count = dup0(s->token_count);
	d->cut = dup0(s->cut);
	d->fine_tune = dup0(s->fine_tune);
	d->base_model = dup0(s->base_model);
	d->adapter = dup0(s->adapter);
	d->checkpoint = dup0(s->checkpoint);
	d->dataset_version = dup0(s->dataset_version);
	if (!d->no_evidence)
		d->no_evidence = "";
}

static char *host_of(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *at = strchr(p, '@'); /* never keep user:password@ */
	const char *slash = strchr(p, '/');
	if (at && (!slash || at < slash))
		p = at + 1;
	return xstrndup(p, strcspn(p, "/?#"));
}

void record_provenance_fill(struct provenance *pv, const struct turn_request *req,
			    const struct cfg_provider *prov)
{
	const struct cfg_profile *pf = req->profile;
	char stamp[CLOCK_ISO_LEN];
	pv->time = xstrdup(clock_iso_utc(stamp, sizeof stamp));
	pv->profile = xstrdup(pf->name);
	pv->provider = xstrdup(prov->name);
	pv->provider_kind = xstrdup(provider_kind_name(prov->kind));
	pv->model = xstrdup(prov->kind == PROVIDER_BUILTIN ? "extractive" : pf->model);
	pv->host = prov->kind == PROVIDER_BUILTIN ? xstrdup("") : host_of(prov->base_url);
	pv->note = xstrdup(pf->notice ? pf->notice : "");
	pv->temperature = pf->temperature;
	pv->retrieval = pf->retrieval.enabled;
	pv->top_k = pf->retrieval.top_k;
	pv->mode = xstrdup(pf->retrieval.mode);
	struct buf c = {0};
	for (size_t i = 0; i < pf->retrieval.collections.n; i++)
		buf_addf(&c, "%s%s", i ? "," : "", pf->retrieval.collections.v[i]);
	pv->collections = buf_detach(&c);
	pv->w_lexical = pf->retrieval.w_lexical;
	pv->w_vector = pf->retrieval.w_vector;
	pv->min_score = pf->retrieval.min_score;
	pv->per_file_cap = pf->retrieval.per_file_cap;
	pv->context_tokens = pf->context_tokens;
	pv->max_tokens = pf->max_tokens;
	pv->no_evidence = no_evidence_name(pf->no_evidence);
	pv->search_query = xstrdup("");
	pv->rewrite = xstrdup("");
	pv->expansion = xstrdup("");
	pv->rerank = xstrdup("");
	if (req->ix) {
		struct idx_stats st;
		if (idx_stats(req->ix, &st) == 0) {
			pv->index_generation = st.generation;
			pv->index_files = st.files;
			pv->index_chunks = st.chunks;
		}
	}
}

void record_provenance_clear(struct provenance *p)
{
	free(p->time);
	free(p->profile);
	free(p->provider);
	free(p->provider_kind);
	free(p->model);
	free(p->host);
	free(p->note);
	free(p->mode);
	free(p->collections);
	free(p->search_query);
	free(p->rewrite);
	free(p->expansion);
	free(p->rerank);
	free(p->window_source);
	free(p->token_count);
	free(p->cut);
	free(p->fine_tune);
	free(p->base_model);
	free(p->adapter);
	free(p->checkpoint);
	free(p->dataset_version);
	memset(p, 0, sizeof *p); /* no_evidence is static */
}

/* ---- verification ------------------------------------------------------------------------- */

cJSON *record_verify_json(const struct turn_result *r, const char *answer, size_t len)
{
	cJSON *o = cJSON_CreateObject();
	const struct verify_result *v = r ? r->verify : NULL;
	if (!v) {
		cJSON_AddNullToObject(o, "grounding");
		cJSON_AddArrayToObject(o, "sentences");
		return o;
	}
	cJSON_AddNumberToObject(o, "grounding", v->grounding);
	cJSON_AddNumberToObject(o, "supported", v->supported);
	cJSON_AddNumberToObject(o, "checked", (double)v->n);
	cJSON_AddNumberToObject(o, "markers", v->markers);
	cJSON_AddNumberToObject(o, "invalid", v->invalid);
	cJSON_AddBoolToObject(o, "auto_attached", v->attached);
	cJSON_AddNumberToObject(o, "threshold", VERIFY_THRESHOLD);
	cJSON *arr = cJSON_AddArrayToObject(o, "sentences");
	for (size_t i = 0; i < v->n; i++) {
		const struct verify_sentence *s = &v->v[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "start", (double)s->start);
		cJSON_AddNumberToObject(e, "end", (double)(s->start + s->len));
		if (answer && s->start + s->len <= len) {
			char *text = xstrndup(answer + s->start, s->len);
			cJSON_AddStringToObject(e, "text", text);
			free(text);
		}
		cJSON_AddStringToObject(e, "status", verify_status_name(s->status));
		if (s->status == VERIFY_UNCITED && r->label_uncited)
			cJSON_AddStringToObject(e, "label", "model knowledge");
		cJSON_AddNumberToObject(e, "score", s->score);
		cJSON *ids = cJSON_AddArrayToObject(e, "sources");
		cJSON *holds = cJSON_AddArrayToObject(e, "holds");
		for (int k = 0; k < s->nsources; k++) {
			cJSON_AddItemToArray(ids, cJSON_CreateNumber(s->sources[k]));
			cJSON_AddItemToArray(holds, cJSON_CreateBool(s->holds[k]));
		}
		cJSON_AddItemToArray(arr, e);
	}
	return o;
}

static int status_of(const char *name)
{
	for (int st = VERIFY_SUPPORTED; st <= VERIFY_ATTACHED; st++)
		if (!strcmp(name, verify_status_name(st)))
			return st;
	return -1;
}

/* One sentence; false when it is not one this reader can trust (unknown status, a range
 * outside the answer). */
static bool sentence_from(struct verify_sentence *s, const cJSON *e, size_t answer_len)
{
	memset(s, 0, sizeof *s);
	const cJSON *status = jget(e, "status");
	double start = jnum(e, "start", -1), end = jnum(e, "end", -1);
	if (!cJSON_IsString(status) || (s->status = status_of(status->valuestring)) < 0)
		return false;
	if (start < 0 || end < start || end > (double)answer_len)
		return false;
	s->start = (size_t)start;
	s->len = (size_t)end - s->start;
	s->score = jnum(e, "score", 0);
	const cJSON *ids = jget(e, "sources"), *holds = jget(e, "holds"), *id;
	if (!cJSON_IsArray(ids))
		ids = NULL;
	if (!cJSON_IsArray(holds))
		holds = NULL;
	int at = 0;
	cJSON_ArrayForEach(id, ids) {
		bool holds_it = cJSON_IsTrue(cJSON_GetArrayItem(holds, at++));
		if (s->nsources == CITE_MAX_IDS)
			break;
		if (!cJSON_IsNumber(id) || id->valuedouble < -2147483648.0 || id->valuedouble > 2147483647.0)
			continue;
		s->holds[s->nsources] = holds_it;
		s->sources[s->nsources++] = (int)id->valuedouble;
	}
	return true;
}

struct verify_result *record_verify_from(const cJSON *o, size_t answer_len)
{
	const cJSON *g = jget(o, "grounding"), *arr = jget(o, "sentences"), *e;
	if (!cJSON_IsNumber(g) || !cJSON_IsArray(arr))
		return NULL;
	struct verify_result *v = xcalloc(1, sizeof *v);
	int len = cJSON_GetArraySize(arr);
	v->v = xcalloc(len ? (size_t)len : 1, sizeof *v->v);
	cJSON_ArrayForEach(e, arr)
		if (sentence_from(&v->v[v->n], e, answer_len))
			v->n++;
	v->supported = jint(o, "supported", 0);
	v->markers = jint(o, "markers", 0);
	v->invalid = jint(o, "invalid", 0);
	v->attached = jbool(o, "auto_attached");
	v->grounding = g->valuedouble;
	return v;
}

struct verify_result *record_verify_copy(const struct verify_result *v)
{
	if (!v)
		return NULL;
	struct verify_result *d = xmalloc(sizeof *d);
	*d = *v;
	d->v = xcalloc(v->n ? v->n : 1, sizeof *d->v);
	if (v->n)
		memcpy(d->v, v->v, v->n * sizeof *d->v);
	return d;
}

/* ---- result ------------------------------------------------------------------------------- */

/* usage {prompt_tokens, completion_tokens} and timings {first_token_ms, total_ms} into o;
 * returns timings. */
static cJSON *usage_timings(cJSON *o, const struct turn_result *r)
{
	cJSON *u = cJSON_AddObjectToObject(o, "usage");
	cJSON_AddNumberToObject(u, "prompt_tokens", (double)r->prompt_tokens);
	cJSON_AddNumberToObject(u, "completion_tokens", (double)r->completion_tokens);
	cJSON *tm = cJSON_AddObjectToObject(o, "timings");
	cJSON_AddNumberToObject(tm, "first_token_ms", r->first_token_ms);
	cJSON_AddNumberToObject(tm, "total_ms", r->total_ms);
	return tm;
}

/* cost {priced, micros, cents}: micro-units of the config's currency; cents is null when the
 * model has no price (micros is then 0). */
static void add_cost(cJSON *o, const struct turn_result *r)
{
	cJSON *c = cJSON_AddObjectToObject(o, "cost");
	cJSON_AddBoolToObject(c, "priced", r->priced);
	add_u64(c, "micros", r->cost_micros > 0 ? (uint64_t)r->cost_micros : 0);
	char cents[32];
	if (r->priced)
		cJSON_AddStringToObject(c, "cents", cost_cents(r->cost_micros, cents, sizeof cents));
	else
		cJSON_AddNullToObject(c, "cents");
}

/* The result's fields, added to o (a result record, or the whole answer record). */
static void result_fields(cJSON *o, const struct turn_result *r, const char *answer, size_t len)
{
	add_str(o, "outcome", r->outcome_name);
	cJSON_AddNumberToObject(o, "outcome_code", r->outcome);
	add_str_or_null(o, "finish_reason", r->finish_reason);
	if (r->message)
		cJSON_AddStringToObject(o, "message", r->message);
	usage_timings(o, r);
	add_cost(o, r);
	cJSON_AddBoolToObject(o, "extractive", r->extractive);
	cJSON_AddBoolToObject(o, "not_grounded", r->not_grounded);
	cJSON_AddBoolToObject(o, "label_uncited", r->label_uncited);
	if (r->grounding >= 0)
		cJSON_AddNumberToObject(o, "grounding", r->grounding);
	else
		cJSON_AddNullToObject(o, "grounding");
	cJSON_AddNumberToObject(o, "sentences", r->sentences);
	add_str_or_null(o, "checked_by", r->checked_by);
	if (r->quoted_passages) {
		cJSON_AddNumberToObject(o, "quoted_passages", r->quoted_passages);
		cJSON_AddNumberToObject(o, "relevance", r->relevance);
	}
	cJSON_AddNumberToObject(o, "sentences_supported", r->sentences_supported);
	cJSON_AddNumberToObject(o, "citations_invalid", r->citations_invalid);
	if (r->refit_window || r->refit_sources) {
		cJSON *rf = cJSON_AddObjectToObject(o, "refit");
		cJSON_AddNumberToObject(rf, "window", r->refit_window);
		cJSON_AddNumberToObject(rf, "sources", r->refit_sources);
	}
	cJSON_AddItemToObject(o, "verification", record_verify_json(r, answer, len));
}

cJSON *record_result_json(const struct turn_result *r, const char *answer, size_t len)
{
	cJSON *o = cJSON_CreateObject();
	result_fields(o, r, answer, len);
	return o;
}

cJSON *record_answer_json(const char *answer, size_t len, const struct turn_result *r,
			  const struct provenance *p, const struct cite_map *m)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", RECORD_JSON_VERSION);
	cJSON_AddStringToObject(o, "answer", answer);
	result_fields(o, r, answer, len);
	cJSON_AddNumberToObject(cJSON_GetObjectItemCaseSensitive(o, "timings"), "retrieval_ms", p->retrieval_ms);
	cJSON_AddItemToObject(o, "citations", record_sources_json(m->v, m->n, RECORD_SOURCE_GIVEN));
	add_str(o, "profile", p->profile);
	add_str(o, "provider", p->provider);
	add_str(o, "model", p->model);
	cJSON_AddBoolToObject(o, "retrieval", p->retrieval);
	cJSON_AddBoolToObject(o, "grounded", !r->not_grounded && m->n > 0);

	cJSON *pv = record_provenance_json(p);
	cJSON_AddItemToObject(pv, "sources", record_sources_json(m->v, m->n, RECORD_SOURCE_GIVEN));
	cJSON_AddItemToObject(pv, "dropped_for_budget", record_sources_json(m->dropped, m->ndropped, 0));
	cJSON_AddNumberToObject(usage_timings(pv, r), "retrieval_ms", p->retrieval_ms);
	cJSON_AddItemToObject(o, "provenance", pv);
	return o;
}

void record_result_from(struct turn_result *r, const cJSON *o, size_t answer_len)
{
	memset(r, 0, sizeof *r);
	r->outcome_name = jstr(o, "outcome");
	if (!*r->outcome_name) {
		free(r->outcome_name);
		r->outcome_name = xstrdup("unknown");
	}
	r->outcome = jint(o, "outcome_code", 0);
	r->finish_reason = jstr_or_null(o, "finish_reason");
	r->message = jstr_or_null(o, "message");
	const cJSON *u = jget(o, "usage");
	r->prompt_tokens = jll(u, "prompt_tokens");
	r->completion_tokens = jll(u, "completion_tokens");
	const cJSON *tm = jget(o, "timings");
	r->first_token_ms = jnum(tm, "first_token_ms", 0);
	r->total_ms = jnum(tm, "total_ms", 0);
	const cJSON *c = jget(o, "cost");
	r->priced = jbool(c, "priced");
	uint64_t micros = ju64(c, "micros", 10);
	r->cost_micros = micros <= INT64_MAX ? (int64_t)micros : INT64_MAX;
	r->extractive = jbool(o, "extractive");
	r->not_grounded = jbool(o, "not_grounded");
	r->label_uncited = jbool(o, "label_uncited");
	r->quoted_passages = jint(o, "quoted_passages", 0);
	const cJSON *ck = jget(o, "checked_by");
	r->checked_by = cJSON_IsString(ck) ? xstrdup(ck->valuestring) : NULL;
	r->relevance = jnum(o, "relevance", 0);
	/* Version 1: "grounding": {share, sentences, supported, citations_invalid}. */
	const cJSON *g = jget(o, "grounding");
	if (cJSON_IsObject(g)) {
		r->grounding = jnum(g, "share", -1);
		r->sentences = jint(g, "sentences", 0);
		r->sentences_supported = jint(g, "supported", 0);
		r->citations_invalid = jint(g, "citations_invalid", 0);
	} else {
		r->grounding = cJSON_IsNumber(g) ? g->valuedouble : -1;
		r->sentences = jint(o, "sentences", 0);
		r->sentences_supported = jint(o, "sentences_supported", 0);
		r->citations_invalid = jint(o, "citations_invalid", 0);
	}
	const cJSON *rf = jget(o, "refit");
	r->refit_window = jint(rf, "window", 0);
	r->refit_sources = jint(rf, "sources", 0);
	r->verify = record_verify_from(jget(o, "verification"), answer_len);
}

void record_result_copy(struct turn_result *d, const struct turn_result *s)
{
	*d = *s;
	d->outcome_name = dup0(s->outcome_name);
	d->finish_reason = dupn(s->finish_reason);
	d->message = dupn(s->message);
	d->checked_by = dupn(s->checked_by);
	d->verify = record_verify_copy(s->verify);
}

void record_result_clear(struct turn_result *r)
{
	verify_free(r->verify);
	free(r->outcome_name);
	free(r->finish_reason);
	free(r->message);
	free(r->checked_by);
	memset(r, 0, sizeof *r);
}

void record_figure(struct buf *b, const struct turn_result *r)
{
	if (r->extractive && r->quoted_passages)
		buf_addf(b, " · quoted from %d passage%s · relevance %.0f%%", r->quoted_passages,
			 r->quoted_passages == 1 ? "" : "s", 100 * r->relevance);
	else if (r->grounding >= 0)
		buf_addf(b, " · grounding %.0f%%%s", 100 * r->grounding, r->checked_by ? " (checker model)" : "");
}
