/* cmd_eval.c - `footnote eval`: retrieval and answer figures per profile, as a table or
 * JSON, with a progress bar on a terminal. The exit code says whether --min-recall was met,
 * so the command can gate a CI job. The work is core/eval/eval.c's; this file is argv and output. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/app.h"
#include "core/app/config.h"
#include "core/answer/cost.h"
#include "core/eval/eval.h"
#include "core/eval/judge.h"
#include "core/answer/turn.h"
#include "core/answer/record.h"
#include "ui/cmd/cmds.h"
#include "ui/cmd/eval_report.h"

enum { MAX_PROFILES = 16 };

struct args {
	const char *questions, *qrels;
	const struct cfg_profile *profiles[MAX_PROFILES];
	size_t nprofiles;
	long k, limit;
	bool json;
	int answers;        /* -1 = as the provider says, 0 = never, 1 = always */
	double min_recall;  /* < 0 = no threshold */
	const char *html, *baseline, *verdicts;
	double tolerance;   /* of --baseline */
};

static int parse_profiles(const struct config *cfg, const char *list, struct args *a)
{
	char *copy = xstrdup(list);
	int rc = EXIT_OK;
	for (char *save = NULL, *name = strtok_r(copy, ",", &save); name && !rc;
	     name = strtok_r(NULL, ",", &save)) {
		name += strspn(name, " ");
		const struct cfg_profile *pf = config_profile(cfg, name);
		if (!pf)
			rc = cli_usage_error("eval", "no profile named \"%s\" (see profiles: in the config)", name);
		else if (a->nprofiles == MAX_PROFILES)
			rc = cli_usage_error("eval", "at most %d profiles at a time", MAX_PROFILES);
		else
			a->profiles[a->nprofiles++] = pf;
	}
	free(copy);
	if (!rc && !a->nprofiles)
		rc = cli_usage_error("eval", "--profiles needs at least one profile name");
	return rc;
}

static int parse_number(const char *opt, const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= lo && v <= hi))
		return cli_usage_error("eval", "%s expects a number %g..%g, got \"%s\"", opt, lo, hi, s);
	*out = v;
	return EXIT_OK;
}

static int parse_count(const char *opt, const char *s, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < 1 || v > hi)
		return cli_usage_error("eval", "%s expects a whole number 1..%ld, got \"%s\"", opt, hi, s);
	*out = v;
	return EXIT_OK;
}

static int parse_args(struct cli *cli, int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"qrels", required_argument, NULL, 'q'},
		{"profiles", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"min-recall", required_argument, NULL, 'r'},
		{"answers", no_argument, NULL, 'a'},
		{"no-answers", no_argument, NULL, 'n'},
		{"limit", required_argument, NULL, 'l'},
		{"html", required_argument, NULL, 'H'},
		{"baseline", required_argument, NULL, 'b'},
		{"tolerance", required_argument, NULL, 't'},
		{"verdicts", required_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	*a = (struct args){.k = 10, .answers = -1, .min_recall = -1, .tolerance = 0.02};
	int o, rc = EXIT_OK;
	while (!rc && (o = getopt_long(argc, argv, "q:p:k:jr:anl:", opts, NULL)) != -1) {
		switch (o) {
		case 'q': a->qrels = optarg; break;
		case 'p': a->nprofiles = 0; rc = parse_profiles(cli->cfg, optarg, a); break;
		case 'k': rc = parse_count("-k", optarg, 1000, &a->k); break;
		case 'j': a->json = true; break;
		case 'r': rc = parse_number("--min-recall", optarg, 0, 1, &a->min_recall); break;
		case 'a': a->answers = 1; break;
		case 'n': a->answers = 0; break;
		case 'l': rc = parse_count("--limit", optarg, 1000000000, &a->limit); break;
		case 'H': a->html = optarg; break;
		case 'b': a->baseline = optarg; break;
		case 't': rc = parse_number("--tolerance", optarg, 0, 1, &a->tolerance); break;
		case 'v': a->verdicts = optarg; break;
		default: rc = cli_usage_error("eval", "unknown option"); break;
		}
	}
	if (rc)
		return rc;
	if (optind >= argc)
		return cli_usage_error("eval", "which questions? give a JSONL file or a BEIR directory");
	if (optind + 1 < argc)
		return cli_usage_error("eval", "one QUESTIONS file at a time (got \"%s\" too)", argv[optind + 1]);
	a->questions = argv[optind];
	if (!a->nprofiles) {
		const char *name = cli->profile ? cli->profile : cli->cfg->default_profile;
		return parse_profiles(cli->cfg, name, a);
	}
	return EXIT_OK;
}

