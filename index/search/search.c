/* search.c - idx_search: lexical and vector retrieval, fusion, per-file cap, hits (see
 * idx.h); plus the snippets of search.h. Top-k and fusion are topk.c and fuse.c. */
#include "index/search/search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "index/search/embed_builtin.h"
#include "base/hmap.h"
#include "index/idx.h"
#include "index/search/lexical.h"
#include "index/search/rerank.h"
#include "index/search/ties.h"
#include "index/store/store.h"
#include "index/text/text.h"
#include "index/search/vector.h"

/* ---- snippets ---- */
struct qset {
	char **terms;
	size_t *lens;
	size_t n, cap, capl;
};

static int on_qterm(void *ctx, const struct token *tk)
{
	struct qset *q = ctx;
	for (size_t i = 0; i < q->n; i++)
		if (q->lens[i] == tk->len && memcmp(q->terms[i], tk->term, tk->len) == 0)
			return 0;
	if (q->n >= 64)
		return 1;
	q->terms = xgrow(q->terms, &q->cap, q->n + 1, sizeof *q->terms);
	q->lens = xgrow(q->lens, &q->capl, q->n + 1, sizeof *q->lens);
	q->terms[q->n] = xstrndup(tk->term, tk->len);
	q->lens[q->n++] = tk->len;
	return 0;
}

struct marks {
	const struct qset *q;
	size_t *pos;
	size_t n, cap;
};

