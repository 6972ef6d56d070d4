/* pick_sessions.c - the /sessions overlay (see pick_sessions.h). */
#include "ui/tui/pick_sessions.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/session/session.h"
#include "ui/term/term.h"
#include "ui/tui/loop.h"
#include "ui/tui/overlay.h"
#include "ui/tui/picker.h"
#include "ui/tui/save.h"
#include "ui/tui/status.h"

struct session_picker {
	struct picker pk;
	struct session_info *v;
};

static void picker_free(void *st)
{
	struct session_picker *p = st;
	if (!p)
		return;
	session_infos_free(p->v, p->pk.n);
	free(p);
}

static char *picker_row(void *ctx, size_t i, int *slot)
{
	const struct session_info *in = &((struct session_picker *)ctx)->v[i];
	struct buf b = {0};
	char when[17];
	session_short_time(in->updated, when);
	if (in->error)
		buf_addf(&b, " %s  unreadable: %s", in->id, in->error);
	else
		buf_addf(&b, " %s  %s  %3zu  %s", in->id, when, in->turns, in->title);
	*slot = in->error ? SLOT_STATUS_ERROR : SLOT_STATUS;
	return buf_detach(&b);
}

static void picker_draw_cb(struct tui *t, void *st, int rows, int cols)
{
	(void)t;
	picker_draw(&((struct session_picker *)st)->pk, " Sessions · Enter resume · Esc close", 86, rows, cols,
		    picker_row, st);
}

static bool picker_key_cb(struct tui *t, void *st, int k)
{
	struct session_picker *p = st;
	enum pick_result r = picker_key(&p->pk, &t->keys, k);
	if (r == PICK_CHOSEN) {
		if (p->v[p->pk.sel].error)
			return true;
		char *id = xstrdup(p->v[p->pk.sel].id), *err = NULL;
		overlay_close(t); /* frees p */
		if (save_resume(t, id, &err) < 0)
			status_notice(t, true, "%s", err);
		free(err);
		free(id);
		return false;
	}
	return r == PICK_STAY;
}

static const struct overlay_class sessions_class = {"sessions", picker_draw_cb, picker_key_cb, picker_free};

void pick_sessions_open(struct tui *t)
{
	char *err = NULL;
	struct session_picker *p = xcalloc(1, sizeof *p);
	if (session_list(t->cfg->sessions_dir, &p->v, &p->pk.n, &err) == 0 && !p->pk.n)
		err = xstrdup("no saved sessions yet");
	if (err) {
		picker_free(p);
		overlay_close(t);
		status_notice(t, true, "%s", err);
		free(err);
		return;
	}
	overlay_open(t, &sessions_class, p);
	t->dirty = true;
}
