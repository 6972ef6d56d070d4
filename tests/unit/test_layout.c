/* test_layout.c - the layout as strings: each pane's rectangle ("y,x hxw", "-" when not
 * drawn) at the sizes people use, side by side and with the sources over the chat. */
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
static char *layout_str(int rows, int cols, int input, bool sources, int sources_w)
{
	struct layout l;
	layout_compute(rows, cols, input, sources, sources_w, &l);
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

static void layout_is(int rows, int cols, int input, bool sources, int sources_w, const char *want)
{
	char *got = layout_str(rows, cols, input, sources, sources_w);
	bool same = !strcmp(got, want);
	if (!same)
		print_error("%dx%d: \"%s\"\n  != \"%s\"\n", cols, rows, got, want);
	free(got);
	assert_true(same);
}

static void test_sizes(void **state)
{
	(void)state;
	/* Below 80 columns the sources pane covers the chat. */
	layout_is(20, 60, 1, true, 40,
		  "chat - | sources(over) 0,0 17x60 | rule 17,0 1x60 | prompt 18,0 1x2 | input 18,2 1x58 | status 19,0 1x60");
	layout_is(24, 79, 1, true, 40,
		  "chat - | sources(over) 0,0 21x79 | rule 21,0 1x79 | prompt 22,0 1x2 | input 22,2 1x77 | status 23,0 1x79");
	/* From 80 side by side: at most half the width, and one blank column before the border. */
	layout_is(24, 80, 1, true, 40,
		  "chat 0,0 21x39 | sources 0,40 21x40 | rule 21,0 1x80 | prompt 22,0 1x2 | input 22,2 1x78 | status 23,0 1x80");
	layout_is(24, 80, 1, true, 60,
		  "chat 0,0 21x39 | sources 0,40 21x40 | rule 21,0 1x80 | prompt 22,0 1x2 | input 22,2 1x78 | status 23,0 1x80");
	layout_is(50, 160, 1, true, 40,
		  "chat 0,0 47x119 | sources 0,120 47x40 | rule 47,0 1x160 | prompt 48,0 1x2 | input 48,2 1x158 | status 49,0 1x160");
}

static void test_hidden_sources_and_input(void **state)
{
	(void)state;
	/* F3: the chat takes the width (all of it when narrow, but the last column when wide). */
	layout_is(20, 60, 1, false, 40,
		  "chat 0,0 17x60 | sources - | rule 17,0 1x60 | prompt 18,0 1x2 | input 18,2 1x58 | status 19,0 1x60");
	layout_is(24, 80, 1, false, 40,
		  "chat 0,0 21x79 | sources - | rule 21,0 1x80 | prompt 22,0 1x2 | input 22,2 1x78 | status 23,0 1x80");
	/* A taller input pushes the chat up; past 8 rows it scrolls inside its box. */
	layout_is(24, 80, 3, true, 40,
		  "chat 0,0 19x39 | sources 0,40 19x40 | rule 19,0 1x80 | prompt 20,0 1x2 | input 20,2 3x78 | status 23,0 1x80");
	layout_is(24, 80, 12, true, 40,
		  "chat 0,0 14x39 | sources 0,40 14x40 | rule 14,0 1x80 | prompt 15,0 1x2 | input 15,2 8x78 | status 23,0 1x80");
	layout_is(24, 80, 0, true, 40,
		  "chat 0,0 21x39 | sources 0,40 21x40 | rule 21,0 1x80 | prompt 22,0 1x2 | input 22,2 1x78 | status 23,0 1x80");
}

static void test_too_small(void **state)
{
	(void)state;
	layout_is(5, 19, 1, true, 40, "too small");
	layout_is(4, 20, 1, true, 40, "too small");
	layout_is(5, 20, 1, true, 40,
		  "chat - | sources(over) 0,0 2x20 | rule 2,0 1x20 | prompt 3,0 1x2 | input 3,2 1x18 | status 4,0 1x20");
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
