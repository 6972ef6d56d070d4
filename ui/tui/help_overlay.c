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

enum { KEY_COL = 17 };

/* "KEYS             what it does", the description wrapped to width under itself. */
static void help_row(const char *keys, const char *what, int width, struct lines *out)
{
	int col = (int)strlen(keys) + 1 > KEY_COL ? (int)strlen(keys) + 1 : KEY_COL;
	struct lines ls = {0};
	wrap_plain(what, strlen(what), width - col > 10 ? width - col : 10, SLOT_STATUS, &ls);
	for (size_t i = 0; i < ls.n || i == 0; i++) {
		char *row = xasprintf("%-*s%.*s", col, i ? "" : keys, i < ls.n ? (int)ls.v[i].len : 0,
				      i < ls.n ? ls.v[i].text : "");
		wrap_plain(row, strlen(row), width, SLOT_STATUS, out);
		free(row);
	}
	lines_free(&ls);
}

static void help_title(const char *s, int width, struct lines *out)
{
	if (out->n)
		wrap_plain("", 0, width, SLOT_STATUS, out);
	wrap_plain(s, strlen(s), width, SLOT_STATUS_PROFILE, out);
}

/* The help screen, generated from the key table and wrapped to width. */
static void help_lines(const struct tui *t, int width, struct lines *out)
{
	char keys[96];
	static const char *const marks[][2] = {
		{"[1]", "the answer cites source 1 (the sources pane shows it; ✓ when its words support the sentence)"},
		{"[auto: 1]", "the model gave this sentence no marker, so footnote attached the source that supports "
			      "it best: read that source before trusting the sentence"},
		{"(model knowledge)", "a sentence no source supports: it comes from the model, not your documents"},
		{"stale", "the cited file changed after the answer; o opens it as it is now"},
	};
	/* First what a reader of an answer wonders about, then the keys. */
	help_title("Marks in answers", width, out);
	for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
		help_row(marks[i][0], marks[i][1], width, out);
	for (int c = 0; c < KC_COUNT; c++) {
		bool any = false;
		for (int a = A_NONE + 1; a < A_COUNT; a++) {
			if (action_ctx(a) != (enum key_ctx)c || !*action_keys(&t->keys, a, keys, sizeof keys))
				continue;
			if (!any)
				help_title(key_ctx_name(c), width, out);
			any = true;
			help_row(keys, action_help(a), width, out);
		}
	}
	static const char *const cmds[][2] = {
		{"/profile NAME", "switch profile"},
		{"/model NAME", "use another model (alone: the profile's own)"},
		{"/compare A B [QUESTION]", "the question (or the last one) to two profiles, side by side; h/l (Left/Right) "
					    "in the chat or sources pick the side whose sources show"},
		{"/new", "a new conversation"},
		{"/sessions", "pick a saved conversation"},
		{"/export [md|json] [FILE]", "the conversation to a file"},
		{"/reindex", "scan the folders again"},
		{"/cost", "tokens and cost of this conversation (prices: in the config)"},
		{"/help", "this help"},
		{"/quit", "quit"},
	};
	help_title("Commands (Tab completes)", width, out);
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		help_row(cmds[i][0], cmds[i][1], width, out);
	static const char *const notes[] = {
		("In the chat and the sources, a key they have no use for is typed into the input, and the "
		 "focus goes there: / starts a command from anywhere. The status bar shows the focused pane's "
		 "keys. Below 80 columns the chat has the screen; F3 (or Tab) shows the sources over it."),
		("Keys are remapped in the config: ui.keys: {action: \"C-p\"} (actions as named in the table in "
		 "ui/tui/keys.c, e.g. profiles, toggle_sources, copy_code)."),
		"Up/Down scroll this help; any other key closes it.",
	};
	for (size_t i = 0; i < sizeof notes / sizeof *notes; i++) {
		wrap_plain("", 0, width, SLOT_STATUS, out);
		wrap_plain(notes[i], strlen(notes[i]), width, SLOT_STATUS, out);
	}
}

static void help_draw(struct tui *t, void *st, int rows, int cols)
{
	int *top = st;
	struct lines ls = {0};
	int w = cols > 84 ? 80 : cols - 4;
	help_lines(t, w - 2, &ls);
	int n = (int)ls.n;
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
