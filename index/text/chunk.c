/* chunk.c - the structure-following chunker (see text.h).
 *
 * One pass over the lines groups them into blocks (paragraphs, headings, fenced code, code
 * blocks); blocks are packed into chunks of about target_chars characters. A chunk is always
 * one contiguous byte range of the input, so its text, lines and page follow from the range;
 * overlap means a chunk's range starts inside the previous chunk's tail.
 *
 * Hard boundaries, never crossed and never overlapped: Markdown headings (a new section) and
 * form feeds (a new page). Markdown is also how HTML is chunked: the extractor writes HTML
 * headings as "## Title". */
#include "index/text/text.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xmalloc.h"
#include "index/idx.h"

#define HEADING_MAX 200 /* bytes kept of one heading's title */

enum { B_PARA, B_CODE, B_FENCE, B_HEAD };
enum { MODE_PROSE, MODE_MARKDOWN, MODE_CODE };

struct chunker {
	const char *t;
	size_t target, overlap;
	int mode;
	struct chunk_list *out;
	size_t *nl, nnl; /* offsets of '\n' */
	size_t *ff, nff; /* offsets of '\f' */
	char *hd[6];     /* heading path by level */

	/* The chunk being built: bytes [start, end); content begins at cstart (before it is
	 * the overlap); chars counts the content's characters. */
	int open, body, last;
	size_t start, cstart, end, chars;

	/* The last chunk written, for overlap. */
	int prev_ok, prev_kind;
	size_t prev_start, prev_cstart, prev_end, prev_chars;

	/* Paragraph or code block being gathered, and line-scan state. */
	int in_para, para_lines, pending_blank;
	size_t para_start, para_end;
	int in_fence, fence_char;
	size_t fence_len, fence_start;
};

static size_t count_chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

static int is_ws_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_space_cp(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x3000;
}

/* Ideographs, kana, hangul and full-width forms: text written without spaces, so every
 * character boundary is a word boundary. */
static int is_wide(uint32_t c)
{
	return c >= 0x2E80 && (c <= 0xD7FF || (c >= 0xF900 && c <= 0xFAFF) ||
			       (c >= 0xFF00 && c <= 0xFFEF) || c >= 0x20000);
}

static int is_closer(uint32_t c)
{
	return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0x2019 || c == 0x201D ||
	       c == 0x300D || c == 0x300F || c == 0xFF09;
}

static size_t decode_at(const char *t, size_t p, size_t e, uint32_t *c)
{
	unsigned char b = (unsigned char)t[p];
	if (b < 0x80) {
		*c = b;
		return 1;
	}
	int n = utf8_decode(t + p, e - p, c);
	if (n <= 0) {
		*c = UTF8_REPLACEMENT;
		return 1;
	}
	return (size_t)n;
}

/* ---- boundaries ----------------------------------------------------------------------
 * A scan walks characters and classifies each position that starts a non-space character:
 * a sentence start (after . ! ? and whitespace, or right after 。！？), a line start (the
 * whitespace before it holds a newline; line_at is where that line begins), a blank-line
 * start, a word start. */
enum { BD_SENT = 1, BD_LINE = 2, BD_BLANK = 4, BD_WORD = 8 };

struct scan {
	const char *t;
	size_t p, e;
	uint32_t prev;
	int ws, nls, sent; /* sent: 1 after . ! ? (needs a space), 2 after 。！？ */
	size_t line_at;
};

static int sent_kind(uint32_t c)
{
	if (c == '.' || c == '!' || c == '?')
		return 1;
	if (c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF0E)
		return 2;
	return 0;
}

/* Starts a scan at p; looks back as far as lo to know what precedes p. */
static void scan_init(struct scan *sc, const char *t, size_t lo, size_t p, size_t e)
{
	memset(sc, 0, sizeof *sc);
	sc->t = t;
	sc->p = p;
	sc->e = e;
	sc->line_at = p;
	size_t j = p;
	while (j > lo && is_ws_byte(t[j - 1])) {
		if (t[j - 1] == '\n') {
			if (!sc->nls)
				sc->line_at = j;
			sc->nls++;
		}
		j--;
	}
	sc->ws = j < p || j == 0;
	if (j == 0)
		sc->nls = 2; /* the start of the text starts everything */
	if (j > lo) {
		size_t k = j - 1;
		while (k > lo && ((unsigned char)t[k] & 0xC0) == 0x80)
			k--;
		uint32_t c;
		decode_at(t, k, j, &c);
		sc->sent = sent_kind(c);
		sc->prev = sc->ws ? ' ' : c;
	}
}

