/* rerank.c - the builtin second stage: proximity, phrase, coverage and BM25 features (rerank.h). */
#include "index/search/rerank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/hmap.h"
#include "base/xmalloc.h"
#include "index/search/lexical.h"
#include "index/search/vector.h"
#include "index/text/text.h"

#define RR_MAXQ 32     /* query terms looked at */
#define RR_MAXPOS 64   /* positions kept per term and chunk */
#define GAP_ORDERED 3   /* a pair in order: the second at most this many words after the first */
#define GAP_WINDOW 8    /* a pair in any order within this many words */
/* BM25 recomputed over the candidates with the parameters Anserini uses for BEIR rather than
 * the first stage's (1.2, 0.75): less length normalisation helps a second look at abstracts. */
#define RR_K1 0.9
#define RR_B 0.4

/* The weights, from SciFact's train claims at even places (tests/bench/sci_bench.c with
 * FN_SCI_TUNE=1; the claims at odd places held out), nDCG@10 even / odd:
 *   hybrid, no rerank                                 0.7277 / 0.6770
 *   + bm25 1.0                                         0.7326 / 0.6805
 *   + bm25 1.0, cos 0.5 (the defaults)                 0.7342 / 0.6797
 *   coordinate ascent from there (bigram 0.35, ...)    0.7352 / 0.6798
 * Each proximity, phrase, title or coverage feature alone at 0.1-1.0 (on the fused score)
 * lowered both halves
 * (bigram 0.1: 0.7277 / 0.6687; title 0.1: 0.7133 / 0.6556): SciFact's claims paraphrase
 * their abstracts, so the features stay, weighted 0, for corpora where phrasing matches
 * (tests/unit/test_rerank.c shows each one ordering passages). What the ascent added on
 * top did not carry over to the held-out half, so the defaults keep the simpler set.
 * Relevance feedback (prf 0.1 / 0.3 / 1.0: 0.7330 / 0.6803, 0.7294 / 0.6821, 0.7301 /
 * 0.6810) lowers the tuning half, so it stays at 0 too; top_n 20 / 30 / 40 / 60 / 100:
 * 0.7313, 0.7322, 0.7342, 0.7336, 0.7334 on the tuning half.
 * Then "first" as the first stage's rank, linearly (1 - rank / top_n), instead of its fused
 * score over the best one (RRF scores of ranks 1 and 40 differ by a factor of only 1.6),
 * and one round of coordinate ascent on the tuning half from there:
 *   first 0.35, bm25 1.0, cos 0.1, cover 0.05, span 0.2 (the defaults)   0.7369 / 0.6821
 * (1 / sqrt(1 + rank): 0.7347 / 0.6800; the score cubed: 0.7343 / 0.6805; 1 / (1 + rank):
 * 0.7325 / 0.6822.)
 * Then every query term weighed with its burstiness (lex_weight in lexical.h: IDF times
 * sqrt(cf / df)), the same in the first stage, the embedder's query and here; all / even / odd:
 *   lexical                0.7004 -> 0.7036   (0.7255 / 0.6752 -> 0.7249 / 0.6822)
 *   hybrid                 0.7024 -> 0.7071   (0.7277 / 0.6770 -> 0.7285 / 0.6856)
 *   hybrid + these weights 0.7095 -> 0.7117   (0.7369 / 0.6821 -> 0.7341 / 0.6893)
 * The held-out half gains most (the tuning half chose these weights without it). Only in the
 * first stage and here: 0.7114; only here at power 0.25 / 1.0: 0.7099 / 0.7102; the first
 * stage at 0.3 / 0.75: 0.7107 / 0.7112. Coordinate ascent again from the defaults lifts the
 * tuning half to 0.7423 and lowers the held-out one to 0.6856 (top_n 70, bigram 0.15): the
 * defaults stay. A title's words counted 1 + w times in this BM25 (BM25F-like), w 1 / 2 / 3:
 * 0.7118 / 0.7138 / 0.7113, the tuning half up (0.7405 at 2), the held-out half down (0.6870):
 * not taken. (In the first stage, a Python model of BM25 over whole abstracts gains 0.7022 ->
 * 0.7075 with w 2 on both halves; that would change what the index stores for a first line.)
 * Then "nbr" in place of bm25 (nbr_feature below: each query term's count smoothed with the
 * nearest fellow candidates', by vector cosine); NBR_K / NBR_BETA, all / even / odd:
 *   2 / 0.25  0.7162 (0.7387 / 0.6936)    3 / 0.25  0.7173 (0.7384 / 0.6961)
 *   5 / 0.25  0.7199 (0.7415 / 0.6982)    8 / 0.25  0.7151 (0.7342 / 0.6958)
 *   5 / 0.15, 0.2, 0.3, 0.5, 0.75: even 0.7373, 0.7399, 0.7399, 0.7404, 0.7391
 * (bm25 0.5 beside nbr 0.5 at 3 / 0.25: 0.7132; the cosine squared or to the 4th: even
 * 0.7389; unnormalised neighbour weights: even <= 0.7397.) With more candidates the
 * neighbours are better chosen: top_n 30 / 40 / 50 / 60 / 70 / 80: even 0.7383 / 0.7415 /
 * 0.7402 / 0.7417 / 0.7428 / 0.7412, all 0.7186 / 0.7199 / 0.7193 / 0.7210 / 0.7214 / 0.7215,
 * the rerank's p50 growing ~0.05 ms a candidate: 60 (0.7210, odd 0.7003) is the default, the
 * tuning half's best short of 70's p95 over 5 ms. Coordinate ascent from there lifts the
 * tuning half to 0.7470 and leaves the held-out one at 0.6955-0.6973: not taken. In Python
 * (BM25 over whole abstracts), the same expansion over the corpus's 5 nearest abstracts by
 * TF-IDF cosine, at index time, gains 0.7022 -> 0.7189 in the first stage; over the
 * candidates only, as here, the second stage gains 0.7052 -> 0.7141. */
