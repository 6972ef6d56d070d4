/* token.c - the tokenizer (see text.h): Unicode-aware words, locale-free case folding,
 * Snowball stemming, CJK character bigrams.
 *
 * Choices, kept consistent between indexing and querying:
 *   - a word is a run of letters, digits and combining marks; everything else separates
 *     ("state-of-the-art" gives four terms, "foo_bar" two, "3.14" two);
 *   - an apostrophe (' U+2019 U+02BC) between two letters stays in the word as "'"
 *     ("don't", "o'neill"); a final "'s" is dropped ("john's" -> "john") before stemming;
 *   - a folded word longer than TOK_MAX_TERM bytes is truncated at a character boundary,
 *     so long identifiers and hashes stay searchable by their prefix;
 *   - words containing a digit are not stemmed ("covid19", "1990s");
 *   - ideographs, kana and hangul give overlapping bigrams; a lone one gives a unigram. */
#include "index/text/text.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xmalloc.h"

enum { C_SEP, C_WORD, C_CJK };

/* Stemming costs far more than the rest of tokenizing, and word frequencies are skewed, so
 * a direct-mapped cache of recent word -> stem pairs (short words only) pays for itself. */
#define STEM_CACHE 4096
struct stem_slot {
	unsigned char wlen, slen; /* wlen 0 = empty */
	char w[30], s[32];
};

struct tokenizer {
	struct sb_stemmer *stem; /* NULL = no stemming */
	int english;             /* stopwords apply */
	struct stem_slot *cache; /* allocated at the first stem */
	char word[TOK_MAX_TERM + 8];
	char out[4 * TOK_MAX_TERM + 8];
};

/* Code point ranges >= 0x80 that are word characters or CJK; the rest separate. Sorted. */
static const struct range {
	uint32_t lo, hi;
	unsigned char cls;
} ranges[] = {
	{0x00AA, 0x00AA, C_WORD}, {0x00B5, 0x00B5, C_WORD}, {0x00BA, 0x00BA, C_WORD},
	{0x00C0, 0x00D6, C_WORD}, {0x00D8, 0x00F6, C_WORD}, {0x00F8, 0x02AF, C_WORD},
	{0x0300, 0x036F, C_WORD}, {0x0370, 0x0373, C_WORD}, {0x0376, 0x0377, C_WORD},
	{0x037A, 0x037D, C_WORD}, {0x037F, 0x037F, C_WORD}, {0x0386, 0x0386, C_WORD},
	{0x0388, 0x0481, C_WORD}, {0x0483, 0x052F, C_WORD}, {0x0531, 0x0556, C_WORD},
	{0x0559, 0x0559, C_WORD}, {0x0560, 0x0588, C_WORD}, {0x0591, 0x05BD, C_WORD},
	{0x05BF, 0x05BF, C_WORD}, {0x05C1, 0x05C2, C_WORD}, {0x05C4, 0x05C5, C_WORD},
	{0x05C7, 0x05C7, C_WORD}, {0x05D0, 0x05EA, C_WORD}, {0x05EF, 0x05F2, C_WORD},
	{0x0610, 0x061A, C_WORD}, {0x0620, 0x0669, C_WORD}, {0x066E, 0x06D3, C_WORD},
	{0x06D5, 0x06DC, C_WORD}, {0x06DF, 0x06E8, C_WORD}, {0x06EA, 0x06FC, C_WORD},
	{0x06FF, 0x06FF, C_WORD}, {0x0710, 0x074F, C_WORD}, {0x0750, 0x077F, C_WORD},
	{0x0780, 0x07B1, C_WORD}, {0x08A0, 0x08FF, C_WORD}, {0x0900, 0x0963, C_WORD},
	{0x0966, 0x0DF3, C_WORD}, {0x0E01, 0x0E3A, C_WORD}, {0x0E40, 0x0E4E, C_WORD},
	{0x0E50, 0x0E59, C_WORD}, {0x0E81, 0x0EDF, C_WORD}, {0x0F20, 0x0FBC, C_WORD},
	{0x1000, 0x1049, C_WORD}, {0x1050, 0x109F, C_WORD}, {0x10A0, 0x10FA, C_WORD},
	{0x10FC, 0x10FF, C_WORD}, {0x1100, 0x11FF, C_CJK},  {0x1200, 0x135F, C_WORD},
	{0x13A0, 0x13FF, C_WORD}, {0x1780, 0x17D3, C_WORD}, {0x17E0, 0x17E9, C_WORD},
	{0x1E00, 0x1FFF, C_WORD}, {0x2C00, 0x2CF8, C_WORD}, {0x2D00, 0x2DFF, C_WORD},
	{0x2E80, 0x2FDF, C_CJK},  {0x3005, 0x3007, C_CJK},  {0x3021, 0x3029, C_CJK},
	{0x3031, 0x3035, C_CJK},  {0x3041, 0x3096, C_CJK},  {0x3099, 0x309F, C_CJK},
	{0x30A1, 0x30FA, C_CJK},  {0x30FC, 0x30FF, C_CJK},  {0x3105, 0x312F, C_CJK},
	{0x3131, 0x318E, C_CJK},  {0x31A0, 0x31BF, C_CJK},  {0x31F0, 0x31FF, C_CJK},
	{0x3400, 0x4DBF, C_CJK},  {0x4E00, 0x9FFF, C_CJK},  {0xA640, 0xA69F, C_WORD},
	{0xA720, 0xA7FF, C_WORD}, {0xA960, 0xA97F, C_CJK},  {0xAB30, 0xAB6F, C_WORD},
	{0xAC00, 0xD7A3, C_CJK},  {0xD7B0, 0xD7FF, C_CJK},  {0xF900, 0xFAFF, C_CJK},
	{0xFB00, 0xFB4F, C_WORD}, {0xFB50, 0xFD3D, C_WORD}, {0xFD50, 0xFDFB, C_WORD},
	{0xFE70, 0xFEFC, C_WORD}, {0xFF10, 0xFF19, C_WORD}, {0xFF21, 0xFF3A, C_WORD},
	{0xFF41, 0xFF5A, C_WORD}, {0xFF66, 0xFF9F, C_CJK},  {0xFFA0, 0xFFDC, C_CJK},
	{0x20000, 0x3FFFF, C_CJK},
};

