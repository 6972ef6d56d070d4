/* test_session_share.c - one session in two writers, and sessions listed through their
 * index (core/session/session.c's merge on save, core/session/session_list.c): every turn
 * either writer saved is in the file, whichever saves last; a turn another writer finished
 * is not overwritten by a stale copy; files written before turn ids merge by position; a
 * rename made elsewhere stands; two processes appending 40 turns each at once keep all
 * 80; the listing reads the index when the files are unchanged and each file again when
 * it changed, was added or removed, or the index is damaged. */
#include "fn_test.h"

#include <cjson/cJSON.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "core/session/session.h"

static const struct turn_result done = {.outcome = TURN_COMPLETED, .outcome_name = (char *)"completed",
					.grounding = -1};

static char *tmpdir(void)
{
	const char *base = getenv("FN_TMP");
	char *t = xasprintf("%s/shareXXXXXX", base ? base : "/tmp");
	if (!mkdtemp(t))
		fail_msg("mkdtemp %s", t);
	return t;
}

static struct session *load(const char *dir, const char *id)
{
	char *path = session_path(dir, id), *err = NULL;
	struct session *s = NULL;
	if (session_load(path, &s, &err) < 0)
		fail_msg("%s", err);
	free(path);
	return s;
}

static void save(struct session *s, const char *dir)
{
	char *err = NULL;
	if (session_save(s, dir, &err) < 0)
		fail_msg("%s", err);
}

/* The questions of the file, joined by "|", and how many turns are finished. */
static char *questions(const char *dir, const char *id, size_t *finished)
{
	struct session *s = load(dir, id);
	char *out = xstrdup("");
	*finished = 0;
	for (size_t i = 0; i < s->nturns; i++) {
		char *n = xasprintf("%s%s%s", out, i ? "|" : "", s->turns[i].question);
		free(out);
		out = n;
		*finished += s->turns[i].finished;
	}
	session_free(s);
	return out;
}

static void test_two_writers_keep_every_turn(void **state)
{
	(void)state;
	char *dir = tmpdir();
	struct session *a = session_new("one");
	session_add(a, "one", NULL, NULL, "1", "", &done);
	save(a, dir);
	struct session *b = load(dir, a->id); /* the second window resumes it */
	session_add(b, "b two", NULL, NULL, "2", "", &done);
	session_add(a, "a two", NULL, NULL, NULL, NULL, NULL); /* asked, still streaming */
	save(a, dir);
	save(b, dir); /* last writer: a's turn must survive */
	assert_int_equal(b->merged, 1);
	size_t fin;
	char *q = questions(dir, a->id, &fin);
	assert_string_equal(q, "one|a two|b two");
	assert_int_equal(fin, 2);
	free(q);
	/* a finishes its answer after b saved: its copy wins for its own turn, b's stays. */
	session_finish(a, 1, "a's answer", "", &done);
	save(a, dir);
	assert_int_equal(a->merged, 1);
	q = questions(dir, a->id, &fin);
	assert_string_equal(q, "one|a two|b two");
	assert_int_equal(fin, 3);
	free(q);
	/* b saves again with its stale (unfinished) view of a's turn: the finished one stays. */
	session_add(b, "b three", NULL, NULL, "3", "", &done);
	save(b, dir);
	struct session *f = load(dir, a->id);
	assert_int_equal(f->nturns, 4);
	assert_string_equal(f->turns[1].answer, "a's answer");
	assert_true(f->turns[1].finished);
	assert_string_equal(f->turns[3].question, "b three");
	session_free(f);
	session_free(a);
	session_free(b);
	free(dir);
}

/* A file written before turns had ids: both writers name its turns by position. */
static void test_files_without_turn_ids_merge(void **state)
{
	(void)state;
	char *dir = tmpdir();
	char *path = session_path(dir, "20261121-142501-ab12");
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("{\"format\":\"footnote-session\",\"version\":1,\"title\":\"old\",\"created\":\"c\",\"updated\":\"u\","
	      "\"turns\":[{\"version\":2,\"question\":\"q1\",\"answer\":\"a1\",\"finished\":true},"
	      "{\"version\":2,\"question\":\"q2\",\"answer\":\"a2\",\"finished\":true}]}\n", fp);
	fclose(fp);
	struct session *a = load(dir, "20261121-142501-ab12"), *b = load(dir, "20261121-142501-ab12");
	session_add(a, "qa", NULL, NULL, "x", "", &done);
	session_add(b, "qb", NULL, NULL, "y", "", &done);
	save(a, dir);
	save(b, dir);
	save(a, dir);
	size_t fin;
	char *q = questions(dir, "20261121-142501-ab12", &fin);
	assert_string_equal(q, "q1|q2|qa|qb");
	free(q);
	/* The old turns are written back as they were read: no id is added to them. */
	char *text = fn_slurp(path, NULL);
	cJSON *j = cJSON_Parse(text);
	cJSON *t0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "turns"), 0);
	assert_null(cJSON_GetObjectItem(t0, "tid"));
	assert_non_null(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "turns"), 2), "tid"));
	cJSON_Delete(j);
	free(text);
	session_free(a);
	session_free(b);
	free(path);
	free(dir);
}

