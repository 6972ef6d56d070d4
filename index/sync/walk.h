/* walk.h - which files of a folder are indexed (internal to index/).
 *
 * A path is skipped when any component or the path relative to the folder matches an
 * exclude glob (fnmatch), when a .gitignore of the folder or of a directory on the way says
 * so (globs, "dir/", "/anchored", "**", "!negation", comments), or when it is a ".git"
 * directory. A symbolic link is followed only when its target (resolved all the way) is
 * inside the folder, and then as if the target had been reached directly: under its own
 * canonical path, judged by the excludes and rules of where it is. Links out of the folder
 * are ignored. A directory or file reached twice (links, loops, bind mounts: same device
 * and inode) is walked or reported once. The directories in opt->skip (footnote's own) are
 * never entered. Runs on the index thread. */
#ifndef FN_WALK_H
#define FN_WALK_H

#include <stdbool.h>
#include <sys/stat.h>

#include "index/idx.h"

struct walk_cb {
	/* Each allowed directory, root and start included, before its contents. */
	void (*dir)(void *ctx, const char *path);
	/* Each allowed regular file. */
	void (*file)(void *ctx, const char *path, const struct stat *st);
	void *ctx;
	/* A directory that cannot be read (err is errno), or NULL. Its contents are not walked. */
	void (*unreadable)(void *ctx, const char *path, int err);
};

/* Walks the tree at start (root itself or a directory below it; both canonical, no
 * trailing slash). Returns 0, IDX_ESTOPPED, or IDX_EIO when start cannot be read. */
int walk_tree(const char *root, const char *start, const struct idx_options *opt,
	      const struct walk_cb *cb, const volatile bool *stop);
/* Whether path (canonical, below root) would be indexed, judging its name and its
 * ancestors; isdir says how to read "dir/" rules. */
bool walk_allowed(const char *root, const char *path, const struct idx_options *opt, bool isdir);

#endif
