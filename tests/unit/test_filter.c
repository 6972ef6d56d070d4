/* test_filter.c - a query's file filters (index/idx.h idx_filter_parse, idx_filter_pass). */
#include "fn_test.h"

#include <string.h>

#include "index/idx.h"

static void test_parse(void **state)
{
	(void)state;
	struct idx_filter f = {.path = ""};
	const char *rest;
	char err[200] = "";
	assert_int_equal(idx_filter_parse("  path:*.pdf after:2026-01-01 what changed?", &f, &rest, err, sizeof err), 2);
	assert_string_equal(rest, "what changed?");
	assert_string_equal(f.path, "*.pdf");
	assert_int_equal(f.after_ns, 1767225600LL * 1000000000LL);
	assert_int_equal(f.before_ns, 0);
	/* Only leading words: a filter word later on is text. */
	memset(&f, 0, sizeof f);
	assert_int_equal(idx_filter_parse("why path:x", &f, &rest, err, sizeof err), 0);
	assert_string_equal(rest, "why path:x");
	assert_false(idx_filter_on(&f));
	assert_int_equal(idx_filter_parse("BEFORE:2025 x", &f, &rest, err, sizeof err), 1);
	assert_int_equal(f.before_ns, 1735689600LL * 1000000000LL);
	assert_int_equal(idx_filter_parse("after:2025-02 x", &f, &rest, err, sizeof err), 1);
	assert_int_equal(f.after_ns, 1738368000LL * 1000000000LL);
	assert_int_equal(idx_filter_parse("after:yesterday x", &f, &rest, err, sizeof err), -1);
	assert_string_equal(err, "after:yesterday is not a date: write after:YYYY-MM-DD (or YYYY-MM, YYYY)");
	assert_int_equal(idx_filter_parse("after:2025-02-30x", &f, &rest, err, sizeof err), -1);
	int64_t ns;
	assert_int_equal(idx_filter_date("1969", 4, &ns), -1);
	assert_int_equal(idx_filter_date("2025-13-01", 10, &ns), -1);
}

static void test_pass(void **state)
{
	(void)state;
	struct idx_filter f = {.path = "*.md"};
	assert_true(idx_filter_pass(&f, "/w/notes/a.md", 5, NULL));
	assert_false(idx_filter_pass(&f, "/w/notes/a.txt", 5, NULL));
	snprintf(f.path, sizeof f.path, "notes/*");
	assert_true(idx_filter_pass(&f, "/w/notes/x/a.txt", 5, NULL));
	assert_false(idx_filter_pass(&f, "/w/other/a.txt", 5, NULL));
	f.path[0] = '\0';
	f.after_ns = 10;
	f.before_ns = 20;
	assert_false(idx_filter_pass(&f, "/a", 9, NULL));
	assert_true(idx_filter_pass(&f, "/a", 10, NULL));
	assert_true(idx_filter_pass(&f, "/a", 19, NULL));
	assert_false(idx_filter_pass(&f, "/a", 20, NULL));
	struct idx_filter g = {.path = ""};
	const char *rest;
	char err[100];
	assert_int_equal(idx_filter_parse("tag:Policy tag:hr what changed?", &g, &rest, err, sizeof err), 2);
	assert_string_equal(g.tags, ",policy,hr,");
	assert_string_equal(rest, "what changed?");
	assert_true(idx_filter_pass(&g, "/a", 1, ",hr,"));
	assert_true(idx_filter_pass(&g, "/a", 1, ",x,policy,"));
	assert_false(idx_filter_pass(&g, "/a", 1, ",policyx,"));
	assert_false(idx_filter_pass(&g, "/a", 1, NULL));
	assert_false(idx_filter_pass(&g, "/a", 1, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
