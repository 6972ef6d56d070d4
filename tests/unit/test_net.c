/* test_net.c - the network thread against the loopback server: outcomes, HTTP errors,
 * retries, timeouts, resets, cancel, gzip, Ollama, request shape, secrets kept out of the log.
 * FN_TEST_THREADED: the TSan run includes this test. */
#include "fn_test.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/net/net.h"
#include "core/net/provider.h"
#include "core/net/secret.h"
#include "fn_fakellm.h"

static struct fakellm F;
static struct net *N;
static char *log_path;
static char base_openai[128], base_ollama[128];

static long long us_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* What one request produced, copied out of the callbacks (which run on the net thread). */
struct run {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done, got_first_token;
	int dones;
	struct buf text_events;
	int retries;
	char retry_msg[128];
	enum stream_outcome outcome;
	char *text, *error, *finish;
	int http_status;
	struct stream_usage usage;
	size_t n_tool_calls, keepalives;
	struct net_timings tm;
	long long first_token_at, done_at;
};

static void cb_event(void *ctx, enum stream_ev_kind kind, const char *s, size_t len)
{
	struct run *r = ctx;
	pthread_mutex_lock(&r->mu);
	if (kind == STREAM_EV_TEXT)
		buf_add(&r->text_events, s, len);
	pthread_mutex_unlock(&r->mu);
}

static void cb_first_token(void *ctx, double ms)
{
	struct run *r = ctx;
	(void)ms;
	pthread_mutex_lock(&r->mu);
	r->got_first_token = true;
	r->first_token_at = us_now();
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static void cb_retry(void *ctx, const struct net_retry *rt)
{
	struct run *r = ctx;
	pthread_mutex_lock(&r->mu);
	r->retries++;
	snprintf(r->retry_msg, sizeof r->retry_msg, "%s", rt->message);
	pthread_mutex_unlock(&r->mu);
}

static void cb_done(void *ctx, const struct stream_result *res, const struct net_timings *t)
{
	struct run *r = ctx;
	pthread_mutex_lock(&r->mu);
	r->dones++;
	r->done = true;
	r->done_at = us_now();
	r->outcome = res->outcome;
	r->text = xstrndup(res->text, res->text_len);
	r->error = res->error ? xstrdup(res->error) : NULL;
	r->finish = res->finish_reason ? xstrdup(res->finish_reason) : NULL;
	r->http_status = res->http_status;
	r->usage = res->usage;
	r->n_tool_calls = res->n_tool_calls;
	r->keepalives = res->keepalives;
	r->tm = *t;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

static struct cfg_provider provider(int kind)
{
	return fakellm_provider(kind, kind == PROVIDER_OLLAMA ? base_ollama : base_openai, 3, 2);
}

static void run_init(struct run *r)
{
	memset(r, 0, sizeof *r);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
}

static void run_free(struct run *r)
{
	buf_free(&r->text_events);
	free(r->text);
	free(r->error);
	free(r->finish);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

static const struct provider_msg question[] = {
	{"system", "You answer briefly."},
	{"user", "What is the capital of France?"},
};

static net_id submit(struct run *r, const struct cfg_provider *p, const char *model, const char *key)
{
	struct provider_chat chat = {.model = model, .messages = question, .n_messages = 2, .temperature = 0.2};
	struct provider_request pr;
	char *err = NULL;
	assert_int_equal(provider_chat_request(p, &chat, &pr, &err), 0);
	struct net_request req;
	provider_net_request(p, &pr, key, &req);
	struct net_callbacks cb = {cb_event, NULL, cb_first_token, cb_retry, cb_done, r};
	net_id id = net_submit(N, &req, &cb);
	provider_request_free(&pr);
	return id;
}

/* Waits (boundedly) for the done callback. */
static void wait_done(struct run *r)
{
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
}

static void chat(struct run *r, const struct cfg_provider *p, const char *model, const char *key)
{
	run_init(r);
	submit(r, p, model, key);
	wait_done(r);
	assert_int_equal(r->dones, 1);
	/* The events carried exactly the text of the result. */
	assert_string_equal(buf_str(&r->text_events), r->text);
}

static cJSON *requests(void)
{
	char *s = fakellm_get(&F, "/_requests");
	cJSON *j = cJSON_Parse(s);
	free(s);
	assert_true(cJSON_IsArray(j));
	return j;
}

static int setup(void **state)
{
	(void)state;
	fakellm_start(&F);
	snprintf(base_openai, sizeof base_openai, "%s/v1/", F.url); /* trailing slash on purpose */
	snprintf(base_ollama, sizeof base_ollama, "%s", F.url);
	log_path = xasprintf("%s/nettest-%ld/footnote.log",
			     getenv("FN_TMP") ? getenv("FN_TMP") : "/tmp", (long)getpid());
	assert_int_equal(log_open(log_path, "debug"), 0);
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
	log_close();
	secret_cache_free();
	unlink(log_path);
	char *dir = xstrdup(log_path);
	*strrchr(dir, '/') = '\0';
	rmdir(dir);
	free(dir);
	free(log_path);
	return 0;
}

static void test_completed(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	struct run r;
	chat(&r, &p, "llama3.1", NULL);
	assert_int_equal(r.outcome, STREAM_COMPLETED);
	assert_true(strlen(r.text) > 10);
	assert_string_equal(r.finish, "stop");
	assert_true(r.usage.present);
	assert_true(r.usage.completion_tokens > 0);
	assert_true(r.got_first_token);
	assert_true(r.tm.first_token_ms >= 0 && r.tm.first_token_ms <= r.tm.total_ms);
	assert_int_equal(r.tm.attempts, 1);
	run_free(&r);

	/* The request had the shape OpenAI-compatible servers expect, and no key: no header. */
	cJSON *reqs = requests();
	cJSON *last = cJSON_GetArrayItem(reqs, cJSON_GetArraySize(reqs) - 1);
	assert_string_equal(cJSON_GetObjectItem(last, "path")->valuestring, "/v1/chat/completions");
	cJSON *body = cJSON_GetObjectItem(last, "body");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(body, "stream")));
	cJSON *so = cJSON_GetObjectItem(body, "stream_options");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(so, "include_usage")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(body, "messages")), 2);
	assert_null(cJSON_GetObjectItem(body, "max_tokens")); /* 0 = server default: not sent */
	cJSON *hdrs = cJSON_GetObjectItem(last, "headers");
	assert_null(cJSON_GetObjectItem(hdrs, "authorization"));
	assert_string_equal(cJSON_GetObjectItem(hdrs, "accept")->valuestring, "text/event-stream");
	cJSON_Delete(reqs);
}