static const struct idx_rerank_weights defaults = {
	.w = {[RR_FIRST] = 0.35, [RR_BM25] = 0.0, [RR_COS] = 0.1, [RR_COVER] = 0.05, [RR_TITLE] = 0.0,
	      [RR_BIGRAM] = 0.0, [RR_WINDOW] = 0.0, [RR_SPAN] = 0.2, [RR_PRF] = 0.0, [RR_NBR] = 1.0},
	.top_n = 60,
};

const struct idx_rerank_weights *rerank_defaults(void)
{
	return &defaults;
}

struct qterms {
	char *term[RR_MAXQ];
	size_t len[RR_MAXQ];
	double idf[RR_MAXQ];
	double qw[RR_MAXQ];      /* 1 for the query's own terms, less for its context's */
	double weight;           /* of the text being read */
	size_t n;
	size_t seq[RR_MAXQ * 2]; /* the query's terms in order (index into term) */
	size_t nseq;
	struct tokenizer *t;
	int keep_stop;
};

static int on_query_term(void *ctx, const struct token *tk)
{
	struct qterms *q = ctx;
	if (!tk->len || (!q->keep_stop && tok_is_stopword(q->t, tk->term, tk->len)))
		return 0;
	size_t i;
	for (i = 0; i < q->n; i++)
		if (q->len[i] == tk->len && memcmp(q->term[i], tk->term, tk->len) == 0)
			break;
	if (i == q->n) {
		if (q->n == RR_MAXQ)
			return 1;
		q->term[q->n] = xstrndup(tk->term, tk->len);
		q->qw[q->n] = q->weight;
		q->len[q->n++] = tk->len;
	} else if (q->weight > q->qw[i]) {
		q->qw[i] = q->weight;
	}
	if (q->weight >= 1 && q->nseq < RR_MAXQ * 2 && (q->nseq == 0 || q->seq[q->nseq - 1] != i))
		q->seq[q->nseq++] = i;
	return 0;
}

