/* test_history.c - the conversation a request carries: which turns count, newest kept
 * first under a budget, markers stripped, a compared question once; the prompt's budget
 * between earlier turns and sources; the follow-up rewrite's prompt and its reply check. */
#include "fn_test.h"

#include "base/xmalloc.h"
#include "core/answer/history.h"
#include "core/answer/prompt.h"
#include "core/answer/rewrite.h"

static void test_counts_and_order(void **state)
{
	(void)state;
	struct history_turn v[] = {
		{"first?", "One [1].", "rag"},
		{"unfinished?", "", "rag"},          /* no answer: not sent */
		{"second?", "Two [2, 3] and [1-2].", "rag"},
	};
	struct history h;
	history_from(v, 3, "rag", 0, &h);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.older, 0);
	assert_string_equal(h.v[0].question, "first?");
	assert_string_equal(h.v[0].answer, "One.");
	assert_string_equal(h.v[1].question, "second?");
	assert_string_equal(h.v[1].answer, "Two and.");
	assert_true(h.v[0].tokens > 0);
	history_free(&h);
	history_from(NULL, 0, NULL, 0, &h);
	assert_int_equal(h.n, 0);
	assert_null(history_search_context(&h, 2));
	history_free(&h);
}

static void test_budget_keeps_newest(void **state)
{
	(void)state;
	enum { N = 10 };
	struct history_turn v[N];
	char *q[N];
	for (int i = 0; i < N; i++) {
		q[i] = xasprintf("question %d, forty bytes of padding ....", i);
		v[i] = (struct history_turn){q[i], "an answer of about twenty", "rag"};
	}
	struct history all;
	history_from(v, N, "rag", 0, &all);
	int each = all.v[0].tokens;
	history_free(&all);
	struct history h;
	history_from(v, N, "rag", 3 * each, &h);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.older, N - 3);
	assert_string_equal(h.v[0].question, q[7]); /* the newest three, oldest first */
	assert_string_equal(h.v[2].question, q[9]);
	char *ctx = history_search_context(&h, 2);
	assert_non_null(strstr(ctx, "question 8"));
	assert_non_null(strstr(ctx, "question 9"));
	assert_null(strstr(ctx, "question 7"));
	free(ctx);

	/* In the prompt: the history may take half of what is left when retrieving. */
	struct prompt_opts o = {.retrieval = false, .context_tokens = 400, .answer_tokens = 100, .history = &h};
	struct prompt p;
	struct cite_map m;
	prompt_build("now?", NULL, &o, &p, &m);
	/* Without retrieval the turns may take all that is left after the fixed part and the
	 * answer (sources_room is what they left over). */
	int left = p.history_tokens + p.sources_room;
	assert_true(p.history_tokens <= left);
	assert_true(p.history_sent >= 1 && p.history_sent <= 3 && p.history_sent <= left / each);
	assert_int_equal(p.history_sent + p.history_dropped, N);
	assert_int_equal(p.history_start, (size_t)(3 - p.history_sent));
	assert_true(p.tokens + p.answer_tokens <= o.context_tokens);
	int sent_all = p.history_sent;
	prompt_free(&p);
	cite_map_free(&m);
	/* With retrieval, at most half of it. */
	o.retrieval = true;
	prompt_build("now?", NULL, &o, &p, &m);
	left = p.history_tokens + p.sources_room;
	assert_true(p.history_tokens <= left / 2);
	assert_true(p.history_sent <= sent_all);
	assert_int_equal(p.history_sent + p.history_dropped, N);
	prompt_free(&p);
	cite_map_free(&m);
	o.context_tokens = 50; /* nothing fits: every turn is dropped, the question stays */
	prompt_build("now?", NULL, &o, &p, &m);
	assert_int_equal(p.history_sent, 0);
	assert_int_equal(p.history_dropped, N);
	assert_non_null(strstr(p.user, "now?"));
	prompt_free(&p);
	cite_map_free(&m);
	history_free(&h);
	for (int i = 0; i < N; i++)
		free(q[i]);
}

static void test_compare_once(void **state)
{
	(void)state;
	struct history_turn v[] = {
		{"same?", "from rag", "rag"},
		{"same?", "from tuned", "fine-tuned"},
		{"next?", "", "rag"},
		{"next?", "only tuned answered", "fine-tuned"},
	};
	struct history h;
	history_from(v, 4, "fine-tuned", 0, &h);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[0].answer, "from tuned");
	assert_string_equal(h.v[1].answer, "only tuned answered");
	history_free(&h);
	history_from(v, 4, "offline", 0, &h); /* neither side's profile: the first that counts */
	assert_int_equal(h.n, 2);
	assert_string_equal(h.v[0].answer, "from rag");
	assert_string_equal(h.v[1].answer, "only tuned answered");
	history_free(&h);
}

static void test_strip_markers(void **state)
{
	(void)state;
	char *s = history_strip_markers("a [1], b [12][3]. [x] and [] stay; `x[2]` stays");
	assert_string_equal(s, "a, b. [x] and [] stay; `x[2]` stays");
	free(s);
	s = history_strip_markers("```\nliteral [1] in a fence\n```\nbut [1] goes");
	assert_string_equal(s, "```\nliteral [1] in a fence\n```\nbut goes");
	free(s);
}

static void test_rewrite_prompt_and_clean(void **state)
{
	(void)state;
	struct history_turn v[] = {{"What are the costs of RAG?", "Indexing costs [1].", "rag"}};
	struct history h;
	history_from(v, 1, "rag", 0, &h);
	char *p = rewrite_prompt(&h, "And fine-tuning?");
	assert_non_null(strstr(p, "User: What are the costs of RAG?\nAssistant: Indexing costs."));
	assert_non_null(strstr(p, "Follow-up question: And fine-tuning?"));
	free(p);
	history_free(&h);
	assert_non_null(strstr(rewrite_system(), "standalone"));

	const char *why;
	const char *quoted = "  \"What are the costs of fine-tuning?\"\n";
	char *q = rewrite_clean(quoted, strlen(quoted), &why);
	assert_string_equal(q, "What are the costs of fine-tuning?");
	free(q);
	const char *lab = "Standalone question: costs of fine-tuning";
	q = rewrite_clean(lab, strlen(lab), &why);
	assert_string_equal(q, "costs of fine-tuning");
	free(q);
	const char *bad[] = {"", "   \n ", "Sure! Here it is:\nWhat are the costs?", "a\x1b[2Jb", "\"\"",
			     "bad \xff bytes"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = NULL;
		assert_null(rewrite_clean(bad[i], strlen(bad[i]), &why));
		assert_non_null(why);
	}
	char longq[400];
	memset(longq, 'a', sizeof longq - 1);
	longq[sizeof longq - 1] = 0;
	assert_null(rewrite_clean(longq, strlen(longq), &why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_and_order),
		cmocka_unit_test(test_budget_keeps_newest),
		cmocka_unit_test(test_compare_once),
		cmocka_unit_test(test_strip_markers),
		cmocka_unit_test(test_rewrite_prompt_and_clean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
