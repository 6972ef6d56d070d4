/* test_passage.c - the line `o` opens a source at (ui/render/passage.c): the line of the
 * passage that holds the cited sentence, not the chunk's first; the start of a sentence
 * wrapped over lines; the chunk's first line when nothing matches. */
#include "fn_test.h"

#include "ui/render/passage.h"

static size_t at(const char *passage, const char *claim)
{
	return passage_line(passage, strlen(passage), claim, strlen(claim), "english");
}

static const char PASSWD[] =
	"Users and groups\n"                                               /* 0: line 357 */
	"================\n"
	"\n"
	"Every process runs as a user, and every file belongs to a user and a group.\n"
	"The system keeps its accounts in a few plain text files.\n"
	"\n"
	"The password file\n"
	"-----------------\n"
	"\n"
	"Each line of the file describes one account with seven fields separated\n"
	"by colons.\n"
	"The encrypted passwords live in /etc/shadow, readable only by root, since\n" /* 11: line 368 */
	"anyone can read /etc/passwd.\n"
	"Group memberships are listed in /etc/group.\n";

static void test_cited_line(void **state)
{
	(void)state;
	/* The claim's sentence is on the 12th line: open there, not at the chunk's start. */
	assert_int_equal(at(PASSWD, "Encrypted passwords are kept in /etc/shadow, which only root can read [1]."), 11);
	assert_int_equal(at(PASSWD, "Group memberships are in /etc/group [1]."), 13);
	assert_int_equal(at(PASSWD, "Every file belongs to a user and a group [1]."), 3);
}

static void test_wrapped_sentence(void **state)
{
	(void)state;
	/* The best-matching piece is the second line of a wrapped sentence: the sentence, and
	 * so the quote, began a line above. */
	assert_int_equal(at(PASSWD, "Accounts have seven fields separated by colons [1]."), 9);
	assert_int_equal(at(PASSWD, "Anyone can read /etc/passwd, so the encrypted passwords are elsewhere [1]."), 11);
	/* A heading above a matching line is not part of its sentence. */
	assert_int_equal(at("# Water\nWater boils at 100 degrees Celsius at sea level.\n",
			    "Water boils at 100 degrees [1]."), 1);
	/* Nor is a list item above another one. */
	assert_int_equal(at("- kettles switch off when water boils\n- salt raises the boiling point\n",
			    "Salt raises the boiling point [1]."), 1);
}

static void test_nothing_matches(void **state)
{
	(void)state;
	assert_int_equal(at(PASSWD, "The moon is made of green cheese."), 0);
	assert_int_equal(at("", "anything"), 0);
	assert_int_equal(passage_line(PASSWD, strlen(PASSWD), "", 0, "english"), 0);
	/* An unknown language still finds the line (no stemming). */
	assert_int_equal(passage_line(PASSWD, strlen(PASSWD), "group memberships /etc/group", 28, "klingon"), 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cited_line),
		cmocka_unit_test(test_wrapped_sentence),
		cmocka_unit_test(test_nothing_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