static bool wants_answers(const struct config *cfg, const struct args *a, const struct cfg_profile *pf)
{
	if (a->answers >= 0)
		return a->answers;
	return config_provider(cfg, pf->provider)->kind != PROVIDER_BUILTIN;
}

/* ---- progress ------------------------------------------------------------------------ */

struct progress {
	int last;   /* last permille drawn */
};

static void progress(void *ctx, const char *profile, size_t done, size_t total)
{
	struct progress *p = ctx;
	int permille = (int)(done * 1000 / (total ? total : 1));
	if (permille == p->last && done != total)
		return;
	p->last = permille;
	enum { W = 30 };
	int fill = permille * W / 1000;
	char bar[W + 1];
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '-', (size_t)(W - fill));
	bar[W] = '\0';
	char *name = sanitize_str(profile, SAN_ONELINE);
	fprintf(stderr, "\r\x1b[K%s [%s] %zu/%zu", name, bar, done, total);
	free(name);
	if (done == total)
		fputs("\r\x1b[K", stderr);
}

/* ---- output -------------------------------------------------------------------------- */

static cJSON *pair(double p50, double p95)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "p50", p50);
	cJSON_AddNumberToObject(o, "p95", p95);
	return o;
}

static double share(size_t part, size_t whole)
{
	return whole ? (double)part / (double)whole : 0;
}

static void num_or_null(cJSON *o, const char *key, double v)
{
	if (v >= 0)
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *item_json(const struct eval_item *it)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", it->id);
	cJSON_AddStringToObject(o, "outcome", it->outcome);
	cJSON_AddBoolToObject(o, "out_of_scope", it->out_of_scope);
	num_or_null(o, "token_f1", it->f1);
	num_or_null(o, "contains_reference", it->contains);
	num_or_null(o, "judge", it->judge);
	if (it->verdict)
		cJSON_AddStringToObject(o, "verdict", it->verdict);
	if (it->judge_reply)
		cJSON_AddStringToObject(o, "judge_reply", it->judge_reply);
	cJSON_AddNumberToObject(o, "cost_micros", (double)it->cost_micros);
	return o;
}

