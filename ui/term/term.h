/* term.h - the terminal, as the panes see it. ui/term/term.c is the only file that includes
 * curses; tests link a fake with the same functions (tests/unit/term_fake.c, linked before
 * libui.a so term.o is never pulled in) and read the screen back as text. text_width and
 * text_fit are defined in ui/render/wrap.c, so the fake needs no copy of them.
 *
 * Coordinates are 0-based (row, column). Text given to term_text must already be sanitized
 * (no control characters); it is clipped to the width given, measured in display columns.
 * Drawing goes to an off-screen buffer; term_flush shows the changes at once. UI thread
 * only. */
#ifndef FN_TERM_H
#define FN_TERM_H

#include <stdbool.h>
#include <stddef.h>

/* Semantic colour slots; themes give each one colours and attributes. */
enum slot {
	SLOT_DEFAULT,
	SLOT_CHAT_USER,
	SLOT_CHAT_ASSISTANT,
	SLOT_CHAT_META,
	SLOT_CHAT_CITATION,
	SLOT_CHAT_CITATION_BAD,
	SLOT_CHAT_HEADING,
	SLOT_CHAT_ERROR,
	SLOT_CHAT_REASONING,
	SLOT_CODE,
	SLOT_SOURCES_TITLE,
	SLOT_SOURCES_PATH,
	SLOT_SOURCES_SELECTED,
	SLOT_SOURCES_UNCITED,
	SLOT_SOURCES_STALE,
	SLOT_INPUT,
	SLOT_INPUT_PROMPT,
	SLOT_STATUS,
	SLOT_STATUS_STREAMING,
	SLOT_STATUS_ERROR,
	SLOT_STATUS_PROFILE,
	SLOT_BORDER,
	SLOT_BORDER_FOCUS,
	SLOT_CHAT_EMPHASIS,
	SLOT_CHAT_STRONG,
	SLOT_CHAT_LINK,
	SLOT_CHAT_QUOTE,
	SLOT_CHAT_SEARCH,      /* a search match; the current one is drawn reversed */
	SLOT_CHAT_UNCITED,     /* a sentence with no verified citation (label policy) */
	SLOT_CODE_INLINE,
	SLOT_SOURCES_MATCH,    /* a question term in a snippet */
	SLOT_MARKER,           /* the cursor line's gutter mark, the stopped-answer mark */
	SLOT_CHAT_UNSUPPORTED, /* a citation whose source does not back its sentence */
	SLOT_CHAT_ATTACHED,    /* a source attached by verification (the model cited none) */
	SLOT_SOURCES_VERIFIED, /* "verified" on a source */
	SLOT_SOURCES_UNSUPPORTED, /* "not supported" on a source */
	SLOT_COUNT
};
/* "chat.user" -> SLOT_CHAT_USER; -1 when unknown. */
int slot_from_name(const char *name);
const char *slot_name(int slot);

/* A slot's look: colours are -1 (terminal default) or 0..255. */
struct slot_style {
	int fg, bg;
	bool bold, dim, italic, underline, reverse;
};

/* Keys beyond plain characters. */
enum {
	KEY_NONE = 0,
	K_ENTER = 0x110000, K_ALT_ENTER, K_TAB, K_BTAB, K_ESC, K_BACKSPACE, K_DELETE,
	K_UP, K_DOWN, K_LEFT, K_RIGHT, K_HOME, K_END, K_PGUP, K_PGDN,
	K_F1, K_F12 = K_F1 + 11, K_RESIZE, K_WHEEL_UP, K_WHEEL_DOWN,
	K_PASTE_START, K_PASTE_END,
	K_UNKNOWN,             /* a key's sequence that was not understood: to be ignored */
};
#define K_CTRL(c) ((c) & 0x1f)
#define K_F(n) (K_F1 + (n) - 1)
/* Alt (Meta) with a character: ESC followed at once by the character. */
#define K_ALT(c) (0x200000 | (c))
#define K_IS_ALT(k) (((k) & 0x200000) != 0)

/* Starts curses with the given styles (SLOT_COUNT entries). Returns 0, or -1 when stdin is
 * not a terminal. */
int term_init(const struct slot_style *styles, bool mouse);
void term_end(void);
void term_size(int *rows, int *cols);
/* The curses library's version, e.g. "ncurses 6.4.20221231" (static; callable before term_init). */
const char *term_lib_version(void);
void term_erase(void);
/* Draws text at (y, x), at most `width` columns; returns the columns used. */
int term_text(int y, int x, int width, int slot, const char *s, size_t len);
void term_fill(int y, int x, int width, int slot);
void term_vline(int y, int x, int height, int slot);
void term_cursor(int y, int x, bool visible);
void term_flush(void);
/* Reads one key if one is waiting: returns the key (a code point or a K_* value), or
 * KEY_NONE. */
int term_key(void);
/* Writes an OSC 52 clipboard sequence carrying base64 (already encoded: only [A-Za-z0-9+/=]
 * reaches the terminal). */
void term_osc52(const char *base64);
/* Gives the terminal back (for $EDITOR) and takes it again. */
void term_suspend(void);
void term_resume(void);

/* Display width of s (CJK and emoji 2, combining marks 0). Pure. */
int text_width(const char *s, size_t len);
/* Bytes of s that fit in `cols` columns, never cutting a character. Pure. */
size_t text_fit(const char *s, size_t len, int cols);

#endif
