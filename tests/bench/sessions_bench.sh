#!/bin/sh
# sessions_bench.sh - issue 22's sessions at scale: `footnote sessions list` over 10,000
# saved sessions of 20 turns each (FN_BENCH_SESSIONS, default 10000), with the index beside
# them (core/session/session_list.c) and without it (the full read of every file, which is
# how every listing went before the index), beside jq reading the same files and ls naming
# them, in the same run. Also `sessions show` of one session by its id prefix (what resume
# does: resolve the id, read one file).
#
#   sh tests/bench/sessions_bench.sh BUILD_DIR        e.g. build/release
#
# Prints ROW lines (tests/bench/bench.h); progress on stderr. The sessions are written once
# by a small Python script into BUILD_DIR/bench/sessions-N (cached) and copied into a temp
# directory, so the index is made by the run itself.
set -u
build=${1:?usage: sh tests/bench/sessions_bench.sh BUILD_DIR}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "sessions_bench: no directory $1" >&2; exit 1; }
n=${FN_BENCH_SESSIONS:-10000}
say() { printf 'sessions_bench: %s\n' "$*" >&2; }
row() { # metric ours unit peer peer_value goal verdict
	printf 'ROW\t22\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
[ -x "$build/footnote" ] || { echo "sessions_bench: $build/footnote is missing" >&2; exit 1; }

cache=$build/bench/sessions-$n
if [ ! -f "$cache/.complete" ]; then
	say "writing $n sessions of 20 turns into $cache"
	rm -rf "$cache"
	mkdir -p "$cache"
	python3 - "$cache" "$n" <<'PY' || exit 1
import json, os, random, sys
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(22)
words = "water ice boils melts degrees pressure altitude kinase ribosome cohort placebo insulin".split()
def text(k):
    return " ".join(rnd.choice(words) for _ in range(k))
for i in range(n):
    sid = "2026%04d-%06d-%04x" % (1000 + i // 1000, i % 1000000, i & 0xffff)
    turns = []
    for t in range(20):
        q = text(8) + "?"
        turns.append({"version": 2, "tid": "%s-%d" % (sid, t), "question": q, "answer": text(60) + " [1].",
                      "reasoning": "", "finished": True,
                      "result": {"outcome": "completed", "prompt_tokens": 800, "completion_tokens": 60},
                      "provenance": {"time": "2026-11-21T13:25:10Z", "profile": "rag", "model": "llama3.1"},
                      "sources": [{"n": 1, "path": "/home/u/notes/%s.md" % rnd.choice(words),
                                   "line_start": 1, "line_end": 9, "text": text(40)}],
                      "dropped": []})
    doc = {"format": "footnote-session", "version": 1, "id": sid, "title": turns[0]["question"],
           "created": "2026-11-21T13:25:10Z", "updated": "2026-11-%02dT%02d:%02d:00Z" % (1 + i % 28, i % 24, i % 60),
           "turns": turns}
    with open(os.path.join(out, sid + ".json"), "w") as f:
        json.dump(doc, f, indent=2)
open(os.path.join(out, ".complete"), "w").close()
PY
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/.config" XDG_DATA_HOME="$tmp/.local/share" XDG_STATE_HOME="$tmp/.local/state"
dir="$XDG_DATA_HOME/footnote/sessions"
mkdir -p "$dir"
cp -r "$cache"/. "$dir"/
rm -f "$dir/.complete"
: >"$tmp/cfg.yaml"
fn() { "$build/footnote" --config "$tmp/cfg.yaml" "$@"; }
# ms COMMAND...: wall time of one run in ms, output discarded.
ms() {
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - t0) / 1000000))
}
# median of 5 runs of COMMAND...
median5() {
	for _ in 1 2 3 4 5; do ms "$@"; done | sort -n | sed -n 3p
}

say "listing $n sessions with no index (every file read; the index is written)"
cold=$(ms fn sessions list)
lines=$(fn sessions list | wc -l)
[ "$lines" -eq "$n" ] || { say "sessions list printed $lines lines, not $n"; exit 1; }
warm=$(median5 fn sessions list)
full=$(median5 sh -c "rm -f '$dir/.index'; '$build/footnote' --config '$tmp/cfg.yaml' sessions list")
fn sessions list >/dev/null 2>&1 # the index again
jqv=-
if command -v jq >/dev/null 2>&1; then
	jqv=$(ms sh -c "cd '$dir' && jq -r '[.id, .updated, (.turns | length), .title] | @tsv' ./*.json")
fi
lsv=$(median5 ls -l "$dir")
one=$(ls "$dir" | sed -n "$((n / 2))p" | cut -c1-15)
show=$(median5 fn sessions show "$(ls "$dir" | sed -n "$((n / 2))p" | sed 's/\.json$//')")
say "cold $cold ms, full read $full ms, with the index $warm ms, jq $jqv ms, ls -l $lsv ms, show $show ms (prefix $one...)"
v=fail; le "$warm" 100 && v=pass
row "sessions list, $n sessions of 20 turns, with the index (p50 of 5)" "$warm" ms \
	"every file read (no index, p50 of 5)" "$full" "<= 100" "$v"
row "sessions list, $n sessions, first run (reads every file, writes the index)" "$cold" ms \
	"jq over the files" "$jqv" "-" info
row "sessions list with the index beside ls -l of the folder" "$warm" ms "ls -l" "$lsv" "-" info
v=fail; le "$show" 100 && v=pass
row "sessions show ID (resume: resolve the id among $n, read one file; p50 of 5)" "$show" ms - - "<= 100" "$v"
