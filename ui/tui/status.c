/* status.c - the status bar (see status.h). */
#include "ui/tui/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "base/sanitize.h"
#include "index/text/text.h"
#include "ui/render/cut.h"
#include "ui/term/term.h"
#include "ui/tui/loop.h"

void status_notice(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char tmp[512];
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	free(t->st.notice);
	t->st.notice = sanitize_str(tmp, SAN_ONELINE);
	t->st.notice_error = error;
	t->dirty = true;
}

void status_key(struct tui *t)
{
	if (t->st.notice && !t->st.notice_error) {
		free(t->st.notice);
		t->st.notice = NULL;
		t->dirty = true;
	}
}

bool status_dismiss(struct tui *t)
{
	if (!t->st.notice)
		return false;
	free(t->st.notice);
	t->st.notice = NULL;
	t->dirty = true;
	return true;
}

/* "KEY what", or "KEY/KEY2 what" for a pair; nothing when the action has no key. */
static void hint(const struct tui *t, struct status_hints *h, enum action a, enum action a2, const char *what)
{
	char k1[24], k2[24];
	if (h->n == STATUS_HINTS_MAX || !action_key(&t->keys, a, k1, sizeof k1))
		return;
	int n;
	if (a2 != A_NONE && action_key(&t->keys, a2, k2, sizeof k2))
		n = snprintf(h->v[h->n], sizeof h->v[h->n], "%s/%s %s", k1, k2, what);
	else
		n = snprintf(h->v[h->n], sizeof h->v[h->n], "%s %s", k1, what);
	if (n < 0 || (size_t)n >= sizeof h->v[h->n])
		return;
	h->p[h->n] = h->v[h->n];
	h->n++;
}

void status_hints(struct tui *t, bool narrow, struct status_hints *h)
{
	h->n = 0;
	const struct msg *sel = t->conv.selected < t->conv.n ? &t->conv.v[t->conv.selected] : NULL;
	bool compare = sel && sel->role == ROLE_COMPARE;
	if (conv_live(t))
		hint(t, h, A_STOP, A_NONE, "stop");
	else if (t->st.notice && t->st.notice_error)
		hint(t, h, A_STOP, A_NONE, "dismiss");
	switch (t->focus) {
	case FOCUS_INPUT:
		if (narrow)
			hint(t, h, A_TOGGLE_SOURCES, A_NONE, "sources");
		hint(t, h, A_FOCUS_NEXT, A_NONE, "chat");
		hint(t, h, A_HELP, A_NONE, "help");
		break;
	case FOCUS_CHAT:
		hint(t, h, A_SEARCH, A_NONE, "search");
		if (t->chat.search.len)
			hint(t, h, A_SEARCH_NEXT, A_SEARCH_PREV, "match");
		hint(t, h, A_COPY_MESSAGE, A_NONE, "copy");
		hint(t, h, A_COPY_CODE, A_NONE, "code");
		if (compare)
			hint(t, h, A_SIDE_LEFT, A_SIDE_RIGHT, "side");
		if (narrow)
			hint(t, h, A_TOGGLE_SOURCES, A_NONE, "sources");
		break;
	default:
		hint(t, h, A_OPEN, A_NONE, "open");
		hint(t, h, A_PREVIEW, A_NONE, t->src.preview ? "close" : "preview");
		if (compare)
			hint(t, h, A_SIDE_LEFT, A_SIDE_RIGHT, "side");
		if (narrow)
			hint(t, h, A_TOGGLE_SOURCES, A_NONE, "close");
		break;
	}
}

/* A file the pass did not index: remembered when the user would want to know. */
static void left_out(struct status_line *st, const struct idx_event *ev)
{
	const char *why = ev->message ? ev->message : "";
	if (ev->state == IDX_FILE_SKIPPED && (strcmp(why, "binary file") == 0 || strcmp(why, TEXT_OWN_EXPORT) == 0))
		return;
	if (!st->left_first && ev->path) {
		const char *slash = strrchr(ev->path, '/');
		st->left_first = xasprintf("%s: %s", slash ? slash + 1 : ev->path, why);
	}
	st->left_out++;
	if (ev->state == IDX_FILE_FAILED)
		st->left_failed++;
}

/* The end of a pass that left files out names the first and says where the rest are. */
static void left_out_notice(struct tui *t)
{
	struct status_line *st = &t->st;
	if (st->left_out == 1)
		status_notice(t, st->left_failed > 0, "index: %s %s (index --status lists all)",
			      st->left_failed ? "could not index" : "skipped", st->left_first);
	else if (st->left_out > 1)
		status_notice(t, st->left_failed > 0, "index: left out %zu files%s, first %s (index --status lists all)",
			      st->left_out, st->left_failed ? " (some failed)" : "", st->left_first);
	free(st->left_first);
	st->left_first = NULL;
	st->left_out = st->left_failed = 0;
}