static cJSON *report_json(const struct eval_report *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "profile", r->profile);
	cJSON_AddItemToObject(o, "figures", eval_figures_json(r));
	cJSON_AddStringToObject(o, "mode", r->mode);
	cJSON_AddNumberToObject(o, "top_k", r->top_k);
	cJSON_AddNumberToObject(o, "questions", (double)r->questions);
	if (r->retrieval) {
		cJSON *x = cJSON_AddObjectToObject(o, "retrieval");
		cJSON_AddNumberToObject(x, "k", (double)r->k);
		cJSON_AddNumberToObject(x, "recall", r->recall);
		cJSON_AddNumberToObject(x, "precision", r->precision);
		cJSON_AddNumberToObject(x, "mrr", r->mrr);
		cJSON_AddNumberToObject(x, "ndcg", r->ndcg);
		cJSON_AddNumberToObject(x, "no_hit", r->no_hit);
		cJSON_AddNumberToObject(x, "empty", r->empty);
		cJSON_AddItemToObject(x, "latency_ms", pair(r->retrieval_p50_ms, r->retrieval_p95_ms));
	} else {
		cJSON_AddNullToObject(o, "retrieval");
	}
	if (!r->answered) {
		cJSON_AddNullToObject(o, "answers");
		return o;
	}
	cJSON *x = cJSON_AddObjectToObject(o, "answers");
	cJSON_AddNumberToObject(x, "completed", (double)r->completed);
	cJSON_AddNumberToObject(x, "declined", (double)r->declined);
	cJSON_AddNumberToObject(x, "failed", (double)r->failed);
	cJSON_AddNumberToObject(x, "declined_share", share(r->declined, r->questions));
	cJSON_AddItemToObject(x, "first_token_ms", pair(r->first_token_p50_ms, r->first_token_p95_ms));
	cJSON_AddItemToObject(x, "total_ms", pair(r->total_p50_ms, r->total_p95_ms));
	cJSON_AddNumberToObject(x, "prompt_tokens", r->prompt_tokens);
	cJSON_AddNumberToObject(x, "completion_tokens", r->completion_tokens);
	if (r->grounding >= 0)
		cJSON_AddNumberToObject(x, "grounding", r->grounding);
	else
		cJSON_AddNullToObject(x, "grounding");
	cJSON_AddNumberToObject(x, "grounded", (double)r->grounded);
	if (r->relevance >= 0)
		cJSON_AddNumberToObject(x, "relevance", r->relevance);
	else
		cJSON_AddNullToObject(x, "relevance");
	cJSON_AddNumberToObject(x, "quoted", (double)r->quoted);
	cJSON_AddNumberToObject(x, "citations", (double)r->citations);
	cJSON_AddNumberToObject(x, "citations_invalid", (double)r->citations_invalid);
	cJSON_AddNumberToObject(x, "invalid_share", share(r->citations_invalid, r->citations));
	if (r->first_error)
		cJSON_AddStringToObject(x, "first_error", r->first_error);
	cJSON *acc = cJSON_AddObjectToObject(x, "accuracy");
	cJSON_AddNumberToObject(acc, "referenced", (double)r->referenced);
	num_or_null(acc, "token_f1", r->f1);
	num_or_null(acc, "contains_reference", r->contains);
	cJSON_AddNumberToObject(acc, "judged", (double)r->judged);
	num_or_null(acc, "judge", r->judge);
	cJSON *sc = cJSON_AddObjectToObject(x, "scope");
	cJSON_AddNumberToObject(sc, "out_of_scope", (double)r->out_of_scope);
	cJSON_AddNumberToObject(sc, "right_declines", (double)r->right_declines);
	num_or_null(sc, "right_decline_rate", r->right_decline_rate);
	num_or_null(sc, "hallucination_rate", r->hallucination_rate);
	cJSON_AddNumberToObject(sc, "sentences", (double)r->sentences);
	cJSON_AddNumberToObject(sc, "unsupported_sentences", (double)r->unsupported);
	cJSON *c = cJSON_AddObjectToObject(x, "cost");
	char cents[32];
	cJSON_AddNumberToObject(c, "answers", (double)r->answers_run);
	cJSON_AddNumberToObject(c, "priced", (double)r->priced);
	cJSON_AddNumberToObject(c, "micros", (double)r->cost_micros);
	cJSON_AddStringToObject(c, "cents", cost_cents(r->cost_micros, cents, sizeof cents));
	cJSON_AddNumberToObject(c, "judge_micros", (double)r->judge_cost_micros);
	cJSON *items = cJSON_AddArrayToObject(x, "items");
	for (size_t i = 0; i < r->nitems; i++)
		cJSON_AddItemToArray(items, item_json(&r->items[i]));
	return o;
}

