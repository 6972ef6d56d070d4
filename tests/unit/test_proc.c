/* test_proc.c - the process helper (base/proc.h): output, stdin larger than a pipe, a child
 * that closes stdin early (and no SIGPIPE for us), the output cap, the timeout killing the
 * child's process group, no fd leaked, signals restored, env additions, shell arguments,
 * the terminal and detached modes.
 *
 * The test program doubles as the child for what only the child can see: run as
 * `test_proc --list-fds` it prints its open fds; `--same-pgrp N` exits 0 when its process
 * group is N; `--write-sid FILE` writes its session id to FILE. */
#include "fn_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/proc.h"
#include "base/xmalloc.h"

static char self[4096];

static void test_capture_and_status(void **state)
{
	(void)state;
	const char *argv[] = {"printf", "hello %s", "world", NULL};
	struct proc_opts o = {.argv = argv, .out_cap = 1024};
	struct proc_result r;
	assert_int_equal(proc_run(&o, &r), 0);
	assert_string_equal(buf_str(&r.out), "hello world");
	assert_int_equal(r.status, 0);
	buf_free(&r.out);

	/* Nothing written: an empty string, not what the buffer held. */
	const char *quiet[] = {"true", NULL};
	o.argv = quiet;
	assert_int_equal(proc_run(&o, &r), 0);
	assert_string_equal(buf_str(&r.out), "");
	buf_free(&r.out);

	const char *fail[] = {"sh", "-c", "exit 3", NULL};
	o.argv = fail;
	assert_int_equal(proc_run(&o, &r), -1);
	assert_int_equal(r.status, 3);
	assert_int_equal(r.error, 0);
	char msg[128];
	proc_explain(&o, &r, "converter", msg, sizeof msg);
	assert_string_equal(msg, "converter exited with status 3");
	buf_free(&r.out);

	const char *missing[] = {"fn-no-such-program-here", NULL};
	o.argv = missing;
	assert_int_equal(proc_run(&o, &r), -1);
	assert_int_equal(r.error, ENOENT);
	assert_int_equal(r.status, -1);
	buf_free(&r.out);
}

/* 1 MiB through cat: far more than a pipe holds, so stdin and stdout must be served at once. */
static void test_stdin_larger_than_pipe(void **state)
{
	(void)state;
	size_t n = (size_t)1 << 20;
	char *in = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	const char *argv[] = {"cat", NULL};
	struct proc_opts o = {.argv = argv, .in = in, .inlen = n, .out_cap = 2 * n};
	struct proc_result r;
	assert_int_equal(proc_run(&o, &r), 0);
	assert_int_equal(r.out.len, n);
	assert_memory_equal(r.out.p, in, n);
	assert_false(r.stdin_closed);
	buf_free(&r.out);
	free(in);
}

static void assert_sigpipe_untouched(void)
{
	struct sigaction sa;
	sigaction(SIGPIPE, NULL, &sa);
	assert_true(sa.sa_handler == SIG_DFL);
	sigset_t cur, pend;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	assert_false(sigismember(&cur, SIGPIPE));
	sigpending(&pend);
	assert_false(sigismember(&pend, SIGPIPE));
}

/* The child closes stdin at once: the write fails with EPIPE, which must neither kill us
 * (SIGPIPE is at its default here, as in footnote) nor leave SIGPIPE blocked or pending. */
static void test_child_closes_stdin(void **state)
{
	(void)state;
	assert_sigpipe_untouched();
	size_t n = (size_t)4 << 20;
	char *in = xcalloc(1, n);
	const char *argv[] = {"sh", "-c", "exec 0<&-; echo answered", NULL};
	struct proc_opts o = {.argv = argv, .in = in, .inlen = n, .out_cap = 1024};
	struct proc_result r;
	assert_int_equal(proc_run(&o, &r), 0);
	assert_true(r.stdin_closed);
	assert_string_equal(buf_str(&r.out), "answered\n");
	assert_sigpipe_untouched();
	buf_free(&r.out);
	free(in);
}

