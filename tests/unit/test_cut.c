/* test_cut.c - cutting text to a width with a mark (ui/render/cut.c), as strings: the end of
 * a line, and paths cut in the middle so the file name stays. */
#include "fn_test.h"

#include <locale.h>

#include "ui/render/cut.h"
#include "ui/term/term.h"

static void is(char *got, const char *want)
{
	bool same = !strcmp(got, want);
	if (!same)
		print_error("\"%s\" != \"%s\"\n", got, want);
	free(got);
	assert_true(same);
}

static void test_end(void **state)
{
	(void)state;
	is(cut_end("score 0.0246", 12), "score 0.0246");      /* fits: unchanged */
	is(cut_end("✗ not supported · Water · score 0.0246", 20), "✗ not supported · W…");
	is(cut_end("abc", 1), "…");
	is(cut_end("abc", 0), "");
	is(cut_end("日本語のテキスト", 6), "日本…");              /* never half a wide character */
	char *c = cut_end("profile code: fixture:code.sse is not a known model here", 30);
	assert_int_equal(text_width(c, strlen(c)), 30);
	free(c);
}

static void test_path(void **state)
{
	(void)state;
	const char *p = "debian/users/passwd-users-and-groups.txt:357-380";
	is(cut_path(p, 60), p);
	/* The folders give way first; the file name and its lines stay whole. */
	is(cut_path(p, 44), "debian/…/passwd-users-and-groups.txt:357-380");
	is(cut_path(p, 40), "deb…/passwd-users-and-groups.txt:357-380");
	is(cut_path(p, 37), "…/passwd-users-and-groups.txt:357-380");
	/* Narrower than the name: its start and its end (extension and lines) stay. */
	is(cut_path(p, 36), "passwd-users-and-g…roups.txt:357-380");
	is(cut_path(p, 24), "passwd-user….txt:357-380");
	is(cut_path("passwd-users-and-groups.txt:3-9", 20), "passwd-use…s.txt:3-9");
	is(cut_path("notes/a.md:1-4", 14), "notes/a.md:1-4");
	is(cut_path("x", 0), "");
	/* Whatever the width, the result fits and is marked when cut. */
	for (int w = 2; w < 48; w++) { /* p is 48 columns */
		char *c = cut_path(p, w);
		assert_true(text_width(c, strlen(c)) <= w);
		assert_non_null(strstr(c, "…"));
		free(c);
	}
	/* Wide characters in a folder and a name. */
	char *c = cut_path("文書/日本語の説明書.txt:1-2", 20);
	assert_true(text_width(c, strlen(c)) <= 20);
	assert_non_null(strstr(c, ".txt:1-2"));
	free(c);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_end),
		cmocka_unit_test(test_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
