/* term.c - the only file that includes curses (see term.h). */
#include "ui/term/term.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static attr_t slot_attr[SLOT_COUNT];
static bool started;

/* Custom key codes for sequences curses does not know. */
enum { CODE_PASTE_START = KEY_MAX + 1, CODE_PASTE_END, CODE_ALT_ENTER };

static short to_8(int c)
{
	if (c < 0)
		return -1;
	if (c < 16)
		return (short)(c & 7);
	if (c >= 232) /* greys */
		return c < 244 ? COLOR_BLACK : COLOR_WHITE;
	int i = c - 16, r = i / 36, g = (i / 6) % 6, b = i % 6;
	return (short)((r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0));
}

const char *term_lib_version(void)
{
	return curses_version();
}

int term_init(const struct slot_style *styles, bool mouse)
{
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	if (!newterm(NULL, stdout, stdin))
		return -1;
	started = true;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	define_key("\033[200~", CODE_PASTE_START);
	define_key("\033[201~", CODE_PASTE_END);
	define_key("\033\r", CODE_ALT_ENTER);
	if (mouse)
		mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	printf("\033[?2004h"); /* bracketed paste */
	fflush(stdout);

	const char *no_color = getenv("NO_COLOR");
	bool color = has_colors() && !(no_color && *no_color);
	if (color) {
		start_color();
		use_default_colors();
	}
	for (int i = 0; i < SLOT_COUNT; i++) {
		const struct slot_style *s = &styles[i];
		attr_t a = A_NORMAL;
		if (s->bold)
			a |= A_BOLD;
		if (s->dim)
			a |= A_DIM;
		if (s->underline)
			a |= A_UNDERLINE;
		if (s->reverse)
			a |= A_REVERSE;
#ifdef A_ITALIC
		if (s->italic)
			a |= A_ITALIC;
#endif
		if (color && (s->fg >= 0 || s->bg >= 0) && i + 1 < COLOR_PAIRS) {
			short fg = COLORS >= 256 ? (short)s->fg : to_8(s->fg);
			short bg = COLORS >= 256 ? (short)s->bg : to_8(s->bg);
			init_pair((short)(i + 1), fg, bg);
			a |= COLOR_PAIR(i + 1);
		}
		slot_attr[i] = a;
	}
	curs_set(1);
	return 0;
}

void term_end(void)
{
	if (!started)
		return;
	printf("\033[?2004l");
	fflush(stdout);
	endwin();
	started = false;
}

void term_size(int *rows, int *cols)
{
	getmaxyx(stdscr, *rows, *cols);
}

void term_erase(void)
{
	erase();
}

int term_text(int y, int x, int width, int slot, const char *s, size_t len)
{
	if (width <= 0)
		return 0;
	size_t n = text_fit(s, len, width);
	attrset(slot_attr[slot]);
	mvaddnstr(y, x, s, (int)n);
	attrset(A_NORMAL);
	return text_width(s, n);
}

void term_fill(int y, int x, int width, int slot)
{
	attrset(slot_attr[slot]);
	mvhline(y, x, ' ', width);
	attrset(A_NORMAL);
}

void term_vline(int y, int x, int height, int slot)
{
	/* A UTF-8 box character rather than ACS: it reads the same in every capture. */
	attrset(slot_attr[slot]);
	for (int i = 0; i < height; i++)
		mvaddstr(y + i, x, "\u2502");
	attrset(A_NORMAL);
}

void term_cursor(int y, int x, bool visible)
{
	curs_set(visible ? 1 : 0);
	if (visible)
		move(y, x);
}

void term_flush(void)
{
	wnoutrefresh(stdscr);
	doupdate();
}

/* A CSI or SS3 sequence curses did not take whole: tmux sends ESC [ 4 ~ for End, which
 * xterm-256color's terminfo does not list, and an Esc just before a key hides the key's
 * sequence from curses. Read it to its final byte and map the usual ones; an unknown one
 * is dropped, so none of its bytes is typed into the input. */
