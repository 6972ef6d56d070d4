/* test_keys.c - the key table: names, defaults, remapping and its errors; search and term
 * highlighting; base64 for OSC 52. */
#include "fn_test.h"

#include <locale.h>

#include "base/buf.h"
#include "ui/tui/clip.h"
#include "ui/render/hl.h"
#include "ui/tui/keys.h"
#include "ui/term/term.h"

static void test_key_names(void **state)
{
	(void)state;
	static const char *const specs[] = {"C-p", "F2", "F12", "M-Enter", "PgUp", "Esc", "q", "?", "M-x",
					    "S-Tab", "Enter", "C-]", "é"};
	char buf[32];
	for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
		int k = key_parse(specs[i]);
		assert_true(k > 0);
		assert_string_equal(key_name(k, buf, sizeof buf), specs[i]); /* round trip */
	}
	assert_int_equal(key_parse("C-p"), K_CTRL('p'));
	assert_int_equal(key_parse("c-P"), K_CTRL('p'));
	assert_int_equal(key_parse("f3"), K_F(3));
	assert_int_equal(key_parse("M-x"), K_ALT('x'));
	static const char *const bad[] = {"", "C-", "C-pp", "F0", "F13", "Ctrl+P", "ab", "M-", "C-1"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(key_parse(bad[i]), -1);
}

static void test_defaults_and_contexts(void **state)
{
	(void)state;
	struct keymap km;
	keys_default(&km);
	assert_int_equal(keys_action(&km, KC_INPUT, K_ENTER), A_SEND);
	assert_int_equal(keys_action(&km, KC_SOURCES, K_ENTER), A_PREVIEW);
	assert_int_equal(keys_action(&km, KC_CHAT, K_ENTER), A_NONE);
	assert_int_equal(keys_action(&km, KC_CHAT, '?'), A_HELP);
	assert_int_equal(keys_action(&km, KC_INPUT, '?'), A_NONE); /* types a question mark */
	assert_int_equal(keys_action(&km, KC_INPUT, K_F(1)), A_HELP);
	assert_int_equal(keys_action(&km, KC_CHAT, K_UP), A_UP);
	assert_int_equal(keys_action(&km, KC_INPUT, K_UP), A_HISTORY_PREV);
	assert_int_equal(keys_action(&km, KC_SOURCES, 'o'), A_OPEN);
	assert_int_equal(keys_action(&km, KC_CHAT, 'o'), A_NONE);
	assert_int_equal(keys_action(&km, KC_INPUT, K_CTRL('p')), A_PROFILES);
	char buf[64];
	assert_string_equal(action_keys(&km, A_PROFILES, buf, sizeof buf), "F2 / C-p");
	/* Every action has a name, a help line and, but for complete, a key. */
	for (int a = A_NONE + 1; a < A_COUNT; a++) {
		assert_true(strlen(action_name(a)) > 0);
		assert_true(strlen(action_help(a)) > 0);
		if (a != A_COMPLETE)
			assert_true(strlen(action_keys(&km, a, buf, sizeof buf)) > 0);
	}
}

static void test_remap(void **state)
{
	(void)state;
	struct keymap km;
	keys_default(&km);
	const char *names[] = {"toggle_sources", "copy_code"};
	const char *specs[] = {"F5, M-s", "C-p"};
	int lines[] = {3, 4}, cols[] = {21, 16};
	char *err = NULL;
	assert_int_equal(keys_configure(&km, "c.yaml", 2, names, specs, lines, cols, &err), 0);
	assert_null(err);
	assert_int_equal(keys_action(&km, KC_CHAT, K_F(5)), A_TOGGLE_SOURCES);
	assert_int_equal(keys_action(&km, KC_INPUT, K_ALT('s')), A_TOGGLE_SOURCES);
	assert_int_equal(keys_action(&km, KC_CHAT, K_F(3)), A_NONE); /* replaced, not added */
	/* C-p now copies code in the chat; it left the global profiles action. */
	assert_int_equal(keys_action(&km, KC_CHAT, K_CTRL('p')), A_COPY_CODE);
	assert_int_equal(keys_action(&km, KC_INPUT, K_CTRL('p')), A_NONE);
	assert_int_equal(keys_action(&km, KC_INPUT, K_F(2)), A_PROFILES);

	const char *bad_name[] = {"toggle_source"};
	assert_int_equal(keys_configure(&km, "c.yaml", 1, bad_name, specs, lines, cols, &err), -1);
	assert_non_null(strstr(err, "c.yaml:3:21: ui.keys.toggle_source: unknown action"));
	assert_non_null(strstr(err, "toggle_sources"));
	free(err);
	const char *bad_key[] = {"Ctrl+X"};
	assert_int_equal(keys_configure(&km, "c.yaml", 1, names, bad_key, lines, cols, &err), -1);
	assert_non_null(strstr(err, "c.yaml:3:21: ui.keys.toggle_sources: \"Ctrl+X\" is not a key"));
	free(err);
}

static void test_find(void **state)
{
	(void)state;
	const char *s = "Water boils; WATER freezes";
	assert_int_equal(hl_find(s, strlen(s), "water", 5, 0), 0);
	assert_int_equal(hl_find(s, strlen(s), "water", 5, 1), 13);
	assert_int_equal(hl_find(s, strlen(s), "steam", 5, 0), SIZE_MAX);
	assert_int_equal(hl_find(s, strlen(s), "", 0, 0), SIZE_MAX);
	assert_int_equal(hl_find("ab", 2, "abc", 3, 0), SIZE_MAX);
}

static void test_terms(void **state)
{
	(void)state;
	struct hl_terms *t = hl_terms_new("At what temperature does water boil?", "english");
	const char *snip = "Water boils at 100 degrees; the temperatures vary.";
	struct span *sp;
	size_t n = hl_term_spans(t, snip, strlen(snip), SLOT_DEFAULT, SLOT_SOURCES_MATCH, &sp);
	struct buf b = {0};
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(sp[i].start, at);
		at += sp[i].len;
		if (sp[i].slot == SLOT_SOURCES_MATCH)
			buf_addf(&b, "<%.*s>", (int)sp[i].len, snip + sp[i].start);
	}
	assert_int_equal(at, strlen(snip));
	/* Stems match ("boils", "temperatures"); stopwords ("at", "the") do not. */
	assert_string_equal(buf_str(&b), "<Water><boils><temperatures>");
	buf_free(&b);
	free(sp);
	hl_terms_free(t);
}

static void test_base64(void **state)
{
	(void)state;
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (size_t i = 0; i < 7; i++) {
		char *b = base64_encode(in[i], strlen(in[i]));
		assert_string_equal(b, out[i]);
		free(b);
	}
	char *b = base64_encode("\xff\xfe\n", 3);
	assert_string_equal(b, "//4K");
	free(b);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_defaults_and_contexts),
		cmocka_unit_test(test_remap),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