struct fixture_case {
	const char *file;
	int kind;
	enum stream_outcome outcome;
	const char *text;
	long long completion_tokens;
};

static void test_fixtures(void **state)
{
	(void)state;
	static const struct fixture_case cases[] = {
		{"openai-chat-gpt4o-text-usage.sse", PROVIDER_OPENAI, STREAM_COMPLETED,
		 "I'm unable to provide real-time updates, including current weather information. "
		 "For the latest weather in San Francisco, I recommend checking a reliable weather "
		 "website or app such as the Weather Channel, BBC Weather, or a local San Francisco "
		 "news station.", 47},
		{"openai-chat-gpt4o-finish-length.sse", PROVIDER_OPENAI, STREAM_TRUNCATED, "{\"", 1},
		{"openai-chat-gpt4o-tool-call.sse", PROVIDER_OPENAI, STREAM_TOOL_CALL, "", 16},
		{"openai-chat-gpt4o-logprobs.sse", PROVIDER_OPENAI, STREAM_COMPLETED, "Foo.", 2},
		{"openai-chat-gpt4o-refusal.sse", PROVIDER_OPENAI, STREAM_REFUSED, "", 12},
		{"openrouter-keepalive-inband-error.sse", PROVIDER_OPENAI, STREAM_SERVER_ERROR, "", 10},
		{"ollama-chat-phi3-excerpt.ndjson", PROVIDER_OLLAMA, STREAM_COMPLETED,
		 " these times of day.", 239},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct fixture_case *c = &cases[i];
		struct cfg_provider p = provider(c->kind);
		char model[128];
		snprintf(model, sizeof model, "fixture:%s", c->file);
		struct run r;
		chat(&r, &p, model, NULL);
		if (r.outcome != c->outcome)
			fail_msg("%s: outcome %s, want %s", c->file, stream_outcome_name(r.outcome),
				 stream_outcome_name(c->outcome));
		assert_string_equal(r.text, c->text);
		assert_true(r.usage.present);
		assert_int_equal(r.usage.completion_tokens, c->completion_tokens);
		if (c->outcome == STREAM_TOOL_CALL)
			assert_int_equal(r.n_tool_calls, 1);
		if (!strncmp(c->file, "openrouter", 10))
			assert_int_equal(r.keepalives, 17);
		run_free(&r);
	}
}

