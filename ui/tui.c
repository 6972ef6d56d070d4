/* tui.c - the terminal interface: chat pane, sources pane, input box, status bar.
 *
 * One loop on the main thread: poll(stdin, channel) -> handle keys and messages -> mark
 * dirty -> draw once per pass. The index watcher and the net thread only ever talk to it
 * through the channel. Every string from a model, a document or a file name passes
 * sanitize() before it is drawn. */
#include <errno.h>
#include <stdarg.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "core/chan.h"
#include "core/config.h"
#include "core/log.h"
#include "core/net.h"
#include "core/secret.h"
#include "core/setup.h"
#include "core/turn.h"
#include "ui/cmds.h"
#include "ui/term.h"
#include "ui/theme.h"
#include "ui/wrap.h"

enum { MSG_IDX = 200 };
enum role { ROLE_USER, ROLE_ASSISTANT, ROLE_NOTE };
enum focus { FOCUS_INPUT, FOCUS_CHAT, FOCUS_SOURCES, FOCUS_COUNT };

struct idx_msg {
	struct chan_msg base;
	struct idx_event ev; /* strings below are owned copies */
	char *path, *message;
};

struct msg {
	enum role role;
	struct buf raw;              /* source of truth: what was said */
	struct turn *turn;           /* assistant: sources and provenance */
	struct turn_result *result;  /* assistant, once finished */
	char *profile, *model;
	bool streaming;
	size_t tokens;
	double started_ms;
	struct lines lines;          /* derived for `width` */
	int width;
	bool stale;                  /* lines need rebuilding */
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
	bool dirty;

	char *notice;                /* one-line status message */
	bool notice_error;
	struct idx_event idx_state;
	char *idx_error;
	bool indexing;
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
	if (ev->kind == IDX_EV_FILE && (ev->state == IDX_FILE_UNCHANGED || ev->state == IDX_FILE_QUEUED))
		return; /* counts arrive with progress events; no need to wake the UI per file */
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
	m->stale = true;
	t->dirty = true;
	return m;
}

/* Only the last message can be streaming: a new question waits for the answer before. */
static struct msg *live_msg(struct tui *t)
{
	struct msg *m = t->nmsgs ? &t->msgs[t->nmsgs - 1] : NULL;
	return m && m->streaming ? m : NULL;
}

static void free_msg(struct msg *m)
{
	buf_free(&m->raw);
	if (m->turn)
		turn_free(m->turn);
	turn_result_free(m->result);
	free(m->profile);
	free(m->model);
	lines_free(&m->lines);
}

static int cite_exists(void *ctx, int n)
{
	const struct msg *m = ctx;
	return m->turn && cite_map_get(turn_sources(m->turn), n) != NULL;
}

