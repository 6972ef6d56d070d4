/* turns.h - turns in flight: asking (one profile, or two for /compare), the stream's
 * messages (TURN_TEXT ... TURN_END, tagged with the turn's generation), cancelling. Adds
 * answers to t->conv and feeds them; the session file follows through save.h. UI thread. */
#ifndef FN_TUI_TURNS_H
#define FN_TUI_TURNS_H

struct tui;
struct turn_msg;

/* Asks the current profile, or the two profiles of an armed /compare. Refused (a notice)
 * while an answer streams. */
void turns_ask(struct tui *t, const char *question);
/* One message of a turn from the channel; messages of an older, cancelled turn are
 * dropped. m stays the caller's (a TURN_END's result is taken). */
void turns_handle(struct tui *t, struct turn_msg *m);
/* Esc / Ctrl-C: stops what streams; the partial text stays. */
void turns_cancel(struct tui *t);
/* /compare A B [QUESTION]: the question (else the last one asked, else the next one) goes
 * to profiles A and B at once; both answers are shown side by side. */
void turns_compare(struct tui *t, const char *arg);

#endif
