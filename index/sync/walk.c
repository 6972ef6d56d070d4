/* walk.c - folder walking with excludes and .gitignore (see walk.h). */
#include "index/sync/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "base/hmap.h"
#include "index/store/store.h"

struct rule {
	char *pat;
	size_t base; /* length of the relative directory its .gitignore is in */
	bool neg, dironly, anchored, deep;
};

struct rules {
	struct rule *v;
	size_t n, cap;
};

static void rules_load(struct rules *r, const char *dirpath, size_t base)
{
	char *p = xasprintf("%s/.gitignore", dirpath);
	FILE *f = fopen(p, "r");
	free(p);
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof line, f)) {
		size_t n = strcspn(line, "\r\n");
		line[n] = '\0';
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		char *s = line;
		if (!*s || *s == '#')
			continue;
		struct rule ru = {0};
		ru.base = base;
		if (*s == '!') {
			ru.neg = true;
			s++;
		} else if (*s == '\\') {
			s++;
		}
		n = strlen(s);
		if (n && s[n - 1] == '/') {
			ru.dironly = true;
			s[--n] = '\0';
		}
		if (*s == '/') {
			ru.anchored = true;
			s++;
		}
		if (strchr(s, '/'))
			ru.anchored = true;
		if (!*s)
			continue;
		ru.deep = strstr(s, "**") != NULL;
		ru.pat = xstrdup(s);
		r->v = xgrow(r->v, &r->cap, r->n + 1, sizeof *r->v);
		r->v[r->n++] = ru;
	}
	fclose(f);
}

static void rules_pop(struct rules *r, size_t n)
{
	while (r->n > n)
		free(r->v[--r->n].pat);
}

/* rel is the path relative to the root ("" for the root). Last matching rule wins. */
static bool rules_ignored(const struct rules *r, const char *rel, bool isdir)
{
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	for (size_t i = r->n; i-- > 0;) {
		const struct rule *ru = &r->v[i];
		if (ru->dironly && !isdir)
			continue;
		int m;
		if (ru->anchored) {
			const char *sub = rel + ru->base + (ru->base ? 1 : 0);
			m = fnmatch(ru->pat, sub, ru->deep ? 0 : FNM_PATHNAME);
		} else {
			m = fnmatch(ru->pat, base, 0);
		}
		if (m == 0)
			return !ru->neg;
	}
	return false;
}

static bool under_root(const char *root, const char *path);

/* path (canonical) is one of opt->skip or below one. */
static bool skipped(const struct idx_options *opt, const char *path)
{
	for (size_t i = 0; i < opt->nskip; i++)
		if (opt->skip[i] && *opt->skip[i] && under_root(opt->skip[i], path))
			return true;
	return false;
}

static bool excluded(const struct idx_options *opt, const char *rel, const char *name, bool isdir)
{
	if (isdir && strcmp(name, ".git") == 0)
		return true;
	for (size_t i = 0; i < opt->nexclude; i++) {
		const char *g = opt->exclude[i];
		if (!g || !*g)
			continue;
		if (fnmatch(g, name, 0) == 0 || fnmatch(g, rel, 0) == 0)
			return true;
	}
	return false;
}

struct walker {
	const char *root;
	size_t rootlen;
	const struct idx_options *opt;
	const struct walk_cb *cb;
	const volatile bool *stop;
	struct rules rules;
	struct u64map seen;  /* dev+ino of directories walked */
	struct u64map files; /* dev+ino of files given to cb->file */
	struct buf path;
};

static uint64_t inode_key(const struct stat *st)
{
	return (uint64_t)st->st_dev * 0x9E3779B97F4A7C15ULL ^ (uint64_t)st->st_ino;
}

static bool under_root(const char *root, const char *path);
static bool load_ancestors(struct walker *w, const char *path);
static int walk_dir(struct walker *w);

static void give_file(struct walker *w, const char *path, const struct stat *st)
{
	int isnew;
	u64map_put(&w->files, inode_key(st), &isnew);
	if (isnew && w->cb->file)
		w->cb->file(w->cb->ctx, path, st);
}

/* A symbolic link at w->path: followed only when its target is inside the folder, and then
 * as if the target had been reached directly (its own path, the excludes and .gitignore
 * rules of where it is). Loops end at the seen set. */
static int follow_link(struct walker *w)
{
	char *target = realpath(w->path.p, NULL);
	struct stat st;
	int rc = 0;
	if (!target || !under_root(w->root, target) || stat(target, &st) != 0 ||
	    !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) ||
	    !walk_allowed(w->root, target, w->opt, S_ISDIR(st.st_mode))) {
		free(target);
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		give_file(w, target, &st);
	} else if (!u64map_get(&w->seen, inode_key(&st))) {
		struct rules saved_rules = w->rules;
		struct buf saved_path = w->path;
		memset(&w->rules, 0, sizeof w->rules);
		memset(&w->path, 0, sizeof w->path);
		if (load_ancestors(w, target)) {
			buf_adds(&w->path, target);
			rc = walk_dir(w);
		}
		rules_pop(&w->rules, 0);
		free(w->rules.v);
		buf_free(&w->path);
		w->rules = saved_rules;
		w->path = saved_path;
	}
	free(target);
	return rc;
}

