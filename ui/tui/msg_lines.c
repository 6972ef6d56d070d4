/* msg_lines.c - a message's screen lines (see msg_lines.h). */
#include "ui/tui/msg_lines.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/answer/cost.h"
#include "core/answer/record.h"
#include "core/answer/turn.h"
#include "ui/render/answer.h"
#include "ui/render/md.h"
#include "ui/render/wrap.h"
#include "ui/term/term.h"
#include "ui/tui/conv.h"

/* Sources in the order to show them: cited ones by first mention in the answer (markers as
 * core/answer/cite.h finds them, so none inside code), then those verification marked cited or
 * attached, then the retrieved-but-uncited ones in rank order. */
static void source_order(struct msg *m)
{
	const struct cite_map *map = m->turn ? turn_sources(m->turn) : NULL;
	size_t n = map ? map->n : 0;
	m->order = xrealloc(m->order, (n ? n : 1) * sizeof *m->order);
	m->norder = 0;
	bool *seen = xcalloc(n ? n : 1, sizeof *seen);
	for (size_t i = 0; i < m->ans.nmentions; i++) {
		int k = m->ans.mentions[i];
		if (k >= 1 && (size_t)k <= n && !seen[k - 1]) {
			seen[k - 1] = true;
			m->order[m->norder++] = (size_t)k - 1;
		}
	}
	for (size_t i = 0; i < n; i++) /* core may know of citations the text does not show */
		if (!seen[i] && (map->v[i].cited || map->v[i].auto_attached)) {
			seen[i] = true;
			m->order[m->norder++] = i;
		}
	m->ncited = m->norder;
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			m->order[m->norder++] = i;
	free(seen);
}

/* ---- verification on the screen ----------------------------------------------------------
 * result->verify gives each checked sentence as bytes of the raw answer; the screen shows
 * the sanitized text, so the ranges are moved there first. */

struct vmarks {
	const struct verify_result *v;
	size_t *start, *end;         /* per sentence, bytes of the sanitized text */
	struct md_mark *marks;
	size_t nmarks, cap;
	char **labels;               /* owned label texts */
	size_t nlabels;
};

static void mark_add(struct vmarks *vm, size_t start, size_t end, int slot, const char *label, int label_slot)
{
	vm->marks = xgrow(vm->marks, &vm->cap, vm->nmarks + 1, sizeof *vm->marks);
	vm->marks[vm->nmarks++] = (struct md_mark){start, end, slot, label, label_slot};
}

