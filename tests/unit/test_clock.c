/* test_clock.c - the one clock (base/clock.h) and xvasprintf (base/xmalloc.h). */
#include "fn_test.h"

#include <time.h>

#include "base/clock.h"
#include "base/xmalloc.h"

static void test_monotonic_agrees(void **state)
{
	(void)state;
	int64_t a = clock_ms();
	double f = clock_ms_f();
	int64_t b = clock_ms();
	assert_true(b >= a);
	/* Both read CLOCK_MONOTONIC: the double lies between the two integer reads. */
	assert_true(f >= (double)a && f < (double)b + 1);
}

static void test_iso_utc(void **state)
{
	(void)state;
	char s[CLOCK_ISO_LEN];
	time_t before = time(NULL);
	clock_iso_utc(s, sizeof s);
	assert_int_equal(strlen(s), 20);
	assert_int_equal(s[4], '-');
	assert_int_equal(s[10], 'T');
	assert_int_equal(s[19], 'Z');
	struct tm tm = {0};
	assert_non_null(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm));
	time_t back = timegm(&tm);
	assert_true(back >= before && back <= time(NULL));
	char tiny[4] = "xyz";
	clock_iso_utc(tiny, sizeof tiny); /* too small: empty, never overrun */
	assert_string_equal(tiny, "");
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	char *s = xvasprintf(f, ap);
	va_end(ap);
	return s;
}

static void test_xvasprintf(void **state)
{
	(void)state;
	char *s = fmt("%s=%d", "k", 42);
	assert_string_equal(s, "k=42");
	free(s);
	s = fmt("%s", "");
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monotonic_agrees),
		cmocka_unit_test(test_iso_utc),
		cmocka_unit_test(test_xvasprintf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