static void build_lines(struct msg *m, int width)
{
	if (!m->stale && m->width == width)
		return;
	lines_clear(&m->lines);
	struct buf safe = {0};
	sanitize(buf_str(&m->raw), m->raw.len, 0, &safe);
	struct buf head = {0};
	if (m->role == ROLE_USER) {
		wrap_plain("you", 3, width, SLOT_CHAT_USER, &m->lines);
		render_message(buf_str(&safe), safe.len, width, SLOT_DEFAULT, NULL, NULL, &m->lines);
	} else if (m->role == ROLE_NOTE) {
		wrap_plain(buf_str(&safe), safe.len, width, SLOT_CHAT_META, &m->lines);
	} else {
		buf_addf(&head, "footnote · %s · %s", m->profile ? m->profile : "?", m->model ? m->model : "?");
		char *h = sanitize_str(buf_str(&head), SAN_ONELINE);
		wrap_plain(h, strlen(h), width, SLOT_CHAT_META, &m->lines);
		free(h);
		render_message(buf_str(&safe), safe.len, width, SLOT_CHAT_ASSISTANT, cite_exists, m, &m->lines);
		struct buf foot = {0};
		if (m->streaming)
			buf_adds(&foot, "▍");
		else if (m->result) {
			const struct turn_result *r = m->result;
			if ((r->outcome != TURN_COMPLETED || r->not_grounded) && r->message)
				buf_addf(&foot, "[%s] %s", r->outcome_name, r->message);
			else if (r->extractive)
				buf_adds(&foot, "extractive answer: sentences quoted from your documents, no model");
			size_t nsrc = m->turn ? turn_sources(m->turn)->n : 0;
			buf_addf(&foot, "%s%zu source%s · %.0f ms", foot.len ? " · " : "", nsrc, nsrc == 1 ? "" : "s",
				 r->total_ms);
		}
		if (foot.len) {
			char *f = sanitize_str(buf_str(&foot), SAN_ONELINE);
			wrap_plain(f, strlen(f), width,
				   m->result && m->result->outcome != TURN_COMPLETED && m->result->outcome != TURN_DECLINED
					   ? SLOT_CHAT_ERROR : SLOT_CHAT_META,
				   &m->lines);
			free(f);
		}
		buf_free(&foot);
	}
	wrap_plain("", 0, width, SLOT_DEFAULT, &m->lines);
	buf_free(&safe);
	buf_free(&head);
	m->width = width;
	m->stale = false;
}

/* ---- asking ------------------------------------------------------------------------------ */

static void ask(struct tui *t, const char *question)
{
	if (live_msg(t)) {
		set_notice(t, true, "an answer is still streaming: Esc stops it");
		return;
	}
	add_msg(t, ROLE_USER, question);
	struct msg *a = add_msg(t, ROLE_ASSISTANT, NULL);
	const struct cfg_provider *prov = config_provider(t->cfg, t->profile->provider);
	a->profile = xstrdup(t->profile->name);
	a->model = xstrdup(prov->kind == PROVIDER_BUILTIN ? "extractive" : t->profile->model);
	a->streaming = true;
	a->started_ms = now_ms();
	t->selected = t->nmsgs - 1;
	t->source_sel = 0;
	t->scroll = 0;
	struct turn_request req = {t->cfg, t->profile, question, NULL, t->ix, t->setup.emb, ++t->gen};
	a->turn = turn_start(&req, t->net, t->chan);
}

static void handle_turn(struct tui *t, struct turn_msg *m)
{
	if (!live_msg(t) || m->base.gen != t->gen)
		return; /* an older, cancelled turn */
	struct msg *a = live_msg(t);
	if (m->base.kind == TURN_TEXT) {
		buf_adds(&a->raw, m->text);
		a->tokens++;
		a->stale = true;
	} else if (m->base.kind == TURN_NOTICE) {
		set_notice(t, false, "%s", m->text);
	} else if (m->base.kind == TURN_END) {
		a->result = m->result;
		m->result = NULL;
		a->streaming = false;
		a->stale = true;
		if (a->result->outcome != TURN_COMPLETED && a->result->outcome != TURN_DECLINED)
			set_notice(t, true, "%s: %s", a->result->outcome_name,
				   a->result->message ? a->result->message : "");
	}
	t->dirty = true;
}

static void cancel(struct tui *t)
{
	struct msg *live = live_msg(t);
	if (!live)
		return;
	turn_cancel(live->turn);
	set_notice(t, false, "stopping the answer…");
}

/* ---- slash commands ---------------------------------------------------------------------- */

static void switch_profile(struct tui *t, const struct cfg_profile *p)
{
	t->profile = p;
	const struct cfg_provider *prov = config_provider(t->cfg, p->provider);
	set_notice(t, false, "profile %s: %s%s", p->name,
		   prov->kind == PROVIDER_BUILTIN ? "offline extractive answers" : p->model,
		   p->retrieval.enabled ? ", with retrieval" : ", no retrieval");
}

