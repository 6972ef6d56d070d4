/* cli.h - the command line: subcommands, options, exit codes. Main thread only. */
#ifndef FN_CLI_H
#define FN_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes, documented in `footnote --help` and README. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,        /* something unexpected failed */
	EXIT_USAGE = 2,       /* bad arguments or configuration */
	EXIT_NET = 3,         /* model server or network error */
	EXIT_ANSWER = 4,      /* answer interrupted, truncated, refused or a tool call */
	EXIT_INDEX = 5,       /* the index could not be opened, read or written */
	EXIT_UNMET = 6,       /* a threshold (eval --min-recall) was not met */
	EXIT_INTERRUPT = 130, /* stopped by Ctrl-C */
};

struct config;
struct cli {
	const char *config_file; /* --config */
	const char *profile;     /* --profile */
	const char *session;     /* --session: the TUI resumes this saved session (id prefix) */
	struct config *cfg;      /* loaded before any command runs */
};

int cli_main(int argc, char **argv);

#endif
