/* keys.c - actions, their default keys, key names, remapping (see keys.h). */
#include "ui/tui/keys.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/utf8.h"
#include "base/xmalloc.h"
#include "ui/term/term.h"

static const struct {
	const char *name;
	enum key_ctx ctx;
	const char *keys; /* defaults, separated by spaces */
	const char *help;
} actions[A_COUNT] = {
	[A_SEND] = {"send", KC_INPUT, "Enter", "send the question or /command"},
	[A_NEWLINE] = {"newline", KC_INPUT, "M-Enter C-j", "new line in the input"},
	[A_STOP] = {"stop", KC_GLOBAL, "Esc", "stop the answer; close a preview, search or list"},
	[A_INTERRUPT] = {"interrupt", KC_GLOBAL, "C-c", "stop the answer; twice while idle quits"},
	[A_FOCUS_NEXT] = {"focus_next", KC_GLOBAL, "Tab", "focus input -> chat -> sources"},
	[A_FOCUS_PREV] = {"focus_prev", KC_GLOBAL, "S-Tab", "focus the other way"},
	[A_HELP] = {"help", KC_GLOBAL, "F1 ?", "this help"},
	[A_PROFILES] = {"profiles", KC_GLOBAL, "F2 C-p", "pick a profile"},
	[A_TOGGLE_SOURCES] = {"toggle_sources", KC_GLOBAL, "F3", "show or hide the sources pane"},
	[A_EDIT_INPUT] = {"edit_input", KC_GLOBAL, "C-o", "edit the input in $EDITOR"},
	[A_PAGE_UP] = {"page_up", KC_GLOBAL, "PgUp", "scroll the chat up"},
	[A_PAGE_DOWN] = {"page_down", KC_GLOBAL, "PgDn", "scroll the chat down"},
	[A_UP] = {"up", KC_VIEW, "Up k", "previous line (chat) or source"},
	[A_DOWN] = {"down", KC_VIEW, "Down j", "next line (chat) or source"},
	[A_TOP] = {"top", KC_CHAT, "Home g", "first line of the conversation"},
	[A_BOTTOM] = {"bottom", KC_CHAT, "End G", "last line; follow new text"},
	[A_SEARCH] = {"search", KC_CHAT, "C-f", "search the conversation"},
	[A_SEARCH_NEXT] = {"search_next", KC_CHAT, "n", "next match (after a search)"},
	[A_SEARCH_PREV] = {"search_prev", KC_CHAT, "N", "previous match (after a search)"},
	[A_COPY_MESSAGE] = {"copy_message", KC_CHAT, "y", "copy the message under the cursor"},
	[A_COPY_CODE] = {"copy_code", KC_CHAT, "c", "copy the code block under the cursor"},
	[A_OPEN] = {"open", KC_SOURCES, "o", "open the source in $EDITOR (a PDF: xdg-open)"},
	[A_PREVIEW] = {"preview", KC_SOURCES, "Enter", "show the whole passage"},
	[A_SIDE_LEFT] = {"side_left", KC_VIEW, "h Left", "/compare: show the left answer's sources"},
	[A_SIDE_RIGHT] = {"side_right", KC_VIEW, "l Right", "/compare: show the right answer's sources"},
	[A_COMPLETE] = {"complete", KC_INPUT, "", "complete a /command (Tab when the input starts with /)"},
	[A_LINE_START] = {"line_start", KC_INPUT, "C-a Home", "start of the input"},
	[A_LINE_END] = {"line_end", KC_INPUT, "C-e End", "end of the input"},
	[A_CHAR_BACK] = {"char_back", KC_INPUT, "C-b Left", "one character left"},
	[A_CHAR_FORWARD] = {"char_forward", KC_INPUT, "C-f Right", "one character right"},
	[A_DELETE_CHAR] = {"delete_char", KC_INPUT, "C-d Delete", "delete the character under the cursor"},
	[A_BACKSPACE] = {"backspace", KC_INPUT, "Backspace", "delete the character before"},
	[A_KILL_LINE] = {"kill_line", KC_INPUT, "C-k", "delete to the end"},
	[A_KILL_START] = {"kill_start", KC_INPUT, "C-u", "delete to the start"},
	[A_KILL_WORD] = {"kill_word", KC_INPUT, "C-w", "delete the word before"},
	[A_HISTORY_PREV] = {"history_prev", KC_INPUT, "Up", "previous question"},
	[A_HISTORY_NEXT] = {"history_next", KC_INPUT, "Down", "next question"},
};

