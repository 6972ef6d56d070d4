/* test_token.c - the tokenizer: folding, stemming, CJK bigrams, offsets, stopwords. */
#include "fn_test.h"

#include "base/buf.h"
#include "index/text/text.h"

struct got {
	struct buf terms; /* "a|b|c" */
	struct buf spans; /* "0-3 4-7" */
	size_t n, stop_after;
};

static int collect(void *ctx, const struct token *tk)
{
	struct got *g = ctx;
	assert_int_equal(strlen(tk->term), tk->len);
	if (g->n)
		buf_addc(&g->terms, '|');
	buf_add(&g->terms, tk->term, tk->len);
	buf_addf(&g->spans, "%s%zu-%zu", g->n ? " " : "", tk->byte_start, tk->byte_end);
	g->n++;
	return g->stop_after && g->n >= g->stop_after;
}

/* The terms of s, joined with '|' (caller frees); spans into *spans when asked. */
static char *terms(const char *lang, const char *s, char **spans)
{
	struct tokenizer *t = tok_new(lang);
	assert_non_null(t);
	struct got g = {0};
	tok_each(t, s, strlen(s), collect, &g);
	tok_free(t);
	if (spans)
		*spans = buf_detach(&g.spans);
	else
		buf_free(&g.spans);
	return buf_detach(&g.terms);
}

#define EXPECT_TERMS(lang, s, want)                    \
	do {                                               \
		char *got_ = terms(lang, s, NULL);             \
		assert_string_equal(got_, want);               \
		free(got_);                                    \
	} while (0)

static void test_case_folding(void **state)
{
	(void)state;
	EXPECT_TERMS("none", "Straße ÉCOLE Москва", "strasse|école|москва");
	EXPECT_TERMS("none", "ΟΔΥΣΣΕΥΣ Ωmega", "οδυσσευσ|ωmega");  /* final sigma folds to σ */
	EXPECT_TERMS("none", "ŁÓDŹ Ǆemal İstanbul", "łódź|ǆemal|istanbul");
	EXPECT_TERMS("none", "ＡＢＣ１２ ＸＹＺ", "abc12|xyz");         /* full-width to ASCII */
	EXPECT_TERMS("none", "ЁЖ Ґ Ӂ", "ёж|ґ|ӂ");
}

static void test_stemming(void **state)
{
	(void)state;
	EXPECT_TERMS("english", "running runs ran", "run|run|ran");
	EXPECT_TERMS("english", "Connections CONNECTED", "connect|connect");
	EXPECT_TERMS("german", "Häuser Häusern", "haus|haus");
	/* words with digits are not stemmed */
	EXPECT_TERMS("english", "1990s covid19s", "1990s|covid19s");
}

static void test_language_none(void **state)
{
	(void)state;
	EXPECT_TERMS("none", "Running RUNS", "running|runs");
	EXPECT_TERMS(NULL, "Running RUNS", "running|runs");
}

static void test_unknown_language(void **state)
{
	(void)state;
	assert_null(tok_new("klingon"));
	assert_null(tok_new("English")); /* libstemmer names are lower case */
}

static void test_separators_and_apostrophes(void **state)
{
	(void)state;
	EXPECT_TERMS("none", "state-of-the-art foo_bar 3.14 a—b «x» e-mail",
		     "state|of|the|art|foo|bar|3|14|a|b|x|e|mail");
	EXPECT_TERMS("none", "don't John's O’Neill 'quoted' rock'n'roll",
		     "don't|john|o'neill|quoted|rock'n'roll");
	EXPECT_TERMS("english", "John's cars' don't", "john|car|don't");
	EXPECT_TERMS("none", "   ,,, ... \t\n", "");
	EXPECT_TERMS("none", "", "");
	/* combining marks stay in their word */
	EXPECT_TERMS("none", "Cafe\xcc\x81 ok", "cafe\xcc\x81|ok");
}

static void test_cjk_bigrams(void **state)
{
	(void)state;
	char *spans;
	char *t = terms("english", "我爱北京", &spans);
	assert_string_equal(t, "我爱|爱北|北京");
	assert_string_equal(spans, "0-6 3-9 6-12");
	free(t);
	free(spans);
	EXPECT_TERMS("english", "字", "字");
	EXPECT_TERMS("english", "a 字 b", "a|字|b");
	EXPECT_TERMS("none", "abc日本def", "abc|日本|def");
	EXPECT_TERMS("none", "日本、東京。", "日本|東京");        /* CJK punctuation separates */
	EXPECT_TERMS("none", "ひらがなカタカナ", "ひら|らが|がな|なカ|カタ|タカ|カナ");
	EXPECT_TERMS("none", "한국어 문장", "한국|국어|문장");
}

