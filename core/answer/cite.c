/* cite.c - the citation marker parser (see cite.h).
 *
 * One byte at a time through three small machines: code (normal, inline span, fence), a
 * held run of backticks or tildes whose length decides what it opens or closes, and a held
 * marker candidate. The candidate is re-parsed whole at every byte (it is at most HOLD_MAX
 * bytes), which keeps the grammar in one function. When a candidate fails, its first byte is
 * text and the rest is fed again, so "[[1]" still finds "[1]". A Markdown link "[2](url)" is
 * not a marker, so a bracketed marker is held one byte past its "]". */
#include "core/answer/cite.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xmalloc.h"

enum { HOLD_MAX = 64, MAX_DIGITS = 3 };
enum code_state { C_NORMAL, C_INLINE, C_FENCE };
/* V_COMPLETE: "[2]" is whole but waits for one more byte, since "[2](url)" is a link. */
enum verdict { V_REJECT, V_PREFIX, V_COMPLETE, V_ACCEPT };

struct cite_parser {
	int nsources;
	size_t fed;              /* bytes fed */
	size_t done;             /* bytes classified; the held bytes start here */
	enum cite_kind pend_kind;
	size_t pend_start;       /* classified but not yet reported: [pend_start, done) */
	/* code */
	enum code_state code;
	size_t code_len;         /* inline: opening run length; fence: fence length */
	char code_ch;            /* fence character */
	bool bol;                /* at the beginning of a line (only spaces so far) */
	int indent;
	/* a run of backticks or tildes */
	char run_ch;
	size_t run_len;
	bool run_bol;            /* began where a fence may begin */
	/* a marker candidate */
	char hold[HOLD_MAX];
	size_t nhold;
	/* where spans go during a feed */
	cite_fn fn;
	void *ctx;
};

struct cite_parser *cite_parser_new(int nsources)
{
	struct cite_parser *p = xcalloc(1, sizeof *p);
	p->nsources = nsources;
	p->bol = true;
	return p;
}

void cite_parser_free(struct cite_parser *p)
{
	free(p);
}

size_t cite_held(const struct cite_parser *p)
{
	return p->fed - p->done;
}

static void flush(struct cite_parser *p)
{
	if (p->done > p->pend_start && p->fn) {
		struct cite_seg s = {.kind = p->pend_kind, .start = p->pend_start, .len = p->done - p->pend_start};
		p->fn(p->ctx, &s);
	}
	p->pend_start = p->done;
}

/* The next n bytes are of this kind. */
static void classify(struct cite_parser *p, enum cite_kind kind, size_t n)
{
	if (kind != p->pend_kind) {
		flush(p);
		p->pend_kind = kind;
	}
	p->done += n;
}

/* ---- the marker grammar ------------------------------------------------------------------ */

static bool is_opener(uint32_t c) { return c == '[' || c == 0x3010 || c == 0xFF3B; }
static bool is_closer(uint32_t c) { return c == ']' || c == 0x3011 || c == 0xFF3D; }
static bool is_space(uint32_t c) { return c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000; }
static bool is_sep(uint32_t c) { return c == ',' || c == ';' || c == 0xFF0C || c == 0x3001 || c == 0xFF1B; }
static bool is_dash(uint32_t c) { return c == '-' || c == 0x2012 || c == 0x2013 || c == 0xFF0D; }

static int digit_of(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 0xFF10 && c <= 0xFF19)
		return (int)(c - 0xFF10);
	return -1;
}

static uint32_t lower(uint32_t c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* "[source 1]", "[ref 2]": the words a model puts before a number. */
static const char *const words[] = {"source", "sources", "src", "ref", "refs"};

static bool word_prefix(const char *w, size_t n, bool whole)
{
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) >= n && !memcmp(words[i], w, n) && (!whole || strlen(words[i]) == n))
			return true;
	return false;
}

enum mstate { M_BEGIN, M_WORD, M_AFTER_WORD, M_NUM, M_NUM_END, M_SEP, M_DASH, M_DAGGER };

struct mparse {
	enum mstate st;
	char word[8];
	size_t nword;
	int num, digits;
	int range_from;          /* -1, or the number before a dash */
	bool last_was_range;
	struct cite_seg *seg;
};

static bool push_id(struct mparse *m, int id)
{
	if (m->seg->nids >= CITE_MAX_IDS)
		return false;
	m->seg->ids[m->seg->nids++] = id;
	return true;
}

/* A number just ended: record it (or the range it closes). */
static bool end_number(struct mparse *m)
{
	if (m->range_from < 0) {
		m->last_was_range = false;
		return push_id(m, m->num);
	}
	if (m->num < m->range_from)
		return false;
	for (int i = m->range_from + 1; i <= m->num; i++)
		if (!push_id(m, i))
			return false;
	m->range_from = -1;
	m->last_was_range = true;
	return true;
}