/* Classifies the position sc->p and steps over its character. */
static unsigned scan_next(struct scan *sc)
{
	uint32_t c;
	size_t n = decode_at(sc->t, sc->p, sc->e, &c);
	unsigned f = 0;
	if (is_space_cp(c)) {
		if (c == '\n') {
			sc->line_at = sc->p + 1;
			sc->nls++;
		}
		sc->ws = 1;
	} else {
		if (sc->ws) {
			f |= BD_WORD;
			if (sc->nls)
				f |= BD_LINE;
			if (sc->nls >= 2)
				f |= BD_BLANK;
			if (sc->sent && !(c >= 'a' && c <= 'z'))
				f |= BD_SENT;
		} else {
			if (sc->sent == 2)
				f |= BD_SENT | BD_WORD;
			else if (is_wide(c) || is_wide(sc->prev))
				f |= BD_WORD;
		}
		int k = sent_kind(c);
		if (k)
			sc->sent = k;
		else if (!(sc->sent && is_closer(c)))
			sc->sent = 0;
		sc->ws = 0;
		sc->nls = 0;
	}
	sc->prev = c;
	sc->p += n;
	return f;
}

/* Where to end a piece of t[s, e) of at most budget characters: the last sentence start
 * (code: blank-line start) in its second half, else the last line start there, else the
 * last word start in its last two thirds, else exactly budget characters in. Returns the
 * cut (> s) and its character count in *kc. */
static size_t find_cut(const struct chunker *c, size_t s, size_t e, size_t budget, int code,
		       size_t *kc)
{
	if (budget == 0)
		budget = 1;
	struct scan sc;
	scan_init(&sc, c->t, s, s, e);
	size_t k = 0, hard = e, hardk = 0;
	size_t best[3] = {0, 0, 0}, bestk[3] = {0, 0, 0};
	unsigned first = code ? BD_BLANK : BD_SENT;
	while (sc.p < e) {
		size_t at = sc.p;
		unsigned f = scan_next(&sc);
		if (k > 0 && f) {
			size_t line = sc.line_at > s ? sc.line_at : at;
			/* A cut at the line start leaves the indentation to the next piece. */
			size_t linek = k - count_chars(c->t + line, at - line);
			if (f & first) {
				best[0] = (f & BD_LINE) ? line : at;
				bestk[0] = (f & BD_LINE) ? linek : k;
			}
			if (f & BD_LINE) {
				best[1] = line;
				bestk[1] = linek;
			}
			if (f & BD_WORD) {
				best[2] = at;
				bestk[2] = k;
			}
		}
		if (k == budget) {
			hard = at;
			hardk = k;
			break;
		}
		k++;
	}
	if (hard == e) {
		*kc = k;
		return e;
	}
	if (best[0] && bestk[0] * 2 >= budget) {
		*kc = bestk[0];
		return best[0];
	}
	if (best[1] && bestk[1] * 2 >= budget) {
		*kc = bestk[1];
		return best[1];
	}
	if (best[2] && bestk[2] * 3 >= budget) {
		*kc = bestk[2];
		return best[2];
	}
	*kc = hardk;
	return hard;
}

/* Where the overlap taken from the previous chunk begins: about `overlap` characters
 * before its end (at most half of it), at a sentence start when one is near, else at the
 * first word start (code: line start). Returns prev_end for no overlap. */
static size_t overlap_start(const struct chunker *c)
{
	size_t lo = c->prev_cstart, e = c->prev_end;
	const char *t = c->t;
	while (e > lo && is_ws_byte(t[e - 1]))
		e--;
	size_t want = c->overlap < c->prev_chars / 2 ? c->overlap : c->prev_chars / 2;
	if (want == 0 || e <= lo)
		return c->prev_end;
	size_t q = e, k = 0;
	while (q > lo && k < want) {
		q--;
		if (((unsigned char)t[q] & 0xC0) != 0x80)
			k++;
	}
	struct scan sc;
	scan_init(&sc, t, lo, q, e);
	size_t word = 0, n = 0;
	int code = c->prev_kind == B_CODE;
	while (sc.p < e) {
		size_t at = sc.p;
		unsigned f = scan_next(&sc);
		if (code) {
			if (f & BD_LINE)
				return sc.line_at >= lo ? sc.line_at : at;
		} else {
			if ((f & BD_SENT) && n * 2 <= want)
				return at;
			if ((f & BD_WORD) && !word)
				word = at;
		}
		n++;
	}
	return word ? word : c->prev_end;
}

