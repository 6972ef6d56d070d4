# Drive a real program in a detached tmux pane, like a person at a terminal (POSIX sh;
# source it after tap.sh). Every call uses a private server: tmux -S "$TMX_DIR/tmux.sock"
# -f /dev/null, so tests never touch a user's tmux, their ~/.tmux.conf, or each other.
#
#   tmx_start W H COMMAND [ARG...]   start COMMAND in a detached W x H session (no status
#                                    line, so the pane is exactly W x H). The pane gets
#                                    TERM=xterm-256color and the caller's environment (the
#                                    private server is started by this call and inherits
#                                    it). remain-on-exit is on (with an empty message, so
#                                    the final screen is not scrolled) and the pane stays
#                                    readable after COMMAND exits. If TMX_PIPE=FILE is set,
#                                    the raw bytes COMMAND writes are appended to FILE from
#                                    its first byte. Exports TMX_DIR, TMX_SOCK. Registers
#                                    tmx_kill with at_exit when tap.sh is loaded.
#   tmx_send KEY...                  tmux send-keys (key names: Enter, Escape, C-c, Up, F5,
#                                    "q" ...)
#   tmx_type TEXT                    send TEXT literally (send-keys -l)
#   tmx_capture [-e]                 print the screen, one line per row (trailing blanks
#                                    trimmed by tmux); -e keeps colours/attributes as escapes
#   tmx_wait_for REGEX [TIMEOUT_S]   poll the screen every 0.05 s until a line matches the
#                                    extended REGEX (grep -E, line by line); default 15 s.
#                                    On timeout: returns 1 and prints the last screen to
#                                    stderr, each line prefixed "# | ".
#   tmx_wait_gone REGEX [TIMEOUT_S]  the same, until no line matches.
#   tmx_wait_dead [TIMEOUT_S]        until the pane's program has exited.
#   tmx_resize W H                   resize the window (the program gets SIGWINCH)
#   tmx_pipe_start FILE              from now on append the raw bytes the program writes
#                                    to FILE (pipe-pane -o)
#   tmx_pane_dead                    prints 1 if the program has exited, else 0; returns 0
#                                    if it has exited
#   tmx_exit_status                  prints the program's exit status (empty while it runs
#                                    or when it died of a signal; see tmx_exit_signal)
#   tmx_exit_signal                  prints the signal number that killed it, if any
#   tmx_kill                         kill the private server and remove TMX_DIR
#
# One session per test at a time (target "fn"). Waits are bounded by iteration counts, so
# a hung program fails the test instead of hanging it.

: "${FN_ROOT:=$(cd "$(dirname "$0")/../.." && pwd)}"

_tmx() {
	env -u TMUX -u TMUX_PANE tmux -S "$TMX_SOCK" -f /dev/null "$@"
}