static int class_of(uint32_t cp)
{
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
			return C_WORD;
		return C_SEP;
	}
	size_t lo = 0, hi = sizeof ranges / sizeof *ranges;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < ranges[mid].lo)
			hi = mid;
		else if (cp > ranges[mid].hi)
			lo = mid + 1;
		else
			return ranges[mid].cls;
	}
	return C_SEP;
}

/* Simple (one to one) lower-casing for Latin, Greek, Cyrillic and Armenian, and fullwidth
 * ASCII to ASCII. ß and ẞ, which fold to two letters, are handled by the caller. */
static uint32_t fold(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c < 0x100)
		return (c >= 0xC0 && c <= 0xDE && c != 0xD7) ? c + 32 : c;
	if (c < 0x180) {
		if (c == 0x130)
			return 'i';
		if (c == 0x178)
			return 0xFF;
		if (c == 0x17F)
			return 's';
		if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
			return c | 1;
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
			return (c & 1) ? c + 1 : c;
		return c;
	}
	if (c < 0x250) {
		if (c == 0x1C4 || c == 0x1C5 || c == 0x1C7 || c == 0x1C8 || c == 0x1CA || c == 0x1CB)
			return c == 0x1C4 || c == 0x1C7 || c == 0x1CA ? c + 2 : c + 1;
		if (c == 0x1F1 || c == 0x1F2)
			return 0x1F3;
		if (c == 0x1F4)
			return 0x1F5;
		if (c >= 0x1CD && c <= 0x1DC)
			return (c & 1) ? c + 1 : c;
		if ((c >= 0x1DE && c <= 0x1EF) || (c >= 0x1F8 && c <= 0x21F) ||
		    (c >= 0x222 && c <= 0x233) || (c >= 0x246 && c <= 0x24F))
			return c | 1;
		return c;
	}
	if (c >= 0x370 && c < 0x400) {
		if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
			return c + 32;
		if (c == 0x386)
			return 0x3AC;
		if (c >= 0x388 && c <= 0x38A)
			return c + 37;
		if (c == 0x38C)
			return 0x3CC;
		if (c == 0x38E || c == 0x38F)
			return c + 63;
		if (c == 0x3C2)
			return 0x3C3; /* final sigma */
		if (c >= 0x3D8 && c <= 0x3EF)
			return c | 1;
		return c;
	}
	if (c >= 0x400 && c < 0x530) {
		if (c < 0x410)
			return c + 80;
		if (c < 0x430)
			return c + 32;
		if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x52F))
			return c | 1;
		if (c == 0x4C0)
			return 0x4CF;
		if (c >= 0x4C1 && c <= 0x4CE)
			return (c & 1) ? c + 1 : c;
		return c;
	}
	if (c >= 0x531 && c <= 0x556)
		return c + 48;
	if ((c >= 0x1E00 && c <= 0x1E95) || (c >= 0x1EA0 && c <= 0x1EFF))
		return c | 1;
	if (c >= 0xFF10 && c <= 0xFF19)
		return c - 0xFF10 + '0';
	if ((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A))
		return (c & 0x1F) - 1 + 'a';
	return c;
}

