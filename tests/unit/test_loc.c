/* test_loc.c - locations in the words of each kind of file (base/loc.h), and in a session
 * export. */
#include "fn_test.h"

#include "base/buf.h"
#include "base/loc.h"
#include "base/xmalloc.h"
#include "core/session/session.h"

static char *loc(const char *path, uint32_t page, const char *heading, uint32_t a, uint32_t b, bool compact)
{
	struct buf out = {0};
	loc_append(&out, path, page, heading, a, b, compact);
	return buf_detach(&out);
}

#define LOC_IS(want, ...)                                                                  \
	do {                                                                               \
		char *got_ = loc(__VA_ARGS__);                                             \
		assert_string_equal(got_, want);                                           \
		free(got_);                                                                \
	} while (0)

static void test_words(void **state)
{
	(void)state;
	LOC_IS(":4-9", "notes/a.md", 0, "Top", 4, 9, false);
	LOC_IS(" page 2:10-12", "paper.pdf", 2, "", 10, 12, false);
	LOC_IS(" p.2:10-12", "paper.pdf", 2, "", 10, 12, true);
	LOC_IS(" slide 3:14-16", "deck.PPTX", 3, "Closing", 14, 16, true);
	LOC_IS(" slide 1:1-2", "deck.odp", 1, "", 1, 2, false);
	LOC_IS(" chapter 2:1-9", "book.epub", 2, "", 1, 9, false);
	LOC_IS(" sheet Budget, rows 2-40", "t.xlsx", 1, "Budget", 2, 40, false);
	LOC_IS(" sheet 2, row 7", "t.ods", 2, "", 7, 7, false);
	LOC_IS(" rows 2-4", "rivers.csv", 0, "", 2, 4, false);
	LOC_IS(" row 3", "birds.jsonl", 0, "", 3, 3, false);
	LOC_IS(":1-2", "report.docx", 0, "A", 1, 2, false);
	assert_string_equal(loc_unit("x.epub"), "chapter");
	assert_string_equal(loc_unit("x.txt"), "page");
	assert_true(loc_rows("a.TSV"));
	assert_false(loc_rows("a.json"));
	assert_true(loc_document("a.odt"));
	assert_false(loc_document("a.csv"));
}

/* A session export (core/session/session_md.c) names slides and rows in those words: the
 * golden session of test_session.c with one source's path changed. */
static void test_export(void **state)
{
	(void)state;
	const char *root = getenv("FN_ROOT");
	char *path = xasprintf("%s/tests/data/sessions/20261121-142501-ab12.json", root ? root : ".");
	struct session *s;
	char *err = NULL;
	if (session_load(path, &s, &err) < 0)
		fail_msg("%s", err);
	free(path);
	struct source *src = NULL;
	for (size_t i = 0; i < s->nturns && !src; i++)
		for (size_t j = 0; j < s->turns[i].map.n && !src; j++)
			if (strstr(s->turns[i].map.v[j].path, "mountains.pdf"))
				src = &s->turns[i].map.v[j];
	assert_non_null(src);
	free(src->path);
	src->path = xstrdup("/home/u/notes/deck.pptx");
	char *md = session_to_markdown(s);
	assert_non_null(strstr(md, "/home/u/notes/deck.pptx slide 3:10-12 (Climbing > Cooking)"));
	free(md);
	free(src->path);
	src->path = xstrdup("/home/u/notes/budget.csv");
	src->page = 0;
	md = session_to_markdown(s);
	assert_non_null(strstr(md, "/home/u/notes/budget.csv rows 10-12"));
	free(md);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
