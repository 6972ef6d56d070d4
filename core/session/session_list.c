/* session_list.c - listing sessions through a small index beside them, and ids by prefix
 * (see session.h).
 *
 * DIR/.index is a text file: a header line "footnote-sessions-index 1", then one line per
 * session: id, inode, size, mtime (ns), created, updated, turns, title, error, separated
 * by tabs, with \\, \t and \n escaped in the texts. A line is trusted while the file's
 * inode, size and mtime are the ones it records (a session is always replaced by rename,
 * so a rewrite changes the inode); any other file is read again. The index is only a
 * cache: a missing, damaged or unwritable one costs a full read, never a wrong listing. */
#include "core/session/session.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/fsutil.h"
#include "base/hmap.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"

static const char index_head[] = "footnote-sessions-index 1\n";

/* What a stat says of a session file: when it differs from the index's, the line is stale. */
struct stamp {
	uint64_t ino, size;
	int64_t mtime_ns;
};

struct entry {
	struct session_info in;
	struct stamp st;
};

static void info_clear(struct session_info *in)
{
	free(in->id);
	free(in->title);
	free(in->created);
	free(in->updated);
	free(in->error);
	memset(in, 0, sizeof *in);
}

static void info_from(struct session_info *in, const char *dir, const char *id)
{
	char *path = session_path(dir, id);
	struct session *s;
	char *err = NULL;
	memset(in, 0, sizeof *in);
	in->id = xstrdup(id);
	if (session_load(path, &s, &err) < 0) {
		in->error = err;
		in->title = xstrdup("");
		in->created = xstrdup("");
		in->updated = xstrdup("");
	} else {
		in->title = xstrdup(s->title);
		in->created = xstrdup(s->created);
		in->updated = xstrdup(s->updated);
		in->turns = s->nturns;
		session_free(s);
	}
	free(path);
}

static int by_updated(const void *a, const void *b)
{
	const struct session_info *x = a, *y = b;
	int c = strcmp(y->updated, x->updated);
	return c ? c : strcmp(y->id, x->id);
}

/* The ids in dir, unsorted. A missing dir gives none. */
static int list_ids(const char *dir, char ***ids, size_t *n, char **err)
{
	*ids = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		*err = xasprintf("cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *id = session_file_id(e->d_name);
		if (!id)
			continue;
		*ids = xgrow(*ids, &cap, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = id;
	}
	closedir(d);
	return 0;
}

static void ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* ---- the index file ------------------------------------------------------------------- */

static void put_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			buf_adds(b, "\\\\");
		else if (*s == '\t')
			buf_adds(b, "\\t");
		else if (*s == '\n')
			buf_adds(b, "\\n");
		else
			buf_addc(b, *s);
	}
}

/* Unescapes field [p, end) into a new string. */
static char *get_text(const char *p, const char *end)
{
	struct buf b = {0};
	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end) {
			p++;
			buf_addc(&b, *p == 't' ? '\t' : *p == 'n' ? '\n' : *p);
		} else {
			buf_addc(&b, *p);
		}
	}
	return buf_detach(&b);
}

static uint64_t num(const char *p, const char *end)
{
	uint64_t v = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v;
}

/* One line (without its newline) into e; false when it is not nine fields. */
static bool parse_line(const char *p, const char *end, struct entry *e)
{
	const char *f[9], *fe[9];
	size_t n = 0;
	for (const char *q = p; n < 9; q++) {
		if (q == end || *q == '\t') {
			f[n] = p;
			fe[n++] = q;
			p = q + 1;
			if (q == end)
				break;
		}
	}
	if (n != 9 || fe[8] != end || fe[0] == f[0])
		return false;
	memset(e, 0, sizeof *e);
	e->st.ino = num(f[1], fe[1]);
	e->st.size = num(f[2], fe[2]);
	e->st.mtime_ns = (int64_t)num(f[3], fe[3]);
	e->in.turns = (size_t)num(f[6], fe[6]);
	e->in.id = get_text(f[0], fe[0]);
	e->in.created = get_text(f[4], fe[4]);
	e->in.updated = get_text(f[5], fe[5]);
	e->in.title = get_text(f[7], fe[7]);
	e->in.error = fe[8] > f[8] ? get_text(f[8], fe[8]) : NULL;
	return true;
}

/* The index's lines, keyed by id in *m (values index *v). A missing or damaged index is
 * an empty one. */
static void index_read(const char *path, struct entry **v, size_t *n, struct strmap *m)
{
	*v = NULL;
	*n = 0;
	char *text = NULL, *err = NULL;
	size_t len = 0;
	if (session_read_file(path, &text, &len, &err) < 0) {
		free(err);
		return;
	}
	size_t hl = sizeof index_head - 1, cap = 0;
	if (len < hl || memcmp(text, index_head, hl)) {
		free(text);
		return;
	}
	const char *p = text + hl, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break; /* a torn last line: read again */
		struct entry e;
		if (parse_line(p, nl, &e)) {
			int isnew;
			size_t *slot = strmap_put(m, e.in.id, strlen(e.in.id), &isnew);
			if (isnew) {
				*v = xgrow(*v, &cap, *n + 1, sizeof **v);
				*slot = *n;
				(*v)[(*n)++] = e;
			} else {
				info_clear(&e.in);
			}
		}
		p = nl + 1;
	}
	free(text);
}

