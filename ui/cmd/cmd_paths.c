/* cmd_paths.c - `footnote paths`: every resolved location, one per line. */
#include <stdio.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "core/app/config.h"
#include "ui/cmd/cmds.h"

static void row(const char *name, const char *path, const char *note)
{
	printf("%-9s ", name);
	cli_print_safe(stdout, path, SAN_ONELINE);
	if (note)
		printf("  (%s)", note);
	putchar('\n');
}

int cmd_paths(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_usage_error("paths", "takes no arguments");
	const struct config *c = cli->cfg;
	if (c->file)
		row("config", c->file, NULL);
	else
		row("config", c->config_dir, "no config.yaml: built-in defaults");
	row("data", c->data_dir, NULL);
	row("index", c->index.path, access(c->index.path, F_OK) ? "not built yet" : NULL);
	for (size_t i = 0; i < c->index.folders.n; i++) {
		printf("%-9s ", "folder");
		cli_print_safe(stdout, c->index.folders.v[i].path, SAN_ONELINE);
		printf("  (collection ");
		cli_print_safe(stdout, c->index.folders.v[i].collection, SAN_ONELINE);
		printf(")\n");
	}
	row("sessions", c->sessions_dir, NULL);
	row("history", c->history_file, NULL);
	row("state", c->state_dir, NULL);
	row("log", c->log_file, NULL);
	row("themes", c->themes_dir, NULL);
	return EXIT_OK;
}
