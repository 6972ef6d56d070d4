/* complete.h - shell completion from the command table (ui/cmd/help.c).
 *
 * The scripts `footnote --completion bash|zsh|fish` prints are thin: on every Tab they ask
 * `footnote --complete -- WORDS...` (the words of the line up to the cursor, the last one
 * the word being completed, maybe empty), which answers one candidate a line, each
 * optionally followed by a tab and a description, or the single line "@file" when the shell
 * should complete a file name. Commands and options come from each command's usage line,
 * so a new option completes without touching a script; profile names, collections and
 * session ids come from the configuration and the sessions folder. Nothing here touches
 * the network or writes a file. `footnote --complete commands|profiles|collections|sessions`
 * prints those names alone. Main thread. */
#ifndef FN_CMD_COMPLETE_H
#define FN_CMD_COMPLETE_H

#include <stdio.h>

/* What an option's argument or a positional word completes to. */
enum comp_kind {
	CK_NONE,       /* free text or a number */
	CK_FILE,       /* a file or folder name: the shell completes it */
	CK_PROFILE,    /* a profile name */
	CK_PROFILES,   /* profile names separated by commas */
	CK_COLLECTION, /* a collection name */
	CK_SESSION,    /* a saved session's id */
	CK_WORDS,      /* one of the words of its placeholder, "md|json" */
	CK_UNKNOWN,    /* a placeholder nobody classified: a test fails on it */
};

enum { USAGE_MAX_OPTS = 24, USAGE_MAX_ALTS = 8, USAGE_MAX_POS = 4 };

/* A command's usage lines, read: its options (each once) and its alternatives, each an
 * optional subcommand word ("list") with its positional placeholders ("ID"). */
struct usage_opt {
	char name[24]; /* "--json", "-k" */
	char arg[40];  /* "N", "md|json"; "" when it takes none */
	enum comp_kind kind;
};
struct usage_alt {
	char word[16];
	char pos[USAGE_MAX_POS][24];
	enum comp_kind pos_kind[USAGE_MAX_POS];
	int npos;
};
struct usage {
	struct usage_opt opts[USAGE_MAX_OPTS];
	int nopts;
	struct usage_alt alts[USAGE_MAX_ALTS];
	int nalts;
};

/* Reads a cmd_helps usage string ("footnote search [--json] [-k N] QUERY\n       footnote
 * search --queries FILE"). Returns 0, or -1 when it has more than the limits above. */
int usage_parse(const char *usage, struct usage *u);
enum comp_kind usage_arg_kind(const char *opt, const char *arg);
enum comp_kind usage_pos_kind(const char *placeholder);

/* `footnote --complete ARGS...` (argv after --complete); config_file is a --config given
 * before it. Prints to f; returns an exit code. */
int cli_complete(const char *config_file, int argc, char **argv, FILE *f);
/* `footnote --completion SHELL`: the script for bash, zsh or fish; -1 for another shell. */
int cli_completion_script(const char *shell, FILE *f);

#endif
