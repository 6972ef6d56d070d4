/* cmd_sessions.c - `footnote sessions list|show|export|rename|delete|resume`.
 *
 * IDs may be given by any unique prefix. Everything from a session file is untrusted text
 * (it holds model output and document passages) and is sanitized before it is printed. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/loc.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/answer/record.h"
#include "core/app/config.h"
#include "base/fsutil.h"
#include "core/session/session.h"
#include "ui/cmd/cmds.h"
#include "ui/term/term.h"

static const char usage_name[] = "sessions";

static int fail(const char *err)
{
	char *safe = sanitize_str(err, SAN_ONELINE);
	fprintf(stderr, "footnote sessions: %s\n", safe);
	free(safe);
	return EXIT_FAIL;
}

/* Resolves a prefix and loads the session; prints why not. */
static int load(const struct cli *cli, const char *prefix, struct session **s)
{
	char *id = NULL, *err = NULL;
	if (session_resolve(cli->cfg->sessions_dir, prefix, &id, &err) < 0) {
		char *safe = sanitize_str(err, SAN_ONELINE);
		fprintf(stderr, "footnote sessions: %s\n", safe);
		free(safe);
		free(err);
		return EXIT_USAGE;
	}
	char *path = session_path(cli->cfg->sessions_dir, id);
	int rc = session_load(path, s, &err) < 0 ? fail(err) : EXIT_OK;
	free(err);
	free(path);
	free(id);
	return rc;
}

/* ---- list ------------------------------------------------------------------------------- */

/* Prints s sanitized, cut to width columns (0 = whole), padded to width when pad. */
static void print_field(const char *s, int width, bool pad)
{
	char *safe = sanitize_str(s, SAN_ONELINE);
	int w = text_width(safe, strlen(safe));
	if (width > 0 && w > width) {
		size_t fit = text_fit(safe, strlen(safe), width - 1);
		fwrite(safe, 1, fit, stdout);
		fputs("…", stdout);
	} else {
		fputs(safe, stdout);
		for (; pad && w < width; w++)
			putchar(' ');
	}
	free(safe);
}


static void list_json(const struct session_info *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", v[i].id);
		if (v[i].error) {
			cJSON_AddStringToObject(o, "error", v[i].error);
		} else {
			cJSON_AddStringToObject(o, "title", v[i].title);
			cJSON_AddStringToObject(o, "created", v[i].created);
			cJSON_AddStringToObject(o, "updated", v[i].updated);
			cJSON_AddNumberToObject(o, "turns", (double)v[i].turns);
		}
		cJSON_AddItemToArray(a, o);
	}
	char *s = cJSON_PrintUnformatted(a);
	char *safe = session_json_escape(s);
	puts(safe);
	free(safe);
	cJSON_free(s);
	cJSON_Delete(a);
}

static int cmd_list(const struct cli *cli, bool json)
{
	struct session_info *v;
	size_t n;
	char *err = NULL;
	if (session_list(cli->cfg->sessions_dir, &v, &n, &err) < 0) {
		int rc = fail(err);
		free(err);
		return rc;
	}
	bool tty = isatty(STDOUT_FILENO);
	if (json)
		list_json(v, n);
	else if (tty && n)
		printf("%-20s  %-16s  %5s  %s\n", "ID", "UPDATED (UTC)", "TURNS", "TITLE");
	else if (tty) {
		printf("No saved sessions yet (they are kept in ");
		cli_print_safe(stdout, cli->cfg->sessions_dir, SAN_ONELINE);
		printf(").\n");
	}
	for (size_t i = 0; i < n && !json; i++) {
		if (v[i].error) {
			fail(v[i].error);
			continue;
		}
		char when[17];
		session_short_time(v[i].updated, when);
		if (tty) {
			print_field(v[i].id, 20, true);
			fputs("  ", stdout);
			print_field(when, 16, true);
			printf("  %5zu  ", v[i].turns);
			print_field(v[i].title, 60, false);
		} else {
			/* One tab-separated line per session, for scripts. */
			print_field(v[i].id, 0, false);
			putchar('\t');
			print_field(v[i].updated, 0, false);
			printf("\t%zu\t", v[i].turns);
			print_field(v[i].title, 0, false);
		}
		putchar('\n');
	}
	session_infos_free(v, n);
	return EXIT_OK;
}

/* ---- show ------------------------------------------------------------------------------- */

