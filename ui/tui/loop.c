/* loop.c - the terminal interface's loop (see loop.h): poll, dispatch each key to the room
 * it is for, handle the channel's messages, draw once per pass. */
#include "ui/tui/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/chan.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/answer/cost.h"
#include "core/answer/turn.h"
#include "ui/cli.h"
#include "ui/cmd/cmds.h"
#include "ui/render/theme.h"
#include "ui/render/wrap.h"
#include "ui/term/term.h"
#include "ui/tui/commands.h"
#include "ui/tui/help_overlay.h"
#include "ui/tui/layout.h"
#include "ui/tui/save.h"
#include "ui/tui/turns.h"

enum { FRAME_MS = 15 };

/* ---- keys ------------------------------------------------------------------------------ */

static bool printable(int k)
{
	return k >= 0x20 && k < 0x110000 && k != 0x7F;
}

static bool narrow_now(void)
{
	int rows, cols;
	term_size(&rows, &cols);
	return layout_narrow(cols);
}

static bool compare_selected(const struct tui *t)
{
	return t->conv.selected < t->conv.n && t->conv.v[t->conv.selected].role == ROLE_COMPARE;
}

static void focus_set(struct tui *t, enum focus f)
{
	if (f == t->focus)
		return;
	t->focus = f;
	if (f == FOCUS_CHAT)
		chat_cursor_enter(t);
}

/* Tab's round: input -> chat -> sources; the sources are skipped while F3 hides them side
 * by side (narrow, Tab opens them over the chat). */
static void focus_cycle(struct tui *t, int dir)
{
	enum focus f = t->focus;
	do
		f = (f + (dir > 0 ? 1 : FOCUS_COUNT - 1)) % FOCUS_COUNT;
	while (f == FOCUS_SOURCES && !t->src.show && !narrow_now());
	focus_set(t, f);
}

/* Whether the focused pane has a use for a printable key bound to a: its own actions and
 * the global ones; n/N only after a search, h/l only on a comparison. The rest is typed
 * into the input. */
static bool pane_uses(const struct tui *t, enum action a)
{
	if (a == A_NONE)
		return false;
	if (a == A_SEARCH_NEXT || a == A_SEARCH_PREV)
		return t->chat.search.len > 0;
	if (a == A_SIDE_LEFT || a == A_SIDE_RIGHT)
		return compare_selected(t);
	return true;
}

static void stop(struct tui *t)
{
	if (t->src.preview)
		t->src.preview = false;
	else if (chat_search_stop(t))
		;
	else if (t->focus == FOCUS_SOURCES && narrow_now())
		focus_set(t, FOCUS_INPUT); /* the sources over the chat close */
	else if (conv_live(t))
		turns_cancel(t);
	else
		status_dismiss(t);
}

/* The open overlay takes every key, then a search being typed; the rest are actions of
 * the focused room or global ones. In the chat or the sources, a printable key they have
 * no use for goes to the input, and the focus with it. */
