/* clip.c - the interface's child processes: clipboard helpers or OSC 52, $EDITOR, xdg-open (see
 * clip.h). */
#include "ui/tui/clip.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/proc.h"
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
 * background to serve the selection, so the wait is short (bounded all the same). */
static int pipe_to(const char *const argv[], const char *text, size_t len)
{
	struct proc_opts o = {.argv = argv, .in = text, .inlen = len, .timeout_ms = 10000};
	struct proc_result r;
	int rc = proc_run(&o, &r);
	buf_free(&r.out);
	return rc;
}

const char *clip_copy(const char *text, size_t len, char **err)
{
	*err = NULL;
	const char *wl = getenv("WAYLAND_DISPLAY"), *x = getenv("DISPLAY");
	if (wl && *wl && prog_in_path("wl-copy")) {
		const char *const argv[] = {"wl-copy", NULL};
		if (pipe_to(argv, text, len) == 0)
			return "wl-copy";
	}
	if (x && *x && prog_in_path("xclip")) {
		const char *const argv[] = {"xclip", "-selection", "clipboard", "-in", NULL};
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
	/* The editor is a word list, so it runs through sh; the file names stay "$@". */
	char *cmd = xasprintf("exec %s \"$@\"", editor);
	const char *const args[] = {arg1 ? arg1 : path, arg1 ? path : NULL, NULL};
	struct proc_opts o = {.flags = PROC_TERMINAL};
	struct proc_result r;
	term_suspend();
	int rc = proc_run_shell(cmd, args, &o, &r);
	term_resume();
	buf_free(&r.out);
	free(cmd);
	return rc;
}

/* xdg-open in its own session, not waited for: the viewer outlives nothing of ours. */
int clip_spawn_detached(const char *prog, const char *arg)
{
	const char *const argv[] = {prog, arg, NULL};
	struct proc_opts o = {.argv = argv, .flags = PROC_DETACH};
	struct proc_result r;
	proc_run(&o, &r);
	buf_free(&r.out);
	return r.error ? -1 : 0;
}
