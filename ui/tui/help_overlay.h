/* help_overlay.h - the help overlay: keys generated from the ui.keys table, then the
 * commands; Up/Down/PgUp/PgDn and the wheel scroll it, any other key closes it. UI thread. */
#ifndef FN_TUI_HELP_OVERLAY_H
#define FN_TUI_HELP_OVERLAY_H

struct tui;

/* Opens the help, or closes it when it is open. */
void help_toggle(struct tui *t);

#endif