static void print_json(const struct eval_set *s, const struct args *a, const struct idx_stats *st,
		       const struct eval_report *r, size_t n, bool passed)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "version", RECORD_JSON_VERSION);
	cJSON_AddStringToObject(o, "questions_file", s->questions_file);
	if (s->qrels_file)
		cJSON_AddStringToObject(o, "qrels_file", s->qrels_file);
	else
		cJSON_AddNullToObject(o, "qrels_file");
	cJSON_AddNumberToObject(o, "questions", (double)(r[0].questions));
	cJSON_AddNumberToObject(o, "unjudged", (double)s->unjudged);
	cJSON_AddNumberToObject(o, "out_of_scope", (double)s->out_of_scope);
	cJSON_AddNumberToObject(o, "k", (double)a->k);
	cJSON *ix = cJSON_AddObjectToObject(o, "index");
	cJSON_AddNumberToObject(ix, "files", (double)st->files);
	cJSON_AddNumberToObject(ix, "chunks", (double)st->chunks);
	cJSON_AddNumberToObject(ix, "generation", (double)st->generation);
	cJSON *arr = cJSON_AddArrayToObject(o, "profiles");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, report_json(&r[i]));
	if (a->min_recall >= 0)
		cJSON_AddNumberToObject(o, "min_recall", a->min_recall);
	else
		cJSON_AddNullToObject(o, "min_recall");
	cJSON_AddBoolToObject(o, "passed", passed);
	char *text = cJSON_PrintUnformatted(o);
	puts(text);
	free(text);
	cJSON_Delete(o);
}

/* One row of the table: a label, then one cell per profile ("-" where it does not apply). */
typedef void (*cell_fn)(const struct eval_report *r, char *out, size_t len);

static void row(const char *label, const struct eval_report *r, size_t n, bool answers, cell_fn fn)
{
	printf("%-26s", label);
	for (size_t i = 0; i < n; i++) {
		char cell[64] = "-";
		if (answers ? r[i].answered : r[i].retrieval)
			fn(&r[i], cell, sizeof cell);
		printf(" %16s", cell);
	}
	putchar('\n');
}

#define CELL(name, ...) \
	static void name(const struct eval_report *r, char *out, size_t len) { snprintf(out, len, __VA_ARGS__); }
CELL(c_mode, "%s", r->mode)
CELL(c_recall, "%.3f", r->recall)
CELL(c_precision, "%.3f", r->precision)
CELL(c_mrr, "%.3f", r->mrr)
CELL(c_ndcg, "%.3f", r->ndcg)
CELL(c_no_hit, "%.1f%%", r->no_hit * 100)
CELL(c_empty, "%.1f%%", r->empty * 100)
CELL(c_latency, "%.2f / %.2f", r->retrieval_p50_ms, r->retrieval_p95_ms)
CELL(c_answers, "%zu/%zu/%zu", r->completed, r->declined, r->failed)
CELL(c_declined, "%.1f%%", share(r->declined, r->questions) * 100)
CELL(c_first, "%.0f / %.0f", r->first_token_p50_ms, r->first_token_p95_ms)
CELL(c_total, "%.0f / %.0f", r->total_p50_ms, r->total_p95_ms)
CELL(c_tokens, "%.0f / %.0f", r->prompt_tokens, r->completion_tokens)
CELL(c_invalid, "%.1f%% of %zu", share(r->citations_invalid, r->citations) * 100, r->citations)
#undef CELL

static void c_grounding(const struct eval_report *r, char *out, size_t len)
{
	if (r->grounding >= 0)
		snprintf(out, len, "%.3f", r->grounding);
	else if (r->quoted)
		snprintf(out, len, "quotes: see below");
	else
		snprintf(out, len, "not computed");
}

static void c_relevance(const struct eval_report *r, char *out, size_t len)
{
	if (r->relevance >= 0)
		snprintf(out, len, "%.3f", r->relevance);
	else
		snprintf(out, len, "-");
}