static void print_source(const struct source *s, bool given)
{
	if (given)
		printf("  [%d] ", s->n);
	else
		printf("  - ");
	cli_print_safe(stdout, s->path, SAN_ONELINE);
	struct buf loc = {0};
	loc_append(&loc, s->path, s->page, s->heading, s->line_start, s->line_end, false);
	cli_print_safe(stdout, buf_str(&loc), SAN_ONELINE);
	buf_free(&loc);
	if (*s->heading) {
		printf(" (");
		cli_print_safe(stdout, s->heading, SAN_ONELINE);
		printf(")");
	}
	if (s->auto_attached)
		printf("  attached automatically");
	else if (s->verified)
		printf("  verified");
	putchar('\n');
}

static void show_turn(const struct session_turn *t, size_t i)
{
	const struct provenance *p = &t->prov;
	const struct turn_result *r = &t->result;
	struct buf h = {0};
	buf_addf(&h, "── %zu · %s · %s · %s", i + 1, p->time, p->profile, p->model);
	if (*p->host)
		buf_addf(&h, " @ %s", p->host);
	buf_addf(&h, " · %s · %.0f ms", r->outcome_name, r->total_ms);
	if (r->prompt_tokens || r->completion_tokens)
		buf_addf(&h, " · %lld+%lld tokens", r->prompt_tokens, r->completion_tokens);
	record_figure(&h, r);
	cli_print_safe(stdout, buf_str(&h), SAN_ONELINE);
	buf_free(&h);
	printf("\n\nyou: ");
	cli_print_safe(stdout, t->question, 0);
	printf("\n\n");
	if (*t->reasoning) {
		printf("reasoning:\n");
		cli_print_safe(stdout, t->reasoning, 0);
		printf("\n\n");
	}
	cli_print_safe(stdout, t->answer, 0);
	putchar('\n');
	if ((strcmp(r->outcome_name, "completed") || r->not_grounded) && r->message) {
		putchar('[');
		cli_print_safe(stdout, r->outcome_name, SAN_ONELINE);
		printf("] ");
		cli_print_safe(stdout, r->message, SAN_ONELINE);
		putchar('\n');
	}
	if (t->map.n)
		printf("\nSources:\n");
	for (size_t k = 0; k < t->map.n; k++)
		print_source(&t->map.v[k], true);
	if (t->map.ndropped)
		printf("Dropped for the token budget:\n");
	for (size_t k = 0; k < t->map.ndropped; k++)
		print_source(&t->map.dropped[k], false);
	putchar('\n');
}

static int cmd_show(const struct cli *cli, const char *prefix, bool json)
{
	struct session *s;
	int rc = load(cli, prefix, &s);
	if (rc)
		return rc;
	if (json) {
		char *text = session_to_json(s);
		fputs(text, stdout);
		free(text);
	} else {
		struct buf h = {0};
		buf_addf(&h, "%s\n", s->title);
		cli_print_safe(stdout, buf_str(&h), 0);
		buf_reset(&h);
		buf_addf(&h, "id %s · created %s · updated %s · %zu turn%s", s->id, s->created, s->updated,
			 s->nturns, s->nturns == 1 ? "" : "s");
		cli_print_safe(stdout, buf_str(&h), SAN_ONELINE);
		printf("\n\n");
		buf_free(&h);
		for (size_t i = 0; i < s->nturns; i++)
			show_turn(&s->turns[i], i);
	}
	session_free(s);
	return EXIT_OK;
}

static int cmd_export(const struct cli *cli, const char *prefix, const char *format, const char *out)
{
	if (strcmp(format, "md") && strcmp(format, "json"))
		return cli_usage_error(usage_name, "--format is md or json, not \"%s\"", format);
	struct session *s;
	int rc = load(cli, prefix, &s);
	if (rc)
		return rc;
	/* Piped, the document goes to stdout; on a terminal (or with -o) into a file, by
	 * default under the data directory, where no watched folder picks it up. */
	if ((out && !strcmp(out, "-")) || (!out && !isatty(STDOUT_FILENO))) {
		char *text = session_render(s, format);
		fputs(text, stdout);
		free(text);
	} else {
		char *written = NULL, *err = NULL;
		char *dir = xasprintf("%s/exports", cli->cfg->data_dir);
		int erc = session_export(s, format, out, dir, &written, &err);
		free(dir);
		if (erc < 0) {
			rc = fail(err);
		} else {
			fprintf(stderr, "footnote sessions: exported to ");
			cli_print_safe(stderr, written, SAN_ONELINE);
			fputc('\n', stderr);
		}
		free(written);
		free(err);
	}
	session_free(s);
	return rc;
}

