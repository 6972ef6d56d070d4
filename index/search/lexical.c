/* lexical.c - postings segments, the fresh postings, batched updates (see lexical.h). */
#include "index/search/lexical.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "base/hmap.h"

#define SEG_HDR 20     /* u32 n, u64 first, u64 last */
#define SEG_MAX 4000   /* a segment closes at about one overflow page */
/* postf is merged into post when it holds more than 1/FRESH_SHARE of post's pages (and
 * more than FRESH_MIN pages): see lexical.h. */
#define FRESH_SHARE 16
#define FRESH_MIN 256

static long p_fresh = -2; /* lex_set_fresh; -2: FN_FRESH_PAGES not read yet */

void lex_set_fresh(long pages)
{
	p_fresh = pages;
}

/* The setting: lex_set_fresh's, or FN_FRESH_PAGES from the environment (the crash tests
 * merge postf often on a small tree), or the rule. Only the writer reads it. */
static long fresh_setting(void)
{
	if (p_fresh == -2) {
		const char *e = getenv("FN_FRESH_PAGES");
		p_fresh = e && *e ? atol(e) : -1;
	}
	return p_fresh;
}

struct lterm {
	uint64_t *add;
	uint32_t *tf;
	size_t nadd, cadd, ctf;
	uint64_t *del;
	size_t ndel, cdel;
};

struct lex_batch {
	struct strmap map; /* term -> index in v */
	struct lterm *v;
	size_t n, cap;
};

struct lex_batch *lex_batch_new(void)
{
	return xcalloc(1, sizeof(struct lex_batch));
}

void lex_batch_reset(struct lex_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].add);
		free(b->v[i].tf);
		free(b->v[i].del);
	}
	b->n = 0;
	strmap_clear(&b->map);
}

void lex_batch_free(struct lex_batch *b)
{
	if (!b)
		return;
	lex_batch_reset(b);
	strmap_free(&b->map);
	free(b->v);
	free(b);
}

static struct lterm *term_of(struct lex_batch *b, const char *term, size_t len)
{
	int isnew;
	size_t *slot = strmap_put(&b->map, term, len, &isnew);
	if (isnew) {
		b->v = xgrow(b->v, &b->cap, b->n + 1, sizeof *b->v);
		memset(&b->v[b->n], 0, sizeof b->v[b->n]);
		*slot = b->n++;
	}
	return &b->v[*slot];
}

struct addctx {
	struct lex_batch *b;
	uint64_t id;
	uint32_t count;
	int del;
};

static int on_token(void *ctx, const struct token *tk)
{
	struct addctx *a = ctx;
	if (tk->len == 0 || tk->len > 200)
		return 0;
	struct lterm *lt = term_of(a->b, tk->term, tk->len);
	a->count++;
	if (a->del) {
		if (!lt->ndel || lt->del[lt->ndel - 1] != a->id) {
			lt->del = xgrow(lt->del, &lt->cdel, lt->ndel + 1, sizeof *lt->del);
			lt->del[lt->ndel++] = a->id;
		}
		return 0;
	}
	if (lt->nadd && lt->add[lt->nadd - 1] == a->id) {
		lt->tf[lt->nadd - 1]++;
		return 0;
	}
	lt->add = xgrow(lt->add, &lt->cadd, lt->nadd + 1, sizeof *lt->add);
	lt->tf = xgrow(lt->tf, &lt->ctf, lt->nadd + 1, sizeof *lt->tf);
	lt->add[lt->nadd] = a->id;
	lt->tf[lt->nadd++] = 1;
	return 0;
}

uint32_t lex_add_chunk(struct lex_batch *b, struct tokenizer *t, uint64_t id, const char *text,
		       size_t len)
{
	struct addctx a = {b, id, 0, 0};
	tok_each(t, text, len, on_token, &a);
	return a.count;
}

void lex_del_chunk(struct lex_batch *b, struct tokenizer *t, uint64_t id, const char *text,
		   size_t len)
{
	struct addctx a = {b, id, 0, 1};
	tok_each(t, text, len, on_token, &a);
}

/* ---- segment encoding ---- */
static size_t put_varint(unsigned char *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (unsigned char)v;
	return n;
}

