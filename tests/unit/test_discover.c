/* test_discover.c - discovery of a model server on loopback (core/app/discover.h), against
 * the fake server on a port the kernel picked, plus a closed port (refused, skipped) and a
 * listener that never answers (given up within the bound, not waited for forever).
 * FN_TEST_THREADED: the TSan run includes this test (discover_start has its own thread). */
#include "fn_test.h"
#include "fn_fakellm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>

#include "core/app/discover.h"

/* A port nothing listens on, and a socket that listens but never accepts or answers. */
static int free_port(int *listener, bool keep_listening)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t len = sizeof a;
	getsockname(s, (struct sockaddr *)&a, &len);
	if (keep_listening) {
		assert_int_equal(listen(s, 4), 0);
		*listener = s;
	} else {
		close(s);
		*listener = -1;
	}
	return ntohs(a.sin_port);
}

static void test_finds_the_server(void **state)
{
	(void)state;
	struct fakellm f;
	fakellm_start(&f);
	int closed_fd, silent_fd;
	int closed = free_port(&closed_fd, false), silent = free_port(&silent_fd, true);
	char ports[96];
	snprintf(ports, sizeof ports, "%d,%d,ollama:%d", closed, silent, f.port);
	setenv("FN_DISCOVER_PORTS", ports, 1);
	unsetenv("OPENAI_API_KEY");
	struct discover_result r;
	discover_run(&r);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.chosen, 0);
	assert_string_equal(r.v[0].name, "ollama");
	assert_int_equal(r.v[0].kind, PROVIDER_OLLAMA);
	assert_int_equal(r.v[0].nmodels, 3);
	/* The first by name that is not an embedding model, whatever the listing order. */
	assert_string_equal(r.v[0].model, "llama3.1:latest");
	assert_string_equal(r.v[0].api_key_env, "");
	assert_non_null(strstr(r.summary, "found Ollama at http://127.0.0.1:"));

	struct config *c = config_defaults();
	assert_int_equal(discover_apply(c, &r), 3);
	assert_string_equal(config_profile(c, "rag")->provider, "ollama");
	assert_string_equal(config_provider(c, "ollama")->base_url, r.v[0].base_url);
	config_free(c);
	discover_result_free(&r);

	/* Nothing there: nothing chosen, and the summary says so. */
	snprintf(ports, sizeof ports, "%d", closed);
	setenv("FN_DISCOVER_PORTS", ports, 1);
	discover_run(&r);
	assert_int_equal(r.chosen, -1);
	assert_non_null(strstr(r.summary, "no model server found"));
	c = config_defaults();
	assert_int_equal(discover_apply(c, &r), 0);
	config_free(c);
	discover_result_free(&r);
	/* Empty: nothing probed, and OPENAI_API_KEY is not taken in tests without a URL. */
	setenv("FN_DISCOVER_PORTS", "", 1);
	setenv("OPENAI_API_KEY", "sk-test", 1);
	discover_run(&r);
	assert_int_equal(r.n, 0);
	discover_result_free(&r);
	unsetenv("OPENAI_API_KEY");
	close(silent_fd);
	fakellm_stop(&f);
}

struct waiter {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct discover_result *r;
};

static void on_done(void *ctx, struct discover_result *r)
{
	struct waiter *w = ctx;
	pthread_mutex_lock(&w->mu);
	w->r = r;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void test_on_a_thread(void **state)
{
	(void)state;
	struct fakellm f;
	fakellm_start(&f);
	char ports[32];
	snprintf(ports, sizeof ports, "%d", f.port);
	setenv("FN_DISCOVER_PORTS", ports, 1);
	struct waiter w = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL};
	struct discover_job *j = discover_start(on_done, &w);
	assert_non_null(j);
	pthread_mutex_lock(&w.mu);
	while (!w.r)
		pthread_cond_wait(&w.cv, &w.mu);
	pthread_mutex_unlock(&w.mu);
	discover_join(j);
	assert_int_equal(w.r->chosen, 0);
	assert_string_equal(w.r->v[0].name, "local");
	assert_non_null(w.r->v[0].model);
	discover_result_free(w.r);
	free(w.r);
	fakellm_stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_the_server),
		cmocka_unit_test(test_on_a_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
