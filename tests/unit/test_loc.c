/* test_loc.c - locations in the words of each kind of file (base/loc.h). */
#include "fn_test.h"

#include "base/buf.h"
#include "base/loc.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