struct cfeat {
	const struct qterms *q;
	size_t pos;                          /* words read */
	uint32_t tf[RR_MAXQ];
	uint32_t np[RR_MAXQ];
	uint32_t p[RR_MAXQ][RR_MAXPOS];
	unsigned char in_title[RR_MAXQ];
	size_t title_end;                    /* bytes of the text that are its title */
	uint32_t *mpos;                      /* every match in order: position, term */
	unsigned char *mterm;
	size_t nm, capm, capt;
};

static int term_index(const struct qterms *q, const struct token *tk)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->len[i] == tk->len && memcmp(q->term[i], tk->term, tk->len) == 0)
			return (int)i;
	return -1;
}

static int on_chunk_term(void *ctx, const struct token *tk)
{
	struct cfeat *f = ctx;
	size_t pos = f->pos++;
	int i = term_index(f->q, tk);
	if (i < 0)
		return 0;
	f->tf[i]++;
	if (f->np[i] < RR_MAXPOS)
		f->p[i][f->np[i]++] = (uint32_t)pos;
	if (tk->byte_start < f->title_end)
		f->in_title[i] = 1;
	f->mpos = xgrow(f->mpos, &f->capm, f->nm + 1, sizeof *f->mpos);
	f->mterm = xgrow(f->mterm, &f->capt, f->nm + 1, sizeof *f->mterm);
	f->mpos[f->nm] = (uint32_t)pos;
	f->mterm[f->nm++] = (unsigned char)i;
	return 0;
}

static int on_heading_term(void *ctx, const struct token *tk)
{
	struct cfeat *f = ctx;
	int i = term_index(f->q, tk);
	if (i >= 0)
		f->in_title[i] = 1;
	return 0;
}

/* Whether a occurs before b by 1..maxgap words (ordered) or within maxgap either way. */
static int pair_near(const struct cfeat *f, size_t a, size_t b, uint32_t maxgap, int ordered)
{
	for (uint32_t x = 0; x < f->np[a]; x++)
		for (uint32_t y = 0; y < f->np[b]; y++) {
			int64_t d = (int64_t)f->p[b][y] - (int64_t)f->p[a][x];
			if (ordered ? d >= 1 && d <= maxgap : d >= -(int64_t)maxgap && d <= maxgap)
				return 1;
		}
	return 0;
}

/* The fewest consecutive words holding every matched term, as (matched - 1) / (span - 1). */
static double span_feature(const struct cfeat *f, size_t matched)
{
	if (matched < 2)
		return 0;
	uint32_t cnt[RR_MAXQ] = {0};
	size_t have = 0, lo = 0;
	uint32_t best = UINT32_MAX;
	for (size_t hi = 0; hi < f->nm; hi++) {
		if (cnt[f->mterm[hi]]++ == 0)
			have++;
		while (have == matched) {
			uint32_t s = f->mpos[hi] - f->mpos[lo] + 1;
			if (s < best)
				best = s;
			if (--cnt[f->mterm[lo++]] == 0)
				have--;
		}
	}
	return best == UINT32_MAX ? 0 : (double)(matched - 1) / (double)(best - 1 ? best - 1 : 1);
}

struct rr_row {
	double f[RR_NFEAT];
	uint32_t tf[RR_MAXQ]; /* each query term's count */
	size_t len;           /* words */
	int ok, has_vec;
};

