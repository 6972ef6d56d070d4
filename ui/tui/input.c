/* input.c - the input box (see input.h). */
#include "ui/tui/input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "core/app/config.h"
#include "ui/render/wrap.h"
#include "ui/term/term.h"
#include "ui/tui/clip.h"
#include "ui/tui/commands.h"
#include "ui/tui/layout.h"
#include "ui/tui/loop.h"
#include "ui/tui/paint.h"
#include "ui/tui/turns.h"

static void input_insert(struct tui *t, const char *s, size_t n)
{
	struct buf nb = {0};
	buf_add(&nb, t->in.text.p, t->in.cursor);
	buf_add(&nb, s, n);
	buf_add(&nb, t->in.text.p + t->in.cursor, t->in.text.len - t->in.cursor);
	buf_free(&t->in.text);
	t->in.text = nb;
	t->in.cursor += n;
}

size_t input_prev_char(const struct buf *b, size_t at)
{
	while (at > 0 && ((unsigned char)b->p[--at] & 0xC0) == 0x80)
		;
	return at;
}

size_t input_next_char(const struct buf *b, size_t at)
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
	memmove(t->in.text.p + from, t->in.text.p + to, t->in.text.len - to);
	t->in.text.len -= to - from;
	t->in.text.p[t->in.text.len] = '\0';
	t->in.cursor = from;
}

static void input_set(struct tui *t, const char *s)
{
	buf_reset(&t->in.text);
	buf_adds(&t->in.text, s);
	t->in.cursor = t->in.text.len;
}

static void history_add(struct tui *t, const char *s)
{
	if (t->in.nhistory && !strcmp(t->in.history[t->in.nhistory - 1], s))
		return;
	t->in.history = xrealloc(t->in.history, (t->in.nhistory + 1) * sizeof *t->in.history);
	t->in.history[t->in.nhistory++] = xstrdup(s);
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

void input_history_load(struct tui *t)
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
		t->in.history = xrealloc(t->in.history, (t->in.nhistory + 1) * sizeof *t->in.history);
		t->in.history[t->in.nhistory++] = buf_detach(&b);
	}
	free(line);
	fclose(f);
}

static void input_submit(struct tui *t)
{
	char *text = buf_detach(&t->in.text);
	t->in.cursor = 0;
	const char *p = text;
	while (*p == ' ' || *p == '\n')
		p++;
	if (*p) {
		history_add(t, p);
		t->in.hist_pos = t->in.nhistory;
		if (p[0] == '/')
			commands_run(t, p);
		else
			turns_ask(t, p);
	}
	free(text);
	t->dirty = true;
}

/* Ctrl-O: the input in $EDITOR; what the file holds afterwards becomes the input. */
void input_edit(struct tui *t)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/footnote-input-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, t->in.text.p ? t->in.text.p : "", t->in.text.len) != (ssize_t)t->in.text.len) {
		status_notice(t, true, "cannot write a temporary file for the editor: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(path);
		free(path);
		return;
	}
	close(fd);
	if (clip_run_editor(NULL, path) == 0) {
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
		buf_free(&t->in.text);
		t->in.text = b;
		t->in.cursor = t->in.text.len;
	} else {
		status_notice(t, true, "the editor (%s) did not run cleanly; the input is unchanged", getenv("FN_EDITOR"));
	}
	unlink(path);
	free(path);
	t->dirty = true;
}

