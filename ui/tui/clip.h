/* clip.h - copying to the clipboard: wl-copy under Wayland, xclip under X, else an OSC 52
 * sequence through the terminal (most terminals and tmux with set-clipboard on accept it).
 * UI thread (it may write to the terminal). */
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

#endif
