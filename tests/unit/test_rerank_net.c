/* test_rerank_net.c - the model reranker's request on the net thread against the loopback
 * server (core/answer/second.c): the order it posts, and the fallbacks (HTTP 500, a stall
 * past timeout_s, a reply that is no rerank result) each post one message with a reason.
 * FN_TEST_THREADED: the TSan run includes this test. */
#include "fn_test.h"

#include <poll.h>

#include "core/answer/second.h"
#include "fn_fakellm.h"

static struct fakellm F;
static struct net *N;
static struct chan *C;
static char base[128];

static int setup(void **state)
{
	(void)state;
	fakellm_start(&F);
	snprintf(base, sizeof base, "%s/v1", F.url);
	char *err = NULL;
	N = net_new(&err);
	assert_non_null(N);
	C = chan_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	net_free(N);
	chan_free(C);
	fakellm_stop(&F);
	return 0;
}

static const char *const docs[3] = {"water boils at sea level", "ice melts", "water water boils at sea level today"};

/* Submits a rerank with model and api, waits (at most 20 s) for its message. */
static struct rerank_msg *rerank(const char *model, int api, int timeout_s, uint64_t gen)
{
	struct cfg_provider p = fakellm_provider(PROVIDER_OPENAI, base, 0, 1);
	struct cfg_rerank r = {.provider = (char *)"test", .model = (char *)model, .top_n = 3,
			       .timeout_s = timeout_s, .api = api};
	char *err = NULL;
	net_id id = second_submit(N, &p, &r, "does water boil at sea level", docs, 3, C, gen, &err);
	assert_true(id != 0);
	assert_null(err);
	for (int waited = 0; waited < 200; waited++) {
		struct pollfd pfd = {chan_fd(C), POLLIN, 0};
		poll(&pfd, 1, 100);
		struct chan_msg *m = chan_take(C);
		if (!m)
			continue;
		assert_null(m->next);
		assert_int_equal(m->kind, RERANK_MSG);
		assert_int_equal(m->gen, gen);
		return (struct rerank_msg *)m;
	}
	fail_msg("no rerank message within 20 s");
	return NULL;
}

static void test_order(void **state)
{
	(void)state;
	struct rerank_msg *m = rerank("rerank:reverse", RERANK_API_LLAMA, 5, 7);
	assert_non_null(m->order);
	assert_int_equal(m->n, 3);
	assert_int_equal(m->order[0], 2);
	assert_int_equal(m->order[1], 1);
	assert_int_equal(m->order[2], 0);
	chan_msg_free(&m->base);
	/* Word overlap, the server's default scoring: the two about water, the longer last by
	 * index on equal scores. */
	m = rerank("bge-reranker", RERANK_API_VLLM, 5, 8);
	assert_non_null(m->order);
	assert_int_equal(m->order[2], 1);
	chan_msg_free(&m->base);
}

static void test_fallbacks(void **state)
{
	(void)state;
	struct rerank_msg *m = rerank("fault:500", RERANK_API_LLAMA, 5, 9);
	assert_null(m->order);
	assert_non_null(strstr(m->why, "500"));
	chan_msg_free(&m->base);
	m = rerank("stall", RERANK_API_LLAMA, 1, 10);
	assert_null(m->order);
	assert_non_null(strstr(m->why, "the reranker failed"));
	chan_msg_free(&m->base);
	m = rerank("invalid-json", RERANK_API_LLAMA, 5, 11);
	assert_null(m->order);
	assert_non_null(strstr(m->why, "not JSON"));
	chan_msg_free(&m->base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_fallbacks),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
