/* complete.c - `footnote --complete` and the completion scripts (see complete.h). */
#include "ui/cmd/complete.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "core/app/config.h"
#include "core/session/session.h"
#include "ui/cli.h"
#include "ui/cmd/help.h"

/* ---- reading usage lines ------------------------------------------------------------------ */

enum comp_kind usage_arg_kind(const char *opt, const char *arg)
{
	if (strchr(arg, '|'))
		return CK_WORDS;
	if (!strcmp(opt, "--profile") || !strcmp(opt, "--compare") || !strcmp(opt, "--profiles"))
		return strchr(arg, ',') ? CK_PROFILES : CK_PROFILE;
	if (!strcmp(opt, "--collection"))
		return CK_COLLECTION;
	if (!strcmp(opt, "--session"))
		return CK_SESSION;
	if (!strcmp(arg, "FILE"))
		return CK_FILE;
	if (!strcmp(arg, "N") || !strcmp(arg, "R") || !strcmp(arg, "TEXT") || !strcmp(arg, "DATE") ||
	    strspn(arg, "0123456789") == strlen(arg))
		return CK_NONE;
	return CK_UNKNOWN;
}

enum comp_kind usage_pos_kind(const char *placeholder)
{
	static const struct {
		const char *name;
		enum comp_kind kind;
	} known[] = {
		{"ID", CK_SESSION}, {"PATH", CK_FILE}, {"FILE", CK_FILE}, {"QUESTIONS", CK_FILE},
		{"QUERY", CK_NONE}, {"QUESTION", CK_NONE}, {"TITLE", CK_NONE},
	};
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (!strcmp(known[i].name, placeholder))
			return known[i].kind;
	return CK_UNKNOWN;
}

/* Tokens: words split at blanks, with [ and ] peeled off as tokens of their own. */
enum { MAX_TOKENS = 128 };
static int tokenize(const char *s, char tok[][40], int max)
{
	int n = 0;
	while (*s) {
		s += strspn(s, " \t\n");
		size_t len = strcspn(s, " \t\n");
		if (!len)
			break;
		const char *w = s, *end = s + len;
		s = end;
		for (; w < end && *w == '['; w++) {
			if (n == max)
				return -1;
			snprintf(tok[n++], 40, "[");
		}
		int close = 0;
		while (end > w && end[-1] == ']')
			end--, close++;
		if (end > w) {
			if (n == max || end - w >= 40)
				return -1;
			snprintf(tok[n++], 40, "%.*s", (int)(end - w), w);
		}
		for (; close; close--) {
			if (n == max)
				return -1;
			snprintf(tok[n++], 40, "]");
		}
	}
	return n;
}

static bool is_plain(const char *t)
{
	return strcmp(t, "[") && strcmp(t, "]") && strcmp(t, "|") && t[0] != '-';
}

static int add_opt(struct usage *u, const char *name, size_t len, const char *arg)
{
	for (int i = 0; i < u->nopts; i++)
		if (strlen(u->opts[i].name) == len && !strncmp(u->opts[i].name, name, len))
			return 0;
	if (u->nopts == USAGE_MAX_OPTS || len >= sizeof u->opts[0].name)
		return -1;
	struct usage_opt *o = &u->opts[u->nopts++];
	snprintf(o->name, sizeof o->name, "%.*s", (int)len, name);
	snprintf(o->arg, sizeof o->arg, "%s", arg);
	o->kind = *arg ? usage_arg_kind(o->name, arg) : CK_NONE;
	return 0;
}

