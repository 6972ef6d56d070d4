/* embed_builtin.c - the offline embedder "builtin-hash-v1": signed feature hashing of
 * lowercased word unigrams and bigrams (English stopwords left out) and of the character
 * 3- and 4-grams of each word with boundary marks, into 384 dimensions; each dimension gets
 * a sublinear weight (1 + ln v) and the vector is L2-normalised. Deterministic, no state,
 * thread-safe. Changing any of this changes the vectors: bump the id with it. search.c
 * embeds queries through embed_builtin_weighted with IDF weights (see embed_builtin.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "embed_builtin.h"
#include "idx.h"

#define BDIM 384
#define MAXW 48
/* Weights measured on SciFact (vector nDCG@10): character n-grams carry most of the
 * signal; bigrams add little. */
#define W_UNI 1.0f
#define W_BI 0.3f
#define W_C3 0.25f
#define W_C4 0.25f

/* Sorted for bsearch. */
static const char *const stopwords[] = {
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
	"are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
	"but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
	"for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
	"him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may",
	"me", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
	"or", "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some",
	"such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they",
	"this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we",
	"were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
	"would", "you", "your",
};

static int cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int is_stop(const char *w, size_t len)
{
	if (len > 8)
		return 0;
	return bsearch(w, stopwords, sizeof stopwords / sizeof stopwords[0], sizeof stopwords[0],
		       cmp_word) != NULL;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return x;
}

static inline void add(float *acc, uint64_t h, float w)
{
	acc[(h & 0xFFFFFFFF) % BDIM] += (h >> 63) ? -w : w;
}

void embed_builtin_weighted(const char *s, float *out,
			    float (*weight)(void *ctx, const char *word, size_t len), void *wctx)
{
	float acc[BDIM];
	memset(acc, 0, sizeof acc);
	uint64_t prev = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		while (*p && !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			       (*p >= 'A' && *p <= 'Z') || *p >= 0x80))
			p++;
		if (!*p)
			break;
		/* "<word>" lowercased (ASCII), truncated at MAXW bytes. */
		char w[MAXW + 3];
		size_t n = 0;
		w[n++] = '<';
		while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		       *p >= 0x80) {
			if (n <= MAXW)
				w[n++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
			p++;
		}
		w[n] = '>';
		w[n + 1] = '\0';
		size_t wl = n - 1;
		w[n] = '\0';
		int stop = is_stop(w + 1, wl);
		w[n] = '>';
		if (stop) {
			prev = 0;
			continue;
		}
		float ww = weight ? weight(wctx, w + 1, wl) : 1.0f;
		if (ww <= 0)
			continue;
		uint64_t h = XXH3_64bits(w + 1, wl);
		add(acc, h, W_UNI * ww);
		if (prev)
			add(acc, mix64(prev * 31 + h), W_BI);
		prev = h;
		/* Character n-grams over "<word>": spelling variants and inflections overlap. */
		size_t tl = n + 1;
		for (size_t i = 0; i + 3 <= tl; i++) {
			uint64_t g3 = (uint64_t)(unsigned char)w[i] | (uint64_t)(unsigned char)w[i + 1] << 8 |
				      (uint64_t)(unsigned char)w[i + 2] << 16;
			add(acc, mix64(g3 | 3ULL << 56), W_C3 * ww);
			if (i + 4 <= tl)
				add(acc, mix64(g3 | (uint64_t)(unsigned char)w[i + 3] << 24 | 4ULL << 56), W_C4 * ww);
		}
	}
	double norm = 0;
	for (int i = 0; i < BDIM; i++) {
		float v = acc[i], a = fabsf(v);
		if (a > 1)
			a = 1 + logf(a);
		acc[i] = v < 0 ? -a : a;
		norm += (double)acc[i] * acc[i];
	}
	float inv = norm > 0 ? (float)(1.0 / sqrt(norm)) : 0;
	for (int i = 0; i < BDIM; i++)
		out[i] = acc[i] * inv;
}

static int builtin_embed(void *ctx, const char *const *texts, size_t n, float *out, char *err,
			 size_t errlen)
{
	(void)ctx;
	(void)err;
	(void)errlen;
	for (size_t i = 0; i < n; i++)
		embed_builtin_weighted(texts[i] ? texts[i] : "", out + i * BDIM, NULL, NULL);
	return 0;
}

static const struct idx_embedder builtin = {
	.id = "builtin-hash-v1",
	.dim = BDIM,
	.batch = 256,
	.embed = builtin_embed,
	.ctx = NULL,
};

const struct idx_embedder *idx_embedder_builtin(void)
{
	return &builtin;
}