static int is_apostrophe(uint32_t cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

struct tokenizer *tok_new(const char *language)
{
	struct sb_stemmer *st = NULL;
	if (language && *language && strcmp(language, "none") != 0) {
		st = sb_stemmer_new(language, "UTF_8");
		if (!st)
			return NULL;
	}
	struct tokenizer *t = xcalloc(1, sizeof *t);
	t->stem = st;
	t->english = !st || strcmp(language, "english") == 0 || strcmp(language, "en") == 0 ||
		     strcmp(language, "eng") == 0 || strcmp(language, "porter") == 0;
	return t;
}

void tok_free(struct tokenizer *t)
{
	if (!t)
		return;
	sb_stemmer_delete(t->stem);
	free(t->cache);
	free(t);
}

/* The stem of t->word[0, wlen) (copied to t->out), through the cache. Returns its length. */
static size_t stem_word(struct tokenizer *t, size_t wlen)
{
	struct stem_slot *slot = NULL;
	if (wlen < sizeof slot->w) {
		if (!t->cache)
			t->cache = xcalloc(STEM_CACHE, sizeof *t->cache);
		uint32_t h = 2166136261u;
		for (size_t i = 0; i < wlen; i++)
			h = (h ^ (unsigned char)t->word[i]) * 16777619u;
		slot = &t->cache[h & (STEM_CACHE - 1)];
		if (slot->wlen == wlen && !memcmp(slot->w, t->word, wlen)) {
			memcpy(t->out, slot->s, slot->slen);
			return slot->slen;
		}
	}
	const sb_symbol *s = sb_stemmer_stem(t->stem, (const sb_symbol *)t->word, (int)wlen);
	if (!s) { /* out of memory inside libstemmer: index the word unstemmed */
		memcpy(t->out, t->word, wlen);
		return wlen;
	}
	size_t len = (size_t)sb_stemmer_length(t->stem);
	if (len > sizeof t->out - 1)
		len = sizeof t->out - 1;
	memcpy(t->out, s, len);
	if (slot && len < sizeof slot->s) {
		slot->wlen = (unsigned char)wlen;
		slot->slen = (unsigned char)len;
		memcpy(slot->w, t->word, wlen);
		memcpy(slot->s, s, len);
	}
	return len;
}

/* Stems and reports one folded word. Returns fn's result. */
static int emit_word(struct tokenizer *t, size_t wlen, int digits, size_t bs, size_t be,
		     int (*fn)(void *, const struct token *), void *ctx)
{
	if (wlen >= 3 && t->word[wlen - 2] == '\'' && t->word[wlen - 1] == 's')
		wlen -= 2;
	size_t len;
	if (t->stem && !digits) {
		len = stem_word(t, wlen);
	} else {
		memcpy(t->out, t->word, wlen);
		len = wlen;
	}
	t->out[len] = '\0';
	if (len == 0)
		return 0;
	struct token tk = {t->out, len, bs, be};
	return fn(ctx, &tk);
}

/* Reports text[s, e) (one or two CJK characters) as a term. */
static int emit_cjk(struct tokenizer *t, const char *text, size_t s, size_t e,
		    int (*fn)(void *, const struct token *), void *ctx)
{
	size_t len = e - s;
	memcpy(t->out, text + s, len);
	t->out[len] = '\0';
	struct token tk = {t->out, len, s, e};
	return fn(ctx, &tk);
}

void tok_each(struct tokenizer *t, const char *text, size_t len,
	      int (*fn)(void *ctx, const struct token *tk), void *ctx)
{
	size_t wlen = 0, wstart = 0, wend = 0;
	int inword = 0, digits = 0;
	/* CJK run: the previous character's range and how many the run has had. */
	size_t cprev_s = 0, cprev_e = 0, crun = 0;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		int n;
		unsigned char b = (unsigned char)text[i];
		if (b < 0x80) {
			cp = b;
			n = 1;
		} else {
			n = utf8_decode(text + i, len - i, &cp);
			if (n <= 0) {
				cp = UTF8_REPLACEMENT;
				n = 1;
			}
		}
		int cls = class_of(cp);
		if (cls != C_CJK && crun) {
			if (crun == 1 && emit_cjk(t, text, cprev_s, cprev_e, fn, ctx))
				return;
			crun = 0;
		}
		if (cls == C_WORD) {
			if (!inword) {
				inword = 1;
				wlen = 0;
				digits = 0;
				wstart = i;
			}
			uint32_t f = fold(cp);
			char enc[8];
			size_t k;
			if (f == 0xDF || f == 0x1E9E) {
				enc[0] = enc[1] = 's';
				k = 2;
			} else {
				k = utf8_encode(f, enc);
			}
			if (f >= '0' && f <= '9')
				digits = 1;
			if (wlen + k <= TOK_MAX_TERM) {
				memcpy(t->word + wlen, enc, k);
				wlen += k;
			}
			wend = i + (size_t)n;
			i += (size_t)n;
			continue;
		}
		if (inword && is_apostrophe(cp) && i + (size_t)n < len) {
			uint32_t nx;
			int m = utf8_decode(text + i + n, len - i - (size_t)n, &nx);
			if (m > 0 && class_of(nx) == C_WORD) {
				if (wlen + 1 <= TOK_MAX_TERM)
					t->word[wlen++] = '\'';
				i += (size_t)n;
				continue;
			}
		}
		if (inword) {
			inword = 0;
			if (emit_word(t, wlen, digits, wstart, wend, fn, ctx))
				return;
		}
		if (cls == C_CJK) {
			size_t e = i + (size_t)n;
			if (crun && emit_cjk(t, text, cprev_s, e, fn, ctx))
				return;
			cprev_s = i;
			cprev_e = e;
			crun++;
		}
		i += (size_t)n;
	}
	if (inword)
		emit_word(t, wlen, digits, wstart, wend, fn, ctx);
	else if (crun == 1)
		emit_cjk(t, text, cprev_s, cprev_e, fn, ctx);
}

