/* test_cite.c - the citation marker parser: every marker form, code skipped, invalid ids
 * kept, and each tricky stream fed whole, one byte at a time and split at every offset (in
 * two and in three pieces) with the same result. */
#include "fn_test.h"

#include "base/buf.h"
#include "core/answer/cite.h"

/* Renders spans as text: markers as <1,2> (an invalid id gets a !), code as {...}. */
struct render {
	const char *text;
	struct buf out;
	size_t next;     /* where the next span must start */
	bool gap;        /* a span did not start where the previous ended */
};

static void render_seg(void *ctx, const struct cite_seg *s)
{
	struct render *r = ctx;
	if (s->start != r->next || s->len == 0)
		r->gap = true;
	r->next = s->start + s->len;
	if (s->kind == CITE_TEXT) {
		buf_add(&r->out, r->text + s->start, s->len);
	} else if (s->kind == CITE_CODE) {
		buf_addc(&r->out, '{');
		buf_add(&r->out, r->text + s->start, s->len);
		buf_addc(&r->out, '}');
	} else {
		buf_addc(&r->out, '<');
		for (int i = 0; i < s->nids; i++)
			buf_addf(&r->out, "%s%d%s", i ? "," : "", s->ids[i], s->valid[i] ? "" : "!");
		buf_addc(&r->out, '>');
	}
}

/* Merges adjacent {..}{..} so the rendering does not depend on how the text was cut. */
static char *normal(const char *s)
{
	struct buf b = {0};
	for (; *s; s++) {
		if (s[0] == '}' && s[1] == '{') {
			s++;
			continue;
		}
		buf_addc(&b, *s);
	}
	return buf_detach(&b);
}

/* Feeds text cut at the given offsets (ascending, 0..ncut of them). */
static char *feed_cuts(const char *text, int nsrc, const size_t *cuts, size_t ncut)
{
	size_t len = strlen(text);
	struct render r = {text, {0}, 0, false};
	struct cite_parser *p = cite_parser_new(nsrc);
	size_t at = 0;
	for (size_t i = 0; i <= ncut; i++) {
		size_t end = i < ncut ? cuts[i] : len;
		cite_feed(p, text + at, end - at, render_seg, &r);
		/* Everything fed is reported except what is held. */
		assert_int_equal(r.next, end - cite_held(p));
		at = end;
	}
	cite_finish(p, render_seg, &r);
	assert_int_equal(cite_held(p), 0);
	assert_int_equal(r.next, len);
	assert_false(r.gap);
	cite_parser_free(p);
	char *s = normal(buf_str(&r.out));
	buf_free(&r.out);
	return s;
}

static void expect_all_splits(const char *text, int nsrc, const char *want)
{
	size_t len = strlen(text);
	char *got = feed_cuts(text, nsrc, NULL, 0);
	if (strcmp(got, want))
		fail_msg("whole: %s\n got: %s\nwant: %s", text, got, want);
	free(got);
	for (size_t a = 0; a <= len; a++) {
		size_t cut[1] = {a};
		got = feed_cuts(text, nsrc, cut, 1);
		if (strcmp(got, want))
			fail_msg("split at %zu: %s\n got: %s\nwant: %s", a, text, got, want);
		free(got);
		for (size_t b = a; b <= len && len <= 80; b++) {
			size_t cuts[2] = {a, b};
			got = feed_cuts(text, nsrc, cuts, 2);
			if (strcmp(got, want))
				fail_msg("split at %zu,%zu: %s\n got: %s\nwant: %s", a, b, text, got, want);
			free(got);
		}
	}
	/* one byte at a time */
	size_t *cuts = malloc(len * sizeof *cuts);
	for (size_t i = 0; i < len; i++)
		cuts[i] = i;
	got = feed_cuts(text, nsrc, cuts, len);
	free(cuts);
	if (strcmp(got, want))
		fail_msg("bytewise: %s\n got: %s\nwant: %s", text, got, want);
	free(got);
}

static void test_forms(void **state)
{
	(void)state;
	expect_all_splits("Water boils [1].", 3, "Water boils <1>.");
	expect_all_splits("A [1, 2] b [1][2] c [1-3] d [2;3]", 3, "A <1,2> b <1><2> c <1,2,3> d <2,3>");
	expect_all_splits("Fullwidth \xe3\x80\x90" "1\xe3\x80\x91 and \xef\xbc\xbb" "2\xef\xbc\xbd.", 3,
			  "Fullwidth <1> and <2>.");
	expect_all_splits("\xef\xbc\xbb\xef\xbc\x91\xef\xbc\x8c\xef\xbc\x92\xef\xbc\xbd", 3, "<1,2>");
	expect_all_splits("x [^2] y [source 1] z [Source: 3] w [ 1 ]", 3, "x <2> y <1> z <3> w <1>");
	expect_all_splits("\xe3\x80\x90" "1\xe2\x80\xa0source\xe3\x80\x91", 3, "<1>");
	expect_all_splits("range [1\xe2\x80\x93" "3] spaced [1 2]", 3, "range <1,2,3> spaced <1,2>");
}

