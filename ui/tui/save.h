/* save.h - session glue: the conversation on screen mirrored in a session file. The
 * question is saved as soon as it is asked, with its sources and provenance; the answer
 * when its TURN_END arrives. Each save is atomic, so a kill loses at most the answer that
 * was streaming. Owns t->conv.session. UI thread only. */
#ifndef FN_TUI_SAVE_H
#define FN_TUI_SAVE_H

struct tui;
struct msg;
struct turn_result;

/* A question was asked and answer a started: a compared question is saved as two turns. */
void save_begin(struct tui *t, const char *question, struct msg *a);
/* Answer a ended with r: its turn is finished and saved. */
/* The turn's sources and provenance as they are now, saved at once (a follow-up found its
 * sources only after its rewrite came back). */
void save_sources(struct tui *t, const struct msg *a);
void save_end(struct tui *t, const struct msg *a, const struct turn_result *r);
/* Before the conversation is dropped: an answer still streaming is saved as it stands. */
void save_close(struct tui *t);
/* Shows the saved session whose id starts with prefix, each answer with its sources; new
 * questions continue it. Returns 0, or -1 and *err (caller frees). */
int save_resume(struct tui *t, const char *prefix, char **err);
/* /export [md|json] [FILE]: the result goes to the status line. */
void save_export(struct tui *t, const char *arg);

#endif
