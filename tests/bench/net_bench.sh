#!/bin/sh
# net_bench.sh - issue 4's performance figures against the loopback model server.
#
#   sh tests/bench/net_bench.sh BUILD_DIR        e.g. build/release
#
# Prints result rows on stdout, one per figure, tab-separated:
#   ROW  issue  metric  ours  unit  peer-name  peer-value  goal  pass|fail|info
# Everything else (progress) goes to stderr. Builds its helper (tests/bench/net_bench.c,
# linked against BUILD_DIR's libcore.a) into BUILD_DIR/bench/. Runs in a temp directory with
# its own XDG directories; never touches $HOME. Exit status 1 when the bench could not run.
#
# What it measures:
#   - first token through core/net/net.c against plain libcurl, same request body in the same
#     process, p50 of FN_BENCH_RUNS (30) interleaved runs. Goal: net.c adds at most 2 ms.
#   - first token on stdout of `footnote ask` against `curl -sN` with the body footnote sent,
#     both from process start. Goal: at most 2 ms more, plus retrieval (measured by ask --json).
#   - the server streaming 20,000 tokens/s (FN_BENCH_TOKENS deltas, default 100000): deltas
#     received == deltas sent, the text byte-identical to what libcurl received, tokens/s; the
#     same stream through `footnote ask --json`.
# Other engineers may be compiling on the same machine: timings are noisy, re-run to confirm.
set -u
build=${1:?usage: sh tests/bench/net_bench.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$build" 2>/dev/null && pwd) || { echo "net_bench: no directory $1" >&2; exit 1; }
runs=${FN_BENCH_RUNS:-30}
tokens=${FN_BENCH_TOKENS:-100000}
rate=20000

say() { printf 'net_bench: %s\n' "$*" >&2; }
row() { # metric ours unit peer peer_value goal verdict
	printf 'ROW\t4\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"
}
# val KEY FILE: the value of a "key value" line
val() { sed -n "s/^$1 //p" "$2"; }
# le A B: A <= B for decimals
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

for f in footnote libcore.a libindex.a libbase.a; do
	[ -e "$build/$f" ] || { echo "net_bench: $build/$f is missing; build it first (make MODE=...)" >&2; exit 1; }
done
command -v curl >/dev/null 2>&1 || { echo "net_bench: needs curl (apt-get install curl)" >&2; exit 1; }

case $(basename "$build") in
release) ;;
*) say "$(basename "$build") is not a release build: its timings say little about footnote's" ;;
esac

# ---- the helper --------------------------------------------------------------------------
helper=$build/bench/net_bench
if [ ! -x "$helper" ] || [ "$root/tests/bench/net_bench.c" -nt "$helper" ] || [ "$build/libcore.a" -nt "$helper" ]; then
	say "building $helper"
	mkdir -p "$build/bench"
	san=""
	case $(basename "$build") in
	asan) san="-fsanitize=address,undefined -fno-omit-frame-pointer" ;;
	tsan) san="-fsanitize=thread" ;;
	esac
	pkgs="ncursesw libcurl libcjson lmdb yaml-0.1 md4c libxxhash"
	# shellcheck disable=SC2046,SC2086
	${CC:-cc} -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings \
		-Wpointer-arith -Wformat=2 -Wundef -Wvla -Werror -O2 -g $san -I"$root" -D_GNU_SOURCE \
		$(pkg-config --cflags $pkgs) -o "$helper" "$root/tests/bench/net_bench.c" \
		"$build/libcore.a" "$build/libindex.a" "$build/libbase.a" \
		$(pkg-config --libs $pkgs) -lstemmer -lpthread -lm || exit 1
fi

# ---- a private world: temp dir, XDG dirs, the fake server --------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fn-netbench.XXXXXX") || exit 1
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" \
	XDG_CACHE_HOME="$tmp/cache" FN_TMP="$tmp" FN_ROOT="$root"
[ -n "${FN_SHARED:-}" ] || { [ -d "$root/../shared/data" ] && FN_SHARED="$root/../shared"; } ||
	FN_SHARED=/work/shared
