/* test_panes.c - real panes drawn through the fake terminal (term_fake.c) and read back as
 * text: the status bar in each of its states, and the picker engine's list, which scrolls
 * so the selection is always shown and reads its keys through the ui.keys table. */
#include "fn_test.h"

#include <locale.h>

#include "tests/unit/term_fake.h"
#include "ui/term/term.h"
#include "ui/tui/keys.h"
#include "ui/tui/picker.h"
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
	st.idx.files_total = 2;
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
	row_is(0, " qa  llama3 │ idle │ index: no space left │ index: the disk"); /* 60 columns */
	assert_int_equal(term_fake_slot(0, 10), SLOT_STATUS_ERROR);
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
		cmocka_unit_test(test_picker_scrolls),
		cmocka_unit_test(test_picker_keys_remapped),
		cmocka_unit_test(test_fake_wide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
