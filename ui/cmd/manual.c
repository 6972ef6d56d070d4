/* manual.c - footnote(1) and footnote-config(5) in roff (see manual.h).
 *
 * Text from the tables is escaped for roff: a backslash, a minus, quotes and backquotes
 * get their named glyphs (so options copy and paste as typed), a line starting with . or '
 * is protected, and every non-ASCII character is written as \[uXXXX], so the page renders
 * the same whatever the reader's locale. */
#include "ui/cmd/manual.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/utf8.h"
#include "core/app/config.h"
#include "ui/cli.h"
#include "ui/cmd/help.h"
#include "ui/cmd/version.h"
#include "ui/tui/keys.h"

struct man {
	FILE *f;
	bool bol; /* at the beginning of an output line */
};

/* Text: escaped; newlines kept. nbsp turns blanks into unbreakable spaces. */
static void text_n(struct man *m, const char *s, size_t n, bool nbsp)
{
	const char *end = s + n;
	while (s < end) {
		unsigned char c = (unsigned char)*s;
		if (m->bol && (c == '.' || c == '\''))
			fputs("\\&", m->f);
		m->bol = false;
		if (c >= 0x80) {
			uint32_t cp;
			int len = utf8_decode(s, (size_t)(end - s), &cp);
			if (len <= 0) {
				len = 1;
				cp = 0xfffd;
			}
			fprintf(m->f, "\\[u%04X]", (unsigned)cp);
			s += len;
			continue;
		}
		switch (c) {
		case '\\': fputs("\\e", m->f); break;
		case '-': fputs("\\-", m->f); break;
		case '`': fputs("\\(ga", m->f); break;
		case '\'': fputs("\\(aq", m->f); break;
		case '"': fputs("\\(dq", m->f); break;
		case ' ': fputs(nbsp ? "\\ " : " ", m->f); break;
		case '\n': fputc('\n', m->f); m->bol = true; break;
		default: fputc(c, m->f); break;
		}
		s++;
	}
}

static void text(struct man *m, const char *s)
{
	text_n(m, s, strlen(s), false);
}

/* A request or macro line, written verbatim (callers pass escaped or plain ASCII text). */
__attribute__((format(printf, 2, 3))) static void req(struct man *m, const char *fmt, ...)
{
	if (!m->bol)
		fputc('\n', m->f);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(m->f, fmt, ap);
	va_end(ap);
	fputc('\n', m->f);
	m->bol = true;
}

/* A macro line whose argument is table text: ".B --config". */
static void macro(struct man *m, const char *name, const char *s)
{
	if (!m->bol)
		fputc('\n', m->f);
	fprintf(m->f, "%s ", name);
	m->bol = false;
	text(m, s);
	text(m, "\n");
}

/* Roff written as is (font changes, numbers) in the middle of a line. */
static void raw(struct man *m, const char *s)
{
	fputs(s, m->f);
	m->bol = s[0] && s[strlen(s) - 1] == '\n';
}

__attribute__((format(printf, 2, 3))) static void rawf(struct man *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(m->f, fmt, ap);
	va_end(ap);
	m->bol = false;
}

/* Help text as the tables write it: lines hard-wrapped for a terminal, blank lines between
 * paragraphs, indented lines (option lists) kept as they are. */
static void paragraphs(struct man *m, const char *s)
{
	bool first = true;
	while (*s) {
		size_t n = 0;
		while (s[n] && !(s[n] == '\n' && s[n + 1] == '\n'))
			n++;
		bool indented = s[0] == ' ';
		if (!first)
			req(m, ".PP");
		first = false;
		if (indented) {
			req(m, ".RS 4");
			req(m, ".nf");
		}
		for (const char *p = s, *e = s + n; p < e;) {
			size_t len = strcspn(p, "\n");
			if (p + len > e)
				len = (size_t)(e - p);
			const char *q = p;
			if (indented)
				q += q[0] == ' ' && q[1] == ' ' ? 2 : 0;
			else
				q += strspn(q, " ");
			text_n(m, q, len - (size_t)(q - p), false);
			text(m, "\n");
			p += len + 1;
		}
		if (indented) {
			req(m, ".fi");
			req(m, ".RE");
		}
		s += n;
		s += strspn(s, "\n");
	}
}

/* One usage line: "footnote" bold, each [...] group unbreakable. */
static void usage_line(struct man *m, const char *s, size_t n)
{
	s += strspn(s, " ");
	if (!strncmp(s, "footnote ", 9)) {
		req(m, ".B footnote");
		s += 9;
		n -= 9;
	}
	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		depth += s[i] == '[';
		text_n(m, s + i, 1, depth > 0);
		depth -= s[i] == ']';
	}
	text(m, "\n");
}

/* A command's usage: each "footnote ..." line its own line; an indented line that does not
 * start with "footnote" continues the one above. */