static void features(MDB_txn *txn, idx *ix, const struct qterms *q, double avgdl, const float *qv,
		     int dim, float *vbuf, uint64_t id, struct rr_row *row)
{
	struct chunk_rec cr;
	const char *heading, *text;
	memset(row, 0, sizeof *row);
	if (chunk_get(txn, ix, id, &cr, &heading, &text) != 0)
		return;
	struct cfeat *f = xcalloc(1, sizeof *f);
	f->q = q;
	if (cr.line_start <= 1) {
		const char *nl = memchr(text, '\n', cr.text_len);
		f->title_end = nl ? (size_t)(nl - text) : 0;
	}
	tok_each(q->t, text, cr.text_len, on_chunk_term, f);
	if (cr.heading_len)
		tok_each(q->t, heading, cr.heading_len, on_heading_term, f);
	double idfsum = 0, cover = 0, title = 0, bm25 = 0;
	double norm = RR_K1 * (1 - RR_B + RR_B * (double)f->pos / avgdl);
	size_t matched = 0;
	for (size_t i = 0; i < q->n; i++) {
		idfsum += q->idf[i];
		if (f->tf[i]) {
			matched++;
			cover += q->idf[i];
			bm25 += q->idf[i] * f->tf[i] * (RR_K1 + 1) / (f->tf[i] + norm);
		}
		if (f->in_title[i])
			title += q->idf[i];
	}
	double pw = 0, ord = 0, win = 0;
	for (size_t j = 0; j + 1 < q->nseq; j++) {
		size_t a = q->seq[j], b = q->seq[j + 1];
		double w = (q->idf[a] + q->idf[b]) / 2;
		pw += w;
		if (!f->tf[a] || !f->tf[b])
			continue;
		if (pair_near(f, a, b, GAP_ORDERED, 1))
			ord += w;
		if (pair_near(f, a, b, GAP_WINDOW, 0))
			win += w;
	}
	row->f[RR_BM25] = bm25;
	row->f[RR_COVER] = idfsum > 0 ? cover / idfsum : 0;
	row->f[RR_TITLE] = idfsum > 0 ? title / idfsum : 0;
	row->f[RR_BIGRAM] = pw > 0 ? ord / pw : 0;
	row->f[RR_WINDOW] = pw > 0 ? win / pw : 0;
	row->f[RR_SPAN] = span_feature(f, matched) * row->f[RR_COVER];
	memcpy(row->tf, f->tf, sizeof row->tf);
	row->has_vec = vbuf && vec_get(txn, ix, id, dim, vbuf) == 0;
	if (qv && row->has_vec) {
		double dot = 0, nn = 0;
		for (int d = 0; d < dim; d++) {
			dot += (double)qv[d] * vbuf[d];
			nn += (double)vbuf[d] * vbuf[d];
		}
		row->f[RR_COS] = nn > 0 ? dot / sqrt(nn) : 0;
	}
	row->len = f->pos;
	row->ok = 1;
	free(f->mpos);
	free(f->mterm);
	free(f);
}

/* ---- relevance feedback over the candidates ---- */
#define PRF_DOCS 5    /* best candidates the terms come from */
#define PRF_POOL 40   /* terms looked up in the index, most frequent first */
#define PRF_TERMS 10  /* terms kept, by frequency times IDF */

struct prf {
	struct strmap map;  /* term -> index into the arrays below */
	double *w;
	char **term;
	size_t *len;
	size_t n, cap, capt, capl;
	double doc_w; /* of the chunk being read: its weight over its length */
	const struct qterms *q;
};

static int on_prf_term(void *ctx, const struct token *tk)
{
	struct prf *p = ctx;
	if (tk->len < 3 || tk->len > 40 || tok_is_stopword(p->q->t, tk->term, tk->len) || term_index(p->q, tk) >= 0)
		return 0;
	int isnew;
	size_t *slot = strmap_put(&p->map, tk->term, tk->len, &isnew);
	if (isnew) {
		*slot = p->n;
		p->w = xgrow(p->w, &p->cap, p->n + 1, sizeof *p->w);
		p->term = xgrow(p->term, &p->capt, p->n + 1, sizeof *p->term);
		p->len = xgrow(p->len, &p->capl, p->n + 1, sizeof *p->len);
		p->w[p->n] = 0;
		p->term[p->n] = xstrndup(tk->term, tk->len);
		p->len[p->n++] = tk->len;
	}
	p->w[*slot] += p->doc_w;
	return 0;
}

struct wterm {
	size_t i;
	double w;
};

