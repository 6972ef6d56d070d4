/* help_overlay.c - the help screen (see help_overlay.h). */
#include "ui/tui/help_overlay.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "ui/render/wrap.h"
#include "ui/term/term.h"
#include "ui/tui/keys.h"
#include "ui/tui/loop.h"
#include "ui/tui/overlay.h"
#include "ui/tui/paint.h"

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

static void help_draw(struct tui *t, void *st, int rows, int cols)
{
	int *top = st;
	struct lines ls = {0};
	help_lines(t, &ls);
	int n = (int)ls.n, w = cols > 84 ? 80 : cols - 4;
	int h = n + 2 < rows - 2 ? n + 2 : rows - 2;
	if (*top > n - (h - 2))
		*top = n - (h - 2) > 0 ? n - (h - 2) : 0;
	int y0 = (rows - h) / 2, left = (cols - w) / 2;
	for (int i = 0; i < h; i++) {
		term_fill(y0 + i, left - 1, w + 2, SLOT_STATUS);
		int li = i - 1 + *top;
		if (i > 0 && i < h - 1 && li < n)
			paint_line(y0 + i, left + 1, w - 2, &ls.v[li], SLOT_STATUS);
	}
	lines_free(&ls);
}

static bool help_key(struct tui *t, void *st, int k)
{
	int *top = st;
	bool stay = true;
	if (k == K_UP || k == 'k')
		(*top)--;
	else if (k == K_DOWN || k == 'j')
		(*top)++;
	else if (k == K_PGUP)
		*top -= 10;
	else if (k == K_PGDN || k == ' ')
		*top += 10;
	else if (k != K_RESIZE && k != K_WHEEL_UP && k != K_WHEEL_DOWN)
		stay = false;
	if (k == K_WHEEL_UP)
		*top -= 3;
	if (k == K_WHEEL_DOWN)
		*top += 3;
	if (*top < 0)
		*top = 0;
	(void)t;
	return stay;
}


static const struct overlay_class help_class = {"help", help_draw, help_key, free};

void help_toggle(struct tui *t)
{
	if (overlay_is(t, &help_class))
		overlay_close(t);
	else
		overlay_open(t, &help_class, xcalloc(1, sizeof(int)));
	t->dirty = true;
}