int usage_parse(const char *usage, struct usage *u)
{
	char tok[MAX_TOKENS][40];
	int n = tokenize(usage, tok, MAX_TOKENS);
	memset(u, 0, sizeof *u);
	if (n < 0)
		return -1;
	int depth = 0;
	struct usage_alt *alt = NULL;
	for (int i = 0; i < n; i++) {
		const char *t = tok[i];
		if (!strcmp(t, "footnote") && i + 1 < n) {
			i++; /* the command's own name */
			alt = NULL;
		} else if (!strcmp(t, "[")) {
			depth++;
		} else if (!strcmp(t, "]")) {
			depth--;
		} else if (!strcmp(t, "|")) {
			if (depth == 0)
				alt = NULL;
		} else if (t[0] == '-') {
			/* "--answers|--no-answers" is two flags; "--mode a|b" is one option. */
			bool takes = !strchr(t, '|') && i + 1 < n && is_plain(tok[i + 1]);
			for (const char *p = t; *p;) {
				size_t len = strcspn(p, "|");
				if (add_opt(u, p, len, takes ? tok[i + 1] : "") < 0)
					return -1;
				p += len + (p[len] == '|');
			}
			i += takes;
		} else {
			if (!alt) {
				if (u->nalts == USAGE_MAX_ALTS)
					return -1;
				alt = &u->alts[u->nalts++];
			}
			if (islower((unsigned char)t[0]) && !alt->word[0] && !alt->npos) {
				snprintf(alt->word, sizeof alt->word, "%s", t);
			} else {
				if (alt->npos == USAGE_MAX_POS)
					return -1;
				size_t len = strcspn(t, ".");
				snprintf(alt->pos[alt->npos], sizeof alt->pos[0], "%.*s", (int)len, t);
				alt->pos_kind[alt->npos] = usage_pos_kind(alt->pos[alt->npos]);
				alt->npos++;
			}
		}
	}
	return 0;
}

/* ---- answering ---------------------------------------------------------------------------- */

struct ctx {
	FILE *f;
	const char *config_file;
	struct config *cfg;
	bool cfg_tried;
	const char *cur; /* the word being completed */
};

static struct config *cfg_of(struct ctx *c)
{
	if (!c->cfg_tried) {
		c->cfg_tried = true;
		char *err = NULL;
		if (config_load(c->config_file, &c->cfg, &err) < 0)
			free(err); /* completing must not print: a bad config completes nothing */
	}
	return c->cfg;
}

static void cand(struct ctx *c, const char *head, const char *name, const char *desc)
{
	size_t hl = strlen(head);
	if (strncmp(c->cur, head, hl) || strncmp(c->cur + hl, name, strlen(c->cur + hl)))
		return;
	fprintf(c->f, "%s%s", head, name);
	if (desc && *desc)
		fprintf(c->f, "\t%.*s", (int)strcspn(desc, "\n."), desc);
	fputc('\n', c->f);
}

static void names(struct ctx *c, enum comp_kind kind, const char *head)
{
	struct config *cfg = cfg_of(c);
	if (!cfg)
		return;
	if (kind == CK_PROFILE || kind == CK_PROFILES) {
		for (size_t i = 0; i < cfg->profiles.n; i++)
			cand(c, head, cfg->profiles.v[i].name, NULL);
	} else if (kind == CK_COLLECTION) {
		for (size_t i = 0; i < cfg->index.folders.n; i++) {
			const char *coll = cfg->index.folders.v[i].collection;
			bool seen = false;
			for (size_t j = 0; j < i; j++)
				seen |= !strcmp(cfg->index.folders.v[j].collection, coll);
			if (!seen)
				cand(c, head, coll, NULL);
		}
	} else if (kind == CK_SESSION) {
		struct session_info *v;
		size_t n;
		char *err = NULL;
		if (session_list(cfg->sessions_dir, &v, &n, &err) < 0) {
			free(err);
			return;
		}
		for (size_t i = 0; i < n; i++)
			cand(c, head, v[i].id, NULL);
		session_infos_free(v, n);
	}
}

static void complete_kind(struct ctx *c, enum comp_kind kind, const char *words)
{
	switch (kind) {
	case CK_FILE:
		fprintf(c->f, "@file\n");
		break;
	case CK_WORDS:
		for (const char *p = words; *p;) {
			size_t len = strcspn(p, "|");
			char w[40];
			snprintf(w, sizeof w, "%.*s", (int)len, p);
			cand(c, "", w, NULL);
			p += len + (p[len] == '|');
		}
		break;
	case CK_PROFILES: {
		/* "rag,hy" completes the name after the last comma. */
		const char *comma = strrchr(c->cur, ',');
		char head[256];
		snprintf(head, sizeof head, "%.*s", comma ? (int)(comma - c->cur + 1) : 0, c->cur);
		names(c, kind, head);
		break;
	}
	case CK_PROFILE:
	case CK_COLLECTION:
	case CK_SESSION:
		names(c, kind, "");
		break;
	case CK_NONE:
	case CK_UNKNOWN:
		break;
	}
}