/* ---- chunks ------------------------------------------------------------------------- */

static size_t count_below(const size_t *v, size_t n, size_t off)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (v[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static char *heading_path(const struct chunker *c)
{
	struct buf b = {0};
	for (int i = 0; i < 6; i++) {
		if (!c->hd[i])
			continue;
		if (b.len)
			buf_adds(&b, " > ");
		buf_adds(&b, c->hd[i]);
	}
	return buf_detach(&b);
}

/* Writes t[s, e) as a chunk, trimmed of blank lines and trailing whitespace (the first
 * line keeps its indentation). Nothing when it is all whitespace. Returns the chunk's
 * start, or e when nothing was written. */
static size_t push(struct chunker *c, size_t s, size_t e)
{
	const char *t = c->t;
	size_t f = s;
	while (f < e && is_ws_byte(t[f]))
		f++;
	if (f == e)
		return e;
	size_t b = f;
	while (b > s && (t[b - 1] == ' ' || t[b - 1] == '\t'))
		b--;
	if (b != f && b > 0 && t[b - 1] != '\n')
		b = f;
	while (e > f && is_ws_byte(t[e - 1]))
		e--;
	struct chunk_list *l = c->out;
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
	struct chunk *ch = &l->v[l->n++];
	ch->byte_start = b;
	ch->byte_end = e;
	ch->line_start = (uint32_t)(count_below(c->nl, c->nnl, b) + 1);
	ch->line_end = (uint32_t)(count_below(c->nl, c->nnl, e - 1) + 1);
	ch->page = c->nff ? (uint32_t)(count_below(c->ff, c->nff, b) + 1) : 0;
	ch->heading = heading_path(c);
	ch->text = xmalloc(e - b + 1);
	memcpy(ch->text, t + b, e - b);
	ch->text[e - b] = '\0';
	return b;
}

static void flush(struct chunker *c)
{
	if (!c->open)
		return;
	size_t b = push(c, c->start, c->end);
	c->open = 0;
	if (b == c->end)
		return; /* nothing written: the chunk before stays the one to overlap */
	c->prev_ok = 1;
	c->prev_start = b;
	c->prev_kind = c->last;
	c->prev_cstart = c->cstart;
	c->prev_end = c->end;
	c->prev_chars = c->chars;
}

/* A section or page ends: the next chunk starts fresh, without overlap. */
static void hard_break(struct chunker *c)
{
	flush(c);
	c->prev_ok = 0;
}

static void begin(struct chunker *c, size_t at)
{
	c->open = 1;
	c->body = 0;
	c->chars = 0;
	c->start = c->cstart = c->end = at;
	if (c->prev_ok && c->overlap && (c->prev_kind == B_PARA || c->prev_kind == B_CODE) &&
	    c->prev_end <= at) {
		size_t o = overlap_start(c);
		if (o > c->prev_start && o < c->prev_end)
			c->start = o;
	}
}

static void add(struct chunker *c, size_t s, size_t e, size_t n, int kind)
{
	if (!c->open)
		begin(c, s);
	else
		c->chars += count_chars(c->t + c->end, s - c->end);
	c->chars += n;
	c->end = e;
	c->last = kind;
	if (kind != B_HEAD)
		c->body = 1;
}

/* Characters still free in the open chunk if t[from..] were appended. */
static size_t room(const struct chunker *c, size_t from)
{
	if (!c->open || !c->body)
		return c->target;
	size_t used = c->chars + count_chars(c->t + c->end, from - c->end);
	return used < c->target ? c->target - used : 0;
}

/* Adds a paragraph or code block of n characters: whole when it fits in this chunk or
 * the next; else cut at the best boundaries, a paragraph first filling this chunk (no
 * overlap between the pieces of a fenced block). */
static void add_split(struct chunker *c, size_t s, size_t e, size_t n, int kind)
{
	int code = kind != B_PARA;
	while (s < e) {
		size_t r = room(c, s);
		if (n <= r) {
			add(c, s, e, n, kind);
			return;
		}
		/* Prose fills the chunk before it is cut; code starts its own. */
		if (c->open && c->body && (n <= c->target || r == 0 || r < c->target / 4 || code)) {
			flush(c);
			if (kind == B_FENCE)
				c->prev_ok = 0;
			continue;
		}
		size_t k, cut = find_cut(c, s, e, r, code, &k);
		add(c, s, cut, k, kind);
		flush(c);
		if (kind == B_FENCE)
			c->prev_ok = 0;
		n = n > k ? n - k : 0;
		s = cut;
	}
}

static void end_para(struct chunker *c)
{
	if (!c->in_para)
		return;
	c->in_para = 0;
	size_t s = c->para_start, e = c->para_end;
	add_split(c, s, e, count_chars(c->t + s, e - s), c->mode == MODE_CODE ? B_CODE : B_PARA);
}

static void end_fence(struct chunker *c, size_t e)
{
	size_t s = c->fence_start;
	c->in_fence = 0;
	if (e <= s)
		return;
	size_t n = count_chars(c->t + s, e - s);
	if (n <= 2 * c->target) {
		if (c->open && c->body && n > room(c, s))
			flush(c);
		add(c, s, e, n, B_FENCE);
		return;
	}
	if (c->open && c->body)
		flush(c);
	c->prev_ok = 0;
	add_split(c, s, e, n, B_FENCE);
}

static void set_heading(struct chunker *c, int level, size_t s, size_t e)
{
	const char *t = c->t;
	while (s < e && (t[s] == ' ' || t[s] == '\t'))
		s++;
	while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r'))
		e--;
	/* An ATX closing sequence: " ##" at the end. */
	size_t h = e;
	while (h > s && t[h - 1] == '#')
		h--;
	if (h < e && (h == s || t[h - 1] == ' ' || t[h - 1] == '\t')) {
		e = h;
		while (e > s && (t[e - 1] == ' ' || t[e - 1] == '\t'))
			e--;
	}
	if (e - s > HEADING_MAX) {
		e = s + HEADING_MAX;
		while (e > s && ((unsigned char)t[e] & 0xC0) == 0x80)
			e--;
	}
	for (int i = level - 1; i < 6; i++) {
		free(c->hd[i]);
		c->hd[i] = NULL;
	}
	c->hd[level - 1] = xstrndup(t + s, e - s);
}

static void heading(struct chunker *c, int level, size_t ls, size_t le, size_t ts, size_t te)
{
	end_para(c);
	if (c->open && c->body)
		hard_break(c);
	c->prev_ok = 0;
	set_heading(c, level, ts, te);
	add(c, ls, le, count_chars(c->t + ls, le - ls), B_HEAD);
}

/* ---- lines -------------------------------------------------------------------------- */

static size_t indent_of(const char *t, size_t p, size_t e)
{
	size_t i = p;
	while (i < e && t[i] == ' ')
		i++;
	return i - p;
}

static int is_blank(const char *t, size_t p, size_t e)
{
	for (; p < e; p++)
		if (!is_ws_byte(t[p]))
			return 0;
	return 1;
}

/* ATX heading level (1..6) of the line, or 0; *ts is where its title begins. */
static int atx_level(const char *t, size_t p, size_t e, size_t *ts)
{
	size_t i = p + indent_of(t, p, e);
	if (i - p > 3)
		return 0;
	size_t h = i;
	while (i < e && t[i] == '#')
		i++;
	size_t lv = i - h;
	if (lv < 1 || lv > 6 || (i < e && t[i] != ' ' && t[i] != '\t'))
		return 0;
	*ts = i;
	return (int)lv;
}

/* A fence line: up to 3 spaces, then 3 or more ` or ~. Returns the run length, or 0. */
static size_t fence_run(const char *t, size_t p, size_t e, int *ch)
{
	size_t i = p + indent_of(t, p, e);
	if (i - p > 3 || i >= e || (t[i] != '`' && t[i] != '~'))
		return 0;
	char f = t[i];
	size_t j = i;
	while (j < e && t[j] == f)
		j++;
	if (j - i < 3)
		return 0;
	*ch = f;
	return j - i;
}

/* A setext underline: up to 3 spaces, then only '=' (level 1) or only '-' (level 2). */
static int setext_level(const char *t, size_t p, size_t e)
{
	size_t i = p + indent_of(t, p, e);
	if (i - p > 3 || i >= e || (t[i] != '=' && t[i] != '-'))
		return 0;
	char f = t[i];
	while (i < e && t[i] == f)
		i++;
	if (!is_blank(t, i, e))
		return 0;
	return f == '=' ? 1 : 2;
}

static void para_line(struct chunker *c, size_t p, size_t le)
{
	if (!c->in_para) {
		c->in_para = 1;
		c->para_start = p;
		c->para_lines = 0;
	}
	c->para_lines++;
	c->para_end = le;
}

static void markdown_line(struct chunker *c, size_t p, size_t le)
{
	const char *t = c->t;
	if (c->in_fence) {
		int ch;
		size_t run = fence_run(t, p, le, &ch);
		if (c->fence_char == '-') {
			/* front matter ends at "---" or "..." */
			size_t i = p;
			while (i < le && (t[i] == '-' || t[i] == '.'))
				i++;
			if (i - p >= 3 && is_blank(t, i, le))
				end_fence(c, le);
			return;
		}
		if (run >= c->fence_len && ch == c->fence_char && is_blank(t, p + indent_of(t, p, le) + run, le))
			end_fence(c, le);
		return;
	}
	if (is_blank(t, p, le)) {
		end_para(c);
		return;
	}
	size_t ts;
	int lv = atx_level(t, p, le, &ts);
	if (lv) {
		heading(c, lv, p, le, ts, le);
		return;
	}
	int ch;
	size_t run = fence_run(t, p, le, &ch);
	if (run || (p == 0 && le == 3 && !memcmp(t, "---", 3))) {
		end_para(c);
		c->in_fence = 1;
		c->fence_char = run ? ch : '-';
		c->fence_len = run ? run : 3;
		c->fence_start = p;
		return;
	}
	if (c->in_para && c->para_lines == 1 && (lv = setext_level(t, p, le)) != 0) {
		size_t s = c->para_start;
		c->in_para = 0;
		heading(c, lv, s, le, s, c->para_end);
		return;
	}
	para_line(c, p, le);
}

/* Code: a block ends at a blank line followed by a line at column 0 that does not close
 * the block before it ("}" or ")"). */
static void code_line(struct chunker *c, size_t p, size_t le)
{
	const char *t = c->t;
	if (is_blank(t, p, le)) {
		c->pending_blank = 1;
		return;
	}
	if (c->in_para && c->pending_blank && !is_ws_byte(t[p]) && t[p] != '}' && t[p] != ')' &&
	    t[p] != ']')
		end_para(c);
	c->pending_blank = 0;
	para_line(c, p, le);
}

static void page_break(struct chunker *c, size_t at)
{
	end_para(c);
	if (c->in_fence) {
		end_fence(c, at);
		c->in_fence = 1;
		c->fence_start = at + 1;
	}
	c->pending_blank = 0;
	hard_break(c);
}

static size_t *positions(const char *t, size_t len, char ch, size_t *n)
{
	size_t cap = 0, k = 0;
	size_t *v = NULL;
	const char *p = t, *end = t + len;
	while (p < end && (p = memchr(p, ch, (size_t)(end - p))) != NULL) {
		v = xgrow(v, &cap, k + 1, sizeof *v);
		v[k++] = (size_t)(p - t);
		p++;
	}
	*n = k;
	return v;
}

void chunk_text(const char *text, size_t len, enum text_kind kind, const struct chunk_opts *o,
		struct chunk_list *out)
{
	struct chunker c;
	memset(&c, 0, sizeof c);
	c.t = text;
	c.out = out;
	c.target = o && o->target_chars ? o->target_chars : IDX_CHUNK_CHARS;
	c.overlap = o ? o->overlap_chars : 0;
	if (c.overlap > c.target / 2)
		c.overlap = c.target / 2;
	c.mode = kind == TEXT_MARKDOWN || kind == TEXT_HTML ? MODE_MARKDOWN
		 : kind == TEXT_CODE ? MODE_CODE : MODE_PROSE;
	if (len == 0)
		return;
	c.nl = positions(text, len, '\n', &c.nnl);
	c.ff = positions(text, len, '\f', &c.nff);

	size_t p = 0;
	while (p < len) {
		size_t le = p;
		while (le < len && text[le] != '\n' && text[le] != '\f')
			le++;
		if (c.mode == MODE_MARKDOWN) {
			markdown_line(&c, p, le);
		} else if (c.mode == MODE_CODE) {
			code_line(&c, p, le);
		} else if (is_blank(text, p, le)) {
			end_para(&c);
		} else {
			para_line(&c, p, le);
		}
		if (le < len && text[le] == '\f')
			page_break(&c, le);
		p = le + 1;
	}
	end_para(&c);
	if (c.in_fence)
		end_fence(&c, len);
	flush(&c);
	for (int i = 0; i < 6; i++)
		free(c.hd[i]);
	free(c.nl);
	free(c.ff);
}

void chunk_list_free(struct chunk_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].heading);
		free(l->v[i].text);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
