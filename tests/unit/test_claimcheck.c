/* test_claimcheck.c - the checker model's verdicts read from its replies. */
#include "fn_test.h"

#include "core/answer/claimcheck.h"

static void test_parse_chat(void **state)
{
	(void)state;
	static const char reply[] = "Here are the verdicts:\n3: YES\n4: no - the passage is silent\n"
				    "**5**: Yes.\n9: YES\n4: YES\n";
	int v[4];
	claimcheck_parse(reply, sizeof reply - 1, false, 3, 4, v);
	assert_int_equal(v[0], 1);  /* 3 */
	assert_int_equal(v[1], 0);  /* 4: the first verdict counts */
	assert_int_equal(v[2], 1);  /* 5, dressed in markdown */
	assert_int_equal(v[3], -1); /* 6: none; 9 is not asked */
	claimcheck_parse("", 0, false, 1, 2, v);
	assert_int_equal(v[0], -1);
	assert_int_equal(v[1], -1);
}

static void test_parse_minicheck(void **state)
{
	(void)state;
	int v;
	claimcheck_parse("Yes", 3, true, 1, 1, &v);
	assert_int_equal(v, 1);
	claimcheck_parse(" No.", 4, true, 1, 1, &v);
	assert_int_equal(v, 0);
	claimcheck_parse("Maybe", 5, true, 1, 1, &v);
	assert_int_equal(v, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_chat),
		cmocka_unit_test(test_parse_minicheck),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
