/* test_panes.c - real panes drawn through the fake terminal (term_fake.c) and read back as
 * text: the status bar in each of its states, and the picker engine's list, which scrolls
 * so the selection is always shown and reads its keys through the ui.keys table. */
#include "fn_test.h"

#include <locale.h>

#include <unistd.h>

#include "base/xmalloc.h"
#include "core/app/config.h"
#include "tests/unit/term_fake.h"
#include "ui/term/term.h"
#include "ui/tui/help_overlay.h"
#include "ui/tui/keys.h"
#include "ui/tui/loop.h"
#include "ui/tui/overlay.h"
#include "ui/tui/picker.h"
#include "ui/tui/profiles.h"
#include "ui/tui/status.h"

static void row_is(int y, const char *want)
{
	char *got = term_fake_row(y);
	bool same = !strcmp(got, want);
	if (!same)
		print_error("row %d: \"%s\" != \"%s\"\n", y, got, want);
	free(got);
	assert_true(same);
}

static void test_status_idle(void **state)
{
	(void)state;
	term_fake_resize(3, 60);
	struct status_line st = {0};
	st.idx.files_indexed = 2; /* the index's total, from its events */
	st.idx.chunks_total = 5;
	struct status_view v = {.profile = "rag", .model = "offline (extractive)", .st = &st};
	status_draw(&v, 1, 60);
	row_is(0, "");
	row_is(1, " rag  offline (extractive) │ idle │ 2 files, 5 chunks");
	assert_int_equal(term_fake_slot(1, 1), SLOT_STATUS_PROFILE);
	assert_int_equal(term_fake_slot(1, 6), SLOT_STATUS);
	assert_int_equal(term_fake_slot(1, 59), SLOT_STATUS); /* the bar is filled to the edge */
	row_is(2, "");
}

static void test_status_streaming_and_errors(void **state)
{
	(void)state;
	term_fake_resize(1, 80);
	struct status_line st = {0};
	st.indexing = true;
	st.idx.files_done = 3;
	st.idx.files_total = 9;
	st.idx.queue = 4;
	struct status_view v = {.profile = "qa", .model = "llama3", .streaming = true, .tokens = 120, .secs = 2,
				.st = &st};
	status_draw(&v, 0, 80);
	row_is(0, " qa  llama3 │ streaming 120 tok 60 tok/s │ indexing 3/9 files, queue 4");
	assert_int_equal(term_fake_slot(0, 6), SLOT_STATUS_STREAMING);

	/* An error notice colours the bar and is cut at the edge, never wrapped. */
	st.indexing = false;
	st.idx.queue = 0;
	st.idx_error = (char *)"no space left";
	st.notice = (char *)"index: the disk is full, free some space and run /reindex again please";
	st.notice_error = true;
	v.streaming = false;
	term_fake_resize(1, 60);
	status_draw(&v, 0, 60);
	row_is(0, " qa  llama3 │ idle │ index: no space left │ index: the disk…"); /* 60 columns */
	assert_int_equal(term_fake_slot(0, 10), SLOT_STATUS_ERROR);
}

/* The focused pane's keys sit at the right: all that fit beside the rest, and the first
 * one even when the rest is cut for it. */
static void test_status_hints(void **state)
{
	(void)state;
	struct status_line st = {0};
	st.idx.files_indexed = 2;
	st.idx.chunks_total = 2;
	const char *hints[] = {"o open", "Enter preview", "F3 close"};
	struct status_view v = {.profile = "rag", .model = "offline (extractive)", .st = &st, .hints = hints,
				.nhints = 3};
	term_fake_resize(1, 100);
	status_draw(&v, 0, 100);
	row_is(0, " rag  offline (extractive) │ idle │ 2 files, 2 chunks             o open · Enter preview · F3 close");
	assert_int_equal(term_fake_slot(0, 98), SLOT_STATUS);
	term_fake_resize(1, 60);
	status_draw(&v, 0, 60);
	row_is(0, " rag  offline (extractive) │ idle │ 2 files, 2 chu…  o open");
	v.hints = (const char *[]){"F3 sources", "Tab chat"};
	v.nhints = 2;
	status_draw(&v, 0, 60);
	row_is(0, " rag  offline (extractive) │ idle │ 2 files, 2…  F3 sources");
}

