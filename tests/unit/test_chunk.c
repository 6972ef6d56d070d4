/* test_chunk.c - the chunker: structure, exact ranges and lines, sizes in characters,
 * overlap, pages. */
#include "fn_test.h"

#include "base/buf.h"
#include "base/utf8.h"
#include "index/text/text.h"

static size_t lines_before(const char *t, size_t off)
{
	size_t n = 0;
	for (size_t i = 0; i < off; i++)
		n += t[i] == '\n';
	return n;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* What must hold for every chunk of every input: the text is exactly its byte range, the
 * range is trimmed and never cuts a character, lines and pages are those of the range. */
static void check_invariants(const char *t, size_t len, const struct chunk_list *l)
{
	size_t nff = 0;
	for (size_t i = 0; i < len; i++)
		nff += t[i] == '\f';
	for (size_t i = 0; i < l->n; i++) {
		const struct chunk *c = &l->v[i];
		assert_true(c->byte_start < c->byte_end);
		assert_true(c->byte_end <= len);
		assert_int_equal(strlen(c->text), c->byte_end - c->byte_start);
		assert_memory_equal(c->text, t + c->byte_start, c->byte_end - c->byte_start);
		assert_false(is_ws(t[c->byte_end - 1]));
		assert_false(t[c->byte_start] == '\n');
		/* never inside a UTF-8 sequence */
		assert_true(((unsigned char)t[c->byte_start] & 0xC0) != 0x80);
		assert_true(c->byte_end == len || ((unsigned char)t[c->byte_end] & 0xC0) != 0x80);
		assert_int_equal(utf8_count(c->text, strlen(c->text)),
				 utf8_count(t + c->byte_start, c->byte_end - c->byte_start));
		assert_int_equal(c->line_start, lines_before(t, c->byte_start) + 1);
		assert_int_equal(c->line_end, lines_before(t, c->byte_end - 1) + 1);
		assert_non_null(c->heading);
		if (nff) {
			size_t ff = 0;
			for (size_t k = 0; k < c->byte_start; k++)
				ff += t[k] == '\f';
			assert_int_equal(c->page, ff + 1);
			assert_null(memchr(c->text, '\f', strlen(c->text))); /* never spans pages */
		} else {
			assert_int_equal(c->page, 0);
		}
		if (i > 0)
			assert_true(l->v[i - 1].byte_start < c->byte_start);
	}
}

static void chunk(const char *t, size_t len, enum text_kind kind, size_t target, size_t overlap,
		  struct chunk_list *l)
{
	struct chunk_opts o = {target, overlap};
	memset(l, 0, sizeof *l);
	chunk_text(t, len, kind, &o, l);
	check_invariants(t, len, l);
}

static void test_markdown_headings(void **state)
{
	(void)state;
	const char *md =
		"# Guide\n"                 /* 1 */
		"\n"                        /* 2 */
		"Intro paragraph.\n"        /* 3 */
		"\n"                        /* 4 */
		"## Install\n"              /* 5 */
		"## Build ##\n"             /* 6: empty section merges forward */
		"\n"                        /* 7 */
		"Run make.\n"               /* 8 */
		"\n"                        /* 9 */
		"### Linux\n"               /* 10 */
		"Use apt.\n"                /* 11 */
		"  \n"                      /* 12 */
		"\n"                        /* 13 */
		"```sh\n"                   /* 14 */
		"# not a heading\n"         /* 15 */
		"```\n"                     /* 16 */
		"## Usage\n"                /* 17 */
		"\n"                        /* 18 */
		"Type a question.\n"        /* 19 */
		"Second line.\n"            /* 20 */
		"\n"                        /* 21 */
		"Setext title\n"            /* 22 */
		"============\n"            /* 23 */
		"Body.\n"                   /* 24 */
		"#hashtag is text\n";       /* 25 */
	struct chunk_list l;
	chunk(md, strlen(md), TEXT_MARKDOWN, 1000, 100, &l);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].heading, "Guide");
	assert_string_equal(l.v[0].text, "# Guide\n\nIntro paragraph.");
	assert_int_equal(l.v[0].line_start, 1);
	assert_int_equal(l.v[0].line_end, 3);
	assert_string_equal(l.v[1].heading, "Guide > Build");
	assert_string_equal(l.v[1].text, "## Install\n## Build ##\n\nRun make.");
	assert_int_equal(l.v[1].line_start, 5);
	assert_int_equal(l.v[1].line_end, 8);
	assert_string_equal(l.v[2].heading, "Guide > Build > Linux");
	assert_string_equal(l.v[2].text, "### Linux\nUse apt.\n  \n\n```sh\n# not a heading\n```");
	assert_int_equal(l.v[2].line_start, 10);
	assert_int_equal(l.v[2].line_end, 16);
	assert_string_equal(l.v[3].heading, "Guide > Usage");
	assert_int_equal(l.v[3].line_start, 17);
	assert_int_equal(l.v[3].line_end, 20);
	assert_string_equal(l.v[4].heading, "Setext title");
	assert_string_equal(l.v[4].text, "Setext title\n============\nBody.\n#hashtag is text");
	assert_int_equal(l.v[4].line_start, 22);
	assert_int_equal(l.v[4].line_end, 25);
	chunk_list_free(&l);

	/* Plain text has no headings. */
	chunk(md, strlen(md), TEXT_PLAIN, 1000, 100, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].heading, "");
	assert_int_equal(l.v[0].line_start, 1);
	assert_int_equal(l.v[0].line_end, 25);
	chunk_list_free(&l);
}

