/* embed_builtin.c - the offline embedder "builtin-hash-v2": signed feature hashing into 384
 * dimensions of the index tokenizer's terms (English Snowball stems, case folded, English
 * stopwords left out): word unigrams, bigrams of neighbouring terms, and the character 3-
 * and 4-grams of each term with boundary marks ("<hypert", "tens>"). Each feature's count
 * gets a sublinear weight (1 + ln tf) before it is hashed, and the vector is L2-normalised.
 * Deterministic, no state, thread-safe (a tokenizer per call). Changing any of this changes
 * the vectors: bump the id with it. search.c embeds queries through embed_builtin_weighted
 * with lex_weight weights and pseudo-relevance feedback (see embed_builtin.h).
 *
 * Measured on SciFact (tests/bench/idx_bench.c: 5183 abstracts, 809 train queries, nDCG@10
 * with one hit per file; "even/odd" are the two halves of the queries: the even half was
 * used to choose, the odd half is held out):
 *                                                vector   hybrid, effective w_vector 1 / 0.5
 *   v1: raw lowercased words, per-dimension tf   0.534    0.631
 *   v2: these features                           0.556    0.634 / 0.661
 *   v2 + feedback, top 3 lexical hits equally    0.649    0.672 / 0.693
 *   v2 + feedback, top 10 weighted 1/rank        0.683    0.690 / 0.691 (even 0.715, odd 0.668)
 *   lexical (BM25) alone                                  0.689 (even 0.714, odd 0.664)
 * Chosen: the last row with w_vector halved (EMBED_BUILTIN_FUSION). Feedback from 1, 2, 5
 * or 20 hits, weighted by BM25 score, or weighing 0.7 to 2 times the query; bigram weight 0
 * or 0.6; other character n-gram weights and 5-grams: all within +-0.003 or below. 768
 * dimensions give vector 0.610 without feedback but hybrid no better than 384, for twice
 * the space and scan time; fusing only the top 10-20 of each list, or letting the vector
 * list only re-rank lexical candidates, did not help. Without feedback no weight lifts
 * hybrid to lexical, even with 8192 dimensions (vector 0.646): the vector is then only a
 * noisier copy of BM25. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/xmalloc.h"
#include "index/search/embed_builtin.h"
#include "base/hmap.h"
#include "index/idx.h"
#include "index/text/text.h"

#define BDIM EMBED_BUILTIN_DIM
#define W_UNI 1.0f
#define W_BI 0.3f
#define W_C3 0.25f
#define W_C4 0.25f

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return x;
}

/* One text's features: hash -> summed weight. */
struct feats {
	struct u64map m;
	uint64_t *key;
	float *w;
	size_t n, capk, capw;
	struct tokenizer *t;
	const char *text;
	float (*weight)(void *ctx, const char *word, size_t len);
	void *wctx;
	uint64_t prev; /* previous term's hash, 0 after a stopword */
};

static void feat(struct feats *f, uint64_t h, float w)
{
	int isnew;
	size_t *slot = u64map_put(&f->m, h, &isnew);
	if (isnew) {
		f->key = xgrow(f->key, &f->capk, f->n + 1, sizeof *f->key);
		f->w = xgrow(f->w, &f->capw, f->n + 1, sizeof *f->w);
		*slot = f->n;
		f->key[f->n] = h;
		f->w[f->n++] = 0;
	}
	f->w[*slot] += w;
}

static int on_term(void *ctx, const struct token *tk)
{
	struct feats *f = ctx;
	if (tok_is_stopword(f->t, tk->term, tk->len)) {
		f->prev = 0;
		return 0;
	}
	float ww = f->weight ? f->weight(f->wctx, f->text + tk->byte_start, tk->byte_end - tk->byte_start)
			     : 1.0f;
	if (ww <= 0) {
		f->prev = 0;
		return 0;
	}
	uint64_t h = XXH3_64bits(tk->term, tk->len) | 1; /* never 0: 0 marks "no previous" */
	feat(f, mix64(h), W_UNI * ww);
	if (f->prev)
		feat(f, mix64(f->prev * 31 + h + 2), W_BI);
	f->prev = h;
	/* Character n-grams over "<term>": spelling variants and compounds overlap. */
	char w[TOK_MAX_TERM + 3];
	size_t n = 0;
	w[n++] = '<';
	memcpy(w + n, tk->term, tk->len);
	n += tk->len;
	w[n++] = '>';
	for (size_t i = 0; i + 3 <= n; i++) {
		feat(f, mix64(XXH3_64bits(w + i, 3) ^ 3), W_C3 * ww);
		if (i + 4 <= n)
			feat(f, mix64(XXH3_64bits(w + i, 4) ^ 4), W_C4 * ww);
	}
	return 0;
}

static void embed_one(struct feats *f, const char *text, float *out)
{
	u64map_clear(&f->m);
	f->n = 0;
	f->prev = 0;
	f->text = text;
	tok_each(f->t, text, strlen(text), on_term, f);
	float acc[BDIM];
	memset(acc, 0, sizeof acc);
	for (size_t i = 0; i < f->n; i++) {
		float v = f->w[i];
		if (v > 1)
			v = 1 + logf(v);
		uint64_t h = f->key[i];
		acc[(h & 0xFFFFFFFF) % BDIM] += (h >> 63) ? -v : v;
	}
	double norm = 0;
	for (int i = 0; i < BDIM; i++)
		norm += (double)acc[i] * acc[i];
	float inv = norm > 0 ? (float)(1.0 / sqrt(norm)) : 0;
	for (int i = 0; i < BDIM; i++)
		out[i] = acc[i] * inv;
}

static void feats_free(struct feats *f)
{
	u64map_free(&f->m);
	free(f->key);
	free(f->w);
}

void embed_builtin_weighted(struct tokenizer *t, const char *text, float *out,
			    float (*weight)(void *ctx, const char *word, size_t len), void *ctx)
{
	struct feats f = {.t = t, .weight = weight, .wctx = ctx};
	embed_one(&f, text, out);
	feats_free(&f);
}

static int builtin_embed(void *ctx, const char *const *texts, size_t n, float *out, char *err,
			 size_t errlen)
{
	(void)ctx;
	(void)err;
	(void)errlen;
	struct feats f = {.t = tok_new("english")};
	for (size_t i = 0; i < n; i++)
		embed_one(&f, texts[i] ? texts[i] : "", out + i * BDIM);
	feats_free(&f);
	tok_free(f.t);
	return 0;
}

static const struct idx_embedder builtin = {
	.id = "builtin-hash-v2",
	.dim = BDIM,
	.batch = 256,
	.embed = builtin_embed,
	.ctx = NULL,
};

const struct idx_embedder *idx_embedder_builtin(void)
{
	return &builtin;
}
