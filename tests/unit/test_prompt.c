/* test_prompt.c - prompt assembly, the citation map, the token budget, and the builtin
 * extractive answerer. */
#include "fn_test.h"

#include "base/xmalloc.h"
#include "core/answer/extractive.h"
#include "core/answer/budget.h"
#include "core/answer/prompt.h"
#include "core/net/limits.h"

static struct idx_hit hit(const char *path, const char *text, int line)
{
	struct idx_hit h = {0};
	h.path = (char *)path;
	h.collection = (char *)"default";
	h.heading = (char *)"Intro";
	h.snippet = (char *)"";
	h.text = (char *)text;
	h.line_start = (uint32_t)line;
	h.line_end = (uint32_t)line + 3;
	h.chunk = (uint64_t)line;
	return h;
}

static void test_numbered_sources_in_delimiters(void **state)
{
	(void)state;
	struct idx_hit v[2] = {hit("a.md", "Alpha text.", 1), hit("b.md", "Beta text.", 10)};
	struct idx_hits hits = {v, 2};
	struct prompt_opts o = {.retrieval = true, .context_tokens = 8192, .answer_tokens = 512};
	struct prompt p;
	struct cite_map m;
	prompt_build("What is alpha?", &hits, &o, &p, &m);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.ndropped, 0);
	assert_string_equal(cite_map_get(&m, 2)->path, "b.md");
	assert_null(cite_map_get(&m, 3));
	assert_null(cite_map_get(&m, 0));
	assert_non_null(strstr(p.user, "<<<SOURCE [1] a.md:1-4 (Intro)>>>\nAlpha text.\n<<<END SOURCE [1]>>>"));
	assert_non_null(strstr(p.user, "<<<SOURCE [2] b.md:10-13 (Intro)>>>"));
	assert_non_null(strstr(p.user, "Question: What is alpha?"));
	assert_non_null(strstr(p.system, "[1]"));
	assert_non_null(strstr(p.system, "not instructions"));
	prompt_free(&p);
	cite_map_free(&m);
}

/* The lowest-ranked sources go first; the question and system prompt stay whole. */
static void test_budget_drops_lowest_ranked(void **state)
{
	(void)state;
	char *big = xmalloc(4001);
	memset(big, 'x', 4000);
	big[4000] = '\0';
	struct idx_hit v[4] = {hit("1.md", big, 1), hit("2.md", big, 2), hit("3.md", big, 3), hit("4.md", "small", 4)};
	struct idx_hits hits = {v, 4};
	struct prompt_opts o = {.retrieval = true, .context_tokens = 2600, .answer_tokens = 256};
	struct prompt p;
	struct cite_map m;
	prompt_build("a question that must stay whole", &hits, &o, &p, &m);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.ndropped, 2);
	assert_string_equal(m.dropped[0].path, "3.md");
	assert_string_equal(m.dropped[1].path, "4.md"); /* never [3] missing while [4] is shown */
	assert_true(p.tokens <= o.context_tokens - o.answer_tokens);
	assert_non_null(strstr(p.user, "a question that must stay whole"));
	prompt_free(&p);
	cite_map_free(&m);
	free(big);
}

static void test_hidden_text_stripped_and_flagged(void **state)
{
	(void)state;
	/* "ignore" in tag characters, and a zero-width space */
	const char *t = "Safe\xf3\xa0\x81\xa9\xf3\xa0\x81\xa7 text\xe2\x80\x8b here.";
	struct idx_hit v[1] = {hit("evil.md", t, 1)};
	struct idx_hits hits = {v, 1};
	struct prompt_opts o = {.retrieval = true, .context_tokens = 8192, .answer_tokens = 512};
	struct prompt p;
	struct cite_map m;
	prompt_build("q", &hits, &o, &p, &m);
	assert_true(m.v[0].hidden_text);
	assert_string_equal(m.v[0].text, "Safe text here.");
	assert_null(strstr(p.user, "\xf3\xa0"));
	prompt_free(&p);
	cite_map_free(&m);
}

static void test_token_estimate(void **state)
{
	(void)state;
	assert_int_equal(prompt_estimate_tokens("abcdefgh", 8), 2);
	assert_int_equal(prompt_estimate_tokens("日本語", 9), 3); /* one per CJK character */
}

static void test_extractive_cites_best_sentences(void **state)
{
	(void)state;
	struct idx_hit v[2] = {
		hit("water.md", "Water boils at 100 degrees at sea level. The sky is blue. Cats sleep a lot.", 1),
		hit("ice.md", "Ice melts at zero degrees. Water boils at lower temperatures at altitude.", 5),
	};
	struct idx_hits hits = {v, 2};
	struct prompt_opts o = {.retrieval = true, .context_tokens = 8192, .answer_tokens = 512};
	struct prompt p;
	struct cite_map m;
	prompt_build("At what temperature does water boil?", &hits, &o, &p, &m);
	struct extractive ex;
	assert_true(extractive_answer("At what temperature does water boil?", &m, "english", 3, &ex));
	char *a = ex.text;
	assert_non_null(a);
	assert_int_equal(ex.passages, 2);
	assert_true(ex.relevance > 0.5 && ex.relevance <= 1.0);
	assert_non_null(strstr(a, "Water boils at 100 degrees at sea level [1]."));
	assert_non_null(strstr(a, "[2]"));
	assert_null(strstr(a, "Cats"));
	assert_null(strstr(a, "sky"));
	free(a);
	assert_false(extractive_answer("quantum chromodynamics lattice", &m, "english", 3, &ex));
	assert_null(ex.text);
	prompt_free(&p);
	cite_map_free(&m);
}

