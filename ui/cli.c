/* cli.c - argv to a command: global options, subcommands, their --help, exit codes.
 *
 * Every command starts with app_open (core/app/app.h): the configuration (a bad file exits 2
 * with file:line:column) and the log; the command opens what else it needs with app_need,
 * and app_close here ends it all. Anything untrusted that is printed goes through sanitize(). */
#include "ui/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/app.h"
#include "core/app/config.h"
#include "core/app/discover.h"
#include "core/app/log.h"
#include "ui/cmd/cmds.h"
#include "ui/cmd/complete.h"
#include "ui/cmd/manual.h"
#include "ui/cmd/version.h"

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
};

/* In the order of cmd_helps (ui/cmd/help.c), which says what each one is. */
static const struct command commands[] = {
	{"index", cmd_index},   {"search", cmd_search}, {"ask", cmd_ask},
	{"eval", cmd_eval},     {"sessions", cmd_sessions}, {"log", cmd_log},
	{"doctor", cmd_doctor},
	{"paths", cmd_paths},   {"mcp", cmd_mcp},       {"init", cmd_init},
	{NULL, NULL},
};

int cli_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"profile", required_argument, NULL, 'p'},
		{"session", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		/* Hidden: for the build (manual pages, completion scripts) and the shells. */
		{"man", required_argument, NULL, 'M'},
		{"completion", required_argument, NULL, 'S'},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {0};

	/* Asked by the completion scripts on every Tab: fast, silent, no log, no network. */
	if (argc > 1 && !strcmp(argv[1], "--complete"))
		return cli_complete(NULL, argc - 2, argv + 2, stdout);

	/* "+" stops at the first non-option: the command's own options follow it. */
	int opt;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': cli.config_file = optarg; break;
		case 'p': cli.profile = optarg; break;
		case 's': cli.session = optarg; break;
		case 'h': cli_usage(stdout); return EXIT_OK;
		case 'V': cli_version(stdout); return EXIT_OK;
		case 'M': return cli_manual(optarg, stdout) < 0 ? cli_usage_error("--man", "sections are 1 and 5") : EXIT_OK;
		case 'S':
			if (cli_completion_script(optarg, stdout) < 0)
				return cli_usage_error("--completion", "shells are bash, zsh and fish");
			return EXIT_OK;
		default: {
			const char *bad = optopt ? (char[]){'-', (char)optopt, 0} : argv[optind - 1];
			char *safe = sanitize_str(bad, SAN_ONELINE);
			fprintf(stderr, "footnote: unknown or incomplete option %s\n", safe);
			free(safe);
			cli_usage(stderr);
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
			cli_usage(stderr);
			return EXIT_USAGE;
		}
	}
	int cargc = argc - optind;
	char **cargv = argv + optind;
	if (cmd && cli_wants_help(cargc, cargv)) {
		cli_command_help(cmd->name, stdout);
		return EXIT_OK;
	}

	if (cmd && cmd->run == cmd_init) {
		/* init writes the file: whatever is there now (if anything) is not read. */
		cli.cfg = config_defaults();
		optind = 0;
		int rc = cmd_init(&cli, cargc, cargv);
		config_free(cli.cfg);
		return rc;
	}
	struct app app;
	if (app_open(&app, cli.config_file) < 0) {
		fprintf(stderr, "%s\n", app.error); /* FILE:LINE:COLUMN: ..., already one safe line */
		app_close(&app);
		return EXIT_USAGE;
	}
	cli.app = &app;
	cli.cfg = app.cfg;
	if (cli.profile && !config_profile(cli.cfg, cli.profile)) {
		char *safe = sanitize_str(cli.profile, SAN_ONELINE);
		fprintf(stderr, "footnote: no profile named \"%s\" (see profiles: in the config)\n", safe);
		free(safe);
		app_close(&app);
		return EXIT_USAGE;
	}
	if (cmd && (cmd->run == cmd_ask || cmd->run == cmd_doctor || cmd->run == cmd_mcp) &&
	    discover_wanted(cli.cfg)) {
		/* No config: a model server on this machine (or an OpenAI key) is used if found.
		 * Before anything reads the profiles, so the config is still the app's to change. */
		struct discover_result found;
		discover_run(&found);
		if (discover_apply(app.cfg, &found)) {
			fprintf(stderr, "footnote: no config file; %s (footnote init saves this as one)\n",
				found.summary);
		}
		discover_result_free(&found);
	}
	log_info("footnote %s starting: %s", FN_VERSION, cmd ? cmd->name : "tui");

	int rc;
	if (cmd) {
		optind = 0; /* glibc: 0 (not 1) resets getopt fully, so commands permute their own argv */
		rc = cmd->run(&cli, cargc, cargv);
	} else {
		rc = cmd_tui(&cli);
	}
	log_info("footnote exiting with status %d", rc);
	app_close(&app);
	return rc;
}