static const char *rel_of(const struct walker *w, const char *path)
{
	return path[w->rootlen] == '/' ? path + w->rootlen + 1 : path + w->rootlen;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(struct walker *w)
{
	if (stop_requested(w->stop))
		return IDX_ESTOPPED;
	DIR *d = opendir(w->path.p);
	if (!d) {
		if (w->cb->unreadable)
			w->cb->unreadable(w->cb->ctx, w->path.p, errno);
		return IDX_EIO;
	}
	struct stat st;
	if (fstat(dirfd(d), &st) == 0) {
		int isnew;
		u64map_put(&w->seen, inode_key(&st), &isnew);
		if (!isnew) {
			closedir(d);
			return 0;
		}
	}
	if (w->cb->dir)
		w->cb->dir(w->cb->ctx, w->path.p);
	size_t saved = w->rules.n;
	rules_load(&w->rules, w->path.p, strlen(rel_of(w, w->path.p)));
	/* Sorted names: a stable order makes progress and batches reproducible. */
	char **names = NULL;
	size_t nn = 0, cn = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		names = xgrow(names, &cn, nn + 1, sizeof *names);
		names[nn++] = xstrdup(de->d_name);
	}
	if (nn)
		qsort(names, nn, sizeof *names, cmp_str);
	int rc = 0;
	size_t plen = w->path.len;
	for (size_t i = 0; i < nn; i++) {
		if (rc == 0 && !(stop_requested(w->stop))) {
			w->path.len = plen;
			buf_addc(&w->path, '/');
			buf_adds(&w->path, names[i]);
			int there = fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) == 0;
			if (there && S_ISLNK(st.st_mode)) {
				if (follow_link(w) == IDX_ESTOPPED)
					rc = IDX_ESTOPPED;
			} else if (there) {
				bool isdir = S_ISDIR(st.st_mode);
				const char *rel = rel_of(w, w->path.p);
				if ((isdir || S_ISREG(st.st_mode)) && !excluded(w->opt, rel, names[i], isdir) &&
				    !rules_ignored(&w->rules, rel, isdir)) {
					if (isdir && skipped(w->opt, w->path.p)) {
						/* footnote's own directories */
					} else if (isdir) {
						int r = walk_dir(w);
						if (r == IDX_ESTOPPED)
							rc = r;
					} else {
						give_file(w, w->path.p, &st);
					}
				}
			}
		} else if (rc == 0) {
			rc = IDX_ESTOPPED;
		}
		free(names[i]);
	}
	free(names);
	w->path.len = plen;
	w->path.p[plen] = '\0';
	rules_pop(&w->rules, saved);
	closedir(d);
	return rc;
}

/* Loads the .gitignore rules of root and every directory between it and path (exclusive
 * of path itself); returns false when one of those directories is itself skipped. */
static bool load_ancestors(struct walker *w, const char *path)
{
	rules_load(&w->rules, w->root, 0);
	const char *rel = rel_of(w, path);
	if (!*rel)
		return true;
	for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		char *sub = xstrndup(rel, (size_t)(s - rel));
		const char *name = strrchr(sub, '/');
		name = name ? name + 1 : sub;
		bool skip = excluded(w->opt, sub, name, true) || rules_ignored(&w->rules, sub, true);
		if (!skip) {
			char *full = xasprintf("%s/%s", w->root, sub);
			rules_load(&w->rules, full, strlen(sub));
			free(full);
		}
		free(sub);
		if (skip)
			return false;
	}
	return true;
}

static bool under_root(const char *root, const char *path)
{
	size_t n = strlen(root);
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int walk_tree(const char *root, const char *start, const struct idx_options *opt,
	      const struct walk_cb *cb, const volatile bool *stop)
{
	if (!under_root(root, start))
		return IDX_EINVAL;
	struct walker w = {root, strlen(root), opt, cb, stop, {0}, {0}, {0}, {0}};
	int rc = 0;
	if (load_ancestors(&w, start)) {
		const char *rel = rel_of(&w, start);
		const char *name = strrchr(start, '/');
		name = name ? name + 1 : start;
		if (!*rel || (!excluded(opt, rel, name, true) && !rules_ignored(&w.rules, rel, true))) {
			buf_adds(&w.path, start);
			rc = walk_dir(&w);
		}
	}
	rules_pop(&w.rules, 0);
	free(w.rules.v);
	u64map_free(&w.seen);
	u64map_free(&w.files);
	buf_free(&w.path);
	return rc;
}

bool walk_allowed(const char *root, const char *path, const struct idx_options *opt, bool isdir)
{
	if (!under_root(root, path) || skipped(opt, path))
		return false;
	struct walker w = {root, strlen(root), opt, NULL, NULL, {0}, {0}, {0}, {0}};
	bool ok = load_ancestors(&w, path);
	const char *rel = rel_of(&w, path);
	if (ok && *rel) {
		const char *name = strrchr(path, '/') + 1;
		ok = !excluded(opt, rel, name, isdir) && !rules_ignored(&w.rules, rel, isdir);
	}
	rules_pop(&w.rules, 0);
	free(w.rules.v);
	return ok;
}