static void test_http_401_key_not_logged(void **state)
{
	(void)state;
	static const char key[] = "sk-test-ZX9TOPSECRETKEY42";
	setenv("FN_TEST_NET_KEY", key, 1);
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	p.api_key_env = (char *)"FN_TEST_NET_KEY";
	struct secret s;
	char *err = NULL;
	assert_int_equal(secret_get(&p, &s, &err), 0);
	assert_int_equal(s.source, SECRET_ENV);
	assert_string_equal(s.where, "$FN_TEST_NET_KEY");

	fakellm_script(&F, "[\"fault:401\"]");
	struct run r;
	chat(&r, &p, "llama3.1", s.key);
	assert_int_equal(r.outcome, STREAM_HTTP_ERROR);
	assert_int_equal(r.http_status, 401);
	assert_non_null(r.error);
	assert_true(strlen(r.error) > 5);  /* the server's own message */
	assert_null(strstr(r.error, key));
	assert_int_equal(r.tm.attempts, 1); /* 401 is not retried */
	log_warn("request failed with key %s (Bearer %s)", s.key, s.key);
	run_free(&r);

	/* The key went out as a Bearer header... */
	cJSON *reqs = requests();
	cJSON *last = cJSON_GetArrayItem(reqs, cJSON_GetArraySize(reqs) - 1);
	cJSON *auth = cJSON_GetObjectItem(cJSON_GetObjectItem(last, "headers"), "authorization");
	assert_true(cJSON_IsString(auth));
	assert_string_equal(auth->valuestring, "Bearer sk-test-ZX9TOPSECRETKEY42");
	cJSON_Delete(reqs);
	/* ...and never into the log. */
	char *text = fn_slurp(log_path, NULL);
	assert_null(strstr(text, key));
	assert_non_null(strstr(text, "401"));
	free(text);
	secret_clear(&s);
	unsetenv("FN_TEST_NET_KEY");
}

static void test_http_404_and_500(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	fakellm_script(&F, "[\"fault:404\"]");
	struct run r;
	chat(&r, &p, "llama3.1", NULL);
	assert_int_equal(r.outcome, STREAM_HTTP_ERROR);
	assert_int_equal(r.http_status, 404);
	assert_non_null(r.error);
	run_free(&r);

	fakellm_script(&F, "[\"fault:500\"]");
	chat(&r, &p, "llama3.1", NULL);
	assert_int_equal(r.outcome, STREAM_HTTP_ERROR);
	assert_int_equal(r.http_status, 500);
	assert_int_equal(r.tm.attempts, 1);
	assert_int_equal(r.retries, 0);
	run_free(&r);

	/* An HTML error page from a proxy still gives a status and no crash. */
	fakellm_script(&F, "[\"fault:502:html\"]");
	chat(&r, &p, "llama3.1", NULL);
	assert_int_equal(r.outcome, STREAM_HTTP_ERROR);
	assert_int_equal(r.http_status, 502);
	run_free(&r);
}

static void test_429_retry_after_then_success(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	fakellm_script(&F, "[\"fault:429:retry-after=1\", \"pass\"]");
	struct run r;
	chat(&r, &p, "llama3.1", NULL);
	assert_int_equal(r.outcome, STREAM_COMPLETED);
	assert_int_equal(r.retries, 1);
	assert_int_equal(r.tm.attempts, 2);
	assert_string_equal(r.retry_msg, "HTTP 429: retrying in 1 s (1/3)");
	assert_true(r.tm.total_ms >= 900); /* Retry-After was honoured */
	run_free(&r);

	/* 503 with an HTTP date, then still 503 after every retry: the last error stands. */
	p.max_retries = 1;
	fakellm_script(&F, "[\"fault:503:retry-after-date=1\", \"fault:503\"]");
	chat(&r, &p, "llama3.1", NULL);
	assert_int_equal(r.outcome, STREAM_HTTP_ERROR);
	assert_int_equal(r.http_status, 503);
	assert_int_equal(r.tm.attempts, 2);
	run_free(&r);
}

