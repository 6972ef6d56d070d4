/* proc.c - fork/exec with pipes, a timeout, fds closed and signals restored (see proc.h).
 *
 * Everything the child needs (the program's path, argv, the environment, the fds to keep)
 * is prepared by the parent before fork, so that the child only calls async-signal-safe
 * functions: the caller may be one thread of many (the index thread runs converters while
 * the UI and net threads run). */
#include "base/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/xmalloc.h"

extern char **environ;

enum { MAX_KEEP = 16, CHUNK = 65536 };

struct plan {
	char *path;                 /* the program, resolved in PATH */
	char *const *argv;
	char **envp;                /* environ with the additions, or NULL for environ */
	const int *user_keep;       /* the caller's fds: close-on-exec cleared in the child */
	size_t nuser;
	int keep[MAX_KEEP + 1];     /* sorted: the caller's fds and the exec error pipe */
	size_t nkeep;
	int in_fd, out_fd;          /* child ends of the pipes, -1 = /dev/null */
	int err_fd;                 /* close-on-exec: the child writes exec's errno here */
	unsigned flags;
	int maxfd;                  /* where the close loop stops when close_range is missing */
};

/* ---- the child: async-signal-safe calls only ----------------------------------------- */

static void close_span(int lo, int hi, int maxfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lo, (unsigned)hi, 0u) == 0)
		return;
#endif
	for (int fd = lo; fd <= hi && fd < maxfd; fd++)
		close(fd);
}

/* Closes every fd from 3 up except the kept ones. */
static void close_others(const struct plan *p)
{
	int lo = 3;
	for (size_t i = 0; i <= p->nkeep; i++) {
		int hi = i < p->nkeep ? p->keep[i] - 1 : INT_MAX;
		if (hi >= lo)
			close_span(lo, hi, p->maxfd);
		if (i < p->nkeep && p->keep[i] + 1 > lo)
			lo = p->keep[i] + 1;
	}
}

/* dup2 that also works when from == to (dup2 would keep close-on-exec then). */
static void place_fd(int from, int to)
{
	if (from == to)
		fcntl(to, F_SETFD, 0);
	else
		dup2(from, to);
}

static void child(const struct plan *p) __attribute__((noreturn));
static void child(const struct plan *p)
{
	/* All signals are blocked (the parent did so before fork): no handler of ours can run
	 * here. Dispositions go back to the defaults, ignored ones included (exec keeps those). */
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigaction(sig, &sa, NULL);
	}
	if (p->flags & PROC_DETACH) {
		setsid();
		if (fork() != 0)
			_exit(0);
	} else if (!(p->flags & PROC_TERMINAL)) {
		setpgid(0, 0);
	}
	if (!(p->flags & PROC_TERMINAL)) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0 && null < 3) {
			int high = fcntl(null, F_DUPFD, 3);
			close(null);
			null = high;
		}
		int fd0 = p->in_fd >= 0 ? p->in_fd : null, fd1 = p->out_fd >= 0 ? p->out_fd : null;
		if (fd0 >= 0)
			place_fd(fd0, 0);
		if (fd1 >= 0)
			place_fd(fd1, 1);
		if (null >= 0)
			place_fd(null, 2);
	}
	for (size_t i = 0; i < p->nuser; i++)
		fcntl(p->user_keep[i], F_SETFD, 0);
	close_others(p);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(p->path, p->argv, p->envp ? p->envp : environ);
	int e = errno;
	ssize_t w = write(p->err_fd, &e, sizeof e);
	(void)w;
	_exit(127);
}

/* ---- the parent ---------------------------------------------------------------------- */

/* argv[0] in PATH, as execvp would find it; NULL when there is none. */
static char *find_program(const char *name)
{
	if (strchr(name, '/'))
		return xstrdup(name);
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *d = path;; d++) {
		size_t n = strcspn(d, ":");
		char *f = n ? xasprintf("%.*s/%s", (int)n, d, name) : xasprintf("./%s", name);
		struct stat st;
		if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && access(f, X_OK) == 0)
			return f;
		free(f);
		d += n;
		if (!*d)
			return NULL;
	}
}

static bool names_var(const char *entry, const char *const *add)
{
	size_t n = strcspn(entry, "=");
	for (; *add; add++)
		if (!strncmp(*add, entry, n) && (*add)[n] == '=')
			return true;
	return false;
}

static char **build_env(const char *const *add)
{
	if (!add || !*add)
		return NULL;
	size_t n = 0, na = 0;
	while (environ[n])
		n++;
	while (add[na])
		na++;
	char **e = xcalloc(n + na + 1, sizeof *e);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!names_var(environ[i], add))
			e[k++] = environ[i];
	for (size_t i = 0; i < na; i++)
		e[k++] = (char *)add[i];
	return e;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* A pipe whose ends are both above 2 and close-on-exec, so that placing the child's
 * 0, 1 and 2 can never overwrite one of them. */
