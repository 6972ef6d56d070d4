/* cmd_log.c - `footnote log`: the decision log. Every answer kept in the sessions, across
 * them, with what produced it: date, profile, provider and model, the fine-tune (kind,
 * checkpoint, training data version, adapter), the retrieval settings and the index
 * generation, its outcome, tokens and cost. Filtered by profile, model, checkpoint, data
 * version, session and date; a table, --json or --csv.
 *
 * Everything read from a session file is untrusted: the table sanitizes it, the JSON is
 * escaped for the terminal (session_json_escape), and a CSV field that a spreadsheet would
 * take for a formula (= + - @ first) is written with a leading '. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/answer/cost.h"
#include "core/answer/record.h"
#include "core/app/config.h"
#include "core/session/session.h"
#include "ui/cmd/cmds.h"

struct filter {
	const char *profile, *model, *checkpoint, *dataset, *session, *since, *until;
	bool json, csv;
	long limit;
};

/* One answer of one session, borrowed from the loaded sessions. */
struct row {
	const struct session *s;
	size_t turn;
};

static bool has(const char *want, const char *value)
{
	return !want || !strcmp(want, value ? value : "");
}

/* ISO times compare as text; a date alone ("2026-11-21") means the whole day for --until. */
static bool in_range(const struct filter *f, const char *time)
{
	if (f->since && strcmp(time, f->since) < 0)
		return false;
	return !f->until || strncmp(time, f->until, strlen(f->until)) <= 0;
}

static bool keep(const struct filter *f, const struct session *s, const struct session_turn *t)
{
	const struct provenance *p = &t->prov;
	return t->finished && has(f->profile, p->profile) && has(f->model, p->model) &&
	       has(f->checkpoint, p->checkpoint) && has(f->dataset, p->dataset_version) &&
	       (!f->session || !strncmp(s->id, f->session, strlen(f->session))) && in_range(f, p->time);
}

static int by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->s->turns[x->turn].prov.time, y->s->turns[y->turn].prov.time);
	return c ? c : strcmp(x->s->id, y->s->id);
}

static void retrieval_text(const struct provenance *p, struct buf *b)
{
	if (!p->retrieval) {
		buf_adds(b, "off");
		return;
	}
	buf_addf(b, "%s top_k=%d", p->mode, p->top_k);
	if (*p->collections)
		buf_addf(b, " collections=%s", p->collections);
	buf_addf(b, " w=%g/%g cap=%d min=%g", p->w_lexical, p->w_vector, p->per_file_cap, p->min_score);
}

static cJSON *row_json(const struct row *r)
{
	const struct session_turn *t = &r->s->turns[r->turn];
	const struct provenance *p = &t->prov;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "time", p->time);
	cJSON_AddStringToObject(o, "session", r->s->id);
	cJSON_AddNumberToObject(o, "turn", (double)r->turn + 1);
	cJSON_AddStringToObject(o, "question", t->question ? t->question : "");
	cJSON *pv = record_provenance_json(p);
	cJSON_AddItemToObject(o, "provenance", pv);
	cJSON_AddStringToObject(o, "outcome", t->result.outcome_name);
	cJSON *u = cJSON_AddObjectToObject(o, "usage");
	cJSON_AddNumberToObject(u, "prompt_tokens", (double)t->result.prompt_tokens);
	cJSON_AddNumberToObject(u, "completion_tokens", (double)t->result.completion_tokens);
	cJSON *c = cJSON_AddObjectToObject(o, "cost");
	cJSON_AddBoolToObject(c, "priced", t->result.priced);
	cJSON_AddNumberToObject(c, "micros", (double)t->result.cost_micros);
	return o;
}