static void usage_lines(struct man *m, const char *usage)
{
	req(m, ".PP");
	bool first = true;
	for (const char *p = usage; *p;) {
		size_t len = strcspn(p, "\n");
		const char *q = p + strspn(p, " ");
		if (!strncmp(q, "footnote ", 9) && !first)
			req(m, ".br");
		first = false;
		usage_line(m, q, len - (size_t)(q - p));
		p += len + (p[len] == '\n');
	}
}

static void th(struct man *m, const char *title, int section, const char *manual)
{
	req(m, ".TH %s %d \"\" \"footnote %s\" \"%s\"", title, section, cli_version_string(), manual);
	/* Options and paths must read as typed: no hyphenation, no stretched blanks. */
	req(m, ".nh");
	req(m, ".ad l");
}

static void page1(struct man *m)
{
	th(m, "FOOTNOTE", 1, "User Commands");
	req(m, ".SH NAME");
	raw(m, "footnote \\- ");
	text(m, "ask questions of your own documents in the terminal, and see their sources\n");
	req(m, ".SH SYNOPSIS");
	req(m, ".B footnote");
	for (const struct cli_option *o = cli_options; o->name && o->arg; o++) {
		text(m, "[");
		text_n(m, o->name, strlen(o->name), false);
		raw(m, "\\ \\fI");
		text(m, o->arg);
		raw(m, "\\fR] ");
	}
	text(m, "[COMMAND] [ARGS]\n");
	for (const struct cmd_help *c = cmd_helps; c->name; c++)
		usage_lines(m, c->usage);

	req(m, ".SH DESCRIPTION");
	text(m, "footnote is a terminal chat client that answers from your documents and cites them. "
		"With no command it starts the terminal interface: a chat pane with streamed answers "
		"carrying citation markers like [1], a sources pane with the passages behind the "
		"selected answer, an input line and a status bar. A background thread keeps an index "
		"of the configured folders up to date. It talks to OpenAI-compatible servers and to "
		"Ollama; with no server configured it answers offline, extractively, from the "
		"documents alone.\n");
	req(m, ".PP");
	text(m, "Everything a model, a server or a document says is shown, never obeyed: escape "
		"sequences and control characters are made visible.\n");

	req(m, ".SH OPTIONS");
	text(m, "These come before the command; each command's own options follow its name.\n");
	for (const struct cli_option *o = cli_options; o->name; o++) {
		req(m, ".TP");
		raw(m, ".B ");
		m->bol = false;
		text(m, o->name);
		if (o->arg) {
			raw(m, " \\fI");
			text(m, o->arg);
			raw(m, "\\fR");
		}
		text(m, "\n");
		paragraphs(m, o->help);
	}

	req(m, ".SH COMMANDS");
	for (const struct cmd_help *c = cmd_helps; c->name; c++) {
		req(m, ".SS %s", c->name);
		usage_lines(m, c->usage);
		req(m, ".PP");
		paragraphs(m, c->help);
	}

	req(m, ".SH KEYS");
	text(m, "In the terminal interface a key is looked up where the focus is first, then in the "
		"chat and sources panes, then anywhere. Every action can be given other keys with "
		"ui.keys in the configuration (see footnote-config(5)), by the action's name shown "
		"here. F1 shows this list, with the interface's slash commands.\n");
	struct keymap km;
	keys_default(&km);
	for (int c = 0; c < KC_COUNT; c++) {
		bool any = false;
		for (int a = A_NONE + 1; a < A_COUNT; a++) {
			if (action_ctx((enum action)a) != (enum key_ctx)c)
				continue;
			if (!any)
				req(m, ".SS %s", key_ctx_name((enum key_ctx)c));
			any = true;
			char keys[128];
			action_keys(&km, (enum action)a, keys, sizeof keys);
			req(m, ".TP");
			if (*keys)
				macro(m, ".B", keys);
			else
				text(m, "(no key)\n");
			text(m, action_help((enum action)a));
			raw(m, " (\\fB");
			text(m, action_name((enum action)a));
			raw(m, "\\fR)\n");
			m->bol = true;
		}
	}

	req(m, ".SH EXIT STATUS");
	for (const struct cli_exit *e = cli_exits; e->help; e++) {
		req(m, ".TP");
		req(m, ".B %d", e->code);
		text(m, e->help);
		text(m, "\n");
	}

	req(m, ".SH ENVIRONMENT");
	static const char *const env[][2] = {
		{"FOOTNOTE_CONFIG", "the configuration file, when --config is not given"},
		{"XDG_CONFIG_HOME", "footnote/config.yaml and footnote/themes/ under it (default ~/.config)"},
		{"XDG_DATA_HOME", "footnote/ under it holds the index, sessions and history (default ~/.local/share)"},
		{"XDG_STATE_HOME", "footnote/footnote.log under it (default ~/.local/state)"},
		{"EDITOR", "opens a source at its line, and edits the input"},
		{"NO_COLOR", "when set, the interface uses attributes only, no colours"},
	};
	for (size_t i = 0; i < sizeof env / sizeof *env; i++) {
		req(m, ".TP");
		req(m, ".B %s", env[i][0]);
		text(m, env[i][1]);
		text(m, "\n");
	}

	req(m, ".SH FILES");
	static const char *const files[][2] = {
		{"~/.config/footnote/config.yaml", "the configuration (see footnote-config(5))"},
		{"~/.local/share/footnote/", "the index, saved sessions (sessions/ID.json) and the input history"},
		{"~/.local/state/footnote/footnote.log", "the log; API keys never reach it"},
	};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		req(m, ".TP");
		macro(m, ".I", files[i][0]);
		text(m, files[i][1]);
		text(m, "\n");
	}
	req(m, ".TP");
	macro(m, ".I", "PREFIX/share/footnote/themes/");
	text(m, "the colour themes shipped with footnote, beside the installed binary "
		"(PREFIX/bin/footnote); a themes/ folder in the configuration directory takes their "
		"place. footnote paths prints the one in use.\n");

	req(m, ".SH SEE ALSO");
	req(m, ".BR footnote\\-config (5)");
}