static void test_code_fence_whole(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_adds(&b, "Some words before the code, enough to fill part of a chunk.\n\n");
	size_t fs = b.len;
	buf_adds(&b, "```c\nint main(void)\n{\n\tint x = 1;\n\n\treturn x;\n}\n\nstatic int y;\n```\n");
	size_t fe = b.len - 1;
	buf_adds(&b, "\nAfter the fence there is more prose to read here.\n");
	struct chunk_list l;
	chunk(b.p, b.len, TEXT_MARKDOWN, 80, 20, &l);
	int found = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].byte_start <= fs && l.v[i].byte_end >= fe)
			found = 1;
		/* no chunk starts or ends inside the fence */
		assert_false(l.v[i].byte_start > fs && l.v[i].byte_start < fe);
		assert_false(l.v[i].byte_end > fs && l.v[i].byte_end < fe);
	}
	assert_true(found);
	chunk_list_free(&l);

	/* A fence over twice the target is split at line boundaries. */
	buf_reset(&b);
	buf_adds(&b, "```\n");
	for (int i = 0; i < 60; i++)
		buf_addf(&b, "line %02d of the long code block\n", i);
	buf_adds(&b, "```\n");
	chunk(b.p, b.len, TEXT_MARKDOWN, 200, 50, &l);
	assert_true(l.n > 5);
	for (size_t i = 0; i < l.n; i++) {
		size_t s = l.v[i].byte_start;
		assert_true(s == 0 || b.p[s - 1] == '\n');
		assert_true(utf8_count(l.v[i].text, strlen(l.v[i].text)) <= 200);
		if (i > 0) /* no overlap inside code */
			assert_true(s >= l.v[i - 1].byte_end);
	}
	chunk_list_free(&l);
	buf_free(&b);
}

static void test_long_paragraph_sentences_and_overlap(void **state)
{
	(void)state;
	struct buf b = {0};
	for (int i = 0; i < 40; i++)
		buf_addf(&b, "Sentence number %d says something short. ", i);
	buf_adds(&b, "\n");
	struct chunk_list l;
	chunk(b.p, b.len, TEXT_PLAIN, 300, 0, &l);
	assert_true(l.n >= 5);
	for (size_t i = 0; i < l.n; i++) {
		const char *t = l.v[i].text;
		size_t n = strlen(t);
		assert_true(utf8_count(t, n) <= 300);
		assert_true(utf8_count(t, n) >= 150);
		assert_memory_equal(t, "Sentence", 8);
		assert_int_equal(t[n - 1], '.');
		if (i > 0)
			assert_true(l.v[i].byte_start >= l.v[i - 1].byte_end);
	}
	chunk_list_free(&l);

	chunk(b.p, b.len, TEXT_PLAIN, 300, 60, &l);
	assert_true(l.n >= 5);
	for (size_t i = 1; i < l.n; i++) {
		const struct chunk *p = &l.v[i - 1], *c = &l.v[i];
		assert_true(c->byte_start < p->byte_end); /* overlap present */
		size_t ov = utf8_count(b.p + c->byte_start, p->byte_end - c->byte_start);
		assert_true(ov >= 20 && ov <= 60);
		assert_true(b.p[c->byte_start - 1] == ' ');   /* starts at a word */
		assert_true(utf8_count(c->text, strlen(c->text)) <= 300 + 60);
	}
	chunk_list_free(&l);

	/* One giant word is cut hard, at character boundaries. */
	buf_reset(&b);
	for (int i = 0; i < 500; i++)
		buf_adds(&b, i % 7 ? "é" : "\xf0\x9f\x99\x82");
	chunk(b.p, b.len, TEXT_PLAIN, 100, 10, &l);
	assert_true(l.n >= 5);
	for (size_t i = 0; i + 1 < l.n; i++)
		assert_int_equal(utf8_count(l.v[i].text, strlen(l.v[i].text)), 100);
	chunk_list_free(&l);
	buf_free(&b);
}