static const struct {
	const char *name;
	int key;
} named[] = {
	{"Enter", K_ENTER}, {"Tab", K_TAB}, {"S-Tab", K_BTAB}, {"Esc", K_ESC},
	{"Backspace", K_BACKSPACE}, {"Delete", K_DELETE}, {"Up", K_UP}, {"Down", K_DOWN},
	{"Left", K_LEFT}, {"Right", K_RIGHT}, {"Home", K_HOME}, {"End", K_END}, {"PgUp", K_PGUP},
	{"PgDn", K_PGDN}, {"M-Enter", K_ALT_ENTER}, {"Space", ' '},
};

const char *action_name(enum action a)
{
	return a > A_NONE && a < A_COUNT ? actions[a].name : "none";
}

const char *action_help(enum action a)
{
	return a > A_NONE && a < A_COUNT ? actions[a].help : "";
}

enum key_ctx action_ctx(enum action a)
{
	return a > A_NONE && a < A_COUNT ? actions[a].ctx : KC_GLOBAL;
}

const char *key_ctx_name(enum key_ctx c)
{
	static const char *const n[KC_COUNT] = {"Anywhere", "Input", "Chat and sources", "Chat", "Sources"};
	return c < KC_COUNT ? n[c] : "?";
}

int key_parse(const char *s)
{
	for (size_t i = 0; i < sizeof named / sizeof *named; i++)
		if (!strcasecmp(s, named[i].name))
			return named[i].key;
	if ((s[0] == 'F' || s[0] == 'f') && isdigit((unsigned char)s[1])) {
		char *end;
		long n = strtol(s + 1, &end, 10);
		return !*end && n >= 1 && n <= 12 ? K_F((int)n) : -1;
	}
	if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' && s[2] && !s[3]) {
		int c = tolower((unsigned char)s[2]);
		if ((c >= 'a' && c <= 'z') || strchr("@[\\]^_", c))
			return K_CTRL(c);
		return -1;
	}
	bool alt = (s[0] == 'M' || s[0] == 'm') && s[1] == '-' && s[2];
	const char *c = alt ? s + 2 : s;
	uint32_t cp;
	size_t len = strlen(c);
	int n = utf8_decode(c, len, &cp);
	if (n <= 0 || (size_t)n != len || cp < 0x21 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
		return -1;
	return alt ? K_ALT((int)cp) : (int)cp;
}

const char *key_name(int k, char *buf, size_t size)
{
	for (size_t i = 0; i < sizeof named / sizeof *named; i++)
		if (named[i].key == k) {
			snprintf(buf, size, "%s", named[i].name);
			return buf;
		}
	if (k >= K_F1 && k <= K_F12) {
		snprintf(buf, size, "F%d", k - K_F1 + 1);
	} else if (k > 0 && k < 0x20) {
		snprintf(buf, size, "C-%c", k == 0 ? '@' : k + 'a' - 1);
		if (k > 26)
			snprintf(buf, size, "C-%c", "[\\]^_"[k - 27]);
	} else {
		char enc[4];
		int c = K_IS_ALT(k) ? k & 0x1FFFFF : k;
		size_t n = utf8_encode((uint32_t)c, enc);
		snprintf(buf, size, "%s%.*s", K_IS_ALT(k) ? "M-" : "", (int)n, enc);
	}
	return buf;
}

/* Two contexts can see the same key at once (global sees everything; view covers chat and
 * sources). */
static bool overlaps(enum key_ctx a, enum key_ctx b)
{
	if (a == b || a == KC_GLOBAL || b == KC_GLOBAL)
		return true;
	return (a == KC_VIEW && (b == KC_CHAT || b == KC_SOURCES)) ||
	       (b == KC_VIEW && (a == KC_CHAT || a == KC_SOURCES));
}

static void bind(struct keymap *km, enum action a, int k)
{
	for (int j = 0; j < KEYS_PER_ACTION; j++)
		if (!km->keys[a][j]) {
			km->keys[a][j] = k;
			return;
		}
}

void keys_default(struct keymap *km)
{
	memset(km, 0, sizeof *km);
	for (int a = A_NONE + 1; a < A_COUNT; a++) {
		char *dup = xstrdup(actions[a].keys), *save = NULL;
		for (char *t = strtok_r(dup, " ", &save); t; t = strtok_r(NULL, " ", &save))
			bind(km, a, key_parse(t));
		free(dup);
	}
}

