/* cmds.h - one function per subcommand; argv[0] is the command's name. Main thread. */
#ifndef FN_CMDS_H
#define FN_CMDS_H

#include "ui/cli.h"
#include "ui/cmd/help.h"

int cmd_index(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);
int cmd_ask(struct cli *cli, int argc, char **argv);
int cmd_eval(struct cli *cli, int argc, char **argv);
int cmd_sessions(struct cli *cli, int argc, char **argv);
int cmd_log(struct cli *cli, int argc, char **argv);
int cmd_doctor(struct cli *cli, int argc, char **argv);
int cmd_paths(struct cli *cli, int argc, char **argv);
int cmd_mcp(struct cli *cli, int argc, char **argv);
int cmd_init(struct cli *cli, int argc, char **argv);
/* The terminal interface (no command given). */
int cmd_tui(struct cli *cli);

#endif