static void test_invalid_kept(void **state)
{
	(void)state;
	expect_all_splits("Known [2] unknown [7] mixed [1, 9] zero [0].", 2, "Known <2> unknown <7!> mixed <1,9!> zero <0!>.");
	expect_all_splits("No sources at all [1].", 0, "No sources at all <1!>.");
	struct cite_segs s;
	const char *t = "a [1] b [4][5]";
	cite_parse(t, strlen(t), 3, true, &s);
	assert_int_equal(s.markers, 3);
	assert_int_equal(s.invalid, 2);
	cite_segs_free(&s);
}

static void test_not_markers(void **state)
{
	(void)state;
	expect_all_splits("[note] in [2019] and [1a] or [a1] [1-] [3-1] [] [1,] [1-2-3]", 9,
			  "[note] in [2019] and [1a] or [a1] [1-] [3-1] [] [1,] [1-2-3]");
	expect_all_splits("[[1]] [ [2]", 3, "[<1>] [ <2>");
	expect_all_splits("dangling [1", 3, "dangling [1");
	expect_all_splits("dangling [1, 2", 3, "dangling [1, 2");
	expect_all_splits("big range [1-40]", 3, "big range [1-40]");
	expect_all_splits("\xe3\x81\x82\xe3\x80\x82 kana and \xef\xbc\x81 bang", 3,
			  "\xe3\x81\x82\xe3\x80\x82 kana and \xef\xbc\x81 bang");
	expect_all_splits("[1\n]", 3, "[1\n]");
	/* A Markdown link is not a marker; a marker before a parenthesis with a space is. */
	expect_all_splits("see [2](http://x) and [2] (x) [2]", 3, "see [2](http://x) and <2> (x) <2>");
}

static void test_code_skipped(void **state)
{
	(void)state;
	expect_all_splits("Use `a[1]` here [1].", 3, "Use {`a[1]`} here <1>.");
	expect_all_splits("Two ``x`[1]`` ticks [2]", 3, "Two {``x`[1]``} ticks <2>");
	expect_all_splits("Intro [1]:\n```c\nint a[2];\n```\nAfter [2].", 3,
			  "Intro <1>:\n{```c\nint a[2];\n```}\nAfter <2>.");
	expect_all_splits("~~~\nv[1]\n~~~\n[1]", 3, "{~~~\nv[1]\n~~~}\n<1>");
	expect_all_splits("````\n```\n[1]\n````\n[1]", 3, "{````\n```\n[1]\n````}\n<1>");
	expect_all_splits("a ~~~ [1]", 3, "a ~~~ <1>");
	/* A stray backtick ends at the line's end, so later markers still count. */
	expect_all_splits("stray ` tick [1]\nnext [2]", 3, "stray {` tick [1]}\nnext <2>");
	expect_all_splits("  ```\n[3]\n  ```\n[3]", 3, "  {```\n[3]\n  ```}\n<3>");
	expect_all_splits("    ```x [1]", 3, "    {```x [1]}");
}

/* The whole-text form with final=false leaves a held tail out, for a display mid-stream. */
static void test_parse_partial(void **state)
{
	(void)state;
	const char *t = "Boils at 100 C [1";
	struct cite_segs s;
	cite_parse(t, strlen(t), 3, false, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0].kind, CITE_TEXT);
	assert_int_equal(s.v[0].len, strlen("Boils at 100 C "));
	cite_segs_free(&s);
	cite_parse(t, strlen(t), 3, true, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.v[0].len, strlen(t));
	assert_int_equal(s.markers, 0);
	cite_segs_free(&s);
}

/* Random bytes in the grammar's alphabet, cut at random: the spans always tile the text
 * and do not depend on the cuts. */
static void test_random_streams(void **state)
{
	(void)state;
	static const char *const atoms[] = {"[", "]", "1", "2", ",", " ", "-", "`", "```", "\n", "a",
					    "\xe3\x80\x90", "\xe3\x80\x91", "\xef\xbc\xbb", "~~~", "^"};
	unsigned seed = 7;
	for (int round = 0; round < 400; round++) {
		struct buf t = {0};
		for (int i = 0; i < 30; i++) {
			seed = seed * 1103515245u + 12345u;
			buf_adds(&t, atoms[(seed >> 16) % (sizeof atoms / sizeof *atoms)]);
		}
		char *whole = feed_cuts(t.p, 2, NULL, 0);
		size_t cuts[4];
		for (int i = 0; i < 4; i++) {
			seed = seed * 1103515245u + 12345u;
			cuts[i] = (seed >> 16) % (t.len + 1);
		}
		for (int i = 1; i < 4; i++) /* sort */
			for (int j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
				size_t x = cuts[j];
				cuts[j] = cuts[j - 1];
				cuts[j - 1] = x;
			}
		char *cut = feed_cuts(t.p, 2, cuts, 4);
		assert_string_equal(whole, cut);
		free(whole);
		free(cut);
		buf_free(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_invalid_kept),
		cmocka_unit_test(test_not_markers),
		cmocka_unit_test(test_code_skipped),
		cmocka_unit_test(test_parse_partial),
		cmocka_unit_test(test_random_streams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
