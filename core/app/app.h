/* app.h - the one start-up and shut-down sequence every command and the TUI share.
 *
 * app_open loads the configuration and opens the log (every command needs both); then each
 * command asks, once it has read its argv, for what it needs with app_need: the channel, the
 * index options and embedder (core/app/setup.h), the index, the index thread (the watcher,
 * posting into the channel), the net thread. app_stop ends the worker threads and leaves the
 * channel readable, so a caller can take the last messages they posted; app_close releases
 * everything, in the one order that is safe (net, watcher, index, embedder, channel, cached
 * secrets, log, config).
 *
 * Errors are a sentence (a->error, says what to do; app_close frees it, never printed here)
 * and the exit code the command should end with (a->exit_code). Untrusted parts of the
 * sentence (paths, names from the config) are already sanitized to one line.
 *
 * Threads: the main thread calls all of these. The pieces themselves say which threads may
 * use them (net.h, idx.h, chan.h). */
#ifndef FN_APP_H
#define FN_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/app/setup.h"
#include "index/idx.h"

/* Exit codes of every command, documented in `footnote --help` and README. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,        /* something unexpected failed */
	EXIT_USAGE = 2,       /* bad arguments or configuration */
	EXIT_NET = 3,         /* model server or network error */
	EXIT_ANSWER = 4,      /* answer interrupted, truncated, refused or a tool call */
	EXIT_INDEX = 5,       /* the index could not be opened, read or written */
	EXIT_UNMET = 6,       /* a threshold (eval --min-recall) was not met */
	EXIT_INTERRUPT = 130, /* stopped by Ctrl-C */
};

/* What a command needs, for app_need. Each piece is opened once; asking again is a no-op. */
enum app_needs {
	APP_CHAN = 1 << 0,         /* the channel from worker threads to the main thread */
	APP_SETUP = 1 << 1,        /* index options and the embedder (a server embedder is probed) */
	APP_INDEX = 1 << 2,        /* the index, read-only: it must exist (search, eval, status) */
	APP_INDEX_CREATE = 1 << 3, /* the index, created when missing (index, ask, the TUI) */
	APP_WATCH = 1 << 4,        /* the index thread; implies APP_SETUP and APP_INDEX_CREATE,
				    * and APP_CHAN unless a->index_sink was set before */
	APP_NET = 1 << 5,          /* the net thread (curl multi) */
};

struct net;
struct chan;

struct app {
	struct config *cfg;          /* owned; read-only for everyone after app_open */
	struct chan *chan;           /* APP_CHAN */
	struct setup setup;          /* APP_SETUP: setup.opt and setup.emb for idx_sync/search */
	const struct idx_embedder *emb; /* = setup.emb, or NULL before APP_SETUP */
	idx *ix;                     /* APP_INDEX / APP_INDEX_CREATE */
	struct net *net;             /* APP_NET */
	struct idx_watch *watch;     /* APP_WATCH */
	/* Where the watcher reports. APP_CHAN sets it to post into the channel
	 * (index_events.h, file events left out); a command that prints progress itself sets
	 * its own before app_need(APP_WATCH). Must stay valid until app_stop. */
	struct idx_sink index_sink;
	unsigned have;               /* the enum app_needs pieces that are open */
	char *error;                 /* the last failure, a sentence; NULL when none */
	int exit_code;               /* EXIT_* for the last failure */
};

/* Loads the configuration (--config FILE, or NULL for the usual places) and opens the log.
 * Returns 0, or -1 with a->error (FILE:LINE:COLUMN: ...) and a->exit_code EXIT_USAGE; call
 * app_close either way. */
int app_open(struct app *a, const char *config_file);
/* Opens what `needs` names and is not open yet, in dependency order. paths (may be NULL/0)
 * replace the configured folders for APP_SETUP (`footnote index DIR`). Returns 0, or -1
 * with a->error and a->exit_code (EXIT_USAGE for a bad folder or embedder, EXIT_INDEX for
 * the index or the watcher, EXIT_NET for the net thread); what opened before the failure
 * stays open, so a caller may go on without the piece that failed. */
int app_need(struct app *a, unsigned needs, char **paths, size_t npaths);
/* Ends the worker threads: the net thread (what is in flight ends as cancelled, its last
 * messages land in the channel) and the watcher. The channel, index and embedder stay. */
void app_stop(struct app *a);
/* app_stop, then frees everything app_open and app_need made; a is zeroed. */
void app_close(struct app *a);

/* True when answering with pf (or, pf NULL, with any profile) needs the net thread. */
bool app_profile_remote(const struct config *c, const struct cfg_profile *pf);

#endif
