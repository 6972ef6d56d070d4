/* cmd_init.c - `footnote init [--force]`: write a commented configuration from what
 * discovery found (core/app/init.h); never a key. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/app/discover.h"
#include "core/app/init.h"
#include "ui/cmd/cmds.h"

int cmd_init(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	bool force = false;
	int o;
	while ((o = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (o == 'f')
			force = true;
		else
			return cli_usage_error("init", "unknown option");
	}
	if (optind < argc)
		return cli_usage_error("init", "takes no arguments (--config FILE chooses where it writes)");
	const char *env = getenv("FOOTNOTE_CONFIG");
	char *path = cli->config_file ? xstrdup(cli->config_file)
		     : env && *env ? xstrdup(env) : xasprintf("%s/config.yaml", cli->cfg->config_dir);
	struct discover_result r;
	discover_run(&r);
	char *text = init_config_text(&r);
	char *err = NULL;
	int rc = EXIT_OK;
	if (init_write(path, text, force, &err) < 0) {
		fprintf(stderr, "footnote init: %s\n", err);
		free(err);
		rc = EXIT_USAGE;
	} else {
		printf("%s\nwrote ", r.summary);
		cli_print_safe(stdout, path, SAN_ONELINE);
		printf(" (no key in it: keys come from api_key_env); footnote doctor checks it\n");
	}
	free(text);
	free(path);
	discover_result_free(&r);
	return rc;
}
