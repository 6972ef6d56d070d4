/* cmd_ask.c - `footnote ask`: one question, the answer streamed to stdout (sanitized), then
 * what verification found and the sources. With a question argument, piped stdin becomes
 * context; with none (or "-"), stdin is the question. Progress goes to stderr, and only on a
 * terminal. The exit code follows the outcome.
 *
 * `--session ID` continues a saved conversation: the model gets its turns as history (and
 * the search its earlier questions), and the new turn is saved to it.
 *
 * `--compare A,B` asks two profiles at once (two turns on the one net thread) and prints the
 * answers side by side on a terminal wide enough, else one after the other; with --json, an
 * array of the two objects. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/loc.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/app/chan.h"
#include "core/app/app.h"
#include "core/app/config.h"
#include "core/app/discover.h"
#include "core/answer/record.h"
#include "core/session/session.h"
#include "core/answer/turn.h"
#include "core/answer/verify.h"
#include "ui/cmd/cmds.h"
#include "ui/term/term.h"

enum { MAX_STDIN = 1 << 20, MAX_RUNS = 2, SIDE_MIN_COLS = 100 };

/* One profile's answer. */
struct run {
	const struct cfg_profile *profile;
	struct turn *turn;
	struct buf answer, pending;
	struct turn_result *result;
};

/* The saved conversation --session names: 0 and *out, or a message and -1. */
static int load_session(const struct config *cfg, const char *prefix, struct session **out)
{
	char *id = NULL, *err = NULL, *path = NULL;
	*out = NULL;
	if (session_resolve(cfg->sessions_dir, prefix, &id, &err) == 0) {
		path = session_path(cfg->sessions_dir, id);
		session_load(path, out, &err);
	}
	if (!*out) {
		fputs("footnote ask: ", stderr);
		cli_print_safe(stderr, err ? err : "no such session", SAN_ONELINE);
		fputc('\n', stderr);
	}
	free(err);
	free(path);
	free(id);
	return *out ? 0 : -1;
}

/* Adds each run's question and answer to the session and saves it. */
static void save_session(struct session *sess, const struct config *cfg, const char *question,
			 struct run *runs, int n)
{
	for (int i = 0; i < n; i++) {
		if (!runs[i].result)
			continue;
		size_t k = session_add(sess, question, turn_provenance(runs[i].turn), turn_sources(runs[i].turn),
				       NULL, NULL, NULL);
		session_finish(sess, k, buf_str(&runs[i].answer), "", runs[i].result);
	}
	char *err = NULL;
	if (session_save(sess, cfg->sessions_dir, &err) < 0) {
		fputs("footnote ask: the conversation was not saved: ", stderr);
		cli_print_safe(stderr, err, SAN_ONELINE);
		fputc('\n', stderr);
	} else if (isatty(STDERR_FILENO)) {
		fprintf(stderr, "saved to session %s\n", sess->id);
	}
	free(err);
}

