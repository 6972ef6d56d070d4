/* status.c - the status bar (see status.h). */
#include "ui/tui/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
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

void status_index(struct tui *t, const struct idx_event *ev)
{
	if (ev->kind == IDX_EV_SCAN_START)
		t->st.indexing = true;
	if (ev->kind == IDX_EV_SCAN_DONE)
		t->st.indexing = false;
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
	st->notice = st->idx_error = NULL;
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
	const struct idx_event *ix = &st->idx;
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
	if (st->notice)
		buf_addf(&b, " │ %s", st->notice);
	safe = sanitize_str(buf_str(&b), SAN_ONELINE);
	term_text(y, x, cols - x, st->notice && st->notice_error ? SLOT_STATUS_ERROR
				  : v->streaming ? SLOT_STATUS_STREAMING : SLOT_STATUS, safe, strlen(safe));
	free(safe);
	buf_free(&b);
}