/* The one budget function: fixed part and answer first, history newest first (at most
 * half of what is left when retrieving, all of it when not), sources best first (never [3]
 * without [2]) with the rest, the answer shrinking before the question is refused. */
static void test_budget_fit(void **state)
{
	(void)state;
	int src[] = {300, 300, 300, 300};
	int hist[] = {100, 600, 50};
	struct budget_parts in = {.window = 2048, .answer = 512, .fixed = 200, .sources = src,
				  .nsources = 4, .history = hist, .nhistory = 3, .history_half = true};
	struct budget_fit f;
	budget_fit(&in, &f);
	assert_int_equal(f.margin, 64);
	assert_int_equal(f.answer, 512);
	assert_int_equal(f.left, 1272);  /* 2048 - 64 - 200 - 512 */
	assert_int_equal(f.history, 1);  /* half is 636: the newest (100) fits, the next (600) not */
	assert_int_equal(f.history_tokens, 100);
	assert_int_equal(f.sources, 3);  /* 1172 left: three of 300 */
	assert_int_equal(f.prompt, 1200);
	assert_true(f.prompt + f.answer + f.margin <= in.window);
	/* Not retrieving: the history may take all that is left (750 of 1272). */
	in.history_half = false;
	budget_fit(&in, &f);
	assert_int_equal(f.history, 3);
	assert_int_equal(f.history_tokens, 750);
	assert_int_equal(f.sources, 1);  /* 522 left */
	assert_int_equal(f.prompt, 1250);
	in.nhistory = 0;
	budget_fit(&in, &f);
	assert_int_equal(f.sources, 4);  /* 200 + 1200 + 512 + 64 = 1976 */
	assert_int_equal(f.prompt, 1400);
	/* A long answer gives way only so far that the question fits, down to a quarter. */
	in.answer = 4000;
	budget_fit(&in, &f);
	assert_int_equal(f.answer, 2048 - 64 - 200);
	assert_int_equal(f.sources, 0);
	assert_false(f.too_small);
	in.fixed = 1900;
	budget_fit(&in, &f);
	assert_true(f.too_small);
	assert_int_equal(f.sources, 0);
}

/* A counter that doubles the estimate: the fit follows the counter, not the estimate. */
static int twice(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	return 2 * prompt_estimate_tokens(s, len);
}

static void test_budget_uses_the_counter(void **state)
{
	(void)state;
	char text[2001];
	memset(text, 'a', 2000);
	for (int i = 7; i < 2000; i += 8)
		text[i] = ' ';
	text[2000] = '\0';
	struct idx_hit h[4] = {hit("a.md", text, 1), hit("b.md", text, 1), hit("c.md", text, 1),
			       hit("d.md", text, 1)};
	struct idx_hits hits = {h, 4};
	struct prompt_opts o = {.retrieval = true, .context_tokens = 3000, .answer_tokens = 256};
	struct prompt p;
	struct cite_map m;
	prompt_build("Why?", &hits, &o, &p, &m);
	size_t estimated = m.n;
	prompt_free(&p);
	cite_map_free(&m);
	o.count = twice;
	prompt_build("Why?", &hits, &o, &p, &m);
	assert_true(m.n < estimated);
	assert_int_equal(m.n + m.ndropped, 4);
	assert_true(p.tokens + p.answer_tokens <= o.context_tokens);
	/* Fewer sources on demand (a refusal): the first n blocks, the question last. */
	char *u = prompt_user(&p, 0);
	assert_null(strstr(u, "<<<SOURCE"));
	assert_non_null(strstr(u, "Question: Why?"));
	free(u);
	prompt_free(&p);
	cite_map_free(&m);
}

/* The numbers of the servers' refusals for length. */
static void test_refusals(void **state)
{
	(void)state;
	int prompt, window;
	assert_true(limits_refusal("request (6650 tokens) exceeds the available context size (2048 "
				   "tokens), try increasing it", &prompt, &window));
	assert_int_equal(prompt, 6650);
	assert_int_equal(window, 2048);
	assert_true(limits_refusal("This model's maximum context length is 4096 tokens. However, you "
				   "requested 5000 tokens (4000 in the messages, 1000 in the completion).",
				   &prompt, &window));
	assert_int_equal(prompt, 5000);
	assert_int_equal(window, 4096);
	assert_false(limits_refusal("Invalid API key", &prompt, &window));
	assert_false(limits_refusal(NULL, &prompt, &window));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbered_sources_in_delimiters),
		cmocka_unit_test(test_budget_drops_lowest_ranked),
		cmocka_unit_test(test_hidden_text_stripped_and_flagged),
		cmocka_unit_test(test_token_estimate),
		cmocka_unit_test(test_extractive_cites_best_sentences),
		cmocka_unit_test(test_budget_fit),
		cmocka_unit_test(test_budget_uses_the_counter),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
