/* help.c - what every command says of itself: its usage line and help text, the global usage,
 * and the helpers commands print through. No command is called from here, so the commands
 * and the dispatcher (ui/cli.c) both depend on this file and it on neither. */
#include "ui/cmd/help.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sanitize.h"
#include "ui/cli.h"

const struct cmd_help cmd_helps[] = {
	{"index", "footnote index [--watch] [--status] [PATH...]",
	 "Index the configured folders (or the PATHs given) once, with a progress bar on a\n"
	 "terminal and a summary line. --watch keeps running and follows changes.\n"
	 "--status prints counts, size, embedder, generation and the last error."},
	{"search", "footnote search [--json] [-k N] [--collection C] [--mode hybrid|lexical|vector] QUERY\n"
	 "       footnote search --queries FILE [-k N]",
	 "Search the index. --queries takes one query per line, or JSONL with _id and text, and\n"
	 "prints one JSON line per query."},
	{"ask", "footnote ask [--profile P | --compare P1,P2] [--session ID] [--json] [--no-stream]\n"
	 "                    [QUESTION | -]",
	 "Answer one question and print its sources. With a QUESTION, piped stdin is added as\n"
	 "context; with none (or -), stdin is the question. --session ID continues a saved\n"
	 "conversation (an id or a unique prefix): the model gets the earlier turns, and the new\n"
	 "turn is saved to it."},
	{"eval", "footnote eval QUESTIONS [--qrels FILE] [--profiles rag,hybrid] [-k 10] [--json]\n"
	 "                     [--min-recall R] [--answers|--no-answers] [--limit N] [--html FILE]\n"
	 "                     [--baseline FILE] [--tolerance R] [--verdicts FILE]",
	 "Measure retrieval (recall, precision, MRR, nDCG) and answers per profile.\n"
	 "\n"
	 "QUESTIONS is JSONL, one {\"id\", \"question\", \"relevant\": [...]} per line; relevant names\n"
	 "paths (matched by real path or by their tail) or document ids (a file whose name\n"
	 "without extension is the id); {\"a.md\": 2, \"b.md\": 1} gives graded relevance. Or the\n"
	 "BEIR layout: a directory (or its queries.jsonl) with qrels/test.tsv or the only\n"
	 "qrels/*.tsv, or judgments from --qrels FILE (query-id, corpus-id, score). Only\n"
	 "questions with judgments are evaluated. The index is used as it is: run\n"
	 "`footnote index` first.\n"
	 "\n"
	 "Each profile retrieves as a turn does (mode, collections, weights, per-file cap) but\n"
	 "returns k passages (at least 10); a document counts once, at its best rank. Figures:\n"
	 "recall@k, precision@k, MRR@10, nDCG@10, share of questions with no relevant passage\n"
	 "in the top k, retrieval latency p50/p95. When the profile's provider is a model\n"
	 "server, or with --answers, each question is also answered: time to first token, total\n"
	 "time, tokens, grounding, share of invalid citations, share declined.\n"
	 "\n"
	 "  --profiles A,B   profiles to compare (default: the current profile)\n"
	 "  -k N             cut-off for recall and precision (default 10)\n"
	 "  --json           one JSON object instead of the table\n"
	 "  --min-recall R   exit 6 when a profile's recall@k is below R (0..1), for CI\n"
	 "  --answers        answer with the builtin provider too; --no-answers: retrieval only\n"
	 "  --limit N        only the first N judged questions\n"
	 "  --html FILE      also write a self-contained HTML report (inline SVG charts)\n"
	 "  --baseline FILE  compare with an earlier --json run; exit 6 when a figure is worse\n"
	 "                   by more than --tolerance R (default 0.02; relative for times,\n"
	 "                   tokens and cost)\n"
	 "  --verdicts FILE  save the judge model's verdicts (eval.judge_* in the config), JSONL\n"
	 "\n"
	 "A question may carry \"answer\": its reference. Answers are then scored by token F1,\n"
	 "by containing the reference, and by the judge model when one is configured. A\n"
	 "question with \"relevant\": [] is out of scope: declining it is right, answering it is\n"
	 "a hallucination. The comparison table marks the best profile per figure with *; cost\n"
	 "comes from prices: in the config.\n"
	 "\n"
	 "Exit codes: 2 bad input (FILE:LINE says where), 3/4 an answer failed, 5 index error,\n"
	 "6 --min-recall not met."},
	{"sessions", "footnote sessions list [--json] | show ID [--json] | export ID [--format md|json] [-o FILE]\n"
	 "       footnote sessions rename ID TITLE | delete ID [--yes] | resume ID",
	 "List, show, export, rename, delete or resume saved conversations. ID may be any unique\n"
	 "prefix. delete asks first on a terminal; without one it needs --yes. export writes to\n"
	 "stdout when piped (or with -o -), else to -o FILE or, by default, under the data\n"
	 "directory's exports/ (footnote paths); footnote never indexes its own exports."},
	{"log", "footnote log [--profile P] [--model TEXT] [--checkpoint TEXT] [--dataset TEXT]\n"
	 "                   [--session ID] [--since DATE] [--until DATE] [--limit N] [--json|--csv]",
	 "The decision log: every answer saved in the sessions, oldest first, with what produced\n"
	 "it - date, profile, provider and model, the fine-tune (kind, adapter, checkpoint,\n"
	 "training data version), retrieval settings, index generation, outcome, tokens and\n"
	 "cost. Filters: --profile, --model, --checkpoint and --dataset match exactly, --session\n"
	 "an id prefix, --since and --until ISO dates or times (2026-11-21, 2026-11-21T14:00);\n"
	 "--limit N keeps the latest N. --json: one object {version, answers: [{time, session,\n"
	 "turn, question, provenance, outcome, usage, cost}]}; --csv: one line per answer, for a\n"
	 "spreadsheet."},
	{"doctor", "footnote doctor",
	 "Check every provider (reachable, models listed, key present) and the embedder."},
	{"paths", "footnote paths",
	 "Print every resolved path: config file, data, index, sessions, history, log, themes."},
	{"mcp", "footnote mcp [--profile P] [--no-watch]",
	 "Serve the index and cited answers to other tools over the Model Context Protocol (JSON-RPC\n"
	 "on stdin/stdout, one message per line). Tools: search, ask (streams progress, can be\n"
	 "cancelled) and get_source; resources: the indexed files as file:// URIs. With --profile P\n"
	 "the server answers only with P and reads only P's collections. The index is kept fresh\n"
	 "while serving (--no-watch: serve it as it is). Logs go to the log file, never stdout.\n"
	 "docs/INTERFACE.md describes every tool's JSON."},
	{"init", "footnote init [--force]",
	 "Write a commented configuration to $XDG_CONFIG_HOME/footnote/config.yaml (or --config\n"
	 "FILE) from what is found: a model server on this machine (Ollama 11434, llama-server\n"
	 "8080, LM Studio 1234, vLLM 8000) or OPENAI_API_KEY. Never a key: only the variable's\n"
	 "name (api_key_env). An existing file is kept unless --force."},
	{NULL, NULL, NULL},
};