/* A CSV field: quoted when it must be, a formula's first character defused. */
static void csv_field(struct buf *b, const char *s, bool last)
{
	s = s ? s : "";
	bool formula = strchr("=+-@", *s) && *s;
	bool quote = formula || strpbrk(s, ",\"\r\n");
	if (quote)
		buf_addc(b, '"');
	if (formula)
		buf_addc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	if (quote)
		buf_addc(b, '"');
	buf_addc(b, last ? '\n' : ',');
}

static void print_csv(const struct row *rows, size_t n)
{
	struct buf b = {0};
	buf_adds(&b, "time,session,turn,profile,provider,model,fine_tune,base_model,adapter,checkpoint,"
		     "dataset_version,retrieval,index_generation,outcome,prompt_tokens,completion_tokens,cost_cents\n");
	for (size_t i = 0; i < n; i++) {
		const struct session_turn *t = &rows[i].s->turns[rows[i].turn];
		const struct provenance *p = &t->prov;
		char num[3][32], cents[32];
		snprintf(num[0], sizeof num[0], "%zu", rows[i].turn + 1);
		snprintf(num[1], sizeof num[1], "%llu", (unsigned long long)p->index_generation);
		struct buf rt = {0};
		retrieval_text(p, &rt);
		const char *f[] = {p->time, rows[i].s->id, num[0], p->profile, p->provider, p->model, p->fine_tune,
				   p->base_model, p->adapter, p->checkpoint, p->dataset_version, buf_str(&rt), num[1],
				   t->result.outcome_name};
		for (size_t k = 0; k < sizeof f / sizeof *f; k++)
			csv_field(&b, f[k], false);
		snprintf(num[0], sizeof num[0], "%lld", t->result.prompt_tokens);
		snprintf(num[2], sizeof num[2], "%lld", t->result.completion_tokens);
		csv_field(&b, num[0], false);
		csv_field(&b, num[2], false);
		csv_field(&b, t->result.priced ? cost_cents(t->result.cost_micros, cents, sizeof cents) : "", true);
		buf_free(&rt);
	}
	/* Sanitized line by line: a CSV is read on terminals too. */
	char *safe = sanitize_str(buf_str(&b), 0);
	fputs(safe, stdout);
	free(safe);
	buf_free(&b);
}

static void print_table(const struct row *rows, size_t n, const char *currency)
{
	for (size_t i = 0; i < n; i++) {
		const struct session_turn *t = &rows[i].s->turns[rows[i].turn];
		const struct provenance *p = &t->prov;
		char when[17], money[48] = "-";
		session_short_time(p->time, when);
		if (t->result.priced)
			cost_format(t->result.cost_micros, currency, money, sizeof money);
		struct buf b = {0};
		buf_addf(&b, "%s  %s#%zu  %s  %s/%s", when, rows[i].s->id, rows[i].turn + 1, p->profile, p->provider,
			 p->model);
		if (*p->fine_tune)
			buf_addf(&b, "  fine-tune %s", p->fine_tune);
		if (*p->adapter)
			buf_addf(&b, " adapter %s", p->adapter);
		if (*p->checkpoint)
			buf_addf(&b, "  checkpoint %s", p->checkpoint);
		if (*p->dataset_version)
			buf_addf(&b, "  data %s", p->dataset_version);
		buf_adds(&b, "  retrieval ");
		retrieval_text(p, &b);
		buf_addf(&b, "  index gen %llu  %s  %lld+%lld tok  %s", (unsigned long long)p->index_generation,
			 t->result.outcome_name, t->result.prompt_tokens, t->result.completion_tokens, money);
		char *safe = sanitize_str(buf_str(&b), SAN_ONELINE);
		puts(safe);
		free(safe);
		buf_free(&b);
	}
	if (!n)
		fputs("no answers match (footnote sessions list shows the saved conversations)\n", stderr);
}