static void handle_key(struct tui *t, int k)
{
	if (k == K_PASTE_START || k == K_PASTE_END) {
		t->in.pasting = k == K_PASTE_START;
		if (t->in.pasting) /* a paste is text, wherever the focus was */
			focus_set(t, FOCUS_INPUT);
		t->dirty = true;
		return;
	}
	if (k == K_RESIZE) {
		t->dirty = true;
		return;
	}
	if (k == K_UNKNOWN)
		return;
	/* A key says the notice was read; not while a search is typed, whose notice is the
	 * count of matches for what is typed. */
	if (!t->chat.search_edit)
		status_key(t);
	enum key_ctx ctx = t->focus == FOCUS_INPUT ? KC_INPUT : t->focus == FOCUS_CHAT ? KC_CHAT : KC_SOURCES;
	enum action a = t->in.pasting && t->focus == FOCUS_INPUT ? A_NONE : keys_action(&t->keys, ctx, k);
	if (a != A_INTERRUPT)
		t->ctrl_c_armed = false;
	if (overlay_key(t, k))
		return;
	if (t->chat.search_edit) {
		chat_search_key(t, k);
		return;
	}
	if (k == K_WHEEL_UP || k == K_WHEEL_DOWN) {
		chat_scroll_by(t, k == K_WHEEL_UP ? 3 : -3);
		return;
	}
	t->dirty = true;
	if (t->focus != FOCUS_INPUT && printable(k) && !pane_uses(t, a)) {
		focus_set(t, FOCUS_INPUT);
		input_key(t, A_NONE, k);
		return;
	}
	/* Tab in an input that starts with '/' completes instead of moving the focus. */
	if (a == A_FOCUS_NEXT && t->focus == FOCUS_INPUT && commands_complete(t))
		return;
	switch (a) {
	case A_INTERRUPT:
		if (conv_live(t)) {
			turns_cancel(t);
		} else if (t->ctrl_c_armed) {
			t->quit = true;
		} else {
			t->ctrl_c_armed = true;
			status_notice(t, false, "press Ctrl-C again to quit");
		}
		return;
	case A_STOP: stop(t); return;
	case A_FOCUS_NEXT:
	case A_FOCUS_PREV: focus_cycle(t, a == A_FOCUS_NEXT ? 1 : -1); return;
	case A_HELP: help_toggle(t); return;
	case A_PROFILES: profiles_pick(t); return;
	case A_TOGGLE_SOURCES:
		if (narrow_now()) {
			focus_set(t, t->focus == FOCUS_SOURCES ? FOCUS_INPUT : FOCUS_SOURCES);
		} else {
			t->src.show = !t->src.show;
			if (!t->src.show && t->focus == FOCUS_SOURCES)
				focus_set(t, FOCUS_INPUT);
		}
		return;
	case A_EDIT_INPUT: input_edit(t); return;
	case A_PAGE_UP:
	case A_PAGE_DOWN: chat_page(t, a == A_PAGE_UP); return;
	case A_SIDE_LEFT:
	case A_SIDE_RIGHT:
		if (t->focus != FOCUS_INPUT)
			sources_compare_side(t, a == A_SIDE_RIGHT);
		return;
	default: break;
	}
	if (t->focus == FOCUS_INPUT)
		input_key(t, a, k);
	else if (t->focus == FOCUS_SOURCES)
		sources_key(t, a);
	else
		chat_key(t, a);
}

/* ---- drawing --------------------------------------------------------------------------- */

static void draw_status(struct tui *t, const struct rect *r)
{
	const struct cfg_provider *prov = config_provider(t->cfg, t->prof.cur->provider);
	const struct msg *live = conv_live(t);
	struct status_view v = {
		.search = t->chat.search_edit ? buf_str(&t->chat.search) : NULL,
		.profile = t->prof.cur->name,
		.model = prov->kind == PROVIDER_BUILTIN ? "offline (extractive)" : profiles_model(t, t->prof.cur),
		.streaming = live != NULL,
		.st = &t->st,
	};
	struct conv_cost cc;
	conv_cost(t, &cc);
	char money[48];
	/* Only what was paid: the builtin answerer and declines cost nothing to show. */
	if (cc.micros > 0)
		v.cost = cost_format(cc.micros, t->cfg->currency, money, sizeof money);
	struct status_hints h;
	status_hints(t, layout_narrow(r->w), &h);
	v.hints = h.p;
	v.nhints = h.n;
	if (live) {
		v.secs = (clock_ms_f() - live->started_ms) / 1000.0;
		v.tokens = live->role == ROLE_COMPARE ? live->side[0].tokens + live->side[1].tokens : live->tokens;
	}
	status_draw(&v, r->y, r->w);
}

