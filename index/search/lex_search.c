/* lex_search.c - BM25 over the postings, document at a time (see lexical.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/hmap.h"
#include "base/xmalloc.h"
#include "index/search/lexical.h"

#define MAX_QTERMS 64
#define BM25_K1 1.2
#define BM25_B 0.75
struct qterm {
	char *term;
	size_t len;
	double qw;     /* occurrences in the query, a context occurrence counting its weight */
	int stop;
	int own;       /* occurs in the query itself, not only in its context */
	uint64_t *ids;
	uint32_t *tfs;
	size_t n, cap, ctf, pos;
	double weight; /* lex_weight times qw */
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

/* The burstiness's power and cap, on SciFact (nDCG@10 of BM25 over whole abstracts in a
 * Python model of this search, all train claims; even / odd halves as in rerank.c): plain
 * IDF 0.693; (cf/df)^0.25 0.699, ^0.5 0.702 (0.724 / 0.680), ^0.75 0.700, ^1 0.695; a cap of 4
 * 0.700, 8 or 16 0.702; Church and Gale's residual IDF instead 0.697-0.699. In footnote itself
 * (chunks, its tokenizer): lexical 0.7004 -> 0.7036, see rerank.c for the rest. */
double lex_weight(double n, double df, double cf)
{
	double idf = log(1.0 + (n - df + 0.5) / (df + 0.5));
	if (df <= 0 || cf <= 0)
		return idf;
	double burst = cf / df;
	return idf * sqrt(burst < LEX_BURST_MAX ? burst : LEX_BURST_MAX);
}

static void stats_put(struct lex_stats *st, const char *term, size_t len, double df, double cf)
{
	int isnew;
	size_t *slot = strmap_put(&st->m, term, len, &isnew);
	if (isnew) {
		st->df = xgrow(st->df, &st->capd, st->n + 1, sizeof *st->df);
		st->cf = xgrow(st->cf, &st->capc, st->n + 1, sizeof *st->cf);
		*slot = st->n++;
	}
	st->df[*slot] = df;
	st->cf[*slot] = cf;
}

struct count {
	double df, cf;
};

static void on_count(void *ctx, uint64_t id, uint32_t tf)
{
	(void)id;
	struct count *c = ctx;
	c->df++;
	c->cf += tf;
}

void lex_stat(MDB_txn *txn, idx *ix, struct lex_stats *st, const char *term, size_t len,
	      double *df, double *cf)
{
	const size_t *slot = st ? strmap_get(&st->m, term, len) : NULL;
	if (slot) {
		*df = st->df[*slot];
		*cf = st->cf[*slot];
		return;
	}
	/* Read like lex_search reads them; a read error leaves what was counted (0 at worst:
	 * the weight is then plain IDF of an unseen term). */
	struct count c = {0, 0};
	MDB_cursor *cur;
	if (mdb_cursor_open(txn, ix->post, &cur) == 0) {
		lex_postings(txn, ix, cur, term, len, on_count, &c);
		mdb_cursor_close(cur);
	}
	*df = c.df;
	*cf = c.cf;
	if (st)
		stats_put(st, term, len, c.df, c.cf);
}

void lex_stats_free(struct lex_stats *st)
{
	strmap_free(&st->m);
	free(st->df);
	free(st->cf);
	memset(st, 0, sizeof *st);
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
	       const struct sfilter *f, size_t k, struct lex_stats *st, struct scored **out, size_t *nout)
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
	size_t nt = 0, at;
	for (at = 0; at < q->n && !rc; at++) {
		size_t i = at;
		if (q->v[i].stop && !keep_stop) {
			free(q->v[i].term);
			continue;
		}
		q->v[nt] = q->v[i];
		struct qterm *qt = &q->v[nt];
		rc = lex_postings(txn, ix, c, qt->term, qt->len, on_qposting, qt);
		double df = (double)qt->n, cf = 0;
		for (size_t j = 0; j < qt->n; j++)
			cf += qt->tfs[j];
		if (st && !rc)
			stats_put(st, qt->term, qt->len, df, cf);
		if (qt->n == 0) {
			free(qt->term);
			free(qt->ids);
			free(qt->tfs);
			continue;
		}
		/* The context's words weigh their burstiness too: a follow-up's recall@10 on
		 * SciFact (tests/bench/conv_bench.c) is 0.675 so, 0.600 with their plain IDF. */
		qt->weight = lex_weight(N, df, cf) * qt->qw;
		nt++;
	}
	for (; at < q->n; at++) /* the terms an error left unread */
		free(q->v[at].term);
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
					score += qt->weight * tf * (BM25_K1 + 1) / (tf + norm);
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