static int make_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 3)
			continue;
		int high = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		close(fds[i]);
		fds[i] = high;
	}
	if (fds[0] < 0 || fds[1] < 0) {
		if (fds[0] >= 0)
			close(fds[0]);
		if (fds[1] >= 0)
			close(fds[1]);
		return -1;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

static void set_status(struct proc_result *r, int st)
{
	if (WIFEXITED(st)) {
		r->status = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		r->signal = WTERMSIG(st);
		r->status = 128 + r->signal;
	}
}

/* Feeds stdin and drains stdout until both are closed and (when a pidfd tells) the child has
 * exited, or the deadline passes, or the output overflows. Returns true when it reaped. */
static bool pump(const struct proc_opts *o, struct proc_result *r, pid_t pid, int in_fd, int out_fd,
		 int *status)
{
	int64_t deadline = o->timeout_ms > 0 ? clock_ms() + o->timeout_ms : 0;
	size_t at = 0;
	int pidfd = open_pidfd(pid);
	bool reaped = false, stop = false;
	if (in_fd >= 0 && !o->inlen)
		close_fd(&in_fd);
	while (!stop && (in_fd >= 0 || out_fd >= 0 || (pidfd >= 0 && !reaped))) {
		int ms = -1;
		if (deadline) {
			int64_t left = deadline - clock_ms();
			if (left <= 0) {
				r->timed_out = true;
				break;
			}
			ms = left > INT_MAX ? INT_MAX : (int)left;
		}
		struct pollfd pf[3];
		int n = 0, iin = -1, iout = -1, ipid = -1;
		if (in_fd >= 0)
			pf[iin = n++] = (struct pollfd){in_fd, POLLOUT, 0};
		if (out_fd >= 0)
			pf[iout = n++] = (struct pollfd){out_fd, POLLIN, 0};
		if (pidfd >= 0 && !reaped)
			pf[ipid = n++] = (struct pollfd){pidfd, POLLIN, 0};
		int pr = poll(pf, (nfds_t)n, ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			break;
		if (iin >= 0 && pf[iin].revents) {
			size_t len = o->inlen - at < CHUNK ? o->inlen - at : CHUNK;
			ssize_t w = write(in_fd, o->in + at, len);
			if (w > 0) {
				at += (size_t)w;
				if (at == o->inlen)
					close_fd(&in_fd);
			} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
				/* EPIPE: the child closed its stdin; it may still answer. */
				r->stdin_closed = true;
				close_fd(&in_fd);
			}
		}
		if (iout >= 0 && pf[iout].revents) {
			/* One byte past the cap tells an overflow from output of exactly out_cap. */
			size_t room = o->out_cap - r->out.len + 1;
			char *dst = buf_reserve(&r->out, room < CHUNK ? room : CHUNK);
			ssize_t got = read(out_fd, dst, room < CHUNK ? room : CHUNK);
			if (got > 0) {
				buf_commit(&r->out, (size_t)got);
				if (r->out.len > o->out_cap) {
					r->out.p[r->out.len = o->out_cap] = '\0';
					r->overflow = stop = true;
				}
			} else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
				close_fd(&out_fd);
			}
		}
		if (ipid >= 0 && pf[ipid].revents) {
			pid_t w;
			while ((w = waitpid(pid, status, WNOHANG)) < 0 && errno == EINTR)
				;
			reaped = w == pid;
		}
	}
	if (r->out.p)
		buf_commit(&r->out, 0); /* a reserve with nothing read left no terminator */
	if (r->timed_out || r->overflow)
		kill(o->flags & PROC_TERMINAL ? pid : -pid, SIGKILL);
	close_fd(&in_fd);
	close_fd(&out_fd);
	close_fd(&pidfd);
	return reaped;
}

/* Writes stdin with SIGPIPE blocked in this thread only; a SIGPIPE the writes raised is
 * taken before the mask is restored, so it is never delivered to anyone. */
static bool pump_guarded(const struct proc_opts *o, struct proc_result *r, pid_t pid, int in_fd, int out_fd,
			 int *status)
{
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	bool reaped = pump(o, r, pid, in_fd, out_fd, status);
	if (!sigismember(&old, SIGPIPE)) {
		sigset_t pending;
		struct timespec zero = {0, 0};
		if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE))
			while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
				;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	return reaped;
}

static int finish(struct plan *p, int rc)
{
	free(p->path);
	free(p->envp);
	return rc;
}

