/* lexical.c - postings segments, batched updates and BM25 search (see lexical.h). */
#include "index/search/lexical.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "base/hmap.h"

#define SEG_HDR 20     /* u32 n, u64 first, u64 last */
#define SEG_MAX 4000   /* a segment closes at about one overflow page */
#define MAX_QTERMS 64
#define BM25_K1 1.2
#define BM25_B 0.75

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

static int put_seg(MDB_txn *txn, idx *ix, struct buf *k, const char *term, size_t len, struct seg *s)
{
	seg_finish(s);
	seg_key(k, term, len, s->first);
	MDB_val kv = {k->len, k->p}, vv = {s->len, s->p};
	return mdb_put(txn, ix->post, &kv, &vv, 0);
}

static int term_exists(MDB_cursor *c, struct buf *k, const char *term, size_t len)
{
	seg_key(k, term, len, 0);
	MDB_val kv = {k->len, k->p}, vv;
	return mdb_cursor_get(c, &kv, &vv, MDB_SET_RANGE) == 0 && is_seg_of(&kv, term, len);
}

static int apply_term(MDB_txn *txn, idx *ix, MDB_cursor *c, const char *term, size_t len,
		      struct lterm *lt, struct buf *k, struct seg *s, int64_t *dterms)
{
	int rc = 0;
	int existed = term_exists(c, k, term, len);
	if (lt->ndel && existed) {
		qsort(lt->del, lt->ndel, sizeof *lt->del, cmp_u64);
		/* Collect the keys of the segments that hold a deleted id, then rewrite them. */
		struct buf touched = {0};
		size_t ntouched = 0;
		seg_key(k, term, len, 0);
		MDB_val kv = {k->len, k->p}, vv;
		for (rc = mdb_cursor_get(c, &kv, &vv, MDB_SET_RANGE); rc == 0 && is_seg_of(&kv, term, len);
		     rc = mdb_cursor_get(c, &kv, &vv, MDB_NEXT)) {
			uint32_t n;
			uint64_t first, last;
			if (seg_header(vv.mv_data, vv.mv_size, &n, &first, &last)) {
				rc = MDB_CORRUPTED;
				break;
			}
			if (has_in_range(lt->del, lt->ndel, first, last)) {
				buf_add(&touched, kv.mv_data, kv.mv_size);
				ntouched++;
			}
		}
		if (rc == MDB_NOTFOUND || rc == 0)
			rc = 0;
		for (size_t i = 0; i < ntouched && !rc; i++) {
			MDB_val tk = {len + 9, touched.p + i * (len + 9)}, tv;
			rc = mdb_get(txn, ix->post, &tk, &tv);
			if (rc)
				break;
			seg_start(s);
			struct filt f = {s, lt->del, lt->ndel};
			if (lex_segment_each(tv.mv_data, tv.mv_size, on_keep, &f)) {
				rc = MDB_CORRUPTED;
				break;
			}
			uint64_t oldfirst = be64_get((const unsigned char *)tk.mv_data + len + 1);
			if (s->n == 0 || s->first != oldfirst)
				rc = mdb_del(txn, ix->post, &tk, NULL);
			if (!rc && s->n)
				rc = put_seg(txn, ix, k, term, len, s);
		}
		buf_free(&touched);
		if (rc)
			return rc;
	}
	if (lt->nadd) {
		/* The last segment of the term: the one before term "\0" be64(max). */
		seg_key(k, term, len, UINT64_MAX);
		MDB_val kv = {k->len, k->p}, vv;
		rc = mdb_cursor_get(c, &kv, &vv, MDB_SET_RANGE);
		if (rc == 0)
			rc = mdb_cursor_get(c, &kv, &vv, MDB_PREV);
		else if (rc == MDB_NOTFOUND)
			rc = mdb_cursor_get(c, &kv, &vv, MDB_LAST);
		size_t i = 0;
		if (rc == 0 && is_seg_of(&kv, term, len) && vv.mv_size < SEG_MAX) {
			s->p = xgrow(s->p, &s->cap, vv.mv_size, 1);
			memcpy(s->p, vv.mv_data, vv.mv_size);
			s->len = vv.mv_size;
			if (seg_header(s->p, s->len, &s->n, &s->first, &s->last))
				return MDB_CORRUPTED;
			if (lt->add[0] <= s->last)
				return MDB_CORRUPTED; /* ids must only grow */
			while (i < lt->nadd && s->len < SEG_MAX) {
				seg_append(s, lt->add[i], lt->tf[i]);
				i++;
			}
			if ((rc = put_seg(txn, ix, k, term, len, s)))
				return rc;
		} else if (rc && rc != MDB_NOTFOUND) {
			return rc;
		}
		while (i < lt->nadd) {
			seg_start(s);
			while (i < lt->nadd && s->len < SEG_MAX) {
				seg_append(s, lt->add[i], lt->tf[i]);
				i++;
			}
			if ((rc = put_seg(txn, ix, k, term, len, s)))
				return rc;
		}
	}
	int exists = lt->nadd ? 1 : existed ? term_exists(c, k, term, len) : 0;
	*dterms += exists - existed;
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
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, ix->post, &c);
	struct buf k = {0};
	struct seg s = {0};
	int64_t dterms = 0;
	for (size_t i = 0; i < nr && !rc; i++)
		rc = apply_term(txn, ix, c, refs[i].term, refs[i].len, &b->v[refs[i].i], &k, &s, &dterms);
	if (!rc)
		mdb_cursor_close(c);
	if (!rc && dterms)
		rc = meta_add(txn, ix, "terms", dterms);
	buf_free(&k);
	free(s.p);
	free(refs);
	return rc;
}

