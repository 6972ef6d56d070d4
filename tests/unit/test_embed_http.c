/* test_embed_http.c - the HTTP embedders against the loopback server: order by index,
 * dimension checks, retries, Ollama's context-length split, one handle per thread.
 * FN_TEST_THREADED: the TSan run includes this test. */
#include "fn_test.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>

#include "core/app/config.h"
#include "core/net/embed_http.h"
#include "fn_fakellm.h"

static struct fakellm F;
static char base_openai[128], base_ollama[128];

static struct cfg_provider provider(int kind)
{
	return fakellm_provider(kind, kind == PROVIDER_OLLAMA ? base_ollama : base_openai, 2, 0); /* retry at once: keeps the test fast */
}

static int n_requests(void)
{
	char *s = fakellm_get(&F, "/_requests");
	cJSON *j = cJSON_Parse(s);
	free(s);
	int n = cJSON_GetArraySize(j);
	cJSON_Delete(j);
	return n;
}

static int setup(void **state)
{
	(void)state;
	fakellm_start(&F);
	snprintf(base_openai, sizeof base_openai, "%s/v1", F.url);
	snprintf(base_ollama, sizeof base_ollama, "%s/", F.url);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fakellm_stop(&F);
	return 0;
}

static const char *const texts[] = {
	"The cat sat on the mat.",
	"Lighthouses guide ships along the rocky coast.",
	"A cat and a dog sat together on the mat.",
};

static void assert_unit(const float *v, int dim)
{
	double s = 0;
	for (int i = 0; i < dim; i++)
		s += (double)v[i] * v[i];
	assert_true(fabs(s - 1.0) < 1e-4);
}

static double dot(const float *a, const float *b, int dim)
{
	double s = 0;
	for (int i = 0; i < dim; i++)
		s += (double)a[i] * b[i];
	return s;
}

static float *embed3(int kind, const char *model, int *rc, int *dim, char *err, size_t errlen)
{
	struct cfg_provider p = provider(kind);
	struct embed_http *e = embed_http_new(&p, model, NULL, 8, 0);
	const struct idx_embedder *emb = embed_http_embedder(e);
	float *out = calloc(3 * 256, sizeof *out);
	*rc = emb->embed(emb->ctx, texts, 3, out, err, errlen);
	*dim = emb->dim;
	embed_http_free(e);
	return out;
}

