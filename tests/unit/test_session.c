/* test_session.c - sessions and the records they share with `ask --json` (core/answer/record.h):
 * every field of every record survives write and read, copy, and save and load (the
 * citation map and the verification too), and the field lists cover the structs; turns of
 * version 1 still read; saves are atomic, corrupt files are reported and left alone,
 * unknown keys are tolerated and kept, ids resolve by prefix, and the Markdown and JSON
 * exports match their goldens (tests/data/sessions; FN_UPDATE_GOLDEN=1 rewrites the
 * Markdown golden of the version 1 file and both goldens of the verified session). */
#include "fn_test.h"

#include <cjson/cJSON.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "core/answer/record.h"
#include "core/session/session.h"

static const char golden_id[] = "20261121-142501-ab12";

static struct session *load_golden(void);

static char *tmpdir(void)
{
	const char *base = getenv("FN_TMP");
	char *t = xasprintf("%s/sessXXXXXX", base ? base : "/tmp");
	if (!mkdtemp(t))
		fail_msg("mkdtemp %s", t);
	return t;
}

static char *data_path(const char *name)
{
	const char *root = getenv("FN_ROOT");
	return xasprintf("%s/tests/data/sessions/%s", root ? root : ".", name);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static struct source src(int n, const char *path, uint64_t chunk, uint64_t hash)
{
	struct source s = {0};
	s.n = n;
	s.path = (char *)path;
	s.collection = (char *)"notes";
	s.chunk = chunk;
	s.line_start = 3;
	s.line_end = 9;
	s.page = (uint32_t)n * 2;
	s.heading = (char *)"Intro > \"Setup\"";
	s.snippet = (char *)"snippet\twith tab";
	s.text = (char *)"The passage\nshown to the model \xe2\x80\x94 [1].";
	s.content_hash = hash;
	s.score = 0.125 * n;
	s.hidden_text = n == 1;
	s.cited = n == 1;
	s.verified = n == 2;
	s.auto_attached = n == 2;
	return s;
}

static const struct provenance prov = {
	.time = (char *)"2026-11-21T13:25:10Z", .profile = (char *)"rag", .provider = (char *)"local",
	.provider_kind = (char *)"openai", .model = (char *)"llama3.1", .host = (char *)"127.0.0.1:8080",
	.note = (char *)"a base model stood in", .temperature = 0.25, .retrieval = true, .top_k = 8, .mode = (char *)"hybrid",
	.collections = (char *)"notes,work", .w_lexical = 1, .w_vector = 0.75, .min_score = 0.5,
	.per_file_cap = 3, .context_tokens = 4096, .max_tokens = 512, .no_evidence = "answer",
	.index_generation = 42, .index_files = 7, .index_chunks = 99, .retrieval_ms = 1.5,
	.prompt_tokens_estimate = 790, .context_window = 2048, .window_source = (char *)"GET /props n_ctx",
	.token_count = (char *)"server /tokenize", .cut = (char *)"2 of 6 sources dropped to fit 2048 tokens",
};

static const struct turn_result done = {.outcome = TURN_COMPLETED, .outcome_name = (char *)"completed",
					.grounding = -1};

/* A session with one finished turn (two sources, one dropped) and one unfinished turn. */
static struct session *sample(void)
{
	struct source given[2] = {src(1, "/n/a.md", 7, 0xfedcba9876543210ull),
				  src(2, "/n/b.pdf", (1ull << 60) + 3, 1)};
	struct source dropped[1] = {src(0, "/n/c.md", 11, 0xffffffffffffffffull)};
	struct cite_map map = {given, 2, dropped, 1};
	struct turn_result r = {
		.outcome = TURN_COMPLETED, .outcome_name = (char *)"completed", .finish_reason = (char *)"stop",
		.message = NULL, .prompt_tokens = 812, .completion_tokens = 40, .first_token_ms = 120.5,
		.total_ms = 812.25, .extractive = false, .not_grounded = true, .grounding = 0.75, .sentences = 4,
		.sentences_supported = 3, .citations_invalid = 1,
	};
	struct session *s = session_new("  What is\n\tin [1]?  ");
	session_add(s, "What is\nin [1]?", &prov, &map, "It is here [1][2].", "thinking…", &r);
	session_add(s, "second?", &prov, &(struct cite_map){0}, NULL, NULL, NULL);
	return s;
}

/* ---- every field of every record, through the codec ---------------------------------------
 * Each struct an answer records is listed here field by field. Every listed field gets a
 * value no other field has; the record is written, printed, parsed, read and compared, and
 * copied and compared. With __builtin_clear_padding the lists are checked to cover every
 * byte of their struct that is not padding, so a field added to a struct fails here until
 * it is listed, and then until core/answer/record.c writes, reads and copies it. */

enum ftype { F_STR, F_POLICY, F_BOOL, F_INT, F_LL, F_SIZE, F_U32, F_U64, F_DBL, F_INTS, F_BOOLS, F_PTR };

struct field {
	const char *name;
	size_t off, size;
	enum ftype t;
};

#define FIELD(type, m, t) {#m, offsetof(type, m), sizeof(((type *)0)->m), t}
#define NFIELDS(v) (sizeof v / sizeof *v)

static const struct field prov_fields[] = {
	FIELD(struct provenance, time, F_STR),
	FIELD(struct provenance, profile, F_STR),
	FIELD(struct provenance, provider, F_STR),
	FIELD(struct provenance, provider_kind, F_STR),
	FIELD(struct provenance, model, F_STR),
	FIELD(struct provenance, host, F_STR),
	FIELD(struct provenance, note, F_STR),
	FIELD(struct provenance, temperature, F_DBL),
	FIELD(struct provenance, retrieval, F_BOOL),
	FIELD(struct provenance, top_k, F_INT),
	FIELD(struct provenance, mode, F_STR),
	FIELD(struct provenance, collections, F_STR),
	FIELD(struct provenance, w_lexical, F_DBL),
	FIELD(struct provenance, w_vector, F_DBL),
	FIELD(struct provenance, min_score, F_DBL),
	FIELD(struct provenance, per_file_cap, F_INT),
	FIELD(struct provenance, context_tokens, F_INT),
	FIELD(struct provenance, max_tokens, F_INT),
	FIELD(struct provenance, no_evidence, F_POLICY),
	FIELD(struct provenance, index_generation, F_U64),
	FIELD(struct provenance, index_files, F_U64),
	FIELD(struct provenance, index_chunks, F_U64),
	FIELD(struct provenance, retrieval_ms, F_DBL),
	FIELD(struct provenance, prompt_tokens_estimate, F_INT),
	FIELD(struct provenance, history_sent, F_INT),
	FIELD(struct provenance, history_dropped, F_INT),
	FIELD(struct provenance, search_query, F_STR),
	FIELD(struct provenance, rewrite, F_STR),
	FIELD(struct provenance, expansion, F_STR),
	FIELD(struct provenance, rerank, F_STR),
	FIELD(struct provenance, search_context, F_BOOL),
	FIELD(struct provenance, context_window, F_INT),
	FIELD(struct provenance, window_source, F_STR),
	FIELD(struct provenance, token_count, F_STR),
	FIELD(struct provenance, cut, F_STR),
	FIELD(struct provenance, fine_tune, F_STR),
	FIELD(struct provenance, base_model, F_STR),
	FIELD(struct provenance, adapter, F_STR),
	FIELD(struct provenance, adapter_scale, F_DBL),
	FIELD(struct provenance, checkpoint, F_STR),
	FIELD(struct provenance, dataset_version, F_STR),
};

static const struct field source_fields[] = {
	FIELD(struct source, n, F_INT),
	FIELD(struct source, path, F_STR),
	FIELD(struct source, collection, F_STR),
	FIELD(struct source, chunk, F_U64),
	FIELD(struct source, line_start, F_U32),
	FIELD(struct source, line_end, F_U32),
	FIELD(struct source, page, F_U32),
	FIELD(struct source, heading, F_STR),
	FIELD(struct source, snippet, F_STR),
	FIELD(struct source, text, F_STR),
	FIELD(struct source, content_hash, F_U64),
	FIELD(struct source, score, F_DBL),
	FIELD(struct source, hidden_text, F_BOOL),
	FIELD(struct source, cited, F_BOOL),
	FIELD(struct source, verified, F_BOOL),
	FIELD(struct source, auto_attached, F_BOOL),
};

static const struct field result_fields[] = {
	FIELD(struct turn_result, outcome, F_INT),
	FIELD(struct turn_result, outcome_name, F_STR),
	FIELD(struct turn_result, finish_reason, F_STR),
	FIELD(struct turn_result, message, F_STR),
	FIELD(struct turn_result, prompt_tokens, F_LL),
	FIELD(struct turn_result, completion_tokens, F_LL),
	FIELD(struct turn_result, first_token_ms, F_DBL),
	FIELD(struct turn_result, total_ms, F_DBL),
	FIELD(struct turn_result, extractive, F_BOOL),
	FIELD(struct turn_result, not_grounded, F_BOOL),
	FIELD(struct turn_result, label_uncited, F_BOOL),
	FIELD(struct turn_result, grounding, F_DBL),
	FIELD(struct turn_result, sentences, F_INT),
	FIELD(struct turn_result, sentences_supported, F_INT),
	FIELD(struct turn_result, citations_invalid, F_INT),
	FIELD(struct turn_result, refit_window, F_INT),
	FIELD(struct turn_result, refit_sources, F_INT),
	FIELD(struct turn_result, cost_micros, F_LL),
	FIELD(struct turn_result, priced, F_BOOL),
	FIELD(struct turn_result, quoted_passages, F_INT),
	FIELD(struct turn_result, relevance, F_DBL),
	FIELD(struct turn_result, checked_by, F_STR),
	FIELD(struct turn_result, verify, F_PTR), /* compared below */
};

static const struct field verify_fields[] = {
	FIELD(struct verify_result, v, F_PTR), /* compared below */
	FIELD(struct verify_result, n, F_SIZE),
	FIELD(struct verify_result, supported, F_INT),
	FIELD(struct verify_result, markers, F_INT),
	FIELD(struct verify_result, invalid, F_INT),
	FIELD(struct verify_result, attached, F_BOOL),
	FIELD(struct verify_result, grounding, F_DBL),
};

static const struct field sentence_fields[] = {
	FIELD(struct verify_sentence, start, F_SIZE),
	FIELD(struct verify_sentence, len, F_SIZE),
	FIELD(struct verify_sentence, status, F_INT),
	FIELD(struct verify_sentence, nsources, F_INT),
	FIELD(struct verify_sentence, sources, F_INTS),
	FIELD(struct verify_sentence, holds, F_BOOLS),
	FIELD(struct verify_sentence, score, F_DBL),
};

/* Every field a value of its own; variant 1 flips the booleans and changes the rest. */
static void fill(void *p, const struct field *f, size_t n, int variant)
{
	for (size_t i = 0; i < n; i++) {
		char *at = (char *)p + f[i].off;
		int k = (int)i + 100 * variant;
		switch (f[i].t) {
		case F_STR: *(char **)at = xasprintf("%s \"%d\" \xc3\xa9\n", f[i].name, k); break;
		case F_POLICY: *(const char **)at = variant ? "answer" : "label"; break;
		case F_BOOL: *(bool *)at = (i + (size_t)variant) % 2; break;
		case F_INT: *(int *)at = 1000 + 7 * k; break;
		case F_LL: *(long long *)at = (1ll << 40) + k; break;
		case F_SIZE: *(size_t *)at = 3 + (size_t)k; break;
		case F_U32: *(uint32_t *)at = 3000000000u + (uint32_t)k; break;
		case F_U64: *(uint64_t *)at = variant ? (1ull << 60) + (uint64_t)k : 1000 + (uint64_t)k; break;
		case F_DBL: *(double *)at = k + 0.5 + variant * 0.125; break;
		case F_INTS:
			for (int j = 0; j < CITE_MAX_IDS; j++)
				((int *)at)[j] = 1 + j + k;
			break;
		case F_BOOLS:
			for (int j = 0; j < CITE_MAX_IDS; j++)
				((bool *)at)[j] = (j + variant) % 2;
			break;
		case F_PTR: break;
		}
	}
}

static void free_strings(void *p, const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].t == F_STR)
			free(*(char **)((char *)p + f[i].off));
}

