/* test_cost.c - prices from the config and costs to the cent (integer micro-units, so a sum
 * of many answers equals the cost of their tokens summed), the answer scores (token F1,
 * containment, the judge's verdicts), and the fine-tune a profile records. */
#include "fn_test.h"

#include <limits.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "core/answer/cost.h"
#include "core/answer/finetune.h"
#include "core/answer/turn.h"
#include "core/app/config.h"
#include "core/eval/score.h"
#include "core/net/limits.h"

static struct config *load(const char *yaml)
{
	const char *tmp = getenv("FN_TMP");
	char *path = xasprintf("%s/cost-%d.yaml", tmp ? tmp : "/tmp", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(yaml, f);
	fclose(f);
	struct config *c = NULL;
	char *err = NULL;
	int rc = config_load(path, &c, &err);
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	remove(path);
	free(path);
	return c;
}

static void test_cost_to_the_cent(void **state)
{
	(void)state;
	struct config *c = load("prices:\n"
				"  gpt-4o-mini: {input: 0.15, output: 0.60}\n"
				"  \"ft:gpt-4o-mini-2024-07-18:acme::abc123\": {input: 0.30, output: 1.20}\n"
				"  big: {input: 2.50, output: 10}\n");
	struct price p = cost_price(c, "openai", "gpt-4o-mini");
	assert_true(p.known);
	assert_int_equal(p.input, 150000);
	assert_int_equal(p.output, 600000);
	/* 1,000 in at $0.15/M = $0.00015, 200 out at $0.60/M = $0.00012: 270 micro-dollars. */
	assert_int_equal(cost_micros(&p, 1000, 200), 270);
	char s[40];
	assert_string_equal(cost_format(270, "$", s, sizeof s), "$0.0003");
	/* 1,234,567 in at $2.50/M = 3.0864175; 98,765 out at $10/M = 0.98765:
	 * 4.0740675 -> 4,074,068 micros (half up) -> $4.07. */
	struct price b = cost_price(c, "openai", "big");
	assert_int_equal(cost_micros(&b, 1234567, 98765), 4074068);
	assert_string_equal(cost_cents(4074068, s, sizeof s), "4.07");
	assert_string_equal(cost_format(4074068, "$", s, sizeof s), "$4.07");
	assert_string_equal(cost_format(4074068, "EUR", s, sizeof s), "4.07 EUR");
	/* Rounding half up at the cent: 4,995,000 micros is $5.00, 4,994,999 is $4.99. */
	assert_string_equal(cost_cents(4995000, s, sizeof s), "5.00");
	assert_string_equal(cost_cents(4994999, s, sizeof s), "4.99");
	/* Ten thousand answers of 7 in and 3 out at $0.15/$0.60: each 1.05 + 1.8 = 2.85 micros,
	 * rounded to 3; the sum is exact integers, 30,000 micros = $0.03 - no drift, and the
	 * same whichever order the answers are added in. */
	int64_t sum = 0;
	for (int i = 0; i < 10000; i++)
		sum += cost_micros(&p, 7, 3);
	assert_int_equal(sum, 30000);
	assert_string_equal(cost_cents(sum, s, sizeof s), "0.03");
	/* A fine-tuned id has its own price; an unknown model has none; builtin is free. */
	struct price ft = cost_price(c, "openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123");
	assert_true(ft.known);
	assert_int_equal(cost_micros(&ft, 1000000, 1000000), 1500000);
	struct price none = cost_price(c, "openai", "llama3.1");
	assert_false(none.known);
	assert_int_equal(cost_micros(&none, 1000, 1000), 0);
	struct price free_ = cost_price(c, "builtin", "extractive");
	assert_true(free_.known);
	assert_int_equal(cost_micros(&free_, 1000, 1000), 0);
	/* Overflow saturates instead of wrapping. */
	struct price huge = {INT64_MAX / 2, INT64_MAX / 2, true};
	assert_int_equal(cost_micros(&huge, LLONG_MAX, 2), INT64_MAX);
	config_free(c);
}

static void test_scores(void **state)
{
	(void)state;
	/* SQuAD normalization: case, punctuation, articles; markers are not words. */
	/* "boiling point is 100 degrees" against "100 degrees": P 2/5, R 1, F1 0.8 / 1.4. */
	assert_float_equal(score_f1("The boiling point is 100 degrees [1].", "100 degrees"), 0.8 / 1.4, 1e-9);
	assert_float_equal(score_contains("Water boils at 100 degrees Celsius [1].", "100 degrees celsius"), 1,
			   0);
	assert_float_equal(score_contains("Water boils at 1000 degrees.", "100 degrees"), 0, 0);
	assert_float_equal(score_f1("", ""), 1, 0);
	assert_float_equal(score_f1("Not found in your documents.", "100 degrees"), 0, 0);
	/* Multiplicity: "moon moon" against "moon": P 1/2, R 1, F1 2/3. */
	assert_float_equal(score_f1("moon moon", "the moon"), 2.0 / 3, 1e-9);
	const char *v;
	assert_float_equal(score_judge_verdict("CORRECT. It says 100 degrees.", &v), 1, 0);
	assert_string_equal(v, "correct");
	assert_float_equal(score_judge_verdict("**Incorrect** - no", &v), 0, 0);
	assert_string_equal(v, "incorrect");
	assert_float_equal(score_judge_verdict("partial: half", &v), 0.5, 0);
	assert_float_equal(score_judge_verdict("CORRECTLY so", &v), -1, 0);
	assert_string_equal(v, "unreadable");
	char *pr = score_judge_prompt("q?", "ref", "ans");
	assert_string_equal(pr, "Question: q?\nReference answer: ref\nCandidate answer: ans\n");
	free(pr);
}

static void test_fine_tune_recorded(void **state)
{
	(void)state;
	struct cfg_provider openai = {.name = (char *)"srv", .kind = PROVIDER_OPENAI};
	struct cfg_provider ollama = {.name = (char *)"ol", .kind = PROVIDER_OLLAMA};
	struct cfg_profile pf = {.name = (char *)"fine-tuned", .model = (char *)"ft:gpt-4o-mini:acme:notes:x1",
				 .adapter = (char *)"", .adapter_scale = 1, .checkpoint = (char *)"",
				 .dataset_version = (char *)"notes-2026-11"};
	struct provenance pv = {0};
	struct finetune_lora lora;
	finetune_fill(&pf, &openai, NULL, &pv, &lora);
	assert_string_equal(pv.fine_tune, "openai");
	assert_string_equal(pv.base_model, "gpt-4o-mini");
	assert_string_equal(pv.checkpoint, "ft:gpt-4o-mini:acme:notes:x1");
	assert_string_equal(pv.dataset_version, "notes-2026-11");
	assert_false(lora.send);
	/* A LoRA adapter by path, listed by the server as id 1. */
	struct server_limits lim = {.nlora = 2, .learned = true};
	lim.lora[0] = (struct limits_lora){0, 1, "/models/base-style.gguf"};
	lim.lora[1] = (struct limits_lora){1, 0, "/models/notes-lora.gguf"};
	pf.model = (char *)"llama";
	pf.adapter = (char *)"notes-lora.gguf";
	pf.adapter_scale = 0.75;
	pf.checkpoint = (char *)"ckpt-0042";
	finetune_fill(&pf, &openai, &lim, &pv, &lora);
	assert_true(lora.send);
	assert_int_equal(lora.id, 1);
	assert_float_equal(lora.scale, 0.75, 0);
	assert_string_equal(pv.fine_tune, "lora");
	assert_string_equal(pv.adapter, "1 /models/notes-lora.gguf");
	assert_string_equal(pv.checkpoint, "ckpt-0042");
	/* Not listed: nothing sent, and the provenance says so. */
	pf.adapter = (char *)"other.gguf";
	finetune_fill(&pf, &openai, &lim, &pv, &lora);
	assert_false(lora.send);
	assert_string_equal(pv.adapter, "other.gguf (not loaded by the server)");
	/* By id, before the server was asked. */
	pf.adapter = (char *)"0";
	finetune_fill(&pf, &openai, NULL, &pv, &lora);
	assert_true(lora.send);
	assert_int_equal(lora.id, 0);
	/* Ollama: the Modelfile's ADAPTER. */
	pf.adapter = (char *)"";
	struct server_limits ol = {.learned = true};
	snprintf(ol.adapter, sizeof ol.adapter, "/root/.ollama/blobs/sha256-abc");
	finetune_fill(&pf, &ollama, &ol, &pv, &lora);
	assert_string_equal(pv.fine_tune, "ollama");
	assert_string_equal(pv.adapter, "/root/.ollama/blobs/sha256-abc");
	assert_false(lora.send);
	free(pv.fine_tune);
	free(pv.base_model);
	free(pv.adapter);
	free(pv.checkpoint);
	free(pv.dataset_version);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cost_to_the_cent),
		cmocka_unit_test(test_scores),
		cmocka_unit_test(test_fine_tune_recorded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
