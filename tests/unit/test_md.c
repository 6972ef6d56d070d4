/* test_md.c - Markdown to styled lines (ui/render/md.c), as strings: each line is printed with its
 * styled runs as {slot|text}; plain assistant text is bare. */
#include "fn_test.h"

#include <locale.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "ui/render/md.h"
#include "ui/term/term.h"

static char *styled_lines(const struct lines *l)
{
	struct buf b = {0};
	for (size_t i = 0; i < l->n; i++) {
		const struct line *ln = &l->v[i];
		for (size_t j = 0; j < ln->nspans; j++) {
			const struct span *s = &ln->spans[j];
			if (s->slot == SLOT_CHAT_ASSISTANT || s->slot == SLOT_DEFAULT)
				buf_addf(&b, "%.*s", (int)s->len, ln->text + s->start);
			else
				buf_addf(&b, "{%s|%.*s}", slot_name(s->slot), (int)s->len, ln->text + s->start);
		}
		buf_adds(&b, "\n");
	}
	return buf_detach(&b);
}

static char *render(const char *md, int width)
{
	struct lines l = {0};
	struct md_opts o = {.width = width, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 2};
	md_render(md, strlen(md), &o, &l);
	char *s = styled_lines(&l);
	lines_free(&l);
	return s;
}

#define assert_render(md, width, want)                \
	do {                                          \
		char *got_ = render(md, width);       \
		assert_string_equal(got_, want);      \
		free(got_);                           \
	} while (0)

static void test_inline(void **state)
{
	(void)state;
	assert_render("Water **boils** at 100 C [1]. Ice *melts* at `0 [2]`, steam [7].", 80,
		      "Water {chat.strong|boils} at 100 C {chat.citation|[1]}. Ice {chat.emphasis|melts} at "
		      "{code.inline|0 [2]}, steam {chat.citation.bad|[7]}.\n");
	/* Emphasis around a marker keeps the marker a citation; [1][2] are two markers. */
	assert_render("*so [1]* and [1][2] and [1, 2]", 80,
		      "{chat.emphasis|so }{chat.citation|[1]} and {chat.citation|[1][2]} and {chat.citation|[1, 2]}\n");
}

static void test_headings(void **state)
{
	(void)state;
	assert_render("# Title\n\nText.\n\n## Sub [1]\nMore.", 80,
		      "{chat.heading|Title}\n{chat.heading|═════}\n\nText.\n\n{chat.heading|Sub }{chat.citation|[1]}\n\nMore.\n");
}

static void test_code_block(void **state)
{
	(void)state;
	struct lines l = {0};
	const char *md = "Run:\n\n```sh\nls -la [3]\n\techo\n```\nafter";
	struct md_opts o = {.width = 20, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 9};
	md_render(md, strlen(md), &o, &l);
	char *s = styled_lines(&l);
	/* Padded to the width on the code background; no marker inside; tabs expanded. */
	assert_string_equal(s, "Run:\n\n{code| ls -la [3]         }\n{code|     echo           }\n\nafter\n");
	assert_int_equal(l.v[2].code, 1);
	assert_int_equal(l.v[3].code, 1);
	assert_int_equal(l.v[5].code, 0);
	assert_int_equal(l.ncode, 1);
	assert_string_equal(l.code[0], "ls -la [3]\n    echo\n"); /* md4c expands an indenting tab */
	free(s);
	lines_free(&l);
	/* Long code lines are cut into screen-wide pieces, never word-wrapped. */
	assert_render("```\nabcdefghijkl\n```", 8, "{code| abcdefg}\n{code| hijkl  }\n");
}

static void test_lists(void **state)
{
	(void)state;
	assert_render("- one\n- two [1]\n  - nested\n- three\n\n3. c\n4. d\n\n- [ ] todo\n- [x] done", 40,
		      "{chat.meta|• }one\n{chat.meta|• }two {chat.citation|[1]}\n  {chat.meta|◦ }nested\n"
		      "{chat.meta|• }three\n\n{chat.meta|3. }c\n{chat.meta|4. }d\n\n"
		      "{chat.meta|• ☐ }todo\n{chat.meta|• ☑ }done\n");
	/* A long item wraps under its text, not under its bullet. */
	assert_render("1. alpha beta gamma delta", 13, "{chat.meta|1. }alpha beta\n   gamma\n   delta\n");
}

