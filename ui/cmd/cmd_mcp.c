/* cmd_mcp.c - `footnote mcp`: a Model Context Protocol server on stdin/stdout (JSON-RPC 2.0,
 * one message per line) serving the index and the answering core to other tools (see
 * core/mcp/server.h and tools.h).
 *
 * stdout carries the protocol and nothing else: the process's fd 1 is pointed at stderr
 * once the protocol has its own copy, so no stray write can corrupt the stream. The index
 * is kept fresh by the watcher thread (core/app/app.h wires it all) while the server answers (searches read their own
 * snapshot). When the client goes away (stdin ends, or stdout breaks) every answer in
 * flight is cancelled and the server exits 0. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "core/answer/turn.h"
#include "core/app/chan.h"
#include "core/app/config.h"
#include "core/app/log.h"
#include "core/app/app.h"
#include "core/mcp/rpc.h"
#include "core/mcp/server.h"
#include "core/mcp/tools.h"
#include "ui/cmd/cmds.h"

struct io {
	int fd;
	bool broken; /* a write failed: the client is gone */
	struct mcp_server *srv;
};

static void send_line(void *ctx, const char *json, size_t len)
{
	struct io *io = ctx;
	struct iovec_part {
		const char *p;
		size_t n;
	} parts[2] = {{json, len}, {"\n", 1}};
	for (int i = 0; i < 2 && !io->broken; i++) {
		const char *p = parts[i].p;
		size_t n = parts[i].n;
		while (n) {
			ssize_t w = write(io->fd, p, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				io->broken = true;
				log_info("mcp: the client stopped reading (%s)", strerror(errno));
				break;
			}
			p += w;
			n -= (size_t)w;
		}
	}
}

static void on_line(void *ctx, const char *text, size_t len)
{
	struct io *io = ctx;
	mcp_server_handle(io->srv, text, len);
}

static void on_toolong(void *ctx)
{
	struct io *io = ctx;
	mcp_server_toolong(io->srv, RPC_LINE_MAX);
}

static void on_index_event(void *ctx, const struct idx_event *ev)
{
	(void)ctx;
	if (ev->kind == IDX_EV_ERROR && ev->message)
		log_warn("mcp: index: %s", ev->message);
}

int cmd_mcp(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"profile", required_argument, NULL, 'p'},
		{"no-watch", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	const char *pname = cli->profile;
	bool watch = true;
	int o;
	while ((o = getopt_long(argc, argv, "p:n", opts, NULL)) != -1) {
		switch (o) {
		case 'p': pname = optarg; break;
		case 'n': watch = false; break;
		default: return cli_usage_error("mcp", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("mcp", "unexpected argument \"%s\"", argv[optind]);
	const struct cfg_profile *pf = config_profile(cli->cfg, pname ? pname : cli->cfg->default_profile);
	if (!pf)
		return cli_usage_error("mcp", "no profile named \"%s\"", pname);

	/* The index thread keeps the index fresh while serving; its events only go to the log. */
	struct app *app = cli->app;
	app->index_sink = (struct idx_sink){on_index_event, NULL};
	unsigned needs = APP_CHAN | APP_SETUP | APP_INDEX_CREATE | (watch ? APP_WATCH : 0) |
			 (app_profile_remote(cli->cfg, NULL) ? APP_NET : 0);
	if (app_need(app, needs, NULL, 0) < 0 && (!app->ix || !(app->have & APP_CHAN)))
		return cli_app_error("mcp", app);
	if (app->error) /* the watcher or the net thread did not start: serve without it */
		log_warn("mcp: %s", app->error);

	/* The protocol gets its own fd; fd 1 becomes stderr for anything else. */
	int proto = dup(STDOUT_FILENO);
	if (proto < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		fprintf(stderr, "footnote mcp: cannot set up stdout: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	signal(SIGPIPE, SIG_IGN); /* a closed stdout is a write error here, not a death */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);

	struct chan *chan = app->chan;
	struct mcp_env env = {.cfg = cli->cfg, .profile = pf, .bound = pname != NULL, .ix = app->ix,
			      .emb = app->emb, .net = app->net, .chan = chan};
	struct mcp_resources res = mcp_resources_proto;
	res.ctx = &env;
	char *instructions = xasprintf("footnote answers from the user's own documents and cites them. Use "
				       "search for passages, ask for a cited answer (profile %s), get_source "
				       "to read a passage as indexed.", pf->name);
	struct mcp_info info = {.name = "footnote", .title = "footnote: cited answers from your documents",
				.version = FN_VERSION, .instructions = instructions, .tools = mcp_tools,
				.ntools = mcp_ntools, .tools_ctx = &env, .resources = &res};
	struct io io = {.fd = proto};
	struct mcp_out out = {send_line, &io};
	io.srv = mcp_server_new(&info, &out);
	struct rpc_framer fr;
	rpc_framer_init(&fr, RPC_LINE_MAX);
	struct rpc_framer_cb cb = {on_line, on_toolong, &io};
	log_info("mcp: serving profile %s%s", pf->name, env.bound ? " (bound)" : "");

	bool closing = false;
	static char buf[65536];
	while (!closing || mcp_tools_asks(&env)) {
		struct pollfd pfd[3] = {{closing ? -1 : STDIN_FILENO, POLLIN, 0},
					{chan_fd(chan), POLLIN, 0},
					{sfd, POLLIN, 0}};
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) > 0)
				;
			closing = true;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
			if (n > 0) {
				rpc_framer_feed(&fr, buf, (size_t)n, &cb);
			} else if (n == 0 || errno != EINTR) {
				rpc_framer_end(&fr, &cb);
				closing = true;
			}
		}
		if (pfd[1].revents & POLLIN)
			for (struct chan_msg *m = chan_take(chan), *next; m; m = next) {
				next = m->next;
				mcp_tools_message(&env, m);
			}
		if (io.broken)
			closing = true;
		if (closing)
			mcp_server_cancel_all(io.srv);
	}
	log_info("mcp: client gone, exiting");
	app_stop(app); /* the net thread's last messages land in the channel */
	for (struct chan_msg *m = chan_take(chan), *next; m; m = next) {
		next = m->next;
		mcp_tools_message(&env, m);
	}
	mcp_server_free(io.srv);
	rpc_framer_free(&fr);
	free(instructions);
	close(sfd);
	close(proto);
	return EXIT_OK;
}