static int cmp_wterm(const void *a, const void *b)
{
	const struct wterm *x = a, *y = b;
	return x->w != y->w ? (x->w < y->w ? 1 : -1) : (x->i > y->i) - (x->i < y->i);
}

/* The expansion terms from the chunks best[0..nb) (weights 1, 1/2, ...), into e (their
 * weight in the feedback times IDF as e->idf). */
static void prf_terms(MDB_txn *txn, idx *ix, const struct qterms *q, const uint64_t *best, const size_t *lens,
		      size_t nb, double N, struct qterms *e)
{
	struct prf p = {.q = q};
	for (size_t r = 0; r < nb; r++) {
		struct chunk_rec cr;
		const char *heading, *text;
		if (chunk_get(txn, ix, best[r], &cr, &heading, &text) != 0 || !lens[r])
			continue;
		p.doc_w = 1.0 / (double)(r + 1) / (double)lens[r];
		tok_each(q->t, text, cr.text_len, on_prf_term, &p);
	}
	struct wterm *v = xmalloc((p.n + 1) * sizeof *v);
	for (size_t i = 0; i < p.n; i++)
		v[i] = (struct wterm){i, p.w[i]};
	qsort(v, p.n, sizeof *v, cmp_wterm);
	size_t pool = p.n < PRF_POOL ? p.n : PRF_POOL;
	double maxw = pool ? v[0].w : 1;
	for (size_t i = 0; i < pool; i++) {
		size_t k = v[i].i;
		double df = (double)lex_df(txn, ix, p.term[k], p.len[k]);
		/* A term in one chunk only is that chunk's, not the topic's. */
		v[i].w = df >= 2 ? v[i].w / maxw * lex_weight(N, df, 0) : 0;
	}
	qsort(v, pool, sizeof *v, cmp_wterm);
	e->t = q->t;
	for (size_t i = 0; i < pool && e->n < PRF_TERMS && v[i].w > 0; i++) {
		size_t k = v[i].i;
		e->term[e->n] = xstrndup(p.term[k], p.len[k]);
		e->len[e->n] = p.len[k];
		e->idf[e->n++] = v[i].w;
	}
	free(v);
	for (size_t i = 0; i < p.n; i++)
		free(p.term[i]);
	free(p.term);
	free(p.len);
	free(p.w);
	strmap_free(&p.map);
}

struct sortable {
	struct rr_cand c;
	size_t order;
};

static int cmp_sortable(const void *a, const void *b)
{
	const struct sortable *x = a, *y = b;
	if (x->c.score != y->c.score)
		return x->c.score < y->c.score ? 1 : -1;
	return (x->order > y->order) - (x->order < y->order);
}

/* RR_PRF: the candidates ranked by the other features, terms from the best PRF_DOCS, and
 * each candidate's BM25 over those terms (over the best candidate's). */
static void prf_feature(MDB_txn *txn, idx *ix, const struct qterms *q, double N, double avgdl,
			const struct idx_rerank_weights *w, const struct rr_cand *c, struct rr_row *rows, size_t n)
{
	double maxbm = 0;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].f[RR_BM25] > maxbm)
			maxbm = rows[i].f[RR_BM25];
	}
	struct wterm *v = xmalloc(n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = (struct wterm){i, rows[i].ok ? w->w[RR_FIRST] * (1.0 - (double)i / (double)n) +
						       w->w[RR_BM25] * (maxbm > 0 ? rows[i].f[RR_BM25] / maxbm : 0)
						    : -1};
	qsort(v, n, sizeof *v, cmp_wterm);
	uint64_t best[PRF_DOCS];
	size_t lens[PRF_DOCS], nb = 0;
	for (size_t i = 0; i < n && nb < PRF_DOCS; i++)
		if (rows[v[i].i].ok) {
			best[nb] = c[v[i].i].id;
			lens[nb++] = rows[v[i].i].len;
		}
	free(v);
	struct qterms e = {0};
	prf_terms(txn, ix, q, best, lens, nb, N, &e);
	double maxp = 0;
	struct rr_row tmp;
	for (size_t i = 0; i < n && e.n; i++) {
		if (!rows[i].ok)
			continue;
		features(txn, ix, &e, avgdl, NULL, 0, NULL, c[i].id, &tmp);
		rows[i].f[RR_PRF] = tmp.f[RR_BM25];
		if (tmp.f[RR_BM25] > maxp)
			maxp = tmp.f[RR_BM25];
	}
	for (size_t i = 0; i < n; i++)
		rows[i].f[RR_PRF] = maxp > 0 ? rows[i].f[RR_PRF] / maxp : 0;
	for (size_t i = 0; i < e.n; i++)
		free(e.term[i]);
}

