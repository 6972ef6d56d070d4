/* test_secret.c - API keys: environment, api_key_cmd (once, first line, failures), literal;
 * never in a message or the log. */
#include "fn_test.h"

#include <unistd.h>

#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/net/secret.h"

static struct cfg_provider provider(const char *env, const char *cmd, const char *lit)
{
	struct cfg_provider p = {
		.name = (char *)"remote",
		.kind = PROVIDER_OPENAI,
		.base_url = (char *)"http://127.0.0.1:1/v1",
		.api_key_env = (char *)env,
		.api_key_cmd = (char *)cmd,
		.api_key = (char *)lit,
	};
	return p;
}

static char *tmp_path(const char *name)
{
	return xasprintf("%s/secret-%ld-%s", getenv("FN_TMP") ? getenv("FN_TMP") : "/tmp",
			 (long)getpid(), name);
}

static void test_order_env_cmd_literal(void **state)
{
	(void)state;
	struct secret s;
	char *err = NULL;
	struct cfg_provider p = provider("FN_TEST_SECRET_ENV", "echo sk-from-cmd-1234", "sk-literal-5678");

	setenv("FN_TEST_SECRET_ENV", "sk-from-env-0000", 1);
	assert_int_equal(secret_get(&p, &s, &err), 0);
	assert_string_equal(s.key, "sk-from-env-0000");
	assert_int_equal(s.source, SECRET_ENV);
	assert_string_equal(s.where, "$FN_TEST_SECRET_ENV");
	secret_clear(&s);

	setenv("FN_TEST_SECRET_ENV", "", 1); /* empty counts as unset */
	assert_int_equal(secret_get(&p, &s, &err), 0);
	assert_string_equal(s.key, "sk-from-cmd-1234");
	assert_int_equal(s.source, SECRET_CMD);
	secret_clear(&s);
	unsetenv("FN_TEST_SECRET_ENV");

	p.api_key_cmd = (char *)"";
	assert_int_equal(secret_get(&p, &s, &err), 0);
	assert_string_equal(s.key, "sk-literal-5678");
	assert_int_equal(s.source, SECRET_LITERAL);
	secret_clear(&s);

	p.api_key = (char *)"";
	assert_int_equal(secret_get(&p, &s, &err), 0);
	assert_null(s.key); /* no key: fine for local servers */
	assert_int_equal(s.source, SECRET_NONE);
	assert_string_equal(secret_source_name(s.source), "none");
	secret_cache_free();
}

static void test_cmd_first_line_trimmed_and_run_once(void **state)
{
	(void)state;
	char *count = tmp_path("count");
	char *cmd = xasprintf("echo run >> '%s'; printf '  sk-cmd-abcdef \\nsecond line\\n'", count);
	struct cfg_provider p = provider("", cmd, "");
	struct secret s;
	char *err = NULL;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(secret_get(&p, &s, &err), 0);
		assert_string_equal(s.key, "sk-cmd-abcdef");
		assert_string_equal(s.where, "providers.remote.api_key_cmd");
		secret_clear(&s);
	}
	size_t len;
	char *runs = fn_slurp(count, &len);
	assert_string_equal(runs, "run\n"); /* ran once, cached in memory */
	free(runs);
	unlink(count);
	secret_cache_free();
	free(cmd);
	free(count);
}

static void test_cmd_failures_say_nothing_secret(void **state)
{
	(void)state;
	struct secret s;
	char *err = NULL;
	struct cfg_provider p = provider("", "echo sk-half-printed-9999; echo 'stderr-LEAK' >&2; exit 3", "");
	assert_int_equal(secret_get(&p, &s, &err), -1);
	assert_non_null(strstr(err, "status 3"));
	assert_null(strstr(err, "sk-half"));
	assert_null(strstr(err, "LEAK"));
	assert_null(s.key);
	free(err);

	p.api_key_cmd = (char *)"true";
	assert_int_equal(secret_get(&p, &s, &err), -1);
	assert_non_null(strstr(err, "printed nothing"));
	free(err);
	secret_cache_free();
}

static void test_keys_are_redacted_in_the_log(void **state)
{
	(void)state;
	char *path = tmp_path("footnote.log");
	assert_int_equal(log_open(path, "debug"), 0);
	struct cfg_provider p = provider("", "echo sk-cmd-REDACTME-77", "");
	struct secret s;
	char *err = NULL;
	assert_int_equal(secret_get(&p, &s, &err), 0);
	log_error("the server refused %s", s.key);
	secret_clear(&s);
	log_close();
	char *text = fn_slurp(path, NULL);
	assert_null(strstr(text, "REDACTME"));
	assert_non_null(strstr(text, "[redacted]"));
	free(text);
	unlink(path);
	free(path);
	secret_cache_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_env_cmd_literal),
		cmocka_unit_test(test_cmd_first_line_trimmed_and_run_once),
		cmocka_unit_test(test_cmd_failures_say_nothing_secret),
		cmocka_unit_test(test_keys_are_redacted_in_the_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
