/* test_expand.c - query expansion's pure parts: the reply's lines cleaned into sub-queries,
 * and the fusion of ranked lists by reciprocal rank with the per-file cap. */
#include "fn_test.h"

#include "core/answer/expand.h"
#include "base/xmalloc.h"

static void test_parse(void **state)
{
	(void)state;
	static const char reply[] = "1. kill process signal\n"
				    "2) \"terminate a running program\"\n"
				    "- Paraphrase: end a stuck job\n"
				    "\n"
				    "* How do I stop a runaway process?\n" /* the question again */
				    "\xe2\x80\xa2 kill process signal\n"     /* a repeat */
				    "Hypothetical answer: Use kill -9 PID; the \x1b[31mprocess\x1b[0m ends.\n"
				    "more than asked for\n";
	char *q[EXPAND_MAX];
	size_t n = expand_parse(reply, sizeof reply - 1, "How do I stop a runaway process?", 4, q);
	assert_int_equal(n, 4);
	assert_string_equal(q[0], "kill process signal");
	assert_string_equal(q[1], "terminate a running program");
	assert_string_equal(q[2], "end a stuck job");
	/* Control characters never pass: the escape's bytes go, its printable rest stays. */
	assert_string_equal(q[3], "Use kill -9 PID; the [31mprocess[0m ends.");
	for (size_t i = 0; i < n; i++)
		free(q[i]);
	assert_int_equal(expand_parse("\n \n``\n", 6, "q", 4, q), 0);
	/* A line longer than 300 bytes is not a query. */
	char longl[400];
	memset(longl, 'a', sizeof longl - 1);
	longl[sizeof longl - 1] = 0;
	assert_int_equal(expand_parse(longl, strlen(longl), "q", 4, q), 0);
}

static struct idx_hit hit(const char *path, uint64_t chunk)
{
	return (struct idx_hit){.path = xstrdup(path), .collection = xstrdup("c"), .chunk = chunk,
				.heading = xstrdup(""), .snippet = xstrdup(""), .text = xstrdup(path)};
}

static void test_fuse(void **state)
{
	(void)state;
	struct idx_hits l[3];
	l[0] = (struct idx_hits){xcalloc(3, sizeof(struct idx_hit)), 3};
	l[0].v[0] = hit("a.md", 1), l[0].v[1] = hit("b.md", 2), l[0].v[2] = hit("c.md", 3);
	l[1] = (struct idx_hits){xcalloc(3, sizeof(struct idx_hit)), 3};
	l[1].v[0] = hit("c.md", 3), l[1].v[1] = hit("d.md", 4), l[1].v[2] = hit("d.md", 5);
	l[2] = (struct idx_hits){xcalloc(2, sizeof(struct idx_hit)), 2};
	l[2].v[0] = hit("c.md", 3), l[2].v[1] = hit("b.md", 2);
	struct idx_hits out;
	expand_fuse(l, 3, 4, 1, &out);
	/* c: in all three lists; b: in two; a: first of one; d: once (its second chunk capped). */
	static const uint64_t want[] = {3, 2, 1, 4};
	assert_int_equal(out.n, 4);
	for (size_t i = 0; i < out.n; i++)
		assert_int_equal(out.v[i].chunk, want[i]);
	assert_true(out.v[0].score > out.v[1].score && out.v[1].score > out.v[2].score);
	assert_string_equal(out.v[0].text, "c.md"); /* moved with its strings */
	for (size_t i = 0; i < 3; i++)
		idx_hits_free(&l[i]);
	idx_hits_free(&out);
	/* k caps the list; no cap keeps both chunks of d. */
	l[0] = (struct idx_hits){xcalloc(2, sizeof(struct idx_hit)), 2};
	l[0].v[0] = hit("d.md", 4), l[0].v[1] = hit("d.md", 5);
	expand_fuse(l, 1, 8, 0, &out);
	assert_int_equal(out.n, 2);
	idx_hits_free(&l[0]);
	idx_hits_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_fuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