static const struct cli_option *global_opt(const char *w)
{
	for (const struct cli_option *o = cli_options; o->name; o++)
		if (!strcmp(o->name, w))
			return o;
	return NULL;
}

static const struct usage_opt *cmd_opt(const struct usage *u, const char *w)
{
	for (int i = 0; i < u->nopts; i++)
		if (!strcmp(u->opts[i].name, w))
			return &u->opts[i];
	return NULL;
}

/* words[0] is "footnote", words[n-1] the word being completed. */
static void complete_line(struct ctx *c, int n, char **words)
{
	int i = 1;
	for (; i < n - 1 && words[i][0] == '-'; i++) {
		const struct cli_option *o = global_opt(words[i]);
		if (!o || !o->arg)
			continue;
		if (i + 1 == n - 1) {
			complete_kind(c, usage_arg_kind(o->name, o->arg), o->arg);
			return;
		}
		if (!strcmp(o->name, "--config"))
			c->config_file = words[i + 1];
		i++;
	}
	if (i == n - 1) {
		if (c->cur[0] == '-') {
			for (const struct cli_option *o = cli_options; o->name; o++)
				cand(c, "", o->name, o->help);
		} else {
			for (const struct cmd_help *h = cmd_helps; h->name; h++)
				cand(c, "", h->name, h->help);
		}
		return;
	}
	const struct cmd_help *h = cmd_helps;
	while (h->name && strcmp(h->name, words[i]))
		h++;
	struct usage u;
	if (!h->name || usage_parse(h->usage, &u) < 0)
		return;
	bool has_words = false;
	for (int a = 0; a < u.nalts; a++)
		has_words |= u.alts[a].word[0] != '\0';
	const char *sub = NULL;
	int npos = 0;
	for (int j = i + 1; j < n - 1; j++) {
		const struct usage_opt *o = cmd_opt(&u, words[j]);
		if (o) {
			if (!o->arg[0])
				continue;
			if (j + 1 == n - 1) {
				complete_kind(c, o->kind, o->arg);
				return;
			}
			j++;
		} else if (words[j][0] == '-') {
			continue;
		} else if (has_words && !sub) {
			sub = words[j];
		} else {
			npos++;
		}
	}
	if (c->cur[0] == '-') {
		for (int k = 0; k < u.nopts; k++)
			cand(c, "", u.opts[k].name, NULL);
		cand(c, "", "--help", NULL);
		return;
	}
	if (has_words && !sub) {
		for (int a = 0; a < u.nalts; a++)
			if (u.alts[a].word[0])
				cand(c, "", u.alts[a].word, NULL);
		return;
	}
	/* The positional's placeholder: the first alternative (of this subcommand) that has one
	 * at this place; a last placeholder written "PATH..." repeats. */
	for (int a = 0; a < u.nalts; a++) {
		const struct usage_alt *al = &u.alts[a];
		if (sub && strcmp(al->word, sub))
			continue;
		if (npos < al->npos) {
			complete_kind(c, al->pos_kind[npos], al->pos[npos]);
			return;
		}
	}
	for (int a = 0; a < u.nalts; a++) {
		const struct usage_alt *al = &u.alts[a];
		if (al->npos && (!sub || !strcmp(al->word, sub)) && al->pos_kind[al->npos - 1] == CK_FILE) {
			complete_kind(c, CK_FILE, "");
			return;
		}
	}
}

int cli_complete(const char *config_file, int argc, char **argv, FILE *f)
{
	struct ctx c = {.f = f, .config_file = config_file, .cur = ""};
	int rc = EXIT_OK;
	if (argc >= 1 && !strcmp(argv[0], "--")) {
		if (argc >= 2) {
			c.cur = argv[argc - 1];
			complete_line(&c, argc - 1, argv + 1);
		}
	} else if (argc == 1 && !strcmp(argv[0], "commands")) {
		for (const struct cmd_help *h = cmd_helps; h->name; h++)
			cand(&c, "", h->name, NULL);
	} else if (argc == 1 && !strcmp(argv[0], "profiles")) {
		names(&c, CK_PROFILE, "");
	} else if (argc == 1 && !strcmp(argv[0], "collections")) {
		names(&c, CK_COLLECTION, "");
	} else if (argc == 1 && !strcmp(argv[0], "sessions")) {
		names(&c, CK_SESSION, "");
	} else {
		fprintf(stderr, "footnote: --complete takes commands, profiles, collections, sessions "
				"or -- WORDS...\n");
		rc = EXIT_USAGE;
	}
	config_free(c.cfg);
	return rc;
}