/* Which keys the bar offers follows the focus and the key table. */
static void test_status_hints_follow_focus(void **state)
{
	(void)state;
	struct tui *t = xcalloc(1, sizeof *t);
	keys_default(&t->keys);
	struct status_hints h;
	t->focus = FOCUS_INPUT;
	status_hints(t, true, &h);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.p[0], "F3 sources");
	assert_string_equal(h.p[1], "Tab chat");
	status_hints(t, false, &h);
	assert_string_equal(h.p[0], "Tab chat");
	t->focus = FOCUS_CHAT;
	status_hints(t, false, &h);
	assert_string_equal(h.p[0], "C-f search");
	assert_string_equal(h.p[1], "y copy");
	buf_adds(&t->chat.search, "water");
	status_hints(t, false, &h);
	assert_string_equal(h.p[1], "n/N match");
	t->focus = FOCUS_SOURCES;
	status_hints(t, true, &h);
	assert_int_equal(h.n, 3);
	assert_string_equal(h.p[0], "o open");
	assert_string_equal(h.p[1], "Enter preview");
	assert_string_equal(h.p[2], "F3 close");
	/* An error notice offers Esc first; a remapped key is shown as remapped. */
	t->st.notice = xstrdup("export failed");
	t->st.notice_error = true;
	char *err = NULL;
	const char *names[] = {"open"}, *specs[] = {"M-o"};
	assert_int_equal(keys_configure(&t->keys, NULL, 1, names, specs, NULL, NULL, &err), 0);
	status_hints(t, false, &h);
	assert_string_equal(h.p[0], "Esc dismiss");
	assert_string_equal(h.p[1], "M-o open");
	status_free(&t->st);
	buf_free(&t->chat.search);
	free(t);
}

static void test_status_search(void **state)
{
	(void)state;
	term_fake_resize(2, 40);
	struct status_line st = {.notice = (char *)"match 1/3"};
	struct status_view v = {.search = "wat\033]0;x", .profile = "rag", .model = "m", .st = &st};
	status_draw(&v, 1, 40);
	/* The query is sanitized: the escape is shown, not sent. */
	row_is(1, " search: wat^[]0;x  match 1/3");
	int y, x;
	bool shown;
	term_fake_cursor(&y, &x, &shown);
	assert_true(shown);
	assert_int_equal(y, 1);
	assert_int_equal(x, 18);
}

static char *row_text(void *ctx, size_t i, int *slot)
{
	(void)ctx;
	*slot = i == 3 ? SLOT_STATUS_ERROR : SLOT_STATUS;
	char *s = malloc(32);
	snprintf(s, 32, " row %02zu", i);
	return s;
}

/* 30 rows in a 12-row terminal: 5 are shown, and they follow the selection. */
static void test_picker_scrolls(void **state)
{
	(void)state;
	struct keymap km;
	keys_default(&km);
	struct picker p = {.n = 30};
	term_fake_resize(12, 50);
	picker_draw(&p, " Title", 60, 12, 50, row_text, NULL);
	char *screen = term_fake_text();
	assert_string_equal(screen, "\n\n"
				    "   Title\n"
				    "\n"
				    "   row 00\n"
				    "   row 01\n"
				    "   row 02\n"
				    "   row 03\n"
				    "   row 04\n"
				    "\n\n\n");
	free(screen);
	assert_int_equal(term_fake_slot(4, 5), SLOT_SOURCES_SELECTED);
	assert_int_equal(term_fake_slot(7, 5), SLOT_STATUS_ERROR);
	assert_int_equal(p.page, 5);

	assert_int_equal(picker_key(&p, &km, K_PGDN), PICK_STAY); /* a page is the rows shown */
	assert_int_equal(p.sel, 5);
	for (int i = 0; i < 15; i++)
		picker_key(&p, &km, 'j'); /* ui.keys: down is "Down j" */
	assert_int_equal(p.sel, 20);
	term_erase();
	picker_draw(&p, " Title", 60, 12, 50, row_text, NULL);
	row_is(4, "   row 16");
	row_is(8, "   row 20");
	assert_int_equal(term_fake_slot(8, 5), SLOT_SOURCES_SELECTED);
	picker_key(&p, &km, K_END);
	assert_int_equal(p.sel, 29);
	picker_key(&p, &km, 'g');
	assert_int_equal(p.sel, 0);
	picker_key(&p, &km, K_UP); /* no wrap: stays on the first row */
	assert_int_equal(p.sel, 0);
	p.wrap = true;
	picker_key(&p, &km, K_UP);
	assert_int_equal(p.sel, 29);
	assert_int_equal(picker_key(&p, &km, K_ENTER), PICK_CHOSEN);
	assert_int_equal(picker_key(&p, &km, K_ESC), PICK_CLOSE);
	assert_int_equal(picker_key(&p, &km, 'q'), PICK_CLOSE);
	assert_int_equal(picker_key(&p, &km, 'x'), PICK_STAY);
}

