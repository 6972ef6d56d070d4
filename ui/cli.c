/* cli.c - argv to a command: global options, subcommands, their --help, exit codes.
 *
 * Every command loads the configuration first (a bad file exits 2 with file:line:column),
 * opens the log, then runs. Anything untrusted that is printed goes through sanitize(). */
#include "ui/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/config.h"
#include "core/log.h"
#include "ui/cmds.h"

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *usage;
	const char *help;
};

static const struct command commands[] = {
	{"index", cmd_index, "footnote index [--watch] [--status] [PATH...]",
	 "Index the configured folders (or the PATHs given) once, with a progress bar on a\n"
	 "terminal and a summary line. --watch keeps running and follows changes.\n"
	 "--status prints counts, size, embedder, generation and the last error."},
	{"search", cmd_search, "footnote search [--json] [-k N] [--collection C] [--mode hybrid|lexical|vector] QUERY\n"
	 "       footnote search --queries FILE [-k N]",
	 "Search the index. --queries takes one query per line, or JSONL with _id and text, and\n"
	 "prints one JSON line per query."},
	{"ask", cmd_ask, "footnote ask [--profile P | --compare P1,P2] [--json] [--no-stream] QUESTION",
	 "Answer one question and print its sources. Piped stdin is added as context."},
	{"eval", cmd_eval, "footnote eval QUESTIONS [--qrels FILE] [--profiles rag,hybrid] [-k 10] [--json]\n"
	 "                     [--min-recall R] [--answers|--no-answers] [--limit N]",
	 "Measure retrieval (recall, precision, MRR, nDCG) and answers per profile.\n"
	 "\n"
	 "QUESTIONS is JSONL, one {\"id\", \"question\", \"relevant\": [...]} per line; relevant names\n"
	 "paths (matched by real path or by their tail) or document ids (a file whose name\n"
	 "without extension is the id); {\"a.md\": 2, \"b.md\": 1} gives graded relevance. Or the\n"
	 "BEIR layout: a directory (or its queries.jsonl) with qrels/test.tsv or the only\n"
	 "qrels/*.tsv, or judgments from --qrels FILE (query-id, corpus-id, score). Only\n"
	 "questions with judgments are evaluated. The index is used as it is: run\n"
	 "`footnote index` first.\n"
	 "\n"
	 "Each profile retrieves as a turn does (mode, collections, weights, per-file cap) but\n"
	 "returns k passages (at least 10); a document counts once, at its best rank. Figures:\n"
	 "recall@k, precision@k, MRR@10, nDCG@10, share of questions with no relevant passage\n"
	 "in the top k, retrieval latency p50/p95. When the profile's provider is a model\n"
	 "server, or with --answers, each question is also answered: time to first token, total\n"
	 "time, tokens, grounding, share of invalid citations, share declined.\n"
	 "\n"
	 "  --profiles A,B   profiles to compare (default: the current profile)\n"
	 "  -k N             cut-off for recall and precision (default 10)\n"
	 "  --json           one JSON object instead of the table\n"
	 "  --min-recall R   exit 6 when a profile's recall@k is below R (0..1), for CI\n"
	 "  --answers        answer with the builtin provider too; --no-answers: retrieval only\n"
	 "  --limit N        only the first N judged questions\n"
	 "\n"
	 "Exit codes: 2 bad input (FILE:LINE says where), 3/4 an answer failed, 5 index error,\n"
	 "6 --min-recall not met."},
	{"sessions", cmd_sessions, "footnote sessions list [--json] | show ID [--json] | export ID [--format md|json] [-o FILE]\n"
	 "       footnote sessions rename ID TITLE | delete ID [--yes] | resume ID",
	 "List, show, export, rename, delete or resume saved conversations. ID may be any unique\n"
	 "prefix. delete asks first on a terminal; without one it needs --yes."},
	{"doctor", cmd_doctor, "footnote doctor",
	 "Check every provider (reachable, models listed, key present) and the embedder."},
	{"paths", cmd_paths, "footnote paths",
	 "Print every resolved path: config file, data, index, sessions, history, log, themes."},
	{NULL, NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: footnote [--config FILE] [--profile NAME] [COMMAND] [ARGS]\n"
		"\n"
		"With no command, footnote starts the terminal interface in this directory.\n"
		"\n"
		"commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-9s %.*s\n", c->name, (int)strcspn(c->help, "\n."), c->help);
	fprintf(f,
		"\n"
		"options:\n"
		"  --config FILE   configuration file (default: $FOOTNOTE_CONFIG, then\n"
		"                  $XDG_CONFIG_HOME/footnote/config.yaml, then built-in defaults)\n"
		"  --profile NAME  profile to start with\n"
		"  --session ID    resume a saved conversation (see `footnote sessions list`)\n"
		"  --help          this text; `footnote COMMAND --help` for a command\n"
		"  --version       print the version\n"
		"\n"
		"exit codes:\n"
		"  0 ok   1 failure   2 usage or config error   3 model server or network error\n"
		"  4 answer interrupted, truncated or refused   5 index error   6 threshold not met\n"
		"  130 stopped by Ctrl-C\n");
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

void cli_command_help(const char *name, FILE *f)
{
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			fprintf(f, "usage: %s\n\n%s\n", c->usage, c->help);
}

int cli_usage_error(const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *safe = sanitize_str(msg, SAN_ONELINE);
	fprintf(stderr, "footnote %s: %s\n", name, safe);
	free(safe);
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			fprintf(stderr, "usage: %s\n", c->usage);
	return EXIT_USAGE;
}

void cli_print_safe(FILE *f, const char *s, unsigned flags)
{
	char *safe = sanitize_str(s, flags);
	fputs(safe, f);
	free(safe);
}

int cli_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"profile", required_argument, NULL, 'p'},
		{"session", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {0};

	/* "+" stops at the first non-option: the command's own options follow it. */
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': cli.config_file = optarg; break;
		case 'p': cli.profile = optarg; break;
		case 's': cli.session = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		case 'V': printf("footnote %s\n", FN_VERSION); return EXIT_OK;
		default: {
			const char *bad = optopt ? (char[]){'-', (char)optopt, 0} : argv[optind - 1];
			char *safe = sanitize_str(bad, SAN_ONELINE);
			fprintf(stderr, "footnote: unknown or incomplete option %s\n", safe);
			free(safe);
			usage(stderr);
			return EXIT_USAGE;
		}
		}
	}

	const struct command *cmd = NULL;
	if (optind < argc) {
		for (const struct command *c = commands; c->name; c++)
			if (!strcmp(c->name, argv[optind]))
				cmd = c;
		if (!cmd) {
			char *safe = sanitize_str(argv[optind], SAN_ONELINE);
			fprintf(stderr, "footnote: unknown command \"%s\"\n", safe);
			free(safe);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	int cargc = argc - optind;
	char **cargv = argv + optind;
	if (cmd && cli_wants_help(cargc, cargv)) {
		cli_command_help(cmd->name, stdout);
		return EXIT_OK;
	}

	char *err = NULL;
	if (config_load(cli.config_file, &cli.cfg, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		free(err);
		return EXIT_USAGE;
	}
	if (cli.profile && !config_profile(cli.cfg, cli.profile)) {
		char *safe = sanitize_str(cli.profile, SAN_ONELINE);
		fprintf(stderr, "footnote: no profile named \"%s\" (see profiles: in the config)\n", safe);
		free(safe);
		config_free(cli.cfg);
		return EXIT_USAGE;
	}
	log_open(cli.cfg->log_file, cli.cfg->log.level);
	log_info("footnote %s starting: %s", FN_VERSION, cmd ? cmd->name : "tui");

	int rc;
	if (cmd) {
		optind = 0; /* glibc: 0 (not 1) resets getopt fully, so commands permute their own argv */
		rc = cmd->run(&cli, cargc, cargv);
	} else {
		rc = cmd_tui(&cli);
	}
	log_info("footnote exiting with status %d", rc);
	log_close();
	config_free(cli.cfg);
	return rc;
}
