/* cli.h - the command line: subcommands, options, exit codes. UI thread only. */
#ifndef FN_CLI_H
#define FN_CLI_H

int cli_main(int argc, char **argv);

#endif