export FN_SHARED
. "$root/tests/lib/fakellm.sh"
cleanup() { fakellm_stop; [ -n "${FN_BENCH_KEEP:-}" ] && say "kept $tmp" || rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap 'exit 141' PIPE
FAKELLM_MAX_SECONDS=1800 fakellm_start || { echo "net_bench: the fake server did not start" >&2; exit 1; }
say "fake server at $FAKELLM_URL"

cd "$tmp" || exit 1
mkdir notes
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nAt altitude it boils at a lower temperature.\n' >notes/water.md
printf '# Ice\n\nWater freezes at 0 degrees Celsius.\nSalt lowers the freezing point of water.\n' >notes/ice.md
printf '# Steam\n\nSteam is water in the gas phase; it carries heat.\n' >notes/steam.md
cat >cfg.yaml <<YAML
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1", timeout_s: 600, idle_timeout_s: 60}
index: {folders: [{path: $tmp/notes}]}
profiles:
  bench: {provider: fake, model: "bench:ms=0"}
  tput: {provider: fake, model: "tps:$rate:tokens:$tokens", retrieval: {enabled: false}}
default_profile: bench
YAML
fn() { "$build/footnote" --config "$tmp/cfg.yaml" "$@"; }
question="At what temperature does water boil?"

# The request footnote sends, byte for byte as the server parsed it, for curl to replay.
fn ask "$question" >ask.out 2>ask.err || { cat ask.err >&2; echo "net_bench: footnote ask failed" >&2; exit 1; }
body_of_last() {
	fakellm_requests | python3 -c '
import json, sys
r = [x for x in json.load(sys.stdin) if x["path"].endswith("/chat/completions")]
sys.stdout.write(json.dumps(r[-1]["body"], ensure_ascii=False, separators=(",", ":")))'
}
body_of_last >body.json || exit 1
url="$FAKELLM_URL/v1/chat/completions"

# ---- first token, in process -------------------------------------------------------------
say "first token: core/net/net.c vs libcurl, $runs runs"
"$helper" ttft "$url" body.json "$runs" >ttft.out || exit 1
ours=$(val ours_p50 ttft.out) peer=$(val peer_p50 ttft.out) diff=$(val diff_p50 ttft.out)
v=fail; le "$ours" "$(calc "$peer + 2")" && v=pass
row "first token through core/net/net.c (p50 of $runs)" "$ours" ms "libcurl easy, same body" "$peer" \
	"<= peer + 2 ms" "$v"
row "first token: added by core/net/net.c, paired (p50 of $runs)" "$diff" ms - - "<= 2 ms" info

# ---- first token, whole processes --------------------------------------------------------
say "first token on stdout: footnote ask vs curl, $runs runs"
"$helper" procs "$runs" "$url" body.json -- "$build/footnote" --config "$tmp/cfg.yaml" ask "$question" \
	>procs.out || exit 1
i=0; : >retr.txt
while [ "$i" -lt 10 ]; do
	fn ask --json "$question" 2>/dev/null | python3 -c \
		'import json, sys; print(json.load(sys.stdin)["timings"]["retrieval_ms"])' >>retr.txt || exit 1
	i=$((i + 1))
done
retr=$(sort -n retr.txt | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }')
ours=$(val ours_p50 procs.out) peer=$(val peer_p50 procs.out)
v=fail; le "$ours" "$(calc "$peer + 2 + $retr")" && v=pass
row "first token on stdout, \`footnote ask\` from exec (p50 of $runs)" "$ours" ms "curl -sN, same body" "$peer" \
	"<= peer + 2 ms + retrieval ($retr ms)" "$v"
row "retrieval inside \`footnote ask\` (3 notes, p50 of 10)" "$retr" ms - - "-" info

# ---- throughput --------------------------------------------------------------------------
say "throughput: the server streams $tokens deltas at $rate/s"
# footnote ask first, then the very request it sent through net.c and through libcurl.
fn ask --json --profile tput "stream" >tput-ask.json 2>tput-ask.err || { cat tput-ask.err >&2; exit 1; }
body_of_last >tput.json || exit 1
"$helper" tput "$url" tput.json expect.txt >tput.out || exit 1
sent=$(val sent tput.out) got=$(val received tput.out) same=$(val text_equal tput.out)
lost=$((sent - got))
v=fail; [ "$sent" -eq "$tokens" ] && [ "$lost" -eq 0 ] && [ "$same" -eq 1 ] && v=pass
row "tokens lost at $rate tok/s, core/net/net.c ($got of $sent received, text identical: $same)" "$lost" tokens \
	"libcurl, same stream" 0 "0 lost, same text" "$v"
ours=$(val ours_tps tput.out) peer=$(val peer_tps tput.out)
v=fail; le "$(calc "$rate * 0.95" 0)" "$ours" && v=pass
row "tokens/s through core/net/net.c while the server sends $rate/s" "$ours" tok/s "libcurl, same stream" "$peer" \
	">= 95% of $rate" "$v"

python3 - "$tokens" >tput-ask.out <<'PY'
import json, sys
a = json.load(open("tput-ask.json"))
expect = open("expect.txt", encoding="utf-8").read()
t = a["timings"]
secs = (t["total_ms"] - t["first_token_ms"]) / 1000.0
print("same", int(a["answer"] == expect and a["outcome"] == "completed"))
print("usage", a["usage"]["completion_tokens"])
print("tps", "%.0f" % ((int(sys.argv[1]) - 1) / secs if secs > 0 else 0))
PY
same=$(val same tput-ask.out) tps=$(val tps tput-ask.out) usage=$(val usage tput-ask.out)
v=fail; [ "$same" -eq 1 ] && [ "$usage" -eq "$tokens" ] && le "$(calc "$rate * 0.95" 0)" "$tps" && v=pass
row "\`footnote ask\` at $rate tok/s: answer identical to the stream ($same), tokens/s" "$tps" tok/s \
	"libcurl, same stream" "$peer" ">= 95% of $rate, nothing lost" "$v"
exit 0