static void test_output_cap(void **state)
{
	(void)state;
	const char *argv[] = {"yes", NULL};
	struct proc_opts o = {.argv = argv, .out_cap = 1000};
	struct proc_result r;
	assert_int_equal(proc_run(&o, &r), -1);
	assert_true(r.overflow);
	assert_int_equal(r.out.len, 1000);
	assert_int_equal(strlen(buf_str(&r.out)), 1000);
	assert_memory_equal(r.out.p, "y\ny\n", 4);
	char msg[128];
	proc_explain(&o, &r, "converter", msg, sizeof msg);
	assert_string_equal(msg, "converter wrote more than 1000 bytes and was stopped");
	buf_free(&r.out);

	/* Exactly the cap is not an overflow. */
	const char *exact[] = {"printf", "12345", NULL};
	o = (struct proc_opts){.argv = exact, .out_cap = 5};
	assert_int_equal(proc_run(&o, &r), 0);
	assert_false(r.overflow);
	assert_string_equal(buf_str(&r.out), "12345");
	buf_free(&r.out);
}

/* The state letter of a process in /proc, or 0 when it is gone. */
static char proc_state(long pid)
{
	char path[64], line[512];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	char st = 0;
	if (fgets(line, sizeof line, f)) {
		char *p = strrchr(line, ')');
		if (p && p[1] == ' ')
			st = p[2];
	}
	fclose(f);
	return st;
}

/* sh starts a sleep that keeps stdout open and exits; only the timeout ends the wait, and it
 * must kill the whole group, the sleep included. */
static void test_timeout_kills_group(void **state)
{
	(void)state;
	const char *argv[] = {"sh", "-c", "sleep 1000 & echo $!", NULL};
	struct proc_opts o = {.argv = argv, .out_cap = 64, .timeout_ms = 300};
	struct proc_result r;
	assert_int_equal(proc_run(&o, &r), -1);
	assert_true(r.timed_out);
	long pid = atol(buf_str(&r.out));
	assert_true(pid > 0);
	/* SIGKILL was sent before proc_run returned; wait (bounded) for the kernel to finish it. */
	char st = proc_state(pid);
	for (int i = 0; i < 500 && st && st != 'Z'; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		st = proc_state(pid);
	}
	assert_true(st == 0 || st == 'Z');
	char msg[128];
	proc_explain(&o, &r, "converter", msg, sizeof msg);
	assert_string_equal(msg, "converter took longer than 300 ms and was stopped");
	buf_free(&r.out);
}

/* Our fds without close-on-exec (a pipe, a file) must not reach the child; a kept fd does. */
static void test_no_fd_leaks(void **state)
{
	(void)state;
	int leak[2];
	assert_int_equal(pipe(leak), 0);
	int keep = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(keep > 2);
	const char *argv[] = {self, "--list-fds", NULL};
	struct proc_opts o = {.argv = argv, .out_cap = 4096, .in = "x", .inlen = 1};
	struct proc_result r;
	assert_int_equal(proc_run(&o, &r), 0);
	assert_string_equal(buf_str(&r.out), "0 1 2\n");
	buf_free(&r.out);

	o.keep_fds = &keep;
	o.nkeep = 1;
	assert_int_equal(proc_run(&o, &r), 0);
	char want[64];
	snprintf(want, sizeof want, "0 1 2 %d\n", keep);
	assert_string_equal(buf_str(&r.out), want);
	buf_free(&r.out);
	close(leak[0]);
	close(leak[1]);
	close(keep);
}

