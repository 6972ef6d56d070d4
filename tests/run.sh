#!/bin/sh
# Runs every test program and prints one closing line: "N passed, N failed, N skipped".
#
#   tests/run.sh BUILD_DIR      e.g. build/asan
#
# Unit tests are cmocka programs (BUILD_DIR/tests/test_*) run with TAP output; end-to-end
# and integration tests are tests/e2e/*.sh, which print TAP lines themselves and find the
# binary in $FN_BIN. Each "ok" line counts as a pass and each "not ok" as a failure; a
# program that exits non-zero without reporting a failure counts as one failure. A line with
# a TAP "# SKIP" directive counts as a skip, whichever way it starts: tests/lib/tap.sh prints
# "ok N - DESC # SKIP REASON", cmocka's skip() "not ok N # SKIP NAME" (its reason is on the
# "# skipped: REASON" line fn_test.h prints before it). The skipped tests and their reasons
# are listed just before the closing line. With
# FN_TSAN=1 only the threaded tests run (their source says FN_TEST_THREADED). Every test
# gets its own HOME and XDG directories so nothing on the machine is touched. FN_ONLY=REGEX
# runs only the tests whose name matches (for a quick loop while working on one part).
set -u
build=${1:?usage: tests/run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
pass=0 fail=0 skipped=0
log=$(mktemp)
skips=$(mktemp)
trap 'rm -f "$log" "$skips"' EXIT
export FN_BIN="$build/footnote" FN_ROOT="$root" FN_SHARED="$root/../shared"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
export NO_COLOR=
# No test may find a model server on this machine or use the developer's OpenAI key: discovery
# (core/app/discover.h) probes nothing unless a test points FN_DISCOVER_PORTS at its server.
export FN_DISCOVER_PORTS=
unset OPENAI_API_KEY

run_one() { # name, command...
	name=$1; shift
	if [ -n "${FN_ONLY:-}" ] && ! printf '%s\n' "$name" | grep -Eq "$FN_ONLY"; then
		return
	fi
	home=$(mktemp -d)
	( cd "$home" && HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
	  XDG_STATE_HOME="$home/.local/state" FN_TMP="$home" timeout 600 "$@" ) >"$log" 2>&1 </dev/null
	rc=$?
	rm -rf "$home"
	k=$(grep -cE "$skip_re" "$log")
	p=$(grep -vE "$skip_re" "$log" | grep -cE '^ok ')
	f=$(grep -vE "$skip_re" "$log" | grep -cE '^not ok ')
	list_skips "$name" <"$log" >>"$skips"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	pass=$((pass + p)); fail=$((fail + f)); skipped=$((skipped + k))
	sk=""
	[ "$k" -gt 0 ] && sk=", $k skipped"
	if [ "$f" -gt 0 ]; then
		printf 'FAIL %-28s %d passed, %d failed%s\n' "$name" "$p" "$f" "$sk"
		sed 's/^/    /' "$log" | tail -n 60
	else
		printf 'ok   %-28s %d passed%s\n' "$name" "$p" "$sk"
	fi
}

# A TAP test line with a SKIP directive ("# SKIP", "# skip", "# Skipped" are all TAP).
skip_re='^(not )?ok([[:space:]].*)?#[[:space:]]*[Ss][Kk][Ii][Pp]'

list_skips() { # program name; its TAP output on stdin -> "program: test - reason" lines
	awk -v prog="$1" -v re="$skip_re" '
		/^# skipped: / { reason = substr($0, 12); next }
		$0 ~ re {
			line = $0
			sub(/^(not )?ok[[:space:]]*[0-9]*[[:space:]]*(-[[:space:]]*)?/, "", line)
			i = match(line, /#[[:space:]]*[Ss][Kk][Ii][Pp][A-Za-z]*[[:space:]]*/)
			desc = substr(line, 1, i - 1); why = substr(line, i + RLENGTH)
			sub(/[[:space:]]+$/, "", desc)
			if (desc == "") { desc = why; why = "" }  # cmocka: "not ok N # SKIP NAME"
			if (why == "") why = reason
			if (why == "") why = "no reason given"
			printf "%s: %s - %s\n", prog, desc, why
			reason = ""
		}
		!/^# skipped: / && !/^#/ { reason = "" }'
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if [ -n "${FN_TSAN:-}" ] && ! grep -q FN_TEST_THREADED "$root/tests/unit/$name.c"; then
		continue
	fi
	run_one "$name" "$t"
done
if [ -z "${FN_TSAN:-}" ]; then
	for t in "$root"/tests/e2e/*.sh; do
		[ -f "$t" ] || continue
		run_one "$(basename "$t" .sh)" sh "$t"
	done
fi
if [ "$skipped" -gt 0 ]; then
	echo "skipped:"
	sed 's/^/  /' "$skips"
fi
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
