/* msg_lines.h - a message's screen lines for one width: the head, the answer rendered with
 * its citations and what verification found, the footer; two answers side by side for
 * /compare; and the order its sources are shown in. Reads the message, writes only its
 * derived fields (lines, width, stale, order). UI thread. */
#ifndef FN_TUI_MSG_LINES_H
#define FN_TUI_MSG_LINES_H

struct msg;

/* Rebuilds m->lines when m is stale or the width changed; cheap when neither. */
void msg_lines_build(struct msg *m, int width);

#endif