static void draw(struct tui *t)
{
	int rows, cols;
	term_size(&rows, &cols);
	term_erase();
	struct lines in = {0};
	int ih = cols >= 2 ? input_lines(t, cols - 2, &in) : 1;
	struct layout lay;
	layout_compute(rows, cols, ih, t->src.show, t->focus == FOCUS_SOURCES, t->cfg->ui.sources_width, &lay);
	if (lay.too_small) {
		lines_free(&in);
		term_text(0, 0, cols, SLOT_DEFAULT, "window too small", 16);
		term_flush();
		return;
	}
	if (lay.chat.w)
		chat_draw(t, &lay.chat);
	if (lay.sources.w)
		sources_draw(t, &lay.sources);
	term_fill(lay.rule.y, lay.rule.x, lay.rule.w, SLOT_DEFAULT);
	for (int x = 0; x < lay.rule.w; x++)
		term_text(lay.rule.y, x, 1, t->focus == FOCUS_INPUT ? SLOT_BORDER_FOCUS : SLOT_BORDER, "─", 3);
	input_draw(t, &lay, &in);
	lines_free(&in);
	draw_status(t, &lay.status);
	overlay_draw(t, rows, cols);
	term_flush();
}

/* ---- the loop -------------------------------------------------------------------------- */

static void handle_msgs(struct tui *t)
{
	for (struct chan_msg *m = chan_take(t->w.chan), *next; m; m = next) {
		next = m->next;
		const struct idx_event *ev = wiring_index_event(m);
		if (ev && ev->kind == IDX_EV_FILE) { /* redraws only when a shown source went stale */
			sources_file_event(t, ev->state == IDX_FILE_MOVED ? NULL : ev->path);
			status_index(t, ev);
		} else if (ev) {
			status_index(t, ev);
		}
		else if (!wiring_handle(t, m))
			turns_handle(t, (struct turn_msg *)m);
		chan_msg_free(m);
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

static void tui_free(struct tui *t)
{
	overlay_close(t);
	conv_free(&t->conv);
	input_free(&t->in);
	chat_free(&t->chat);
	profiles_free(&t->prof, t->cfg->profiles.n);
	status_free(&t->st);
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
	t.prof.cur = config_profile(t.cfg, cli->profile ? cli->profile : t.cfg->default_profile);
	t.src.show = true;
	char *why = NULL;
	if (cli->session && save_resume(&t, cli->session, &why) < 0) {
		char *safe = sanitize_str(why, SAN_ONELINE);
		fprintf(stderr, "footnote: %s\n", safe);
		free(safe);
		free(why);
		tui_free(&t);
		return EXIT_USAGE;
	}
	input_history_load(&t);
	t.in.hist_pos = t.in.nhistory;

	struct slot_style styles[SLOT_COUNT];
	char *warn = NULL;
	theme_load(t.cfg->themes_dir, t.cfg->ui.theme, styles, &warn);
	if (warn) {
		log_warn("theme: %s", warn);
		status_notice(&t, true, "theme: %s", warn);
		free(warn);
	}
	if (term_init(styles, t.cfg->ui.mouse) < 0) {
		fprintf(stderr, "footnote: cannot start the terminal interface (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		tui_free(&t);
		return EXIT_FAIL;
	}
	wiring_start(&t);
	t.dirty = true;

	/* One draw per pass, and while text streams in at most one per FRAME_MS: every token
	 * wakes the loop, but 2,000 tokens a second must not become 2,000 frames. A key is
	 * drawn at once. Idle, poll waits with no timeout. */
	double last_draw = 0;
	while (!t.quit) {
		int timeout = -1;
		if (t.dirty) {
			double wait = t.urgent ? 0 : last_draw + FRAME_MS - clock_ms_f();
			if (wait <= 0) {
				draw(&t);
				last_draw = clock_ms_f();
				t.dirty = t.urgent = false;
			} else {
				timeout = (int)wait + 1;
			}
		}
		/* While streaming, wake once a second so tokens/s stays current. */
		if (timeout < 0 && conv_live(&t))
			timeout = 1000;
		struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {chan_fd(t.w.chan), POLLIN, 0}};
		int r = poll(p, 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (conv_live(&t) && r == 0)
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
	wiring_stop(&t);
	handle_msgs(&t);
	tui_free(&t);
	return EXIT_OK;
}