static int on_textterm(void *ctx, const struct token *tk)
{
	struct marks *m = ctx;
	for (size_t i = 0; i < m->q->n; i++) {
		if (m->q->lens[i] == tk->len && memcmp(m->q->terms[i], tk->term, tk->len) == 0) {
			m->pos = xgrow(m->pos, &m->cap, m->n + 1, sizeof *m->pos);
			m->pos[m->n++] = tk->byte_start;
			break;
		}
	}
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

char *snippet_make(struct tokenizer *t, const char *text, size_t len, const char *query, size_t width)
{
	struct qset q = {0};
	if (t && query)
		tok_each(t, query, strlen(query), on_qterm, &q);
	struct marks m = {&q, NULL, 0, 0};
	if (t && q.n)
		tok_each(t, text, len, on_textterm, &m);
	/* The window of `width` bytes holding the most matches, then centred on them. */
	size_t start = 0;
	if (m.n) {
		size_t best = 0, bestc = 0, j = 0;
		for (size_t i = 0; i < m.n; i++) {
			if (j < i)
				j = i;
			while (j + 1 < m.n && m.pos[j + 1] - m.pos[i] < width * 2 / 3)
				j++;
			if (j - i + 1 > bestc) {
				bestc = j - i + 1;
				best = i;
			}
		}
		size_t span_end = m.pos[best];
		for (size_t i = best; i < m.n && m.pos[i] - m.pos[best] < width * 2 / 3; i++)
			span_end = m.pos[i];
		size_t span = span_end - m.pos[best];
		size_t lead = span < width ? (width - span) / 3 : 0;
		start = m.pos[best] > lead ? m.pos[best] - lead : 0;
		/* Begin at a word. */
		if (start > 0) {
			size_t s = start;
			while (s < m.pos[best] && !is_space((unsigned char)text[s - 1]))
				s++;
			start = s;
		}
	}
	while (start < len && is_cont((unsigned char)text[start]))
		start++;
	while (start < len && is_space((unsigned char)text[start]))
		start++;
	struct buf out = {0};
	if (start > 0)
		buf_adds(&out, "… ");
	size_t chars = 0, i = start, last_space_out = 0, last_space_in = 0;
	int pending_space = 0;
	while (i < len && chars < width) {
		unsigned char c = (unsigned char)text[i];
		if (is_space(c)) {
			pending_space = 1;
			i++;
			continue;
		}
		if (pending_space) {
			last_space_out = out.len;
			last_space_in = i;
			buf_addc(&out, ' ');
			chars++;
			pending_space = 0;
		}
		uint32_t cp;
		int n = utf8_decode(text + i, len - i, &cp);
		if (n <= 0)
			n = 1;
		buf_add(&out, text + i, (size_t)n);
		i += (size_t)n;
		chars++;
	}
	while (i < len && is_space((unsigned char)text[i]))
		i++;
	if (i < len) {
		/* Cut at the last word boundary rather than mid-word. */
		if (last_space_out > out.len / 2 && last_space_in > start) {
			out.len = last_space_out;
			out.p[out.len] = '\0';
		}
		buf_adds(&out, " …");
	}
	for (size_t k = 0; k < q.n; k++)
		free(q.terms[k]);
	free(q.terms);
	free(q.lens);
	free(m.pos);
	return buf_detach(&out);
}

/* ---- idx_search ---- */
struct idfctx {
	MDB_txn *txn;
	idx *ix;
	struct tokenizer *t;
	struct lex_stats *st;
	double n;
	double idf;
};

static int on_idf_term(void *ctx, const struct token *tk)
{
	struct idfctx *c = ctx;
	if (tok_is_stopword(c->t, tk->term, tk->len)) {
		c->idf = 0;
		return 1;
	}
	double df, cf;
	lex_stat(c->txn, c->ix, c->st, tk->term, tk->len, &df, &cf);
	c->idf = lex_weight(c->n, df, cf);
	return 1;
}

/* The builtin embedder's query words weighted as lex_search weighs them. */
static float word_idf(void *ctx, const char *word, size_t len)
{
	struct idfctx *c = ctx;
	c->idf = 1;
	tok_each(c->t, word, len, on_idf_term, c);
	return (float)c->idf;
}

/* The builtin embedder's query vector: the query's words weighted by lex_weight in this
 * index, plus the vectors of the best lexical hits (see embed_builtin.h). */
static void builtin_query(MDB_txn *txn, idx *ix, struct tokenizer *t, struct lex_stats *st,
			  const char *lang, const char *text, const struct scored *lex, size_t nlex, float *qv)
{
	struct tokenizer *et = strcmp(lang, "english") == 0 ? t : tok_new("english");
	struct idfctx ic = {txn, ix, t, st, (double)meta_u64(txn, ix, "chunks"), 0};
	embed_builtin_weighted(et, text, qv, word_idf, &ic);
	if (et != t)
		tok_free(et);
	/* The n-th hit weighs 1/n; hits with equal scores share their weights, and a tie at the
	 * cut comes in whole, so the query does not depend on how ties happen to be ordered
	 * (by chunk id, which differs between an index built in steps and a clean one). */
	size_t end = nlex < EMBED_BUILTIN_FEEDBACK ? nlex : EMBED_BUILTIN_FEEDBACK;
	while (end && end < nlex && lex[end].score == lex[end - 1].score)
		end++;
	float fb[EMBED_BUILTIN_DIM], v[EMBED_BUILTIN_DIM];
	memset(fb, 0, sizeof fb);
	size_t got = 0;
	for (size_t a = 0, b; a < end; a = b) {
		float w = 0;
		for (b = a; b < end && lex[b].score == lex[a].score; b++)
			w += 1.0f / (float)(b + 1);
		w /= (float)(b - a);
		for (size_t i = a; i < b; i++) {
			if (vec_get(txn, ix, lex[i].id, EMBED_BUILTIN_DIM, v) != 0)
				continue;
			got++;
			for (int j = 0; j < EMBED_BUILTIN_DIM; j++)
				fb[j] += w * v[j];
		}
	}
	if (!got)
		return;
	vec_normalize(fb, EMBED_BUILTIN_DIM);
	for (int j = 0; j < EMBED_BUILTIN_DIM; j++)
		qv[j] += fb[j];
	vec_normalize(qv, EMBED_BUILTIN_DIM);
}

static int fill_hit(MDB_txn *txn, idx *ix, struct tokenizer *t, const char *query, uint64_t id,
		    struct idx_hit *h)
{
	struct chunk_rec cr;
	const char *heading, *text;
	int rc = chunk_get(txn, ix, id, &cr, &heading, &text);
	if (rc)
		return rc;
	memset(h, 0, sizeof *h);
	h->chunk = id;
	h->line_start = cr.line_start;
	h->line_end = cr.line_end;
	h->page = cr.page;
	h->heading = xstrndup(heading, cr.heading_len);
	h->text = xstrndup(text, cr.text_len);
	h->snippet = snippet_make(t, h->text, cr.text_len, query, 160);
	h->path = fid_path(txn, ix, cr.fid);
	if (!h->path)
		h->path = xstrdup("");
	struct file_rec fr;
	char coll[256] = "";
	if (files_get(txn, ix, h->path, &fr, NULL) == 0) {
		h->content_hash = fr.hash;
		coll_name(txn, ix, fr.coll, coll, sizeof coll);
	}
	h->collection = xstrdup(coll);
	return 0;
}

static uint32_t fid_of(MDB_txn *txn, idx *ix, uint64_t id)
{
	unsigned char kb[8];
	be64_put(kb, id / STORE_BLOCK);
	MDB_val k = {8, kb}, v;
	if (mdb_get(txn, ix->cinfo, &k, &v) != 0 || v.mv_size != sizeof(struct cinfo_block))
		return 0;
	const struct cinfo_block *b = v.mv_data;
	return b->c[id % STORE_BLOCK].fid;
}

/* Reorders the fused list's best top_n by the builtin reranker; the rest keep their order. */
static void second_stage(MDB_txn *txn, idx *ix, struct tokenizer *t, struct lex_stats *st,
			 const struct idx_query *q, const float *qv, int dim, struct fused *fu, size_t nf)
{
	const struct idx_rerank_weights *w = q->rerank_weights ? q->rerank_weights : rerank_defaults();
	size_t n = w->top_n ? w->top_n : rerank_defaults()->top_n;
	if (n > nf)
		n = nf;
	struct rr_cand *c = xmalloc(n * sizeof *c);
	struct fused *keep = xmalloc(n * sizeof *keep);
	for (size_t i = 0; i < n; i++) {
		c[i] = (struct rr_cand){fu[i].id, i, fu[i].score, 0};
		keep[i] = fu[i];
	}
	rerank_run(txn, ix, t, q->text, q->context,
		   q->context_weight > 0 ? q->context_weight : IDX_CONTEXT_WEIGHT, qv, dim, w, st, c, n);
	for (size_t i = 0; i < n; i++)
		fu[i] = keep[c[i].slot];
	free(keep);
	free(c);
}

void idx_hits_free(struct idx_hits *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].path);
		free(h->v[i].collection);
		free(h->v[i].heading);
		free(h->v[i].snippet);
		free(h->v[i].text);
	}
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