static void key_row(void *ctx, const struct config_key *k)
{
	struct man *m = ctx;
	bool section = !strcmp(k->type, "section") || !strcmp(k->type, "list") ||
		       !strcmp(k->type, "named entries");
	if (k->depth == 0) {
		macro(m, ".SS", k->path);
	} else {
		req(m, ".TP");
		macro(m, ".B", k->path);
	}
	text(m, k->help);
	text(m, ".\n");
	if (section) {
		if (!strcmp(k->type, "named entries"))
			text(m, "A mapping of names to entries; each entry's keys are listed as NAME.* below.\n");
		else if (!strcmp(k->type, "list"))
			text(m, "A list of entries; each entry's keys are listed as [] below.\n");
		return;
	}
	raw(m, "Type: ");
	if (k->choices) {
		text(m, "one of ");
		for (const char *const *c = k->choices; *c; c++) {
			if (c != k->choices)
				text(m, c[1] ? ", " : " or ");
			raw(m, "\\fB");
			text(m, *c);
			raw(m, "\\fR");
		}
	} else if (!strcmp(k->type, "integer")) {
		rawf(m, "integer %.0f..%.0f", k->min, k->max);
	} else if (!strcmp(k->type, "number")) {
		rawf(m, "number %g..%g", k->min, k->max);
	} else {
		text(m, k->type);
	}
	text(m, ". Default: ");
	if (*k->def) {
		raw(m, "\\fB");
		text(m, k->def);
		raw(m, "\\fR");
	} else {
		text(m, "none");
	}
	text(m, ".\n");
}

static void page5(struct man *m)
{
	th(m, "FOOTNOTE\\-CONFIG", 5, "File Formats");
	req(m, ".SH NAME");
	raw(m, "footnote\\-config \\- ");
	text(m, "the configuration file of footnote(1)\n");
	req(m, ".SH SYNOPSIS");
	macro(m, ".I", "~/.config/footnote/config.yaml");
	req(m, ".SH DESCRIPTION");
	text(m, "footnote reads --config FILE, else $FOOTNOTE_CONFIG, else "
		"$XDG_CONFIG_HOME/footnote/config.yaml (~/.config/footnote/config.yaml); with no "
		"file it runs on the built-in defaults below: the offline builtin provider and "
		"embedder, and the current directory as the one watched folder.\n");
	req(m, ".PP");
	text(m, "The file is YAML. A wrong type, a value out of range or an unknown key stops "
		"footnote at start with the place and what was expected, as "
		"FILE:LINE:COLUMN: key.path: expected WHAT, got \"VALUE\" (exit status 2); a "
		"secret value is never echoed. Strings expand ${VAR} and ${VAR:-default}; paths "
		"also expand a leading ~/. A literal api_key is refused unless the file is private "
		"(chmod 600).\n");
	req(m, ".PP");
	text(m, "Keys are written below by their path: NAME.* stands for any name of a mapping "
		"(providers, profiles), [] for each element of a list (index.folders). A provider "
		"named builtin always exists; with no profiles, one named rag answers with it.\n");
	req(m, ".SH KEYS");
	config_each_opt(key_row, m);
	req(m, ".SH EXAMPLE");
	req(m, ".nf");
	static const char example[] =
		"providers:\n"
		"  local: {kind: openai, base_url: http://127.0.0.1:8080/v1}\n"
		"  ollama: {kind: ollama, base_url: http://127.0.0.1:11434}\n"
		"profiles:\n"
		"  rag: {provider: ollama, model: llama3.1}\n"
		"index:\n"
		"  folders:\n"
		"    - {path: ~/notes, collection: notes}\n";
	text(m, example);
	req(m, ".fi");
	text(m, "config.example.yaml, shipped in footnote's documentation, lists every key with "
		"its default.\n");
	req(m, ".SH SEE ALSO");
	req(m, ".BR footnote (1)");
}

int cli_manual(const char *section, FILE *f)
{
	struct man m = {f, true};
	if (!strcmp(section, "1"))
		page1(&m);
	else if (!strcmp(section, "5"))
		page5(&m);
	else
		return -1;
	if (!m.bol)
		fputc('\n', f);
	return 0;
}
