/* verify.c - citation checking and grounding (see verify.h).
 *
 * The score, 0..1: the claim's content terms (the index tokenizer's stems, no stopwords),
 * each weighted by its length as a cheap stand-in for rarity (there is no corpus-wide IDF
 * at answer time); half is the weighted share of them found anywhere in the passage, half
 * the share found in the passage's best single sentence (a crude alignment).
 *
 * The threshold was set on tests/data/verify_pairs.tsv, built by tests/tools/verify_set.py
 * from SciFact: each of the 809 claims with a judgment, paired with its relevant abstract
 * (supported), with the non-relevant abstract closest to it under BM25 ("hard": lexically
 * closest, about something else) and with the 20th closest ("near"). The claims at even
 * positions chose the threshold (best accuracy on supported vs. hard), the odd ones measured:
 *
 *     threshold 0.59   hard: 0.614 calibration, 0.590 held out   near: 0.686 held out
 *                      all claims: hard 0.602, near 0.697
 *
 * That is the ceiling of term overlap on SciFact: its claims are written apart from the
 * abstracts (paraphrased, abstracted, often with none of the abstract's words for the key
 * idea), and the hard negative is by construction as close lexically as the positive. Other
 * scores tried scored the same within noise (held out, hard): plain share 0.554, best
 * sentence alone 0.598, best two sentences 0.583, adjacent term pairs 0.579, share of the
 * longest terms 0.553. An answer sentence is usually far closer to the passage it was
 * written from than a SciFact claim to its abstract (an extractive sentence scores 1), so
 * the check is mostly good at catching a citation of a passage about something else.
 * tests/unit/test_verify.c recomputes the accuracy on a sample. */
#include "core/answer/verify.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "index/idx.h"

/* ---- term sets --------------------------------------------------------------------------- */

struct terms {
	char **v;
	size_t n, cap;
	bool sorted;
};

static int add_term(void *ctx, const char *term, size_t len, bool stopword)
{
	struct terms *t = ctx;
	if (stopword || len < 2)
		return 0;
	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
	t->v[t->n++] = xstrndup(term, len);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted and without duplicates. */
static void terms_of(struct idx_tokenizer *tok, const char *s, size_t len, struct terms *t)
{
	memset(t, 0, sizeof *t);
	idx_tokenize(tok, s, len, add_term, t);
	if (!t->n)
		return;
	qsort(t->v, t->n, sizeof *t->v, cmp_str);
	size_t k = 1;
	for (size_t i = 1; i < t->n; i++) {
		if (strcmp(t->v[i], t->v[k - 1]))
			t->v[k++] = t->v[i];
		else
			free(t->v[i]);
	}
	t->n = k;
}

static bool terms_has(const struct terms *t, const char *s)
{
	return t->n && bsearch(&s, t->v, t->n, sizeof *t->v, cmp_str) != NULL;
}

static void terms_free(struct terms *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	memset(t, 0, sizeof *t);
}

static double weight(const char *term)
{
	size_t n = strlen(term);
	return (double)(n < 12 ? n : 12);
}

/* A text as its sequence of content terms, each with the sentence it is in, and the set. */
struct seq {
	struct terms set;
	char **v;
	int *sent;
	size_t n, cap, scap;
	int nsent;
	int cur;
};

static int add_seq(void *ctx, const char *term, size_t len, bool stopword)
{
	struct seq *q = ctx;
	if (stopword || len < 2)
		return 0;
	q->v = xgrow(q->v, &q->cap, q->n + 1, sizeof *q->v);
	q->sent = xgrow(q->sent, &q->scap, q->n + 1, sizeof *q->sent);
	q->sent[q->n] = q->cur;
	q->v[q->n++] = xstrndup(term, len);
	return 0;
}

static bool ends_here(const char *s, size_t i, char next);

static void seq_of(struct idx_tokenizer *tok, const char *s, size_t len, struct seq *q)
{
	memset(q, 0, sizeof *q);
	size_t a = 0;
	for (size_t i = 0; i < len; i++) {
		if (i + 1 == len || ends_here(s, i, s[i + 1])) {
			idx_tokenize(tok, s + a, i + 1 - a, add_seq, q);
			q->cur++;
			a = i + 1;
		}
	}
	q->nsent = q->cur;
	terms_of(tok, s, len, &q->set);
}

static void seq_free(struct seq *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->v[i]);
	free(q->v);
	free(q->sent);
	terms_free(&q->set);
}

static double uni(const struct terms *claim, const struct terms *passage)
{
	double all = 0, found = 0;
	for (size_t i = 0; i < claim->n; i++) {
		double w = weight(claim->v[i]);
		all += w;
		if (terms_has(passage, claim->v[i]))
			found += w;
	}
	return all > 0 ? found / all : 0;
}

