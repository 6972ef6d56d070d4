/* test_log.c - the log file: levels, one line per message, no secrets, no escapes. */
#include "fn_test.h"

#include <unistd.h>

#include "base/xmalloc.h"
#include "core/app/log.h"

static char *log_path(void)
{
	return xasprintf("%s/logtest-%ld/sub/footnote.log", getenv("FN_TMP") ? getenv("FN_TMP") : "/tmp",
			 (long)getpid());
}

static void test_levels_and_secrets(void **state)
{
	(void)state;
	char *path = log_path();
	assert_int_equal(log_open(path, "info"), 0); /* creates the directories */
	log_add_secret("sk-live-TOPSECRET42");
	log_info("request failed: HTTP 401 for key sk-live-TOPSECRET42 (Bearer sk-other-abcdef)");
	log_debug("this is below the level");
	log_warn("model said \x1b]52;c;ZXZpbA==\x07 and\nmore");
	log_error("url https://x/?api_key=hunter2hunter2&x=1");
	log_close();

	char *text = fn_slurp(path, NULL);
	assert_null(strstr(text, "TOPSECRET42"));
	assert_null(strstr(text, "sk-other-abcdef"));
	assert_null(strstr(text, "hunter2"));
	assert_non_null(strstr(text, "[redacted]"));
	assert_null(strstr(text, "below the level"));
	assert_null(strchr(text, '\x1b'));
	assert_null(strchr(text, '\x07'));
	assert_non_null(strstr(text, "^[]52;c;ZXZpbA==^G and^Jmore"));
	int lines = 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 3);
	free(text);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels_and_secrets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
