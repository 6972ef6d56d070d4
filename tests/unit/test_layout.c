/* test_layout.c - the layout as strings: each pane's rectangle ("y,x hxw", "-" when not
 * drawn) at the sizes people use: below 80 columns the chat alone (the sources over it only
 * while focused), from 80 side by side with the chat the larger. */
#include "fn_test.h"

#include "base/buf.h"
#include "ui/tui/layout.h"

static void rect(struct buf *b, const char *name, const struct rect *r)
{
	if (r->w > 0 && r->h > 0)
		buf_addf(b, "%s%s %d,%d %dx%d", b->len ? " | " : "", name, r->y, r->x, r->h, r->w);
	else
		buf_addf(b, "%s%s -", b->len ? " | " : "", name);
}

/* rows x cols, the input's wrapped rows, the sources shown and their configured width. */
static char *layout_str(int rows, int cols, int input, bool sources, bool focused, int sources_w)
{
	struct layout l;
	layout_compute(rows, cols, input, sources, focused, sources_w, &l);
	struct buf b = {0};
	if (l.too_small) {
		buf_adds(&b, "too small");
		return buf_detach(&b);
	}
	rect(&b, "chat", &l.chat);
	rect(&b, l.sources_over ? "sources(over)" : "sources", &l.sources);
	rect(&b, "rule", &l.rule);
	rect(&b, "prompt", &l.prompt);
	rect(&b, "input", &l.input);
	rect(&b, "status", &l.status);
	return buf_detach(&b);
}

static void layout_is(int rows, int cols, int input, bool sources, bool focused, int sources_w,
		      const char *want)
{
	char *got = layout_str(rows, cols, input, sources, focused, sources_w);
	bool same = !strcmp(got, want);
	if (!same)
		print_error("%dx%d: \"%s\"\n  != \"%s\"\n", cols, rows, got, want);
	free(got);
	assert_true(same);
}

static void test_sizes(void **state)
{
	(void)state;
	/* Below 80 columns the chat is the screen, the sources pane on or off. */
	layout_is(20, 60, 1, true, false, 40,
		  "chat 0,0 17x60 | sources - | rule 17,0 1x60 | prompt 18,0 1x2 | input 18,2 1x58 | status 19,0 1x60");
	layout_is(24, 79, 1, true, false, 40,
		  "chat 0,0 21x79 | sources - | rule 21,0 1x79 | prompt 22,0 1x2 | input 22,2 1x77 | status 23,0 1x79");
	/* ... and the sources cover it while they have the focus (F3, Tab). */
	layout_is(20, 60, 1, true, true, 40,
		  "chat - | sources(over) 0,0 17x60 | rule 17,0 1x60 | prompt 18,0 1x2 | input 18,2 1x58 | status 19,0 1x60");
	layout_is(24, 79, 1, false, true, 40,
		  "chat - | sources(over) 0,0 21x79 | rule 21,0 1x79 | prompt 22,0 1x2 | input 22,2 1x77 | status 23,0 1x79");
	/* From 80 side by side, the chat the larger share: the sources at most two fifths, and
	 * one blank column before their border. */
	layout_is(24, 80, 1, true, false, 40,
		  "chat 0,0 21x47 | sources 0,48 21x32 | rule 21,0 1x80 | prompt 22,0 1x2 | input 22,2 1x78 | status 23,0 1x80");
	layout_is(24, 80, 1, true, true, 60,
		  "chat 0,0 21x47 | sources 0,48 21x32 | rule 21,0 1x80 | prompt 22,0 1x2 | input 22,2 1x78 | status 23,0 1x80");
	layout_is(30, 100, 1, true, false, 40,
		  "chat 0,0 27x59 | sources 0,60 27x40 | rule 27,0 1x100 | prompt 28,0 1x2 | input 28,2 1x98 | status 29,0 1x100");
	layout_is(50, 160, 1, true, false, 40,
		  "chat 0,0 47x119 | sources 0,120 47x40 | rule 47,0 1x160 | prompt 48,0 1x2 | input 48,2 1x158 | status 49,0 1x160");
	/* Whichever the width, the chat is wider than the sources. */
	for (int cols = 80; cols <= 300; cols++) {
		struct layout l;
		layout_compute(40, cols, 1, true, false, 1000, &l);
		assert_false(l.narrow);
		assert_true(l.chat.w + 1 > l.sources.w);
		assert_int_equal(l.chat.w + 1 + l.sources.w, cols);
	}
	assert_true(layout_narrow(79));
	assert_false(layout_narrow(80));
}

static void test_hidden_sources_and_input(void **state)
{
	(void)state;
	/* F3 off: the chat takes the width (all of it when narrow, but the last column when wide);
	 * focusing the sources shows them again. */
	layout_is(24, 80, 1, false, false, 40,
		  "chat 0,0 21x79 | sources - | rule 21,0 1x80 | prompt 22,0 1x2 | input 22,2 1x78 | status 23,0 1x80");
	layout_is(24, 100, 1, false, true, 40,
		  "chat 0,0 21x59 | sources 0,60 21x40 | rule 21,0 1x100 | prompt 22,0 1x2 | input 22,2 1x98 | status 23,0 1x100");
	/* A taller input pushes the chat up; past 8 rows it scrolls inside its box. */
	layout_is(24, 100, 3, true, false, 40,
		  "chat 0,0 19x59 | sources 0,60 19x40 | rule 19,0 1x100 | prompt 20,0 1x2 | input 20,2 3x98 | status 23,0 1x100");
	layout_is(24, 100, 12, true, false, 40,
		  "chat 0,0 14x59 | sources 0,60 14x40 | rule 14,0 1x100 | prompt 15,0 1x2 | input 15,2 8x98 | status 23,0 1x100");
	layout_is(24, 100, 0, true, false, 40,
		  "chat 0,0 21x59 | sources 0,60 21x40 | rule 21,0 1x100 | prompt 22,0 1x2 | input 22,2 1x98 | status 23,0 1x100");
}

static void test_too_small(void **state)
{
	(void)state;
	layout_is(5, 19, 1, true, false, 40, "too small");
	layout_is(4, 20, 1, true, false, 40, "too small");
	layout_is(5, 20, 1, true, false, 40,
		  "chat 0,0 2x20 | sources - | rule 2,0 1x20 | prompt 3,0 1x2 | input 3,2 1x18 | status 4,0 1x20");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_hidden_sources_and_input),
		cmocka_unit_test(test_too_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