static void test_stall_idle_timeout(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	p.idle_timeout_s = 1;
	struct run r;
	chat(&r, &p, "stall", NULL);
	assert_int_equal(r.outcome, STREAM_NETWORK_ERROR);
	assert_non_null(strstr(r.error, "idle_timeout_s"));
	assert_non_null(strstr(r.error, "127.0.0.1"));
	run_free(&r);
}

static void test_reset_keeps_partial(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	fakellm_reset(&F);
	struct run r;
	/* Nothing is retried once text arrived, even with a 429-retriable budget left. */
	fakellm_script(&F, "[\"reset\", \"pass\"]");
	chat(&r, &p, "llama3.1", NULL);
	assert_int_equal(r.outcome, STREAM_INTERRUPTED);
	assert_true(strlen(r.text) > 0);
	assert_int_equal(r.tm.attempts, 1);
	run_free(&r);
	cJSON *reqs = requests();
	assert_int_equal(cJSON_GetArraySize(reqs), 1);
	cJSON_Delete(reqs);
	free(fakellm_get(&F, "/_script")); /* "pass" stays queued: clear it */
	fakellm_reset(&F);

	/* EOF without [DONE] is interrupted too. */
	chat(&r, &p, "eof", NULL);
	assert_int_equal(r.outcome, STREAM_INTERRUPTED);
	assert_true(strlen(r.text) > 0);
	run_free(&r);
}

static void test_cancel_latency(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	struct run r;
	run_init(&r);
	/* Two tokens a second for minutes: the stream cannot end before the cancel. */
	net_id id = submit(&r, &p, "tps:2:tokens:400", NULL);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&r.mu);
	while (!r.got_first_token && !r.done)
		if (pthread_cond_timedwait(&r.cv, &r.mu, &until))
			break;
	pthread_mutex_unlock(&r.mu);
	assert_true(r.got_first_token);
	long long t0 = us_now();
	assert_true(net_cancel(N, id));
	wait_done(&r);
	double latency_ms = (double)(r.done_at - t0) / 1000.0;
	printf("# cancel latency: %.2f ms\n", latency_ms);
	assert_int_equal(r.outcome, STREAM_CANCELLED);
	assert_true(strlen(r.text) > 0); /* the partial text is kept */
	assert_true(latency_ms < 2000);
	assert_int_equal(r.dones, 1);
	assert_false(net_cancel(N, id)); /* finished: unknown now */
	run_free(&r);
}

/* Cancel while waiting out a Retry-After: done comes at once, no second request. */
static void test_cancel_during_retry_wait(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	p.retry_cap_s = 30;
	fakellm_reset(&F);
	fakellm_script(&F, "[\"fault:429:retry-after=20\"]");
	struct run r;
	run_init(&r);
	net_id id = submit(&r, &p, "llama3.1", NULL);
	for (int i = 0; i < 1000; i++) { /* until the retry is announced */
		pthread_mutex_lock(&r.mu);
		int n = r.retries;
		pthread_mutex_unlock(&r.mu);
		if (n)
			break;
		fakellm_sleep_ms(5);
	}
	assert_int_equal(r.retries, 1);
	assert_string_equal(r.retry_msg, "HTTP 429: retrying in 20 s (1/3)");
	long long t0 = us_now();
	assert_true(net_cancel(N, id));
	wait_done(&r);
	assert_int_equal(r.outcome, STREAM_CANCELLED);
	assert_true(r.done_at - t0 < 2000000);
	run_free(&r);
	cJSON *reqs = requests();
	assert_int_equal(cJSON_GetArraySize(reqs), 1);
	cJSON_Delete(reqs);
}

static void test_gzip(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	struct run r;
	chat(&r, &p, "gzip", NULL);
	assert_int_equal(r.outcome, STREAM_COMPLETED);
	assert_true(strlen(r.text) > 10);
	run_free(&r);
}