const struct cli_option cli_options[] = {
	{"--config", "FILE", "configuration file (default: $FOOTNOTE_CONFIG, then\n"
	 "$XDG_CONFIG_HOME/footnote/config.yaml, then built-in defaults)"},
	{"--profile", "NAME", "profile to start with"},
	{"--session", "ID", "resume a saved conversation (see `footnote sessions list`)"},
	{"--help", NULL, "this text; `footnote COMMAND --help` for a command"},
	{"--version", NULL, "print the version and the libraries footnote was built with"},
	{NULL, NULL, NULL},
};

const struct cli_exit cli_exits[] = {
	{EXIT_OK, "ok"},
	{EXIT_FAIL, "failure (doctor: a problem found)"},
	{EXIT_USAGE, "usage or config error (a bad or missing config file, an unknown theme, a configured "
		      "folder that does not exist, an unknown --collection)"},
	{EXIT_NET, "model server or network error"},
	{EXIT_ANSWER, "answer interrupted, truncated or refused"},
	{EXIT_INDEX, "index error"},
	{EXIT_UNMET, "threshold not met"},
	{EXIT_INTERRUPT, "stopped by Ctrl-C"},
	{0, NULL},
};

/* "  name      " and the whole first sentence of help (to its ". " or its end, not its first
 * line), wrapped at 80 columns under itself. */