/* One code point of the inside; V_ACCEPT when it closes a complete marker. */
static enum verdict mstep(struct mparse *m, uint32_t c)
{
	int d = digit_of(c);
	switch (m->st) {
	case M_BEGIN:
		if (is_space(c) || (c == '^' && !m->nword))
			return V_PREFIX;
		if (d >= 0)
			break;
		if (lower(c) >= 'a' && lower(c) <= 'z') {
			m->word[m->nword++] = (char)lower(c);
			m->st = M_WORD;
			return word_prefix(m->word, m->nword, false) ? V_PREFIX : V_REJECT;
		}
		return V_REJECT;
	case M_WORD:
		if (lower(c) >= 'a' && lower(c) <= 'z' && m->nword < sizeof m->word) {
			m->word[m->nword++] = (char)lower(c);
			return word_prefix(m->word, m->nword, false) ? V_PREFIX : V_REJECT;
		}
		if (!word_prefix(m->word, m->nword, true) || !(is_space(c) || c == ':' || c == '#'))
			return V_REJECT;
		m->st = M_AFTER_WORD;
		return V_PREFIX;
	case M_AFTER_WORD:
		if (is_space(c) || c == ':' || c == '#')
			return V_PREFIX;
		if (d >= 0)
			break;
		return V_REJECT;
	case M_NUM:
		if (d >= 0) {
			if (++m->digits > MAX_DIGITS)
				return V_REJECT;
			m->num = m->num * 10 + d;
			return V_PREFIX;
		}
		if (!end_number(m))
			return V_REJECT;
		m->st = M_NUM_END;
		/* the code point after a number: */
		__attribute__((fallthrough));
	case M_NUM_END:
		if (is_space(c))
			return V_PREFIX;
		if (is_closer(c))
			return V_ACCEPT;
		if (is_sep(c)) {
			m->st = M_SEP;
			return V_PREFIX;
		}
		if (is_dash(c) && !m->last_was_range) {
			m->range_from = m->seg->ids[m->seg->nids - 1];
			m->st = M_DASH;
			return V_PREFIX;
		}
		if (c == 0x2020) { /* 【1†source】 */
			m->st = M_DAGGER;
			return V_PREFIX;
		}
		if (d >= 0) /* "[1 2]" */
			break;
		return V_REJECT;
	case M_SEP:
	case M_DASH:
		if (is_space(c))
			return V_PREFIX;
		if (d >= 0)
			break;
		return V_REJECT;
	case M_DAGGER:
		if (is_closer(c))
			return V_ACCEPT;
		return c == '\n' || is_opener(c) ? V_REJECT : V_PREFIX;
	}
	/* d >= 0: a number begins */
	m->st = M_NUM;
	m->num = d;
	m->digits = 1;
	return V_PREFIX;
}

static size_t opener_len(const char *s, size_t n, bool *partial)
{
	static const char *const openers[] = {"[", "\xe3\x80\x90", "\xef\xbc\xbb"};
	*partial = false;
	for (size_t i = 0; i < 3; i++) {
		size_t ol = strlen(openers[i]);
		if (n >= ol && !memcmp(s, openers[i], ol))
			return ol;
		if (n < ol && !memcmp(s, openers[i], n))
			*partial = true;
	}
	return 0;
}

/* The verdict on a whole candidate: s starts with (part of) an opener. */
static enum verdict judge(const char *s, size_t n, struct cite_seg *seg)
{
	bool partial;
	size_t i = opener_len(s, n, &partial);
	if (!i)
		return partial ? V_PREFIX : V_REJECT;
	memset(seg, 0, sizeof *seg);
	struct mparse m = {.st = M_BEGIN, .range_from = -1, .seg = seg};
	while (i < n) {
		uint32_t c;
		int k = utf8_decode(s + i, n - i, &c);
		if (k < 0) /* an incomplete code point at the end waits for its next byte */
			return n < HOLD_MAX ? V_PREFIX : V_REJECT;
		if (k == 0)
			return V_REJECT;
		enum verdict v = mstep(&m, c);
		i += (size_t)k;
		if (v == V_REJECT)
			return V_REJECT;
		if (v == V_ACCEPT) {
			if (*s != '[') /* 【1】 and ［1］ are never links */
				return i == n ? V_ACCEPT : V_REJECT;
			if (i == n) /* wait for a "(" only while there is room to hold it */
				return n < HOLD_MAX ? V_COMPLETE : V_REJECT;
			return i + 1 == n && s[i] != '(' ? V_ACCEPT : V_REJECT;
		}
	}
	return n < HOLD_MAX ? V_PREFIX : V_REJECT;
}

/* ---- the byte machine -------------------------------------------------------------------- */

static void step(struct cite_parser *p, char c);

static void emit_marker(struct cite_parser *p, struct cite_seg *seg)
{
	flush(p);
	seg->kind = CITE_MARKER;
	seg->start = p->done;
	seg->len = p->nhold;
	for (int i = 0; i < seg->nids; i++) {
		seg->valid[i] = seg->ids[i] >= 1 && seg->ids[i] <= p->nsources;
		seg->ninvalid += !seg->valid[i];
	}
	if (p->fn)
		p->fn(p->ctx, seg);
	p->done += p->nhold;
	p->pend_start = p->done;
	p->nhold = 0;
	p->bol = false;
}