static void print_table(const struct eval_set *s, const struct args *a, const struct idx_stats *st,
			const struct eval_report *r, size_t n, const char *currency)
{
	char *qf = sanitize_str(s->questions_file, SAN_ONELINE);
	char *rf = s->qrels_file ? sanitize_str(s->qrels_file, SAN_ONELINE) : NULL;
	printf("%zu questions with judgments from %s%s%s", r[0].questions, qf, rf ? " + " : "", rf ? rf : "");
	if (s->unjudged)
		printf(" (%zu without judgments skipped)", s->unjudged);
	if (s->out_of_scope)
		printf(", %zu of them out of scope", s->out_of_scope);
	printf("\nindex: %llu files, %llu passages, generation %llu\n\n", (unsigned long long)st->files,
	       (unsigned long long)st->chunks, (unsigned long long)st->generation);
	free(qf);
	free(rf);
	printf("%-26s", "profile");
	for (size_t i = 0; i < n; i++) {
		char *name = sanitize_str(r[i].profile, SAN_ONELINE);
		printf(" %16s", name);
		free(name);
	}
	putchar('\n');
	char label[64];
	row("retrieval mode", r, n, false, c_mode);
	snprintf(label, sizeof label, "recall@%ld", a->k);
	row(label, r, n, false, c_recall);
	snprintf(label, sizeof label, "precision@%ld", a->k);
	row(label, r, n, false, c_precision);
	row("MRR@10", r, n, false, c_mrr);
	row("nDCG@10", r, n, false, c_ndcg);
	snprintf(label, sizeof label, "no relevant in top %ld", a->k);
	row(label, r, n, false, c_no_hit);
	row("nothing retrieved", r, n, false, c_empty);
	row("retrieval p50 / p95 ms", r, n, false, c_latency);
	bool answers = false;
	for (size_t i = 0; i < n; i++)
		answers |= r[i].answered;
	if (!answers)
		return;
	putchar('\n');
	eval_print_comparison(stdout, r, n, currency, isatty(STDOUT_FILENO));
	putchar('\n');
	row("answered/declined/failed", r, n, true, c_answers);
	row("declined", r, n, true, c_declined);
	row("first token p50 / p95 ms", r, n, true, c_first);
	row("total p50 / p95 ms", r, n, true, c_total);
	row("tokens in / out (mean)", r, n, true, c_tokens);
	row("grounding", r, n, true, c_grounding);
	bool quoted = false;
	for (size_t i = 0; i < n; i++)
		quoted |= r[i].quoted > 0;
	if (quoted)
		row("relevance of quotes", r, n, true, c_relevance);
	row("invalid citations", r, n, true, c_invalid);
}

/* The judge's verdicts, one JSON line per graded answer. */
static int write_verdicts(const char *path, const struct eval_report *r, size_t n)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "footnote eval: cannot write the verdicts to %s: %s; choose another --verdicts FILE\n",
			path, strerror(errno));
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < r[i].nitems; k++) {
			const struct eval_item *it = &r[i].items[k];
			if (!it->verdict)
				continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "profile", r[i].profile);
			cJSON_AddStringToObject(o, "id", it->id);
			cJSON_AddStringToObject(o, "verdict", it->verdict);
			cJSON_AddNumberToObject(o, "score", it->judge);
			cJSON_AddStringToObject(o, "reply", it->judge_reply ? it->judge_reply : "");
			char *line = cJSON_PrintUnformatted(o);
			fprintf(f, "%s\n", line);
			free(line);
			cJSON_Delete(o);
		}
	return fclose(f) ? EXIT_FAIL : EXIT_OK;
}

/* --html, --verdicts and --baseline, after the figures are printed. */
static int outputs(struct cli *cli, const struct args *a, const struct eval_set *set, const struct eval_report *r,
		   size_t n, int rc)
{
	if (a->html) {
		char *title = xasprintf("footnote eval: %s", set->questions_file);
		if (eval_write_html(a->html, title, r, n, cli->cfg->currency) < 0) {
			fprintf(stderr, "footnote eval: cannot write %s: %s; choose another --html FILE\n", a->html,
				strerror(errno));
			rc = rc ? rc : EXIT_FAIL;
		}
		free(title);
	}
	if (a->verdicts) {
		int v = write_verdicts(a->verdicts, r, n);
		rc = rc ? rc : v;
	}
	if (a->baseline) {
		char *err = NULL;
		int drops = eval_compare_baseline(a->baseline, r, n, a->tolerance, stderr, &err);
		if (drops < 0) {
			char *safe = sanitize_str(err, SAN_ONELINE);
			fprintf(stderr, "footnote eval: --baseline %s; give a file written by `footnote eval --json`\n", safe);
			free(safe);
			free(err);
			rc = rc ? rc : EXIT_USAGE;
		} else if (drops) {
			rc = EXIT_UNMET;
		}
	}
	return rc;
}