/* ---- BM25 search ---- */
struct qterm {
	char *term;
	size_t len;
	double qw;     /* occurrences in the query, a context occurrence counting its weight */
	int stop;
	int own;       /* occurs in the query itself, not only in its context */
	uint64_t *ids;
	uint32_t *tfs;
	size_t n, cap, ctf, pos;
	double idf;
};

struct qctx {
	struct qterm v[MAX_QTERMS];
	size_t n;
	struct tokenizer *t;
	double weight; /* of the text being read: 1 for the query, less for its context */
	int own;       /* the text being read is the query */
};

static int on_qtoken(void *ctx, const struct token *tk)
{
	struct qctx *q = ctx;
	if (tk->len == 0 || tk->len > 200)
		return 0;
	for (size_t i = 0; i < q->n; i++) {
		if (q->v[i].len == tk->len && memcmp(q->v[i].term, tk->term, tk->len) == 0) {
			q->v[i].qw += q->weight;
			q->v[i].own |= q->own;
			return 0;
		}
	}
	if (q->n == MAX_QTERMS)
		return 1;
	struct qterm *qt = &q->v[q->n++];
	memset(qt, 0, sizeof *qt);
	qt->term = xstrndup(tk->term, tk->len);
	qt->len = tk->len;
	qt->qw = q->weight;
	qt->own = q->own;
	qt->stop = tok_is_stopword(q->t, tk->term, tk->len);
	return 0;
}

static void on_qposting(void *ctx, uint64_t id, uint32_t tf)
{
	struct qterm *qt = ctx;
	qt->ids = xgrow(qt->ids, &qt->cap, qt->n + 1, sizeof *qt->ids);
	qt->tfs = xgrow(qt->tfs, &qt->ctf, qt->n + 1, sizeof *qt->tfs);
	qt->ids[qt->n] = id;
	qt->tfs[qt->n++] = tf;
}

static int load_postings(MDB_cursor *c, struct qterm *qt)
{
	struct buf k = {0};
	seg_key(&k, qt->term, qt->len, 0);
	MDB_val kv = {k.len, k.p}, vv;
	int rc;
	/* The segments first: when the first is not in the page cache, all of them are asked
	 * for at once (the map has no read-around, store.h), then decoded. */
	MDB_val *segs = NULL;
	size_t nseg = 0, cap = 0;
	for (rc = mdb_cursor_get(c, &kv, &vv, MDB_SET_RANGE); rc == 0 && is_seg_of(&kv, qt->term, qt->len);
	     rc = mdb_cursor_get(c, &kv, &vv, MDB_NEXT)) {
		segs = xgrow(segs, &cap, nseg + 1, sizeof *segs);
		segs[nseg++] = vv;
	}
	if (nseg && !store_resident(segs[0].mv_data, segs[0].mv_size))
		for (size_t i = 0; i < nseg; i++)
			store_prefetch(segs[i].mv_data, segs[i].mv_size);
	for (size_t i = 0; i < nseg; i++) {
		if (lex_segment_each(segs[i].mv_data, segs[i].mv_size, on_qposting, qt)) {
			rc = MDB_CORRUPTED;
			break;
		}
	}
	free(segs);
	buf_free(&k);
	return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}

/* A cold cinfo: every block the postings name is asked for before the scoring reads them
 * one after another. */
static void prefetch_cinfo(MDB_txn *txn, idx *ix, const struct qterm *v, size_t nt)
{
	uint64_t first = UINT64_MAX;
	for (size_t i = 0; i < nt; i++)
		if (v[i].n && v[i].ids[0] < first)
			first = v[i].ids[0];
	if (first == UINT64_MAX)
		return;
	unsigned char kb[8];
	be64_put(kb, first / STORE_BLOCK);
	MDB_val kv = {8, kb}, vv;
	if (mdb_get(txn, ix->cinfo, &kv, &vv) != 0 || store_resident(vv.mv_data, vv.mv_size))
		return;
	struct u64map seen = {0};
	for (size_t i = 0; i < nt; i++) {
		for (size_t j = 0; j < v[i].n; j++) {
			int isnew;
			u64map_put(&seen, v[i].ids[j] / STORE_BLOCK, &isnew);
			if (!isnew)
				continue;
			be64_put(kb, v[i].ids[j] / STORE_BLOCK);
			MDB_val k2 = {8, kb};
			if (mdb_get(txn, ix->cinfo, &k2, &vv) == 0)
				store_prefetch(vv.mv_data, vv.mv_size);
		}
	}
	u64map_free(&seen);
}