/* The candidate is not a marker: its first byte is text, the rest is looked at again. */
static void release(struct cite_parser *p)
{
	char again[HOLD_MAX];
	size_t n = p->nhold;
	memcpy(again, p->hold, n);
	p->nhold = 0;
	classify(p, CITE_TEXT, 1);
	p->bol = false;
	for (size_t i = 1; i < n; i++)
		step(p, again[i]);
}

static void resolve_run(struct cite_parser *p)
{
	size_t n = p->run_len;
	p->run_len = 0;
	if (p->code == C_NORMAL) {
		if (p->run_bol && n >= 3) {
			p->code = C_FENCE;
			p->code_ch = p->run_ch;
			p->code_len = n;
		} else if (p->run_ch == '`') {
			p->code = C_INLINE;
			p->code_len = n;
		} else {
			classify(p, CITE_TEXT, n);
			p->bol = false;
			return;
		}
	} else if (p->code == C_INLINE ? n == p->code_len : n >= p->code_len) {
		classify(p, CITE_CODE, n);
		p->code = C_NORMAL;
		p->bol = false;
		return;
	}
	classify(p, CITE_CODE, n);
	p->bol = false;
}

static void line_byte(struct cite_parser *p, char c)
{
	if (c == '\n') {
		p->bol = true;
		p->indent = 0;
	} else if (c == ' ' && p->bol) {
		p->indent++;
	} else {
		p->bol = false;
	}
}

static void step(struct cite_parser *p, char c)
{
	if (p->nhold) {
		p->hold[p->nhold++] = c;
		struct cite_seg seg;
		enum verdict v = judge(p->hold, p->nhold, &seg);
		if (v == V_ACCEPT && p->hold[0] == '[') { /* the byte after "]" was not "(" */
			p->nhold--;
			emit_marker(p, &seg);
			step(p, c);
		} else if (v == V_ACCEPT) {
			emit_marker(p, &seg);
		} else if (v == V_REJECT) {
			release(p);
		}
		return;
	}
	if (p->run_len) {
		if (c == p->run_ch) {
			p->run_len++;
			return;
		}
		resolve_run(p);
	}
	bool may_fence = p->bol && p->indent <= 3;
	if (p->code == C_FENCE) {
		if (c == p->code_ch && may_fence) {
			p->run_ch = c;
			p->run_len = 1;
			p->run_bol = true;
			return;
		}
		classify(p, CITE_CODE, 1);
		line_byte(p, c);
		return;
	}
	if (c == '`' || (c == '~' && may_fence && p->code == C_NORMAL)) {
		p->run_ch = c;
		p->run_len = 1;
		p->run_bol = may_fence;
		return;
	}
	if (p->code == C_INLINE) {
		/* A code span ends at its closing run or, here, at the end of the line: a stray
		 * backtick must not swallow every later marker. */
		if (c == '\n') {
			p->code = C_NORMAL;
			classify(p, CITE_TEXT, 1);
		} else {
			classify(p, CITE_CODE, 1);
		}
		line_byte(p, c);
		return;
	}
	unsigned char u = (unsigned char)c;
	if (u == '[' || u == 0xE3 || u == 0xEF) {
		p->hold[0] = c;
		p->nhold = 1;
		return;
	}
	classify(p, CITE_TEXT, 1);
	line_byte(p, c);
}

void cite_feed(struct cite_parser *p, const char *s, size_t len, cite_fn fn, void *ctx)
{
	p->fn = fn;
	p->ctx = ctx;
	for (size_t i = 0; i < len; i++) {
		p->fed++;
		step(p, s[i]);
	}
	flush(p);
	p->fn = NULL;
}

void cite_finish(struct cite_parser *p, cite_fn fn, void *ctx)
{
	p->fn = fn;
	p->ctx = ctx;
	for (;;) {
		struct cite_seg seg;
		if (p->nhold && judge(p->hold, p->nhold, &seg) == V_COMPLETE)
			emit_marker(p, &seg);
		else if (p->nhold)
			release(p);
		else if (p->run_len)
			resolve_run(p);
		else
			break;
	}
	flush(p);
	p->fn = NULL;
}

/* ---- the whole-text form ----------------------------------------------------------------- */

static void collect(void *ctx, const struct cite_seg *seg)
{
	struct cite_segs *out = ctx;
	if (seg->kind == CITE_MARKER) {
		out->markers++;
		out->invalid += seg->ninvalid;
	} else if (out->n && out->v[out->n - 1].kind == seg->kind) {
		out->v[out->n - 1].len += seg->len;
		return;
	}
	out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof *out->v);
	out->v[out->n++] = *seg;
}

void cite_parse(const char *s, size_t len, int nsources, bool final, struct cite_segs *out)
{
	memset(out, 0, sizeof *out);
	struct cite_parser *p = cite_parser_new(nsources);
	cite_feed(p, s, len, collect, out);
	if (final)
		cite_finish(p, collect, out);
	cite_parser_free(p);
}

void cite_segs_free(struct cite_segs *segs)
{
	free(segs->v);
	memset(segs, 0, sizeof *segs);
}
