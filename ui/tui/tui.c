/* tui.c - the terminal interface: chat pane, sources pane, input box, status bar.
 *
 * One loop on the main thread: poll(stdin, channel) -> handle keys and messages -> mark
 * dirty -> draw once per pass. The index watcher and the net thread only ever talk to it
 * through the channel. Every string from a model, a document or a file name passes
 * sanitize() before it is drawn. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "core/app/chan.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/net/net.h"
#include "core/net/secret.h"
#include "core/session/session.h"
#include "core/app/setup.h"
#include "core/answer/turn.h"
#include "ui/render/answer.h"
#include "ui/tui/clip.h"
#include "ui/cmd/cmds.h"
#include "ui/render/hl.h"
#include "ui/tui/keys.h"
#include "ui/render/md.h"
#include "ui/tui/pick_sessions.h"
#include "ui/term/term.h"
#include "ui/render/theme.h"
#include "ui/render/wrap.h"

enum { MSG_IDX = 200, FRAME_MS = 15 };
/* ROLE_COMPARE: one question's two answers (/compare), side by side; each side is an
 * assistant message of its own, kept in the compare message and not in the list. */
enum role { ROLE_USER, ROLE_ASSISTANT, ROLE_NOTE, ROLE_COMPARE };
enum focus { FOCUS_INPUT, FOCUS_CHAT, FOCUS_SOURCES, FOCUS_COUNT };
enum src_state { SRC_FRESH, SRC_CHANGED, SRC_MISSING };

/* What we last saw of a source's file: re-stat on selection, hash only when it moved. */
struct src_check {
	bool done;
	struct timespec mtime;
	off_t size;
	enum src_state state;
};

struct idx_msg {
	struct chan_msg base;
	struct idx_event ev; /* strings below are owned copies */
	char *path, *message;
};

struct msg {
	enum role role;
	struct buf raw;              /* source of truth: what was said */
	struct buf reasoning;        /* assistant: the model's reasoning, saved with the session */
	struct turn *turn;           /* assistant: sources and provenance */
	struct turn_result *result;  /* assistant, once finished */
	char *profile, *model;
	bool streaming;              /* compare: while either side streams */
	size_t tokens;
	double started_ms;
	uint64_t gen;                /* assistant: the generation its turn's messages carry */
	size_t session_turn;         /* assistant: its turn in t->session */
	struct lines lines;          /* derived for `width` */
	int width;
	bool stale;                  /* lines need rebuilding (text arrived, the answer ended) */
	bool full;                   /* the next build renders the answer whole */
	struct answer ans;           /* assistant: the body's rendering state */
	struct msg *side;            /* compare: the two answers */
	int side_sel;                /* compare: the side whose sources are shown */
	bool stacked;                /* compare: too narrow, drawn one above the other */
	char *question;              /* assistant: what was asked (terms to highlight) */
	struct hl_terms *terms;      /* made when its sources are first drawn */
	struct src_check *checks;    /* per source, by index in the citation map */
	size_t *order;               /* sources to show: cited (first mention) then the rest */
	size_t norder, ncited;
};

struct tui {
	struct cli *cli;
	const struct config *cfg;
	struct chan *chan;
	struct net *net;             /* NULL when every profile is builtin */
	idx *ix;
	struct setup setup;
	struct idx_watch *watch;
	struct idx_sink *setup_sink;
	const struct cfg_profile *profile;

	struct msg *msgs;
	size_t nmsgs, capmsgs;
	size_t selected;             /* assistant message whose sources are shown */
	uint64_t gen;                /* generation of the streaming turn */

	struct buf input;
	size_t cursor;               /* byte offset in input */
	char **history;
	size_t nhistory, hist_pos;
	bool pasting;

	enum focus focus;
	int scroll;                  /* chat lines scrolled up from the bottom */
	size_t last_total;           /* chat lines at the last draw */
	size_t source_sel;
	bool show_sources, show_help, show_preview;
	bool ctrl_c_armed;
	bool quit;
	bool dirty;                  /* something to draw */
	bool urgent;                 /* a key was handled: draw now, not at the next frame */

	struct keymap keys;
	/* Chat cursor (shown while the chat has focus): a line of a message. */
	size_t cur_msg, cur_line;
	int chat_w, chat_h;          /* chat text area at the last draw */
	/* Search in the conversation. */
	bool search_edit;            /* typing the query in the status line */
	struct buf search;
	size_t match_abs, match_off; /* the current match: chat line and byte in it */
	bool match_valid;
	size_t copy_code_next;       /* `c` again copies the next block of the message */
	/* Profile picker and help overlays. */
	bool picker;
	size_t picker_sel;
	int help_top;
	char **models;               /* per profile: /model override, or NULL */

	char *notice;                /* one-line status message */
	bool notice_error;
	struct idx_event idx_state;
	char *idx_error;
	bool indexing;