static void print_first_sentence(FILE *f, const char *name, const char *help)
{
	size_t end = 0;
	while (help[end] && !(help[end] == '.' && (!help[end + 1] || help[end + 1] == ' ' || help[end + 1] == '\n')))
		end++;
	fprintf(f, "  %-9s", name);
	int col = 11;
	for (size_t at = 0; at < end;) {
		while (at < end && (help[at] == ' ' || help[at] == '\n'))
			at++;
		size_t w = at;
		while (w < end && help[w] != ' ' && help[w] != '\n')
			w++;
		if (col + 1 + (int)(w - at) > 80) {
			fprintf(f, "\n%11s", "");
			col = 11;
		}
		fprintf(f, " %.*s", (int)(w - at), help + at);
		col += 1 + (int)(w - at);
		at = w;
	}
	fputc('\n', f);
}

void cli_usage(FILE *f)
{
	fprintf(f,
		"usage: footnote [--config FILE] [--profile NAME] [COMMAND] [ARGS]\n"
		"\n"
		"With no command, footnote starts the terminal interface in this directory.\n"
		"\n"
		"commands:\n");
	for (const struct cmd_help *c = cmd_helps; c->name; c++)
		print_first_sentence(f, c->name, c->help);
	fprintf(f, "\noptions:\n");
	for (const struct cli_option *o = cli_options; o->name; o++) {
		char head[32];
		snprintf(head, sizeof head, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-15s ", head);
		for (const char *s = o->help; *s;) {
			int n = (int)strcspn(s, "\n");
			fprintf(f, "%s%.*s\n", s == o->help ? "" : "                  ", n, s);
			s += n + (s[n] == '\n');
		}
	}
	fprintf(f, "\nexit codes:\n");
	int col = 0;
	for (const struct cli_exit *e = cli_exits; e->help; e++) {
		int w = snprintf(NULL, 0, "%d %s", e->code, e->help);
		if (col && col + 3 + w > 88) {
			fputc('\n', f);
			col = 0;
		}
		col += fprintf(f, "%s%d %s", col ? "   " : "  ", e->code, e->help);
	}
	fputc('\n', f);
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

void cli_command_help(const char *name, FILE *f)
{
	for (const struct cmd_help *c = cmd_helps; c->name; c++)
		if (!strcmp(c->name, name))
			fprintf(f, "usage: %s\n\n%s\n", c->usage, c->help);
}

int cli_usage_error(const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *safe = sanitize_str(msg, SAN_ONELINE);
	fprintf(stderr, "footnote %s: %s\n", name, safe);
	free(safe);
	for (const struct cmd_help *c = cmd_helps; c->name; c++)
		if (!strcmp(c->name, name))
			fprintf(stderr, "usage: %s\n", c->usage);
	return EXIT_USAGE;
}

void cli_print_safe(FILE *f, const char *s, unsigned flags)
{
	char *safe = sanitize_str(s, flags);
	fputs(safe, f);
	free(safe);
}

int cli_app_error(const char *name, const struct app *a)
{
	fprintf(stderr, "footnote %s: ", name);
	cli_print_safe(stderr, a->error ? a->error : "failed", SAN_ONELINE);
	fputc('\n', stderr);
	return a->exit_code ? a->exit_code : EXIT_FAIL;
}