static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		unsigned char c = *(*p)++;
		x |= (uint64_t)(c & 0x7F) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

struct seg {
	unsigned char *p;
	size_t len, cap;
	uint32_t n;
	uint64_t first, last;
};

static void seg_start(struct seg *s)
{
	s->p = xgrow(s->p, &s->cap, SEG_HDR, 1);
	s->len = SEG_HDR;
	s->n = 0;
	s->first = s->last = 0;
}

static void seg_append(struct seg *s, uint64_t id, uint32_t tf)
{
	s->p = xgrow(s->p, &s->cap, s->len + 20, 1);
	if (s->n == 0)
		s->first = s->last = id;
	s->len += put_varint(s->p + s->len, id - s->last);
	s->len += put_varint(s->p + s->len, tf);
	s->last = id;
	s->n++;
}

static void seg_finish(struct seg *s)
{
	memcpy(s->p, &s->n, 4);
	memcpy(s->p + 4, &s->first, 8);
	memcpy(s->p + 12, &s->last, 8);
}

static int seg_header(const void *val, size_t len, uint32_t *n, uint64_t *first, uint64_t *last)
{
	if (len < SEG_HDR)
		return -1;
	memcpy(n, val, 4);
	memcpy(first, (const char *)val + 4, 8);
	memcpy(last, (const char *)val + 12, 8);
	return 0;
}

int lex_segment_each(const void *val, size_t len,
		     void (*fn)(void *ctx, uint64_t id, uint32_t tf), void *ctx)
{
	uint32_t n;
	uint64_t first, last;
	if (seg_header(val, len, &n, &first, &last))
		return -1;
	const unsigned char *p = (const unsigned char *)val + SEG_HDR, *end = (const unsigned char *)val + len;
	uint64_t id = first;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t d, tf;
		if (get_varint(&p, end, &d) || get_varint(&p, end, &tf))
			return -1;
		id += d;
		fn(ctx, id, (uint32_t)tf);
	}
	return p == end && id == last ? 0 : -1;
}

int lex_segment_first(const void *val, size_t len, uint64_t *first)
{
	uint32_t n = 0;
	uint64_t last;
	return seg_header(val, len, &n, first, &last) || !n ? -1 : 0;
}

/* ---- applying a batch ---- */
static void seg_key(struct buf *k, const char *term, size_t len, uint64_t first)
{
	k->len = 0;
	buf_add(k, term, len);
	buf_addc(k, '\0');
	unsigned char b[8];
	be64_put(b, first);
	buf_add(k, b, 8);
}

static int is_seg_of(const MDB_val *k, const char *term, size_t len)
{
	return k->mv_size == len + 9 && memcmp(k->mv_data, term, len) == 0 &&
	       ((const char *)k->mv_data)[len] == '\0';
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int has_in_range(const uint64_t *v, size_t n, uint64_t lo, uint64_t hi)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t m = (a + b) / 2;
		if (v[m] < lo)
			a = m + 1;
		else
			b = m;
	}
	return a < n && v[a] <= hi;
}

struct filt {
	struct seg *out;
	const uint64_t *del;
	size_t ndel;
};

static void on_keep(void *ctx, uint64_t id, uint32_t tf)
{
	struct filt *f = ctx;
	if (!has_in_range(f->del, f->ndel, id, id))
		seg_append(f->out, id, tf);
}

struct collect {
	uint64_t *ids;
	uint32_t *tf;
	size_t n, cids, ctf;
};

static void on_collect(void *ctx, uint64_t id, uint32_t tf)
{
	struct collect *c = ctx;
	c->ids = xgrow(c->ids, &c->cids, c->n + 1, sizeof *c->ids);
	c->tf = xgrow(c->tf, &c->ctf, c->n + 1, sizeof *c->tf);
	c->ids[c->n] = id;
	c->tf[c->n++] = tf;
}

/* The writer's state while a batch is applied. */
struct apply {
	MDB_txn *txn;
	idx *ix;
	MDB_cursor *c; /* on post */
	struct buf k;
	struct seg s;
	struct collect dead; /* the current term's dead ids */
	int64_t dterms;      /* change in the number of distinct terms (meta "terms") */
};

