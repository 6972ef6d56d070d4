/* clip.c - the interface's child processes: clipboard helpers or OSC 52, $EDITOR, xdg-open (see
 * clip.h). */
#include "ui/tui/clip.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/xmalloc.h"
#include "ui/term/term.h"

char *base64_encode(const char *s, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < len ? p[i + 2] : 0);
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = i + 1 < len ? tab[v >> 6 & 63] : '=';
		*o++ = i + 2 < len ? tab[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

bool prog_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	if (!path)
		return false;
	char *dup = xstrdup(path), *save = NULL;
	bool found = false;
	for (char *d = strtok_r(dup, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *f = xasprintf("%s/%s", *d ? d : ".", prog);
		found = access(f, X_OK) == 0;
		free(f);
	}
	free(dup);
	return found;
}

/* Runs argv with text on its stdin; 0 when it exited 0. Both helpers fork into the
 * background to serve the selection, so the wait is short. */
static int pipe_to(char *const argv[], const char *text, size_t len)
{
	int fd[2];
	if (pipe(fd) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(fd[0], 0);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[0]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	for (size_t at = 0; at < len;) {
		ssize_t n = write(fd[1], text + at, len - at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		at += (size_t)n;
	}
	close(fd[1]);
	signal(SIGPIPE, old);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

const char *clip_copy(const char *text, size_t len, char **err)
{
	*err = NULL;
	const char *wl = getenv("WAYLAND_DISPLAY"), *x = getenv("DISPLAY");
	if (wl && *wl && prog_in_path("wl-copy")) {
		char *argv[] = {(char *)"wl-copy", NULL};
		if (pipe_to(argv, text, len) == 0)
			return "wl-copy";
	}
	if (x && *x && prog_in_path("xclip")) {
		char *argv[] = {(char *)"xclip", (char *)"-selection", (char *)"clipboard", (char *)"-in", NULL};
		if (pipe_to(argv, text, len) == 0)
			return "xclip";
	}
	/* Terminals cap OSC 52 payloads (xterm: about 100 kB); past that, say so. */
	if (len > 74000) {
		*err = xasprintf("%zu bytes is too much for the terminal clipboard (OSC 52); install "
				 "xclip or wl-copy", len);
		return NULL;
	}
	char *b64 = base64_encode(text, len);
	term_osc52(b64);
	free(b64);
	return "OSC 52";
}

/* Runs $VISUAL / $EDITOR (else vi) on args, with curses suspended. The editor is a shell
 * word list from the environment; the file names are arguments, never part of the string. */
int clip_run_editor(const char *arg1, const char *path)
{
	const char *editor = getenv("VISUAL");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	setenv("FN_EDITOR", editor, 1);
	term_suspend();
	pid_t pid = fork();
	if (pid == 0) {
		if (arg1)
			execl("/bin/sh", "sh", "-c", "exec $FN_EDITOR \"$@\"", "sh", arg1, path, (char *)NULL);
		else
			execl("/bin/sh", "sh", "-c", "exec $FN_EDITOR \"$@\"", "sh", path, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	term_resume();
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* xdg-open in its own session, not waited for: the viewer outlives nothing of ours. */
int clip_spawn_detached(const char *prog, const char *arg)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setsid();
		if (fork() != 0)
			_exit(0);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execlp(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return 0;
}