static int parse(struct cli *cli, int argc, char **argv, struct filter *f)
{
	(void)cli;
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'}, {"model", required_argument, NULL, 'm'},
		{"checkpoint", required_argument, NULL, 'c'}, {"dataset", required_argument, NULL, 'd'},
		{"session", required_argument, NULL, 's'}, {"since", required_argument, NULL, 'S'},
		{"until", required_argument, NULL, 'U'}, {"json", no_argument, NULL, 'j'},
		{"csv", no_argument, NULL, 'C'}, {"limit", required_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	*f = (struct filter){0};
	int o;
	char *end;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p': f->profile = optarg; break;
		case 'm': f->model = optarg; break;
		case 'c': f->checkpoint = optarg; break;
		case 'd': f->dataset = optarg; break;
		case 's': f->session = optarg; break;
		case 'S': f->since = optarg; break;
		case 'U': f->until = optarg; break;
		case 'j': f->json = true; break;
		case 'C': f->csv = true; break;
		case 'l':
			f->limit = strtol(optarg, &end, 10);
			if (end == optarg || *end || f->limit < 1)
				return cli_usage_error("log", "--limit expects a whole number from 1, got \"%s\"", optarg);
			break;
		default: return cli_usage_error("log", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("log", "unexpected \"%s\" (filters are options: --profile P, --model TEXT...)",
				       argv[optind]);
	if (f->json && f->csv)
		return cli_usage_error("log", "--json or --csv, not both");
	return EXIT_OK;
}

int cmd_log(struct cli *cli, int argc, char **argv)
{
	struct filter f;
	int rc = parse(cli, argc, argv, &f);
	if (rc)
		return rc;
	struct session_info *infos = NULL;
	size_t ninfo = 0;
	char *err = NULL;
	if (session_list(cli->cfg->sessions_dir, &infos, &ninfo, &err) < 0) {
		char *safe = sanitize_str(err, SAN_ONELINE);
		fprintf(stderr, "footnote log: %s; check the sessions folder (footnote paths)\n", safe);
		free(safe);
		free(err);
		return EXIT_FAIL;
	}
	struct session **ss = xcalloc(ninfo + 1, sizeof *ss);
	size_t n = 0, cap = 1, loaded = 0;
	struct row *rows = xmalloc(sizeof *rows);
	for (size_t i = 0; i < ninfo; i++) {
		char *path = session_path(cli->cfg->sessions_dir, infos[i].id);
		if (infos[i].error || session_load(path, &ss[loaded], &err) < 0) {
			char *safe = sanitize_str(infos[i].error ? infos[i].error : err, SAN_ONELINE);
			fprintf(stderr, "footnote log: skipped %s\n", safe);
			free(safe);
			free(err);
			err = NULL;
			free(path);
			continue;
		}
		free(path);
		const struct session *s = ss[loaded++];
		for (size_t k = 0; k < s->nturns; k++)
			if (keep(&f, s, &s->turns[k])) {
				rows = xgrow(rows, &cap, n + 1, sizeof *rows);
				rows[n++] = (struct row){s, k};
			}
	}
	session_infos_free(infos, ninfo);
	qsort(rows, n, sizeof *rows, by_time);
	size_t from = f.limit && (size_t)f.limit < n ? n - (size_t)f.limit : 0; /* the latest */
	if (f.json) {
		cJSON *o = cJSON_CreateObject(), *arr;
		cJSON_AddNumberToObject(o, "version", RECORD_JSON_VERSION);
		arr = cJSON_AddArrayToObject(o, "answers");
		for (size_t i = from; i < n; i++)
			cJSON_AddItemToArray(arr, row_json(&rows[i]));
		char *text = cJSON_PrintUnformatted(o), *safe = session_json_escape(text);
		puts(safe);
		free(safe);
		free(text);
		cJSON_Delete(o);
	} else if (f.csv) {
		print_csv(rows + from, n - from);
	} else {
		print_table(rows + from, n - from, cli->cfg->currency);
	}
	free(rows);
	for (size_t i = 0; i < loaded; i++)
		session_free(ss[i]);
	free(ss);
	return EXIT_OK;
}