tmx_start() {
	if [ $# -lt 3 ]; then
		echo "usage: tmx_start WIDTH HEIGHT COMMAND [ARG...]" >&2
		return 2
	fi
	_tmx_w=$1 _tmx_h=$2
	shift 2
	TMX_DIR=$(mktemp -d "${FN_TMP:-${TMPDIR:-/tmp}}/tmx.XXXXXX") || return 1
	TMX_SOCK="$TMX_DIR/tmux.sock"
	export TMX_DIR TMX_SOCK
	command -v at_exit >/dev/null 2>&1 && at_exit tmx_kill
	# Options first, then the session, then (optionally) the pipe: one command list, run
	# by the server before it reads any output of the new pane.
	if [ -n "${TMX_PIPE:-}" ]; then
		_tmx_q=$(printf '%s' "$TMX_PIPE" | sed "s/'/'\\\\''/g")
		_tmx start-server \; \
			set-option -g status off \; \
			set-option -g default-terminal xterm-256color \; \
			set-option -g remain-on-exit on \; \
			set-option -g remain-on-exit-format "" \; \
			set-option -g history-limit 0 \; \
			new-session -d -s fn -x "$_tmx_w" -y "$_tmx_h" "$@" \; \
			pipe-pane -o -t fn "cat >> '$_tmx_q'"
	else
		_tmx start-server \; \
			set-option -g status off \; \
			set-option -g default-terminal xterm-256color \; \
			set-option -g remain-on-exit on \; \
			set-option -g remain-on-exit-format "" \; \
			set-option -g history-limit 0 \; \
			new-session -d -s fn -x "$_tmx_w" -y "$_tmx_h" "$@"
	fi
}

tmx_send() {
	_tmx send-keys -t fn "$@"
}

tmx_type() {
	_tmx send-keys -t fn -l -- "$1"
}

tmx_capture() {
	if [ "${1:-}" = "-e" ]; then
		_tmx capture-pane -p -e -t fn
	else
		_tmx capture-pane -p -t fn
	fi
}

_tmx_show_screen() {
	echo "# --- screen after ${1}s waiting for: $2" >&2
	tmx_capture 2>&1 | sed 's/^/# | /' >&2
	echo "# ---" >&2
}

tmx_wait_for() {
	_tmx_re=$1
	_tmx_n=$(( ${2:-15} * 20 ))
	_tmx_i=0
	while [ "$_tmx_i" -lt "$_tmx_n" ]; do
		if tmx_capture 2>/dev/null | grep -Eq -- "$_tmx_re"; then
			return 0
		fi
		sleep 0.05
		_tmx_i=$((_tmx_i + 1))
	done
	tmx_capture 2>/dev/null | grep -Eq -- "$_tmx_re" && return 0
	_tmx_show_screen "${2:-15}" "/$_tmx_re/"
	return 1
}

tmx_wait_gone() {
	_tmx_re=$1
	_tmx_n=$(( ${2:-15} * 20 ))
	_tmx_i=0
	while [ "$_tmx_i" -lt "$_tmx_n" ]; do
		if ! tmx_capture 2>/dev/null | grep -Eq -- "$_tmx_re"; then
			return 0
		fi
		sleep 0.05
		_tmx_i=$((_tmx_i + 1))
	done
	tmx_capture 2>/dev/null | grep -Eq -- "$_tmx_re" || return 0
	_tmx_show_screen "${2:-15}" "no /$_tmx_re/"
	return 1
}

tmx_wait_dead() {
	# tmux marks the pane dead when the pty closes, which can be before it has reaped the
	# child; wait for the exit status or signal too, so tmx_exit_status is never empty.
	_tmx_n=$(( ${1:-15} * 20 ))
	_tmx_i=0
	while [ "$_tmx_i" -lt "$_tmx_n" ]; do
		if tmx_pane_dead >/dev/null &&
		   [ -n "$(tmx_exit_status)$(tmx_exit_signal)" ]; then
			return 0
		fi
		sleep 0.05
		_tmx_i=$((_tmx_i + 1))
	done
	tmx_pane_dead >/dev/null && return 0
	_tmx_show_screen "${1:-15}" "the program to exit"
	return 1
}

tmx_resize() {
	_tmx resize-window -t fn -x "$1" -y "$2"
}

tmx_pipe_start() {
	_tmx_q=$(printf '%s' "$1" | sed "s/'/'\\\\''/g")
	_tmx pipe-pane -o -t fn "cat >> '$_tmx_q'"
}

tmx_pane_dead() {
	_tmx_d=$(_tmx display-message -p -t fn '#{pane_dead}' 2>/dev/null)
	[ "$_tmx_d" = 1 ] || _tmx_d=0
	echo "$_tmx_d"
	[ "$_tmx_d" = 1 ]
}

tmx_exit_status() {
	_tmx display-message -p -t fn '#{pane_dead_status}'
}

tmx_exit_signal() {
	_tmx display-message -p -t fn '#{pane_dead_signal}'
}

tmx_kill() {
	if [ -n "${TMX_SOCK:-}" ]; then
		_tmx kill-server >/dev/null 2>&1
	fi
	if [ -n "${TMX_DIR:-}" ]; then
		rm -rf "$TMX_DIR"
	fi
	TMX_DIR="" TMX_SOCK=""
	return 0
}