static void test_rename_elsewhere_stands(void **state)
{
	(void)state;
	char *dir = tmpdir(), *err = NULL;
	struct session *a = session_new("first question");
	session_add(a, "first question", NULL, NULL, "1", "", &done);
	save(a, dir);
	assert_int_equal(session_rename(dir, a->id, "Renamed", &err), 0);
	session_add(a, "second", NULL, NULL, "2", "", &done);
	save(a, dir);
	struct session *f = load(dir, a->id);
	assert_string_equal(f->title, "Renamed");
	assert_int_equal(f->nturns, 2);
	session_free(f);
	session_free(a);
	free(dir);
}

/* Two processes append to one session at once; the lock and the merge keep every turn. */
static void test_two_processes_at_once(void **state)
{
	(void)state;
	char *dir = tmpdir();
	struct session *s = session_new("start");
	save(s, dir);
	enum { TURNS = 40 };
	pid_t kids[2];
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			struct session *mine = load(dir, s->id);
			for (int i = 0; i < TURNS; i++) {
				char q[32];
				snprintf(q, sizeof q, "p%d-%d", k, i);
				size_t at = session_add(mine, q, NULL, NULL, NULL, NULL, NULL);
				char *err = NULL;
				if (session_save(mine, dir, &err) < 0)
					_exit(2);
				session_finish(mine, at, "done", "", &done);
				if (session_save(mine, dir, &err) < 0)
					_exit(3);
			}
			session_free(mine);
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int st;
		assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	struct session *f = load(dir, s->id);
	assert_int_equal(f->nturns, 2 * TURNS);
	size_t fin = 0;
	for (size_t i = 0; i < f->nturns; i++)
		fin += f->turns[i].finished;
	assert_int_equal(fin, 2 * TURNS);
	session_free(f);
	session_free(s);
	free(dir);
}

static void write_session(const char *dir, const char *id, const char *title, int turns)
{
	char *p = session_path(dir, id);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "{\"format\":\"footnote-session\",\"title\":\"%s\",\"created\":\"c\",\"updated\":\"2026-11-2%dT00:00:00Z\",\"turns\":[",
		title, turns);
	for (int i = 0; i < turns; i++)
		fprintf(f, "%s{\"question\":\"q%d\"}", i ? "," : "", i);
	fputs("]}\n", f);
	fclose(f);
	free(p);
}

static char *listing(const char *dir)
{
	struct session_info *v;
	size_t n;
	char *err = NULL;
	assert_int_equal(session_list(dir, &v, &n, &err), 0);
	char *out = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *x = xasprintf("%s%s:%s:%zu%s;", out, v[i].id, v[i].title, v[i].turns, v[i].error ? ":error" : "");
		free(out);
		out = x;
	}
	session_infos_free(v, n);
	return out;
}

/* Replaces every "from" in the index with "to" (same length: the file keeps its shape). */
static void edit_index(const char *dir, const char *from, const char *to)
{
	char *path = xasprintf("%s/.index", dir);
	size_t len;
	char *text = fn_slurp(path, &len);
	for (char *p = text; (p = strstr(p, from)); p += strlen(to))
		memcpy(p, to, strlen(to));
	FILE *f = fopen(path, "w");
	fwrite(text, 1, len, f);
	fclose(f);
	free(text);
	free(path);
}

static void test_listing_through_the_index(void **state)
{
	(void)state;
	char *dir = tmpdir();
	write_session(dir, "s1", "alpha\ttab", 1);
	write_session(dir, "s2", "beta", 2);
	write_session(dir, "s3", "gamma", 3);
	char *bad = session_path(dir, "s0");
	FILE *f = fopen(bad, "w");
	fputs("{not json", f);
	fclose(f);
	char *l = listing(dir);
	assert_string_equal(l, "s3:gamma:3;s2:beta:2;s1:alpha\ttab:1;s0::0:error;");
	free(l);
	char *ipath = xasprintf("%s/.index", dir);
	struct stat sb;
	assert_int_equal(stat(ipath, &sb), 0);
	/* Unchanged files are listed from the index: what it says is what is shown. */
	edit_index(dir, "gamma", "GAMMA");
	l = listing(dir);
	assert_string_equal(l, "s3:GAMMA:3;s2:beta:2;s1:alpha\ttab:1;s0::0:error;");
	free(l);
	/* A changed file is read again (a new inode, as a save's rename makes). */
	char *p2 = session_path(dir, "s2");
	unlink(p2);
	write_session(dir, "s2", "beta two", 4);
	/* one removed, one added */
	char *p1 = session_path(dir, "s1");
	unlink(p1);
	write_session(dir, "s4", "delta", 1);
	l = listing(dir);
	assert_string_equal(l, "s2:beta two:4;s3:GAMMA:3;s4:delta:1;s0::0:error;");
	free(l);
	/* A damaged index is a full read, and is written anew. */
	f = fopen(ipath, "w");
	fputs("footnote-sessions-index 1\ns3\tgarbage", f);
	fclose(f);
	l = listing(dir);
	assert_string_equal(l, "s2:beta two:4;s3:gamma:3;s4:delta:1;s0::0:error;");
	free(l);
	free(p1);
	free(p2);
	free(bad);
	free(ipath);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_writers_keep_every_turn),
		cmocka_unit_test(test_files_without_turn_ids_merge),
		cmocka_unit_test(test_rename_elsewhere_stands),
		cmocka_unit_test(test_two_processes_at_once),
		cmocka_unit_test(test_listing_through_the_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