static void compare(const char *what, const void *a, const void *b, const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *x = (const char *)a + f[i].off, *y = (const char *)b + f[i].off;
		bool same;
		if (f[i].t == F_STR || f[i].t == F_POLICY) {
			const char *sx = *(char *const *)x, *sy = *(char *const *)y;
			same = sx && sy ? !strcmp(sx, sy) : sx == sy;
		}
		else if (f[i].t == F_PTR)
			same = true;
		else
			same = !memcmp(x, y, f[i].size);
		if (!same)
			fail_msg("%s.%s did not survive", what, f[i].name);
	}
}

/* Fails when a byte of the struct that is not padding is in no listed field. */
static void check_covers(const char *what, const unsigned char *map, size_t size, const struct field *f, size_t n)
{
	unsigned char left[512];
	assert_true(size <= sizeof left);
	memcpy(left, map, size);
	for (size_t i = 0; i < n; i++)
		memset(left + f[i].off, 0, f[i].size);
	for (size_t i = 0; i < size; i++)
		if (left[i])
			fail_msg("struct %s: byte %zu belongs to no field the test lists: a new field? Write, read, "
				 "copy and clear it in core/answer/record.c, and list it here", what, i);
}

#if defined(__has_builtin)
#if __has_builtin(__builtin_clear_padding)
#define HAVE_CLEAR_PADDING 1
#endif
#endif

