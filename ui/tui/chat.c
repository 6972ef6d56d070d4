/* chat.c - the chat pane (see chat.h). */
#include "ui/tui/chat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "base/utf8.h"
#include "ui/render/hl.h"
#include "ui/render/wrap.h"
#include "ui/term/term.h"
#include "ui/tui/clip.h"
#include "ui/tui/input.h"
#include "ui/tui/layout.h"
#include "ui/tui/loop.h"
#include "ui/tui/msg_lines.h"
#include "ui/tui/paint.h"
#include "ui/tui/status.h"

static size_t chat_total(struct tui *t)
{
	size_t total = 0;
	for (size_t i = 0; i < t->conv.n; i++) {
		msg_lines_build(&t->conv.v[i], t->chat.w > 0 ? t->chat.w : 80);
		total += t->conv.v[i].lines.n;
	}
	return total;
}

static size_t chat_cursor_abs(struct tui *t)
{
	size_t abs = 0;
	if (t->chat.cur_msg >= t->conv.n)
		return chat_total(t) ? chat_total(t) - 1 : 0;
	for (size_t i = 0; i < t->chat.cur_msg; i++)
		abs += t->conv.v[i].lines.n;
	return abs + t->chat.cur_line;
}

/* Moves the cursor to chat line abs; the answer under it (or the one after a question)
 * becomes the selected one, whose sources the pane shows. */
static void chat_cursor_set(struct tui *t, size_t abs)
{
	size_t total = chat_total(t);
	if (!total)
		return;
	if (abs >= total)
		abs = total - 1;
	size_t i = 0;
	while (i < t->conv.n && abs >= t->conv.v[i].lines.n)
		abs -= t->conv.v[i++].lines.n;
	t->chat.cur_msg = i;
	t->chat.cur_line = abs;
	size_t a = i;
	if (!msg_is_answer(&t->conv.v[a]) && a + 1 < t->conv.n && msg_is_answer(&t->conv.v[a + 1]))
		a++;
	if (msg_is_answer(&t->conv.v[a]))
		sources_select(t, a);
	/* Keep it on screen: scroll counts lines hidden below the view. */
	size_t pos = chat_cursor_abs(t), h = t->chat.h > 0 ? (size_t)t->chat.h : 1;
	size_t first = total > h ? total - h - (size_t)t->chat.scroll : 0;
	if (pos < first)
		t->chat.scroll = (int)(total - h - pos);
	else if (pos >= first + h)
		t->chat.scroll = (int)(total - pos - 1);
	if (t->chat.scroll < 0 || total <= h)
		t->chat.scroll = 0;
	t->dirty = true;
}

/* Entering the chat: the cursor starts on the selected answer when it is in view, else on
 * the last line in view. */
void chat_cursor_enter(struct tui *t)
{
	size_t total = chat_total(t), h = t->chat.h > 0 ? (size_t)t->chat.h : 1;
	if (!total)
		return;
	size_t last = total - 1 - (size_t)t->chat.scroll;
	size_t first = total > h ? total - h - (size_t)t->chat.scroll : 0;
	size_t at = 0;
	for (size_t i = 0; i < t->conv.selected && i < t->conv.n; i++)
		at += t->conv.v[i].lines.n;
	if (conv_selected(t) && t->conv.v[t->conv.selected].lines.n > 1)
		at++; /* past the "footnote · profile · model" line */
	chat_cursor_set(t, conv_selected(t) && at >= first && at <= last ? at : last);
}

static const struct line *chat_line(struct tui *t, size_t abs, size_t *msg)
{
	for (size_t i = 0; i < t->conv.n; i++) {
		if (abs < t->conv.v[i].lines.n) {
			if (msg)
				*msg = i;
			return &t->conv.v[i].lines.v[abs];
		}
		abs -= t->conv.v[i].lines.n;
	}
	return NULL;
}

/* Next (dir 1) or previous (-1) match of the query from the cursor; wraps around. */
static void search_step(struct tui *t, int dir, bool include_here)
{
	const char *q = buf_str(&t->chat.search);
	size_t ql = t->chat.search.len, total = chat_total(t), count = 0, index = 0;
	if (!ql || !total)
		return;
	size_t from_abs = t->chat.match_valid ? t->chat.match_abs : chat_cursor_abs(t);
	size_t from_off = t->chat.match_valid ? t->chat.match_off : 0;
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
		t->chat.match_valid = false;
		status_notice(t, true, "no match for \"%s\"", q);
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
	t->chat.match_valid = true;
	t->chat.match_abs = best_abs;
	t->chat.match_off = best_off;
	chat_cursor_set(t, best_abs);
	status_notice(t, false, "match %zu/%zu for \"%s\"%s", index, count, q, found ? "" : " (wrapped)");
}