static int put_seg(struct apply *a, const char *term, size_t len)
{
	seg_finish(&a->s);
	seg_key(&a->k, term, len, a->s.first);
	MDB_val kv = {a->k.len, a->k.p}, vv = {a->s.len, a->s.p};
	return mdb_put(a->txn, a->ix->post, &kv, &vv, 0);
}

static int term_exists(struct apply *a, const char *term, size_t len)
{
	seg_key(&a->k, term, len, 0);
	MDB_val kv = {a->k.len, a->k.p}, vv;
	return mdb_cursor_get(a->c, &kv, &vv, MDB_SET_RANGE) == 0 && is_seg_of(&kv, term, len);
}

/* Rewrites the post segments of term that hold one of del (sorted), dropping those ids. */
static int post_delete(struct apply *a, const char *term, size_t len, const uint64_t *del, size_t ndel)
{
	/* Collect the keys of the segments that hold a deleted id, then rewrite them. */
	struct buf touched = {0};
	size_t ntouched = 0;
	seg_key(&a->k, term, len, 0);
	MDB_val kv = {a->k.len, a->k.p}, vv;
	int rc;
	for (rc = mdb_cursor_get(a->c, &kv, &vv, MDB_SET_RANGE); rc == 0 && is_seg_of(&kv, term, len);
	     rc = mdb_cursor_get(a->c, &kv, &vv, MDB_NEXT)) {
		uint32_t n;
		uint64_t first, last;
		if (seg_header(vv.mv_data, vv.mv_size, &n, &first, &last)) {
			rc = MDB_CORRUPTED;
			break;
		}
		if (has_in_range(del, ndel, first, last)) {
			buf_add(&touched, kv.mv_data, kv.mv_size);
			ntouched++;
		}
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
	for (size_t i = 0; i < ntouched && !rc; i++) {
		MDB_val tk = {len + 9, touched.p + i * (len + 9)}, tv;
		rc = mdb_get(a->txn, a->ix->post, &tk, &tv);
		if (rc)
			break;
		seg_start(&a->s);
		struct filt f = {&a->s, del, ndel};
		if (lex_segment_each(tv.mv_data, tv.mv_size, on_keep, &f)) {
			rc = MDB_CORRUPTED;
			break;
		}
		uint64_t oldfirst = be64_get((const unsigned char *)tk.mv_data + len + 1);
		if (a->s.n == 0 || a->s.first != oldfirst)
			rc = mdb_del(a->txn, a->ix->post, &tk, NULL);
		if (!rc && a->s.n)
			rc = put_seg(a, term, len);
	}
	buf_free(&touched);
	return rc;
}

/* Appends n postings (ids growing, above every id term has) to term's segments in post:
 * its last segment grows to about a page, then new ones start. */
static int post_append(struct apply *a, const char *term, size_t len, const uint64_t *ids, const uint32_t *tf,
		       size_t n)
{
	struct seg *s = &a->s;
	/* The last segment of the term: the one before term "\0" be64(max). */
	seg_key(&a->k, term, len, UINT64_MAX);
	MDB_val kv = {a->k.len, a->k.p}, vv;
	int rc = mdb_cursor_get(a->c, &kv, &vv, MDB_SET_RANGE);
	if (rc == 0)
		rc = mdb_cursor_get(a->c, &kv, &vv, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(a->c, &kv, &vv, MDB_LAST);
	size_t i = 0;
	if (rc == 0 && is_seg_of(&kv, term, len)) {
		uint32_t sn;
		uint64_t first, last;
		if (seg_header(vv.mv_data, vv.mv_size, &sn, &first, &last))
			return MDB_CORRUPTED;
		if (ids[0] <= last)
			return MDB_CORRUPTED; /* ids must only grow */
		if (vv.mv_size < SEG_MAX) {
			s->p = xgrow(s->p, &s->cap, vv.mv_size, 1);
			memcpy(s->p, vv.mv_data, vv.mv_size);
			s->len = vv.mv_size;
			s->n = sn, s->first = first, s->last = last;
			while (i < n && s->len < SEG_MAX) {
				seg_append(s, ids[i], tf[i]);
				i++;
			}
			if ((rc = put_seg(a, term, len)))
				return rc;
		}
	} else if (rc && rc != MDB_NOTFOUND) {
		return rc;
	}
	while (i < n) {
		seg_start(s);
		while (i < n && s->len < SEG_MAX) {
			seg_append(s, ids[i], tf[i]);
			i++;
		}
		if ((rc = put_seg(a, term, len)))
			return rc;
	}
	return 0;
}

/* ---- the fresh postings and the dead ids ---- */

static void collect_free(struct collect *c)
{
	free(c->ids);
	free(c->tf);
}

/* Term's dead ids (postd), sorted, into c (emptied first). */
static int dead_load(MDB_txn *txn, idx *ix, const char *term, size_t len, struct collect *c)
{
	c->n = 0;
	if (!ix->has_postd)
		return 0;
	MDB_val k = {len, (void *)term}, v;
	int rc = mdb_get(txn, ix->postd, &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	return lex_segment_each(v.mv_data, v.mv_size, on_collect, c) || !c->n ? MDB_CORRUPTED : 0;
}

/* Whether term has a live posting in post: more postings there than its ndead dead ids (the
 * walk stops as soon as it has seen more). 1, 0, or -1 for a malformed segment. */
static int post_live(struct apply *a, const char *term, size_t len, size_t ndead)
{
	seg_key(&a->k, term, len, 0);
	MDB_val kv = {a->k.len, a->k.p}, vv;
	uint64_t total = 0, first, last;
	uint32_t n;
	for (int rc = mdb_cursor_get(a->c, &kv, &vv, MDB_SET_RANGE); rc == 0 && is_seg_of(&kv, term, len);
	     rc = mdb_cursor_get(a->c, &kv, &vv, MDB_NEXT)) {
		if (seg_header(vv.mv_data, vv.mv_size, &n, &first, &last))
			return -1;
		if ((total += n) > ndead)
			return 1;
	}
	return 0;
}

/* The ids of del (sorted) below lim, which post holds, join term's dead ids (dead, sorted),
 * and postd is written. */
static int dead_add(struct apply *a, const char *term, size_t len, const uint64_t *del, size_t ndel, uint64_t lim,
		    struct collect *dead)
{
	struct seg *s = &a->s;
	seg_start(s);
	size_t i = 0, j = 0;
	while (i < dead->n || (j < ndel && del[j] < lim)) {
		uint64_t id = j < ndel && del[j] < lim && (i == dead->n || del[j] < dead->ids[i]) ? del[j++] : dead->ids[i++];
		if (s->n && id <= s->last)
			return MDB_CORRUPTED; /* a chunk deleted twice */
		seg_append(s, id, 0);
	}
	seg_finish(s);
	dead->n = 0;
	if (lex_segment_each(s->p, s->len, on_collect, dead))
		return MDB_CORRUPTED;
	MDB_val kv = {len, (void *)term}, vv = {s->len, s->p};
	return mdb_put(a->txn, a->ix->postd, &kv, &vv, 0);
}

/* Writes a->s as term's fresh postings, or deletes them when it is empty. */
static int fresh_put(struct apply *a, const char *term, size_t len)
{
	MDB_val kv = {len, (void *)term};
	if (!a->s.n) {
		int rc = mdb_del(a->txn, a->ix->postf, &kv, NULL);
		return rc == MDB_NOTFOUND ? 0 : rc;
	}
	seg_finish(&a->s);
	MDB_val vv = {a->s.len, a->s.p};
	return mdb_put(a->txn, a->ix->postf, &kv, &vv, 0);
}

static int fresh_on(const idx *ix)
{
	return ix->has_postf && ix->has_postd && fresh_setting() != 0;
}

static size_t db_pages(MDB_txn *txn, MDB_dbi dbi)
{
	MDB_stat st;
	return mdb_stat(txn, dbi, &st) ? 0 : st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages;
}

/* postf and postd have outgrown their share of post (see lexical.h). */
static int fresh_over(struct apply *a)
{
	size_t fp = db_pages(a->txn, a->ix->postf) + db_pages(a->txn, a->ix->postd), pp = db_pages(a->txn, a->ix->post);
	long set = fresh_setting();
	size_t limit = set > 0 ? (size_t)set : pp / FRESH_SHARE > FRESH_MIN ? pp / FRESH_SHARE : FRESH_MIN;
	return fp > limit;
}

/* Every term's dead ids out of its post segments, then every term's fresh postings onto
 * their end; postd and postf emptied. Each entry is copied out first: writing post may
 * spill the other databases' dirty pages. */
static int fresh_merge(struct apply *a)
{
	struct collect col = {0};
	struct buf term = {0};
	int rc = 0;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		MDB_dbi dbi = pass == 0 ? a->ix->postd : a->ix->postf;
		MDB_cursor *fc;
		if ((rc = mdb_cursor_open(a->txn, dbi, &fc)))
			break;
		MDB_val kv, vv;
		for (rc = mdb_cursor_get(fc, &kv, &vv, MDB_FIRST); rc == 0; rc = mdb_cursor_get(fc, &kv, &vv, MDB_NEXT)) {
			col.n = 0;
			term.len = 0;
			buf_add(&term, kv.mv_data, kv.mv_size);
			if (lex_segment_each(vv.mv_data, vv.mv_size, on_collect, &col) || !col.n) {
				rc = MDB_CORRUPTED;
				break;
			}
			rc = pass == 0 ? post_delete(a, term.p, term.len, col.ids, col.n)
				       : post_append(a, term.p, term.len, col.ids, col.tf, col.n);
			if (rc)
				break;
		}
		mdb_cursor_close(fc);
		if (rc == MDB_NOTFOUND)
			rc = mdb_drop(a->txn, dbi, 0);
	}
	collect_free(&col);
	buf_free(&term);
	return rc;
}

/* One term of the batch: its deleted ids out of postf, or into postd when post holds them
 * (out of post at once when the fresh postings are off), its new ids into postf (or
 * straight into post). */
static int apply_term(struct apply *a, const char *term, size_t len, struct lterm *lt)
{
	MDB_val fv = {0, NULL};
	MDB_val fk = {len, (void *)term};
	int rc = a->ix->has_postf ? mdb_get(a->txn, a->ix->postf, &fk, &fv) : MDB_NOTFOUND;
	if (rc && rc != MDB_NOTFOUND)
		return rc;
	int infresh = rc == 0;
	uint32_t fn = 0;
	uint64_t ffirst = UINT64_MAX, flast = 0;
	if (infresh && seg_header(fv.mv_data, fv.mv_size, &fn, &ffirst, &flast))
		return MDB_CORRUPTED;
	struct collect *dead = &a->dead;
	if ((rc = dead_load(a->txn, a->ix, term, len, dead)))
		return rc;
	/* whether the term has a live posting, before and after the batch: post is asked only
	 * when postf does not answer */
	int fresh0 = infresh, existed = infresh ? 1 : post_live(a, term, len, dead->n);
	if (existed < 0)
		return MDB_CORRUPTED;
	int post_changed = 0, added = 0; /* post's liveness may have changed; post has an add */
	if (lt->ndel) {
		qsort(lt->del, lt->ndel, sizeof *lt->del, cmp_u64);
		/* postf holds the term's newest ids: post holds only those below them */
		if (lt->del[0] < ffirst && term_exists(a, term, len)) {
			if (fresh_on(a->ix))
				rc = dead_add(a, term, len, lt->del, lt->ndel, ffirst, dead);
			else
				rc = post_delete(a, term, len, lt->del, lt->ndel);
			post_changed = 1;
		}
	}
	int fdel = infresh && lt->ndel && has_in_range(lt->del, lt->ndel, ffirst, flast);
	int fadd = lt->nadd && fresh_on(a->ix);
	if (!rc && (fdel || fadd)) {
		struct seg *s = &a->s;
		seg_start(s);
		if (fdel) {
			/* fv may have moved: dead_add wrote postd */
			if ((rc = mdb_get(a->txn, a->ix->postf, &fk, &fv)))
				return rc;
			struct filt f = {s, lt->del, lt->ndel};
			if (lex_segment_each(fv.mv_data, fv.mv_size, on_keep, &f))
				return MDB_CORRUPTED;
		} else if (infresh) {
			if ((rc = mdb_get(a->txn, a->ix->postf, &fk, &fv)))
				return rc;
			s->p = xgrow(s->p, &s->cap, fv.mv_size, 1);
			memcpy(s->p, fv.mv_data, fv.mv_size);
			s->len = fv.mv_size;
			s->n = fn, s->first = ffirst, s->last = flast;
		}
		for (size_t i = 0; fadd && i < lt->nadd; i++) {
			if (s->n && lt->add[i] <= s->last)
				return MDB_CORRUPTED; /* ids must only grow */
			seg_append(s, lt->add[i], lt->tf[i]);
		}
		rc = fresh_put(a, term, len);
		infresh = s->n > 0;
	}
	if (!rc && lt->nadd && !fadd) {
		rc = post_append(a, term, len, lt->add, lt->tf, lt->nadd);
		added = 1;
	}
	if (rc)
		return rc;
	int exists = infresh || added || (post_changed || fresh0 ? post_live(a, term, len, dead->n) : existed);
	if (exists < 0)
		return MDB_CORRUPTED;
	a->dterms += exists - existed;
	return 0;
}

struct tref {
	const char *term;
	size_t len;
	size_t i;
};

static int cmp_tref(const void *a, const void *b)
{
	const struct tref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->term, y->term, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int postf_empty(MDB_txn *txn, idx *ix)
{
	MDB_stat f, d;
	if (!ix->has_postf || !ix->has_postd)
		return 1;
	/* a failed stat says "not empty": the merge then meets the error itself */
	return !mdb_stat(txn, ix->postf, &f) && !mdb_stat(txn, ix->postd, &d) && f.ms_entries + d.ms_entries == 0;
}

int lex_batch_apply(struct lex_batch *b, MDB_txn *txn, idx *ix)
{
	if (!b->n)
		return 0;
	/* Key order keeps the B-tree walk local. */
	struct tref *refs = xmalloc(b->n * sizeof *refs);
	size_t nr = 0;
	for (size_t i = 0; i < b->map.cap; i++)
		if (b->map.keys[i])
			refs[nr++] = (struct tref){b->map.keys[i], b->map.lens[i], b->map.vals[i]};
	qsort(refs, nr, sizeof *refs, cmp_tref);
	struct apply a = {.txn = txn, .ix = ix};
	int rc = mdb_cursor_open(txn, ix->post, &a.c);
	/* With the fresh postings off, new ids go straight into post: after what postf holds. */
	if (!rc && !fresh_on(ix) && !postf_empty(txn, ix))
		rc = fresh_merge(&a);
	for (size_t i = 0; i < nr && !rc; i++)
		rc = apply_term(&a, refs[i].term, refs[i].len, &b->v[refs[i].i]);
	if (!rc && fresh_on(ix) && fresh_over(&a))
		rc = fresh_merge(&a);
	if (a.c)
		mdb_cursor_close(a.c);
	if (!rc && a.dterms)
		rc = meta_add(txn, ix, "terms", a.dterms);
	buf_free(&a.k);
	free(a.s.p);
	collect_free(&a.dead);
	free(refs);
	return rc;
}

/* Passes on the postings that are not dead (dead sorted, the postings in id order). */
struct deadfilt {
	const uint64_t *dead;
	size_t n, pos, hit;
	void (*fn)(void *ctx, uint64_t id, uint32_t tf);
	void *ctx;
};

static void on_live(void *p, uint64_t id, uint32_t tf)
{
	struct deadfilt *d = p;
	while (d->pos < d->n && d->dead[d->pos] < id)
		d->pos++;
	if (d->pos < d->n && d->dead[d->pos] == id) {
		d->hit++;
		return;
	}
	d->fn(d->ctx, id, tf);
}

int lex_postings_dead(MDB_txn *txn, idx *ix, MDB_cursor *c, const char *term, size_t len,
		    void (*fn)(void *ctx, uint64_t id, uint32_t tf), void *ctx, size_t *hit, size_t *ndead)
{
	struct buf k = {0};
	seg_key(&k, term, len, 0);
	MDB_val kv = {k.len, k.p}, vv;
	int rc;
	/* The segments first: when the first is not in the page cache, all of them are asked
	 * for at once (the map has no read-around, store.h), then decoded. */
	MDB_val *segs = NULL;
	size_t nseg = 0, cap = 0, npost;
	for (rc = mdb_cursor_get(c, &kv, &vv, MDB_SET_RANGE); rc == 0 && is_seg_of(&kv, term, len);
	     rc = mdb_cursor_get(c, &kv, &vv, MDB_NEXT)) {
		segs = xgrow(segs, &cap, nseg + 1, sizeof *segs);
		segs[nseg++] = vv;
	}
	buf_free(&k);
	if (rc == MDB_NOTFOUND)
		rc = 0;
	npost = nseg;
	if (!rc && ix->has_postf) {
		MDB_val fk = {len, (void *)term};
		rc = mdb_get(txn, ix->postf, &fk, &vv);
		if (rc == 0) {
			segs = xgrow(segs, &cap, nseg + 1, sizeof *segs);
			segs[nseg++] = vv;
		} else if (rc == MDB_NOTFOUND) {
			rc = 0;
		}
	}
	struct collect dead = {0};
	if (!rc)
		rc = dead_load(txn, ix, term, len, &dead);
	if (!rc && nseg && !store_resident(segs[0].mv_data, segs[0].mv_size))
		for (size_t i = 0; i < nseg; i++)
			store_prefetch(segs[i].mv_data, segs[i].mv_size);
	struct deadfilt d = {dead.ids, dead.n, 0, 0, fn, ctx};
	for (size_t i = 0; i < nseg && !rc; i++)
		if (i < npost ? lex_segment_each(segs[i].mv_data, segs[i].mv_size, on_live, &d)
			      : lex_segment_each(segs[i].mv_data, segs[i].mv_size, fn, ctx))
			rc = MDB_CORRUPTED;
	if (hit)
		*hit = d.hit;
	if (ndead)
		*ndead = dead.n;
	collect_free(&dead);
	free(segs);
	return rc;
}

int lex_postings(MDB_txn *txn, idx *ix, MDB_cursor *c, const char *term, size_t len,
		 void (*fn)(void *ctx, uint64_t id, uint32_t tf), void *ctx)
{
	return lex_postings_dead(txn, ix, c, term, len, fn, ctx, NULL, NULL);
}

int lex_term_last(MDB_cursor *c, const char *term, size_t len, uint64_t *last)
{
	struct buf k = {0};
	seg_key(&k, term, len, UINT64_MAX);
	MDB_val kv = {k.len, k.p}, vv;
	int rc = mdb_cursor_get(c, &kv, &vv, MDB_SET_RANGE);
	if (rc == 0)
		rc = mdb_cursor_get(c, &kv, &vv, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(c, &kv, &vv, MDB_LAST);
	buf_free(&k);
	uint32_t n;
	uint64_t first;
	if (rc == 0 && !is_seg_of(&kv, term, len))
		rc = MDB_NOTFOUND;
	if (rc == 0 && seg_header(vv.mv_data, vv.mv_size, &n, &first, last))
		rc = MDB_CORRUPTED;
	return rc;
}

uint64_t lex_df(MDB_txn *txn, idx *ix, const char *term, size_t len)
{
	MDB_cursor *c;
	if (mdb_cursor_open(txn, ix->post, &c))
		return 0;
	struct buf k = {0};
	seg_key(&k, term, len, 0);
	MDB_val kv = {k.len, k.p}, vv;
	uint64_t df = 0;
	uint32_t n;
	uint64_t first, last;
	for (int rc = mdb_cursor_get(c, &kv, &vv, MDB_SET_RANGE); rc == 0 && is_seg_of(&kv, term, len);
	     rc = mdb_cursor_get(c, &kv, &vv, MDB_NEXT))
		if (seg_header(vv.mv_data, vv.mv_size, &n, &first, &last) == 0)
			df += n;
	mdb_cursor_close(c);
	buf_free(&k);
	MDB_val fk = {len, (void *)term};
	if (ix->has_postf && mdb_get(txn, ix->postf, &fk, &vv) == 0 &&
	    seg_header(vv.mv_data, vv.mv_size, &n, &first, &last) == 0)
		df += n;
	if (ix->has_postd && mdb_get(txn, ix->postd, &fk, &vv) == 0 &&
	    seg_header(vv.mv_data, vv.mv_size, &n, &first, &last) == 0)
		df = df > n ? df - n : 0;
	return df;
}
