/* help.h - each command's usage and help (one table, read by --help, usage errors and the
 * global usage), and the helpers the commands print through. Main thread. */
#ifndef FN_CMD_HELP_H
#define FN_CMD_HELP_H

#include <stdbool.h>
#include <stdio.h>

struct cmd_help {
	const char *name;
	const char *usage;
	const char *help;
};
/* Ends with a row of NULLs. */
extern const struct cmd_help cmd_helps[];

/* footnote's own options (before the command) and exit codes, for --help, the manual and
 * completion. An option's arg is NULL when it takes none. Both end with a row of NULLs. */
struct cli_option {
	const char *name; /* "--config" */
	const char *arg;  /* "FILE" */
	const char *help;
};
extern const struct cli_option cli_options[];
struct cli_exit {
	int code;
	const char *help;
};
extern const struct cli_exit cli_exits[];

/* footnote's own usage: every command's first line, the global options, the exit codes. */
void cli_usage(FILE *f);
bool cli_wants_help(int argc, char **argv);
void cli_command_help(const char *name, FILE *f);
/* Prints "footnote NAME: message" and the command's usage to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "footnote NAME: " and a->error to stderr; returns a->exit_code (app_need failed). */
struct app;
int cli_app_error(const char *name, const struct app *a);
/* Writes untrusted text through the sanitizer. */
void cli_print_safe(FILE *f, const char *s, unsigned flags);

#endif