/* ---- rename, delete --------------------------------------------------------------------- */

static int cmd_rename(const struct cli *cli, const char *prefix, int argc, char **argv)
{
	struct buf title = {0};
	for (int i = 0; i < argc; i++)
		buf_addf(&title, "%s%s", i ? " " : "", argv[i]);
	struct session *s;
	int rc = title.len ? load(cli, prefix, &s) : cli_usage_error(usage_name, "rename needs a TITLE");
	if (rc) {
		buf_free(&title);
		return rc;
	}
	char *err = NULL;
	if (session_rename(cli->cfg->sessions_dir, s->id, title.p, &err) < 0)
		rc = fail(err);
	free(err);
	session_free(s);
	buf_free(&title);
	return rc;
}

static bool confirm(const char *id, const struct session *s)
{
	struct buf q = {0};
	buf_addf(&q, "Delete session %s \"%s\" (%zu turn%s)? [y/N] ", id, s ? s->title : "(unreadable)",
		 s ? s->nturns : 0, s && s->nturns == 1 ? "" : "s");
	cli_print_safe(stderr, buf_str(&q), SAN_ONELINE);
	buf_free(&q);
	char line[16] = "";
	if (!fgets(line, sizeof line, stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

static int cmd_delete(const struct cli *cli, const char *prefix, bool yes)
{
	const char *dir = cli->cfg->sessions_dir;
	if (!yes && !isatty(STDIN_FILENO))
		return cli_usage_error(usage_name,
				       "delete asks for confirmation on a terminal; without one, add --yes");
	char *id = NULL, *err = NULL;
	if (session_resolve(dir, prefix, &id, &err) < 0) {
		fail(err);
		free(err);
		return EXIT_USAGE;
	}
	/* A corrupt file may still be deleted: the question then names no title. */
	char *path = session_path(dir, id);
	struct session *s = NULL;
	session_load(path, &s, &err);
	free(err);
	err = NULL;
	int rc = EXIT_OK;
	if (!yes && !confirm(id, s)) {
		fprintf(stderr, "footnote sessions: nothing was deleted\n");
		rc = EXIT_FAIL;
	} else if (session_delete(dir, id, &err) < 0) {
		rc = fail(err);
	} else {
		printf("deleted ");
		cli_print_safe(stdout, id, SAN_ONELINE);
		putchar('\n');
	}
	session_free(s);
	free(err);
	free(path);
	free(id);
	return rc;
}

/* ---- the command ------------------------------------------------------------------------ */

int cmd_sessions(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"yes", no_argument, NULL, 'y'},
		{NULL, 0, NULL, 0},
	};
	const char *sub = argc > 1 ? argv[1] : "list";
	int sargc = argc > 1 ? argc - 1 : argc;
	char **sargv = argc > 1 ? argv + 1 : argv;
	bool json = false, yes = false;
	const char *format = NULL, *out = NULL;
	int o;
	optind = 0; /* re-initialises getopt: options may follow the ID (cli.c used "+") */
	while ((o = getopt_long(sargc, sargv, "jf:o:y", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json = true; break;
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'y': yes = true; break;
		default: return cli_usage_error(usage_name, "unknown option");
		}
	}
	int nargs = sargc - optind;
	char **args = sargv + optind;
	bool needs_id = strcmp(sub, "list") != 0;
	if (needs_id && nargs < 1)
		return cli_usage_error(usage_name, "%s needs a session ID (or a unique prefix of one)", sub);
	if (!strcmp(sub, "list"))
		return nargs ? cli_usage_error(usage_name, "list takes no arguments") : cmd_list(cli, json);
	if (!strcmp(sub, "rename"))
		return cmd_rename(cli, args[0], nargs - 1, args + 1);
	if (nargs > 1)
		return cli_usage_error(usage_name, "%s takes one session ID", sub);
	if (!strcmp(sub, "show"))
		return cmd_show(cli, args[0], json);
	if (!strcmp(sub, "export"))
		return cmd_export(cli, args[0], format ? format : json ? "json" : "md", out);
	if (!strcmp(sub, "delete"))
		return cmd_delete(cli, args[0], yes);
	if (!strcmp(sub, "resume")) {
		cli->session = args[0];
		return cmd_tui(cli);
	}
	return cli_usage_error(usage_name, "unknown subcommand \"%s\"", sub);
}
