/* clip.h - the interface's child processes, in one place: copying to the clipboard
 * (wl-copy under Wayland, xclip under X, else an OSC 52 sequence through the terminal, which
 * most terminals and tmux with set-clipboard on accept), $EDITOR with the terminal handed
 * over, and a detached viewer (xdg-open). UI thread (they may write to the terminal). */
#ifndef FN_CLIP_H
#define FN_CLIP_H

#include <stdbool.h>
#include <stddef.h>

/* Copies text, which must already be sanitized. Returns the method used ("wl-copy",
 * "xclip", "OSC 52"), or NULL with *err set (caller frees). */
const char *clip_copy(const char *text, size_t len, char **err);
/* Whether prog is an executable in $PATH. */
bool prog_in_path(const char *prog);
/* Standard base64 with padding; caller frees. Pure. */
char *base64_encode(const char *s, size_t len);
/* Runs $VISUAL / $EDITOR (else vi) on [arg1] path with curses suspended, and waits. The
 * editor is a shell word list from the environment (left in $FN_EDITOR for messages); the
 * arguments are never part of that string. Returns 0 when it exited 0. */
int clip_run_editor(const char *arg1, const char *path);
/* Starts prog arg in its own session with /dev/null for stdio, not waited for. Returns 0,
 * or -1 when it could not fork. */
int clip_spawn_detached(const char *prog, const char *arg);

#endif
