/* manual.h - the manual pages footnote(1) and footnote-config(5), written in roff from the
 * tables the program itself reads: the command help (ui/cmd/help.c), the global options and
 * exit codes (same file), the key table (ui/tui/keys.c) and the option table
 * (core/app/config_table.c, through config_each_opt). `make man` runs `footnote --man 1`
 * and `--man 5`; a test compares the installed pages with what the binary says now, so a
 * page cannot drift from the program. Main thread. */
#ifndef FN_CMD_MANUAL_H
#define FN_CMD_MANUAL_H

#include <stdio.h>

/* Writes page "1" or "5" to f; -1 for another section. */
int cli_manual(const char *section, FILE *f);

#endif
