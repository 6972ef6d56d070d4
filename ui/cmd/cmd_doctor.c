/* cmd_doctor.c - `footnote doctor`: one line per check, ok/FAIL, and what to fix. */
#include <stdio.h>

#include "base/sanitize.h"
#include "core/app/config.h"
#include "core/app/doctor.h"
#include "ui/cmd/cmds.h"

static void print_line(void *ctx, const struct doctor_line *l)
{
	(void)ctx;
	static const char *const tags[] = {"ok  ", "    ", "warn", "FAIL"};
	printf("%s  ", tags[l->level]);
	cli_print_safe(stdout, l->subject, SAN_ONELINE);
	fputs(": ", stdout);
	cli_print_safe(stdout, l->text, SAN_ONELINE);
	if (l->fix) {
		fputs("  fix: ", stdout);
		cli_print_safe(stdout, l->fix, SAN_ONELINE);
	}
	putchar('\n');
	fflush(stdout); /* each check may block on the network: show progress as it goes */
}

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_usage_error("doctor", "takes no arguments");
	struct doctor_sink sink = {print_line, NULL};
	switch (doctor_run(cli->cfg, &sink)) {
	case DOCTOR_ALL_OK:
		return EXIT_OK;
	case DOCTOR_UNREACHABLE:
		return EXIT_NET;
	default:
		return EXIT_FAIL;
	}
}