static void test_quote_and_links(void **state)
{
	(void)state;
	assert_render("> quoted words here", 12,
		      "{chat.quote|│ quoted}\n{chat.quote|│ words here}\n");
	assert_render("See [docs](https://e.com/x) or https://e.org or <a@b.c>.", 80,
		      "See {chat.link|docs}{chat.meta| (https://e.com/x)} or {chat.link|https://e.org} or "
		      "{chat.link|a@b.c}.\n");
}

static void test_tables(void **state)
{
	(void)state;
	const char *t = "| Name | Value |\n|---|---|\n| a | 1 [1] |\n| bb | 22 |";
	assert_render(t, 40,
		      "{chat.strong|Name}{border| │ }{chat.strong|Value}\n{border|─────┼──────}\n"
		      "a   {border| │ }1 {chat.citation|[1]}\nbb  {border| │ }22\n");
	/* Too narrow for a grid: one "header: value" line per cell, rows apart. */
	assert_render(t, 8,
		      "{chat.strong|Name: }a\n{chat.strong|Value: }1\n{chat.citation|[1]}\n\n"
		      "{chat.strong|Name: }bb\n{chat.strong|Value:}\n22\n");
}

static void test_widths(void **state)
{
	(void)state;
	/* CJK is two columns, combining marks none, emoji two. */
	assert_render("日本語のテキスト", 6, "日本語\nのテキ\nスト\n");
	assert_render("cafe\xcc\x81 cafe\xcc\x81 cafe\xcc\x81", 10, "cafe\xcc\x81 cafe\xcc\x81\ncafe\xcc\x81\n");
	assert_render("\xf0\x9f\x99\x82\xf0\x9f\x99\x82 ok", 4, "\xf0\x9f\x99\x82\xf0\x9f\x99\x82\nok\n");
}

static void test_entities_stay_safe(void **state)
{
	(void)state;
	/* An entity must not smuggle a control character past the sanitizer. */
	char *s = render("a &#27;[2J b &amp; &#x9b; &unknown; &eacute;", 80);
	assert_null(strchr(s, 0x1b));
	assert_null(strstr(s, "\xc2\x9b"));
	assert_non_null(strstr(s, "a ^[[2J b & \\x9b &unknown; &eacute;"));
	free(s);
}

/* While streaming, every prefix of a document renders: an open fence is code to the end, a
 * half marker is text. Spans cover each line exactly and lines fit the width. */
static void test_streaming_prefixes(void **state)
{
	(void)state;
	const char *doc = "# Head\n\nSome **bold [1]** text, `code`, and [a link](http://x.y).\n\n"
			  "- item one [2]\n  1. sub\n> quote 日本語 [1]\n\n```c\nint x;\n```\n\n"
			  "| a | b |\n|---|---|\n| 1 | 2 |\n\ntail [12";
	size_t n = strlen(doc);
	for (int w = 1; w <= 50; w += 7) {
		for (size_t cut = 0; cut <= n; cut++) {
			if (cut < n && ((unsigned char)doc[cut] & 0xC0) == 0x80)
				continue;
			struct lines l = {0};
			struct md_opts o = {.width = w, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 2};
			md_render(doc, cut, &o, &l);
			for (size_t i = 0; i < l.n; i++) {
				size_t at = 0;
				for (size_t j = 0; j < l.v[i].nspans; j++) {
					assert_int_equal(l.v[i].spans[j].start, at);
					at += l.v[i].spans[j].len;
				}
				assert_int_equal(at, l.v[i].len);
				assert_true(text_width(l.v[i].text, l.v[i].len) <= (w < 4 ? 4 : w));
			}
			lines_free(&l);
		}
	}
	assert_render("```py\nprint(1)", 12, "{code| print(1)   }\n");
	assert_render("text [1", 20, "text [1\n");
}

static void test_marks_hook(void **state)
{
	(void)state;
	const char *md = "Cited here [1]. Not cited here.";
	struct md_mark mk = {16, 31, SLOT_CHAT_UNCITED, NULL, 0};
	struct lines l = {0};
	struct md_opts o = {.width = 80, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 9, .marks = &mk, .nmarks = 1};
	md_render(md, strlen(md), &o, &l);
	char *s = styled_lines(&l);
	assert_string_equal(s, "Cited here {chat.citation|[1]}. {chat.uncited|Not cited here.}\n");
	free(s);
	lines_free(&l);
}

/* Markers come from core/answer/cite.h: every form it knows, ranges and invalid numbers, never in
 * code, never a link or a year. */