/* The same share within the passage's best single sentence: the alignment part. */
static double best_sentence(const struct seq *c, const struct seq *p)
{
	double all = 0;
	for (size_t i = 0; i < c->set.n; i++)
		all += weight(c->set.v[i]);
	if (all <= 0)
		return 0;
	double best = 0;
	for (int s = 0; s < p->nsent; s++) {
		double found = 0;
		for (size_t i = 0; i < c->set.n; i++)
			for (size_t k = 0; k < p->n; k++)
				if (p->sent[k] == s && !strcmp(p->v[k], c->set.v[i])) {
					found += weight(c->set.v[i]);
					break;
				}
		if (found / all > best)
			best = found / all;
	}
	return best;
}

static double support(const struct seq *c, const struct seq *p)
{
	return 0.5 * uni(&c->set, &p->set) + 0.5 * best_sentence(c, p);
}

double verify_support(struct idx_tokenizer *tok, const char *claim, size_t clen, const char *passage,
		      size_t plen)
{
	struct seq c, p;
	seq_of(tok, claim, clen, &c);
	seq_of(tok, passage, plen, &p);
	double s = support(&c, &p);
	seq_free(&c);
	seq_free(&p);
	return s;
}

/* ---- sentences --------------------------------------------------------------------------- */

struct draft {
	size_t start, end;
	struct buf text;         /* the prose, without markers */
	int ids[CITE_MAX_IDS];
	int nids;
	bool has_text;
};

struct split {
	const char *answer;
	struct draft *v;
	size_t n, cap;
	struct draft cur;
	bool tail_open;          /* the last sentence may still take markers ("... level. [1]") */
};

static void add_ids(struct draft *d, const struct cite_seg *seg)
{
	for (int i = 0; i < seg->nids; i++) {
		bool dup = false;
		for (int k = 0; k < d->nids && !dup; k++)
			dup = d->ids[k] == seg->ids[i];
		if (!dup && d->nids < CITE_MAX_IDS)
			d->ids[d->nids++] = seg->ids[i];
	}
	if (seg->start + seg->len > d->end)
		d->end = seg->start + seg->len;
}

