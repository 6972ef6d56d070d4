/* cmd_ask.c - `footnote ask`: one question, the answer streamed to stdout (sanitized), then
 * its sources. Piped stdin becomes context. Progress goes to stderr, and only on a terminal.
 * The exit code follows the outcome. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"
#include "core/chan.h"
#include "core/config.h"
#include "core/net.h"
#include "core/secret.h"
#include "core/setup.h"
#include "core/turn.h"
#include "ui/cmds.h"

enum { MAX_STDIN = 1 << 20 };

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

static void print_sources(const struct cite_map *m)
{
	if (!m->n)
		return;
	printf("\nSources:\n");
	for (size_t i = 0; i < m->n; i++) {
		const struct source *s = &m->v[i];
		printf("[%d] ", s->n);
		cli_print_safe(stdout, s->path, SAN_ONELINE);
		if (s->page)
			printf(" page %u", (unsigned)s->page);
		printf(":%u-%u", (unsigned)s->line_start, (unsigned)s->line_end);
		if (*s->heading) {
			printf(" (");
			cli_print_safe(stdout, s->heading, SAN_ONELINE);
			printf(")");
		}
		putchar('\n');
	}
}

static void print_json(const struct turn *t, const char *answer, const struct turn_result *r)
{
	const struct provenance *p = turn_provenance(t);
	const struct cite_map *m = turn_sources(t);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "answer", answer);
	cJSON_AddStringToObject(o, "outcome", r->outcome_name);
	if (r->finish_reason)
		cJSON_AddStringToObject(o, "finish_reason", r->finish_reason);
	else
		cJSON_AddNullToObject(o, "finish_reason");
	if (r->message)
		cJSON_AddStringToObject(o, "message", r->message);
	cJSON *cites = cJSON_AddArrayToObject(o, "citations");
	for (size_t i = 0; i < m->n; i++) {
		const struct source *s = &m->v[i];
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "n", s->n);
		cJSON_AddStringToObject(c, "path", s->path);
		cJSON_AddNumberToObject(c, "chunk", (double)s->chunk);
		cJSON_AddNumberToObject(c, "line_start", s->line_start);
		cJSON_AddNumberToObject(c, "line_end", s->line_end);
		cJSON_AddNumberToObject(c, "page", s->page);
		cJSON_AddStringToObject(c, "heading", s->heading);
		cJSON_AddItemToArray(cites, c);
	}
	cJSON_AddStringToObject(o, "profile", p->profile);
	cJSON_AddStringToObject(o, "provider", p->provider);
	cJSON_AddStringToObject(o, "model", p->model);
	cJSON_AddBoolToObject(o, "extractive", r->extractive);
	cJSON_AddBoolToObject(o, "grounded", !r->not_grounded && m->n > 0);
	cJSON *u = cJSON_AddObjectToObject(o, "usage");
	cJSON_AddNumberToObject(u, "prompt_tokens", (double)r->prompt_tokens);
	cJSON_AddNumberToObject(u, "completion_tokens", (double)r->completion_tokens);
	cJSON *tm = cJSON_AddObjectToObject(o, "timings");
	cJSON_AddNumberToObject(tm, "retrieval_ms", p->retrieval_ms);
	cJSON_AddNumberToObject(tm, "first_token_ms", r->first_token_ms);
	cJSON_AddNumberToObject(tm, "total_ms", r->total_ms);
	char *s = cJSON_PrintUnformatted(o);
	puts(s);
	free(s);
	cJSON_Delete(o);
}

int cmd_ask(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"no-stream", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	const char *profile_name = cli->profile ? cli->profile : cli->cfg->default_profile;
	bool json = false, stream = true;
	int o;
	while ((o = getopt_long(argc, argv, "p:jn", opts, NULL)) != -1) {
		switch (o) {
		case 'p': profile_name = optarg; break;
		case 'j': json = true; break;
		case 'n': stream = false; break;
		default: return cli_usage_error("ask", "unknown option");
		}
	}
	const struct cfg_profile *profile = config_profile(cli->cfg, profile_name);
	if (!profile)
		return cli_usage_error("ask", "no profile named \"%s\"", profile_name);
	struct buf question = {0};
	for (int i = optind; i < argc; i++)
		buf_addf(&question, "%s%s", i > optind ? " " : "", argv[i]);
	if (!question.len)
		return cli_usage_error("ask", "what is the question?");
	struct buf context = {0};
	if (!isatty(STDIN_FILENO))
		read_stdin(&context);

	struct setup s;
	char *err;
	if (setup_init(&s, cli->cfg, NULL, 0, &err) < 0) {
		fprintf(stderr, "footnote ask: %s\n", err);
		free(err);
		buf_free(&question);
		buf_free(&context);
		return EXIT_USAGE;
	}
	idx *ix = NULL;
	if (profile->retrieval.enabled) {
		if (setup_open_index(cli->cfg, true, &ix, &err) != 0) {
			fprintf(stderr, "footnote ask: %s\n", err);
			free(err);
			setup_free(&s);
			buf_free(&question);
			buf_free(&context);
			return EXIT_INDEX;
		}
		/* The size/mtime gate makes an up-to-date folder cheap to check. */
		struct idx_sink sink = {progress, NULL};
		static const volatile bool never = false;
		int rc = idx_sync(ix, &s.opt, s.emb, &sink, &never);
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

	struct chan *chan = chan_new();
	struct net *net = NULL;
	if (config_provider(cli->cfg, profile->provider)->kind != PROVIDER_BUILTIN) {
		net = net_new(&err);
		if (!net) {
			fprintf(stderr, "footnote ask: %s\n", err ? err : "the network layer could not start");
			free(err);
		}
	}
	struct turn_request req = {cli->cfg, profile, question.p, context.len ? context.p : NULL, ix, s.emb, 1};
	struct turn *t = turn_start(&req, net, chan);

	struct buf answer = {0}, pending = {0};
	struct turn_result *result = NULL;
	bool cancelled = false;
	while (!result) {
		struct pollfd p[2] = {{chan_fd(chan), POLLIN, 0}, {sfd, POLLIN, 0}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) > 0)
				;
			if (!cancelled)
				turn_cancel(t);
			cancelled = true;
		}
		for (struct chan_msg *m = chan_take(chan), *next; m; m = next) {
			next = m->next;
			struct turn_msg *tm = (struct turn_msg *)m;
			if (m->kind == TURN_TEXT) {
				buf_adds(&answer, tm->text);
				if (stream && !json) {
					buf_adds(&pending, tm->text);
					size_t n = sanitize_hold(pending.p, pending.len);
					struct buf safe = {0};
					sanitize(pending.p, n, 0, &safe);
					fwrite(buf_str(&safe), 1, safe.len, stdout);
					fflush(stdout);
					buf_free(&safe);
					buf_consume(&pending, n);
				}
			} else if (m->kind == TURN_NOTICE && isatty(STDERR_FILENO)) {
				cli_print_safe(stderr, tm->text, SAN_ONELINE);
				fputc('\n', stderr);
			} else if (m->kind == TURN_END && !result) {
				result = tm->result;
				tm->result = NULL;
			}
			chan_msg_free(m);
		}
	}

	int rc = result ? exit_code(result->outcome) : EXIT_FAIL;
	if (json) {
		print_json(t, buf_str(&answer), result);
	} else {
		if (stream)
			cli_print_safe(stdout, buf_str(&pending), 0);
		else
			cli_print_safe(stdout, buf_str(&answer), 0);
		putchar('\n');
		if (result && (result->outcome != TURN_COMPLETED || result->not_grounded) && result->message) {
			fputs(result->outcome == TURN_DECLINED ? "" : "[", stdout);
			cli_print_safe(stdout, result->message, SAN_ONELINE);
			fputs(result->outcome == TURN_DECLINED ? "\n" : "]\n", stdout);
		}
		if (result && result->extractive && result->outcome == TURN_COMPLETED)
			printf("(extractive answer: sentences quoted from your documents, no model)\n");
		print_sources(turn_sources(t));
	}
	turn_result_free(result);
	net_free(net); /* before the channel: done callbacks may still post */
	turn_free(t);
	chan_free(chan);
	secret_cache_free();
	close(sfd);
	if (ix)
		idx_close(ix);
	setup_free(&s);
	buf_free(&answer);
	buf_free(&pending);
	buf_free(&question);
	buf_free(&context);
	return rc;
}
