/* test_extractive.c - the offline answerer on the cases a new user hit: a heading or an FAQ
 * question that restates the question, bullets under the wrong heading, a key binding and
 * an option quoted verbatim, a README section behind a code block, near-duplicates, and a
 * relevance figure that can be low. */
#include "fn_test.h"

#include "core/answer/extractive.h"
#include "core/answer/units.h"

struct passage {
	const char *heading, *text;
};

/* The answer to question over the passages (numbered from 1), or NULL. */
static char *answer(const char *question, const struct passage *p, size_t n, struct extractive *ex)
{
	struct source v[8] = {0};
	for (size_t i = 0; i < n; i++) {
		v[i].n = (int)i + 1;
		v[i].heading = (char *)p[i].heading;
		v[i].text = (char *)p[i].text;
		v[i].path = (char *)"doc.md";
	}
	struct cite_map m = {v, n, NULL, 0};
	struct extractive tmp;
	if (!ex)
		ex = &tmp;
	if (!extractive_answer(question, &m, "english", 3, ex))
		return NULL;
	return ex->text;
}

static void expect_first(const char *a, const char *want)
{
	if (!a)
		fail_msg("no answer; wanted it to open with \"%s\"", want);
	if (strncmp(a, want, strlen(want)))
		fail_msg("answer opens with \"%.120s\"; wanted \"%s\"", a, want);
}

static void expect_none(const char *a, const char *bad)
{
	if (a && strstr(a, bad))
		fail_msg("answer quotes \"%s\": %s", bad, a);
}

static void test_units(void **state)
{
	(void)state;
	static const char text[] = "# Title\n\nFirst sentence, e.g. this one. Second one here.\n"
				   "- item one\n  continued\n- item two\n\n```\ncode. Not a unit.\n```\n"
				   "| key | meaning |\n|-----|---------|\n| C-b d | detach |\n"
				   "Setext\n======\n--flag=X\n    Does X.\nC-b c    Create a window.\n";
	struct units u = {0};
	units_split(text, "Top > Sub", 1, &u);
	static const struct {
		const char *s, *heading;
		enum unit_kind kind;
	} want[] = {
		{"First sentence, e.g. this one.", "Title", UNIT_SENTENCE},
		{"Second one here.", "Title", UNIT_SENTENCE},
		{"item one\n  continued", "Title", UNIT_ITEM},
		{"item two", "Title", UNIT_ITEM},
		{"| key | meaning |", "Title", UNIT_ROW},
		{"| C-b d | detach |", "Title", UNIT_ROW},
		{"--flag=X\n    Does X.", "Setext", UNIT_DEF},
		{"C-b c    Create a window.", "Setext", UNIT_DEF},
	};
	assert_int_equal(u.n, sizeof want / sizeof *want);
	for (size_t i = 0; i < u.n; i++) {
		if (u.v[i].len != strlen(want[i].s) || memcmp(u.v[i].s, want[i].s, u.v[i].len))
			fail_msg("unit %zu is \"%.*s\"; wanted \"%s\"", i, (int)u.v[i].len, u.v[i].s, want[i].s);
		if (u.v[i].hlen != strlen(want[i].heading) || memcmp(u.v[i].heading, want[i].heading, u.v[i].hlen))
			fail_msg("unit %zu's heading is \"%.*s\"", i, (int)u.v[i].hlen, u.v[i].heading);
		assert_int_equal(u.v[i].kind, want[i].kind);
	}
	units_free(&u);
	/* A line that ends a sentence, spaces around its break (a loop once spun on them). */
	units_split("one ends here.  \n  two starts lower.", NULL, 1, &u);
	assert_int_equal(u.n, 2);
	assert_int_equal(u.v[1].len, strlen("two starts lower."));
	units_free(&u);
	/* With no heading in the text, the chunk's heading path gives the last part. */
	units_split("Plain words here.", "Guide > Install", 2, &u);
	assert_int_equal(u.n, 1);
	assert_int_equal(u.v[0].hlen, 7);
	assert_memory_equal(u.v[0].heading, "Install", 7);
	units_free(&u);
}