static double mean_chars(const struct chunk_list *l)
{
	size_t sum = 0;
	for (size_t i = 0; i + 1 < l->n; i++) /* the last chunk is a remainder */
		sum += utf8_count(l->v[i].text, strlen(l->v[i].text));
	return (double)sum / (double)(l->n - 1);
}

static void test_cjk_sizes_in_characters(void **state)
{
	(void)state;
	struct buf zh = {0}, en = {0};
	for (int i = 0; i < 120; i++) {
		buf_adds(&zh, "这是一个关于文本分块的测试句子，用来检查字符数量。");
		buf_adds(&en, "This sentence checks chunk sizes in characters. ");
	}
	struct chunk_list lz, le;
	chunk(zh.p, zh.len, TEXT_PLAIN, 400, 50, &lz);
	chunk(en.p, en.len, TEXT_PLAIN, 400, 50, &le);
	assert_true(lz.n >= 5 && le.n >= 5);
	double mz = mean_chars(&lz), me = mean_chars(&le);
	assert_true(mz > 300 && mz <= 450);
	assert_true(me > 300 && me <= 450);
	assert_true(mz / me > 0.8 && mz / me < 1.25);
	/* Chinese chunks end at 。 */
	for (size_t i = 0; i + 1 < lz.n; i++) {
		size_t n = strlen(lz.v[i].text);
		assert_memory_equal(lz.v[i].text + n - 3, "。", 3);
	}
	chunk_list_free(&lz);
	chunk_list_free(&le);
	buf_free(&zh);
	buf_free(&en);
}

static void test_pages(void **state)
{
	(void)state;
	const char *pdf = "  Alpha on page one.\n\n\f  Bravo on page two.\nMore bravo.\n\f"
			  "\fCharlie after an empty page.\n\f";
	struct chunk_list l;
	chunk(pdf, strlen(pdf), TEXT_PDF, 1000, 100, &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].page, 1);
	assert_string_equal(l.v[0].text, "  Alpha on page one.");
	assert_int_equal(l.v[1].page, 2);
	assert_string_equal(l.v[1].text, "Bravo on page two.\nMore bravo.");
	assert_int_equal(l.v[1].line_start, 3);
	assert_int_equal(l.v[1].line_end, 4);
	assert_int_equal(l.v[2].page, 4);
	assert_string_equal(l.v[2].text, "Charlie after an empty page.");
	chunk_list_free(&l);

	/* A long page is split, and every piece stays on its page. */
	struct buf b = {0};
	for (int p = 0; p < 3; p++) {
		for (int i = 0; i < 30; i++)
			buf_addf(&b, "Page %d sentence %d is here. ", p + 1, i);
		buf_adds(&b, "\n\f");
	}
	chunk(b.p, b.len, TEXT_PDF, 200, 40, &l);
	uint32_t last = 0;
	for (size_t i = 0; i < l.n; i++) {
		char want[16];
		snprintf(want, sizeof want, "Page %u", l.v[i].page);
		assert_non_null(strstr(l.v[i].text, want));
		assert_true(l.v[i].page >= last);
		last = l.v[i].page;
	}
	assert_int_equal(last, 3);
	chunk_list_free(&l);
	buf_free(&b);
}

