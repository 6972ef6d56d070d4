/* cmd_search.c - `footnote search`: one query for a person, or many (--queries) as JSON
 * lines for scripts and the evaluation. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/loc.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/app.h"
#include "core/app/config.h"
#include "core/answer/record.h"
#include "ui/cmd/cmds.h"

static cJSON *hits_json(const struct idx_hits *h)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < h->n; i++) {
		const struct idx_hit *x = &h->v[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", x->path);
		cJSON_AddNumberToObject(o, "chunk", (double)x->chunk);
		cJSON_AddNumberToObject(o, "line_start", x->line_start);
		cJSON_AddNumberToObject(o, "line_end", x->line_end);
		cJSON_AddNumberToObject(o, "page", x->page);
		cJSON_AddNumberToObject(o, "score", x->score);
		cJSON_AddStringToObject(o, "collection", x->collection ? x->collection : "");
		cJSON_AddStringToObject(o, "heading", x->heading ? x->heading : "");
		cJSON_AddStringToObject(o, "snippet", x->snippet ? x->snippet : "");
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* JSON output is escaped by cJSON (control characters become \uXXXX), so it is safe. */
static void print_json_line(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	puts(s);
	free(s);
}

static void print_human(const struct idx_hits *h)
{
	if (!h->n) {
		printf("no results\n");
		return;
	}
	for (size_t i = 0; i < h->n; i++) {
		const struct idx_hit *x = &h->v[i];
		printf("%2zu. ", i + 1);
		cli_print_safe(stdout, x->path, SAN_ONELINE);
		struct buf loc = {0};
		loc_append(&loc, x->path, x->page, x->heading, x->line_start, x->line_end, false);
		cli_print_safe(stdout, buf_str(&loc), SAN_ONELINE);
		buf_free(&loc);
		if (x->heading && *x->heading) {
			printf("  (");
			cli_print_safe(stdout, x->heading, SAN_ONELINE);
			printf(")");
		}
		printf("  %.4f\n    ", x->score);
		cli_print_safe(stdout, x->snippet ? x->snippet : "", SAN_ONELINE);
		putchar('\n');
	}
}

static int run_queries(idx *ix, struct idx_query *q, const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		char *safe = sanitize_str(file, SAN_ONELINE);
		fprintf(stderr, "footnote search: cannot open %s\n", safe);
		free(safe);
		return EXIT_USAGE;
	}
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = EXIT_OK;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n)
			continue;
		char *id = NULL, *text = NULL;
		if (line[0] == '{') {
			cJSON *j = cJSON_Parse(line);
			cJSON *jid = cJSON_GetObjectItemCaseSensitive(j, "_id");
			cJSON *jt = cJSON_GetObjectItemCaseSensitive(j, "text");
			if (!cJSON_IsString(jt)) {
				fprintf(stderr, "footnote search: %s:%zu: expected a JSON object with \"text\"\n",
					file, lineno);
				cJSON_Delete(j);
				rc = EXIT_USAGE;
				continue;
			}
			id = cJSON_IsString(jid) ? xstrdup(jid->valuestring)
			     : cJSON_IsNumber(jid) ? xasprintf("%.0f", jid->valuedouble) : xasprintf("%zu", lineno);
			text = xstrdup(jt->valuestring);
			cJSON_Delete(j);
		} else {
			id = xasprintf("%zu", lineno);
			text = xstrdup(line);
		}
		/* Each line's own leading filter words (path:, after:, before:). */
		memset(&q->filter[1], 0, sizeof q->filter[1]);
		const char *rest = text;
		char ferr[200];
		if (idx_filter_parse(text, &q->filter[1], &rest, ferr, sizeof ferr) < 0) {
			fprintf(stderr, "footnote search: %s:%zu: %s\n", file, lineno, ferr);
			rc = EXIT_USAGE;
			free(id);
			free(text);
			continue;
		}
		q->text = rest;
		struct idx_hits h = {0};
		int r = idx_search(ix, q, &h);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "version", RECORD_JSON_VERSION);
		cJSON_AddStringToObject(o, "id", id);
		if (r == 0)
			cJSON_AddItemToObject(o, "hits", hits_json(&h));
		else
			cJSON_AddStringToObject(o, "error", idx_strerror(r));
		print_json_line(o);
		cJSON_Delete(o);
		idx_hits_free(&h);
		free(id);
		free(text);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* A --collection the index does not hold is a usage error naming the ones it does, not
 * "no results". */