static int read_stdin(struct buf *out)
{
	char tmp[65536];
	ssize_t n;
	while ((n = read(STDIN_FILENO, tmp, sizeof tmp)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (out->len + (size_t)n > MAX_STDIN) {
			fprintf(stderr, "footnote ask: piped input is over 1 MiB; only the first 1 MiB is used\n");
			buf_add(out, tmp, MAX_STDIN - out->len);
			break;
		}
		buf_add(out, tmp, (size_t)n);
	}
	return 0;
}

static void progress(void *ctx, const struct idx_event *ev)
{
	(void)ctx;
	if (ev->kind == IDX_EV_PROGRESS && isatty(STDERR_FILENO))
		fprintf(stderr, "\r\x1b[Kindexing %zu/%zu files", ev->files_done, ev->files_total);
	if (ev->kind == IDX_EV_SCAN_DONE && isatty(STDERR_FILENO))
		fputs("\r\x1b[K", stderr);
}

static int exit_code(int outcome)
{
	switch (outcome) {
	case TURN_COMPLETED:
	case TURN_DECLINED: return EXIT_OK;
	case TURN_HTTP_ERROR:
	case TURN_SERVER_ERROR:
	case TURN_NETWORK_ERROR: return EXIT_NET;
	case TURN_CANCELLED: return EXIT_INTERRUPT;
	default: return EXIT_ANSWER;
	}
}

/* ---- text output: everything goes into a buffer of sanitized text, so that a comparison
 * can lay two of them out side by side. ---------------------------------------------------- */

static void add_safe(struct buf *b, const char *s, size_t len, unsigned flags)
{
	sanitize(s, len, flags, b);
}

static void add_excerpt(struct buf *b, const char *s, size_t len)
{
	buf_adds(b, "\"");
	if (len > 90) {
		add_safe(b, s, 87, SAN_ONELINE);
		buf_adds(b, "...");
	} else {
		add_safe(b, s, len, SAN_ONELINE);
	}
	buf_adds(b, "\"");
}

static void add_source(struct buf *b, const struct source *s)
{
	buf_addf(b, "[%d] ", s->n);
	add_safe(b, s->path, strlen(s->path), SAN_ONELINE);
	struct buf loc = {0};
	loc_append(&loc, s->path, s->page, s->heading, s->line_start, s->line_end, false);
	add_safe(b, buf_str(&loc), loc.len, SAN_ONELINE);
	buf_free(&loc);
	if (*s->heading) {
		buf_adds(b, " (");
		add_safe(b, s->heading, strlen(s->heading), SAN_ONELINE);
		buf_adds(b, ")");
	}
	if (s->auto_attached)
		buf_adds(b, " · attached automatically");
	else if (s->cited)
		buf_adds(b, s->verified ? " · cited, verified" : " · cited, not verified");
	else
		buf_adds(b, " · not cited");
	buf_addc(b, '\n');
}

/* What verification found, for a person. */
static void add_verification(struct buf *b, const struct run *r)
{
	const struct turn_result *res = r->result;
	const struct verify_result *v = res ? res->verify : NULL;
	if (!v)
		return;
	const char *a = buf_str(&r->answer);
	if (res->extractive && res->quoted_passages)
		buf_addf(b, "Quoted from %d passage%s, covering %.0f%% of the question (weighted by rarity); "
			 "a quote always matches its source, so this says whether it answers.\n",
			 res->quoted_passages, res->quoted_passages == 1 ? "" : "s", 100 * res->relevance);
	else if (turn_sources(r->turn)->n && v->n)
		buf_addf(b, "Grounding: %d of %zu sentences backed by a verified source (%.0f%%)%s.\n", v->supported,
			 v->n, 100 * v->grounding, v->attached ? "; the model gave no citations, sources attached" : "");
	for (size_t i = 0; i < v->n; i++) {
		const struct verify_sentence *s = &v->v[i];
		if (s->status == VERIFY_UNSUPPORTED) {
			buf_adds(b, "Unsupported: ");
			add_excerpt(b, a + s->start, s->len);
			buf_adds(b, " cites");
			for (int k = 0; k < s->nsources; k++)
				buf_addf(b, " [%d]%s", s->sources[k],
					 cite_map_get(turn_sources(r->turn), s->sources[k]) ? "" : " (no such source)");
			buf_adds(b, ", which does not say so.\n");
		} else if (s->status == VERIFY_UNCITED && res->label_uncited) {
			buf_adds(b, "Model knowledge, not from your documents: ");
			add_excerpt(b, a + s->start, s->len);
			buf_addc(b, '\n');
		}
	}
}

static void add_tail(struct buf *b, const struct run *r, bool with_answer)
{
	const struct turn_result *res = r->result;
	if (with_answer) {
		add_safe(b, buf_str(&r->answer), r->answer.len, 0);
		buf_addc(b, '\n');
	}
	if (res && (res->outcome != TURN_COMPLETED || res->not_grounded) && res->message) {
		buf_adds(b, res->outcome == TURN_DECLINED ? "" : "[");
		add_safe(b, res->message, strlen(res->message), SAN_ONELINE);
		buf_adds(b, res->outcome == TURN_DECLINED ? "\n" : "]\n");
	}
	if (res && res->extractive && res->outcome == TURN_COMPLETED)
		buf_adds(b, "(extractive answer: sentences quoted from your documents, no model)\n");
	add_verification(b, r);
	const struct provenance *pv = turn_provenance(r->turn);
	if (pv->history_dropped)
		buf_addf(b, "(the conversation's %d oldest turn%s left out to fit the model's context)\n",
			 pv->history_dropped, pv->history_dropped == 1 ? " was" : "s were");
	if (*pv->search_query) {
		buf_adds(b, "(searched for: ");
		add_safe(b, pv->search_query, strlen(pv->search_query), SAN_ONELINE);
		buf_adds(b, ")\n");
	}
	const struct cite_map *m = turn_sources(r->turn);
	if (!r->profile->retrieval.enabled) {
		buf_adds(b, "(profile ");
		add_safe(b, r->profile->name, strlen(r->profile->name), SAN_ONELINE);
		buf_adds(b, " does not retrieve: no sources)\n");
	} else if (m->n) {
		buf_adds(b, "\nSources:\n");
		for (size_t i = 0; i < m->n; i++)
			add_source(b, &m->v[i]);
		if (m->ndropped)
			buf_addf(b, "(%zu more found but left out to fit the model's context)\n", m->ndropped);
		for (size_t i = 0; i < m->n; i++)
			if (m->v[i].auto_attached) {
				buf_adds(b, "(attached automatically: the answer had no citation marker, so the "
					    "passage that best supports it is shown)\n");
				break;
			}
	}
}

static void add_stats(struct buf *b, const struct run *r)
{
	const struct turn_result *res = r->result;
	if (!res)
		return;
	buf_addf(b, "%.0f ms · first token %.0f ms · tokens %lld+%lld", res->total_ms, res->first_token_ms,
		 res->prompt_tokens, res->completion_tokens);
	record_figure(b, res);
	buf_addc(b, '\n');
}

/* ---- JSON: the answer records of core/answer/record.h, one per run ------------------------ */

static void print_json(struct run *runs, int n, bool array)
{
	cJSON *o = array ? cJSON_CreateArray() : NULL;
	for (int i = 0; i < n; i++) {
		const struct run *r = &runs[i];
		cJSON *one = record_answer_json(buf_str(&r->answer), r->answer.len, r->result,
						turn_provenance(r->turn), turn_sources(r->turn));
		if (!array) {
			o = one;
			break;
		}
		cJSON_AddItemToArray(o, one);
	}
	char *s = cJSON_PrintUnformatted(o);
	puts(s);
	free(s);
	cJSON_Delete(o);
}

/* ---- side by side ------------------------------------------------------------------------ */

struct col {
	char **line;
	size_t n, cap;
};

static void col_add(struct col *c, const char *s, size_t len)
{
	c->line = xgrow(c->line, &c->cap, c->n + 1, sizeof *c->line);
	c->line[c->n++] = xstrndup(s, len);
}

/* Greedy word wrap of sanitized text into lines of at most w columns. */
static void col_wrap(struct col *c, const char *text, int w)
{
	const char *p = text;
	for (;;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!nl && !len)
			break;
		do {
			size_t fit = text_fit(p, len, w);
			if (fit < len) {
				size_t cut = fit;
				while (cut > 0 && p[cut] != ' ')
					cut--;
				if (cut > 0)
					fit = cut;
			}
			if (!fit && len)
				fit = 1;
			col_add(c, p, fit);
			p += fit;
			len -= fit;
			while (len && *p == ' ') {
				p++;
				len--;
			}
		} while (len);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void col_free(struct col *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->line[i]);
	free(c->line);
}

static void add_header(struct buf *b, const struct run *r)
{
	const struct provenance *p = turn_provenance(r->turn);
	buf_adds(b, "== ");
	add_safe(b, p->profile, strlen(p->profile), SAN_ONELINE);
	buf_adds(b, " · ");
	add_safe(b, p->model, strlen(p->model), SAN_ONELINE);
	buf_adds(b, " ==\n");
}

static void print_compare(struct run *runs, int n)
{
	struct buf text[MAX_RUNS] = {{0}};
	for (int i = 0; i < n; i++) {
		add_header(&text[i], &runs[i]);
		add_tail(&text[i], &runs[i], true);
		add_stats(&text[i], &runs[i]);
	}
	struct winsize ws;
	int cols = isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
	if (cols < SIDE_MIN_COLS) {
		for (int i = 0; i < n; i++)
			printf("%s%s", i ? "\n" : "", buf_str(&text[i]));
	} else {
		int w = (cols - 3) / 2;
		struct col c[MAX_RUNS] = {{0}};
		for (int i = 0; i < n; i++)
			col_wrap(&c[i], buf_str(&text[i]), w);
		size_t rows = c[0].n > c[1].n ? c[0].n : c[1].n;
		for (size_t row = 0; row < rows; row++) {
			const char *l = row < c[0].n ? c[0].line[row] : "";
			const char *r = row < c[1].n ? c[1].line[row] : "";
			int pad = w - text_width(l, strlen(l));
			printf("%s%*s │ %s\n", l, pad > 0 ? pad : 0, "", r);
		}
		for (int i = 0; i < n; i++)
			col_free(&c[i]);
	}
	for (int i = 0; i < n; i++)
		buf_free(&text[i]);
}

/* ---- running the turns ------------------------------------------------------------------- */

static void stream_text(struct run *r, const char *s)
{
	buf_adds(&r->pending, s);
	size_t n = sanitize_hold(r->pending.p, r->pending.len);
	struct buf safe = {0};
	sanitize(r->pending.p, n, 0, &safe);
	fwrite(buf_str(&safe), 1, safe.len, stdout);
	fflush(stdout);
	buf_free(&safe);
	buf_consume(&r->pending, n);
}

/* Waits for every run's TURN_END; Ctrl-C cancels them all (the partial text stays). */
static void wait_runs(struct run *runs, int n, struct chan *chan, int sfd, bool stream)
{
	bool cancelled = false;
	for (;;) {
		int left = 0;
		for (int i = 0; i < n; i++)
			left += !runs[i].result;
		if (!left)
			break;
		struct pollfd p[2] = {{chan_fd(chan), POLLIN, 0}, {sfd, POLLIN, 0}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) > 0)
				;
			for (int i = 0; i < n && !cancelled; i++)
				turn_cancel(runs[i].turn);
			cancelled = true;
		}
		for (struct chan_msg *m = chan_take(chan), *next; m; m = next) {
			next = m->next;
			struct turn_msg *tm = (struct turn_msg *)m;
			struct run *r = m->gen >= 1 && m->gen <= (uint64_t)n ? &runs[m->gen - 1] : NULL;
			if (turn_step(r ? r->turn : NULL, m)) {
				/* a follow-up's rewrite came back: the turn went on */
			} else if (r && m->kind == TURN_TEXT) {
				buf_adds(&r->answer, tm->text);
				if (stream)
					stream_text(r, tm->text);
			} else if (m->kind == TURN_NOTICE && isatty(STDERR_FILENO)) {
				cli_print_safe(stderr, tm->text, SAN_ONELINE);
				fputc('\n', stderr);
			} else if (r && m->kind == TURN_END && !r->result) {
				r->result = tm->result;
				tm->result = NULL;
				turn_finish(r->turn, r->result);
			}
			chan_msg_free(m);
		}
	}
}