/* English stopwords and their English Snowball stems, sorted (C locale). */
static const char *const stopwords[] = {
	"a", "about", "abov", "above", "after", "again", "against", "all", "also", "am", "an",
	"and", "ani", "any", "are", "aren't", "as", "at", "be", "becaus", "because", "been",
	"befor", "before", "being", "below", "between", "both", "but", "by", "can", "can't",
	"could", "did", "didn't", "do", "doe", "does", "doesn't", "doing", "don't", "down",
	"dure", "during", "each", "few", "for", "from", "further", "had", "has", "have",
	"having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i",
	"i'm", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "just", "may",
	"me", "might", "more", "most", "must", "my", "myself", "no", "nor", "not", "now", "of",
	"off", "on", "onc", "once", "onli", "only", "or", "other", "our", "ours", "ourselv",
	"ourselves", "out", "over", "own", "same", "shall", "she", "should", "so", "some",
	"such", "than", "that", "the", "their", "theirs", "them", "themselv", "themselves",
	"then", "there", "these", "they", "this", "those", "through", "to", "too", "under",
	"until", "up", "upon", "us", "veri", "very", "via", "was", "we", "were", "what",
	"when", "where", "whi", "which", "while", "who", "whom", "why", "will", "with",
	"won't", "would", "yet", "you", "your", "yours", "yourself", "yourselv", "yourselves",
};

static int cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int tok_is_stopword(const struct tokenizer *t, const char *term, size_t len)
{
	if (!t->english || len == 0 || len > 16)
		return 0;
	char key[17];
	memcpy(key, term, len);
	key[len] = '\0';
	return bsearch(key, stopwords, sizeof stopwords / sizeof *stopwords, sizeof *stopwords, cmp_word) != NULL;
}
