/* init.h - `footnote init`: a commented configuration written from what discovery found.
 *
 * The text names the server found (or shows how to add one), sets rag to it, and shows
 * fine-tuned and hybrid commented out with the line to change. It never holds a key: only
 * api_key_env. Pure text, then one atomic write (mode 0600). Main thread. */
#ifndef FN_INIT_H
#define FN_INIT_H

#include <stdbool.h>

struct discover_result;

/* The configuration text for r (NULL = nothing found). Caller frees. */
char *init_config_text(const struct discover_result *r);
/* Writes text to path, creating its directory; an existing file is kept unless force.
 * 0, or -1 and *err (caller frees). */
int init_write(const char *path, const char *text, bool force, char **err);

#endif