/* Before the answer, on stderr: a stand-in for a fine-tuned model says so, and a provider
 * off this machine says where the question goes (once per provider: one ask is one session). */
static void say_notices(const struct config *cfg, const struct cfg_profile *const *pf, int i)
{
	if (pf[i]->notice) {
		fputs("footnote: ", stderr);
		cli_print_safe(stderr, pf[i]->notice, SAN_ONELINE);
		fputc('\n', stderr);
	}
	const struct cfg_provider *prov = config_provider(cfg, pf[i]->provider);
	for (int k = 0; k < i; k++)
		if (config_provider(cfg, pf[k]->provider) == prov)
			return;
	char *remote = discover_remote_notice(prov);
	if (remote) {
		fputs("footnote: ", stderr);
		cli_print_safe(stderr, remote, SAN_ONELINE);
		fputc('\n', stderr);
		free(remote);
	}
}

/* "rag,hybrid" -> two profiles; a message and false when it is not that. */
static bool parse_compare(const struct config *cfg, const char *arg, const struct cfg_profile **out)
{
	const char *comma = strchr(arg, ',');
	if (!comma || strchr(comma + 1, ',')) {
		cli_usage_error("ask", "--compare takes two profiles: --compare rag,hybrid");
		return false;
	}
	char *a = xstrndup(arg, (size_t)(comma - arg));
	out[0] = config_profile(cfg, a);
	out[1] = config_profile(cfg, comma + 1);
	if (!out[0] || !out[1])
		cli_usage_error("ask", "no profile named \"%s\"", !out[0] ? a : comma + 1);
	free(a);
	return out[0] && out[1];
}

