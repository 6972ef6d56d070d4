/* pick_sessions.h - the /sessions overlay: the saved sessions, newest first, in the picker
 * engine (picker.h); Enter resumes the chosen one (save.h), an unreadable one stays listed
 * with its error and cannot be chosen. UI thread only. */
#ifndef FN_PICK_SESSIONS_H
#define FN_PICK_SESSIONS_H

struct tui;

/* Opens the overlay; with nothing to pick, says so in the status line instead. */
void pick_sessions_open(struct tui *t);

#endif
