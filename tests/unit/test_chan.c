/* test_chan.c - the worker->UI channel: order, ownership, wakeups across threads.
 * FN_TEST_THREADED: also run under ThreadSanitizer by `make tsan`. */
#include "fn_test.h"

#include <poll.h>
#include <pthread.h>

#include "base/xmalloc.h"
#include "core/app/chan.h"

struct num_msg {
	struct chan_msg base;
	int producer, seq;
};

enum { PRODUCERS = 4, PER = 5000 };

static struct chan *shared;

static void *produce(void *arg)
{
	int id = (int)(intptr_t)arg;
	for (int i = 0; i < PER; i++) {
		struct num_msg *m = xcalloc(1, sizeof *m);
		m->base.kind = 1;
		m->producer = id;
		m->seq = i;
		chan_send(shared, &m->base);
	}
	return NULL;
}

/* Every message arrives once, each producer's in order, and poll() wakes for them. */
static void test_many_producers(void **state)
{
	(void)state;
	shared = chan_new();
	pthread_t t[PRODUCERS];
	for (int i = 0; i < PRODUCERS; i++)
		pthread_create(&t[i], NULL, produce, (void *)(intptr_t)i);
	int next[PRODUCERS] = {0}, got = 0;
	while (got < PRODUCERS * PER) {
		struct pollfd p = {chan_fd(shared), POLLIN, 0};
		assert_int_equal(poll(&p, 1, 10000), 1);
		for (struct chan_msg *m = chan_take(shared), *n; m; m = n) {
			n = m->next;
			struct num_msg *nm = (struct num_msg *)m;
			assert_int_equal(nm->seq, next[nm->producer]);
			next[nm->producer]++;
			got++;
			chan_msg_free(m);
		}
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	struct pollfd p = {chan_fd(shared), POLLIN, 0};
	assert_int_equal(poll(&p, 1, 0), 0); /* nothing left to wake for */
	assert_null(chan_take(shared));
	chan_free(shared);
}

static int freed;
static void count_free(struct chan_msg *m)
{
	freed++;
	free(m);
}

/* Messages still queued at chan_free are released with their own free function. */
static void test_free_releases_queue(void **state)
{
	(void)state;
	struct chan *c = chan_new();
	for (int i = 0; i < 3; i++) {
		struct chan_msg *m = xcalloc(1, sizeof *m);
		m->free = count_free;
		chan_send(c, m);
	}
	freed = 0;
	chan_free(c);
	assert_int_equal(freed, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_producers),
		cmocka_unit_test(test_free_releases_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