int cmd_ask(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"no-stream", no_argument, NULL, 'n'},
		{"compare", required_argument, NULL, 'c'},
		{"session", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	const char *profile_name = cli->profile ? cli->profile : cli->cfg->default_profile;
	const char *compare = NULL, *session_id = cli->session;
	bool json = false, stream = true;
	int o;
	while ((o = getopt_long(argc, argv, "p:jnc:s:", opts, NULL)) != -1) {
		switch (o) {
		case 's': session_id = optarg; break;
		case 'p': profile_name = optarg; break;
		case 'j': json = true; break;
		case 'n': stream = false; break;
		case 'c': compare = optarg; break;
		default: return cli_usage_error("ask", "unknown option");
		}
	}
	struct run runs[MAX_RUNS];
	memset(runs, 0, sizeof runs);
	const struct cfg_profile *pf[MAX_RUNS] = {NULL, NULL};
	int nruns = 1;
	if (compare) {
		if (!parse_compare(cli->cfg, compare, pf))
			return EXIT_USAGE;
		nruns = 2;
	} else if (!(pf[0] = config_profile(cli->cfg, profile_name))) {
		return cli_usage_error("ask", "no profile named \"%s\"", profile_name);
	}
	struct buf question = {0}, context = {0};
	bool from_stdin = optind == argc || (optind + 1 == argc && !strcmp(argv[optind], "-"));
	if (from_stdin) {
		/* No question argument: stdin is the question (a terminal types it, ending with ^D). */
		read_stdin(&question);
		while (question.len && strchr(" \t\r\n", question.p[question.len - 1]))
			question.len--;
		size_t lead = strspn(buf_str(&question), " \t\r\n");
		buf_consume(&question, lead);
	} else {
		for (int i = optind; i < argc; i++)
			buf_addf(&question, "%s%s", i > optind ? " " : "", argv[i]);
		if (!isatty(STDIN_FILENO))
			read_stdin(&context);
	}
	if (!question.len) {
		buf_free(&question);
		buf_free(&context);
		return cli_usage_error("ask", from_stdin ? "the question on standard input is empty"
						       : "what is the question?");
	}
	/* Leading filter words (tag:, path:, after:, before:): a bad date is said, not searched. */
	struct idx_filter qf = {.path = ""};
	const char *rest;
	char ferr[200];
	int nf = idx_filter_parse(buf_str(&question), &qf, &rest, ferr, sizeof ferr);
	if (nf < 0 || (nf > 0 && !*rest)) {
		buf_free(&question);
		buf_free(&context);
		return cli_usage_error("ask", "%s", nf < 0 ? ferr : "the filter words alone are not a question");
	}
	char *missing = NULL;
	for (int i = 0; i < nruns && !missing; i++)
		if (pf[i]->retrieval.enabled)
			missing = setup_missing_folders(cli->cfg);
	if (missing) {
		/* Answering "not found" from a folder that is not there would mislead. */
		fputs("footnote ask: ", stderr);
		cli_print_safe(stderr, missing, SAN_ONELINE);
		fputc('\n', stderr);
		free(missing);
		buf_free(&question);
		buf_free(&context);
		return EXIT_USAGE;
	}
	struct session *sess = NULL;
	if (session_id && load_session(cli->cfg, session_id, &sess) < 0) {
		buf_free(&question);
		buf_free(&context);
		return EXIT_USAGE;
	}

	struct app *app = cli->app;
	bool retrieves = false, remote = false;
	for (int i = 0; i < nruns; i++) {
		retrieves |= pf[i]->retrieval.enabled;
		remote |= app_profile_remote(cli->cfg, pf[i]);
		say_notices(cli->cfg, pf, i);
	}
	if (app_need(app, APP_SETUP | APP_CHAN | (retrieves ? APP_INDEX_CREATE : 0), NULL, 0) < 0) {
		buf_free(&question);
		buf_free(&context);
		return cli_app_error("ask", app);
	}
	if (retrieves) {
		/* The size/mtime gate makes an up-to-date folder cheap to check. */
		struct idx_sink sink = {progress, NULL};
		static const volatile bool never = false;
		int rc = idx_sync(app->ix, &app->setup.opt, app->emb, &sink, &never);
		if (rc != 0)
			fprintf(stderr, "footnote ask: updating the index failed (%s); answering from what is "
					"indexed\n", idx_strerror(rc));
	}

	/* Ctrl-C cancels the answer (the partial text stays) instead of killing the process. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);

	if (remote && app_need(app, APP_NET, NULL, 0) < 0)
		cli_app_error("ask", app); /* the turns end with a network error of their own */
	struct chan *chan = app->chan;
	size_t nhist;
	struct history_turn *hist = session_history(sess, &nhist);
	for (int i = 0; i < nruns; i++) {
		struct turn_request req = {
			.cfg = cli->cfg, .profile = pf[i], .question = buf_str(&question),
			.extra_context = context.len ? context.p : NULL, .ix = app->ix, .emb = app->emb,
			.gen = (uint64_t)i + 1, .history = hist, .nhistory = nhist, .may_block = true,
		};
		runs[i].profile = pf[i];
		runs[i].turn = turn_start(&req, app->net, chan);
	}
	free(hist);
	bool streamed = stream && !json && nruns == 1;
	wait_runs(runs, nruns, chan, sfd, streamed);
	if (sess)
		save_session(sess, cli->cfg, buf_str(&question), runs, nruns);
	session_free(sess);

	int rc = EXIT_OK;
	for (int i = 0; i < nruns; i++) {
		int r = runs[i].result ? exit_code(runs[i].result->outcome) : EXIT_FAIL;
		if (r != EXIT_OK)
			rc = r;
	}
	bool complete = runs[0].result && (nruns == 1 || runs[1].result);
	if (!complete) {
		fprintf(stderr, "footnote ask: the answer did not finish\n");
	} else if (json) {
		print_json(runs, nruns, nruns > 1);
	} else if (nruns > 1) {
		print_compare(runs, nruns);
	} else {
		struct buf out = {0};
		if (streamed) {
			add_safe(&out, buf_str(&runs[0].pending), runs[0].pending.len, 0);
			buf_addc(&out, '\n');
		}
		add_tail(&out, &runs[0], !streamed);
		fwrite(buf_str(&out), 1, out.len, stdout);
		buf_free(&out);
	}
	app_stop(app); /* the net thread ends before the turns: done callbacks may still post */
	for (int i = 0; i < nruns; i++) {
		turn_result_free(runs[i].result);
		turn_free(runs[i].turn);
		buf_free(&runs[i].answer);
		buf_free(&runs[i].pending);
	}
	close(sfd);
	buf_free(&question);
	buf_free(&context);
	return rc;
}