static void test_restating_heading_and_faq(void **state)
{
	(void)state;
	const struct passage p[] = {
		{"", "# Why use man-db instead of man?\n\nman-db is the implementation of man that Debian "
		     "ships; it keeps an index database so that apropos and whatis answer at once.\n"},
		{"FAQ", "## When should I fine-tune instead of RAG?\n\nWhen should I fine-tune instead of RAG?\n\n"
			"Fine-tune when you need to change how the model behaves: its tone, format or a task it "
			"does badly. Use RAG for facts that change and must be cited.\n"},
	};
	char *a = answer("Why use man-db instead of man?", p, 1, NULL);
	expect_first(a, "man-db is the implementation of man that Debian ships;");
	expect_none(a, "?");
	free(a);
	a = answer("When should I fine-tune instead of RAG?", p + 1, 1, NULL);
	expect_first(a, "Fine-tune when you need to change how the model behaves");
	expect_none(a, "When should I");
	free(a);
}

static void test_bullets_keep_their_heading(void **state)
{
	(void)state;
	const struct passage p[] = {
		{"", "## RAG costs\n\n- An index to keep fresh, and retrieval latency per query.\n\n"
		     "## Fine-tuning costs\n\n- Training runs cost $500 upfront, and again after each change.\n"},
	};
	char *a = answer("What does fine-tuning cost?", p, 1, NULL);
	expect_first(a, "Fine-tuning costs: Training runs cost $500 upfront, and again after each change [1].");
	expect_none(a, "RAG costs: Training");
	free(a);
}

static void test_keys_and_options_verbatim(void **state)
{
	(void)state;
	const struct passage p[] = {
		{"", "Warning: killing the server destroys every session and the windows in it.\n"},
		{"", "Sessions are kept by the server until it exits.\n"},
		{"Key bindings", "C-b c        Create a new window.\nC-b d        Detach the current client.\n"
				 "C-b ?        List all key bindings.\n"},
	};
	char *a = answer("what does C-b d do?", p, 3, NULL);
	expect_first(a, "Key bindings: C-b d Detach the current client [3].");
	expect_none(a, "Warning");
	expect_none(a, "Create a new window");
	free(a);

	const struct passage g[] = {
		{"OPTIONS", "       -A NUM, --after-context=NUM\n              Print NUM lines of trailing context "
			    "after matching lines.\n       --group-separator=SEP\n              When -A, -B, or -C "
			    "are in use, print SEP instead of -- between groups of lines.\n"},
	};
	a = answer("What does --group-separator do?", g, 1, NULL);
	expect_first(a, "OPTIONS: --group-separator=SEP When -A, -B, or -C are in use, print SEP instead of -- "
			"between groups of lines [1].");
	free(a);
}

static void test_code_never_quoted(void **state)
{
	(void)state;
	const struct passage p[] = {
		{"", "## Usage\n\n```sh\n# safety first: footnote --safety check\nfootnote ask \"safety?\"\n```\n"},
		{"", "## Safety\n\nfootnote sends your documents to no server unless a profile names one, and "
		     "never prints a secret.\n"},
	};
	char *a = answer("What does the README say about safety?", p, 2, NULL);
	expect_first(a, "footnote sends your documents to no server unless a profile names one");
	expect_none(a, "footnote ask");
	expect_none(a, "--safety");
	free(a);
}

static void test_diverse_and_relevance(void **state)
{
	(void)state;
	const struct passage p[] = {
		{"", "Water boils at 100 degrees Celsius at sea level. Ice melts at zero degrees."},
		{"", "At sea level, water boils at 100 degrees Celsius. Pressure lowers the boiling point."},
	};
	struct extractive ex;
	char *a = answer("At what temperature does water boil at sea level?", p, 2, &ex);
	expect_first(a, "Water boils at 100 degrees Celsius at sea level [1].");
	expect_none(a, "At sea level, water boils"); /* the same sentence again adds nothing */
	assert_true(ex.relevance >= 0.6);
	free(a);

	/* Words that match, an answer that does not: the figure says so. */
	const struct passage q[] = {
		{"", "Configure the editor with the EDITOR variable. The pager is configured the same way."},
	};
	a = answer("How do I configure the flux capacitor for time travel?", q, 1, &ex);
	assert_non_null(a);
	assert_int_equal(ex.passages, 1);
	if (ex.relevance > 0.3)
		fail_msg("relevance %.2f for an answer that does not answer", ex.relevance);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_restating_heading_and_faq),
		cmocka_unit_test(test_bullets_keep_their_heading),
		cmocka_unit_test(test_keys_and_options_verbatim),
		cmocka_unit_test(test_code_never_quoted),
		cmocka_unit_test(test_diverse_and_relevance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