static void index_write(const char *path, const struct entry *v, size_t n)
{
	struct buf b = {0};
	buf_adds(&b, index_head);
	for (size_t i = 0; i < n; i++) {
		const struct entry *e = &v[i];
		put_text(&b, e->in.id);
		buf_addf(&b, "\t%llu\t%llu\t%llu\t", (unsigned long long)e->st.ino, (unsigned long long)e->st.size,
			 (unsigned long long)e->st.mtime_ns);
		put_text(&b, e->in.created);
		buf_addc(&b, '\t');
		put_text(&b, e->in.updated);
		buf_addf(&b, "\t%zu\t", e->in.turns);
		put_text(&b, e->in.title);
		buf_addc(&b, '\t');
		put_text(&b, e->in.error ? e->in.error : "");
		buf_addc(&b, '\n');
	}
	/* Only a cache: a failure here costs the next listing a full read. */
	(void)fs_write_atomic(path, b.p, b.len, 0600);
	buf_free(&b);
}

static bool stamp_of(const char *dir, const char *id, struct stamp *st)
{
	char *path = session_path(dir, id);
	struct stat sb;
	int rc = stat(path, &sb);
	free(path);
	if (rc != 0)
		return false;
	*st = (struct stamp){(uint64_t)sb.st_ino, (uint64_t)sb.st_size,
			     (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec};
	return true;
}

static void info_copy(struct session_info *d, const struct session_info *s)
{
	d->id = xstrdup(s->id);
	d->title = xstrdup(s->title);
	d->created = xstrdup(s->created);
	d->updated = xstrdup(s->updated);
	d->turns = s->turns;
	d->error = s->error ? xstrdup(s->error) : NULL;
}

int session_list(const char *dir, struct session_info **v, size_t *n, char **err)
{
	char **ids;
	size_t nids;
	*v = NULL;
	*n = 0;
	if (list_ids(dir, &ids, &nids, err) < 0)
		return -1;
	char *ipath = xasprintf("%s/.index", dir);
	struct entry *old;
	size_t nold;
	struct strmap m = {0};
	index_read(ipath, &old, &nold, &m);
	struct entry *now = xcalloc(nids ? nids : 1, sizeof *now);
	bool changed = nold != nids;
	for (size_t i = 0; i < nids; i++) {
		struct entry *e = &now[i];
		bool have = stamp_of(dir, ids[i], &e->st);
		size_t *at = strmap_get(&m, ids[i], strlen(ids[i]));
		const struct entry *o = at ? &old[*at] : NULL;
		if (have && o && o->st.ino == e->st.ino && o->st.size == e->st.size &&
		    o->st.mtime_ns == e->st.mtime_ns) {
			info_copy(&e->in, &o->in);
		} else {
			info_from(&e->in, dir, ids[i]);
			changed = true;
		}
	}
	if (changed && nids)
		index_write(ipath, now, nids);
	*v = xcalloc(nids ? nids : 1, sizeof **v);
	for (size_t i = 0; i < nids; i++)
		(*v)[i] = now[i].in;
	*n = nids;
	qsort(*v, nids, sizeof **v, by_updated);
	for (size_t i = 0; i < nold; i++)
		info_clear(&old[i].in);
	free(old);
	free(now);
	strmap_free(&m);
	free(ipath);
	ids_free(ids, nids);
	return 0;
}

void session_infos_free(struct session_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		info_clear(&v[i]);
	free(v);
}

int session_resolve(const char *dir, const char *prefix, char **id, char **err)
{
	char **ids;
	size_t nids, found = 0, hit = 0;
	*id = NULL;
	if (list_ids(dir, &ids, &nids, err) < 0)
		return -1;
	size_t plen = strlen(prefix);
	struct buf names = {0};
	for (size_t i = 0; i < nids && plen; i++) {
		if (!strcmp(ids[i], prefix)) {
			found = 1;
			hit = i;
			break;
		}
		if (!strncmp(ids[i], prefix, plen)) {
			if (found < 4)
				buf_addf(&names, "%s%s", found ? ", " : "", ids[i]);
			found++;
			hit = i;
		}
	}
	int rc = 0;
	char *safe = sanitize_str(prefix, SAN_ONELINE);
	if (found == 1) {
		*id = xstrdup(ids[hit]);
	} else if (found == 0) {
		*err = xasprintf("no session id starts with \"%s\" (`footnote sessions list` shows them)", safe);
		rc = -1;
	} else {
		*err = xasprintf("\"%s\" matches %zu sessions (%s%s): give more of the id", safe, found,
				 buf_str(&names), found > 4 ? ", ..." : "");
		rc = -1;
	}
	free(safe);
	buf_free(&names);
	ids_free(ids, nids);
	return rc;
}