static void test_marker_forms(void **state)
{
	(void)state;
	assert_render("A 【1】 B ［2］ C [1-2] D [^1] E [1; 2]", 80,
		      "A {chat.citation|【1】} B {chat.citation|［2］} C {chat.citation|[1-2]} D {chat.citation|[^1]} "
		      "E {chat.citation|[1; 2]}\n");
	/* A range reaching a number with no source is invalid; so is 【9】. */
	assert_render("x [1-3] y 【9】 z [2019] [note] [1a]", 80,
		      "x {chat.citation.bad|[1-3]} y {chat.citation.bad|【9】} z [2019] [note] [1a]\n");
	/* [2](url) is a link, not a marker; code keeps its brackets. */
	assert_render("see [2](http://e.org) and `[1]` and [1]", 80,
		      "see {chat.link|2}{chat.meta| (http://e.org)} and {code.inline|[1]} and {chat.citation|[1]}\n");
}

struct seen {
	size_t start[8];
	int n;
};

static int unsupported_second(void *ctx, const struct cite_seg *seg)
{
	struct seen *s = ctx;
	if (s->n < 8)
		s->start[s->n++] = seg->start;
	return s->n == 2 ? SLOT_CHAT_UNSUPPORTED : SLOT_CHAT_CITATION;
}

/* The hook chooses each marker's slot and sees offsets in the whole answer (base). */
static void test_marker_hook(void **state)
{
	(void)state;
	const char *md = "One [1]. Two [2]. Three [1].";
	struct seen seen = {{0}, 0};
	struct lines l = {0};
	struct md_opts o = {.width = 80, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 2,
			    .marker_slot = unsupported_second, .ctx = &seen, .base = 100};
	md_render(md, strlen(md), &o, &l);
	char *s = styled_lines(&l);
	assert_string_equal(s, "One {chat.citation|[1]}. Two {chat.unsupported|[2]}. Three {chat.citation|[1]}.\n");
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.start[0], 104);
	assert_int_equal(seen.start[1], 113);
	free(s);
	lines_free(&l);
}

/* Labels go right after the byte before their mark's end, even where md4c swallowed that
 * byte (a closing "**"); a mark with start == end only places a label. */
static void test_labels(void **state)
{
	(void)state;
	const char *md = "Cited [1]. Known fact.\n\n**Bold claim.** Next [2].";
	struct md_mark mk[] = {
		{9, 9, -1, "?", SLOT_CHAT_UNSUPPORTED},
		{11, 22, SLOT_CHAT_UNCITED, " (model knowledge)", SLOT_CHAT_UNCITED},
		{24, 39, -1, " [auto: 1]", SLOT_CHAT_ATTACHED},
	};
	struct lines l = {0};
	struct md_opts o = {.width = 80, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = 2, .marks = mk, .nmarks = 3};
	md_render(md, strlen(md), &o, &l);
	char *s = styled_lines(&l);
	assert_string_equal(s, "Cited {chat.citation|[1]}{chat.unsupported|?}. {chat.uncited|Known fact. (model knowledge)}\n"
			       "\n"
			       "{chat.strong|Bold claim.}{chat.attached| [auto: 1]} Next {chat.citation|[2]}.\n");
	free(s);
	lines_free(&l);
	/* The last bytes of a block swallowed by md4c ("**" at the end of a list item): the
	 * label still ends that block, not the next one. */
	const char *md2 = "- **Claim one.**\n- two\n";
	struct md_mark mk2 = {2, 16, -1, " [auto: 2]", SLOT_CHAT_ATTACHED};
	o.marks = &mk2;
	o.nmarks = 1;
	md_render(md2, strlen(md2), &o, &l);
	s = styled_lines(&l);
	assert_string_equal(s, "{chat.meta|• }{chat.strong|Claim one.}{chat.attached| [auto: 2]}\n{chat.meta|• }two\n");
	free(s);
	lines_free(&l);
}

static void test_every_slot_named(void **state)
{
	(void)state;
	for (int i = 0; i < SLOT_COUNT; i++) {
		assert_non_null(slot_name(i));
		assert_int_equal(slot_from_name(slot_name(i)), i);
	}
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline),
		cmocka_unit_test(test_headings),
		cmocka_unit_test(test_code_block),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_quote_and_links),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_entities_stay_safe),
		cmocka_unit_test(test_streaming_prefixes),
		cmocka_unit_test(test_marks_hook),
		cmocka_unit_test(test_marker_forms),
		cmocka_unit_test(test_marker_hook),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_every_slot_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
