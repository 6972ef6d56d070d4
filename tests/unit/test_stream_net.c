/* test_stream_net.c - reasoning kept apart from the answer end to end: the loopback server's
 * think and think-noopen scenarios through the network thread, the OpenAI and Ollama wire
 * formats, streamed and not. think-noopen is what a DeepSeek-R1 template does to the stream:
 * reasoning with no opening "<think>", then "</think>", then the answer.
 * FN_TEST_THREADED: the TSan run includes this test. */
#include "fn_test.h"

#include <pthread.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/net/net.h"
#include "core/net/provider.h"
#include "fn_fakellm.h"

/* the fake server's THINK_TEXT */
static const char think_text[] =
	"The user asks a question, so I should look at the sources first and cite them.";

static struct fakellm F;
static struct net *N;
static char base_openai[128], base_ollama[128];

/* What one request produced, copied out of the callbacks (which run on the net thread). */
struct run {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
	struct buf log; /* kind letter (T, R) per text or reasoning event */
	struct buf text_events, reasoning_events;
	enum stream_outcome outcome;
	char *text, *reasoning;
};

static void cb_event(void *ctx, enum stream_ev_kind kind, const char *s, size_t len)
{
	struct run *r = ctx;
	pthread_mutex_lock(&r->mu);
	if (kind == STREAM_EV_TEXT) {
		buf_addc(&r->log, 'T');
		buf_add(&r->text_events, s, len);
	} else if (kind == STREAM_EV_REASONING) {
		buf_addc(&r->log, 'R');
		buf_add(&r->reasoning_events, s, len);
	}
	pthread_mutex_unlock(&r->mu);
}

static void cb_done(void *ctx, const struct stream_result *res, const struct net_timings *t)
{
	struct run *r = ctx;
	(void)t;
	pthread_mutex_lock(&r->mu);
	r->done = true;
	r->outcome = res->outcome;
	r->text = xstrndup(res->text, res->text_len);
	r->reasoning = xstrndup(res->reasoning, res->reasoning_len);
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static const struct provider_msg question[] = {
	{"system", "You answer briefly."},
	{"user", "[1] Paris is the capital of France.\nQuestion: What is the capital of France?"},
};

/* One chat request with `scenario` queued and `model` named; waits for its end. */
static void chat(struct run *r, int kind, const char *model, const char *scenario)
{
	memset(r, 0, sizeof *r);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	char script[128];
	snprintf(script, sizeof script, "[\"%s\"]", scenario);
	fakellm_script(&F, script);
	struct cfg_provider p = fakellm_provider(kind, kind == PROVIDER_OLLAMA ? base_ollama : base_openai, 0, 1);
	struct provider_chat c = {.model = model, .messages = question, .n_messages = 2, .temperature = 0.2};
	struct provider_request pr;
	char *err = NULL;
	assert_int_equal(provider_chat_request(&p, &c, &pr, &err), 0);
	struct net_request req;
	provider_net_request(&p, &pr, NULL, &req);
	struct net_callbacks cb = {.event = cb_event, .done = cb_done, .ctx = r};
	net_submit(N, &req, &cb);
	provider_request_free(&pr);

	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&r->mu);
	while (!r->done)
		if (pthread_cond_timedwait(&r->cv, &r->mu, &until))
			break;
	bool done = r->done;
	pthread_mutex_unlock(&r->mu);
	if (!done)
		fail_msg("no done callback within 20 s");
	assert_string_equal(buf_str(&r->text_events), r->text);
	assert_string_equal(buf_str(&r->reasoning_events), r->reasoning);
}

static void run_free(struct run *r)
{
	buf_free(&r->log);
	buf_free(&r->text_events);
	buf_free(&r->reasoning_events);
	free(r->text);
	free(r->reasoning);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

static int setup(void **state)
{
	(void)state;
	fakellm_start(&F);
	snprintf(base_openai, sizeof base_openai, "%s/v1", F.url);
	snprintf(base_ollama, sizeof base_ollama, "%s", F.url);
	char *err = NULL;
	N = net_new(&err);
	assert_non_null(N);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	net_free(N);
	fakellm_stop(&F);
	return 0;
}

/* The answer is the server's default one: it cites source 1 and holds no think tag. */
static void check_split(const struct run *r)
{
	assert_int_equal(r->outcome, STREAM_COMPLETED);
	assert_string_equal(r->reasoning, think_text);
	assert_null(strstr(r->text, "think>"));
	assert_null(strstr(r->text, "The user asks"));
	assert_non_null(strstr(r->text, "[1]"));
	assert_true(r->text[0] != '\n' && r->text[0] != ' ');
	/* no text before the reasoning */
	assert_int_equal(buf_str(&r->log)[0], 'R');
}

static void test_think_tags(void **state)
{
	(void)state;
	static const int kinds[] = {PROVIDER_OPENAI, PROVIDER_OLLAMA};
	static const char *const scenarios[] = {"think", "think-noopen"};
	static const char *const models[] = {"deepseek-r1:7b", "DeepSeek-R1-Distill-Qwen-7B", "qwq:32b"};
	for (size_t k = 0; k < 2; k++) {
		for (size_t s = 0; s < 2; s++) {
			for (size_t m = 0; m < 3; m++) {
				struct run r;
				chat(&r, kinds[k], models[m], scenarios[s]);
				check_split(&r);
				run_free(&r);
			}
		}
	}
}

/* A model not named as one that strips the tag: the opening tag still splits the block, and
 * without it the content is the answer, streamed at once (nothing held), reasoning and all. */
static void test_think_other_model(void **state)
{
	(void)state;
	struct run r;
	chat(&r, PROVIDER_OPENAI, "llama3.1:8b", "think");
	check_split(&r);
	run_free(&r);
	chat(&r, PROVIDER_OPENAI, "llama3.1:8b", "think-noopen");
	assert_int_equal(r.outcome, STREAM_COMPLETED);
	assert_string_equal(r.reasoning, "");
	assert_true(strncmp(r.text, think_text, strlen(think_text)) == 0);
	assert_non_null(strstr(r.text, "</think>"));
	assert_true(r.log.len > 10); /* streamed in many events, not held to the end */
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_think_tags),
		cmocka_unit_test(test_think_other_model),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
