/* pick_sessions.c - the /sessions overlay: the saved sessions, newest first. */
#include "ui/tui/pick_sessions.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/session/session.h"
#include "ui/render/theme.h"
#include "ui/term/term.h"

struct session_picker {
	struct session_info *v;
	size_t n, sel, top;
	char *chosen;
};

struct session_picker *session_picker_open(const char *dir, char **err)
{
	struct session_picker *p = xcalloc(1, sizeof *p);
	if (session_list(dir, &p->v, &p->n, err) < 0) {
		session_picker_free(p);
		return NULL;
	}
	if (!p->n) {
		*err = xstrdup("no saved sessions yet");
		session_picker_free(p);
		return NULL;
	}
	return p;
}

void session_picker_free(struct session_picker *p)
{
	if (!p)
		return;
	session_infos_free(p->v, p->n);
	free(p->chosen);
	free(p);
}

int session_picker_key(struct session_picker *p, int key)
{
	switch (key) {
	case K_UP:
		p->sel -= p->sel > 0;
		break;
	case K_DOWN:
		p->sel += p->sel + 1 < p->n;
		break;
	case K_PGUP:
		p->sel = p->sel > 10 ? p->sel - 10 : 0;
		break;
	case K_PGDN:
		p->sel = p->sel + 10 < p->n ? p->sel + 10 : p->n - 1;
		break;
	case K_HOME:
		p->sel = 0;
		break;
	case K_END:
		p->sel = p->n - 1;
		break;
	case K_ESC:
	case 'q':
		return PICK_CLOSE;
	case K_ENTER:
		if (p->v[p->sel].error)
			return PICK_STAY;
		free(p->chosen);
		p->chosen = xstrdup(p->v[p->sel].id);
		return PICK_CHOSEN;
	default: break;
	}
	return PICK_STAY;
}

const char *session_picker_chosen(const struct session_picker *p)
{
	return p->chosen;
}

static void picker_row(const struct session_info *in, int y, int x, int w, bool sel)
{
	struct buf b = {0};
	char when[17];
	session_short_time(in->updated, when);
	if (in->error)
		buf_addf(&b, " %s  unreadable: %s", in->id, in->error);
	else
		buf_addf(&b, " %s  %s  %3zu  %s", in->id, when, in->turns, in->title);
	char *safe = sanitize_str(buf_str(&b), SAN_ONELINE);
	int slot = sel ? SLOT_SOURCES_SELECTED : in->error ? SLOT_STATUS_ERROR : SLOT_STATUS;
	term_fill(y, x, w, slot);
	term_text(y, x, w, slot, safe, strlen(safe));
	free(safe);
	buf_free(&b);
}

void session_picker_draw(struct session_picker *p, int rows, int cols)
{
	int w = cols > 90 ? 86 : cols - 4, h = rows - 4;
	int list_h = h - 3;
	if (w < 10 || list_h < 1)
		return;
	if ((int)p->n < list_h)
		h = (int)p->n + 3, list_h = (int)p->n;
	int top = (rows - h) / 2, left = (cols - w) / 2;
	/* The first row shown follows the selection. */
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)list_h)
		p->top = p->sel - (size_t)list_h + 1;
	for (int y = top; y < top + h; y++)
		term_fill(y, left, w, SLOT_STATUS);
	static const char head[] = " Sessions · Enter resume · Esc close";
	term_text(top, left, w, SLOT_STATUS_PROFILE, head, strlen(head));
	for (int i = 0; i < list_h && p->top + (size_t)i < p->n; i++)
		picker_row(&p->v[p->top + (size_t)i], top + 2 + i, left, w, p->top + (size_t)i == p->sel);
}