/* What the caller blocks or ignores is not what the child gets. */
static void test_signals_restored(void **state)
{
	(void)state;
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	void (*prev)(int) = signal(SIGHUP, SIG_IGN);
	const char *argv[] = {"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL};
	struct proc_opts o = {.argv = argv, .out_cap = 4096};
	struct proc_result r;
	assert_int_equal(proc_run(&o, &r), 0);
	unsigned long long blk = 1, ign = 1;
	assert_int_equal(sscanf(buf_str(&r.out), "SigBlk:\t%llx\nSigIgn:\t%llx", &blk, &ign), 2);
	assert_true(blk == 0);
	/* Signals 32 and 33 are glibc's own (sigaction refuses them): whatever the test was
	 * started with stays. Every other one is at its default. */
	assert_true((ign & ~(3ULL << 31)) == 0);
	buf_free(&r.out);
	signal(SIGHUP, prev);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void test_env_and_shell_args(void **state)
{
	(void)state;
	setenv("FN_PROC_OLD", "old", 1);
	unsetenv("FN_PROC_NEW");
	const char *env[] = {"FN_PROC_OLD=replaced", "FN_PROC_NEW=added", NULL};
	const char *args[] = {"a b", "c'd", NULL};
	struct proc_opts o = {.out_cap = 4096, .env = env};
	struct proc_result r;
	assert_int_equal(proc_run_shell("printf '%s|' \"$FN_PROC_OLD\" \"$FN_PROC_NEW\" \"$@\"", args, &o, &r), 0);
	assert_string_equal(buf_str(&r.out), "replaced|added|a b|c'd|");
	buf_free(&r.out);
	/* The parent's environment is never changed. */
	assert_string_equal(getenv("FN_PROC_OLD"), "old");
	assert_null(getenv("FN_PROC_NEW"));
	unsetenv("FN_PROC_OLD");
}

/* $EDITOR mode: our stdio, our process group (the terminal's foreground one), no timeout. */
static void test_terminal_mode(void **state)
{
	(void)state;
	char pg[32];
	snprintf(pg, sizeof pg, "%ld", (long)getpgrp());
	const char *argv[] = {self, "--same-pgrp", pg, NULL};
	struct proc_opts o = {.argv = argv, .flags = PROC_TERMINAL};
	struct proc_result r;
	assert_int_equal(proc_run(&o, &r), 0);
	buf_free(&r.out);
	/* Without it the child leads a group of its own. */
	o.flags = 0;
	assert_int_equal(proc_run(&o, &r), -1);
	assert_int_equal(r.status, 1);
	buf_free(&r.out);
	/* A timeout cannot be had with the terminal. */
	o.flags = PROC_TERMINAL;
	o.timeout_ms = 10;
	assert_int_equal(proc_run(&o, &r), -1);
	assert_int_equal(r.error, EINVAL);
	buf_free(&r.out);
}

static void test_detached(void **state)
{
	(void)state;
	char *file = xasprintf("%s/proc-sid-%ld", getenv("FN_TMP") ? getenv("FN_TMP") : "/tmp", (long)getpid());
	unlink(file);
	const char *argv[] = {self, "--write-sid", file, NULL};
	struct proc_opts o = {.argv = argv, .flags = PROC_DETACH};
	struct proc_result r;
	assert_int_equal(proc_run(&o, &r), 0);
	buf_free(&r.out);
	/* Not waited for: wait (bounded) for the file it writes. */
	FILE *f = NULL;
	long sid = 0;
	for (int i = 0; i < 1000 && sid <= 0; i++) {
		if ((f = fopen(file, "r"))) {
			if (fscanf(f, "%ld\n", &sid) != 1)
				sid = 0;
			fclose(f);
		}
		if (sid <= 0) {
			struct timespec ts = {0, 10 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	assert_true(sid > 0);
	assert_true(sid != (long)getsid(0));
	unlink(file);
	free(file);

	const char *missing[] = {"fn-no-such-program-here", NULL};
	o.argv = missing;
	assert_int_equal(proc_run(&o, &r), -1);
	assert_int_equal(r.error, ENOENT);
	buf_free(&r.out);
}

static int child_main(int argc, char **argv)
{
	if (!strcmp(argv[1], "--list-fds")) {
		DIR *d = opendir("/proc/self/fd");
		if (!d)
			return 2;
		int fds[64], n = 0;
		struct dirent *e;
		while ((e = readdir(d)) && n < 64)
			if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
				fds[n++] = atoi(e->d_name);
		closedir(d);
		for (int i = 1; i < n; i++)
			for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
				int t = fds[j];
				fds[j] = fds[j - 1];
				fds[j - 1] = t;
			}
		for (int i = 0; i < n; i++)
			printf("%s%d", i ? " " : "", fds[i]);
		printf("\n");
		return 0;
	}
	if (!strcmp(argv[1], "--same-pgrp") && argc > 2)
		return (long)getpgrp() == atol(argv[2]) ? 0 : 1;
	if (!strcmp(argv[1], "--write-sid") && argc > 2) {
		char tmp[4200];
		snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
		FILE *f = fopen(tmp, "w");
		if (!f)
			return 2;
		fprintf(f, "%ld\n", (long)getsid(0));
		fclose(f);
		return rename(tmp, argv[2]) == 0 ? 0 : 2;
	}
	return 2;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return child_main(argc, argv);
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_and_status),
		cmocka_unit_test(test_stdin_larger_than_pipe),
		cmocka_unit_test(test_child_closes_stdin),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_no_fd_leaks),
		cmocka_unit_test(test_signals_restored),
		cmocka_unit_test(test_env_and_shell_args),
		cmocka_unit_test(test_terminal_mode),
		cmocka_unit_test(test_detached),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
