/* test_manual.c - the manual pages and completion follow the tables: every command, global
 * option, key action, exit code and config key is in a page, and every option and
 * placeholder of every usage line is classified for completion. */
#include "fn_test.h"

#include "core/app/config.h"
#include "ui/cmd/complete.h"
#include "ui/cmd/help.h"
#include "ui/cmd/manual.h"
#include "ui/tui/keys.h"

static char *page(const char *section)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(cli_manual(section, f), 0);
	fclose(f);
	return text;
}

/* A table's text as the page writes it: minus signs escaped. */
static void assert_in_page(const char *text, const char *what)
{
	char esc[256] = "";
	size_t n = 0;
	for (const char *s = what; *s && n + 3 < sizeof esc; s++) {
		if (*s == '-')
			esc[n++] = '\\';
		esc[n++] = *s;
	}
	esc[n] = '\0';
	if (!strstr(text, esc))
		fail_msg("the page lacks \"%s\"", esc);
}

static void test_page1_covers_the_tables(void **state)
{
	(void)state;
	char *text = page("1");
	char buf[64];
	for (const struct cmd_help *c = cmd_helps; c->name; c++) {
		snprintf(buf, sizeof buf, ".SS %s\n", c->name);
		assert_in_page(text, buf);
	}
	for (const struct cli_option *o = cli_options; o->name; o++)
		assert_in_page(text, o->name);
	for (int a = A_NONE + 1; a < A_COUNT; a++) {
		snprintf(buf, sizeof buf, "\\fB%s\\fR", action_name((enum action)a));
		assert_in_page(text, buf);
	}
	for (const struct cli_exit *e = cli_exits; e->help; e++) {
		snprintf(buf, sizeof buf, ".B %d\n%s", e->code, e->help);
		assert_in_page(text, buf);
	}
	free(text);
	assert_int_equal(cli_manual("3", stdout), -1);
}

static void check_key(void *ctx, const struct config_key *k)
{
	assert_in_page(ctx, k->path);
}

static void test_page5_has_every_config_key(void **state)
{
	(void)state;
	char *text = page("5");
	config_each_opt(check_key, text);
	assert_non_null(strstr(text, "integer 1..100. Default: \\fB6\\fR"));
	free(text);
}

static void test_usage_placeholders_classified(void **state)
{
	(void)state;
	for (const struct cmd_help *c = cmd_helps; c->name; c++) {
		struct usage u;
		assert_int_equal(usage_parse(c->usage, &u), 0);
		for (int i = 0; i < u.nopts; i++)
			if (u.opts[i].kind == CK_UNKNOWN)
				fail_msg("%s %s %s: say in ui/cmd/complete.c what it completes to", c->name,
					 u.opts[i].name, u.opts[i].arg);
		for (int a = 0; a < u.nalts; a++)
			for (int p = 0; p < u.alts[a].npos; p++)
				if (u.alts[a].pos_kind[p] == CK_UNKNOWN)
					fail_msg("%s %s: say in ui/cmd/complete.c what it completes to", c->name,
						 u.alts[a].pos[p]);
	}
	for (const struct cli_option *o = cli_options; o->arg; o++)
		assert_int_not_equal(usage_arg_kind(o->name, o->arg), CK_UNKNOWN);
}

static void test_usage_parse(void **state)
{
	(void)state;
	struct usage u;
	assert_int_equal(usage_parse("footnote x [--json] [-k N] [--mode a|b] [--yes|--no] QUERY\n"
				     "       footnote x --queries FILE [-k N]", &u), 0);
	assert_int_equal(u.nopts, 6); /* -k once */
	assert_string_equal(u.opts[0].name, "--json");
	assert_string_equal(u.opts[0].arg, "");
	assert_string_equal(u.opts[1].arg, "N");
	assert_int_equal(u.opts[2].kind, CK_WORDS);
	assert_string_equal(u.opts[3].name, "--yes");
	assert_string_equal(u.opts[4].name, "--no");
	assert_int_equal(u.opts[5].kind, CK_FILE);
	assert_int_equal(u.nalts, 1);
	assert_string_equal(u.alts[0].pos[0], "QUERY");
	assert_int_equal(usage_parse("footnote s list [--json] | show ID | rename ID TITLE", &u), 0);
	assert_int_equal(u.nalts, 3);
	assert_string_equal(u.alts[1].word, "show");
	assert_int_equal(u.alts[1].pos_kind[0], CK_SESSION);
	assert_int_equal(u.alts[2].npos, 2);
	assert_int_equal(usage_parse("footnote i [--watch] [PATH...]", &u), 0);
	assert_string_equal(u.opts[0].arg, "");
	assert_string_equal(u.alts[0].pos[0], "PATH");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page1_covers_the_tables),
		cmocka_unit_test(test_page5_has_every_config_key),
		cmocka_unit_test(test_usage_placeholders_classified),
		cmocka_unit_test(test_usage_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