/* ui.keys applies to every picker: remapped keys move it, and the plain arrows still do. */
static void test_picker_keys_remapped(void **state)
{
	(void)state;
	struct keymap km;
	keys_default(&km);
	const char *names[] = {"up", "down", "stop", "send"};
	const char *specs[] = {"C-y", "C-n", "C-g", "C-s"};
	char *err = NULL;
	assert_int_equal(keys_configure(&km, "c.yaml", 4, names, specs, NULL, NULL, &err), 0);
	struct picker p = {.n = 5, .sel = 2};
	picker_key(&p, &km, K_CTRL('y'));
	assert_int_equal(p.sel, 1);
	picker_key(&p, &km, K_CTRL('n'));
	picker_key(&p, &km, K_CTRL('n'));
	assert_int_equal(p.sel, 3);
	picker_key(&p, &km, 'k'); /* no longer up */
	assert_int_equal(p.sel, 3);
	picker_key(&p, &km, K_UP);
	assert_int_equal(p.sel, 2);
	assert_int_equal(picker_key(&p, &km, K_CTRL('g')), PICK_CLOSE);
	assert_int_equal(picker_key(&p, &km, K_CTRL('s')), PICK_CHOSEN);
	assert_int_equal(picker_key(&p, &km, K_ENTER), PICK_CHOSEN); /* still the preview key */
	struct picker empty = {0};
	assert_int_equal(picker_key(&empty, &km, K_ENTER), PICK_STAY);
}

/* A configuration with n builtin profiles p00, p01, ... (caller frees with config_free). */
static struct config *profiles_config(int n)
{
	char dir[] = "/tmp/fn-panes-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/c.yaml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("profiles:\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "  p%02d: {provider: builtin}\n", i);
	fclose(f);
	struct config *c = NULL;
	char *err = NULL;
	if (config_load(path, &c, &err) != 0)
		fail_msg("config: %s", err);
	unlink(path);
	rmdir(dir);
	free(path);
	return c;
}

/* The profile picker is the engine in an overlay: with more profiles than rows it scrolls
 * (it used to drop the rows that did not fit), and Enter switches to the chosen one. */
static void test_profile_picker_overlay(void **state)
{
	(void)state;
	struct config *c = profiles_config(30);
	struct tui t = {.cfg = c};
	keys_default(&t.keys);
	t.prof.cur = config_profile(c, "p00");
	profiles_pick(&t);
	assert_non_null(t.ov.cls);
	assert_string_equal(t.ov.cls->name, "profiles");
	term_fake_resize(12, 70);
	overlay_draw(&t, 12, 70);
	row_is(2, "      Profile (Enter picks, Esc closes)");
	row_is(4, "      * p00          extractive · retrieval");
	row_is(8, "        p04          extractive · retrieval");
	for (int i = 0; i < 20; i++)
		assert_true(overlay_key(&t, K_DOWN));
	term_erase();
	overlay_draw(&t, 12, 70);
	row_is(8, "        p20          extractive · retrieval");
	assert_int_equal(term_fake_slot(8, 8), SLOT_SOURCES_SELECTED);
	overlay_key(&t, K_ENTER);
	assert_null(t.ov.cls);
	assert_string_equal(t.prof.cur->name, "p20");
	assert_non_null(strstr(t.st.notice, "profile p20: offline extractive answers"));

	/* Up from the first row goes round to the last, as F2 walks the list. */
	profiles_pick(&t);
	overlay_key(&t, K_HOME);
	overlay_key(&t, 'k');
	overlay_key(&t, K_ENTER);
	/* the last profile: footnote's own four (rag, fine-tuned, hybrid, offline) follow the file's */
	const char *last = c->profiles.v[c->profiles.n - 1].name;
	assert_string_equal(t.prof.cur->name, last);
	profiles_pick(&t);
	overlay_key(&t, K_F(2));
	overlay_key(&t, K_ESC); /* closes without switching */
	assert_null(t.ov.cls);
	assert_string_equal(t.prof.cur->name, last);
	status_free(&t.st);
	config_free(c);
}

