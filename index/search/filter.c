/* filter.c - file filters of a query (see idx.h struct idx_filter), and the set of file ids
 * that pass them (search.h filter_fids). */
#include "index/idx.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/xmalloc.h"
#include "index/search/search.h"
#include "index/store/store.h"

int idx_filter_date(const char *s, size_t n, int64_t *ns)
{
	int y = 0, m = 1, d = 1;
	char tmp[16];
	if (n < 4 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	int used = 0;
	if (n == 10 && sscanf(tmp, "%4d-%2d-%2d%n", &y, &m, &d, &used) == 3 && used == 10) {
	} else if (n == 7 && sscanf(tmp, "%4d-%2d%n", &y, &m, &used) == 2 && used == 7) {
	} else if (n == 4 && sscanf(tmp, "%4d%n", &y, &used) == 1 && used == 4) {
	} else {
		return -1;
	}
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*ns = (int64_t)t * 1000000000LL;
	return 0;
}

int idx_filter_parse(const char *text, struct idx_filter *f, const char **rest, char *err, size_t errlen)
{
	const char *p = text ? text : "";
	int n = 0;
	*rest = p;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t w = strcspn(p, " \t\n");
		size_t klen = !strncasecmp(p, "path:", 5) ? 5 : !strncasecmp(p, "after:", 6) ? 6
			      : !strncasecmp(p, "before:", 7) ? 7 : !strncasecmp(p, "tag:", 4) ? 4 : 0;
		if (!klen || w <= klen)
			break;
		const char *v = p + klen;
		size_t vlen = w - klen;
		if (klen == 4) {
			if (!idx_filter_add_tag(f, v, vlen)) {
				snprintf(err, errlen, "too many tag: words (at most %zu bytes of tags)", sizeof f->tags);
				return -1;
			}
		} else if (klen == 5) {
			if (vlen >= sizeof f->path) {
				snprintf(err, errlen, "path:%.*s... is longer than %zu bytes", 20, v, sizeof f->path - 1);
				return -1;
			}
			memcpy(f->path, v, vlen);
			f->path[vlen] = '\0';
		} else {
			int64_t ns;
			if (idx_filter_date(v, vlen, &ns) != 0) {
				snprintf(err, errlen, "%.*s is not a date: write %.*sYYYY-MM-DD (or YYYY-MM, YYYY)",
					 (int)(w > 40 ? 40 : w), p, (int)klen, p);
				return -1;
			}
			if (klen == 6)
				f->after_ns = ns;
			else
				f->before_ns = ns;
		}
		p += w;
		n++;
		while (*p == ' ' || *p == '\t')
			p++;
		*rest = p;
	}
	return n;
}

bool idx_filter_add_tag(struct idx_filter *f, const char *tag, size_t n)
{
	size_t have = strlen(f->tags);
	if (have + n + 2 >= sizeof f->tags)
		return false;
	if (!have)
		f->tags[have++] = ',';
	for (size_t i = 0; i < n; i++)
		f->tags[have++] = (char)(tag[i] >= 'A' && tag[i] <= 'Z' ? tag[i] - 'A' + 'a' : tag[i]);
	f->tags[have++] = ',';
	f->tags[have] = '\0';
	return true;
}

bool idx_filter_on(const struct idx_filter *f)
{
	return f->path[0] || f->after_ns || f->before_ns || f->tags[0];
}

/* True when the ",a,b," lists want and have share a name. */
static bool tags_meet(const char *want, const char *have)
{
	if (!have || !*have)
		return false;
	for (const char *w = want; *w == ',' && w[1];) {
		const char *e = strchr(w + 1, ',');
		if (!e)
			break;
		char probe[260];
		size_t n = (size_t)(e - w) + 1;
		if (n < sizeof probe) {
			memcpy(probe, w, n);
			probe[n] = '\0';
			if (strstr(have, probe))
				return true;
		}
		w = e;
	}
	return false;
}

bool idx_filter_pass(const struct idx_filter *f, const char *path, int64_t mtime_ns, const char *tags)
{
	if (f->tags[0] && !tags_meet(f->tags, tags))
		return false;
	if (f->after_ns && mtime_ns < f->after_ns)
		return false;
	if (f->before_ns && mtime_ns >= f->before_ns)
		return false;
	if (!f->path[0] || fnmatch(f->path, path, 0) == 0)
		return true;
	for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/'))
		if (fnmatch(f->path, s + 1, 0) == 0)
			return true;
	return false;
}

unsigned char *filter_fids(MDB_txn *txn, idx *ix, const struct idx_filter *f, size_t nf, uint32_t *nbits)
{
	bool any = false;
	for (size_t i = 0; i < nf; i++)
		any = any || idx_filter_on(&f[i]);
	*nbits = 0;
	if (!any)
		return NULL;
	size_t cap = 0;
	unsigned char *bits = NULL;
	MDB_cursor *cur;
	if (mdb_cursor_open(txn, ix->files, &cur) != 0)
		return xcalloc(1, 1); /* nothing passes what cannot be read */
	MDB_val k, v;
	char path[4096];
	for (int rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct file_rec fr;
		if (v.mv_size < sizeof fr || k.mv_size >= sizeof path)
			continue;
		memcpy(&fr, v.mv_data, sizeof fr);
		memcpy(path, k.mv_data, k.mv_size);
		path[k.mv_size] = '\0';
		/* The document's own date and tags, after the path in fids (apply.c put_fid). */
		const char *tags = NULL;
		int64_t when = fr.mtime_ns;
		char meta[1024];
		unsigned char kb[4] = {(unsigned char)(fr.fid >> 24), (unsigned char)(fr.fid >> 16),
				       (unsigned char)(fr.fid >> 8), (unsigned char)fr.fid};
		MDB_val fk = {4, kb}, fv;
		if (mdb_get(txn, ix->fids, &fk, &fv) == 0) {
			const char *nul = memchr(fv.mv_data, '\0', fv.mv_size);
			size_t n = nul ? fv.mv_size - (size_t)(nul + 1 - (const char *)fv.mv_data) : 0;
			if (nul && n < sizeof meta) {
				memcpy(meta, nul + 1, n);
				meta[n] = '\0';
				/* title NUL tags NUL date */
				const char *t = memchr(meta, '\0', n);
				const char *d = t ? memchr(t + 1, '\0', n - (size_t)(t + 1 - meta)) : NULL;
				tags = t ? t + 1 : NULL;
				int64_t dn;
				if (d && idx_filter_date(d + 1, strlen(d + 1), &dn) == 0)
					when = dn;
			}
		}
		bool ok = true;
		for (size_t i = 0; i < nf && ok; i++)
			ok = !idx_filter_on(&f[i]) || idx_filter_pass(&f[i], path, when, tags);
		if (!ok)
			continue;
		size_t need = fr.fid / 8 + 1;
		if (need > cap) {
			size_t old = cap;
			bits = xgrow(bits, &cap, need, 1);
			memset(bits + old, 0, cap - old);
		}
		bits[fr.fid >> 3] |= (unsigned char)(1u << (fr.fid & 7));
		if (fr.fid + 1 > *nbits)
			*nbits = fr.fid + 1;
	}
	mdb_cursor_close(cur);
	return bits ? bits : xcalloc(1, 1);
}