/* ---- verdict ------------------------------------------------------------------------- */

static int verdict(const struct args *a, const struct eval_report *r, size_t n)
{
	int rc = EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		char *name = sanitize_str(r[i].profile, SAN_ONELINE);
		if (r[i].failed) {
			char *why = sanitize_str(r[i].first_error, SAN_ONELINE);
			fprintf(stderr, "footnote eval: profile \"%s\": %zu answer%s failed; the first: %s\n", name,
				r[i].failed, r[i].failed == 1 ? "" : "s", why);
			free(why);
			int f = r[i].first_failure;
			if (rc == EXIT_OK)
				rc = f == TURN_HTTP_ERROR || f == TURN_SERVER_ERROR || f == TURN_NETWORK_ERROR ? EXIT_NET
												     : EXIT_ANSWER;
		}
		free(name);
	}
	for (size_t i = 0; i < n && a->min_recall >= 0; i++) {
		if (!r[i].retrieval || r[i].recall + 1e-9 >= a->min_recall)
			continue;
		char *name = sanitize_str(r[i].profile, SAN_ONELINE);
		fprintf(stderr, "footnote eval: profile \"%s\": recall@%ld is %.3f, below --min-recall %g\n", name,
			a->k, r[i].recall, a->min_recall);
		free(name);
		rc = EXIT_UNMET;
	}
	return rc;
}

static int run(struct cli *cli, const struct args *a, const struct eval_set *set)
{
	struct app *app = cli->app;
	bool judge = false;
	for (size_t i = 0; i < a->nprofiles; i++) {
		bool ans = wants_answers(cli->cfg, a, a->profiles[i]);
		judge |= ans && judge_configured(cli->cfg);
		if (((ans && app_profile_remote(cli->cfg, a->profiles[i])) || judge) && app_need(app, APP_NET, NULL, 0) < 0)
			return cli_app_error("eval", app);
	}
	idx *ix = app->ix;
	struct net *net = app->net;
	struct progress pr = {-1};
	struct eval_opts o = {cli->cfg, ix, app->emb, (size_t)a->k, (size_t)a->limit, false, false, net,
			      isatty(STDERR_FILENO) ? progress : NULL, &pr};
	struct eval_report reports[MAX_PROFILES];
	size_t n = 0;
	int rc = EXIT_OK;
	for (; n < a->nprofiles && !rc; n++) {
		o.answers = wants_answers(cli->cfg, a, a->profiles[n]);
		o.judge = o.answers && judge;
		pr.last = -1;
		int r = eval_profile(set, a->profiles[n], &o, &reports[n]);
		if (r) {
			if (pr.last >= 0)
				fputs("\r\x1b[K", stderr);
			fprintf(stderr, "footnote eval: searching failed: %s\n", idx_strerror(r));
			rc = EXIT_INDEX;
		}
	}
	if (!rc) {
		struct idx_stats st = {0};
		idx_stats(ix, &st);
		int v = verdict(a, reports, n);
		if (a->json)
			print_json(set, a, &st, reports, n, v != EXIT_UNMET);
		else
			print_table(set, a, &st, reports, n, cli->cfg->currency);
		rc = outputs(cli, a, set, reports, n, v);
	}
	for (size_t i = 0; i < n; i++)
		eval_report_free(&reports[i]);
	return rc;
}

int cmd_eval(struct cli *cli, int argc, char **argv)
{
	struct args a;
	int rc = parse_args(cli, argc, argv, &a);
	if (rc)
		return rc;
	struct eval_set set;
	char *err = NULL;
	if (eval_load(a.questions, a.qrels, &set, &err) < 0) {
		cli_usage_error("eval", "%s", err);
		free(err);
		return EXIT_USAGE;
	}
	if (app_need(cli->app, APP_SETUP | APP_INDEX, NULL, 0) < 0)
		rc = cli_app_error("eval", cli->app);
	else
		rc = run(cli, &a, &set);
	eval_set_free(&set);
	return rc;
}