static void test_openai_normal_and_shuffled(void **state)
{
	(void)state;
	char err[256];
	int rc, dim, dim2;
	float *a = embed3(PROVIDER_OPENAI, "nomic-embed-text", &rc, &dim, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_int_equal(dim, 64); /* learnt from the first reply */
	for (int i = 0; i < 3; i++)
		assert_unit(a + i * dim, dim);
	/* Texts sharing words are closer than unrelated ones. */
	assert_true(dot(a, a + 2 * dim, dim) > dot(a, a + dim, dim));

	float *b = embed3(PROVIDER_OPENAI, "embed:shuffled", &rc, &dim2, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_int_equal(dim2, dim);
	for (int i = 0; i < 3; i++) /* reversed on the wire, put back by "index" */
		assert_true(dot(a + i * dim, b + i * dim, dim) > 0.9999);
	free(a);
	free(b);
}

static void test_wrong_dimension(void **state)
{
	(void)state;
	char err[256];
	int rc, dim;
	float *a = embed3(PROVIDER_OPENAI, "embed:wrong-dim", &rc, &dim, err, sizeof err);
	assert_int_equal(rc, IDX_EDIM);
	assert_non_null(strstr(err, "dimension 63"));
	for (int i = 0; i < 3 * 64; i++) /* nothing was filled */
		assert_true(a[i] == 0.0f);
	free(a);

	/* A fixed dimension that the server does not match is refused too. */
	struct cfg_provider p = provider(PROVIDER_OLLAMA);
	struct embed_http *e = embed_http_new(&p, "nomic-embed-text", NULL, 8, 768);
	const struct idx_embedder *emb = embed_http_embedder(e);
	float out[768];
	assert_int_equal(emb->embed(emb->ctx, texts, 1, out, err, sizeof err), IDX_EDIM);
	embed_http_free(e);
}

static void test_500_after_retries(void **state)
{
	(void)state;
	free(fakellm_http(&F, "POST", "/_reset", "{}"));
	char err[256];
	int rc, dim;
	float *a = embed3(PROVIDER_OPENAI, "embed:500", &rc, &dim, err, sizeof err);
	assert_int_equal(rc, IDX_EEMBED);
	assert_non_null(strstr(err, "HTTP 500"));
	assert_int_equal(n_requests(), 3); /* 1 + max_retries */
	free(a);

	/* 429 with Retry-After, then success. */
	fakellm_script(&F, "[\"fault:429:retry-after=1\"]");
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	p.retry_cap_s = 5;
	struct embed_http *e = embed_http_new(&p, "nomic-embed-text", NULL, 8, 0);
	const struct idx_embedder *emb = embed_http_embedder(e);
	float out[64];
	assert_int_equal(emb->embed(emb->ctx, texts, 1, out, err, sizeof err), 0);
	assert_unit(out, 64);
	embed_http_free(e);
}

static void test_ollama_and_context_split(void **state)
{
	(void)state;
	char err[256];
	int rc, dim;
	float *a = embed3(PROVIDER_OLLAMA, "nomic-embed-text", &rc, &dim, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_int_equal(dim, 64);
	assert_unit(a, dim);
	free(a);

	free(fakellm_http(&F, "POST", "/_reset", "{}"));
	/* limit=60: inputs over 60 characters are refused with a context-length error. */
	static const char long_text[] =
		"Footnote indexes your notes and answers with citations. Every chunk keeps its "
		"file and line range, and every answer shows where its sentences came from.";
	const char *in[2] = {"A short one.", long_text};
	struct cfg_provider p = provider(PROVIDER_OLLAMA);
	struct embed_http *e = embed_http_new(&p, "nomic:limit=60", NULL, 8, 0);
	const struct idx_embedder *emb = embed_http_embedder(e);
	float out[2 * 64];
	rc = emb->embed(emb->ctx, in, 2, out, err, sizeof err);
	if (rc)
		fail_msg("split failed: %s", err);
	assert_unit(out, 64);
	assert_unit(out + 64, 64);
	embed_http_free(e);

	/* The first request asked for no truncation; later ones split the long text. */
	char *s = fakellm_get(&F, "/_requests");
	cJSON *reqs = cJSON_Parse(s);
	free(s);
	assert_true(cJSON_GetArraySize(reqs) >= 4);
	cJSON *first = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 0), "body");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(first, "truncate")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(first, "input")), 2);
	cJSON *r;
	cJSON_ArrayForEach(r, reqs) {
		cJSON *input = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "body"), "input");
		cJSON *t;
		cJSON_ArrayForEach(t, input)
			assert_true(strlen(t->valuestring) <= strlen(long_text));
	}
	cJSON_Delete(reqs);

	/* A piece that can never fit ends in an error, not a silent cut. */
	e = embed_http_new(&p, "nomic:limit=5", NULL, 8, 0);
	emb = embed_http_embedder(e);
	const char *one[1] = {long_text};
	assert_int_equal(emb->embed(emb->ctx, one, 1, out, err, sizeof err), IDX_EEMBED);
	assert_non_null(strstr(err, "context"));
	embed_http_free(e);
}

struct worker {
	const struct idx_embedder *emb;
	int rc;
	float out[3 * 64];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char err[256];
	for (int i = 0; i < 5 && !w->rc; i++)
		w->rc = w->emb->embed(w->emb->ctx, texts, 3, w->out, err, sizeof err);
	return NULL;
}

static void test_threads_share_one_embedder(void **state)
{
	(void)state;
	struct cfg_provider p = provider(PROVIDER_OPENAI);
	struct embed_http *e = embed_http_new(&p, "nomic-embed-text", NULL, 8, 64);
	struct worker w[3];
	pthread_t t[3];
	for (int i = 0; i < 3; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].emb = embed_http_embedder(e);
		pthread_create(&t[i], NULL, work, &w[i]);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].rc, 0);
		assert_true(dot(w[0].out, w[i].out, 64) > 0.9999);
	}
	embed_http_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openai_normal_and_shuffled),
		cmocka_unit_test(test_wrong_dimension),
		cmocka_unit_test(test_500_after_retries),
		cmocka_unit_test(test_ollama_and_context_split),
		cmocka_unit_test(test_threads_share_one_embedder),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
