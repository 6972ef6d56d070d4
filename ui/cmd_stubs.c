/* cmd_stubs.c - commands whose issue has not landed yet: they say so and do nothing. */
#include "ui/cmds.h"

int cmd_eval(struct cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	return cli_not_yet("eval", 7);
}