/* Help is an overlay too: it scrolls with Up/Down and any other key closes it. */
static void test_help_overlay(void **state)
{
	(void)state;
	struct tui t = {0};
	keys_default(&t.keys);
	help_toggle(&t);
	assert_string_equal(t.ov.cls->name, "help");
	term_fake_resize(10, 90);
	overlay_draw(&t, 10, 90);
	row_is(2, "      Anywhere");
	row_is(3, "      Esc              stop the answer; close a preview, search or list");
	assert_true(overlay_key(&t, K_DOWN));
	assert_non_null(t.ov.cls);
	term_erase();
	overlay_draw(&t, 10, 90);
	row_is(2, "      Esc              stop the answer; close a preview, search or list");
	overlay_key(&t, 'x');
	assert_null(t.ov.cls);
	help_toggle(&t);
	help_toggle(&t); /* F1 again closes it */
	assert_null(t.ov.cls);
}

/* The help's text is wrapped to its box at any width: nothing is cut, long rows continue
 * under their description. */
static void test_help_wraps(void **state)
{
	(void)state;
	int widths[] = {160, 60};
	for (size_t wi = 0; wi < 2; wi++) {
		int cols = widths[wi];
		struct tui t = {0};
		keys_default(&t.keys);
		help_toggle(&t);
		term_fake_resize(200, cols);
		overlay_draw(&t, 200, cols);
		struct buf all = {0};
		for (int y = 0; y < 200; y++) {
			char *r = term_fake_row(y);
			if (getenv("FN_SHOW"))
				fprintf(stderr, "%s|\n", r);
			/* the box's text ends two columns inside it */
			int left = cols > 84 ? (cols - 80) / 2 : 2;
			assert_true(strlen(r) == 0 || text_width(r, strlen(r)) <= left + (cols > 84 ? 80 : cols - 4) - 1);
			buf_addf(&all, "%s\n", r);
			free(r);
		}
		/* Every word is there, only wrapped: the /compare line's end, under its description. */
		struct buf flat = {0};
		for (const char *p = all.p; *p; p++)
			if (!(*p == ' ' || *p == '\n') || (flat.len && flat.p[flat.len - 1] != ' '))
				buf_addc(&flat, *p == '\n' ? ' ' : *p);
		bool whole = strstr(flat.p, "pick the side whose sources show /new") &&
			     strstr(flat.p, "/ starts a command from anywhere.");
		buf_free(&flat);
		buf_free(&all);
		overlay_close(&t);
		assert_true(whole);
	}
}

/* A wide character takes two cells; text stops at the width it was given. */
static void test_fake_wide(void **state)
{
	(void)state;
	term_fake_resize(1, 10);
	assert_int_equal(term_text(0, 0, 5, SLOT_DEFAULT, "日本語です", strlen("日本語です")), 4);
	row_is(0, "日本");
	assert_int_equal(term_fake_slot(0, 1), SLOT_DEFAULT);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_idle),
		cmocka_unit_test(test_status_streaming_and_errors),
		cmocka_unit_test(test_status_search),
		cmocka_unit_test(test_status_hints),
		cmocka_unit_test(test_status_hints_follow_focus),
		cmocka_unit_test(test_picker_scrolls),
		cmocka_unit_test(test_picker_keys_remapped),
		cmocka_unit_test(test_profile_picker_overlay),
		cmocka_unit_test(test_help_overlay),
		cmocka_unit_test(test_help_wraps),
		cmocka_unit_test(test_fake_wide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
