/* plural.h - "1 file", "2 files": the one helper for counted nouns in messages. Pure. */
#ifndef FN_PLURAL_H
#define FN_PLURAL_H

#include <stddef.h>

/* one when n == 1, else many: printf("%zu %s", n, plural(n, "file", "files")). */
const char *plural(size_t n, const char *one, const char *many);

#endif