static int fail(char **err, const char *file, const int *lines, const int *cols, size_t i,
		const char *name, const char *msg)
{
	char *f = sanitize_str(file ? file : "config", SAN_ONELINE);
	char *nm = sanitize_str(name, SAN_ONELINE);
	*err = xasprintf("%s:%d:%d: ui.keys.%s: %s", f, lines ? lines[i] : 0, cols ? cols[i] : 0, nm, msg);
	free(f);
	free(nm);
	return -1;
}

int keys_configure(struct keymap *km, const char *file, size_t n, const char *const *names,
		   const char *const *specs, const int *lines, const int *cols, char **err)
{
	*err = NULL;
	for (size_t i = 0; i < n; i++) {
		enum action a = A_NONE;
		for (int j = A_NONE + 1; j < A_COUNT; j++)
			if (!strcmp(actions[j].name, names[i]))
				a = j;
		if (a == A_NONE) {
			struct buf b = {0};
			buf_adds(&b, "unknown action; actions are:");
			for (int j = A_NONE + 1; j < A_COUNT; j++)
				buf_addf(&b, " %s", actions[j].name);
			int r = fail(err, file, lines, cols, i, names[i], buf_str(&b));
			buf_free(&b);
			return r;
		}
		int keys[KEYS_PER_ACTION], nk = 0;
		char *dup = xstrdup(specs[i]), *save = NULL;
		for (char *t = strtok_r(dup, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			int k = key_parse(t);
			if (k < 0 || nk == KEYS_PER_ACTION) {
				char *safe = sanitize_str(t, SAN_ONELINE);
				char *msg = k < 0 ? xasprintf("\"%s\" is not a key; write keys like C-p, M-Enter, F2, "
							      "PgUp, Esc, q (several: \"F2, C-p\")", safe)
						  : xasprintf("at most %d keys per action", KEYS_PER_ACTION);
				fail(err, file, lines, cols, i, names[i], msg);
				free(msg);
				free(safe);
				free(dup);
				return -1;
			}
			keys[nk++] = k;
		}
		free(dup);
		if (!nk)
			return fail(err, file, lines, cols, i, names[i], "expected a key, like \"C-p\" or \"F2, C-p\"");
		memset(km->keys[a], 0, sizeof km->keys[a]);
		for (int j = 0; j < nk; j++) {
			for (int b = A_NONE + 1; b < A_COUNT; b++) /* the key leaves its old action */
				for (int s = 0; b != (int)a && s < KEYS_PER_ACTION; s++)
					if (km->keys[b][s] == keys[j] && overlaps(actions[a].ctx, actions[b].ctx))
						km->keys[b][s] = 0;
			bind(km, a, keys[j]);
		}
	}
	return 0;
}

static enum action find(const struct keymap *km, enum key_ctx ctx, int k)
{
	for (int a = A_NONE + 1; a < A_COUNT; a++) {
		if (actions[a].ctx != ctx)
			continue;
		for (int j = 0; j < KEYS_PER_ACTION; j++)
			if (km->keys[a][j] == k)
				return a;
	}
	return A_NONE;
}

enum action keys_action(const struct keymap *km, enum key_ctx ctx, int k)
{
	enum action a = find(km, ctx, k);
	if (a == A_NONE && (ctx == KC_CHAT || ctx == KC_SOURCES))
		a = find(km, KC_VIEW, k);
	if (a == A_NONE && !(ctx == KC_INPUT && k >= 0x20 && k < 0x110000))
		a = find(km, KC_GLOBAL, k);
	return a;
}

const char *action_key(const struct keymap *km, enum action a, char *buf, size_t size)
{
	for (int j = 0; j < KEYS_PER_ACTION; j++)
		if (km->keys[a][j])
			return key_name(km->keys[a][j], buf, size);
	return NULL;
}

const char *action_keys(const struct keymap *km, enum action a, char *buf, size_t size)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int j = 0; j < KEYS_PER_ACTION && at < size; j++) {
		if (!km->keys[a][j])
			continue;
		char name[32];
		at += (size_t)snprintf(buf + at, size - at, "%s%s", at ? " / " : "", key_name(km->keys[a][j], name, sizeof name));
	}
	return buf;
}
