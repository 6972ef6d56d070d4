/* fsutil.h - small file-system helpers. Any thread. */
#ifndef FN_FSUTIL_H
#define FN_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Creates every missing directory above `path` (not path itself). Returns 0 or -errno. */
int fs_mkdir_parents(const char *path, mode_t mode);
/* Creates `dir` and its parents. Returns 0 or -errno. */
int fs_mkdir_all(const char *dir, mode_t mode);
/* Writes data to path atomically: a temp file in the same directory, fsync, rename, fsync
 * of the directory. A crash leaves either the old or the new file. Returns 0 or -errno. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

#endif
