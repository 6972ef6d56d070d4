/* answer.c - an answer rendered whole, or block by block while it streams (see answer.h). */
#include "ui/render/answer.h"

#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/xmalloc.h"

void answer_free(struct answer *a)
{
	buf_free(&a->safe);
	cite_segs_free(&a->segs);
	free(a->mentions);
	memset(a, 0, sizeof *a);
}

void answer_begin(struct answer *a, const struct lines *out)
{
	buf_reset(&a->safe);
	cite_segs_free(&a->segs);
	a->raw_done = 0;
	a->changed = false;
	a->scan = a->stable = a->fence = 0;
	a->after_blank = false;
	a->first = a->pre_lines = out->n;
	a->pre_code = out->ncode;
	a->nmentions = 0;
}

/* Valid numbers the markers cite, added in order of first mention. */
static void mention(struct answer *a, const struct cite_segs *segs)
{
	for (size_t i = 0; i < segs->n; i++) {
		const struct cite_seg *s = &segs->v[i];
		for (int k = 0; s->kind == CITE_MARKER && k < s->nids; k++) {
			bool seen = !s->valid[k];
			for (size_t j = 0; j < a->nmentions && !seen; j++)
				seen = a->mentions[j] == s->ids[k];
			if (seen)
				continue;
			a->mentions = xgrow(a->mentions, &a->capmentions, a->nmentions + 1, sizeof *a->mentions);
			a->mentions[a->nmentions++] = s->ids[k];
		}
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Moves the scan over the lines that arrived whole; returns the last stable boundary: the
 * start of a line at the left margin after a blank line, with no code fence open. */
static size_t scan_lines(struct answer *a)
{
	const char *s = buf_str(&a->safe);
	size_t stable = a->stable;
	while (a->scan < a->safe.len) {
		const char *nl = memchr(s + a->scan, '\n', a->safe.len - a->scan);
		if (!nl)
			break;
		size_t at = a->scan, end = (size_t)(nl - s), i = at;
		a->scan = end + 1;
		while (i < end && is_blank(s[i]))
			i++;
		if (i == end) {
			if (!a->fence)
				a->after_blank = true;
			continue;
		}
		if (!a->fence && a->after_blank && i == at)
			stable = at;
		a->after_blank = false;
		while (i < end && (s[i] == '>' || is_blank(s[i]))) /* a fence may sit in a quote */
			i++;
		char c = s[i];
		size_t run = 0;
		while ((c == '`' || c == '~') && i + run < end && s[i + run] == c)
			run++;
		if (run < 3)
			continue;
		if (!a->fence) {
			if (c == '~' || !memchr(s + i + run, '`', end - i - run)) {
				a->fence = run;
				a->fence_ch = c;
			}
		} else if (c == a->fence_ch && run >= a->fence) {
			size_t k = i + run;
			while (k < end && is_blank(s[k]))
				k++;
			if (k == end)
				a->fence = 0;
		}
	}
	return stable;
}

/* Renders safe[from, to) after what out holds, one blank line apart from the answer's
 * lines above it (the blank line a whole render puts between two top-level blocks). Not
 * final: a marker still undecided at the end is left out. */
static void piece(struct answer *a, size_t from, size_t to, bool final, const struct md_opts *o,
		  struct lines *out)
{
	const char *text = buf_str(&a->safe) + from;
	struct cite_segs segs = {0};
	cite_parse(text, to - from, o->nsources, final, &segs);
	if (!final)
		to = from + (segs.n ? segs.v[segs.n - 1].start + segs.v[segs.n - 1].len : 0);
	mention(a, &segs);
	if (to > from) {
		bool sep = out->n > a->first;
		if (sep)
			lines_add(out, "", 0, NULL, 0);
		size_t n0 = out->n;
		struct md_opts po = *o;
		po.cites = &segs;
		po.base = from;
		po.marks = NULL;
		po.nmarks = 0;
		md_render(text, to - from, &po, out);
		if (sep && out->n == n0)
			lines_truncate(out, n0 - 1, out->ncode);
	}
	cite_segs_free(&segs);
}

void answer_stream(struct answer *a, const char *raw, size_t len, const struct md_opts *o,
		   struct lines *out)
{
	if (len > a->raw_done) {
		size_t n = sanitize_hold(raw + a->raw_done, len - a->raw_done);
		if (sanitize(raw + a->raw_done, n, 0, &a->safe))
			a->changed = true;
		a->raw_done += n;
	}
	lines_truncate(out, a->pre_lines, a->pre_code);
	size_t stable = scan_lines(a);
	if (stable > a->stable) {
		piece(a, a->stable, stable, true, o, out);
		a->stable = stable;
		a->pre_lines = out->n;
		a->pre_code = out->ncode;
	}
	piece(a, a->stable, a->safe.len, false, o, out);
}

void answer_sanitize(struct answer *a, const char *raw, size_t len, int nsources)
{
	buf_reset(&a->safe);
	a->changed = sanitize(raw, len, 0, &a->safe) != 0;
	a->raw_done = len;
	cite_segs_free(&a->segs);
	cite_parse(buf_str(&a->safe), a->safe.len, nsources, true, &a->segs);
	a->nmentions = 0;
	mention(a, &a->segs);
}

void answer_render(struct answer *a, const struct md_opts *o, struct lines *out)
{
	struct md_opts po = *o;
	po.cites = &a->segs;
	po.base = 0;
	md_render(buf_str(&a->safe), a->safe.len, &po, out);
}