int idx_search(idx *ix, const struct idx_query *q, struct idx_hits *out)
{
	if (!out)
		return IDX_EINVAL;
	out->v = NULL;
	out->n = 0;
	if (!ix || !q || !q->text)
		return IDX_EINVAL;
	size_t k = q->k ? q->k : 10;
	int rrf_k = q->rrf_k > 0 ? q->rrf_k : 60;
	double wl = q->w_lexical, wv = q->w_vector;
	if (wl <= 0 && wv <= 0)
		wl = wv = 1;
	bool want_lex = q->mode != IDX_VECTOR, want_vec = q->mode != IDX_LEXICAL;
	if (q->mode == IDX_VECTOR && !q->emb)
		return IDX_EINVAL;
	if (want_vec && !q->emb)
		want_vec = false;
	/* Candidates per retriever: enough that the fusion and the per-file cap still fill k. */
	size_t ncand = k * (q->per_file_cap ? 8 : 2);
	if (ncand < 100)
		ncand = 100;

	/* Embed before opening the snapshot: a slow server must not hold a read txn. */
	float *qv = NULL;
	bool builtin = want_vec && q->emb->id && strcmp(q->emb->id, idx_embedder_builtin()->id) == 0;
	if (want_vec && !builtin) {
		if (q->emb->dim <= 0)
			return IDX_EINVAL;
		qv = xmalloc((size_t)q->emb->dim * sizeof *qv);
		char err[256] = "";
		const char *texts[1] = {q->text};
		int erc = q->emb->embed(q->emb->ctx, texts, 1, qv, err, sizeof err);
		if (erc || vec_normalize(qv, q->emb->dim)) {
			free(qv);
			return erc == IDX_EDIM ? IDX_EDIM : IDX_EEMBED;
		}
	}
	MDB_txn *txn;
	int rc = store_rtxn_begin(ix, &txn);
	if (rc) {
		free(qv);
		return store_err(rc);
	}
	if (want_vec) {
		char id[128];
		meta_str(txn, ix, "embedder", id, sizeof id);
		uint64_t dim = meta_u64(txn, ix, "dim");
		if (strcmp(id, q->emb->id) != 0 || dim != (uint64_t)q->emb->dim) {
			/* An index built without an embedder still answers hybrid queries lexically. */
			if (id[0] || q->mode == IDX_VECTOR) {
				store_rtxn_end(ix, txn);
				free(qv);
				return IDX_EMISMATCH;
			}
			want_vec = false;
		}
	}
	unsigned char *allow = NULL;
	if (q->collections && q->ncollections) {
		allow = xcalloc(65536 / 8, 1);
		for (size_t i = 0; i < q->ncollections; i++) {
			uint16_t cid;
			if (q->collections[i] && coll_id(txn, ix, q->collections[i], 0, &cid) == 0 && cid != 0xFFFF)
				allow[cid >> 3] |= (unsigned char)(1u << (cid & 7));
		}
	}
	uint32_t nfids = 0;
	unsigned char *fids = filter_fids(txn, ix, q->filter, 2, &nfids);
	struct sfilter f = {allow, fids, nfids};
	char lang[64];
	if (q->language && *q->language)
		snprintf(lang, sizeof lang, "%s", q->language);
	else
		meta_str(txn, ix, "language", lang, sizeof lang);
	/* Each query term's df and cf, read once by lex_search for the stages after it. */
	struct lex_stats st = {0};
	struct tokenizer *t = tok_new(lang[0] ? lang : "english");
	if (!t) {
		rc = IDX_EINVAL;
		goto done;
	}
	struct scored *lex = NULL, *vec = NULL;
	size_t nlex = 0, nvec = 0;
	struct lex_query lq = {q->text, q->context,
			       q->context_weight > 0 ? q->context_weight : IDX_CONTEXT_WEIGHT};
	if (want_lex || (want_vec && builtin))
		rc = lex_search(txn, ix, t, &lq, &f, want_lex ? ncand : 2 * EMBED_BUILTIN_FEEDBACK, &st, &lex,
				&nlex);
	/* Ties by path and place, not by chunk id (ties.h), before the builtin embedder's
	 * feedback and the fusion read the ranks. */
	if (!rc && lex)
		ties_order(txn, ix, lex, nlex, sizeof *lex);
	if (!rc && want_vec && builtin) {
		qv = xmalloc((size_t)q->emb->dim * sizeof *qv);
		builtin_query(txn, ix, t, &st, lang[0] ? lang : "english", q->text, lex, nlex, qv);
		wv *= EMBED_BUILTIN_FUSION;
	}
	if (!rc && want_vec)
		rc = vec_search(txn, ix, qv, q->emb->dim, &f, ncand, &vec, &nvec);
	if (!rc && want_vec)
		ties_order(txn, ix, vec, nvec, sizeof *vec);
	struct fused *fu = NULL;
	size_t nf = 0;
	if (!rc) {
		if (want_lex && want_vec) {
			fuse_rrf(lex, nlex, wl, vec, nvec, wv, rrf_k, &fu, &nf);
			ties_order(txn, ix, fu, nf, sizeof *fu);
		} else {
			/* One retriever: its own scores rank. */
			const struct scored *s = want_lex ? lex : vec;
			nf = want_lex ? nlex : nvec;
			fu = xmalloc((nf + 1) * sizeof *fu);
			for (size_t i = 0; i < nf; i++)
				fu[i] = (struct fused){s[i].id, s[i].score, want_lex ? i + 1 : 0, want_lex ? 0 : i + 1};
		}
	}
	if (!rc && q->rerank && nf > 1)
		second_stage(txn, ix, t, &st, q, qv, want_vec ? q->emb->dim : 0, fu, nf);
	struct u64map perfile = {0};
	out->v = xcalloc(k, sizeof *out->v);
	for (size_t i = 0; i < nf && out->n < k && !rc; i++) {
		if (q->per_file_cap) {
			int isnew;
			size_t *cnt = u64map_put(&perfile, fid_of(txn, ix, fu[i].id), &isnew);
			if (*cnt >= q->per_file_cap)
				continue;
			(*cnt)++;
		}
		struct idx_hit *h = &out->v[out->n];
		if (fill_hit(txn, ix, t, q->text, fu[i].id, h) != 0)
			continue;
		h->score = fu[i].score;
		h->lexical_score = fu[i].rank_lex ? lex[fu[i].rank_lex - 1].score : 0;
		h->vector_score = fu[i].rank_vec ? vec[fu[i].rank_vec - 1].score : 0;
		out->n++;
	}
	u64map_free(&perfile);
	free(fu);
	free(lex);
	free(vec);
done:
	lex_stats_free(&st);
	if (t)
		tok_free(t);
	free(allow);
	free(fids);
	store_rtxn_end(ix, txn);
	free(qv);
	if (rc) {
		idx_hits_free(out);
		return store_err(rc);
	}
	return 0;
}