void input_key(struct tui *t, enum action a, int k)
{
	switch (a) {
	case A_SEND:
		if (t->in.pasting)
			input_insert(t, "\n", 1);
		else
			input_submit(t);
		break;
	case A_NEWLINE: input_insert(t, "\n", 1); break;
	case A_BACKSPACE: input_delete(t, input_prev_char(&t->in.text, t->in.cursor), t->in.cursor); break;
	case A_DELETE_CHAR: input_delete(t, t->in.cursor, input_next_char(&t->in.text, t->in.cursor)); break;
	case A_CHAR_BACK: t->in.cursor = input_prev_char(&t->in.text, t->in.cursor); break;
	case A_CHAR_FORWARD: t->in.cursor = input_next_char(&t->in.text, t->in.cursor); break;
	case A_LINE_START: t->in.cursor = 0; break;
	case A_LINE_END: t->in.cursor = t->in.text.len; break;
	case A_KILL_START: input_delete(t, 0, t->in.cursor); break;
	case A_KILL_LINE: input_delete(t, t->in.cursor, t->in.text.len); break;
	case A_COMPLETE: (void)commands_complete(t); break;
	case A_KILL_WORD: {
		size_t at = t->in.cursor;
		while (at > 0 && t->in.text.p[at - 1] == ' ')
			at--;
		while (at > 0 && t->in.text.p[at - 1] != ' ')
			at--;
		input_delete(t, at, t->in.cursor);
		break;
	}
	case A_HISTORY_PREV:
		if (t->in.hist_pos > 0) {
			t->in.hist_pos--;
			input_set(t, t->in.history[t->in.hist_pos]);
		}
		break;
	case A_HISTORY_NEXT:
		if (t->in.hist_pos < t->in.nhistory) {
			t->in.hist_pos++;
			input_set(t, t->in.hist_pos < t->in.nhistory ? t->in.history[t->in.hist_pos] : "");
		}
		break;
	default:
		if (k == K_ENTER && t->in.pasting) { /* a pasted newline, whatever Enter is bound to */
			input_insert(t, "\n", 1);
		} else if (k >= 0x20 && k < 0x110000 && k != 0x7F) {
			char enc[4];
			size_t n = utf8_encode((uint32_t)k, enc);
			input_insert(t, enc, n);
		}
	}
}

int input_lines(struct tui *t, int width, struct lines *ls)
{
	struct buf shown = {0};
	sanitize(buf_str(&t->in.text), t->in.text.len, 0, &shown);
	wrap_plain(buf_str(&shown), shown.len, width, SLOT_INPUT, ls);
	buf_free(&shown);
	int h = (int)ls->n;
	return h < 1 ? 1 : h > 8 ? 8 : h;
}

void input_draw(struct tui *t, const struct layout *lay, const struct lines *ls)
{
	int input_top = lay->input.y, ih = lay->input.h;
	/* Show the last lines when it is taller than the box. */
	size_t first = ls->n > (size_t)ih ? ls->n - (size_t)ih : 0;
	term_text(lay->prompt.y, lay->prompt.x, lay->prompt.w, SLOT_INPUT_PROMPT, "> ", 2);
	for (size_t i = first; i < ls->n; i++)
		paint_line(input_top + (int)(i - first), lay->input.x, lay->input.w, &ls->v[i], SLOT_INPUT);
	/* Cursor: find the wrapped line holding the cursor byte. */
	int cy = input_top, cx = 2;
	struct buf before = {0};
	sanitize(buf_str(&t->in.text), t->in.cursor, 0, &before);
	size_t at = before.len, acc = 0;
	for (size_t i = 0; i < ls->n; i++) {
		size_t skip = i ? 1 : 0; /* the newline or space the wrap consumed, approximately */
		if (at <= acc + ls->v[i].len + skip || i + 1 == ls->n) {
			size_t off = at > acc ? at - acc : 0;
			if (off > ls->v[i].len)
				off = ls->v[i].len;
			cy = input_top + (int)(i - first);
			cx = 2 + text_width(ls->v[i].text, off);
			break;
		}
		acc += ls->v[i].len + 1;
	}
	buf_free(&before);
	term_cursor(cy < input_top ? input_top : cy, cx, t->focus == FOCUS_INPUT && !t->ov.cls);
}

void input_free(struct input_box *in)
{
	for (size_t i = 0; i < in->nhistory; i++)
		free(in->history[i]);
	free(in->history);
	buf_free(&in->text);
	memset(in, 0, sizeof *in);
}