static int csi_key(int intro)
{
	char p[16];
	size_t n = 0;
	wint_t ch;
	for (;;) {
		if (wget_wch(stdscr, &ch) != OK)
			return K_UNKNOWN;
		if (ch < 0x20 || ch > 0x3F)
			break;
		if (n + 1 < sizeof p)
			p[n++] = (char)ch;
	}
	p[n] = '\0';
	int num = atoi(p);
	if (intro == 'O' && ch >= 'P' && ch <= 'S')
		return K_F1 + (int)(ch - 'P');
	switch (ch) {
	case 'A': return K_UP;
	case 'B': return K_DOWN;
	case 'C': return K_RIGHT;
	case 'D': return K_LEFT;
	case 'H': return K_HOME;
	case 'F': return K_END;
	case 'Z': return K_BTAB;
	case '~':
		switch (num) {
		case 1: case 7: return K_HOME;
		case 4: case 8: return K_END;
		case 3: return K_DELETE;
		case 5: return K_PGUP;
		case 6: return K_PGDN;
		case 200: return K_PASTE_START;
		case 201: return K_PASTE_END;
		default: return K_UNKNOWN;
		}
	default: return K_UNKNOWN;
	}
}

/* ESC, then a character at once: Alt+character, or the rest of a key's sequence. ESC
 * alone (nothing follows within ESCDELAY, which curses already waited for) is Esc. */
static int alt_key(void)
{
	wint_t ch;
	int r = wget_wch(stdscr, &ch);
	if (r == ERR)
		return K_ESC;
	if (r == OK && (ch == '[' || ch == 'O'))
		return csi_key((int)ch);
	if (r == OK && ch >= 0x20 && ch != 0x7F)
		return K_ALT((int)ch);
	if (r == OK && (ch == '\r' || ch == '\n'))
		return K_ALT_ENTER;
	if (r == OK)
		unget_wch((wchar_t)ch);
	else
		ungetch((int)ch);
	return K_ESC;
}

int term_key(void)
{
	wint_t ch;
	int r = wget_wch(stdscr, &ch);
	if (r == ERR)
		return KEY_NONE;
	if (r == OK) {
		switch (ch) {
		case '\r':
		case '\n': return ch == '\n' ? K_CTRL('j') : K_ENTER;
		case '\t': return K_TAB;
		case 27: return alt_key();
		case 127:
		case 8: return K_BACKSPACE;
		default: return (int)ch;
		}
	}
	switch (ch) {
	case KEY_ENTER: return K_ENTER;
	case CODE_ALT_ENTER: return K_ALT_ENTER;
	case KEY_BTAB: return K_BTAB;
	case KEY_BACKSPACE: return K_BACKSPACE;
	case KEY_DC: return K_DELETE;
	case KEY_UP: return K_UP;
	case KEY_DOWN: return K_DOWN;
	case KEY_LEFT: return K_LEFT;
	case KEY_RIGHT: return K_RIGHT;
	case KEY_HOME: return K_HOME;
	case KEY_END: return K_END;
	case KEY_PPAGE: return K_PGUP;
	case KEY_NPAGE: return K_PGDN;
	case KEY_RESIZE: return K_RESIZE;
	case CODE_PASTE_START: return K_PASTE_START;
	case CODE_PASTE_END: return K_PASTE_END;
	case KEY_MOUSE: {
		MEVENT ev;
		if (getmouse(&ev) == OK) {
			if (ev.bstate & BUTTON4_PRESSED)
				return K_WHEEL_UP;
			if (ev.bstate & BUTTON5_PRESSED)
				return K_WHEEL_DOWN;
		}
		return KEY_NONE;
	}
	default:
		if (ch >= KEY_F(1) && ch <= KEY_F(12))
			return K_F((int)(ch - KEY_F(0)));
		return KEY_NONE;
	}
}

void term_osc52(const char *base64)
{
	for (const char *p = base64; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '+' || *p == '/' || *p == '='))
			return;
	printf("\033]52;c;%s\a", base64);
	fflush(stdout);
}

void term_suspend(void)
{
	printf("\033[?2004l");
	fflush(stdout);
	def_prog_mode();
	endwin();
}

void term_resume(void)
{
	reset_prog_mode();
	printf("\033[?2004h");
	fflush(stdout);
	clearok(curscr, TRUE);
	refresh();
}