static int check_collections(idx *ix, const char *const *want, size_t n)
{
	char **names;
	size_t nn;
	if (idx_collections(ix, &names, &nn) != 0)
		return EXIT_OK;
	int rc = EXIT_OK;
	for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
		bool found = false;
		for (size_t k = 0; k < nn && !found; k++)
			found = !strcmp(names[k], want[i]);
		if (found)
			continue;
		struct buf list = {0};
		for (size_t k = 0; k < nn; k++)
			buf_addf(&list, "%s%s", k ? ", " : "", names[k]);
		rc = cli_usage_error("search", "no collection \"%s\" in the index; collections: %s", want[i],
				     nn ? buf_str(&list) : "none yet (run footnote index)");
		buf_free(&list);
	}
	for (size_t k = 0; k < nn; k++)
		free(names[k]);
	free(names);
	return rc;
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"collection", required_argument, NULL, 'c'},
		{"mode", required_argument, NULL, 'm'},
		{"queries", required_argument, NULL, 'q'},
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	const char *queries = NULL;
	const char *collections[16];
	size_t ncoll = 0;
	/* Fusion weights are the default profile's, so search ranks as the answers retrieve. */
	const struct cfg_profile *pf = config_profile(cli->cfg, cli->cfg->default_profile);
	struct idx_query q = {.k = 10, .mode = IDX_HYBRID, .w_lexical = pf ? pf->retrieval.w_lexical : 1,
			      .w_vector = pf ? pf->retrieval.w_vector : 1, .rrf_k = 60,
			      .per_file_cap = 0, .language = cli->cfg->index.language};
	int o;
	while ((o = getopt_long(argc, argv, "jk:c:m:q:", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json = true; break;
		case 'k': {
			char *end;
			long k = strtol(optarg, &end, 10);
			if (*end || k < 1 || k > 1000)
				return cli_usage_error("search", "-k expects a number 1..1000, got \"%s\"", optarg);
			q.k = (size_t)k;
			break;
		}
		case 'c':
			if (ncoll == sizeof collections / sizeof *collections)
				return cli_usage_error("search", "too many --collection options");
			collections[ncoll++] = optarg;
			break;
		case 'm':
			if (!strcmp(optarg, "hybrid"))
				q.mode = IDX_HYBRID;
			else if (!strcmp(optarg, "lexical"))
				q.mode = IDX_LEXICAL;
			else if (!strcmp(optarg, "vector"))
				q.mode = IDX_VECTOR;
			else
				return cli_usage_error("search", "--mode expects hybrid, lexical or vector, got \"%s\"",
						       optarg);
			break;
		case 'q': queries = optarg; break;
		default: return cli_usage_error("search", "unknown option");
		}
	}
	struct buf query = {0};
	for (int i = optind; i < argc; i++)
		buf_addf(&query, "%s%s", i > optind ? " " : "", argv[i]);
	if (!queries && !query.len)
		return cli_usage_error("search", "what should I search for?");
	q.collections = ncoll ? collections : NULL;
	q.ncollections = ncoll;
	/* Leading "path:GLOB", "after:DATE", "before:DATE" words filter the files. */
	const char *text = buf_str(&query);
	char ferr[200];
	if (!queries && idx_filter_parse(buf_str(&query), &q.filter[1], &text, ferr, sizeof ferr) < 0) {
		buf_free(&query);
		return cli_usage_error("search", "%s", ferr);
	}
	if (!queries && !*text) {
		buf_free(&query);
		return cli_usage_error("search", "what should I search for? (the filter words alone are not a query)");
	}

	struct app *app = cli->app;
	if (app_need(app, APP_SETUP | APP_INDEX, NULL, 0) < 0) {
		buf_free(&query);
		return cli_app_error("search", app);
	}
	q.emb = app->emb;
	idx *ix = app->ix;
	int rc = ncoll ? check_collections(ix, collections, ncoll) : EXIT_OK;
	if (rc == EXIT_OK && queries) {
		rc = run_queries(ix, &q, queries);
	} else if (rc == EXIT_OK) {
		q.text = text;
		struct idx_hits h = {0};
		int r = idx_search(ix, &q, &h);
		if (r != 0) {
			fprintf(stderr, "footnote search: %s\n", idx_strerror(r));
			rc = EXIT_INDEX;
		} else if (json) {
			cJSON *obj = cJSON_CreateObject();
			cJSON_AddNumberToObject(obj, "version", RECORD_JSON_VERSION);
			cJSON_AddStringToObject(obj, "query", query.p);
			cJSON_AddItemToObject(obj, "hits", hits_json(&h));
			print_json_line(obj);
			cJSON_Delete(obj);
		} else {
			print_human(&h);
		}
		idx_hits_free(&h);
	}
	buf_free(&query);
	return rc;
}