	struct session *session;     /* the conversation on disk; NULL until the first question */
	const struct cfg_profile *compare_next[2]; /* /compare armed: the next question goes to both */
	struct session_picker *sessions; /* the /sessions overlay, when open */
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void set_notice(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_notice(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[512];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	free(t->notice);
	t->notice = sanitize_str(tmp, SAN_ONELINE);
	t->notice_error = error;
	t->dirty = true;
}

/* ---- index events, posted from the watcher thread ------------------------------------ */

static void idx_msg_free(struct chan_msg *m)
{
	struct idx_msg *im = (struct idx_msg *)m;
	free(im->path);
	free(im->message);
	free(im);
}

static void on_index_event(void *ctx, const struct idx_event *ev)
{
	struct chan *chan = ctx;
	if (ev->kind == IDX_EV_FILE)
		return; /* counts arrive with progress events: no need to wake the UI per file */
	struct idx_msg *m = xcalloc(1, sizeof *m);
	m->base.kind = MSG_IDX;
	m->base.free = idx_msg_free;
	m->ev = *ev;
	m->path = ev->path ? xstrdup(ev->path) : NULL;
	m->message = ev->message ? xstrdup(ev->message) : NULL;
	m->ev.path = m->path;
	m->ev.message = m->message;
	chan_send(chan, &m->base);
}

/* ---- messages --------------------------------------------------------------------------- */

static struct msg *add_msg(struct tui *t, enum role role, const char *text)
{
	t->msgs = xgrow(t->msgs, &t->capmsgs, t->nmsgs + 1, sizeof *t->msgs);
	struct msg *m = &t->msgs[t->nmsgs++];
	memset(m, 0, sizeof *m);
	m->role = role;
	if (text)
		buf_adds(&m->raw, text);
	m->stale = m->full = true;
	t->dirty = true;
	return m;
}

/* Only the last message can be streaming: a new question waits for the answer before. */
static struct msg *live_msg(struct tui *t)
{
	struct msg *m = t->nmsgs ? &t->msgs[t->nmsgs - 1] : NULL;
	return m && m->streaming ? m : NULL;
}

static bool is_answer(const struct msg *m)
{
	return m->role == ROLE_ASSISTANT || m->role == ROLE_COMPARE;
}

static void free_msg(struct msg *m)
{
	buf_free(&m->raw);
	buf_free(&m->reasoning);
	if (m->turn)
		turn_free(m->turn);
	turn_result_free(m->result);
	free(m->profile);
	free(m->model);
	lines_free(&m->lines);
	answer_free(&m->ans);
	free(m->question);
	hl_terms_free(m->terms);
	free(m->checks);
	free(m->order);
	for (int i = 0; m->side && i < 2; i++)
		free_msg(&m->side[i]);
	free(m->side);
}

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
	if (r->grounding >= 0 && (nsrc || r->label_uncited)) {
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

static void build_lines(struct msg *m, int width);

/* Two answers side by side (one above the other when the pane is too narrow for two
 * readable columns). */
static void compare_lines(struct msg *m, int width)
{
	bool stacked = width < 60;
	int w = stacked ? width : (width - 3) / 2, w2 = stacked ? width : width - 3 - w;
	if (!m->stale && m->width == width && !m->side[0].stale && !m->side[1].stale)
		return;
	build_lines(&m->side[0], w);
	build_lines(&m->side[1], w2);
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

static void build_lines(struct msg *m, int width)
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

/* ---- sessions ---------------------------------------------------------------------------
 * The question is saved as soon as it is asked, with its sources and provenance; the answer
 * when its TURN_END arrives. Each save is atomic, so a kill loses at most the answer that
 * was streaming. */

static void session_save_now(struct tui *t)
{
	char *err = NULL;
	if (session_save(t->session, t->cfg->sessions_dir, &err) < 0) {
		log_error("session: %s", err);
		set_notice(t, true, "the conversation was not saved: %s", err);
		free(err);
	}
}

/* A compared question is saved as two turns, one per profile. */
static void session_begin(struct tui *t, const char *question, struct msg *a)
{
	if (!t->session)
		t->session = session_new(question);
	a->session_turn = session_add(t->session, question, turn_provenance(a->turn), turn_sources(a->turn), NULL,
				      NULL, NULL);
	session_save_now(t);
}

static void session_end(struct tui *t, const struct msg *a, const struct turn_result *r)
{
	struct session *s = t->session;
	if (!s || a->session_turn >= s->nturns || s->turns[a->session_turn].finished)
		return;
	/* The sources were saved when the question was asked; verification has marked them
	 * since (turn_finish). */
	struct cite_map *saved = &s->turns[a->session_turn].map;
	const struct cite_map *now = turn_sources(a->turn);
	for (size_t i = 0; i < saved->n && i < now->n; i++) {
		saved->v[i].cited = now->v[i].cited;
		saved->v[i].verified = now->v[i].verified;
		saved->v[i].auto_attached = now->v[i].auto_attached;
	}
	session_finish(s, a->session_turn, buf_str(&a->raw), buf_str(&a->reasoning), r);
	session_save_now(t);
}

/* The answers still streaming: the live message, or the live sides of a comparison.
 * Returns how many (0..2). */
static int live_answers(struct tui *t, struct msg **out)
{
	struct msg *live = live_msg(t);
	int n = 0;
	if (live && live->role == ROLE_COMPARE) {
		for (int i = 0; i < 2; i++)
			if (live->side[i].streaming)
				out[n++] = &live->side[i];
	} else if (live) {
		out[n++] = live;
	}
	return n;
}

/* Before the conversation is dropped: an answer still streaming is saved as it stands. */
static void session_close(struct tui *t)
{
	struct msg *live[2];
	int n = live_answers(t, live);
	for (int i = 0; i < n && t->session; i++) {
		struct turn_result r = {.outcome = TURN_CANCELLED, .outcome_name = (char *)"cancelled",
					.message = (char *)"Stopped when the conversation was closed.",
					.grounding = -1, .total_ms = now_ms() - live[i]->started_ms};
		session_end(t, live[i], &r);
	}
	session_free(t->session);
	t->session = NULL;
}

/* Drops the conversation on screen (after session_close): what streams is cancelled. */
static void clear_msgs(struct tui *t)
{
	struct msg *live[2];
	int n = live_answers(t, live);
	for (int i = 0; i < n; i++)
		turn_cancel(live[i]->turn);
	for (size_t i = 0; i < t->nmsgs; i++)
		free_msg(&t->msgs[i]);
	t->nmsgs = 0;
	t->selected = t->cur_msg = t->cur_line = 0;
	t->gen++;
}

/* Shows a saved session again, each answer with its sources; new questions continue it.
 * Returns 0, or -1 and *err (caller frees). */
static int session_resume(struct tui *t, const char *prefix, char **err)
{
	const char *dir = t->cfg->sessions_dir;
	char *id = NULL, *path = NULL;
	struct session *s = NULL;
	if (session_resolve(dir, prefix, &id, err) == 0) {
		path = session_path(dir, id);
		session_load(path, &s, err);
	}
	free(path);
	free(id);
	if (!s)
		return -1;
	session_close(t);
	clear_msgs(t);
	for (size_t i = 0; i < s->nturns; i++) {
		add_msg(t, ROLE_USER, s->turns[i].question);
		struct msg *a = add_msg(t, ROLE_ASSISTANT, s->turns[i].answer);
		buf_adds(&a->reasoning, s->turns[i].reasoning);
		struct cite_map map;
		struct provenance pv;
		session_turn_copy(s, i, &map, &pv, &a->result);
		a->profile = xstrdup(pv.profile);
		a->model = xstrdup(pv.model);
		a->turn = turn_adopt(&map, &pv);
		a->session_turn = i;
	}
	t->session = s;
	t->selected = t->nmsgs ? t->nmsgs - 1 : 0;
	t->source_sel = 0;
	t->scroll = 0;
	set_notice(t, false, "resumed %s: %s", s->id, s->title);
	return 0;
}

static void sessions_open(struct tui *t)
{
	char *err = NULL;
	session_picker_free(t->sessions);
	t->sessions = session_picker_open(t->cfg->sessions_dir, &err);
	if (!t->sessions) {
		set_notice(t, true, "%s", err);
		free(err);
	}
	t->dirty = true;
}

static void sessions_key(struct tui *t, int k)
{
	int r = session_picker_key(t->sessions, k);
	if (r == PICK_CHOSEN) {
		char *id = xstrdup(session_picker_chosen(t->sessions)), *err = NULL;
		if (session_resume(t, id, &err) < 0)
			set_notice(t, true, "%s", err);
		free(err);
		free(id);
	}
	if (r != PICK_STAY) {
		session_picker_free(t->sessions);
		t->sessions = NULL;
	}
	t->dirty = true;
}

/* /export [md|json] [FILE] */
static void export_session(struct tui *t, const char *arg)
{
	const char *format = "md";
	size_t w = strcspn(arg, " ");
	if ((w == 2 && !strncmp(arg, "md", 2)) || (w == 4 && !strncmp(arg, "json", 4))) {
		format = w == 2 ? "md" : "json";
		arg += w + strspn(arg + w, " ");
	}
	if (!t->session) {
		set_notice(t, true, "nothing to export yet: ask a question first");
		return;
	}
	char *written = NULL, *err = NULL;
	if (session_export(t->session, format, *arg ? arg : NULL, &written, &err) < 0) {
		set_notice(t, true, "export failed: %s", err);
	} else {
		char *full = realpath(written, NULL);
		set_notice(t, false, "exported to %s", full ? full : written);
		free(full);
	}
	free(written);
	free(err);
}

/* ---- asking ------------------------------------------------------------------------------ */

static size_t profile_index(const struct tui *t, const struct cfg_profile *p)
{
	return (size_t)(p - t->cfg->profiles.v);
}

/* The model a profile answers with: its /model override, else the configured one. */
static const char *profile_model(const struct tui *t, const struct cfg_profile *p)
{
	const struct cfg_provider *prov = config_provider(t->cfg, p->provider);
	if (prov->kind == PROVIDER_BUILTIN)
		return "extractive";
	const char *o = t->models ? t->models[profile_index(t, p)] : NULL;
	return o ? o : p->model;
}

/* Starts answer a to question with profile p. */
static void start_answer(struct tui *t, struct msg *a, const struct cfg_profile *p, const char *question)
{
	a->role = ROLE_ASSISTANT;
	a->stale = a->full = true;
	a->profile = xstrdup(p->name);
	a->model = xstrdup(profile_model(t, p));
	a->question = xstrdup(question);
	a->streaming = true;
	a->started_ms = now_ms();
	a->gen = ++t->gen;
	/* A /model override answers through a copy of the profile (turn_start reads it only
	 * while starting). */
	struct cfg_profile prof = *p;
	if (prof.model && strcmp(a->model, "extractive"))
		prof.model = a->model;
	struct turn_request req = {t->cfg, &prof, question, NULL, t->ix, t->setup.emb, a->gen, false};
	a->turn = turn_start(&req, t->net, t->chan);
	session_begin(t, question, a);
}

/* Asks the current profile, or the two profiles of an armed /compare. */
static void ask(struct tui *t, const char *question)
{
	if (live_msg(t)) {
		set_notice(t, true, "an answer is still streaming: Esc stops it");
		return;
	}
	add_msg(t, ROLE_USER, question);
	if (t->compare_next[0]) {
		struct msg *c = add_msg(t, ROLE_COMPARE, NULL);
		c->side = xcalloc(2, sizeof *c->side);
		c->streaming = true;
		c->started_ms = now_ms();
		for (int i = 0; i < 2; i++)
			start_answer(t, &c->side[i], t->compare_next[i], question);
		t->compare_next[0] = t->compare_next[1] = NULL;
	} else {
		start_answer(t, add_msg(t, ROLE_ASSISTANT, NULL), t->profile, question);
	}
	t->selected = t->nmsgs - 1;
	t->source_sel = 0;
	t->show_preview = false;
	t->scroll = 0;
}

/* The answer a turn message is for: the live message, or the side of a live comparison
 * with its generation. NULL for an older, cancelled turn. */
static struct msg *turn_target(struct tui *t, uint64_t gen)
{
	struct msg *live[2];
	int n = live_answers(t, live);
	for (int i = 0; i < n; i++)
		if (live[i]->gen == gen)
			return live[i];
	return NULL;
}

static void handle_turn(struct tui *t, struct turn_msg *m)
{
	struct msg *a = turn_target(t, m->base.gen), *live = live_msg(t);
	if (!a)
		return;
	if (m->base.kind == TURN_TEXT) {
		buf_adds(&a->raw, m->text);
		a->tokens++;
		a->stale = live->stale = true;
	} else if (m->base.kind == TURN_REASONING) {
		buf_adds(&a->reasoning, m->text);
	} else if (m->base.kind == TURN_NOTICE) {
		set_notice(t, false, "%s", m->text);
	} else if (m->base.kind == TURN_END) {
		a->result = m->result;
		m->result = NULL;
		turn_finish(a->turn, a->result);
		a->streaming = false;
		a->stale = live->stale = true;
		if (live->role == ROLE_COMPARE)
			live->streaming = live->side[0].streaming || live->side[1].streaming;
		if (a->result->outcome != TURN_COMPLETED && a->result->outcome != TURN_DECLINED)
			set_notice(t, true, "%s%s%s: %s", live != a ? a->profile : "", live != a ? ": " : "",
				   a->result->outcome_name, a->result->message ? a->result->message : "");
		session_end(t, a, a->result);
	}
	t->dirty = true;
}

static void cancel(struct tui *t)
{
	struct msg *live[2];
	int n = live_answers(t, live);
	for (int i = 0; i < n; i++)
		turn_cancel(live[i]->turn);
	if (n)
		set_notice(t, false, "stopping the answer%s…", n > 1 ? "s" : "");
}

/* /compare A B [QUESTION]: the question (else the last one asked, else the next one) goes
 * to profiles A and B at once; both answers are shown side by side. */
static void compare_cmd(struct tui *t, const char *arg)
{
	const struct cfg_profile *p[2] = {NULL, NULL};
	char name[2][128];
	for (int i = 0; i < 2; i++) {
		size_t w = strcspn(arg, " ,");
		snprintf(name[i], sizeof name[i], "%.*s", (int)w, arg);
		p[i] = *name[i] ? config_profile(t->cfg, name[i]) : NULL;
		arg += w;
		arg += strspn(arg, " ,");
		if (!p[i]) {
			struct buf names = {0};
			for (size_t k = 0; k < t->cfg->profiles.n; k++)
				buf_addf(&names, "%s%s", k ? ", " : "", t->cfg->profiles.v[k].name);
			if (*name[i])
				set_notice(t, true, "no profile \"%s\"; profiles: %s", name[i], buf_str(&names));
			else
				set_notice(t, true, "/compare takes two profiles: /compare A B [QUESTION] (profiles: %s)",
					   buf_str(&names));
			buf_free(&names);
			return;
		}
	}
	const char *question = *arg ? arg : NULL;
	for (size_t i = t->nmsgs; !question && i > 0; i--)
		if (t->msgs[i - 1].role == ROLE_USER)
			question = buf_str(&t->msgs[i - 1].raw);
	t->compare_next[0] = p[0];
	t->compare_next[1] = p[1];
	if (!question) {
		set_notice(t, false, "the next question goes to %s and %s, side by side", p[0]->name, p[1]->name);
		return;
	}
	char *q = xstrdup(question); /* the message holding it may move */
	ask(t, q);
	free(q);
	if (t->compare_next[0]) { /* still streaming: nothing was asked */
		t->compare_next[0] = t->compare_next[1] = NULL;
		return;
	}
	set_notice(t, false, "comparing %s and %s (←/→ picks the side whose sources are shown)", p[0]->name,
		   p[1]->name);
}

/* ---- slash commands ---------------------------------------------------------------------- */

static void switch_profile(struct tui *t, const struct cfg_profile *p)
{
	t->profile = p;
	const struct cfg_provider *prov = config_provider(t->cfg, p->provider);
	set_notice(t, false, "profile %s: %s%s", p->name,
		   prov->kind == PROVIDER_BUILTIN ? "offline extractive answers" : profile_model(t, p),
		   p->retrieval.enabled ? ", with retrieval" : ", no retrieval");
}

static void show_help(struct tui *t)
{
	t->show_help = !t->show_help;
	t->help_top = 0;
	t->dirty = true;
}

/* /model NAME: this session's profile answers with NAME; /model alone goes back. */
static void set_model(struct tui *t, const char *name)
{
	const struct cfg_provider *prov = config_provider(t->cfg, t->profile->provider);
	if (prov->kind == PROVIDER_BUILTIN) {
		set_notice(t, true, "profile %s answers offline (builtin): it has no model to change",
			   t->profile->name);
		return;
	}
	if (!t->models)
		t->models = xcalloc(t->cfg->profiles.n, sizeof *t->models);
	char **slot = &t->models[profile_index(t, t->profile)];
	free(*slot);
	*slot = *name ? xstrdup(name) : NULL;
	if (*name)
		set_notice(t, false, "profile %s now uses model %s (this session; /model alone resets)",
			   t->profile->name, name);
	else
		set_notice(t, false, "profile %s uses its configured model %s again", t->profile->name,
			   t->profile->model);
}

static void command(struct tui *t, const char *line)
{
	char name[32] = "";
	const char *arg = line + 1 + strcspn(line + 1, " ");
	snprintf(name, sizeof name, "%.*s", (int)strcspn(line + 1, " "), line + 1);
	while (*arg == ' ')
		arg++;
	if (!strcmp(name, "quit") || !strcmp(name, "q")) {
		t->quit = true;
	} else if (!strcmp(name, "help")) {
		show_help(t);
	} else if (!strcmp(name, "profile")) {
		const struct cfg_profile *p = config_profile(t->cfg, arg);
		if (p) {
			switch_profile(t, p);
		} else {
			struct buf names = {0};
			for (size_t i = 0; i < t->cfg->profiles.n; i++)
				buf_addf(&names, "%s%s", i ? ", " : "", t->cfg->profiles.v[i].name);
			set_notice(t, true, "no profile \"%s\"; profiles: %s", arg, buf_str(&names));
			buf_free(&names);
		}
	} else if (!strcmp(name, "new")) {
		session_close(t);
		clear_msgs(t);
		set_notice(t, false, "new conversation");
	} else if (!strcmp(name, "reindex")) {
		if (t->watch) {
			idx_watch_rescan(t->watch);
			set_notice(t, false, "rescanning the folders…");
		} else {
			set_notice(t, true, "the index is not open: %s", t->idx_error ? t->idx_error : "");
		}
	} else if (!strcmp(name, "sessions")) {
		sessions_open(t);
	} else if (!strcmp(name, "export")) {
		export_session(t, arg);
	} else if (!strcmp(name, "model")) {
		set_model(t, arg);
	} else if (!strcmp(name, "compare")) {
		compare_cmd(t, arg);
	} else {
		set_notice(t, true, "unknown command /%s (try /help)", name);
	}
}

/* ---- input ------------------------------------------------------------------------------- */

static void input_insert(struct tui *t, const char *s, size_t n)
{
	struct buf nb = {0};
	buf_add(&nb, t->input.p, t->cursor);
	buf_add(&nb, s, n);
	buf_add(&nb, t->input.p + t->cursor, t->input.len - t->cursor);
	buf_free(&t->input);
	t->input = nb;
	t->cursor += n;
}

static size_t prev_char(const struct buf *b, size_t at)
{
	while (at > 0 && ((unsigned char)b->p[--at] & 0xC0) == 0x80)
		;
	return at;
}

static size_t next_char(const struct buf *b, size_t at)
{
	if (at < b->len)
		at++;
	while (at < b->len && ((unsigned char)b->p[at] & 0xC0) == 0x80)
		at++;
	return at;
}

static void input_delete(struct tui *t, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(t->input.p + from, t->input.p + to, t->input.len - to);
	t->input.len -= to - from;
	t->input.p[t->input.len] = '\0';
	t->cursor = from;
}

static void input_set(struct tui *t, const char *s)
{
	buf_reset(&t->input);
	buf_adds(&t->input, s);
	t->cursor = t->input.len;
}

static void history_add(struct tui *t, const char *s)
{
	if (t->nhistory && !strcmp(t->history[t->nhistory - 1], s))
		return;
	t->history = xrealloc(t->history, (t->nhistory + 1) * sizeof *t->history);
	t->history[t->nhistory++] = xstrdup(s);
	FILE *f = fopen(t->cfg->history_file, "a");
	if (f) {
		/* One entry per line; newlines inside an entry are kept as \n escapes. */
		for (const char *p = s; *p; p++) {
			if (*p == '\n')
				fputs("\\n", f);
			else if (*p == '\\')
				fputs("\\\\", f);
			else
				fputc(*p, f);
		}
		fputc('\n', f);
		fclose(f);
	}
}

static void history_load(struct tui *t)
{
	FILE *f = fopen(t->cfg->history_file, "r");
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		struct buf b = {0};
		for (ssize_t i = 0; i < n; i++) {
			if (line[i] == '\\' && i + 1 < n) {
				buf_addc(&b, line[i + 1] == 'n' ? '\n' : line[i + 1]);
				i++;
			} else {
				buf_addc(&b, line[i]);
			}
		}
		t->history = xrealloc(t->history, (t->nhistory + 1) * sizeof *t->history);
		t->history[t->nhistory++] = buf_detach(&b);
	}
	free(line);
	fclose(f);
}

static void submit(struct tui *t)
{
	char *text = buf_detach(&t->input);
	t->cursor = 0;
	const char *p = text;
	while (*p == ' ' || *p == '\n')
		p++;
	if (*p) {
		history_add(t, p);
		t->hist_pos = t->nhistory;
		if (p[0] == '/')
			command(t, p);
		else
			ask(t, p);
	}
	free(text);
	t->dirty = true;
}

/* ---- sources: selection, staleness, opening ------------------------------------------------ */

/* The answer whose sources are shown: the selected message, or its chosen side. */
static struct msg *selected_msg(struct tui *t)
{
	struct msg *m = t->selected < t->nmsgs ? &t->msgs[t->selected] : NULL;
	if (m && m->role == ROLE_COMPARE)
		return &m->side[m->side_sel];
	return m && m->role == ROLE_ASSISTANT ? m : NULL;
}

/* The source at position i of the shown order, or NULL. */
static const struct source *shown_source(const struct msg *m, size_t i, size_t *map_index)
{
	if (!m || !m->turn || i >= m->norder)
		return NULL;
	const struct cite_map *map = turn_sources(m->turn);
	if (m->order[i] >= map->n)
		return NULL;
	if (map_index)
		*map_index = m->order[i];
	return &map->v[m->order[i]];
}

static int hash_file(const char *path, uint64_t *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	XXH3_state_t *st = XXH3_createState();
	XXH3_64bits_reset(st);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		XXH3_64bits_update(st, buf, n);
	int err = ferror(f);
	fclose(f);
	*out = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return err ? -1 : 0;
}

/* Re-stats one source's file (on selection, never on a timer): when size or mtime moved
 * since the last look, the content hash decides, against the hash the index had when the
 * answer was given. */
static void check_source(struct msg *m, size_t i)
{
	const struct cite_map *map = m->turn ? turn_sources(m->turn) : NULL;
	if (!map || i >= map->n)
		return;
	if (!m->checks)
		m->checks = xcalloc(map->n, sizeof *m->checks);
	struct src_check *c = &m->checks[i];
	struct stat st;
	if (stat(map->v[i].path, &st) < 0) {
		*c = (struct src_check){true, {0, 0}, 0, SRC_MISSING};
		return;
	}
	if (c->done && c->state != SRC_MISSING && c->size == st.st_size && c->mtime.tv_sec == st.st_mtim.tv_sec &&
	    c->mtime.tv_nsec == st.st_mtim.tv_nsec)
		return;
	uint64_t h;
	c->done = true;
	c->mtime = st.st_mtim;
	c->size = st.st_size;
	c->state = hash_file(map->v[i].path, &h) < 0 ? SRC_MISSING
		   : h != map->v[i].content_hash    ? SRC_CHANGED
						    : SRC_FRESH;
}

/* An answer became the selected one: look at all its sources once. */
static void select_msg(struct tui *t, size_t i)
{
	if (i == t->selected && selected_msg(t) && selected_msg(t)->checks)
		return;
	t->selected = i;
	t->source_sel = 0;
	t->show_preview = false;
	struct msg *m = selected_msg(t);
	if (m && m->turn && !m->streaming)
		for (size_t j = 0; j < turn_sources(m->turn)->n; j++)
			check_source(m, j);
}

/* Runs $VISUAL / $EDITOR (else vi) on args, with curses suspended. The editor is a shell
 * word list from the environment; the file names are arguments, never part of the string. */
static int run_editor(const char *arg1, const char *path)
{
	const char *editor = getenv("VISUAL");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	setenv("FN_EDITOR", editor, 1);
	term_suspend();
	pid_t pid = fork();
	if (pid == 0) {
		if (arg1)
			execl("/bin/sh", "sh", "-c", "exec $FN_EDITOR \"$@\"", "sh", arg1, path, (char *)NULL);
		else
			execl("/bin/sh", "sh", "-c", "exec $FN_EDITOR \"$@\"", "sh", path, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	term_resume();
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static bool is_pdf(const struct source *s)
{
	size_t n = strlen(s->path);
	return s->page > 0 || (n > 4 && !strcasecmp(s->path + n - 4, ".pdf"));
}

/* xdg-open in its own session, not waited for: the viewer outlives nothing of ours. */
static int spawn_detached(const char *prog, const char *arg)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		if (fork() != 0)
			_exit(0);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execlp(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static void open_source(struct tui *t)
{
	const struct source *s = shown_source(selected_msg(t), t->source_sel, NULL);
	if (!s) {
		set_notice(t, true, "no source selected");
		return;
	}
	if (is_pdf(s)) {
		if (!prog_in_path("xdg-open")) {
			set_notice(t, true, "%s is a PDF and xdg-open is not installed: open it yourself at page %u",
				   s->path, (unsigned)(s->page ? s->page : 1));
		} else if (spawn_detached("xdg-open", s->path) < 0) {
			set_notice(t, true, "could not start xdg-open");
		} else {
			set_notice(t, false, "opened %s with xdg-open: the passage is on page %u", s->path,
				   (unsigned)(s->page ? s->page : 1));
		}
		return;
	}
	char line[32];
	snprintf(line, sizeof line, "+%u", (unsigned)(s->line_start ? s->line_start : 1));
	if (run_editor(line, s->path) < 0)
		set_notice(t, true, "the editor (%s) did not run cleanly", getenv("FN_EDITOR"));
	t->dirty = true;
}

/* Ctrl-O: the input in $EDITOR; what the file holds afterwards becomes the input. */
static void edit_input(struct tui *t)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/footnote-input-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, t->input.p ? t->input.p : "", t->input.len) != (ssize_t)t->input.len) {
		set_notice(t, true, "cannot write a temporary file for the editor: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(path);
		free(path);
		return;
	}
	close(fd);
	if (run_editor(NULL, path) == 0) {
		FILE *f = fopen(path, "rb");
		struct buf b = {0};
		char chunk[4096];
		size_t n;
		while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(&b, chunk, n);
		if (f)
			fclose(f);
		while (b.len && (b.p[b.len - 1] == '\n' || b.p[b.len - 1] == '\r'))
			b.p[--b.len] = '\0';
		buf_free(&t->input);
		t->input = b;
		t->cursor = t->input.len;
	} else {
		set_notice(t, true, "the editor (%s) did not run cleanly; the input is unchanged", getenv("FN_EDITOR"));
	}
	unlink(path);
	free(path);
	t->dirty = true;
}

/* ---- slash command completion -------------------------------------------------------------- */

static const char *const commands[] = {"profile", "model", "compare", "new", "sessions", "export", "reindex", "help",
				       "quit"};

/* Whether the input ends in a profile name being typed: the argument of "/profile", or
 * one of the first two of "/compare". */
static const char *completing_profile(const char *in)
{
	const char *last = strrchr(in, ' ');
	if (!last)
		return NULL;
	if (!strncmp(in, "/profile ", 9) && last == in + 8)
		return last + 1;
	if (strncmp(in, "/compare ", 9))
		return NULL;
	int words = 0;
	for (const char *p = in + 8; p < last; p++)
		words += *p == ' ' && p[1] != ' ';
	return words <= 1 ? last + 1 : NULL;
}

/* Tab in an input that starts with '/': the command name, or a profile name after
 * "/profile " or "/compare ". One candidate completes; several complete their common
 * prefix and are listed in the status bar. Returns false when there is nothing to complete
 * here. */
static bool complete(struct tui *t)
{
	const char *in = buf_str(&t->input);
	size_t word = strcspn(in, " ");
	const char *arg = completing_profile(in);
	bool profile_arg = arg != NULL;
	if (!t->input.len || in[0] != '/' || t->cursor != t->input.len || (word < t->input.len && !profile_arg))
		return false;
	const char *prefix = profile_arg ? arg : in + 1;
	size_t pl = strlen(prefix), n = 0, common = 0;
	const char *first = NULL;
	struct buf list = {0};
	size_t count = profile_arg ? t->cfg->profiles.n : sizeof commands / sizeof *commands;
	for (size_t i = 0; i < count; i++) {
		const char *c = profile_arg ? t->cfg->profiles.v[i].name : commands[i];
		if (strncmp(c, prefix, pl))
			continue;
		if (!first) {
			first = c;
			common = strlen(c);
		} else {
			size_t k = 0;
			while (k < common && c[k] == first[k])
				k++;
			common = k;
		}
		buf_addf(&list, "%s%s%s", n++ ? " " : "", profile_arg ? "" : "/", c);
	}
	if (!n) {
		set_notice(t, true, "no %s starts with \"%s\"", profile_arg ? "profile" : "command", prefix);
	} else {
		struct buf nb = {0};
		buf_add(&nb, in, (size_t)(prefix - in));
		buf_add(&nb, first, common);
		if (n == 1)
			buf_addc(&nb, ' ');
		else
			set_notice(t, false, "%s", buf_str(&list));
		buf_free(&t->input);
		t->input = nb;
		t->cursor = t->input.len;
	}
	buf_free(&list);
	t->dirty = true;
	return true;
}

/* ---- chat cursor, search, copy ------------------------------------------------------------- */

static size_t chat_total(struct tui *t)
{
	size_t total = 0;
	for (size_t i = 0; i < t->nmsgs; i++) {
		build_lines(&t->msgs[i], t->chat_w > 0 ? t->chat_w : 80);
		total += t->msgs[i].lines.n;
	}
	return total;
}

static size_t cursor_abs(struct tui *t)
{
	size_t abs = 0;
	if (t->cur_msg >= t->nmsgs)
		return chat_total(t) ? chat_total(t) - 1 : 0;
	for (size_t i = 0; i < t->cur_msg; i++)
		abs += t->msgs[i].lines.n;
	return abs + t->cur_line;
}

/* Moves the cursor to chat line abs; the answer under it (or the one after a question)
 * becomes the selected one, whose sources the pane shows. */
static void cursor_set(struct tui *t, size_t abs)
{
	size_t total = chat_total(t);
	if (!total)
		return;
	if (abs >= total)
		abs = total - 1;
	size_t i = 0;
	while (i < t->nmsgs && abs >= t->msgs[i].lines.n)
		abs -= t->msgs[i++].lines.n;
	t->cur_msg = i;
	t->cur_line = abs;
	size_t a = i;
	if (!is_answer(&t->msgs[a]) && a + 1 < t->nmsgs && is_answer(&t->msgs[a + 1]))
		a++;
	if (is_answer(&t->msgs[a]))
		select_msg(t, a);
	/* Keep it on screen: scroll counts lines hidden below the view. */
	size_t pos = cursor_abs(t), h = t->chat_h > 0 ? (size_t)t->chat_h : 1;
	size_t first = total > h ? total - h - (size_t)t->scroll : 0;
	if (pos < first)
		t->scroll = (int)(total - h - pos);
	else if (pos >= first + h)
		t->scroll = (int)(total - pos - 1);
	if (t->scroll < 0 || total <= h)
		t->scroll = 0;
	t->dirty = true;
}

/* Entering the chat: the cursor starts on the selected answer when it is in view, else on
 * the last line in view. */
static void cursor_enter(struct tui *t)
{
	size_t total = chat_total(t), h = t->chat_h > 0 ? (size_t)t->chat_h : 1;
	if (!total)
		return;
	size_t last = total - 1 - (size_t)t->scroll;
	size_t first = total > h ? total - h - (size_t)t->scroll : 0;
	size_t at = 0;
	for (size_t i = 0; i < t->selected && i < t->nmsgs; i++)
		at += t->msgs[i].lines.n;
	if (selected_msg(t) && t->msgs[t->selected].lines.n > 1)
		at++; /* past the "footnote · profile · model" line */
	cursor_set(t, selected_msg(t) && at >= first && at <= last ? at : last);
}

static const struct line *chat_line(struct tui *t, size_t abs, size_t *msg)
{
	for (size_t i = 0; i < t->nmsgs; i++) {
		if (abs < t->msgs[i].lines.n) {
			if (msg)
				*msg = i;
			return &t->msgs[i].lines.v[abs];
		}
		abs -= t->msgs[i].lines.n;
	}
	return NULL;
}

/* Next (dir 1) or previous (-1) match of the query from the cursor; wraps around. */
static void search_step(struct tui *t, int dir, bool include_here)
{
	const char *q = buf_str(&t->search);
	size_t ql = t->search.len, total = chat_total(t), count = 0, index = 0;
	if (!ql || !total)
		return;
	size_t from_abs = t->match_valid ? t->match_abs : cursor_abs(t);
	size_t from_off = t->match_valid ? t->match_off : 0;
	bool found = false;
	size_t best_abs = 0, best_off = 0, first_abs = 0, first_off = 0, last_abs = 0, last_off = 0;
	for (size_t abs = 0; abs < total; abs++) {
		const struct line *ln = chat_line(t, abs, NULL);
		for (size_t off = hl_find(ln->text, ln->len, q, ql, 0); off != SIZE_MAX;
		     off = hl_find(ln->text, ln->len, q, ql, off + 1)) {
			if (!count++) {
				first_abs = abs;
				first_off = off;
			}
			last_abs = abs;
			last_off = off;
			bool after = abs > from_abs || (abs == from_abs && (include_here ? off >= from_off : off > from_off));
			bool before = abs < from_abs || (abs == from_abs && off < from_off);
			if (dir > 0 && after && !found) {
				found = true;
				best_abs = abs;
				best_off = off;
			} else if (dir < 0 && before) {
				found = true;
				best_abs = abs;
				best_off = off;
			}
		}
	}
	if (!count) {
		t->match_valid = false;
		set_notice(t, true, "no match for \"%s\"", q);
		return;
	}
	if (!found) { /* wrap */
		best_abs = dir > 0 ? first_abs : last_abs;
		best_off = dir > 0 ? first_off : last_off;
	}
	for (size_t abs = 0; abs <= best_abs; abs++) {
		const struct line *ln = chat_line(t, abs, NULL);
		for (size_t off = hl_find(ln->text, ln->len, q, ql, 0); off != SIZE_MAX;
		     off = hl_find(ln->text, ln->len, q, ql, off + 1))
			if (abs < best_abs || off <= best_off)
				index++;
	}
	t->match_valid = true;
	t->match_abs = best_abs;
	t->match_off = best_off;
	cursor_set(t, best_abs);
	set_notice(t, false, "match %zu/%zu for \"%s\"%s", index, count, q, found ? "" : " (wrapped)");
}

static void search_key(struct tui *t, int k)
{
	if (k == K_ESC || k == K_CTRL('c') || k == K_CTRL('g')) {
		t->search_edit = false;
		buf_reset(&t->search);
		t->match_valid = false;
		set_notice(t, false, "search closed");
	} else if (k == K_ENTER) {
		t->search_edit = false;
		if (!t->search.len)
			t->match_valid = false;
	} else if (k == K_BACKSPACE) {
		if (t->search.len) {
			size_t at = prev_char(&t->search, t->search.len);
			t->search.len = at;
			t->search.p[at] = '\0';
		}
		t->match_valid = false;
		search_step(t, 1, true);
	} else if (k >= 0x20 && k < 0x110000 && k != 0x7F) {
		char enc[4];
		buf_add(&t->search, enc, utf8_encode((uint32_t)k, enc));
		/* Incremental: the first match from where the search started. */
		search_step(t, 1, true);
	}
	t->dirty = true;
}

static void copy_text(struct tui *t, const char *what, const char *text, size_t len)
{
	struct buf safe = {0};
	sanitize(text, len, 0, &safe);
	char *err = NULL;
	const char *how = clip_copy(buf_str(&safe), safe.len, &err);
	if (how)
		set_notice(t, false, "copied %s (%zu bytes) via %s", what, safe.len, how);
	else
		set_notice(t, true, "copy failed: %s", err ? err : "?");
	free(err);
	buf_free(&safe);
}

static void copy_message(struct tui *t)
{
	if (t->cur_msg >= t->nmsgs) {
		set_notice(t, true, "no message to copy");
		return;
	}
	const struct msg *m = &t->msgs[t->cur_msg];
	if (m->role == ROLE_COMPARE) /* the side whose sources are shown */
		m = &m->side[m->side_sel];
	copy_text(t, m->role == ROLE_USER ? "the question" : "the message", buf_str(&m->raw), m->raw.len);
}

/* The block under the cursor; elsewhere in a message, its blocks in turn. */
static void copy_code(struct tui *t)
{
	if (t->cur_msg >= t->nmsgs) {
		set_notice(t, true, "no code block here");
		return;
	}
	const struct msg *m = &t->msgs[t->cur_msg];
	size_t line = t->cur_line;
	if (m->role == ROLE_COMPARE) { /* the chosen side; its line under the cursor when side by side */
		const struct msg *c = m;
		m = &c->side[c->side_sel];
		line = c->stacked ? SIZE_MAX : line;
	}
	const struct lines *ls = &m->lines;
	if (!ls->ncode) {
		set_notice(t, true, "this message has no code block");
		return;
	}
	size_t b;
	if (line < ls->n && ls->v[line].code)
		b = (size_t)ls->v[line].code - 1;
	else
		b = t->copy_code_next++ % ls->ncode;
	char what[64];
	snprintf(what, sizeof what, "code block %zu/%zu", b + 1, ls->ncode);
	copy_text(t, what, ls->code[b], strlen(ls->code[b]));
}

/* ---- keys ------------------------------------------------------------------------------------ */

static void picker_key(struct tui *t, enum action a, int k)
{
	size_t n = t->cfg->profiles.n;
	if (a == A_UP || k == K_UP)
		t->picker_sel = (t->picker_sel + n - 1) % n;
	else if (a == A_DOWN || k == K_DOWN || a == A_PROFILES)
		t->picker_sel = (t->picker_sel + 1) % n;
	else if (k == K_ENTER) {
		t->picker = false;
		switch_profile(t, &t->cfg->profiles.v[t->picker_sel]);
	} else if (a == A_STOP || a == A_INTERRUPT || k == K_ESC || k == 'q') {
		t->picker = false;
	}
	t->dirty = true;
}

static void help_key(struct tui *t, int k)
{
	if (k == K_UP || k == 'k')
		t->help_top--;
	else if (k == K_DOWN || k == 'j')
		t->help_top++;
	else if (k == K_PGUP)
		t->help_top -= 10;
	else if (k == K_PGDN || k == ' ')
		t->help_top += 10;
	else if (k != K_RESIZE && k != K_WHEEL_UP && k != K_WHEEL_DOWN)
		t->show_help = false;
	if (k == K_WHEEL_UP)
		t->help_top -= 3;
	if (k == K_WHEEL_DOWN)
		t->help_top += 3;
	if (t->help_top < 0)
		t->help_top = 0;
	t->dirty = true;
}

/* In a comparison, the side whose sources the pane shows (0 left, 1 right). */
static void compare_side(struct tui *t, int side)
{
	struct msg *c = t->selected < t->nmsgs ? &t->msgs[t->selected] : NULL;
	if (!c || c->role != ROLE_COMPARE || c->side_sel == side)
		return;
	c->side_sel = side;
	t->source_sel = 0;
	t->show_preview = false;
	struct msg *m = selected_msg(t);
	if (m->turn && !m->streaming)
		for (size_t j = 0; j < turn_sources(m->turn)->n; j++)
			check_source(m, j);
}

static void scroll_by(struct tui *t, int lines)
{
	t->scroll += lines;
	if (t->scroll < 0)
		t->scroll = 0;
	t->dirty = true;
}

/* Keys with the focus in the chat or the sources. */
static void view_key(struct tui *t, enum action a)
{
	struct msg *m = selected_msg(t);
	if (t->focus == FOCUS_SOURCES) {
		size_t n = m ? m->norder : 0;
		if (a == A_UP && t->source_sel > 0)
			t->source_sel--;
		else if (a == A_DOWN && t->source_sel + 1 < n)
			t->source_sel++;
		else if (a == A_OPEN)
			open_source(t);
		else if (a == A_PREVIEW)
			t->show_preview = !t->show_preview;
		size_t mi;
		if ((a == A_UP || a == A_DOWN) && shown_source(m, t->source_sel, &mi))
			check_source(m, mi);
		return;
	}
	size_t pos = cursor_abs(t);
	switch (a) {
	case A_UP: cursor_set(t, pos ? pos - 1 : 0); break;
	case A_DOWN: cursor_set(t, pos + 1); break;
	case A_TOP: cursor_set(t, 0); break;
	case A_BOTTOM:
		cursor_set(t, SIZE_MAX);
		t->scroll = 0;
		break;
	case A_SEARCH:
		t->search_edit = true;
		buf_reset(&t->search);
		t->match_valid = false;
		break;
	case A_SEARCH_NEXT:
	case A_SEARCH_PREV:
		if (!t->search.len)
			set_notice(t, true, "no search yet: / searches the conversation");
		else
			search_step(t, a == A_SEARCH_NEXT ? 1 : -1, false);
		break;
	case A_COPY_MESSAGE: copy_message(t); break;
	case A_COPY_CODE: copy_code(t); break;
	default: break;
	}
}

static void input_key(struct tui *t, enum action a, int k)
{
	switch (a) {
	case A_SEND:
		if (t->pasting)
			input_insert(t, "\n", 1);
		else
			submit(t);
		break;
	case A_NEWLINE: input_insert(t, "\n", 1); break;
	case A_BACKSPACE: input_delete(t, prev_char(&t->input, t->cursor), t->cursor); break;
	case A_DELETE_CHAR: input_delete(t, t->cursor, next_char(&t->input, t->cursor)); break;
	case A_CHAR_BACK: t->cursor = prev_char(&t->input, t->cursor); break;
	case A_CHAR_FORWARD: t->cursor = next_char(&t->input, t->cursor); break;
	case A_LINE_START: t->cursor = 0; break;
	case A_LINE_END: t->cursor = t->input.len; break;
	case A_KILL_START: input_delete(t, 0, t->cursor); break;
	case A_KILL_LINE: input_delete(t, t->cursor, t->input.len); break;
	case A_COMPLETE: (void)complete(t); break;
	case A_KILL_WORD: {
		size_t at = t->cursor;
		while (at > 0 && t->input.p[at - 1] == ' ')
			at--;
		while (at > 0 && t->input.p[at - 1] != ' ')
			at--;
		input_delete(t, at, t->cursor);
		break;
	}
	case A_HISTORY_PREV:
		if (t->hist_pos > 0) {
			t->hist_pos--;
			input_set(t, t->history[t->hist_pos]);
		}
		break;
	case A_HISTORY_NEXT:
		if (t->hist_pos < t->nhistory) {
			t->hist_pos++;
			input_set(t, t->hist_pos < t->nhistory ? t->history[t->hist_pos] : "");
		}
		break;
	default:
		if (k == K_ENTER && t->pasting) { /* a pasted newline, whatever Enter is bound to */
			input_insert(t, "\n", 1);
		} else if (k >= 0x20 && k < 0x110000 && k != 0x7F) {
			char enc[4];
			size_t n = utf8_encode((uint32_t)k, enc);
			input_insert(t, enc, n);
		}
	}
}

static void handle_key(struct tui *t, int k)
{
	if (k == K_PASTE_START || k == K_PASTE_END) {
		t->pasting = k == K_PASTE_START;
		return;
	}
	if (k == K_RESIZE) {
		t->dirty = true;
		return;
	}
	enum key_ctx ctx = t->focus == FOCUS_INPUT ? KC_INPUT : t->focus == FOCUS_CHAT ? KC_CHAT : KC_SOURCES;
	enum action a = t->pasting && t->focus == FOCUS_INPUT ? A_NONE : keys_action(&t->keys, ctx, k);
	if (a != A_INTERRUPT)
		t->ctrl_c_armed = false;
	if (t->show_help) {
		help_key(t, k);
		return;
	}
	if (t->picker) {
		picker_key(t, a, k);
		return;
	}
	if (t->sessions) {
		sessions_key(t, k);
		return;
	}
	if (t->search_edit) {
		search_key(t, k);
		return;
	}
	if (k == K_WHEEL_UP || k == K_WHEEL_DOWN) {
		scroll_by(t, k == K_WHEEL_UP ? 3 : -3);
		return;
	}
	/* Tab in an input that starts with '/' completes instead of moving the focus. */
	if (a == A_FOCUS_NEXT && t->focus == FOCUS_INPUT && complete(t))
		return;
	t->dirty = true;
	switch (a) {
	case A_INTERRUPT:
		if (live_msg(t)) {
			cancel(t);
		} else if (t->ctrl_c_armed) {
			t->quit = true;
		} else {
			t->ctrl_c_armed = true;
			set_notice(t, false, "press Ctrl-C again to quit");
		}
		return;
	case A_STOP:
		if (t->show_preview)
			t->show_preview = false;
		else if (t->match_valid || t->search.len) {
			t->match_valid = false;
			buf_reset(&t->search);
		} else
			cancel(t);
		return;
	case A_FOCUS_NEXT:
	case A_FOCUS_PREV:
		t->focus = (t->focus + (a == A_FOCUS_NEXT ? 1 : FOCUS_COUNT - 1)) % FOCUS_COUNT;
		if (t->focus == FOCUS_CHAT)
			cursor_enter(t);
		return;
	case A_HELP: show_help(t); return;
	case A_PROFILES:
		t->picker = true;
		t->picker_sel = profile_index(t, t->profile);
		return;
	case A_TOGGLE_SOURCES: t->show_sources = !t->show_sources; return;
	case A_EDIT_INPUT: edit_input(t); return;
	case A_PAGE_UP:
	case A_PAGE_DOWN: {
		int page = t->chat_h > 2 ? t->chat_h - 2 : 1;
		scroll_by(t, a == A_PAGE_UP ? page : -page);
		if (t->focus == FOCUS_CHAT) {
			size_t pos = cursor_abs(t);
			int sc = t->scroll;
			cursor_set(t, a == A_PAGE_UP ? (pos > (size_t)page ? pos - (size_t)page : 0) : pos + (size_t)page);
			t->scroll = sc; /* the page moved; the cursor moved with it */
		}
		return;
	}
	default: break;
	}
	if (t->focus != FOCUS_INPUT && a == A_NONE && (k == K_LEFT || k == K_RIGHT || k == 'h' || k == 'l'))
		compare_side(t, k == K_RIGHT || k == 'l');
	else if (t->focus == FOCUS_INPUT)
		input_key(t, a, k);
	else
		view_key(t, a);
}

/* ---- drawing ----------------------------------------------------------------------------- */

static void draw_line(int y, int x, int width, const struct line *ln, int fallback)
{
	int col = 0;
	if (!ln->nspans)
		col = term_text(y, x, width, fallback, ln->text, ln->len);
	for (size_t i = 0; i < ln->nspans && col < width; i++)
		col += term_text(y, x + col, width - col, ln->spans[i].slot, ln->text + ln->spans[i].start,
				 ln->spans[i].len);
}

/* Search matches on a drawn line: all in chat.search, the current one in marker. */
static void draw_matches(struct tui *t, int y, int x, int width, const struct line *ln, size_t abs)
{
	const char *q = buf_str(&t->search);
	for (size_t off = hl_find(ln->text, ln->len, q, t->search.len, 0); off != SIZE_MAX;
	     off = hl_find(ln->text, ln->len, q, t->search.len, off + 1)) {
		int col = text_width(ln->text, off);
		bool cur = t->match_valid && abs == t->match_abs && off == t->match_off;
		if (col < width)
			term_text(y, x + col, width - col, cur ? SLOT_MARKER : SLOT_CHAT_SEARCH, ln->text + off,
				  t->search.len);
	}
}

/* Column 0 is a gutter: the cursor line (chat focused) and the answer whose sources are
 * shown are marked there. */
static void draw_chat(struct tui *t, int top, int height, int width)
{
	int cw = width - 1;
	t->chat_w = cw > 1 ? cw : 1;
	t->chat_h = height;
	size_t total = 0;
	for (size_t i = 0; i < t->nmsgs; i++) {
		build_lines(&t->msgs[i], t->chat_w);
		total += t->msgs[i].lines.n;
	}
	if (t->nmsgs == 0) {
		static const char *const hello[] = {
			"Ask a question about the documents in this folder.",
			"Answers cite their sources like [1]; the sources pane shows them (Tab to focus, o opens).",
			"F1 or /help: keys and commands · F2: switch profile · Esc: stop · Ctrl-C twice: quit",
		};
		for (int i = 0; i < 3 && i < height; i++) {
			struct lines ls = {0};
			wrap_plain(hello[i], strlen(hello[i]), width - 2, i ? SLOT_CHAT_META : SLOT_DEFAULT, &ls);
			if (ls.n)
				draw_line(top + 1 + i, 1, width - 1, &ls.v[0], SLOT_DEFAULT);
			lines_free(&ls);
		}
		return;
	}
	/* Scrolled up: new text below must not move what the user is reading. */
	if (t->scroll > 0 && total > t->last_total)
		t->scroll += (int)(total - t->last_total);
	t->last_total = total;
	int max_scroll = total > (size_t)height ? (int)(total - (size_t)height) : 0;
	if (t->scroll > max_scroll)
		t->scroll = max_scroll;
	size_t first = total > (size_t)height ? total - (size_t)height - (size_t)t->scroll : 0;
	size_t cur = t->focus == FOCUS_CHAT ? cursor_abs(t) : SIZE_MAX;
	size_t li = 0;
	int y = top;
	for (size_t i = 0; i < t->nmsgs && y < top + height; i++) {
		const struct lines *ls = &t->msgs[i].lines;
		bool sel = i == t->selected && is_answer(&t->msgs[i]) && t->nmsgs > 2;
		size_t j = first > li ? first - li : 0; /* lines above the view cost nothing */
		if (j >= ls->n) {
			li += ls->n;
			continue;
		}
		for (li += j; j < ls->n && y < top + height; j++, li++) {
			if (li == cur)
				term_text(y, 0, 1, SLOT_BORDER_FOCUS, "▌", strlen("▌"));
			else if (sel && j + 1 < ls->n)
				term_text(y, 0, 1, SLOT_BORDER, "▏", strlen("▏"));
			draw_line(y, 1, cw, &ls->v[j], SLOT_DEFAULT);
			if (t->search.len)
				draw_matches(t, y, 1, cw, &ls->v[j], li);
			y++;
		}
	}
	if (t->scroll > 0) {
		char more[48];
		snprintf(more, sizeof more, " ↓ %d more lines (End) ", t->scroll);
		term_text(top + height - 1, width - text_width(more, strlen(more)) - 1, width, SLOT_STATUS, more,
			  strlen(more));
	}
}

static int draw_wrapped(int y, int bottom, int x, int width, const char *s, int slot)
{
	struct lines ls = {0};
	wrap_plain(s, strlen(s), width, slot, &ls);
	for (size_t i = 0; i < ls.n && y < bottom; i++)
		draw_line(y++, x, width, &ls.v[i], slot);
	lines_free(&ls);
	return y;
}

/* One source: "[n] path:lines", heading and score, a stale mark, the snippet with the
 * question's terms highlighted (the whole passage when previewed). */
static int draw_source(struct tui *t, struct msg *m, size_t i, int y, int bottom, int x, int width)
{
	size_t mi = 0;
	const struct source *s = shown_source(m, i, &mi);
	bool sel = i == t->source_sel, cited = i < m->ncited;
	int base = cited ? SLOT_DEFAULT : SLOT_SOURCES_UNCITED;
	char head[64];
	snprintf(head, sizeof head, "[%d] ", s->n);
	/* Relative to its watched folder: the part that tells files apart. */
	const char *rel = s->path;
	for (size_t f = 0; f < t->cfg->index.folders.n; f++) {
		const char *dir = t->cfg->index.folders.v[f].path;
		size_t n = strlen(dir);
		if (!strncmp(s->path, dir, n) && s->path[n] == '/' && strlen(s->path + n + 1) < strlen(rel))
			rel = s->path + n + 1;
	}
	struct buf loc = {0};
	buf_adds(&loc, rel);
	if (s->page)
		buf_addf(&loc, " p.%u", (unsigned)s->page);
	buf_addf(&loc, ":%u-%u", (unsigned)s->line_start, (unsigned)s->line_end);
	char *safe = sanitize_str(buf_str(&loc), SAN_ONELINE);
	buf_free(&loc);
	/* Long paths keep their end: the file name matters most. */
	const char *shown = safe;
	int room = width - (int)strlen(head);
	while (text_width(shown, strlen(shown)) > room && *shown)
		shown += next_char(&(struct buf){(char *)shown, strlen(shown), 0}, 0);
	if (sel)
		term_fill(y, x, width, SLOT_SOURCES_SELECTED);
	int c = term_text(y, x, width, sel ? SLOT_SOURCES_SELECTED : cited ? SLOT_CHAT_CITATION : SLOT_SOURCES_UNCITED,
			  head, strlen(head));
	term_text(y, x + c, width - c, sel ? SLOT_SOURCES_SELECTED : cited ? SLOT_SOURCES_PATH : SLOT_SOURCES_UNCITED,
		  shown, strlen(shown));
	free(safe);
	y++;
	if (y < bottom) {
		/* What verification found first: it is what the line is for. */
		const char *st = NULL;
		int st_slot = SLOT_SOURCES_VERIFIED;
		if (s->auto_attached) {
			st = "attached automatically";
			st_slot = SLOT_CHAT_ATTACHED;
		} else if (s->cited && s->verified) {
			st = "✓ verified";
		} else if (s->cited && m->result && m->result->grounding >= 0) { /* verification ran */
			st = "✗ not supported";
			st_slot = SLOT_SOURCES_UNSUPPORTED;
		}
		int c0 = st ? term_text(y, x + 4, width - 4, st_slot, st, strlen(st)) : 0;
		struct buf info = {0};
		if (st)
			buf_adds(&info, " · ");
		if (*s->heading)
			buf_addf(&info, "%s · ", s->heading);
		buf_addf(&info, "score %.3g", s->score);
		char *h = sanitize_str(buf_str(&info), SAN_ONELINE);
		term_text(y++, x + 4 + c0, width - 4 - c0, cited ? SLOT_CHAT_META : SLOT_SOURCES_UNCITED, h, strlen(h));
		free(h);
		buf_free(&info);
	}
	const struct src_check *ck = m->checks ? &m->checks[mi] : NULL;
	if (ck && ck->done && ck->state != SRC_FRESH && y < bottom) {
		const char *why = ck->state == SRC_MISSING ? "! stale: the file is gone or unreadable"
							   : "! stale: the file changed since this answer";
		y = draw_wrapped(y, bottom, x + 4, width - 4, why, SLOT_SOURCES_STALE);
	}
	bool full = sel && t->show_preview;
	char *snip = sanitize_str(full ? s->text : s->snippet, full ? 0 : SAN_ONELINE);
	if (!m->terms)
		m->terms = hl_terms_new(m->question, t->cfg->index.language);
	struct span *sp;
	size_t nsp = hl_term_spans(m->terms, snip, strlen(snip), base, SLOT_SOURCES_MATCH, &sp);
	for (char *p = snip; *p; p++) /* tabs would move the cursor */
		if (*p == '\t')
			*p = ' ';
	struct lines ls = {0};
	wrap_styled(snip, strlen(snip), width - 4, sp, nsp, &ls);
	size_t maxl = full ? (size_t)(bottom - y) : 2;
	for (size_t j = 0; j < ls.n && j < maxl && y < bottom; j++)
		draw_line(y++, x + 4, width - 4, &ls.v[j], base);
	lines_free(&ls);
	free(sp);
	free(snip);
	return y + 1;
}

static void draw_sources(struct tui *t, int top, int height, int x, int width)
{
	for (int y = top; y < top + height; y++)
		term_fill(y, x, width, SLOT_DEFAULT);
	term_vline(top, x, height, t->focus == FOCUS_SOURCES ? SLOT_BORDER_FOCUS : SLOT_BORDER);
	x += 2;
	width -= 3;
	struct msg *sm = t->selected < t->nmsgs ? &t->msgs[t->selected] : NULL;
	if (sm) /* its sources' order comes with its lines (the overlay may hide the chat) */
		build_lines(sm, t->chat_w > 0 ? t->chat_w : 80);
	struct msg *m = selected_msg(t);
	if (sm && sm->role == ROLE_COMPARE) { /* which side: ←/→ switch */
		char title[160];
		snprintf(title, sizeof title, "Sources %s %s %s", sm->side_sel ? "◂" : " ", m->profile,
			 sm->side_sel ? " " : "▸");
		char *safe = sanitize_str(title, SAN_ONELINE);
		term_text(top, x, width, SLOT_SOURCES_TITLE, safe, strlen(safe));
		free(safe);
	} else {
		term_text(top, x, width, SLOT_SOURCES_TITLE, "Sources", 7);
	}
	int y = top + 2, bottom = top + height;
	if (!m || !m->turn) {
		char s[200];
		if (!t->profile->retrieval.enabled)
			snprintf(s, sizeof s, "Profile %s does not retrieve: its answers have no sources.",
				 t->profile->name);
		else
			snprintf(s, sizeof s, "Sources of the selected answer appear here.");
		char *safe = sanitize_str(s, SAN_ONELINE);
		draw_wrapped(y, bottom, x, width, safe, SLOT_CHAT_META);
		free(safe);
		return;
	}
	const struct provenance *pv = turn_provenance(m->turn);
	if (!pv->retrieval) {
		char s[160];
		snprintf(s, sizeof s, "Profile %s does not retrieve: this answer has no sources.", pv->profile);
		char *safe = sanitize_str(s, SAN_ONELINE);
		draw_wrapped(y, bottom, x, width, safe, SLOT_CHAT_META);
		free(safe);
		return;
	}
	if (!m->norder) {
		term_text(y, x, width, SLOT_CHAT_META, "No passage matched.", 19);
		return;
	}
	if (!m->checks && !m->streaming) /* the answer just ended: look at its files once */
		for (size_t i = 0; i < turn_sources(m->turn)->n; i++)
			check_source(m, i);
	/* Keep the selected source in view: skip whole sources above it when needed. */
	size_t from = 0;
	if (t->source_sel >= m->norder)
		t->source_sel = m->norder - 1;
	if (t->source_sel > 0 && height > 8)
		from = t->source_sel > 1 ? t->source_sel - 1 : 0;
	if (t->source_sel < 3)
		from = 0;
	for (size_t i = from; i < m->norder && y < bottom; i++) {
		if (i == m->ncited && i > 0 && !m->streaming && y < bottom)
			term_text(y++, x, width, SLOT_SOURCES_UNCITED, "Retrieved, not cited", 20);
		y = draw_source(t, m, i, y, bottom, x, width);
	}
}

static int input_height(struct tui *t, int width, struct lines *ls)
{
	struct buf shown = {0};
	sanitize(buf_str(&t->input), t->input.len, 0, &shown);
	wrap_plain(buf_str(&shown), shown.len, width, SLOT_INPUT, ls);
	buf_free(&shown);
	int h = (int)ls->n;
	return h < 1 ? 1 : h > 8 ? 8 : h;
}

static void draw_status(struct tui *t, int y, int cols)
{
	term_fill(y, 0, cols, SLOT_STATUS);
	if (t->search_edit) {
		char *q = sanitize_str(buf_str(&t->search), SAN_ONELINE);
		struct buf b = {0};
		buf_addf(&b, " search: %s", q);
		int x = term_text(y, 0, cols, SLOT_STATUS_PROFILE, b.p, b.len);
		if (t->notice)
			term_text(y, x + 2, cols - x - 2, SLOT_STATUS, t->notice, strlen(t->notice));
		term_cursor(y, x < cols ? x : cols - 1, true);
		buf_free(&b);
		free(q);
		return;
	}
	char left[128];
	snprintf(left, sizeof left, " %s ", t->profile->name);
	char *safe = sanitize_str(left, SAN_ONELINE);
	int x = term_text(y, 0, cols, SLOT_STATUS_PROFILE, safe, strlen(safe));
	free(safe);
	struct buf b = {0};
	const struct cfg_provider *prov = config_provider(t->cfg, t->profile->provider);
	buf_addf(&b, " %s", prov->kind == PROVIDER_BUILTIN ? "offline (extractive)" : profile_model(t, t->profile));
	const struct msg *live = live_msg(t);
	if (live) {
		double secs = (now_ms() - live->started_ms) / 1000.0;
		size_t tokens = live->role == ROLE_COMPARE ? live->side[0].tokens + live->side[1].tokens : live->tokens;
		buf_addf(&b, " │ streaming %zu tok", tokens);
		if (secs > 0.05)
			buf_addf(&b, " %.0f tok/s", (double)tokens / secs);
	} else {
		buf_adds(&b, " │ idle");
	}
	const struct idx_event *ix = &t->idx_state;
	if (t->idx_error)
		buf_addf(&b, " │ index: %s", t->idx_error);
	else if (t->indexing)
		buf_addf(&b, " │ indexing %zu/%zu files", ix->files_done, ix->files_total);
	else
		buf_addf(&b, " │ %zu file%s, %zu chunk%s", ix->files_indexed, ix->files_indexed == 1 ? "" : "s",
			 ix->chunks_total, ix->chunks_total == 1 ? "" : "s");
	if (ix->vectors_pending)
		buf_addf(&b, ", %zu waiting for vectors", ix->vectors_pending);
	if (ix->queue)
		buf_addf(&b, ", queue %zu", ix->queue);
	if (t->notice)
		buf_addf(&b, " │ %s", t->notice);
	safe = sanitize_str(buf_str(&b), SAN_ONELINE);
	term_text(y, x, cols - x, t->notice && t->notice_error ? SLOT_STATUS_ERROR
				  : live ? SLOT_STATUS_STREAMING : SLOT_STATUS, safe, strlen(safe));
	free(safe);
	buf_free(&b);
}

/* The help screen, generated from the key table. */
static void help_lines(const struct tui *t, struct lines *out)
{
	char line[256], keys[96];
	for (int c = 0; c < KC_COUNT; c++) {
		bool any = false;
		for (int a = A_NONE + 1; a < A_COUNT; a++) {
			if (action_ctx(a) != (enum key_ctx)c || !*action_keys(&t->keys, a, keys, sizeof keys))
				continue;
			if (!any) {
				if (out->n)
					wrap_plain("", 0, 200, SLOT_STATUS, out);
				wrap_plain(key_ctx_name(c), strlen(key_ctx_name(c)), 200, SLOT_STATUS_PROFILE, out);
				any = true;
			}
			snprintf(line, sizeof line, "%-16s %s", keys, action_help(a));
			wrap_plain(line, strlen(line), 200, SLOT_STATUS, out);
		}
	}
	static const char *const cmds[] = {
		"", "Commands (Tab completes)",
		"/profile NAME   switch profile        /model NAME   use another model",
		"/compare A B [QUESTION]   the question (or the last one) to two profiles, side by side;",
		"                 Left/Right (h/l) in the chat or sources pick the side whose sources show",
		"/new   /sessions   /export [md|json] [FILE]   /reindex   /help   /quit",
		"", "Keys are remapped in the config: ui.keys: {action: \"C-p\"} (actions as named in",
		"the table in ui/tui/keys.c, e.g. profiles, toggle_sources, copy_code).",
		"Up/Down scroll this help; any other key closes it.",
	};
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		wrap_plain(cmds[i], strlen(cmds[i]), 200, i == 1 ? SLOT_STATUS_PROFILE : SLOT_STATUS, out);
}

static void draw_help(struct tui *t, int rows, int cols)
{
	struct lines ls = {0};
	help_lines(t, &ls);
	int n = (int)ls.n, w = cols > 84 ? 80 : cols - 4;
	int h = n + 2 < rows - 2 ? n + 2 : rows - 2;
	if (t->help_top > n - (h - 2))
		t->help_top = n - (h - 2) > 0 ? n - (h - 2) : 0;
	int top = (rows - h) / 2, left = (cols - w) / 2;
	for (int i = 0; i < h; i++) {
		term_fill(top + i, left - 1, w + 2, SLOT_STATUS);
		int li = i - 1 + t->help_top;
		if (i > 0 && i < h - 1 && li < n)
			draw_line(top + i, left + 1, w - 2, &ls.v[li], SLOT_STATUS);
	}
	lines_free(&ls);
}

static void draw_picker(struct tui *t, int rows, int cols)
{
	size_t n = t->cfg->profiles.n;
	int w = cols > 64 ? 60 : cols - 4, h = (int)n + 4;
	if (h > rows - 2)
		h = rows - 2;
	int top = (rows - h) / 2, left = (cols - w) / 2;
	for (int i = 0; i < h; i++)
		term_fill(top + i, left - 1, w + 2, SLOT_STATUS);
	const char *title = "Profile (Enter picks, Esc closes)";
	term_text(top + 1, left + 1, w - 2, SLOT_STATUS_PROFILE, title, strlen(title));
	for (size_t i = 0; i < n && (int)i + 3 < h; i++) {
		const struct cfg_profile *p = &t->cfg->profiles.v[i];
		char line[256];
		snprintf(line, sizeof line, "%s %-12s %s%s", p == t->profile ? "*" : " ", p->name, profile_model(t, p),
			 p->retrieval.enabled ? " · retrieval" : " · no retrieval");
		char *safe = sanitize_str(line, SAN_ONELINE);
		int y = top + 3 + (int)i;
		if (i == t->picker_sel)
			term_fill(y, left, w, SLOT_SOURCES_SELECTED);
		term_text(y, left + 1, w - 2, i == t->picker_sel ? SLOT_SOURCES_SELECTED : SLOT_STATUS, safe, strlen(safe));
		free(safe);
	}
}

static void draw(struct tui *t)
{
	int rows, cols;
	term_size(&rows, &cols);
	term_erase();
	if (rows < 5 || cols < 20) {
		term_text(0, 0, cols, SLOT_DEFAULT, "window too small", 16);
		term_flush();
		return;
	}
	struct lines in = {0};
	int ih = input_height(t, cols - 2, &in);
	int status_y = rows - 1, input_top = status_y - ih, chat_h = input_top - 1;
	bool overlay = cols < 80;
	int sw = t->show_sources ? (overlay ? cols : t->cfg->ui.sources_width) : 0;
	if (!overlay && sw > cols / 2)
		sw = cols / 2;
	int chat_w = overlay || !sw ? cols : cols - sw;

	if (!(overlay && sw))
		draw_chat(t, 0, chat_h, chat_w - (overlay ? 0 : 1));
	if (sw)
		draw_sources(t, 0, chat_h, cols - sw, sw);
	term_fill(input_top - 1, 0, cols, SLOT_DEFAULT);
	for (int x = 0; x < cols; x++)
		term_text(input_top - 1, x, 1, t->focus == FOCUS_INPUT ? SLOT_BORDER_FOCUS : SLOT_BORDER, "─", 3);

	/* Input: show the last lines when it is taller than 8. */
	size_t first = in.n > (size_t)ih ? in.n - (size_t)ih : 0;
	term_text(input_top, 0, 2, SLOT_INPUT_PROMPT, "> ", 2);
	for (size_t i = first; i < in.n; i++)
		draw_line(input_top + (int)(i - first), 2, cols - 2, &in.v[i], SLOT_INPUT);
	/* Cursor: find the wrapped line holding the cursor byte. */
	int cy = input_top, cx = 2;
	struct buf before = {0};
	sanitize(buf_str(&t->input), t->cursor, 0, &before);
	size_t at = before.len, acc = 0;
	for (size_t i = 0; i < in.n; i++) {
		size_t skip = i ? 1 : 0; /* the newline or space the wrap consumed, approximately */
		if (at <= acc + in.v[i].len + skip || i + 1 == in.n) {
			size_t off = at > acc ? at - acc : 0;
			if (off > in.v[i].len)
				off = in.v[i].len;
			cy = input_top + (int)(i - first);
			cx = 2 + text_width(in.v[i].text, off);
			break;
		}
		acc += in.v[i].len + 1;
	}
	buf_free(&before);
	lines_free(&in);

	term_cursor(cy < input_top ? input_top : cy, cx, t->focus == FOCUS_INPUT && !t->show_help && !t->picker && !t->sessions);
	draw_status(t, status_y, cols);
	if (t->picker)
		draw_picker(t, rows, cols);
	if (t->show_help)
		draw_help(t, rows, cols);
	if (t->sessions)
		session_picker_draw(t->sessions, rows, cols);
	term_flush();
}

/* ---- the loop ---------------------------------------------------------------------------- */

static void handle_msgs(struct tui *t)
{
	for (struct chan_msg *m = chan_take(t->chan), *next; m; m = next) {
		next = m->next;
		if (m->kind == MSG_IDX) {
			struct idx_msg *im = (struct idx_msg *)m;
			const struct idx_event *ev = &im->ev;
			if (ev->kind == IDX_EV_SCAN_START)
				t->indexing = true;
			if (ev->kind == IDX_EV_SCAN_DONE)
				t->indexing = false;
			if (ev->kind == IDX_EV_PROGRESS || ev->kind == IDX_EV_SCAN_DONE || ev->kind == IDX_EV_SCAN_START) {
				t->idx_state.files_done = ev->files_done;
				t->idx_state.files_total = ev->files_total;
				t->idx_state.chunks_total = ev->chunks_total;
				t->idx_state.files_indexed = ev->files_indexed;
				t->idx_state.vectors_pending = ev->vectors_pending;
				t->idx_state.queue = ev->queue;
			}
			if (ev->kind == IDX_EV_ERROR || ev->kind == IDX_EV_WATCH || ev->kind == IDX_EV_NOTICE)
				set_notice(t, ev->kind == IDX_EV_ERROR, "index: %s", ev->message ? ev->message : "");
			t->dirty = true;
		} else {
			handle_turn(t, (struct turn_msg *)m);
		}
		chan_msg_free(m);
	}
}

static void start_index(struct tui *t)
{
	char *err = NULL;
	if (setup_init(&t->setup, t->cfg, NULL, 0, &err) < 0 || setup_open_index(t->cfg, true, &t->ix, &err) != 0) {
		t->idx_error = err;
		log_error("index: %s", err ? err : "");
		return;
	}
	struct idx_sink *sink = xmalloc(sizeof *sink);
	*sink = (struct idx_sink){on_index_event, t->chan};
	int rc = idx_watch_start(t->ix, &t->setup.opt, t->setup.emb, sink, &t->watch);
	if (rc != 0) {
		free(sink);
		t->idx_error = xasprintf("watcher: %s", idx_strerror(rc));
	} else {
		t->setup_sink = sink;
	}
}

/* ui.keys from the config: a bad action or key is a configuration error (exit 2). */
static int load_keys(struct tui *t)
{
	keys_default(&t->keys);
	const struct cfg_kvs *kv = &t->cfg->ui.keys;
	if (!kv->n)
		return 0;
	const char **names = xcalloc(kv->n, sizeof *names), **specs = xcalloc(kv->n, sizeof *specs);
	int *lines = xcalloc(kv->n, sizeof *lines), *cols = xcalloc(kv->n, sizeof *cols);
	for (size_t i = 0; i < kv->n; i++) {
		names[i] = kv->v[i].key;
		specs[i] = kv->v[i].value;
		lines[i] = kv->v[i].line;
		cols[i] = kv->v[i].col;
	}
	char *err = NULL;
	int rc = keys_configure(&t->keys, t->cfg->file, kv->n, names, specs, lines, cols, &err);
	if (rc < 0) {
		fprintf(stderr, "footnote: %s\n", err);
		free(err);
	}
	free(names);
	free(specs);
	free(lines);
	free(cols);
	return rc;
}

int cmd_tui(struct cli *cli)
{
	struct tui t = {0};
	t.cli = cli;
	t.cfg = cli->cfg;
	/* Configuration first: a bad ui.keys is reported even without a terminal. */
	if (load_keys(&t) < 0)
		return EXIT_USAGE;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "footnote: the interface needs a terminal; for scripts use `footnote ask`\n");
		return EXIT_USAGE;
	}
	t.profile = config_profile(t.cfg, cli->profile ? cli->profile : t.cfg->default_profile);
	t.show_sources = true;
	t.chan = chan_new();
	char *why = NULL;
	if (cli->session && session_resume(&t, cli->session, &why) < 0) {
		char *safe = sanitize_str(why, SAN_ONELINE);
		fprintf(stderr, "footnote: %s\n", safe);
		free(safe);
		free(why);
		chan_free(t.chan);
		return EXIT_USAGE;
	}
	history_load(&t);
	t.hist_pos = t.nhistory;

	struct slot_style styles[SLOT_COUNT];
	char *warn = NULL;
	theme_load(t.cfg->themes_dir, t.cfg->ui.theme, styles, &warn);
	if (warn) {
		log_warn("theme: %s", warn);
		set_notice(&t, true, "theme: %s", warn);
		free(warn);
	}
	if (term_init(styles, t.cfg->ui.mouse) < 0) {
		fprintf(stderr, "footnote: cannot start the terminal interface (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		chan_free(t.chan);
		return EXIT_FAIL;
	}
	start_index(&t);
	for (size_t i = 0; i < t.cfg->profiles.n && !t.net; i++) {
		if (config_provider(t.cfg, t.cfg->profiles.v[i].provider)->kind == PROVIDER_BUILTIN)
			continue;
		char *err = NULL;
		t.net = net_new(&err);
		if (!t.net) {
			set_notice(&t, true, "network: %s", err ? err : "cannot start");
			free(err);
			break;
		}
	}
	t.dirty = true;

	/* One draw per pass, and while text streams in at most one per FRAME_MS: every token
	 * wakes the loop, but 2,000 tokens a second must not become 2,000 frames. A key is
	 * drawn at once. Idle, poll waits with no timeout. */
	double last_draw = 0;
	while (!t.quit) {
		int timeout = -1;
		if (t.dirty) {
			double wait = t.urgent ? 0 : last_draw + FRAME_MS - now_ms();
			if (wait <= 0) {
				draw(&t);
				last_draw = now_ms();
				t.dirty = t.urgent = false;
			} else {
				timeout = (int)wait + 1;
			}
		}
		/* While streaming, wake once a second so tokens/s stays current. */
		if (timeout < 0 && live_msg(&t))
			timeout = 1000;
		struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {chan_fd(t.chan), POLLIN, 0}};
		int r = poll(p, 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (live_msg(&t) && r == 0)
			t.dirty = true;
		int k;
		while ((k = term_key()) != KEY_NONE) {
			handle_key(&t, k);
			t.urgent = true;
		}
		if (p[1].revents & POLLIN)
			handle_msgs(&t);
	}

	term_end();
	net_free(t.net); /* cancels what is in flight; its last messages land in the channel */
	if (t.watch)
		idx_watch_stop(t.watch);
	free(t.setup_sink);
	if (t.ix)
		idx_close(t.ix);
	setup_free(&t.setup);
	handle_msgs(&t);
	for (size_t i = 0; i < t.nmsgs; i++)
		free_msg(&t.msgs[i]);
	free(t.msgs);
	session_free(t.session);
	session_picker_free(t.sessions);
	for (size_t i = 0; i < t.nhistory; i++)
		free(t.history[i]);
	free(t.history);
	buf_free(&t.input);
	buf_free(&t.search);
	for (size_t i = 0; t.models && i < t.cfg->profiles.n; i++)
		free(t.models[i]);
	free(t.models);
	free(t.notice);
	free(t.idx_error);
	chan_free(t.chan);
	secret_cache_free();
	return EXIT_OK;
}