static void test_byte_offsets(void **state)
{
	(void)state;
	const char *s = "  Hello, wörld!\n(Москва)";
	char *spans;
	char *t = terms("none", s, &spans);
	assert_string_equal(t, "hello|wörld|москва");
	assert_string_equal(spans, "2-7 9-15 18-30");
	assert_memory_equal(s + 9, "wörld", 6);
	assert_memory_equal(s + 18, "Москва", 12);
	free(t);
	free(spans);
	/* invalid UTF-8 separates words and never crashes */
	t = terms("none", "ab\xff" "cd\xe2\x82", &spans);
	assert_string_equal(t, "ab|cd");
	assert_string_equal(spans, "0-2 3-5");
	free(t);
	free(spans);
}

static void test_long_terms_truncated(void **state)
{
	(void)state;
	char s[300];
	memset(s, 'a', 200);
	memcpy(s + 200, " b", 3);
	char *spans;
	char *t = terms("none", s, &spans);
	assert_int_equal(strlen(t), TOK_MAX_TERM + 2);
	assert_string_equal(spans, "0-200 201-202");
	free(t);
	free(spans);
	/* truncation never splits a character: 40 two-byte letters -> 32 of them */
	struct buf b = {0};
	for (int i = 0; i < 40; i++)
		buf_adds(&b, "é");
	t = terms("none", b.p, NULL);
	assert_int_equal(strlen(t), 64);
	free(t);
	buf_free(&b);
}

static void test_early_stop(void **state)
{
	(void)state;
	struct tokenizer *t = tok_new("none");
	struct got g = {.stop_after = 2};
	tok_each(t, "one two three 四五六", strlen("one two three 四五六"), collect, &g);
	assert_int_equal(g.n, 2);
	g.n = 0;
	g.stop_after = 1;
	tok_each(t, "四五六 x", strlen("四五六 x"), collect, &g);
	assert_int_equal(g.n, 1);
	tok_free(t);
	buf_free(&g.terms);
	buf_free(&g.spans);
}

/* The stem cache gives what the stemmer gives, however often a word repeats. */
static void test_stem_cache(void **state)
{
	(void)state;
	struct tokenizer *t = tok_new("english");
	const char *s = "running connections running ran connections generously running";
	for (int round = 0; round < 3; round++) {
		struct got g = {0};
		tok_each(t, s, strlen(s), collect, &g);
		assert_string_equal(buf_str(&g.terms), "run|connect|run|ran|connect|generous|run");
		buf_free(&g.terms);
		buf_free(&g.spans);
	}
	tok_free(t);
}

static void test_stopwords(void **state)
{
	(void)state;
	struct tokenizer *en = tok_new("english"), *none = tok_new("none"), *de = tok_new("german");
	assert_true(tok_is_stopword(en, "the", 3));
	assert_true(tok_is_stopword(en, "of", 2));
	assert_true(tok_is_stopword(en, "veri", 4)); /* "very" after stemming */
	assert_true(tok_is_stopword(en, "thereafter", 5)); /* only the first len bytes count */
	assert_false(tok_is_stopword(en, "banana", 6));
	assert_false(tok_is_stopword(en, "run", 3));
	assert_false(tok_is_stopword(en, "", 0));
	assert_true(tok_is_stopword(none, "and", 3));
	assert_false(tok_is_stopword(de, "the", 3));
	tok_free(en);
	tok_free(none);
	tok_free(de);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_folding),
		cmocka_unit_test(test_stemming),
		cmocka_unit_test(test_language_none),
		cmocka_unit_test(test_unknown_language),
		cmocka_unit_test(test_separators_and_apostrophes),
		cmocka_unit_test(test_cjk_bigrams),
		cmocka_unit_test(test_byte_offsets),
		cmocka_unit_test(test_long_terms_truncated),
		cmocka_unit_test(test_early_stop),
		cmocka_unit_test(test_stem_cache),
		cmocka_unit_test(test_stopwords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