/* ---- BM25 over counts smoothed with the nearest candidates' ---- */
#define NBR_K 5       /* nearest fellow candidates */
#define NBR_BETA 0.25 /* their share of a count */

static float dotf(const float *a, const float *b, int dim)
{
	float s[8] = {0};
	int d = 0;
	for (; d + 8 <= dim; d += 8)
		for (int l = 0; l < 8; l++)
			s[l] += a[d + l] * b[d + l];
	for (; d < dim; d++)
		s[0] += a[d] * b[d];
	return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* RR_NBR: each candidate's BM25 with every query term's count raised by NBR_BETA times the
 * rate its NBR_K nearest fellow candidates (by the cosine of their vectors, weighted by it)
 * hold the term at, over the candidate's own length: document expansion (Tao et al., "Language
 * model information retrieval with document expansion", 2006) over the candidates only, so a
 * chunk that words a claim differently than its neighbours still gets their terms. With no
 * vectors (vecs NULL) it is plain BM25. */
static void nbr_feature(const struct qterms *q, double avgdl, struct rr_row *rows, float *vecs, int dim,
			size_t n)
{
	float *sim = vecs ? xmalloc(n * n * sizeof *sim) : NULL;
	for (size_t i = 0; sim && i < n; i++) {
		float *vi = vecs + i * (size_t)dim;
		if (!rows[i].has_vec || vec_normalize(vi, dim) != 0)
			rows[i].has_vec = 0;
	}
	for (size_t i = 0; sim && i < n; i++) {
		sim[i * n + i] = 0;
		for (size_t j = i + 1; j < n; j++) {
			float v = rows[i].has_vec && rows[j].has_vec
					  ? dotf(vecs + i * (size_t)dim, vecs + j * (size_t)dim, dim)
					  : 0;
			sim[i * n + j] = sim[j * n + i] = v;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct rr_row *r = &rows[i];
		if (!r->ok)
			continue;
		size_t nb[NBR_K], m = 0;
		const float *si = sim ? sim + i * n : NULL;
		for (size_t j = 0; si && j < n; j++) {
			/* The NBR_K most similar, best first, by insertion. */
			if (j == i || si[j] <= 0 || !rows[j].ok || !rows[j].len ||
			    (m == NBR_K && si[j] <= si[nb[NBR_K - 1]]))
				continue;
			size_t p = m < NBR_K ? m++ : NBR_K - 1;
			for (; p > 0 && si[nb[p - 1]] < si[j]; p--)
				nb[p] = nb[p - 1];
			nb[p] = j;
		}
		double z = 0;
		for (size_t a = 0; a < m; a++)
			z += si[nb[a]];
		double norm = RR_K1 * (1 - RR_B + RR_B * (double)r->len / avgdl), bm25 = 0;
		for (size_t t = 0; t < q->n; t++) {
			double rate = 0;
			for (size_t a = 0; a < m; a++)
				rate += si[nb[a]] * rows[nb[a]].tf[t] / (double)rows[nb[a]].len;
			double tf = r->tf[t] + (z > 0 ? NBR_BETA * rate / z * (double)r->len : 0);
			if (tf > 0)
				bm25 += q->idf[t] * tf * (RR_K1 + 1) / (tf + norm);
		}
		r->f[RR_NBR] = bm25;
	}
	free(sim);
}

void rerank_run(MDB_txn *txn, idx *ix, struct tokenizer *t, const char *query, const char *context,
		double context_weight, const float *qv, int dim, const struct idx_rerank_weights *w,
		struct lex_stats *st, struct rr_cand *c, size_t n)
{
	if (!n)
		return;
	if (!w)
		w = &defaults;
	struct qterms q = {.t = t, .weight = 1};
	tok_each(t, query, strlen(query), on_query_term, &q);
	if (!q.n) {
		/* Only stopwords: they are the terms. */
		q.keep_stop = 1;
		tok_each(t, query, strlen(query), on_query_term, &q);
		q.keep_stop = 0;
	}
	if (context && context_weight > 0) {
		q.weight = context_weight;
		tok_each(t, context, strlen(context), on_query_term, &q);
	}
	double N = (double)meta_u64(txn, ix, "chunks");
	double totlen = (double)meta_u64(txn, ix, "totlen");
	double avgdl = N > 0 && totlen > 0 ? totlen / N : 1;
	for (size_t i = 0; i < q.n; i++) {
		double df, cf;
		lex_stat(txn, ix, st, q.term[i], q.len[i], &df, &cf);
		q.idf[i] = lex_weight(N, df, cf) * q.qw[i];
	}
	struct rr_row *rows = xcalloc(n, sizeof *rows);
	float *vbuf = qv && dim > 0 ? xmalloc(n * (size_t)dim * sizeof *vbuf) : NULL;
	for (size_t i = 0; i < n; i++)
		features(txn, ix, &q, avgdl, vbuf ? qv : NULL, dim, vbuf ? vbuf + i * (size_t)dim : NULL, c[i].id,
			 &rows[i]);
	if (w->w[RR_NBR] > 0)
		nbr_feature(&q, avgdl, rows, vbuf, dim, n);
	if (w->w[RR_PRF] > 0)
		prf_feature(txn, ix, &q, N, avgdl, w, c, rows, n);
	/* Scores that are not already in [0, 1] are scaled over the candidates. */
	double maxbm = 0, maxnb = 0, mincos = INFINITY, maxcos = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].ok)
			continue;
		if (rows[i].f[RR_BM25] > maxbm)
			maxbm = rows[i].f[RR_BM25];
		if (rows[i].f[RR_NBR] > maxnb)
			maxnb = rows[i].f[RR_NBR];
		if (rows[i].f[RR_COS] < mincos)
			mincos = rows[i].f[RR_COS];
		if (rows[i].f[RR_COS] > maxcos)
			maxcos = rows[i].f[RR_COS];
	}
	struct sortable *s = xmalloc(n * sizeof *s);
	for (size_t i = 0; i < n; i++) {
		struct rr_row *r = &rows[i];
		s[i].c = c[i];
		s[i].order = i;
		if (!r->ok) {
			s[i].c.score = -INFINITY;
			continue;
		}
		/* The first stage's rank, linearly: its fused scores bunch together too much. */
		r->f[RR_FIRST] = 1.0 - (double)i / (double)n;
		r->f[RR_BM25] = maxbm > 0 ? r->f[RR_BM25] / maxbm : 0;
		r->f[RR_NBR] = maxnb > 0 ? r->f[RR_NBR] / maxnb : 0;
		r->f[RR_COS] = maxcos > mincos ? (r->f[RR_COS] - mincos) / (maxcos - mincos) : 0;
		double score = 0;
		for (int k = 0; k < RR_NFEAT; k++)
			score += w->w[k] * r->f[k];
		s[i].c.score = score;
	}
	qsort(s, n, sizeof *s, cmp_sortable);
	for (size_t i = 0; i < n; i++)
		c[i] = s[i].c;
	free(s);
	free(vbuf);
	free(rows);
	for (size_t i = 0; i < q.n; i++)
		free(q.term[i]);
}
