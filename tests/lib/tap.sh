# TAP output for end-to-end tests (POSIX sh; source it, do not run it).
#
#   . "$FN_ROOT/tests/lib/tap.sh"
#   check "config loads" "$FN_BIN" --check-config
#   check_contains "banner shows" "$screen" "footnote"
#   tap_done                       # prints 1..N, exits 1 if anything failed
#
# tests/run.sh counts lines starting with "ok " and "not ok ". Every other line this file
# prints starts with "# " (details, screens), so program output can never be miscounted.
#
# ok DESC                          a passing test
# not_ok DESC [DETAIL...]          a failing test; each DETAIL line is printed as "# ..."
# check DESC COMMAND [ARG...]      ok if COMMAND exits 0; on failure its output (stdout and
#                                  stderr) is shown as "# " lines. It runs in a subshell.
# check_fails DESC COMMAND...      ok if COMMAND exits non-zero
# check_contains DESC HAYSTACK NEEDLE        ok if NEEDLE is a substring of HAYSTACK
# check_not_contains DESC HAYSTACK NEEDLE    ok if it is not
# check_eq DESC GOT WANT                     ok if the strings are equal
# diag TEXT...                     print "# TEXT" lines (to stdout)
# skip DESC REASON                 "ok N - DESC # SKIP REASON"; tests/run.sh counts it as a
#                                  skip (not a pass) and lists DESC and REASON at the end
# tap_bail REASON                  not_ok REASON, then tap_done (stops the test)
# at_exit COMMAND                  run COMMAND (eval'd) when the script exits, also on
#                                  SIGINT/SIGTERM/SIGHUP; later ones run first. The lib
#                                  helpers (fakellm_start, tmx_start) register themselves.
# tap_done                         print the plan "1..N"; exit 0 when all passed, else 1
#
# Globals used: TAP_N (tests so far), TAP_FAILED (failures so far). Function-local
# variables are prefixed _tap_ since POSIX sh has no "local".

TAP_N=0
TAP_FAILED=0
_tap_cleanup=""

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

ok() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s\n' "$TAP_N" "$1"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	printf 'not ok %d - %s\n' "$TAP_N" "$1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 0
}

skip() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "${2:-}"
}

check() {
	_tap_desc=$1
	shift
	_tap_out=$("$@" 2>&1)
	_tap_rc=$?
	if [ "$_tap_rc" -eq 0 ]; then
		ok "$_tap_desc"
	else
		not_ok "$_tap_desc" "command failed with status $_tap_rc: $*" "$_tap_out"
	fi
	return 0
}

check_fails() {
	_tap_desc=$1
	shift
	_tap_out=$("$@" 2>&1)
	_tap_rc=$?
	if [ "$_tap_rc" -ne 0 ]; then
		ok "$_tap_desc"
	else
		not_ok "$_tap_desc" "command succeeded but should have failed: $*" "$_tap_out"
	fi
	return 0
}

check_contains() {
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "expected to find: $3" "in (first 40 lines):" \
		"$(printf '%s\n' "$2" | head -n 40)" ;;
	esac
	return 0
}

check_not_contains() {
	case "$2" in
	*"$3"*) not_ok "$1" "expected NOT to find: $3" "in (first 40 lines):" \
		"$(printf '%s\n' "$2" | head -n 40)" ;;
	*) ok "$1" ;;
	esac
	return 0
}

check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "got:  $2" "want: $3"
	fi
	return 0
}

_tap_run_cleanup() {
	_tap_status=$?
	trap - EXIT INT TERM HUP
	if [ -n "$_tap_cleanup" ]; then
		eval "$_tap_cleanup" >/dev/null 2>&1
	fi
	_tap_cleanup=""
	exit "$_tap_status"
}

at_exit() {
	_tap_cleanup="$1
$_tap_cleanup"
	trap _tap_run_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
}

tap_done() {
	printf '1..%d\n' "$TAP_N"
	[ "$TAP_FAILED" -eq 0 ] && exit 0
	diag "$TAP_FAILED of $TAP_N failed"
	exit 1
}

tap_bail() {
	not_ok "$1"
	tap_done
}