/* ---- the scripts ------------------------------------------------------------------------ */

/* Each asks the footnote on the line (words[0]: `footnote` or a path to one) on every Tab. */
static const char bash_script[] =
	"# bash completion for footnote, written by `footnote --completion bash`.\n"
	"# Every Tab asks footnote itself (footnote --complete -- WORDS), so commands, options,\n"
	"# profiles, collections and session ids are always the current ones.\n"
	"_footnote()\n"
	"{\n"
	"    local cur words cword\n"
	"    if declare -F _init_completion >/dev/null 2>&1; then\n"
	"        _init_completion -n =: || return\n"
	"    else\n"
	"        cur=${COMP_WORDS[COMP_CWORD]}\n"
	"        words=(\"${COMP_WORDS[@]}\")\n"
	"        cword=$COMP_CWORD\n"
	"    fi\n"
	"    local IFS=$'\\n' line\n"
	"    local -a out\n"
	"    out=($(\"${words[0]}\" --complete -- \"${words[@]:0:cword}\" \"$cur\" 2>/dev/null))\n"
	"    COMPREPLY=()\n"
	"    if [[ ${out[0]-} == @file ]]; then\n"
	"        if declare -F _filedir >/dev/null 2>&1; then\n"
	"            _filedir\n"
	"        else\n"
	"            COMPREPLY=($(compgen -f -- \"$cur\"))\n"
	"        fi\n"
	"        return\n"
	"    fi\n"
	"    for line in \"${out[@]}\"; do\n"
	"        COMPREPLY+=(\"${line%%$'\\t'*}\")\n"
	"    done\n"
	"}\n"
	"complete -F _footnote footnote\n";

static const char zsh_script[] =
	"#compdef footnote\n"
	"# zsh completion for footnote, written by `footnote --completion zsh`.\n"
	"# Every Tab asks footnote itself (footnote --complete -- WORDS), so commands, options,\n"
	"# profiles, collections and session ids are always the current ones.\n"
	"local -a out items\n"
	"local line name\n"
	"out=(\"${(@f)$(\"${words[1]}\" --complete -- \"${(@)words[1,CURRENT]}\" 2>/dev/null)}\")\n"
	"if [[ ${out[1]-} == @file ]]; then\n"
	"  _files\n"
	"  return\n"
	"fi\n"
	"for line in \"${out[@]}\"; do\n"
	"  [[ -n $line ]] || continue\n"
	"  name=${${line%%$'\\t'*}//:/\\\\:}\n"
	"  if [[ $line == *$'\\t'* ]]; then\n"
	"    items+=(\"$name:${line#*$'\\t'}\")\n"
	"  else\n"
	"    items+=(\"$name\")\n"
	"  fi\n"
	"done\n"
	"(( ${#items} )) && _describe -t values footnote items\n";

static const char fish_script[] =
	"# fish completion for footnote, written by `footnote --completion fish`.\n"
	"# Every Tab asks footnote itself (footnote --complete -- WORDS), so commands, options,\n"
	"# profiles, collections and session ids are always the current ones.\n"
	"function __footnote_complete\n"
	"    set -l words (commandline -opc)\n"
	"    set -l cur (commandline -ct)\n"
	"    test (count $cur) -eq 0; and set cur ''\n"
	"    set -l out ($words[1] --complete -- $words $cur 2>/dev/null)\n"
	"    if test \"$out[1]\" = @file\n"
	"        __fish_complete_path $cur\n"
	"    else\n"
	"        printf '%s\\n' $out\n"
	"    end\n"
	"end\n"
	"complete -c footnote -f -a '(__footnote_complete)'\n";

int cli_completion_script(const char *shell, FILE *f)
{
	const char *s = !strcmp(shell, "bash") ? bash_script
			: !strcmp(shell, "zsh") ? zsh_script
			: !strcmp(shell, "fish") ? fish_script : NULL;
	if (!s)
		return -1;
	fputs(s, f);
	return 0;
}
