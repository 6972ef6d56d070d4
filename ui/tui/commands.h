/* commands.h - the slash commands typed in the input (/profile, /model, /compare, /new,
 * /sessions, /export, /reindex, /help, /quit) and their Tab completion. Each command acts
 * through the room that owns what it changes. UI thread only. */
#ifndef FN_TUI_COMMANDS_H
#define FN_TUI_COMMANDS_H

#include <stdbool.h>

struct tui;

/* Runs line, which starts with '/'. */
void commands_run(struct tui *t, const char *line);
/* Tab in an input that starts with '/': the command name, or a profile name after
 * "/profile " or "/compare ". One candidate completes; several complete their common
 * prefix and are listed in the status bar. Returns false when there is nothing to complete
 * here (Tab then moves the focus). */
bool commands_complete(struct tui *t);

#endif
