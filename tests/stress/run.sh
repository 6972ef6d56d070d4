#!/bin/sh
# Runs the long tests (`make stress`): tests/stress/*.sh, then tests/e2e/limits.sh with its
# slow parts (FN_STRESS=1). Same conventions as tests/run.sh: TAP lines, one private HOME and
# temporary directory per script, a closing "N passed, N failed".
#
#   tests/stress/run.sh BUILD_DIR       e.g. build/asan (needs BUILD_DIR/stress/idx_check)
set -u
build=${1:?usage: tests/stress/run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
export FN_BIN="$build/footnote" FN_ROOT="$root" FN_SHARED="${FN_SHARED:-$root/../shared}"
export FN_IDX_CHECK="$build/stress/idx_check" FN_STRESS=1 NO_COLOR=
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0
for t in "$root"/tests/stress/*.sh "$root/tests/e2e/limits.sh"; do
	case $t in */run.sh) continue ;; esac
	name=$(basename "$t" .sh)
	home=$(mktemp -d)
	log="$home.log"
	start=$(date +%s)
	( cd "$home" && HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
	  XDG_STATE_HOME="$home/.local/state" FN_TMP="$home" timeout $((3600 + ${FN_SOAK_SECONDS:-0})) sh "$t" ) >"$log" 2>&1 </dev/null
	rc=$?
	rm -rf "$home"
	p=$(grep -cE '^ok ' "$log")
	f=$(grep -cE '^not ok ' "$log")
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1 && echo "not ok - $name exited with status $rc" >>"$log"
	pass=$((pass + p)); fail=$((fail + f))
	printf '%s %-12s %d passed, %d failed in %d s\n' "$([ "$f" -eq 0 ] && echo 'ok  ' || echo FAIL)" \
		"$name" "$p" "$f" $(($(date +%s) - start))
	grep -E '^# (measured|kills|seed|soak)' "$log" | sed 's/^/    /'
	[ "$f" -gt 0 ] && grep -E '^not ok|^# ' "$log" | head -n 40 | sed 's/^/    /'
	rm -f "$log"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
