/* walk.h - which files of a folder are indexed (internal to index/).
 *
 * A path is skipped when any component or the path relative to the folder matches an
 * exclude glob (fnmatch), when a .gitignore of the folder or of a directory on the way says
 * so (globs, "dir/", "/anchored", "**", "!negation", comments), or when it is a ".git"
 * directory. Symbolic links are never followed (so nothing outside the folder is reached),
 * and a directory seen twice (bind mounts) is walked once. Runs on the index thread. */
#ifndef FN_WALK_H
#define FN_WALK_H

#include <stdbool.h>
#include <sys/stat.h>

#include "idx.h"

struct walk_cb {
	/* Each allowed directory, root and start included, before its contents. */
	void (*dir)(void *ctx, const char *path);
	/* Each allowed regular file. */
	void (*file)(void *ctx, const char *path, const struct stat *st);
	void *ctx;
};

/* Walks the tree at start (root itself or a directory below it; both canonical, no
 * trailing slash). Returns 0, IDX_ESTOPPED, or IDX_EIO when start cannot be read. */
int walk_tree(const char *root, const char *start, const struct idx_options *opt,
	      const struct walk_cb *cb, const volatile bool *stop);
/* Whether path (canonical, below root) would be indexed, judging its name and its
 * ancestors; isdir says how to read "dir/" rules. */
bool walk_allowed(const char *root, const char *path, const struct idx_options *opt, bool isdir);

#endif