void chat_search_key(struct tui *t, int k)
{
	if (k == K_ESC || k == K_CTRL('c') || k == K_CTRL('g')) {
		t->chat.search_edit = false;
		buf_reset(&t->chat.search);
		t->chat.match_valid = false;
		status_notice(t, false, "search closed");
	} else if (k == K_ENTER) {
		t->chat.search_edit = false;
		if (!t->chat.search.len)
			t->chat.match_valid = false;
	} else if (k == K_BACKSPACE) {
		if (t->chat.search.len) {
			size_t at = input_prev_char(&t->chat.search, t->chat.search.len);
			t->chat.search.len = at;
			t->chat.search.p[at] = '\0';
		}
		t->chat.match_valid = false;
		search_step(t, 1, true);
	} else if (k >= 0x20 && k < 0x110000 && k != 0x7F) {
		char enc[4];
		buf_add(&t->chat.search, enc, utf8_encode((uint32_t)k, enc));
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
		status_notice(t, false, "copied %s (%zu bytes) via %s", what, safe.len, how);
	else
		status_notice(t, true, "copy failed: %s", err ? err : "?");
	free(err);
	buf_free(&safe);
}

static void copy_message(struct tui *t)
{
	if (t->chat.cur_msg >= t->conv.n) {
		status_notice(t, true, "no message to copy");
		return;
	}
	const struct msg *m = &t->conv.v[t->chat.cur_msg];
	if (m->role == ROLE_COMPARE) /* the side whose sources are shown */
		m = &m->side[m->side_sel];
	copy_text(t, m->role == ROLE_USER ? "the question" : "the message", buf_str(&m->raw), m->raw.len);
}

/* The block under the cursor; elsewhere in a message, its blocks in turn. */
static void copy_code(struct tui *t)
{
	if (t->chat.cur_msg >= t->conv.n) {
		status_notice(t, true, "no code block here");
		return;
	}
	const struct msg *m = &t->conv.v[t->chat.cur_msg];
	size_t line = t->chat.cur_line;
	if (m->role == ROLE_COMPARE) { /* the chosen side; its line under the cursor when side by side */
		const struct msg *c = m;
		m = &c->side[c->side_sel];
		line = c->stacked ? SIZE_MAX : line;
	}
	const struct lines *ls = &m->lines;
	if (!ls->ncode) {
		status_notice(t, true, "this message has no code block");
		return;
	}
	size_t b;
	if (line < ls->n && ls->v[line].code)
		b = (size_t)ls->v[line].code - 1;
	else
		b = t->chat.copy_code_next++ % ls->ncode;
	char what[64];
	snprintf(what, sizeof what, "code block %zu/%zu", b + 1, ls->ncode);
	copy_text(t, what, ls->code[b], strlen(ls->code[b]));
}

void chat_scroll_by(struct tui *t, int lines)
{
	t->chat.scroll += lines;
	if (t->chat.scroll < 0)
		t->chat.scroll = 0;
	t->dirty = true;
}

bool chat_search_stop(struct tui *t)
{
	if (!t->chat.match_valid && !t->chat.search.len)
		return false;
	t->chat.match_valid = false;
	buf_reset(&t->chat.search);
	return true;
}

void chat_page(struct tui *t, bool up)
{
	int page = t->chat.h > 2 ? t->chat.h - 2 : 1;
	chat_scroll_by(t, up ? page : -page);
	if (t->focus == FOCUS_CHAT) {
		size_t pos = chat_cursor_abs(t);
		int sc = t->chat.scroll;
		chat_cursor_set(t, up ? (pos > (size_t)page ? pos - (size_t)page : 0) : pos + (size_t)page);
		t->chat.scroll = sc; /* the page moved; the cursor moved with it */
	}
}

void chat_key(struct tui *t, enum action a)
{
	size_t pos = chat_cursor_abs(t);
	switch (a) {
	case A_UP: chat_cursor_set(t, pos ? pos - 1 : 0); break;
	case A_DOWN: chat_cursor_set(t, pos + 1); break;
	case A_TOP: chat_cursor_set(t, 0); break;
	case A_BOTTOM:
		chat_cursor_set(t, SIZE_MAX);
		t->chat.scroll = 0;
		break;
	case A_SEARCH:
		t->chat.search_edit = true;
		buf_reset(&t->chat.search);
		t->chat.match_valid = false;
		break;
	case A_SEARCH_NEXT:
	case A_SEARCH_PREV:
		if (!t->chat.search.len)
			status_notice(t, true, "no search yet: / searches the conversation");
		else
			search_step(t, a == A_SEARCH_NEXT ? 1 : -1, false);
		break;
	case A_COPY_MESSAGE: copy_message(t); break;
	case A_COPY_CODE: copy_code(t); break;
	default: break;
	}
}

/* Search matches on a drawn line: all in chat.search, the current one in marker. */
static void draw_matches(struct tui *t, int y, int x, int width, const struct line *ln, size_t abs)
{
	const char *q = buf_str(&t->chat.search);
	for (size_t off = hl_find(ln->text, ln->len, q, t->chat.search.len, 0); off != SIZE_MAX;
	     off = hl_find(ln->text, ln->len, q, t->chat.search.len, off + 1)) {
		int col = text_width(ln->text, off);
		bool cur = t->chat.match_valid && abs == t->chat.match_abs && off == t->chat.match_off;
		if (col < width)
			term_text(y, x + col, width - col, cur ? SLOT_MARKER : SLOT_CHAT_SEARCH, ln->text + off,
				  t->chat.search.len);
	}
}

/* Column 0 is a gutter: the cursor line (chat focused) and the answer whose sources are
 * shown are marked there. */
void chat_draw(struct tui *t, const struct rect *r)
{
	int top = r->y, height = r->h, width = r->w;
	int cw = width - 1;
	t->chat.w = cw > 1 ? cw : 1;
	t->chat.h = height;
	size_t total = 0;
	for (size_t i = 0; i < t->conv.n; i++) {
		msg_lines_build(&t->conv.v[i], t->chat.w);
		total += t->conv.v[i].lines.n;
	}
	if (t->conv.n == 0) {
		static const char *const hello[] = {
			"Ask a question about the documents in this folder.",
			"Answers cite their sources like [1]; the sources pane shows them (Tab to focus, o opens).",
			"F1 or /help: keys and commands · F2: switch profile · Esc: stop · Ctrl-C twice: quit",
		};
		/* Wrapped whole: a line cut at the edge would lose what it says. */
		for (int i = 0, y = top + 1; i < 3 && y < top + height; i++)
			y = paint_wrapped(y, top + height, 1, width - 2, hello[i], i ? SLOT_CHAT_META : SLOT_DEFAULT);
		return;
	}
	/* Scrolled up: new text below must not move what the user is reading. */
	if (t->chat.scroll > 0 && total > t->chat.last_total)
		t->chat.scroll += (int)(total - t->chat.last_total);
	t->chat.last_total = total;
	int max_scroll = total > (size_t)height ? (int)(total - (size_t)height) : 0;
	if (t->chat.scroll > max_scroll)
		t->chat.scroll = max_scroll;
	size_t first = total > (size_t)height ? total - (size_t)height - (size_t)t->chat.scroll : 0;
	size_t cur = t->focus == FOCUS_CHAT ? chat_cursor_abs(t) : SIZE_MAX;
	size_t li = 0;
	int y = top;
	for (size_t i = 0; i < t->conv.n && y < top + height; i++) {
		const struct lines *ls = &t->conv.v[i].lines;
		bool sel = i == t->conv.selected && msg_is_answer(&t->conv.v[i]) && t->conv.n > 2;
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
			paint_line(y, 1, cw, &ls->v[j], SLOT_DEFAULT);
			if (t->chat.search.len)
				draw_matches(t, y, 1, cw, &ls->v[j], li);
			y++;
		}
	}
	if (t->chat.scroll > 0) {
		char more[48];
		snprintf(more, sizeof more, " ↓ %d more lines (End) ", t->chat.scroll);
		term_text(top + height - 1, width - text_width(more, strlen(more)) - 1, width, SLOT_STATUS, more,
			  strlen(more));
	}
}

void chat_free(struct chat_view *c)
{
	buf_free(&c->search);
}