static int cmp_mark(const void *a, const void *b)
{
	const struct md_mark *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Ascending raw offsets to offsets in the sanitized text: the pieces between them,
 * sanitized one by one, add up to it (sanitize keeps no state between calls). */
static void safe_offsets(const struct msg *m, size_t *pos, size_t n)
{
	struct buf tmp = {0};
	size_t raw_at = 0, safe_at = 0;
	for (size_t i = 0; i < n; i++) {
		size_t p = pos[i] < m->raw.len ? pos[i] : m->raw.len;
		if (m->ans.changed && p > raw_at) {
			buf_reset(&tmp);
			sanitize(m->raw.p + raw_at, p - raw_at, 0, &tmp);
			safe_at += tmp.len;
			raw_at = p;
		} else if (!m->ans.changed) {
			safe_at = p;
		}
		pos[i] = safe_at < m->ans.safe.len ? safe_at : m->ans.safe.len;
	}
	buf_free(&tmp);
}

/* The checked sentence holding byte off of the sanitized text, or NULL. */
static const struct verify_sentence *sentence_at(const struct vmarks *vm, size_t off)
{
	size_t lo = 0, hi = vm->v ? vm->v->n : 0;
	while (lo < hi) { /* the first sentence that ends after off */
		size_t mid = lo + (hi - lo) / 2;
		if (vm->end[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return vm->v && lo < vm->v->n && vm->start[lo] <= off ? &vm->v->v[lo] : NULL;
}

/* A citation is unsupported when one of its numbers names a source that does not back
 * the sentence it stands in. */
static bool marker_unsupported(const struct vmarks *vm, const struct cite_seg *seg)
{
	const struct verify_sentence *vs = sentence_at(vm, seg->start);
	for (int k = 0; vs && k < seg->nids; k++)
		for (int j = 0; j < vs->nsources; j++)
			if (vs->sources[j] == seg->ids[k] && !vs->holds[j])
				return true;
	return false;
}

static int marker_slot(void *ctx, const struct cite_seg *seg)
{
	const struct vmarks *vm = ctx;
	if (seg->ninvalid)
		return SLOT_CHAT_CITATION_BAD;
	return vm && marker_unsupported(vm, seg) ? SLOT_CHAT_UNSUPPORTED : SLOT_CHAT_CITATION;
}

/* What verification found, as marks on the sanitized answer: an unsupported citation gets
 * a "?" (and chat.unsupported, from marker_slot); under the `label` policy an uncited
 * sentence is model knowledge (chat.uncited and a label); a source verification attached
 * is named after its sentence. An answer with no evidence at all (policy `answer`) is
 * chat.uncited as a whole. Resumed sessions without per-sentence results get no marks. */
static void verification_marks(const struct msg *m, struct vmarks *vm)
{
	memset(vm, 0, sizeof *vm);
	const struct turn_result *r = m->result;
	size_t len = m->ans.safe.len;
	if (!r || !len)
		return;
	if (r->not_grounded && !r->label_uncited) {
		mark_add(vm, 0, len, SLOT_CHAT_UNCITED, NULL, 0);
		return;
	}
	const struct verify_result *v = r->verify;
	if (!v || !v->n)
		return;
	vm->v = v;
	size_t *pos = xmalloc(2 * v->n * sizeof *pos);
	for (size_t i = 0; i < v->n; i++) {
		pos[2 * i] = v->v[i].start;
		pos[2 * i + 1] = v->v[i].start + v->v[i].len;
	}
	safe_offsets(m, pos, 2 * v->n);
	vm->start = xmalloc(v->n * sizeof *vm->start);
	vm->end = xmalloc(v->n * sizeof *vm->end);
	vm->labels = xcalloc(v->n, sizeof *vm->labels);
	const char *safe = buf_str(&m->ans.safe);
	for (size_t i = 0; i < v->n; i++) {
		const struct verify_sentence *vs = &v->v[i];
		size_t s = pos[2 * i], e = pos[2 * i + 1];
		while (e > s && (safe[e - 1] == ' ' || safe[e - 1] == '\t' || safe[e - 1] == '\n'))
			e--; /* the label goes after the last word */
		vm->start[i] = s;
		vm->end[i] = e;
		if (vs->status == VERIFY_UNCITED && r->label_uncited) {
			mark_add(vm, s, e, SLOT_CHAT_UNCITED, " (model knowledge)", SLOT_CHAT_UNCITED);
		} else if (vs->status == VERIFY_ATTACHED && vs->nsources) {
			vm->labels[vm->nlabels] = xasprintf(" [auto: %d]", vs->sources[0]);
			mark_add(vm, e, e, -1, vm->labels[vm->nlabels++], SLOT_CHAT_ATTACHED);
		}
	}
	free(pos);
	const struct cite_segs *segs = &m->ans.segs;
	for (size_t i = 0; i < segs->n; i++)
		if (segs->v[i].kind == CITE_MARKER && !segs->v[i].ninvalid && marker_unsupported(vm, &segs->v[i]))
			mark_add(vm, segs->v[i].start + segs->v[i].len, segs->v[i].start + segs->v[i].len, -1, "?",
				 SLOT_CHAT_UNSUPPORTED);
	if (vm->nmarks)
		qsort(vm->marks, vm->nmarks, sizeof *vm->marks, cmp_mark);
}

static void vmarks_free(struct vmarks *vm)
{
	for (size_t i = 0; i < vm->nlabels; i++)
		free(vm->labels[i]);
	free(vm->labels);
	free(vm->start);
	free(vm->end);
	free(vm->marks);
}

/* ---- building a message's lines ------------------------------------------------------------ */

/* Under an answer: how it ended, its sources, time, tokens and grounding, and what
 * verification found wrong. */
static void answer_footer(const struct msg *m, struct buf *foot)
{
	const struct turn_result *r = m->result;
	if ((r->outcome != TURN_COMPLETED || r->not_grounded) && r->message)
		buf_addf(foot, "[%s] %s", r->outcome_name, r->message);
	else if (r->extractive)
		buf_adds(foot, "extractive answer: sentences quoted from your documents, no model");
	size_t nsrc = m->turn ? turn_sources(m->turn)->n : 0;
	buf_addf(foot, "%s%zu source%s · %.0f ms", foot->len ? " · " : "", nsrc, nsrc == 1 ? "" : "s", r->total_ms);
	if (r->completion_tokens > 0)
		buf_addf(foot, " · %lld tok", r->completion_tokens);
	const struct verify_result *v = r->verify;
	if (r->extractive && r->quoted_passages) {
		record_figure(foot, r);
	} else if (r->grounding >= 0 && (nsrc || r->label_uncited)) {
		buf_addf(foot, " · grounding %.0f%%", 100 * r->grounding);
		if (v && v->n)
			buf_addf(foot, " (%d/%zu)", v->supported, v->n);
	}
	int unsupported = 0;
	for (size_t i = 0; v && i < v->n; i++)
		unsupported += v->v[i].status == VERIFY_UNSUPPORTED;
	if (unsupported)
		buf_addf(foot, " · %d unsupported", unsupported);
	if (r->citations_invalid)
		buf_addf(foot, " · %d invalid citation%s", r->citations_invalid, r->citations_invalid == 1 ? "" : "s");
	if (v && v->attached)
		buf_adds(foot, " · sources attached automatically");
	/* The cost, where the model has a price and a server was asked. */
	if (r->priced && !r->extractive && (r->prompt_tokens || r->completion_tokens)) {
		char money[48];
		buf_addf(foot, " · %s for %lld+%lld tokens",
			 cost_format(r->cost_micros, m->currency ? m->currency : "$", money, sizeof money),
			 r->prompt_tokens, r->completion_tokens);
	}
}

static void answer_lines(struct msg *m, int width)
{
	const struct cite_map *map = m->turn ? turn_sources(m->turn) : NULL;
	int nsrc = map ? (int)map->n : 0;
	struct md_opts o = {.width = width, .base_slot = SLOT_CHAT_ASSISTANT, .nsources = nsrc, .marker_slot = marker_slot};
	if (m->full || m->width != width || !m->streaming) {
		lines_clear(&m->lines);
		struct buf head = {0};
		buf_addf(&head, "footnote · %s · %s", m->profile ? m->profile : "?", m->model ? m->model : "?");
		char *h = sanitize_str(buf_str(&head), SAN_ONELINE);
		wrap_plain(h, strlen(h), width, SLOT_CHAT_META, &m->lines);
		free(h);
		buf_free(&head);
		answer_begin(&m->ans, &m->lines);
		m->full = false;
	}
	if (m->streaming) {
		answer_stream(&m->ans, buf_str(&m->raw), m->raw.len, &o, &m->lines);
	} else {
		answer_sanitize(&m->ans, buf_str(&m->raw), m->raw.len, nsrc);
		struct vmarks vm;
		verification_marks(m, &vm);
		o.ctx = &vm;
		o.marks = vm.marks;
		o.nmarks = vm.nmarks;
		answer_render(&m->ans, &o, &m->lines);
		vmarks_free(&vm);
	}
	struct buf foot = {0};
	if (m->streaming)
		buf_adds(&foot, "▍");
	else if (m->result)
		answer_footer(m, &foot);
	if (foot.len) {
		char *f = sanitize_str(buf_str(&foot), SAN_ONELINE);
		wrap_plain(f, strlen(f), width,
			   m->result && m->result->outcome != TURN_COMPLETED && m->result->outcome != TURN_DECLINED
				   ? SLOT_CHAT_ERROR : SLOT_CHAT_META,
			   &m->lines);
		free(f);
	}
	buf_free(&foot);
	source_order(m);
}


/* Two answers side by side (one above the other when the pane is too narrow for two
 * readable columns). */
static void compare_lines(struct msg *m, int width)
{
	bool stacked = width < 60;
	int w = stacked ? width : (width - 3) / 2, w2 = stacked ? width : width - 3 - w;
	if (!m->stale && m->width == width && !m->side[0].stale && !m->side[1].stale)
		return;
	msg_lines_build(&m->side[0], w);
	msg_lines_build(&m->side[1], w2);
	lines_clear(&m->lines);
	if (stacked) {
		for (int i = 0; i < 2; i++)
			for (size_t j = 0; j < m->side[i].lines.n; j++) {
				const struct line *ln = &m->side[i].lines.v[j];
				lines_add(&m->lines, ln->text, ln->len, ln->spans, ln->nspans);
			}
	} else {
		lines_side_by_side(&m->side[0].lines, w, &m->side[1].lines, " │ ", SLOT_BORDER, &m->lines);
	}
	m->stacked = stacked;
	m->width = width;
	m->stale = false;
}

void msg_lines_build(struct msg *m, int width)
{
	if (m->role == ROLE_COMPARE) {
		compare_lines(m, width);
		return;
	}
	if (!m->stale && m->width == width)
		return;
	if (m->role == ROLE_ASSISTANT) {
		answer_lines(m, width);
	} else {
		lines_clear(&m->lines);
		struct buf safe = {0};
		sanitize(buf_str(&m->raw), m->raw.len, 0, &safe);
		if (m->role == ROLE_USER)
			wrap_plain("you", 3, width, SLOT_CHAT_USER, &m->lines);
		wrap_plain(buf_str(&safe), safe.len, width, m->role == ROLE_USER ? SLOT_DEFAULT : SLOT_CHAT_META,
			   &m->lines);
		buf_free(&safe);
	}
	wrap_plain("", 0, width, SLOT_DEFAULT, &m->lines);
	m->width = width;
	m->stale = false;
}