int proc_run(const struct proc_opts *o, struct proc_result *r)
{
	memset(r, 0, sizeof *r);
	r->status = -1;
	bool term = o->flags & PROC_TERMINAL, detach = o->flags & PROC_DETACH;
	struct plan p = {.argv = (char *const *)o->argv, .user_keep = o->keep_fds, .flags = o->flags,
			 .in_fd = -1, .out_fd = -1, .err_fd = -1};
	if (o->nkeep > MAX_KEEP || (term && o->timeout_ms)) {
		r->error = EINVAL;
		return -1;
	}
	if (!(p.path = find_program(o->argv[0]))) {
		r->error = ENOENT;
		return -1;
	}
	p.envp = build_env(o->env);
	struct rlimit rl;
	p.maxfd = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 65536 ? (int)rl.rlim_cur : 65536;
	p.nuser = o->nkeep;

	int errp[2], inp[2] = {-1, -1}, outp[2] = {-1, -1};
	bool want_in = o->in && !term && !detach, want_out = o->out_cap && !term && !detach;
	if (make_pipe(errp) < 0 || (want_in && make_pipe(inp) < 0) || (want_out && make_pipe(outp) < 0)) {
		r->error = errno ? errno : EMFILE;
		for (int i = 0; i < 2; i++) {
			close_fd(&inp[i]);
			close_fd(&outp[i]);
		}
		return finish(&p, -1);
	}
	p.err_fd = errp[1];
	p.in_fd = inp[0];
	p.out_fd = outp[1];
	for (size_t i = 0; i < o->nkeep; i++)
		p.keep[p.nkeep++] = o->keep_fds[i];
	p.keep[p.nkeep++] = errp[1];
	qsort(p.keep, p.nkeep, sizeof *p.keep, cmp_int);
	if (inp[1] >= 0)
		fcntl(inp[1], F_SETFL, O_NONBLOCK);
	if (outp[0] >= 0)
		fcntl(outp[0], F_SETFL, O_NONBLOCK);

	/* Everything blocked across fork: the child resets dispositions before anything can
	 * be delivered to it. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid_t pid = fork();
	if (pid == 0)
		child(&p);
	int fork_errno = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close_fd(&errp[1]);
	close_fd(&inp[0]);
	close_fd(&outp[1]);
	if (pid < 0) {
		r->error = fork_errno;
		close_fd(&errp[0]);
		close_fd(&inp[1]);
		close_fd(&outp[0]);
		return finish(&p, -1);
	}
	if (!term && !detach)
		setpgid(pid, pid); /* the child does it too: whichever runs first */

	/* EOF when exec succeeded (the pipe is close-on-exec), else exec's errno. */
	int exec_errno = 0;
	ssize_t got;
	while ((got = read(errp[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR)
		;
	close_fd(&errp[0]);
	if (got == (ssize_t)sizeof exec_errno)
		r->error = exec_errno;

	int st = 0;
	bool reaped = false;
	if (!r->error && !detach)
		reaped = want_in ? pump_guarded(o, r, pid, inp[1], outp[0], &st)
				 : pump(o, r, pid, inp[1], outp[0], &st);
	else {
		close_fd(&inp[1]);
		close_fd(&outp[0]);
	}
	while (!reaped && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (r->error)
		return finish(&p, -1);
	if (detach) {
		r->status = 0;
		return finish(&p, 0);
	}
	set_status(r, st);
	return finish(&p, r->status == 0 && !r->timed_out && !r->overflow ? 0 : -1);
}

int proc_run_shell(const char *command, const char *const *args, const struct proc_opts *o,
		   struct proc_result *r)
{
	size_t n = 0;
	while (args && args[n])
		n++;
	const char **argv = xcalloc(n + 5, sizeof *argv);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = command;
	argv[3] = "sh";
	for (size_t i = 0; i < n; i++)
		argv[4 + i] = args[i];
	struct proc_opts so = *o;
	so.argv = argv;
	int rc = proc_run(&so, r);
	free(argv);
	return rc;
}

static void size_text(size_t n, char *out, size_t len)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(out, len, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, len, "%zu KiB", n >> 10);
	else
		snprintf(out, len, "%zu bytes", n);
}

void proc_explain(const struct proc_opts *o, const struct proc_result *r, const char *what, char *out,
		  size_t len)
{
	char size[32];
	if (r->error)
		snprintf(out, len, "cannot run %s: %s", o->argv ? o->argv[0] : what, strerror(r->error));
	else if (r->timed_out)
		snprintf(out, len, "%s took longer than %d %s and was stopped", what,
			 o->timeout_ms % 1000 ? o->timeout_ms : o->timeout_ms / 1000, o->timeout_ms % 1000 ? "ms" : "s");
	else if (r->overflow) {
		size_text(o->out_cap, size, sizeof size);
		snprintf(out, len, "%s wrote more than %s and was stopped", what, size);
	} else if (r->signal)
		snprintf(out, len, "%s was killed by signal %d", what, r->signal);
	else if (r->status != 0)
		snprintf(out, len, "%s exited with status %d%s", what, r->status,
			 r->status == 127 ? " (command not found)" : "");
	else if (len)
		out[0] = '\0';
}
