#!/bin/sh
# Runs every benchmark and prints one table: each figure beside its peer measured in the
# same run, its goal and pass/fail. `make bench` calls this; never part of `make test`.
#
#   sh tests/bench/run.sh
#   FN_BENCH_CHUNKS=1000000 sh tests/bench/run.sh     synthetic scale (default 100000)
#   FN_BENCH_ONLY='sci|fresh' sh tests/bench/run.sh   only the benches whose name matches
#   FN_BENCH_DOC=1 sh tests/bench/run.sh              also put the table in docs/BENCHMARKS.md
#
# Builds the release binary and the bench programs (tests/bench/bench.mk), then runs, in
# name order, each program build/bench/bin/*_bench and each script tests/bench/*.sh (other
# than this one; scripts get the build directory as $1). Every one of them prints ROW lines
# on stdout (the protocol is in tests/bench/bench.h); anything else is progress and is shown
# on stderr. A bench that exits non-zero becomes a failed row. The table goes to stdout and
# to build/bench/table.md, rows grouped by issue. Exit status: 0 when every bench ran (a
# goal not met is a "fail" row, not an error), 1 when a bench or the build failed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
out=$root/build/bench
mkdir -p "$out"

echo "bench: building (release) ..." >&2
make -j2 --no-print-directory MODE=release bench-progs >&2 || exit 1

export FN_ROOT="$root"
export FN_SHARED="${FN_SHARED:-$root/../shared}"
export FN_BIN="$root/build/release/footnote"
export FN_BENCH_DIR="$out"
export FN_BENCH_CHUNKS="${FN_BENCH_CHUNKS:-100000}"

rows=$out/rows.tsv
: >"$rows"
status=0
list=$( { ls build/bench/bin/*_bench; ls tests/bench/*.sh; } 2>/dev/null |
	grep -v '/run\.sh$' | awk -F/ '{ print $NF "\t" $0 }' | sort | cut -f2)
for b in $list; do
	name=$(basename "$b"); name=${name%.sh}
	if [ -n "${FN_BENCH_ONLY:-}" ] && ! printf '%s\n' "$name" | grep -Eq "$FN_BENCH_ONLY"; then
		continue
	fi
	echo "bench: $name" >&2
	start=$(date +%s)
	st=$out/$name.status
	case $b in
	*.sh) { sh "$b" build/release; echo $? >"$st"; } ;;
	*) { "$b"; echo $? >"$st"; } ;;
	esac | while IFS= read -r line; do
		case $line in
		"ROW	"*) printf '%s\n' "$line" >>"$rows" ;;
		*) printf '  %s\n' "$line" >&2 ;;
		esac
	done
	rc=$(cat "$st" 2>/dev/null || echo 1)
	echo "bench: $name done in $(($(date +%s) - start)) s (status $rc)" >&2
	if [ "$rc" -ne 0 ]; then
		status=1
		printf 'ROW\t-\t%s exited with status %s (see the progress above)\t-\t-\t-\t-\truns\tfail\n' \
			"$name" "$rc" >>"$rows"
	fi
done

# The table: grouped by issue (stable), padded for a terminal, valid Markdown.
table=$out/table.md
{
	echo "footnote $(git describe --always --dirty 2>/dev/null), $(date -u '+%Y-%m-%d %H:%M UTC')," \
		"FN_BENCH_CHUNKS=$FN_BENCH_CHUNKS, $(nproc) CPUs ($(lscpu 2>/dev/null |
		sed -n 's/^Model name: *//p' | head -n 1)), $(free -g | awk '/^Mem:/ { print $2 }') GB RAM"
	echo
	awk -F'\t' '
	function cell(v, u) { return v == "-" ? "-" : (u == "-" ? v : v " " u) }
	$1 == "ROW" {
		n++
		key[n] = sprintf("%s\t%06d", $2, n)
		c[n, 1] = $2; c[n, 2] = $3; c[n, 3] = cell($4, $5)
		c[n, 4] = $6 == "-" ? "-" : $6 ": " cell($7, $5)
		c[n, 5] = $8; c[n, 6] = $9
		if ($9 == "pass") pass++
		else if ($9 == "fail") fail++
		else info++
	}
	END {
		h[1] = "issue"; h[2] = "metric"; h[3] = "footnote"; h[4] = "peer"; h[5] = "goal"; h[6] = "result"
		for (j = 1; j <= 6; j++) w[j] = length(h[j])
		for (i = 1; i <= n; i++) for (j = 1; j <= 6; j++) if (length(c[i, j]) > w[j]) w[j] = length(c[i, j])
		# insertion sort on issue, keeping the order of arrival within an issue
		for (i = 1; i <= n; i++) o[i] = i
		for (i = 2; i <= n; i++) {
			k = o[i]
			for (j = i - 1; j >= 1 && key[o[j]] > key[k]; j--) o[j + 1] = o[j]
			o[j + 1] = k
		}
		line = "|"; sep = "|"
		for (j = 1; j <= 6; j++) {
			line = line sprintf(" %-" w[j] "s |", h[j])
			d = ""; for (x = 0; x < w[j]; x++) d = d "-"
			sep = sep " " d " |"
		}
		print line; print sep
		for (i = 1; i <= n; i++) {
			line = "|"
			for (j = 1; j <= 6; j++) line = line sprintf(" %-" w[j] "s |", c[o[i], j])
			print line
		}
		printf "\n%d pass, %d fail, %d info\n", pass, fail, info
	}' "$rows"
} >"$table"
cat "$table"

if [ "${FN_BENCH_DOC:-}" = 1 ]; then
	doc=docs/BENCHMARKS.md
	awk -v table="$table" '
	/<!-- bench:end -->/ { skip = 0 }
	!skip { print }
	/<!-- bench:begin -->/ { while ((getline l < table) > 0) print l; skip = 1 }' "$doc" >"$doc.tmp" &&
		mv "$doc.tmp" "$doc" && echo "bench: table written to $doc" >&2
fi
exit $status
