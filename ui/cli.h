/* cli.h - the command line: subcommands, options, exit codes. Main thread only. */
#ifndef FN_CLI_H
#define FN_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes (EXIT_*) are core/app/app.h's: app_need reports failures with the code to use. */
#include "core/app/app.h"

struct config;
struct app;
struct cli {
	const char *config_file; /* --config */
	const char *profile;     /* --profile */
	const char *session;     /* --session: the TUI resumes this saved session (id prefix) */
	struct app *app;         /* config and log open before any command runs; a command
				  * opens the rest with app_need, cli_main closes it all */
	struct config *cfg;      /* = app->cfg */
};

int cli_main(int argc, char **argv);

#endif
