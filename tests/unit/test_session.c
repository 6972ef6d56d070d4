/* test_session.c - sessions: every field survives save and load (the citation map too),
 * saves are atomic, corrupt files are reported and left alone, unknown keys are tolerated
 * and kept, ids resolve by prefix, and the Markdown and JSON exports match their goldens
 * (tests/data/sessions; FN_UPDATE_GOLDEN=1 rewrites the Markdown golden). */
#include "fn_test.h"

#include <cjson/cJSON.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "core/session.h"

static const char golden_id[] = "20261121-142501-ab12";

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
	.temperature = 0.25, .retrieval = true, .top_k = 8, .mode = (char *)"hybrid",
	.collections = (char *)"notes,work", .index_generation = 42, .index_files = 7,
	.retrieval_ms = 1.5, .prompt_tokens_estimate = 790,
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

static void assert_source_eq(const struct source *a, const struct source *b)
{
	assert_int_equal(a->n, b->n);
	assert_string_equal(a->path, b->path);
	assert_string_equal(a->collection, b->collection);
	assert_true(a->chunk == b->chunk);
	assert_int_equal(a->line_start, b->line_start);
	assert_int_equal(a->line_end, b->line_end);
	assert_int_equal(a->page, b->page);
	assert_string_equal(a->heading, b->heading);
	assert_string_equal(a->snippet, b->snippet);
	assert_string_equal(a->text, b->text);
	assert_true(a->content_hash == b->content_hash);
	assert_true(a->score == b->score);
	assert_int_equal(a->hidden_text, b->hidden_text);
	assert_int_equal(a->cited, b->cited);
	assert_int_equal(a->verified, b->verified);
	assert_int_equal(a->auto_attached, b->auto_attached);
}

static void assert_prov_eq(const struct provenance *a, const struct provenance *b)
{
	assert_string_equal(a->time, b->time);
	assert_string_equal(a->profile, b->profile);
	assert_string_equal(a->provider, b->provider);
	assert_string_equal(a->provider_kind, b->provider_kind);
	assert_string_equal(a->model, b->model);
	assert_string_equal(a->host, b->host);
	assert_true(a->temperature == b->temperature);
	assert_int_equal(a->retrieval, b->retrieval);
	assert_int_equal(a->top_k, b->top_k);
	assert_string_equal(a->mode, b->mode);
	assert_string_equal(a->collections, b->collections);
	assert_true(a->index_generation == b->index_generation);
	assert_true(a->index_files == b->index_files);
	assert_true(a->retrieval_ms == b->retrieval_ms);
	assert_int_equal(a->prompt_tokens_estimate, b->prompt_tokens_estimate);
}

static void assert_result_eq(const struct turn_result *a, const struct turn_result *b)
{
	assert_int_equal(a->outcome, b->outcome);
	assert_string_equal(a->outcome_name, b->outcome_name);
	if (a->finish_reason || b->finish_reason)
		assert_string_equal(a->finish_reason, b->finish_reason);
	if (a->message || b->message)
		assert_string_equal(a->message, b->message);
	assert_true(a->prompt_tokens == b->prompt_tokens);
	assert_true(a->completion_tokens == b->completion_tokens);
	assert_true(a->first_token_ms == b->first_token_ms);
	assert_true(a->total_ms == b->total_ms);
	assert_int_equal(a->extractive, b->extractive);
	assert_int_equal(a->not_grounded, b->not_grounded);
	assert_true(a->grounding == b->grounding);
	assert_int_equal(a->sentences, b->sentences);
	assert_int_equal(a->sentences_supported, b->sentences_supported);
	assert_int_equal(a->citations_invalid, b->citations_invalid);
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
	assert_int_equal(s->turns[1].version, 2);
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
		cmocka_unit_test(test_failed_save_keeps_old_file),
		cmocka_unit_test(test_corrupt_file_is_reported_and_kept),
		cmocka_unit_test(test_damaged_files_never_crash),
		cmocka_unit_test(test_unknown_keys_tolerated_and_kept),
		cmocka_unit_test(test_resolve_list_delete),
		cmocka_unit_test(test_title_and_export_name),
		cmocka_unit_test(test_markdown_golden),
		cmocka_unit_test(test_markdown_markers),
		cmocka_unit_test(test_json_is_terminal_safe),
		cmocka_unit_test(test_json_export_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