static void test_ollama_chat(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OLLAMA);
	struct run r;
	chat(&r, &p, "llama3.1", "sk-ollama-unused-1234");
	assert_int_equal(r.outcome, STREAM_COMPLETED);
	assert_true(strlen(r.text) > 10);
	assert_true(r.usage.present);
	run_free(&r);

	cJSON *reqs = requests();
	cJSON *last = cJSON_GetArrayItem(reqs, cJSON_GetArraySize(reqs) - 1);
	assert_string_equal(cJSON_GetObjectItem(last, "path")->valuestring, "/api/chat");
	cJSON *body = cJSON_GetObjectItem(last, "body");
	cJSON *opt = cJSON_GetObjectItem(body, "options");
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(opt, "temperature")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(body, "stream")));
	cJSON *auth = cJSON_GetObjectItem(cJSON_GetObjectItem(last, "headers"), "authorization");
	assert_true(cJSON_IsString(auth)); /* a key is sent when one is set */
	cJSON_Delete(reqs);
}

static void test_connection_refused(void **state)
{
	(void)state;
	/* A port nothing listens on: bind one, note it, close it. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	socklen_t al = sizeof a;
	getsockname(fd, (struct sockaddr *)&a, &al);
	close(fd);
	char base[64], hostport[32];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", ntohs(a.sin_port));
	snprintf(hostport, sizeof hostport, "127.0.0.1:%d", ntohs(a.sin_port));
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	p.base_url = base;
	struct run r;
	chat(&r, &p, "llama3.1", "sk-never-shown-0000");
	assert_int_equal(r.outcome, STREAM_NETWORK_ERROR);
	if (!strstr(r.error, hostport)) /* names host:port */
		fail_msg("error does not name the host: %s", r.error);
	assert_null(strstr(r.error, "sk-never"));
	run_free(&r);
}

static void test_many_at_once_and_free_cancels(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	struct run r[4];
	for (int i = 0; i < 4; i++) {
		run_init(&r[i]);
		submit(&r[i], &p, i < 2 ? "llama3.1" : "stall", NULL);
	}
	wait_done(&r[0]);
	wait_done(&r[1]);
	assert_int_equal(r[0].outcome, STREAM_COMPLETED);
	assert_int_equal(r[1].outcome, STREAM_COMPLETED);
	/* net_free cancels the stalled ones, each with its done callback. */
	net_free(N);
	char *err = NULL;
	N = net_new(&err);
	for (int i = 2; i < 4; i++) {
		assert_true(r[i].done);
		assert_int_equal(r[i].outcome, STREAM_CANCELLED);
	}
	for (int i = 0; i < 4; i++)
		run_free(&r[i]);
}

static void test_provider_urls_and_models(void **state)
{
	(void)state;
	char *u = provider_url("http://h/v1/", "/models");
	assert_string_equal(u, "http://h/v1/models");
	free(u);
	u = provider_url("http://h/v1", "chat/completions");
	assert_string_equal(u, "http://h/v1/chat/completions");
	free(u);

	struct cfg_provider p = provider(PROVIDER_OPENAI);
	struct provider_models m;
	int status;
	char *err = NULL;
	assert_int_equal(provider_list_models(&p, NULL, &m, &status, &err), PROVIDER_OK);
	assert_int_equal(status, 200);
	assert_true(provider_models_has(&p, &m, "llama3.1"));
	assert_false(provider_models_has(&p, &m, "llama3.2"));
	provider_models_free(&m);

	p = provider(PROVIDER_OLLAMA);
	assert_int_equal(provider_list_models(&p, NULL, &m, &status, &err), PROVIDER_OK);
	assert_true(m.n > 0);
	provider_models_free(&m);

	fakellm_script(&F, "[\"fault:401\"]");
	p = provider(PROVIDER_OPENAI);
	assert_int_equal(provider_list_models(&p, "sk-bad-key-1234", &m, &status, &err), PROVIDER_EHTTP);
	assert_int_equal(status, 401);
	assert_non_null(err);
	free(err);

	p.kind = PROVIDER_BUILTIN;
	struct provider_chat chat = {.model = "x", .messages = question, .n_messages = 2, .temperature = 0.2};
	struct provider_request pr;
	assert_int_equal(provider_chat_request(&p, &chat, &pr, &err), -1);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_completed),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_http_401_key_not_logged),
		cmocka_unit_test(test_http_404_and_500),
		cmocka_unit_test(test_429_retry_after_then_success),
		cmocka_unit_test(test_stall_idle_timeout),
		cmocka_unit_test(test_reset_keeps_partial),
		cmocka_unit_test(test_cancel_latency),
		cmocka_unit_test(test_cancel_during_retry_wait),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_ollama_chat),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_many_at_once_and_free_cancels),
		cmocka_unit_test(test_provider_urls_and_models),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