static void finish_sentence(struct split *sp)
{
	if (sp->cur.has_text || sp->cur.nids) {
		sp->v = xgrow(sp->v, &sp->cap, sp->n + 1, sizeof *sp->v);
		sp->v[sp->n++] = sp->cur;
		sp->tail_open = true;
	} else {
		buf_free(&sp->cur.text);
	}
	memset(&sp->cur, 0, sizeof sp->cur);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Does a sentence end after s[i]? (next is the byte after, or 0 at the end of the span) */
static bool ends_here(const char *s, size_t i, char next)
{
	char c = s[i];
	if (c == '\n')
		return true;
	if ((c == '.' || c == '!' || c == '?') && (next == 0 || is_blank(next)))
		return true;
	/* 。！？ */
	return i >= 2 && (!memcmp(s + i - 2, "\xe3\x80\x82", 3) || !memcmp(s + i - 2, "\xef\xbc\x81", 3) ||
			  !memcmp(s + i - 2, "\xef\xbc\x9f", 3));
}

static void split_text(struct split *sp, const struct cite_seg *seg, bool last)
{
	const char *s = sp->answer;
	size_t end = seg->start + seg->len;
	for (size_t i = seg->start; i < end; i++) {
		if (!sp->cur.has_text) {
			if (is_blank(s[i]))
				continue;
			sp->tail_open = false;
			sp->cur.has_text = true;
			if (!sp->cur.nids)
				sp->cur.start = i;
		}
		buf_addc(&sp->cur.text, s[i]);
		sp->cur.end = i + 1;
		char next = i + 1 < end ? s[i + 1] : last ? 0 : s[end];
		if (ends_here(s, i, next))
			finish_sentence(sp);
	}
}

static void split_answer(struct split *sp, const struct cite_segs *segs)
{
	for (size_t k = 0; k < segs->n; k++) {
		const struct cite_seg *seg = &segs->v[k];
		if (seg->kind == CITE_MARKER) {
			if (!sp->cur.has_text && sp->tail_open && sp->n) {
				add_ids(&sp->v[sp->n - 1], seg);
			} else {
				if (!sp->cur.has_text && !sp->cur.nids)
					sp->cur.start = seg->start;
				add_ids(&sp->cur, seg);
			}
		} else if (seg->kind == CITE_CODE && memchr(sp->answer + seg->start, '\n', seg->len)) {
			/* A code block is not a sentence, and ends the one before it. */
			finish_sentence(sp);
			sp->tail_open = false;
		} else {
			/* Text, or inline code, which belongs to its sentence. A marker right after a
			 * span ends the sentence like white space would. */
			bool last = k + 1 == segs->n || segs->v[k + 1].kind == CITE_MARKER;
			split_text(sp, seg, last);
		}
	}
	finish_sentence(sp);
}

/* ---- checking ---------------------------------------------------------------------------- */

const char *verify_status_name(int status)
{
	switch (status) {
	case VERIFY_SUPPORTED: return "supported";
	case VERIFY_UNSUPPORTED: return "unsupported";
	case VERIFY_UNCITED: return "uncited";
	case VERIFY_ATTACHED: return "auto-attached";
	}
	return "?";
}

struct checker {
	struct idx_tokenizer *tok;
	const struct cite_map *m;
	struct seq *src;       /* per source, computed when first needed */
	bool *have;
};

static const struct seq *source_seq(struct checker *c, int n)
{
	const struct source *s = cite_map_get(c->m, n);
	if (!s)
		return NULL;
	if (!c->have[n - 1]) {
		seq_of(c->tok, s->text, strlen(s->text), &c->src[n - 1]);
		c->have[n - 1] = true;
	}
	return &c->src[n - 1];
}

static void check_cited(struct checker *c, struct verify_sentence *vs, const struct seq *t,
			const struct draft *d, struct verify_result *r)
{
	vs->status = VERIFY_UNSUPPORTED;
	for (int i = 0; i < d->nids; i++) {
		vs->sources[vs->nsources] = d->ids[i];
		const struct seq *st = source_seq(c, d->ids[i]);
		double s = st ? support(t, st) : 0;
		if (!st)
			r->invalid++;
		if (s > vs->score)
			vs->score = s;
		vs->holds[vs->nsources++] = st && s >= VERIFY_THRESHOLD;
		if (st && s >= VERIFY_THRESHOLD)
			vs->status = VERIFY_SUPPORTED;
	}
}

/* No marker anywhere: the best source, when it holds. */
static void attach(struct checker *c, struct verify_sentence *vs, const struct seq *t)
{
	int best = 0;
	for (size_t i = 0; i < c->m->n; i++) {
		double s = support(t, source_seq(c, c->m->v[i].n));
		if (s > vs->score) {
			vs->score = s;
			best = c->m->v[i].n;
		}
	}
	if (best && vs->score >= VERIFY_THRESHOLD) {
		vs->status = VERIFY_ATTACHED;
		vs->sources[0] = best;
		vs->holds[0] = true;
		vs->nsources = 1;
	}
}

struct verify_result *verify_answer(const char *answer, size_t len, const struct cite_map *m,
				    const char *language)
{
	struct verify_result *r = xcalloc(1, sizeof *r);
	struct cite_segs segs;
	cite_parse(answer, len, (int)m->n, true, &segs);
	r->markers = segs.markers;
	r->attached = segs.markers == 0 && m->n > 0;
	struct split sp = {.answer = answer};
	split_answer(&sp, &segs);
	cite_segs_free(&segs);

	struct checker c = {idx_tokenizer_new(language), m, xcalloc(m->n + 1, sizeof *c.src),
			    xcalloc(m->n + 1, sizeof *c.have)};
	if (!c.tok)
		c.tok = idx_tokenizer_new("none");
	r->v = xcalloc(sp.n + 1, sizeof *r->v);
	for (size_t i = 0; i < sp.n; i++) {
		struct draft *d = &sp.v[i];
		struct seq t;
		seq_of(c.tok, buf_str(&d->text), d->text.len, &t);
		if (t.set.n >= 2 || d->nids) {
			struct verify_sentence *vs = &r->v[r->n++];
			vs->start = d->start;
			vs->len = d->end - d->start;
			vs->status = VERIFY_UNCITED;
			if (d->nids)
				check_cited(&c, vs, &t, d, r);
			else if (r->attached)
				attach(&c, vs, &t);
			r->supported += vs->status == VERIFY_SUPPORTED || vs->status == VERIFY_ATTACHED;
		}
		seq_free(&t);
		buf_free(&d->text);
	}
	free(sp.v);
	for (size_t i = 0; i < m->n; i++)
		if (c.have[i])
			seq_free(&c.src[i]);
	free(c.src);
	free(c.have);
	idx_tokenizer_free(c.tok);
	r->grounding = r->n ? (double)r->supported / (double)r->n : 0;
	return r;
}

void verify_free(struct verify_result *r)
{
	if (!r)
		return;
	free(r->v);
	free(r);
}

void verify_mark(const struct verify_result *r, struct cite_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		m->v[i].cited = m->v[i].verified = m->v[i].auto_attached = false;
	for (size_t i = 0; r && i < r->n; i++) {
		const struct verify_sentence *vs = &r->v[i];
		for (int k = 0; k < vs->nsources; k++) {
			int n = vs->sources[k];
			if (n < 1 || (size_t)n > m->n)
				continue;
			struct source *s = &m->v[n - 1];
			if (vs->status == VERIFY_ATTACHED)
				s->auto_attached = true;
			else
				s->cited = true;
			if (vs->holds[k])
				s->verified = true;
		}
	}
}