int lex_search(MDB_txn *txn, idx *ix, struct tokenizer *t, const struct lex_query *lq,
	       const struct sfilter *f, size_t k, struct scored **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	struct qctx *q = xcalloc(1, sizeof *q);
	q->t = t;
	q->weight = 1;
	q->own = 1;
	/* The query's own terms first, so its context can never crowd them out of MAX_QTERMS. */
	tok_each(t, lq->text, strlen(lq->text), on_qtoken, q);
	if (lq->context && lq->context_weight > 0) {
		q->weight = lq->context_weight;
		q->own = 0;
		tok_each(t, lq->context, strlen(lq->context), on_qtoken, q);
	}
	size_t nstop = 0, own = 0;
	for (size_t i = 0; i < q->n; i++) {
		nstop += q->v[i].stop != 0;
		own += q->v[i].own && !q->v[i].stop;
	}
	/* Stopwords add cost and little ranking signal; keep them only when nothing else. */
	int keep_stop = nstop == q->n;
	double N = (double)meta_u64(txn, ix, "chunks");
	double totlen = (double)meta_u64(txn, ix, "totlen");
	double avgdl = N > 0 ? totlen / N : 1;
	MDB_cursor *c = NULL;
	int rc = mdb_cursor_open(txn, ix->post, &c);
	size_t nt = 0;
	for (size_t i = 0; i < q->n && !rc; i++) {
		if (q->v[i].stop && !keep_stop) {
			free(q->v[i].term);
			continue;
		}
		q->v[nt] = q->v[i];
		struct qterm *qt = &q->v[nt];
		rc = load_postings(c, qt);
		if (qt->n == 0) {
			free(qt->term);
			free(qt->ids);
			free(qt->tfs);
			continue;
		}
		double df = (double)qt->n;
		qt->idf = log(1.0 + (N - df + 0.5) / (df + 0.5)) * qt->qw;
		nt++;
	}
	if (c)
		mdb_cursor_close(c);
	/* A query with words of its own that none of the documents has asks about something
	 * else: its context (an earlier topic) must not answer it on its own words alone. A
	 * query of only stopwords ("and why?") is all context, and keeps it. */
	size_t own_found = 0;
	for (size_t i = 0; i < nt; i++)
		own_found += q->v[i].own && !q->v[i].stop;
	if (own && !own_found) {
		for (size_t i = 0; i < nt; i++) {
			free(q->v[i].term);
			free(q->v[i].ids);
			free(q->v[i].tfs);
		}
		nt = 0;
	}
	struct topk top;
	topk_init(&top, k);
	if (!rc)
		prefetch_cinfo(txn, ix, q->v, nt);
	/* Document-at-a-time over the sorted lists, so cinfo blocks are read in order. */
	uint64_t curblk = UINT64_MAX;
	const struct cinfo_block *cb = NULL;
	while (!rc && nt) {
		uint64_t id = UINT64_MAX;
		for (size_t i = 0; i < nt; i++)
			if (q->v[i].pos < q->v[i].n && q->v[i].ids[q->v[i].pos] < id)
				id = q->v[i].ids[q->v[i].pos];
		if (id == UINT64_MAX)
			break;
		uint64_t blk = id / STORE_BLOCK;
		if (blk != curblk) {
			unsigned char kb[8];
			be64_put(kb, blk);
			MDB_val kv = {8, kb}, vv;
			curblk = blk;
			cb = mdb_get(txn, ix->cinfo, &kv, &vv) == 0 && vv.mv_size == sizeof *cb ? vv.mv_data : NULL;
		}
		const struct cinfo *ci = cb ? &cb->c[id % STORE_BLOCK] : NULL;
		int ok = ci && ci->live && sfilter_ok(f, ci->coll, ci->fid);
		double norm = ok ? BM25_K1 * (1 - BM25_B + BM25_B * (double)ci->len / avgdl) : 0;
		double score = 0;
		for (size_t i = 0; i < nt; i++) {
			struct qterm *qt = &q->v[i];
			if (qt->pos < qt->n && qt->ids[qt->pos] == id) {
				if (ok) {
					double tf = qt->tfs[qt->pos];
					score += qt->idf * tf * (BM25_K1 + 1) / (tf + norm);
				}
				qt->pos++;
			}
		}
		if (ok)
			topk_push(&top, id, score);
	}
	for (size_t i = 0; i < nt; i++) {
		free(q->v[i].term);
		free(q->v[i].ids);
		free(q->v[i].tfs);
	}
	free(q);
	if (rc) {
		topk_free(&top);
		return rc;
	}
	topk_sort(&top);
	*out = top.v;
	*nout = top.n;
	return 0;
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
	for (int rc = mdb_cursor_get(c, &kv, &vv, MDB_SET_RANGE); rc == 0 && is_seg_of(&kv, term, len);
	     rc = mdb_cursor_get(c, &kv, &vv, MDB_NEXT)) {
		uint32_t n;
		uint64_t first, last;
		if (seg_header(vv.mv_data, vv.mv_size, &n, &first, &last) == 0)
			df += n;
	}
	mdb_cursor_close(c);
	buf_free(&k);
	return df;
}