static void show_help(struct tui *t)
{
	t->show_help = !t->show_help;
	t->dirty = true;
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
		if (live_msg(t))
			cancel(t);
		for (size_t i = 0; i < t->nmsgs; i++)
			free_msg(&t->msgs[i]);
		t->nmsgs = 0;
		t->gen++;
		set_notice(t, false, "new conversation");
	} else if (!strcmp(name, "reindex")) {
		if (t->watch) {
			idx_watch_rescan(t->watch);
			set_notice(t, false, "rescanning the folders…");
		} else {
			set_notice(t, true, "the index is not open: %s", t->idx_error ? t->idx_error : "");
		}
	} else if (!strcmp(name, "model") || !strcmp(name, "sessions") || !strcmp(name, "export") ||
		   !strcmp(name, "compare")) {
		set_notice(t, true, "/%s is not available in this build yet", name);
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

static void open_editor(struct tui *t)
{
	const struct msg *m = t->selected < t->nmsgs ? &t->msgs[t->selected] : NULL;
	const struct source *s = m && m->turn ? cite_map_get(turn_sources(m->turn), (int)t->source_sel + 1) : NULL;
	if (!s) {
		set_notice(t, true, "no source selected");
		return;
	}
	const char *editor = getenv("VISUAL");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	char line[32];
	snprintf(line, sizeof line, "+%u", (unsigned)(s->line_start ? s->line_start : 1));
	term_suspend();
	pid_t pid = fork();
	if (pid == 0) {
		/* The path is an argument, never part of a shell string. */
		execl("/bin/sh", "sh", "-c", "exec $FN_EDITOR \"$@\"", "sh", line, s->path, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid > 0) {
		setenv("FN_EDITOR", editor, 1);
		waitpid(pid, &status, 0);
	}
	term_resume();
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		set_notice(t, true, "the editor (%s) did not run cleanly", editor);
	t->dirty = true;
}

static void handle_key(struct tui *t, int k)
{
	if (k != K_CTRL('c'))
		t->ctrl_c_armed = false;
	if (t->show_help && k != K_RESIZE) {
		t->show_help = false;
		t->dirty = true;
		return;
	}
	switch (k) {
	case K_CTRL('c'):
		if (live_msg(t)) {
			cancel(t);
		} else if (t->ctrl_c_armed) {
			t->quit = true;
		} else {
			t->ctrl_c_armed = true;
			set_notice(t, false, "press Ctrl-C again to quit");
		}
		return;
	case K_ESC:
		if (t->show_preview)
			t->show_preview = false;
		else
			cancel(t);
		t->dirty = true;
		return;
	case K_TAB:
		t->focus = (t->focus + 1) % FOCUS_COUNT;
		t->dirty = true;
		return;
	case K_BTAB:
		t->focus = (t->focus + FOCUS_COUNT - 1) % FOCUS_COUNT;
		t->dirty = true;
		return;
	case K_F1:
		show_help(t);
		return;
	case K_F2:
	case K_CTRL('p'): {
		size_t i = 0;
		while (i < t->cfg->profiles.n && &t->cfg->profiles.v[i] != t->profile)
			i++;
		switch_profile(t, &t->cfg->profiles.v[(i + 1) % t->cfg->profiles.n]);
		return;
	}
	case K_F3:
		t->show_sources = !t->show_sources;
		t->dirty = true;
		return;
	case K_RESIZE:
		t->dirty = true;
		return;
	case K_PGUP:
	case K_WHEEL_UP:
		t->scroll += k == K_PGUP ? 10 : 3;
		t->dirty = true;
		return;
	case K_PGDN:
	case K_WHEEL_DOWN:
		t->scroll -= k == K_PGDN ? 10 : 3;
		if (t->scroll < 0)
			t->scroll = 0;
		t->dirty = true;
		return;
	case K_PASTE_START:
		t->pasting = true;
		return;
	case K_PASTE_END:
		t->pasting = false;
		return;
	default:
		break;
	}
	t->dirty = true;
	if (t->focus == FOCUS_SOURCES) {
		const struct msg *m = t->selected < t->nmsgs ? &t->msgs[t->selected] : NULL;
		size_t n = m && m->turn ? turn_sources(m->turn)->n : 0;
		if (k == K_UP && t->source_sel > 0)
			t->source_sel--;
		else if (k == K_DOWN && t->source_sel + 1 < n)
			t->source_sel++;
		else if (k == 'o')
			open_editor(t);
		else if (k == K_ENTER)
			t->show_preview = !t->show_preview;
		else if (k == '?')
			show_help(t);
		return;
	}
	if (t->focus == FOCUS_CHAT) {
		if (k == K_HOME)
			t->scroll = 1 << 30;
		else if (k == K_END)
			t->scroll = 0;
		else if (k == K_UP)
			t->scroll++;
		else if (k == K_DOWN && t->scroll > 0)
			t->scroll--;
		else if (k == '?')
			show_help(t);
		return;
	}
	switch (k) {
	case K_ENTER:
		if (t->pasting)
			input_insert(t, "\n", 1);
		else
			submit(t);
		break;
	case K_ALT_ENTER:
	case K_CTRL('j'): input_insert(t, "\n", 1); break;
	case K_BACKSPACE: input_delete(t, prev_char(&t->input, t->cursor), t->cursor); break;
	case K_DELETE:
	case K_CTRL('d'): input_delete(t, t->cursor, next_char(&t->input, t->cursor)); break;
	case K_LEFT:
	case K_CTRL('b'): t->cursor = prev_char(&t->input, t->cursor); break;
	case K_RIGHT:
	case K_CTRL('f'): t->cursor = next_char(&t->input, t->cursor); break;
	case K_HOME:
	case K_CTRL('a'): t->cursor = 0; break;
	case K_END:
	case K_CTRL('e'): t->cursor = t->input.len; break;
	case K_CTRL('u'): input_delete(t, 0, t->cursor); break;
	case K_CTRL('k'): input_delete(t, t->cursor, t->input.len); break;
	case K_CTRL('w'): {
		size_t at = t->cursor;
		while (at > 0 && t->input.p[at - 1] == ' ')
			at--;
		while (at > 0 && t->input.p[at - 1] != ' ')
			at--;
		input_delete(t, at, t->cursor);
		break;
	}
	case K_UP:
		if (t->hist_pos > 0) {
			t->hist_pos--;
			input_set(t, t->history[t->hist_pos]);
		}
		break;
	case K_DOWN:
		if (t->hist_pos < t->nhistory) {
			t->hist_pos++;
			input_set(t, t->hist_pos < t->nhistory ? t->history[t->hist_pos] : "");
		}
		break;
	default:
		if (k >= 0x20 && k < 0x110000 && k != 0x7F) {
			char enc[4];
			size_t n = utf8_encode((uint32_t)k, enc);
			input_insert(t, enc, n);
		}
	}
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

static void draw_chat(struct tui *t, int top, int height, int width)
{
	size_t total = 0;
	for (size_t i = 0; i < t->nmsgs; i++) {
		build_lines(&t->msgs[i], width);
		total += t->msgs[i].lines.n;
	}
	if (t->nmsgs == 0) {
		static const char *const hello[] = {
			"Ask a question about the documents in this folder.",
			"Answers cite their sources like [1]; the sources pane shows them (Tab to focus, o opens).",
			"F1 or /help: keys and commands · F2: switch profile · Esc: stop · Ctrl-C twice: quit",
		};
		for (int i = 0; i < 3 && i < height; i++)
			term_text(top + 1 + i, 1, width - 1, i ? SLOT_CHAT_META : SLOT_DEFAULT, hello[i], strlen(hello[i]));
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
	size_t li = 0;
	int y = top;
	for (size_t i = 0; i < t->nmsgs && y < top + height; i++) {
		const struct lines *ls = &t->msgs[i].lines;
		for (size_t j = 0; j < ls->n && y < top + height; j++, li++)
			if (li >= first)
				draw_line(y++, 0, width, &ls->v[j], SLOT_DEFAULT);
	}
	if (t->scroll > 0) {
		char more[48];
		snprintf(more, sizeof more, " ↓ %d more lines (End) ", t->scroll);
		term_text(top + height - 1, width - text_width(more, strlen(more)) - 1, width, SLOT_STATUS, more,
			  strlen(more));
	}
}

static void draw_sources(struct tui *t, int top, int height, int x, int width)
{
	for (int y = top; y < top + height; y++)
		term_fill(y, x, width, SLOT_DEFAULT);
	term_vline(top, x, height, t->focus == FOCUS_SOURCES ? SLOT_BORDER_FOCUS : SLOT_BORDER);
	x += 2;
	width -= 3;
	const struct msg *m = t->selected < t->nmsgs ? &t->msgs[t->selected] : NULL;
	term_text(top, x, width, SLOT_SOURCES_TITLE, "Sources", 7);
	int y = top + 2;
	if (!m || !m->turn) {
		const char *s = "Sources of the selected answer appear here.";
		struct lines ls = {0};
		wrap_plain(s, strlen(s), width, SLOT_CHAT_META, &ls);
		for (size_t i = 0; i < ls.n && y < top + height; i++)
			draw_line(y++, x, width, &ls.v[i], SLOT_CHAT_META);
		lines_free(&ls);
		return;
	}
	const struct provenance *pv = turn_provenance(m->turn);
	const struct cite_map *map = turn_sources(m->turn);
	if (!pv->retrieval) {
		char s[160];
		snprintf(s, sizeof s, "Profile %s does not retrieve: this answer has no sources.", pv->profile);
		char *safe = sanitize_str(s, SAN_ONELINE);
		struct lines ls = {0};
		wrap_plain(safe, strlen(safe), width, SLOT_CHAT_META, &ls);
		for (size_t i = 0; i < ls.n && y < top + height; i++)
			draw_line(y++, x, width, &ls.v[i], SLOT_CHAT_META);
		lines_free(&ls);
		free(safe);
		return;
	}
	if (!map->n) {
		term_text(y, x, width, SLOT_CHAT_META, "No passage matched.", 19);
		return;
	}
	for (size_t i = 0; i < map->n && y < top + height; i++) {
		const struct source *s = &map->v[i];
		bool sel = i == t->source_sel;
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
		int c = term_text(y, x, width, sel ? SLOT_SOURCES_SELECTED : SLOT_CHAT_CITATION, head, strlen(head));
		term_text(y, x + c, width - c, sel ? SLOT_SOURCES_SELECTED : SLOT_SOURCES_PATH, shown, strlen(shown));
		free(safe);
		y++;
		if (*s->heading && y < top + height) {
			char *h = sanitize_str(s->heading, SAN_ONELINE);
			term_text(y++, x + 4, width - 4, SLOT_CHAT_META, h, strlen(h));
			free(h);
		}
		struct lines ls = {0};
		char *snip = sanitize_str(sel && t->show_preview ? s->text : s->snippet, sel && t->show_preview ? 0 : SAN_ONELINE);
		wrap_plain(snip, strlen(snip), width - 4, SLOT_DEFAULT, &ls);
		size_t maxl = sel && t->show_preview ? (size_t)height : 2;
		for (size_t j = 0; j < ls.n && j < maxl && y < top + height; j++)
			draw_line(y++, x + 4, width - 4, &ls.v[j], SLOT_DEFAULT);
		lines_free(&ls);
		free(snip);
		y++;
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
	char left[128];
	snprintf(left, sizeof left, " %s ", t->profile->name);
	char *safe = sanitize_str(left, SAN_ONELINE);
	int x = term_text(y, 0, cols, SLOT_STATUS_PROFILE, safe, strlen(safe));
	free(safe);
	struct buf b = {0};
	const struct cfg_provider *prov = config_provider(t->cfg, t->profile->provider);
	buf_addf(&b, " %s", prov->kind == PROVIDER_BUILTIN ? "offline (extractive)" : t->profile->model);
	const struct msg *live = live_msg(t);
	if (live) {
		double secs = (now_ms() - live->started_ms) / 1000.0;
		buf_addf(&b, " │ streaming %zu tok", live->tokens);
		if (secs > 0.05)
			buf_addf(&b, " %.0f tok/s", (double)live->tokens / secs);
	} else {
		buf_adds(&b, " │ idle");
	}
	const struct idx_event *ix = &t->idx_state;
	if (t->idx_error)
		buf_addf(&b, " │ index: %s", t->idx_error);
	else if (t->indexing)
		buf_addf(&b, " │ indexing %zu/%zu files", ix->files_done, ix->files_total);
	else
		buf_addf(&b, " │ %zu files, %zu chunks", ix->files_total, ix->chunks_total);
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

static void draw_help(int rows, int cols)
{
	static const char *const lines[] = {
		"Keys",
		"Enter send · Alt-Enter / Ctrl-J new line · Up/Down history",
		"Esc stop the answer · Ctrl-C stop, twice to quit",
		"Tab focus input → chat → sources · F3 show/hide sources",
		"PgUp/PgDn, wheel scroll · Home/End (chat) top/bottom",
		"Sources: Up/Down select · Enter preview · o open in $EDITOR",
		"F2 / Ctrl-P next profile · F1 / ? this help",
		"Ctrl-A/E/B/F/D/K/U/W edit the input like emacs",
		"",
		"Commands",
		"/profile NAME · /new · /reindex · /help · /quit",
		"",
		"Any key closes this.",
	};
	int n = (int)(sizeof lines / sizeof *lines), w = cols > 70 ? 66 : cols - 4;
	int top = rows > n + 4 ? (rows - n - 2) / 2 : 0, left = (cols - w) / 2;
	for (int i = -1; i <= n && top + i + 1 < rows; i++) {
		term_fill(top + i + 1, left - 1, w + 2, SLOT_STATUS);
		if (i >= 0 && i < n)
			term_text(top + i + 1, left + 1, w - 2, i == 0 || i == 9 ? SLOT_STATUS_PROFILE : SLOT_STATUS,
				  lines[i], strlen(lines[i]));
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

	draw_status(t, status_y, cols);
	if (t->show_help)
		draw_help(rows, cols);
	term_cursor(cy < input_top ? input_top : cy, cx, t->focus == FOCUS_INPUT && !t->show_help);
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

int cmd_tui(struct cli *cli)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "footnote: the interface needs a terminal; for scripts use `footnote ask`\n");
		return EXIT_USAGE;
	}
	struct tui t = {0};
	t.cli = cli;
	t.cfg = cli->cfg;
	t.profile = config_profile(t.cfg, cli->profile ? cli->profile : t.cfg->default_profile);
	t.show_sources = true;
	t.chan = chan_new();
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

	while (!t.quit) {
		if (t.dirty) {
			draw(&t);
			t.dirty = false;
		}
		struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {chan_fd(t.chan), POLLIN, 0}};
		/* While streaming, wake once a second so tokens/s stays current; idle: no timer. */
		int r = poll(p, 2, live_msg(&t) ? 1000 : -1);
		if (r < 0 && errno != EINTR)
			break;
		if (live_msg(&t) && r == 0)
			t.dirty = true;
		int k;
		while ((k = term_key()) != KEY_NONE)
			handle_key(&t, k);
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
	for (size_t i = 0; i < t.nhistory; i++)
		free(t.history[i]);
	free(t.history);
	buf_free(&t.input);
	free(t.notice);
	free(t.idx_error);
	chan_free(t.chan);
	secret_cache_free();
	return EXIT_OK;
}
