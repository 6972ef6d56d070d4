# soak.sh - the terminal interface streaming answers from the loopback server while the
# watched tree changes every second (issue 22, item 5), for FN_SOAK_SECONDS (default 120;
# 3600 for the full hour). A question is asked as soon as the last answer is saved (each
# answer streams about 400 deltas at 200 a second), and /new starts a fresh conversation
# every 10 answers, so the conversation in memory does not grow without end. Measured
# from /proc at the first idle moment after the warm-up (the first 10 answers) and at the
# end: resident memory must stay within 10% and the open descriptors must not grow (the
# sockets of curl's connection cache aside, which stay at a few); every
# answer asked must be in a session file, finished. Runs the release build when there is
# one (FN_SOAK_BIN; a sanitizer's quarantine makes RSS say little), else FN_BIN.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
seconds=${FN_SOAK_SECONDS:-120}
bin=${FN_SOAK_BIN:-$FN_BIN}
[ -x "$bin" ] || bin=$FN_BIN
diag "soak: $seconds s with $bin"
FAKELLM_MAX_SECONDS=$((seconds + 300)) fakellm_start >/dev/null || tap_bail "fakellm did not start"
mkdir -p notes
i=0
while [ $i -lt 50 ]; do
	printf '# Note %d\n\nWater boils at %d degrees in experiment %d.\n' $i $((90 + i % 10)) $i >notes/n$i.md
	i=$((i + 1))
done
cat >cfg.yaml <<YAML
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
index: {folders: [{path: $FN_TMP/notes}], path: $FN_TMP/idx}
profiles:
  rag: {provider: fake, model: "tps:200:tokens:400", rewrite: off, no_evidence: answer}
default_profile: rag
YAML
dir="$XDG_DATA_HOME/footnote/sessions"

finished() { # finished turns in every session file
	python3 -c '
import glob, json, sys
n = 0
for f in glob.glob(sys.argv[1] + "/*.json"):
    try:
        n += sum(t["finished"] for t in json.load(open(f))["turns"])
    except Exception:
        pass
print(n)' "$dir"
}
wait_finished() { # N: bounded wait until N answers are saved
	w=0
	while [ $w -lt 1200 ]; do
		[ "$(finished)" -ge "$1" ] && return 0
		sleep 0.05
		w=$((w + 1))
	done
	return 1
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
fds() { ls "/proc/$pid/fd" | wc -l; }
sockets() { for f in /proc/$pid/fd/*; do readlink "$f"; done | grep -c '^socket:'; }
# What each descriptor is, one kind per line with its count ("socket 2", "anon_inode:[eventfd] 1").
fd_kinds() {
	for f in /proc/$pid/fd/*; do readlink "$f"; done | sed 's/:\[[0-9]*\]$//; s|^/.*|file|' | sort | uniq -c |
		awk '{ print $2, $1 }' | tr '\n' ' '
}

tmx_start 120 32 "$bin" --config "$FN_TMP/cfg.yaml"
check "the interface starts and indexes" tmx_wait_for "50 files" 60
pid=$(_tmx display-message -p -t fn '#{pane_pid}')

# The tree changes every second while the soak runs: a note rewritten, one added, one
# removed. (The one-second pace is the load asked for, not a wait.)
(
	k=0
	while :; do
		k=$((k + 1))
		printf '# Note %d\n\nWater boils at %d degrees, edit %d.\n' $((k % 50)) $((90 + k % 10)) $k >notes/n$((k % 50)).md
		printf '# New %d\n\nSteam rises in step %d.\n' $k $k >notes/new$k.md
		rm -f notes/new$((k - 5)).md
		sleep 1
	done
) &
churn=$!
at_exit "kill $churn 2>/dev/null"

end=$(($(date +%s) + seconds))
asked=0 base_rss="" base_fds="" lost=0
while [ "$(date +%s)" -lt "$end" ] || [ "$asked" -lt 20 ]; do
	if [ $((asked % 10)) -eq 0 ] && [ "$asked" -gt 0 ]; then
		tmx_type "/new"
		tmx_send Enter
	fi
	tmx_type "At what temperature does water boil, question $asked?"
	tmx_send Enter
	asked=$((asked + 1))
	wait_finished "$asked" || { lost=$((lost + 1)); diag "answer $asked was not saved within 60 s"; break; }
	if [ "$asked" -eq 10 ]; then
		base_rss=$(rss_kb) base_fds=$(fds) base_socks=$(sockets)
		diag "measured: after the warm-up (10 answers): RSS $base_rss kB, $base_fds fds ($(fd_kinds))"
	fi
done
kill "$churn" 2>/dev/null
end_rss=$(rss_kb) end_fds=$(fds) end_socks=$(sockets)
diag "descriptors at the end: $(fd_kinds)"
diag "measured: after $asked answers in $seconds s: RSS $end_rss kB (warm-up $base_rss kB, $(awk -v a="$end_rss" -v b="$base_rss" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }')), $end_fds fds (warm-up $base_fds)"
check_eq "every answer was saved, finished ($asked asked)" "$(finished)" "$asked"
check "resident memory stays within 10% of the warm-up's" awk -v a="$end_rss" -v b="$base_rss" 'BEGIN { exit !(a <= b * 1.10) }'
# Sockets come and go with curl's connection cache (the stream, a limits probe): at most a
# few to the one server. Everything else (files, inotify, eventfds, pipes) must not grow.
check "no descriptor growth besides curl's cached connections" \
	test $((end_fds - end_socks)) -le $((base_fds - base_socks))
check "curl keeps at most 4 connections to the one server" test "$end_socks" -le 4
check_eq "the interface is still running" "$(tmx_pane_dead)" 0
tap_done