void status_index(struct tui *t, const struct idx_event *ev)
{
	if (ev->kind == IDX_EV_FILE) {
		if (ev->state == IDX_FILE_SKIPPED || ev->state == IDX_FILE_FAILED)
			left_out(&t->st, ev);
		return;
	}
	if (ev->kind == IDX_EV_SCAN_START)
		t->st.indexing = true;
	if (ev->kind == IDX_EV_SCAN_DONE) {
		t->st.indexing = false;
		left_out_notice(t);
	}
	if (ev->kind == IDX_EV_PROGRESS || ev->kind == IDX_EV_SCAN_DONE || ev->kind == IDX_EV_SCAN_START) {
		t->st.idx.files_done = ev->files_done;
		t->st.idx.files_total = ev->files_total;
		t->st.idx.chunks_total = ev->chunks_total;
		t->st.idx.files_indexed = ev->files_indexed;
		t->st.idx.vectors_pending = ev->vectors_pending;
		t->st.idx.queue = ev->queue;
	}
	if (ev->kind == IDX_EV_ERROR || ev->kind == IDX_EV_WATCH || ev->kind == IDX_EV_NOTICE)
		status_notice(t, ev->kind == IDX_EV_ERROR, "index: %s", ev->message ? ev->message : "");
	t->dirty = true;
}

void status_free(struct status_line *st)
{
	free(st->notice);
	free(st->idx_error);
	free(st->left_first);
	st->notice = st->idx_error = st->left_first = NULL;
}

void status_draw(const struct status_view *v, int y, int cols)
{
	const struct status_line *st = v->st;
	term_fill(y, 0, cols, SLOT_STATUS);
	if (v->search) {
		char *q = sanitize_str(v->search, SAN_ONELINE);
		struct buf b = {0};
		buf_addf(&b, " search: %s", q);
		int x = term_text(y, 0, cols, SLOT_STATUS_PROFILE, b.p, b.len);
		if (st->notice)
			term_text(y, x + 2, cols - x - 2, SLOT_STATUS, st->notice, strlen(st->notice));
		term_cursor(y, x < cols ? x : cols - 1, true);
		buf_free(&b);
		free(q);
		return;
	}
	char left[128];
	snprintf(left, sizeof left, " %s ", v->profile);
	char *safe = sanitize_str(left, SAN_ONELINE);
	int x = term_text(y, 0, cols, SLOT_STATUS_PROFILE, safe, strlen(safe));
	free(safe);
	struct buf b = {0};
	buf_addf(&b, " %s", v->model);
	if (v->streaming) {
		buf_addf(&b, " │ streaming %zu tok", v->tokens);
		if (v->secs > 0.05)
			buf_addf(&b, " %.0f tok/s", (double)v->tokens / v->secs);
	} else {
		buf_adds(&b, " │ idle");
	}
	size_t model_end = strlen(v->model) + 1, state_end = b.len;
	const struct idx_event *ix = &st->idx;
	if (v->cost)
		buf_addf(&b, " │ %s", v->cost);
	if (st->idx_error)
		buf_addf(&b, " │ index: %s", st->idx_error);
	else if (st->indexing)
		buf_addf(&b, " │ indexing %zu/%zu files", ix->files_done, ix->files_total);
	else
		buf_addf(&b, " │ %zu file%s, %zu chunk%s", ix->files_indexed, ix->files_indexed == 1 ? "" : "s",
			 ix->chunks_total, ix->chunks_total == 1 ? "" : "s");
	if (ix->vectors_pending)
		buf_addf(&b, ", %zu waiting for vectors", ix->vectors_pending);
	if (ix->queue)
		buf_addf(&b, ", queue %zu", ix->queue);
	/* A notice is there to be read: when it and the rest do not fit, the index's counts go
	 * first, then the model; the profile and the state (idle or streaming) stay. */
	if (st->notice) {
		char *n = xasprintf(" │ %s", st->notice);
		int need = text_width(n, strlen(n)) + (st->notice_error ? 14 : 1);
		const char *state = b.p + model_end + strlen(" │");
		size_t state_len = state_end - model_end - strlen(" │");
		struct buf nb = {0};
		if (x + text_width(b.p, b.len) + need <= cols)
			buf_add(&nb, b.p, b.len);
		else if (x + text_width(b.p, state_end) + need <= cols)
			buf_add(&nb, b.p, state_end);
		else
			buf_addf(&nb, " %.*s", (int)state_len, state);
		buf_adds(&nb, n);
		buf_free(&b);
		b = nb;
		free(n);
	}
	safe = sanitize_str(buf_str(&b), SAN_ONELINE);
	/* The keys at the right: as many as fit beside the rest; the first one even when the
	 * rest must be cut for it when there is no notice to read (it is the way to what is
	 * hidden) or the notice is an error (the first key is the one that dismisses it). Any
	 * other notice lasts until the next key, and the keys come back then. */
	int restw = text_width(safe, strlen(safe));
	struct buf hb = {0};
	int hw = 0;
	for (size_t i = 0; i < v->nhints; i++) {
		size_t at = hb.len;
		buf_addf(&hb, "%s%s", at ? " · " : "", v->hints[i]);
		int w = text_width(hb.p, hb.len);
		/* An error stays until dismissed: its first key (Esc dismiss) is shown even when the
		 * message must be cut for it. */
		bool first_anyway = !at && (!st->notice || st->notice_error);
		if (x + restw + 2 + w + 1 <= cols || (first_anyway && x + 12 + 2 + w + 1 <= cols)) {
			hw = w;
			continue;
		}
		hb.len = at;
		break;
	}
	int room = cols - x - (hw ? hw + 3 : 0);
	char *shown = cut_end(safe, room);
	term_text(y, x, room, st->notice && st->notice_error ? SLOT_STATUS_ERROR
			      : v->streaming ? SLOT_STATUS_STREAMING : SLOT_STATUS, shown, strlen(shown));
	if (hw)
		term_text(y, cols - hw - 1, hw, SLOT_STATUS, hb.p, hb.len);
	free(shown);
	free(safe);
	buf_free(&b);
	buf_free(&hb);
}
