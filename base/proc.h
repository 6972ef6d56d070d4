/* proc.h - the one way footnote runs another program (converters, pdftotext, api_key_cmd,
 * the clipboard helpers, $EDITOR, xdg-open).
 *
 * proc_run forks and execs argv (argv[0] searched in PATH by the parent, before the fork)
 * and, in the child, before exec:
 *   - stdin is the bytes given (or /dev/null), stdout a pipe read up to out_cap (or
 *     /dev/null), stderr /dev/null; with PROC_TERMINAL all three are inherited instead;
 *   - every other fd is closed except those in keep_fds (kept at their numbers, close-on-exec
 *     cleared), so no descriptor of ours (LMDB, sockets, the channel's eventfd) leaks;
 *   - every signal disposition is back to SIG_DFL and the signal mask is empty, whatever the
 *     calling thread blocks (signalfd users block SIGINT and SIGTERM); the two signals glibc
 *     keeps for itself (32, 33) cannot be set and stay as the process got them;
 *   - the child leads a process group of its own (except with PROC_TERMINAL, where it must
 *     stay in the terminal's foreground group), so a timeout kills what it started too;
 *   - env additions ("NAME=value", replacing NAME when set) are in its environment; the
 *     parent's environment is never changed.
 * Between fork and exec the child makes only async-signal-safe calls, so any thread may call
 * proc_run while others run.
 *
 * SIGPIPE is never changed for the process: stdin is written with poll() on a non-blocking
 * pipe, SIGPIPE blocked in the calling thread only (pthread_sigmask) while it writes, EPIPE
 * read as "the child closed its stdin", and a SIGPIPE it raised consumed (sigtimedwait) before
 * the mask is restored.
 *
 * The call blocks until the child has exited (or, with PROC_DETACH, until it is detached).
 * Threads: any; the call uses only its arguments. */
#ifndef FN_PROC_H
#define FN_PROC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

enum proc_flags {
	/* stdin, stdout and stderr are the caller's (for $EDITOR on the terminal): no stdin
	 * bytes, no capture, no process group of its own, and timeout_ms must be 0. */
	PROC_TERMINAL = 1 << 0,
	/* Start it in a new session with stdio on /dev/null and do not wait for it (a viewer
	 * that outlives nothing of ours: xdg-open). Only `error` of the result means anything. */
	PROC_DETACH = 1 << 1,
};

struct proc_opts {
	const char *const *argv;   /* argv[0] is the program; NULL-terminated */
	const char *in;            /* bytes for its stdin, or NULL for /dev/null */
	size_t inlen;
	size_t out_cap;            /* capture stdout up to this many bytes; 0 = /dev/null */
	int timeout_ms;            /* kill its process group after this long; 0 = wait for ever */
	const char *const *env;    /* "NAME=value" additions, NULL-terminated, or NULL */
	const int *keep_fds;       /* fds (>= 3) the child keeps, or NULL */
	size_t nkeep;
	unsigned flags;            /* enum proc_flags */
};

struct proc_result {
	int status;         /* exit status, 128+N when killed by signal N; -1 when it did not run */
	int signal;         /* N when killed by signal N, else 0 */
	int error;          /* errno when it could not be started (ENOENT: no such program), else 0 */
	bool timed_out;     /* killed after timeout_ms */
	bool overflow;      /* wrote more than out_cap bytes: killed; out holds the first out_cap */
	bool stdin_closed;  /* it closed its stdin before taking all of `in` (not an error) */
	struct buf out;     /* what it wrote on stdout; caller frees with buf_free */
};

/* Runs o->argv as above. Returns 0 when the program ran and exited with status 0, neither
 * timed out nor overflowed; else -1, with r saying why. r is always filled and r->out must
 * be freed, whatever the result. */
int proc_run(const struct proc_opts *o, struct proc_result *r);

/* Runs `command` with /bin/sh -c; args (may be NULL) become "$1", "$2"... so file names are
 * never part of the command string. Otherwise as proc_run (o->argv is ignored). */
int proc_run_shell(const char *command, const char *const *args, const struct proc_opts *o,
		   struct proc_result *r);

/* One sentence for a failed run, naming it by `what` ("converter", "pdftotext"):
 * "WHAT exited with status 3", "WHAT took longer than 120 s and was stopped", ... */
void proc_explain(const struct proc_opts *o, const struct proc_result *r, const char *what, char *out,
		  size_t len);

#endif