/* The bytes of a struct that are not padding, as 0xff. */
#define NOT_PADDING(type, map)                                   \
	do {                                                     \
		type tmp_;                                       \
		memset(&tmp_, 0xff, sizeof tmp_);                \
		__builtin_clear_padding(&tmp_);                  \
		memcpy(map, &tmp_, sizeof tmp_);                 \
	} while (0)

static void assert_source_eq(const struct source *a, const struct source *b)
{
	compare("source", a, b, source_fields, NFIELDS(source_fields));
}

static void assert_prov_eq(const struct provenance *a, const struct provenance *b)
{
	compare("provenance", a, b, prov_fields, NFIELDS(prov_fields));
}

static void assert_result_eq(const struct turn_result *a, const struct turn_result *b)
{
	compare("turn_result", a, b, result_fields, NFIELDS(result_fields));
}

static void test_round_trip_every_field(void **state)
{
	(void)state;
	char *dir = tmpdir();
	struct session *s = sample();
	char *err = NULL;
	assert_int_equal(session_save(s, dir, &err), 0);
	char *path = session_path(dir, s->id);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	struct session *l;
	assert_int_equal(session_load(path, &l, &err), 0);
	assert_string_equal(l->id, s->id);
	assert_string_equal(l->title, "What is in [1]?");
	assert_string_equal(l->created, s->created);
	assert_string_equal(l->updated, s->updated);
	assert_int_equal(l->nturns, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct session_turn *a = &s->turns[i], *b = &l->turns[i];
		assert_string_equal(a->question, b->question);
		assert_string_equal(a->answer, b->answer);
		assert_string_equal(a->reasoning, b->reasoning);
		assert_int_equal(a->finished, b->finished);
		assert_int_equal(b->version, SESSION_TURN_VERSION);
		assert_result_eq(&a->result, &b->result);
		assert_prov_eq(&a->prov, &b->prov);
		assert_int_equal(a->map.n, b->map.n);
		assert_int_equal(a->map.ndropped, b->map.ndropped);
		for (size_t k = 0; k < a->map.n; k++)
			assert_source_eq(&a->map.v[k], &b->map.v[k]);
		for (size_t k = 0; k < a->map.ndropped; k++)
			assert_source_eq(&a->map.dropped[k], &b->map.dropped[k]);
	}
	/* The map answers the same questions after loading. */
	assert_string_equal(cite_map_get(&l->turns[0].map, 2)->path, "/n/b.pdf");
	assert_null(cite_map_get(&l->turns[0].map, 3));
	/* The second turn was saved when asked: unfinished, and says so. */
	assert_false(l->turns[1].finished);
	assert_string_equal(l->turns[1].result.outcome_name, "unfinished");
	assert_non_null(strstr(l->turns[1].result.message, "stopped"));
	/* No key anywhere: provenance has only the host. */
	char *text = fn_slurp(path, NULL);
	assert_null(strstr(text, "key"));
	assert_null(strstr(text, "Bearer"));
	free(text);

	/* Finishing it later and saving again keeps turn one as it was. */
	struct turn_result r2 = {.outcome = TURN_CANCELLED, .outcome_name = (char *)"cancelled", .grounding = -1};
	session_finish(l, 1, "partial", "", &r2);
	assert_int_equal(session_save(l, dir, &err), 0);
	struct session *l2;
	assert_int_equal(session_load(path, &l2, &err), 0);
	assert_true(l2->turns[1].finished);
	assert_string_equal(l2->turns[1].answer, "partial");
	assert_string_equal(l2->turns[1].result.outcome_name, "cancelled");
	assert_true(l2->turns[1].result.grounding < 0);
	assert_source_eq(&l2->turns[0].map.v[1], &s->turns[0].map.v[1]);

	session_free(l2);
	session_free(l);
	session_free(s);
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

static void test_field_lists_cover_the_structs(void **state)
{
	(void)state;
#ifdef HAVE_CLEAR_PADDING
	unsigned char map[512];
	NOT_PADDING(struct provenance, map);
	check_covers("provenance", map, sizeof(struct provenance), prov_fields, NFIELDS(prov_fields));
	NOT_PADDING(struct source, map);
	check_covers("source", map, sizeof(struct source), source_fields, NFIELDS(source_fields));
	NOT_PADDING(struct turn_result, map);
	check_covers("turn_result", map, sizeof(struct turn_result), result_fields, NFIELDS(result_fields));
	NOT_PADDING(struct verify_result, map);
	check_covers("verify_result", map, sizeof(struct verify_result), verify_fields, NFIELDS(verify_fields));
	NOT_PADDING(struct verify_sentence, map);
	check_covers("verify_sentence", map, sizeof(struct verify_sentence), sentence_fields,
		     NFIELDS(sentence_fields));
#else
	skip(); /* the compiler cannot tell padding from fields */
#endif
}

/* o printed and parsed again: what a file holds. Caller cJSON_Deletes. */
static cJSON *through_text(cJSON *o)
{
	char *text = cJSON_Print(o);
	cJSON *back = cJSON_Parse(text);
	assert_non_null(back);
	free(text);
	cJSON_Delete(o);
	return back;
}

enum { NSENT = 3, ANSWER_LEN = 600 };

/* A result with every field set and a verification of NSENT sentences inside an answer of
 * ANSWER_LEN bytes. Free with record_result_clear. */
static void full_result(struct turn_result *r, int variant)
{
	memset(r, 0, sizeof *r);
	fill(r, result_fields, NFIELDS(result_fields), variant);
	struct verify_result *v = xcalloc(1, sizeof *v);
	fill(v, verify_fields, NFIELDS(verify_fields), variant);
	v->n = NSENT;
	v->v = xcalloc(NSENT, sizeof *v->v);
	for (int k = 0; k < NSENT; k++) {
		struct verify_sentence *vs = &v->v[k];
		fill(vs, sentence_fields, NFIELDS(sentence_fields), variant + k);
		vs->start = (size_t)(150 * k + variant);
		vs->len = (size_t)(40 + k);
		vs->status = (k + variant) % (VERIFY_ATTACHED + 1);
		vs->nsources = CITE_MAX_IDS;
	}
	r->verify = v;
}

static void compare_results(const struct turn_result *a, const struct turn_result *b)
{
	compare("turn_result", a, b, result_fields, NFIELDS(result_fields));
	assert_non_null(b->verify);
	compare("verify_result", a->verify, b->verify, verify_fields, NFIELDS(verify_fields));
	for (size_t k = 0; k < a->verify->n; k++)
		compare("verify_sentence", &a->verify->v[k], &b->verify->v[k], sentence_fields,
			NFIELDS(sentence_fields));
}

static void test_every_field_round_trips(void **state)
{
	(void)state;
	char answer[ANSWER_LEN + 1];
	memset(answer, 'a', ANSWER_LEN);
	answer[ANSWER_LEN] = '\0';
	for (int variant = 0; variant < 2; variant++) {
		struct provenance p = {0}, p2, p3;
		fill(&p, prov_fields, NFIELDS(prov_fields), variant);
		cJSON *o = through_text(record_provenance_json(&p));
		record_provenance_from(&p2, o);
		cJSON_Delete(o);
		compare("provenance", &p, &p2, prov_fields, NFIELDS(prov_fields));
		record_provenance_copy(&p3, &p);
		compare("provenance (copy)", &p, &p3, prov_fields, NFIELDS(prov_fields));

		struct source s = {0}, s2, s3;
		fill(&s, source_fields, NFIELDS(source_fields), variant);
		o = through_text(record_source_json(&s, RECORD_SOURCE_GIVEN | RECORD_SOURCE_TEXT));
		record_source_from(&s2, o);
		cJSON_Delete(o);
		compare("source", &s, &s2, source_fields, NFIELDS(source_fields));
		record_source_copy(&s3, &s);
		compare("source (copy)", &s, &s3, source_fields, NFIELDS(source_fields));

		struct turn_result r, r2, r3;
		full_result(&r, variant);
		o = through_text(record_result_json(&r, answer, ANSWER_LEN));
		record_result_from(&r2, o, ANSWER_LEN);
		cJSON_Delete(o);
		compare_results(&r, &r2);
		record_result_copy(&r3, &r);
		compare_results(&r, &r3);
		assert_ptr_not_equal(r3.verify, r.verify);

		/* The same through a session file, with the map. */
		struct cite_map map = {&s, 1, &s2, 1};
		map.dropped[0].n = 0;
		map.dropped[0].cited = map.dropped[0].verified = map.dropped[0].auto_attached = false;
		struct session *ss = session_new("q");
		session_add(ss, "q", &p, &map, answer, "", &r);
		char *json = session_to_json(ss), *err = NULL;
		struct session *l;
		assert_int_equal(session_from_json(json, strlen(json), NULL, &l, &err), 0);
		const struct session_turn *t = &l->turns[0];
		compare("session provenance", &p, &t->prov, prov_fields, NFIELDS(prov_fields));
		compare_results(&r, &t->result);
		compare("session source", &s, &t->map.v[0], source_fields, NFIELDS(source_fields));
		compare("session dropped source", &map.dropped[0], &t->map.dropped[0], source_fields,
			NFIELDS(source_fields));
		/* ... and out again as the turn a resumed conversation shows. */
		struct cite_map m4;
		struct provenance p4;
		struct turn_result *r4;
		session_turn_copy(l, 0, &m4, &p4, &r4);
		compare_results(&r, r4);
		compare("resumed provenance", &p, &p4, prov_fields, NFIELDS(prov_fields));
		turn_result_free(r4);
		record_provenance_clear(&p4);
		cite_map_free(&m4);
		session_free(l);
		session_free(ss);
		free(json);

		record_result_clear(&r);
		record_result_clear(&r2);
		record_result_clear(&r3);
		free_strings(&s, source_fields, NFIELDS(source_fields));
		free_strings(&s2, source_fields, NFIELDS(source_fields));
		free_strings(&s3, source_fields, NFIELDS(source_fields));
		record_provenance_clear(&p);
		record_provenance_clear(&p2);
		record_provenance_clear(&p3);
	}
}

/* A damaged verification never points outside the answer, and unknown statuses are dropped. */
static void test_damaged_verification(void **state)
{
	(void)state;
	static const char text[] =
		"{\"outcome\":\"completed\",\"grounding\":0.5,\"verification\":{\"grounding\":0.5,\"sentences\":["
		"{\"start\":0,\"end\":5,\"status\":\"supported\",\"sources\":[1,\"x\",2],\"holds\":[true,true,false]},"
		"{\"start\":4,\"end\":99,\"status\":\"supported\"},"
		"{\"start\":-1,\"end\":2,\"status\":\"uncited\"},"
		"{\"start\":3,\"end\":2,\"status\":\"uncited\"},"
		"{\"start\":1,\"end\":2,\"status\":\"invented-later\"},"
		"{\"start\":1,\"end\":2,\"status\":7},"
		"{\"start\":6,\"end\":10,\"status\":\"uncited\",\"sources\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]},"
		"\"junk\"]}}";
	cJSON *o = cJSON_Parse(text);
	struct turn_result r;
	record_result_from(&r, o, 10);
	cJSON_Delete(o);
	assert_non_null(r.verify);
	assert_int_equal(r.verify->n, 2);
	assert_int_equal(r.verify->v[0].nsources, 2);
	assert_int_equal(r.verify->v[0].sources[1], 2);
	assert_false(r.verify->v[0].holds[1]); /* holds stay with their numbers */
	assert_int_equal(r.verify->v[1].nsources, CITE_MAX_IDS);
	assert_true(r.grounding == 0.5);
	record_result_clear(&r);
	/* Not computed: no verification. */
	o = cJSON_Parse("{\"grounding\":null,\"verification\":{\"grounding\":null,\"sentences\":[]}}");
	record_result_from(&r, o, 10);
	cJSON_Delete(o);
	assert_null(r.verify);
	assert_true(r.grounding < 0);
	assert_string_equal(r.outcome_name, "unknown");
	record_result_clear(&r);
}

/* The write fails (a directory sits where the temp file goes): the old file stays whole. */
static void test_failed_save_keeps_old_file(void **state)
{
	(void)state;
	char *dir = tmpdir();
	struct session *s = sample();
	char *err = NULL;
	assert_int_equal(session_save(s, dir, &err), 0);
	char *path = session_path(dir, s->id);
	char *before = fn_slurp(path, NULL);
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	assert_int_equal(mkdir(tmp, 0700), 0);

	session_add(s, "third", &prov, NULL, "x", "", &done);
	assert_int_equal(session_save(s, dir, &err), -1);
	assert_non_null(strstr(err, path));
	free(err);
	char *after = fn_slurp(path, NULL);
	assert_string_equal(before, after);

	rmdir(tmp);
	assert_int_equal(session_save(s, dir, &err), 0);
	struct session *l;
	assert_int_equal(session_load(path, &l, &err), 0);
	assert_int_equal(l->nturns, 3);
	session_free(l);
	free(before);
	free(after);
	free(tmp);
	unlink(path);
	free(path);
	session_free(s);
	rmdir(dir);
	free(dir);
}

static void test_corrupt_file_is_reported_and_kept(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *path = xasprintf("%s/20260101-000000-0000.json", dir);
	static const char *const bad[][2] = {
		{"{\"format\": \"footnote-session\",\n \"turns\": [", "not valid JSON (line 2"},
		{"[1, 2]", "not a footnote session"},
		{"{\"format\": \"footnote-session\", \"turns\": 3}", "no \"turns\" list"},
		{"{\"format\": \"footnote-session\", \"turns\": [{\"answer\": \"x\"}]}", "turn 1 has no question"},
		{"", "not valid JSON"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		write_text(path, bad[i][0]);
		struct session *s = (struct session *)1;
		char *err = NULL;
		assert_int_equal(session_load(path, &s, &err), -1);
		assert_null(s);
		assert_non_null(err);
		if (!strstr(err, bad[i][1]) || !strstr(err, path) || !strstr(err, "left as it is"))
			fail_msg("case %zu: %s", i, err);
		free(err);
		char *still = fn_slurp(path, NULL);
		assert_string_equal(still, bad[i][0]);
		free(still);
		/* list shows it with the reason; rename refuses to touch it. */
		struct session_info *v;
		size_t n;
		assert_int_equal(session_list(dir, &v, &n, &err), 0);
		assert_int_equal(n, 1);
		assert_non_null(v[0].error);
		session_infos_free(v, n);
		assert_int_equal(session_rename(dir, "20260101-000000-0000", "new", &err), -1);
		free(err);
		still = fn_slurp(path, NULL);
		assert_string_equal(still, bad[i][0]);
		free(still);
	}
	unlink(path);
	free(path);
	rmdir(dir);
	free(dir);
}

/* Every truncation of a real file, and values of the wrong type: an error or a session,
 * never a crash (ASan watches). */
static void test_damaged_files_never_crash(void **state)
{
	(void)state;
	char *path = data_path("20261121-142501-ab12.json");
	size_t len;
	char *text = fn_slurp(path, &len);
	size_t ok = 0;
	for (size_t n = 0; n < len; n += 3) {
		struct session *s = NULL;
		char *err = NULL;
		if (session_from_json(text, n, "x", &s, &err) == 0)
			ok++;
		else
			assert_non_null(err);
		free(err);
		session_free(s);
	}
	assert_true(ok <= 2); /* only the whole text (and its trailing newline) parses */
	static const char wrong[] =
		"{\"format\":\"footnote-session\",\"title\":7,\"turns\":[{\"question\":\"q\",\"answer\":[],"
		"\"result\":5,\"provenance\":\"p\",\"sources\":[1,{\"n\":\"1\",\"line_start\":\"a\","
		"\"chunk\":-4,\"content_hash\":{}}],\"dropped\":{}}]}";
	struct session *s;
	char *err = NULL;
	assert_int_equal(session_from_json(wrong, strlen(wrong), NULL, &s, &err), 0);
	assert_string_equal(s->title, "");
	assert_string_equal(s->turns[0].answer, "");
	assert_string_equal(s->turns[0].result.outcome_name, "unknown");
	assert_int_equal(s->turns[0].map.n, 1);
	assert_int_equal(s->turns[0].map.v[0].line_start, 0);
	assert_true(s->turns[0].map.v[0].chunk == 0);
	assert_int_equal(s->turns[0].map.ndropped, 0);
	char *md = session_to_markdown(s);
	assert_non_null(md);
	free(md);
	session_free(s);
	free(text);
	free(path);
}

/* A newer writer's keys: the reader ignores them and writes them back untouched. */
static void test_unknown_keys_tolerated_and_kept(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *golden = data_path("20261121-142501-ab12.json");
	char *text = fn_slurp(golden, NULL);
	char *path = session_path(dir, golden_id);
	write_text(path, text);
	struct session *s;
	char *err = NULL;
	assert_int_equal(session_load(path, &s, &err), 0);
	assert_int_equal(s->nturns, 2);
	assert_int_equal(s->turns[1].version, 3); /* from a newer footnote */
	assert_string_equal(s->turns[0].map.v[1].heading, "Climbing > Cooking");
	assert_true(s->turns[0].map.v[1].chunk == 9007199254740993ull);
	session_add(s, "more", &prov, NULL, "ok", "", &done);
	assert_int_equal(session_save(s, dir, &err), 0);
	char *saved = fn_slurp(path, NULL);
	assert_non_null(strstr(saved, "\"verify\""));
	assert_non_null(strstr(saved, "Ice melts at zero"));
	free(saved);

	assert_int_equal(session_rename(dir, golden_id, "Boiling\nwater", &err), 0);
	saved = fn_slurp(path, NULL);
	assert_non_null(strstr(saved, "\"title\":\t\"Boiling water\""));
	assert_non_null(strstr(saved, "future_top_level_key"));
	free(saved);

	session_free(s);
	unlink(path);
	free(path);
	free(text);
	free(golden);
	rmdir(dir);
	free(dir);
}

/* Turns written by version 1 (flat provenance, "hidden_text", grounding as an object, no
 * verification) read as they did. */
static void test_reads_version_1_turns(void **state)
{
	(void)state;
	struct session *s = load_golden();
	const struct session_turn *t = &s->turns[0];
	assert_int_equal(t->version, 1);
	assert_true(t->prov.retrieval);
	assert_int_equal(t->prov.top_k, 8);
	assert_string_equal(t->prov.mode, "hybrid");
	assert_string_equal(t->prov.collections, "notes,work");
	assert_true(t->prov.index_generation == 12 && t->prov.index_files == 3);
	assert_true(t->prov.retrieval_ms == 1.5);
	assert_int_equal(t->prov.prompt_tokens_estimate, 790);
	assert_string_equal(t->prov.no_evidence, ""); /* not recorded then */
	assert_true(t->map.v[1].hidden_text);
	assert_false(t->map.v[0].hidden_text);
	assert_true(t->result.grounding < 0);
	assert_null(t->result.verify);
	assert_true(t->result.prompt_tokens == 812 && t->result.total_ms == 812.25);
	t = &s->turns[1];
	assert_true(t->result.grounding == 0.5);
	assert_int_equal(t->result.sentences, 2);
	assert_int_equal(t->result.sentences_supported, 1);
	assert_int_equal(t->result.outcome, TURN_CANCELLED);
	assert_int_equal(t->prov.top_k, 4);
	assert_string_equal(t->prov.mode, "lexical");
	assert_true(t->prov.index_generation == 13);
	assert_null(t->result.verify); /* its "verify" key is not this version's */
	session_free(s);
}

static void test_resolve_list_delete(void **state)
{
	(void)state;
	char *dir = tmpdir();
	static const char *const ids[] = {"20261121-142501-ab12", "20261121-142501-ab34", "20261122-090000-0001"};
	static const char *const upd[] = {"2026-11-21T10:00:00Z", "2026-11-23T10:00:00Z", "2026-11-22T10:00:00Z"};
	for (int i = 0; i < 3; i++) {
		char *p = session_path(dir, ids[i]);
		char *j = xasprintf("{\"format\":\"footnote-session\",\"id\":\"x\",\"title\":\"t%d\",\"updated\":\"%s\","
				    "\"turns\":[]}", i, upd[i]);
		write_text(p, j);
		free(j);
		free(p);
	}
	char *tmp = xasprintf("%s/%s.json.tmp.99", dir, ids[0]);
	write_text(tmp, "junk"); /* a temp file left by a crash is not a session */
	char *id = NULL, *err = NULL;
	assert_int_equal(session_resolve(dir, "20261122", &id, &err), 0);
	assert_string_equal(id, ids[2]);
	free(id);
	assert_int_equal(session_resolve(dir, ids[0], &id, &err), 0);
	free(id);
	assert_int_equal(session_resolve(dir, "20261121-142501-ab", &id, &err), -1);
	assert_non_null(strstr(err, "matches 2 sessions"));
	assert_non_null(strstr(err, ids[1]));
	free(err);
	assert_int_equal(session_resolve(dir, "1999", &id, &err), -1);
	assert_non_null(strstr(err, "no session id starts with \"1999\""));
	free(err);
	assert_int_equal(session_resolve(dir, "", &id, &err), -1);
	free(err);

	struct session_info *v;
	size_t n;
	assert_int_equal(session_list(dir, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].id, ids[1]); /* most recently updated first */
	assert_string_equal(v[1].id, ids[2]);
	assert_string_equal(v[2].title, "t0");
	session_infos_free(v, n);

	assert_int_equal(session_delete(dir, ids[1], &err), 0);
	assert_int_equal(session_resolve(dir, "20261121-142501-ab", &id, &err), 0);
	assert_string_equal(id, ids[0]);
	free(id);
	assert_int_equal(session_delete(dir, ids[1], &err), -1);
	free(err);
	unlink(tmp);
	free(tmp);
	for (int i = 0; i < 3; i++) {
		char *p = session_path(dir, ids[i]);
		unlink(p);
		free(p);
	}
	assert_int_equal(session_list("/nonexistent/sessions", &v, &n, &err), 0);
	assert_int_equal(n, 0);
	session_infos_free(v, n);
	rmdir(dir);
	free(dir);
}

static void test_title_and_export_name(void **state)
{
	(void)state;
	char *t = session_title("  Why\n\n does \t\x1b[31mred\r\n work?  ");
	assert_string_equal(t, "Why does ^[[31mred work?");
	free(t);
	t = session_title("How does the ranking of passages by reciprocal rank fusion work when two lists disagree?");
	assert_string_equal(t, "How does the ranking of passages by reciprocal rank fusion…");
	struct session s = {.id = (char *)"20261121-142501-ab12", .title = t};
	char *name = session_export_name(&s, "md");
	assert_string_equal(name, "how-does-the-ranking-of-passages-by-reciprocal.md");
	free(name);
	free(t);
	s.title = (char *)"¿¡ !?";
	name = session_export_name(&s, "json");
	assert_string_equal(name, "20261121-142501-ab12.json");
	free(name);
	s.title = (char *)"../../etc/passwd";
	name = session_export_name(&s, "md");
	assert_string_equal(name, "etc-passwd.md");
	free(name);
}

static struct session *load_golden(void)
{
	char *path = data_path("20261121-142501-ab12.json");
	struct session *s;
	char *err = NULL;
	if (session_load(path, &s, &err) < 0)
		fail_msg("%s", err);
	free(path);
	return s;
}

static void test_markdown_golden(void **state)
{
	(void)state;
	struct session *s = load_golden();
	char *md = session_to_markdown(s);
	char *gpath = data_path("20261121-142501-ab12.md");
	if (getenv("FN_UPDATE_GOLDEN"))
		write_text(gpath, md);
	char *want = fn_slurp(gpath, NULL);
	assert_string_equal(md, want);
	/* What the golden must show, said again so a bad golden cannot pass. */
	assert_non_null(strstr(md, "at sea level [^1]. At altitude it boils lower [^1][^2]."));
	assert_non_null(strstr(md, "literal [1] in a fence"));
	assert_non_null(strstr(md, "`x[2]`"));
	assert_non_null(strstr(md, "[the docs](http://example.com)"));
	assert_non_null(strstr(md, "[9: no such source]"));
	assert_non_null(strstr(md, "[^1]: /home/u/notes/water.md:1-4 (Water)\n\n    > # Water\n"));
	assert_non_null(strstr(md, "[^2]: /home/u/notes/mountains.pdf:10-12, p. 3 (Climbing > Cooking)"));
	assert_non_null(strstr(md, "zero [^3] or [^3] and [^3][^4][^3][^4]."));
	assert_non_null(strstr(md, "Attached automatically: [^5]"));
	assert_non_null(strstr(md, "left out for the token budget:\n\n- /home/u/notes/ice.md:5-9\n"));
	assert_non_null(strstr(md, "not cited:\n\n- [3] /home/u/notes/steam.md:2-2\n"));
	assert_non_null(strstr(md, "host: \"127.0.0.1:8080\""));
	assert_non_null(strstr(md, "chunk: 9007199254740993"));
	for (const char *p = md; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n')
			fail_msg("raw control 0x%02x at offset %td", *p, p - md);
	assert_null(strstr(md, "\xc2\x9b"));
	free(want);
	free(gpath);
	free(md);
	session_free(s);
}

/* ---- a session as this version writes it, with verification --------------------------------
 * tests/data/sessions/20261122-091500-cd34.{json,md}: three answers checked by the real
 * verifier. FN_UPDATE_GOLDEN=1 rewrites both goldens. */

static const char verified_id[] = "20261122-091500-cd34";

static struct source passage(int n, const char *path, const char *heading, const char *text)
{
	struct source s = {0};
	s.n = n;
	s.path = (char *)path;
	s.collection = (char *)"notes";
	s.chunk = (uint64_t)n + 40;
	s.line_start = 1;
	s.line_end = 3;
	s.heading = (char *)heading;
	s.snippet = (char *)"";
	s.text = (char *)text;
	s.content_hash = 0x1000 + (uint64_t)n;
	s.score = 0.5 / n;
	return s;
}

/* One finished turn: the answer checked against map, the map marked, as a turn ends. */
static void add_verified(struct session *s, const char *question, const char *profile, const char *policy,
			 struct cite_map *map, const char *answer)
{
	struct provenance p = {
		.time = (char *)"2026-11-22T08:15:10Z", .profile = (char *)profile, .provider = (char *)"local",
		.provider_kind = (char *)"openai", .model = (char *)"llama3.1", .host = (char *)"127.0.0.1:8080",
		.temperature = 0.2, .retrieval = true, .top_k = 8, .mode = (char *)"hybrid",
		.collections = (char *)"notes", .w_lexical = 1, .w_vector = 0.5, .min_score = 0.1,
		.per_file_cap = 2, .context_tokens = 8192, .max_tokens = 1024, .no_evidence = policy,
		.index_generation = 5, .index_files = 3, .index_chunks = 3, .retrieval_ms = 0.75,
		.prompt_tokens_estimate = 420,
	};
	struct turn_result r = {.outcome = TURN_COMPLETED, .outcome_name = (char *)"completed",
				.finish_reason = (char *)"stop", .prompt_tokens = 430, .completion_tokens = 36,
				.first_token_ms = 80.5, .total_ms = 640.25, .grounding = -1,
				.label_uncited = !strcmp(policy, "label")};
	if (map->n) {
		r.verify = verify_answer(answer, strlen(answer), map, "english");
		r.grounding = r.verify->grounding;
		r.sentences = (int)r.verify->n;
		r.sentences_supported = r.verify->supported;
		r.citations_invalid = r.verify->invalid;
		verify_mark(r.verify, map);
	} else {
		r.outcome = TURN_DECLINED;
		r.outcome_name = (char *)"declined";
		r.finish_reason = NULL;
		r.message = (char *)"No passage in your documents matches this question, so the model was not "
				    "asked (profile policy: decline).";
		r.prompt_tokens = r.completion_tokens = 0;
	}
	session_add(s, question, &p, map, answer, "", &r);
	verify_free(r.verify);
}

static struct session *verified_session(void)
{
	struct session *s = session_new("When does water boil, and ice melt?");
	free(s->id);
	free(s->created);
	free(s->updated);
	s->id = xstrdup(verified_id);
	s->created = xstrdup("2026-11-22T08:15:00Z");
	s->updated = xstrdup("2026-11-22T08:17:00Z");
	struct source water = passage(1, "/home/u/notes/water.md", "Water",
				      "# Water\n\nWater boils at 100 degrees Celsius at sea level.\n"
				      "At altitude it boils at a lower temperature.");
	struct source ice = passage(2, "/home/u/notes/ice.md", "Ice", "# Ice\n\nIce melts at zero degrees Celsius.");
	/* label: one supported, one unsupported, one uncited (model knowledge), one invalid. */
	struct source v1[2] = {water, ice};
	struct cite_map m1 = {v1, 2, NULL, 0};
	add_verified(s, "When does water boil, and ice melt?", "rag-label", "label", &m1,
		     "Water boils at 100 degrees Celsius at sea level [1]. Ice boils at altitude on "
		     "mountains [1][2].\n\nPenguins live mostly in the southern hemisphere. Snow is white [7].\n");
	/* decline, no markers: the verifier attaches the source; the uncited rest is not labelled. */
	ice.n = 1;
	struct source v2[1] = {ice};
	struct cite_map m2 = {v2, 1, NULL, 0};
	add_verified(s, "Ice?", "rag", "decline", &m2,
		     "Ice melts at zero degrees Celsius. Bananas are yellow and sweet fruits.");
	/* declined: nothing verified. */
	struct cite_map m3 = {NULL, 0, NULL, 0};
	add_verified(s, "Quantum chromodynamics?", "rag", "decline", &m3, "Not found in your documents.");
	/* Turn ids are random; the golden's are fixed. */
	for (size_t i = 0; i < s->nturns; i++) {
		free(s->turns[i].tid);
		s->turns[i].tid = xasprintf("19b0a7c1e00-0000000%zu-%zu", i, i + 1);
	}
	return s;
}

static void check_golden(const char *name, const char *got)
{
	char *path = data_path(name);
	if (getenv("FN_UPDATE_GOLDEN"))
		write_text(path, got);
	char *want = fn_slurp(path, NULL);
	assert_string_equal(got, want);
	free(want);
	free(path);
}

static void test_verified_session_golden(void **state)
{
	(void)state;
	struct session *s = verified_session();
	/* What the verifier found, said here so that a bad golden cannot pass. */
	const struct verify_result *v = s->turns[0].result.verify;
	assert_int_equal(v->n, 4);
	assert_int_equal(v->v[0].status, VERIFY_SUPPORTED);
	assert_int_equal(v->v[1].status, VERIFY_UNSUPPORTED);
	assert_int_equal(v->v[2].status, VERIFY_UNCITED);
	assert_int_equal(v->v[3].status, VERIFY_UNSUPPORTED);
	v = s->turns[1].result.verify;
	assert_int_equal(v->n, 2);
	assert_int_equal(v->v[0].status, VERIFY_ATTACHED);
	assert_int_equal(v->v[1].status, VERIFY_UNCITED);
	assert_null(s->turns[2].result.verify);

	char *json = session_to_json(s);
	check_golden("20261122-091500-cd34.json", json);

	/* Loaded again, every turn has its verification back. */
	char *path = data_path("20261122-091500-cd34.json");
	struct session *l;
	char *err = NULL;
	if (session_load(path, &l, &err) < 0)
		fail_msg("%s", err);
	assert_int_equal(l->nturns, 3);
	for (size_t i = 0; i < 3; i++) {
		const struct session_turn *a = &s->turns[i], *b = &l->turns[i];
		assert_int_equal(b->version, SESSION_TURN_VERSION);
		compare("provenance", &a->prov, &b->prov, prov_fields, NFIELDS(prov_fields));
		compare("turn_result", &a->result, &b->result, result_fields, NFIELDS(result_fields));
		if (!a->result.verify) {
			assert_null(b->result.verify);
			continue;
		}
		compare_results(&a->result, &b->result);
		for (size_t k = 0; k < a->map.n; k++)
			compare("source", &a->map.v[k], &b->map.v[k], source_fields, NFIELDS(source_fields));
	}

	char *md = session_to_markdown(l);
	check_golden("20261122-091500-cd34.md", md);
	char *md_live = session_to_markdown(s);
	assert_string_equal(md, md_live);
	assert_non_null(strstr(md, "at sea level [^1]. Ice boils at altitude on mountains [^1][^2]. "
				   "*(not supported by [^1], [^2])*\n"));
	assert_non_null(strstr(md, "southern hemisphere. *(model knowledge)* Snow is white [7: no such source].\n"));
	assert_null(strstr(md, "fruits. *(model knowledge)*"));
	assert_non_null(strstr(md, "no_evidence: \"label\""));
	assert_non_null(strstr(md, "sentences: {supported: 1, unsupported: 2, uncited: 1, auto_attached: 0}"));
	assert_non_null(strstr(md, "w_lexical: 1, w_vector: 0.5, min_score: 0.1, per_file_cap: 2"));
	free(md_live);
	free(md);
	session_free(l);
	free(path);
	free(json);
	session_free(s);
}

/* Only markers become footnotes: not brackets that merely look like them. */
static void test_markdown_markers(void **state)
{
	(void)state;
	struct source given[2] = {src(1, "/n/a.md", 1, 1), src(2, "/n/b.md", 2, 2)};
	struct cite_map map = {given, 2, NULL, 0};
	struct session *s = session_new("q");
	session_add(s, "q", &prov, &map,
		    "a[0] [1,] [1 [] [x] ``code [1]`` [2-1] [1 - 2] [ 2 ] [1]: [2](u) [3]\n"
		    "~~~\n[1]\n~~~\nafter [2]\n", "", &done);
	char *md = session_to_markdown(s);
	assert_non_null(strstr(md, "a[0: no such source] [1,] [1 [] [x] ``code [1]`` [2-1] [^1][^2] [^2] [^1]: [2](u) "
				   "[3: no such source]\n~~~\n[1]\n~~~\nafter [^2]\n"));
	free(md);
	session_free(s);
}

/* JSON output carries no byte a terminal acts on, and still says the same thing. */
static void test_json_is_terminal_safe(void **state)
{
	(void)state;
	static const char evil[] = "esc \x1b[2J c1 \xc2\x9b" "2J del \x7f bidi \xe2\x80\xae tag \xf3\xa0\x80\x81 end";
	struct session *s = session_new("q");
	session_add(s, "q", &prov, NULL, evil, "", &done);
	char *json = session_to_json(s);
	assert_null(strchr(json, '\x1b'));
	assert_null(strchr(json, '\x7f'));
	assert_null(strstr(json, "\xc2\x9b"));
	assert_null(strstr(json, "\xe2\x80\xae"));
	assert_null(strstr(json, "\xf3\xa0"));
	assert_non_null(strstr(json, "\\u009B2J"));
	assert_non_null(strstr(json, "\\uDB40\\uDC01"));
	struct session *l;
	char *err = NULL;
	assert_int_equal(session_from_json(json, strlen(json), NULL, &l, &err), 0);
	assert_string_equal(l->turns[0].answer, evil);
	assert_string_equal(l->id, s->id);
	session_free(l);
	free(json);
	session_free(s);
}

/* The JSON export is the session file itself: the same document as the golden. */
static void test_json_export_matches(void **state)
{
	(void)state;
	struct session *s = load_golden();
	char *json = session_to_json(s);
	char *path = data_path("20261121-142501-ab12.json");
	char *want = fn_slurp(path, NULL);
	cJSON *a = cJSON_Parse(json), *b = cJSON_Parse(want);
	assert_true(cJSON_Compare(a, b, true));
	cJSON_Delete(a);
	cJSON_Delete(b);
	free(want);
	free(path);
	free(json);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_every_field),
		cmocka_unit_test(test_field_lists_cover_the_structs),
		cmocka_unit_test(test_every_field_round_trips),
		cmocka_unit_test(test_damaged_verification),
		cmocka_unit_test(test_failed_save_keeps_old_file),
		cmocka_unit_test(test_corrupt_file_is_reported_and_kept),
		cmocka_unit_test(test_damaged_files_never_crash),
		cmocka_unit_test(test_unknown_keys_tolerated_and_kept),
		cmocka_unit_test(test_reads_version_1_turns),
		cmocka_unit_test(test_resolve_list_delete),
		cmocka_unit_test(test_title_and_export_name),
		cmocka_unit_test(test_markdown_golden),
		cmocka_unit_test(test_verified_session_golden),
		cmocka_unit_test(test_markdown_markers),
		cmocka_unit_test(test_json_is_terminal_safe),
		cmocka_unit_test(test_json_export_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