static void test_code_files(void **state)
{
	(void)state;
	const char *py =
		"import os\n"                        /* 1 */
		"\n"                                 /* 2 */
		"def first(x):\n"                    /* 3 */
		"    y = x + 1\n"                    /* 4 */
		"\n"                                 /* 5: blank inside a body */
		"    return y * 2 + first_helper(y)\n" /* 6 */
		"\n"                                 /* 7 */
		"\n"                                 /* 8 */
		"def second(x):\n"                   /* 9 */
		"    return x - 1  # something\n"    /* 10 */
		"\n"                                 /* 11 */
		"class Third:\n"                     /* 12 */
		"    pass\n";                        /* 13 */
	struct chunk_list l;
	chunk(py, strlen(py), TEXT_CODE, 70, 0, &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].line_start, 1);
	assert_int_equal(l.v[0].line_end, 1);
	assert_int_equal(l.v[1].line_start, 3); /* the blank line inside the body does not cut */
	assert_int_equal(l.v[1].line_end, 6);
	assert_int_equal(l.v[2].line_start, 9); /* small blocks are packed */
	assert_int_equal(l.v[2].line_end, 13);
	chunk_list_free(&l);
	/* A block over the target is cut at its blank line. */
	chunk(py, strlen(py), TEXT_CODE, 50, 0, &l);
	assert_int_equal(l.v[0].line_end, 1);
	assert_int_equal(l.v[1].line_start, 3);
	assert_int_equal(l.v[1].line_end, 4);
	assert_int_equal(l.v[2].line_start, 6);
	assert_string_equal(l.v[2].text, "    return y * 2 + first_helper(y)");
	chunk_list_free(&l);
	/* With overlap, a code chunk starts with whole lines of the previous one. */
	chunk(py, strlen(py), TEXT_CODE, 60, 20, &l);
	for (size_t i = 0; i < l.n; i++) {
		size_t s = l.v[i].byte_start;
		assert_true(s == 0 || py[s - 1] == '\n');
	}
	chunk_list_free(&l);
}

static void test_empty(void **state)
{
	(void)state;
	struct chunk_list l;
	chunk("", 0, TEXT_MARKDOWN, 100, 10, &l);
	assert_int_equal(l.n, 0);
	chunk(" \n\t\n\f \n", 7, TEXT_PDF, 100, 10, &l);
	assert_int_equal(l.n, 0);
	chunk("\n\n\n", 3, TEXT_CODE, 100, 10, &l);
	assert_int_equal(l.n, 0);
	chunk_list_free(&l);
	/* Default options when none are given. */
	memset(&l, 0, sizeof l);
	chunk_text("word", 4, TEXT_PLAIN, NULL, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].text, "word");
	assert_int_equal(l.v[0].line_start, 1);
	assert_int_equal(l.v[0].line_end, 1);
	chunk_list_free(&l);
}

/* Random mixtures of structure, scripts and sizes keep every invariant. */
static void test_invariants_random(void **state)
{
	(void)state;
	static const char *const parts[] = {
		"word ", "Sentence. ", "\n", "\n\n", "# Head\n", "## Sub\n", "```\n", "~~~\n",
		"日本語の文。", "é", "\xf0\x9f\x99\x82", "\f", "    indented\n", "  ", "Title\n===\n",
		"- item\n", "}\n", "---\n", "a.b!c? ", "\t",
	};
	unsigned seed = 12345;
	for (int round = 0; round < 300; round++) {
		struct buf b = {0};
		int n = 1 + (int)(seed % 400);
		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf_adds(&b, parts[(seed >> 16) % (sizeof parts / sizeof *parts)]);
		}
		enum text_kind kinds[] = {TEXT_MARKDOWN, TEXT_PLAIN, TEXT_CODE, TEXT_PDF};
		struct chunk_list l;
		chunk(b.p, b.len, kinds[round % 4], 20 + (size_t)(round % 7) * 30, (size_t)(round % 5) * 10, &l);
		chunk_list_free(&l);
		buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markdown_headings),
		cmocka_unit_test(test_code_fence_whole),
		cmocka_unit_test(test_long_paragraph_sentences_and_overlap),
		cmocka_unit_test(test_cjk_sizes_in_characters),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_code_files),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_invariants_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
