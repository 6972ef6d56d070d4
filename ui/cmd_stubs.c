/* cmd_stubs.c - commands whose issue has not landed yet: they say so and do nothing. */
#include "ui/cmds.h"

int cmd_index(struct cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	return cli_not_yet("index", 3);
}

int cmd_search(struct cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	return cli_not_yet("search", 3);
}

int cmd_ask(struct cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	return cli_not_yet("ask", 4);
}

int cmd_eval(struct cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	return cli_not_yet("eval", 7);
}

int cmd_sessions(struct cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	return cli_not_yet("sessions", 6);
}

int cmd_doctor(struct cli *cli, int argc, char **argv)
{
	(void)cli, (void)argc, (void)argv;
	return cli_not_yet("doctor", 4);
}

int cmd_tui(struct cli *cli)
{
	(void)cli;
	return cli_not_yet("(terminal interface)", 5);
}
