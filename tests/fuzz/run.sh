#!/bin/sh
# Runs every fuzz target for a bounded time and prints one line per target with libFuzzer's
# final numbers: executions, coverage (cov: edges, ft: features) and corpus size.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS       e.g. tests/fuzz/run.sh build/fuzz 60
#
# Each target starts from its seeds (tests/fuzz/seeds.sh) plus what earlier runs found
# (BUILD_DIR/corpus/<target>, kept between runs). A crash, leak, timeout or broken invariant
# is saved as BUILD_DIR/crashes/<target>-crash-<sha1> and makes the run fail; replay it with
# `BUILD_DIR/fuzz/<target> FILE`, then add the input to a unit test. FUZZ_ONLY=REGEX picks
# targets; FUZZ_JOBS (default 1) runs that many targets at once.
set -u
build=${1:?usage: tests/fuzz/run.sh BUILD_DIR SECONDS}
secs=${2:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" && pwd)
export FN_SHARED="${FN_SHARED:-$root/../shared}"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
sh "$root/tests/fuzz/seeds.sh" "$build/seeds" || exit 1
mkdir -p "$build/crashes" "$build/logs"
fail=0

for bin in "$build"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	t=$(basename "$bin")
	if [ -n "${FUZZ_ONLY:-}" ] && ! printf '%s\n' "$t" | grep -Eq "$FUZZ_ONLY"; then
		continue
	fi
	mkdir -p "$build/corpus/$t" "$build/seeds/$t"
	log="$build/logs/$t.log"
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$build/crashes/$t-" \
		"$build/corpus/$t" "$build/seeds/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\)\/\([^ ]*\).*/\1 (\2)/p')
	if [ "$rc" -eq 0 ]; then
		printf 'ok   %-14s %10s execs  cov %5s  ft %6s  corpus %s\n' "$t" "${execs:-?}" \
			"${cov:-?}" "${ft:-?}" "${corp:-?}"
	else
		fail=$((fail + 1))
		printf 'FAIL %-14s status %d after %s execs; see %s\n' "$t" "$rc" "${execs:-?}" "$log"
		grep -E 'ERROR|invariant failed|SUMMARY|Test unit written' "$log" | head -n 8 | sed 's/^/    /'
	fi
done
[ "$fail" -eq 0 ]
