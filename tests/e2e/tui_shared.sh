# tui_shared.sh - two terminal interfaces on one session (issue 22, item 1): window A asks,
# window B resumes the same session with --session, and they take turns asking; then A is
# killed with SIGKILL while its answer streams, a new A resumes and asks again, and B is
# killed the same way. After each step the session file must hold every question asked in
# either window, in the order they were saved, and every answer that ended. The second
# window's status bar says the session is open elsewhere. Waits are on the file and the
# screens (bounded), never on time.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir -p notes
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nIce melts at zero degrees.\n' >notes/water.md
fakellm_start >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
index: {folders: [{path: $FN_TMP/notes}]}
profiles:
  chat: {provider: fake, model: llama3.1, rewrite: off, no_evidence: answer}
  stuck: {provider: fake, model: stall, rewrite: off, no_evidence: answer}
default_profile: chat
YAML
dir="$XDG_DATA_HOME/footnote/sessions"

# The newest session file's questions, "|"-joined, then " finished=N".
state() {
	f=$(ls -t "$dir"/*.json 2>/dev/null | head -n 1)
	[ -n "$f" ] && python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["turns"]
print("|".join(x["question"] for x in t) + " finished=%d" % sum(x["finished"] for x in t))' "$f" 2>/dev/null
}
# Waits (bounded) until state prints exactly $1.
wait_state() {
	i=0
	while [ $i -lt 300 ]; do
		[ "$(state)" = "$1" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	diag "session file: $(state)"
	return 1
}
# Window helpers: target fn is A (tmx_start's), fnB is B.
ask() { # TARGET TEXT
	_tmx send-keys -t "$1" -l -- "$2"
	_tmx send-keys -t "$1" Enter
}
screen_has() { # TARGET REGEX: waits (bounded) until the screen shows REGEX
	i=0
	while [ $i -lt 300 ]; do
		_tmx capture-pane -p -t "$1" | grep -Eq -- "$2" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	_tmx capture-pane -p -t "$1" | sed 's/^/# | /' >&2
	return 1
}
gone() { # PID: waits (bounded) until the process is gone or a zombie
	i=0
	while [ $i -lt 300 ]; do
		st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
kill9() { # TARGET: SIGKILL the program in the pane (pid is left set), wait until tmux has seen it die
	pid=$(_tmx display-message -p -t "$1" '#{pane_pid}')
	kill -9 "$pid"
	i=0
	while [ $i -lt 300 ] && [ "$(_tmx display-message -p -t "$1" '#{pane_dead}')" != 1 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

tmx_start 120 32 "$FN_BIN" --config "$FN_TMP/cfg.yaml"
check "A starts and indexes" tmx_wait_for "1 file" 20
ask fn "a1 water?"
check "A's first answer is saved" wait_state "a1 water? finished=1"
id=$(basename "$(ls -t "$dir"/*.json | head -n 1)" .json)
_tmx new-session -d -s fnB -x 120 -y 32 "$FN_BIN" --config "$FN_TMP/cfg.yaml" --session "$id"
check "B resumes the same session (A's turn on its screen)" screen_has fnB "a1 water\\?"

ask fn "a2 ice?"
check "A asks again" wait_state "a1 water?|a2 ice? finished=2"
ask fnB "b1 boiling?"
check "B's question joins A's in the file (nothing overwritten)" wait_state "a1 water?|a2 ice?|b1 boiling? finished=3"
check "B is told the session is open in another window" screen_has fnB "open in another window too"
ask fn "a3 sea level?"
check "A's next save keeps B's turn" wait_state "a1 water?|a2 ice?|b1 boiling?|a3 sea level? finished=4"
ask fnB "b2 degrees?"
check "and B's keeps A's" wait_state "a1 water?|a2 ice?|b1 boiling?|a3 sea level?|b2 degrees? finished=5"

# kill -9 of A while its answer streams (the stall server never ends it).
ask fn "/profile stuck"
check "A switches to the stalling profile" screen_has fn "stuck"
ask fn "a4 stalled?"
check "A's streaming question is saved before its answer" \
	wait_state "a1 water?|a2 ice?|b1 boiling?|a3 sea level?|b2 degrees?|a4 stalled? finished=5"
kill9 fn
# (tmux does not always report the signal, see fakellm_selftest: /proc is asked.)
check "A is gone (dead, or a zombie tmux has yet to reap)" gone "$pid"
ask fnB "b3 after the kill?"
check "B keeps A's unfinished turn after A's kill" \
	wait_state "a1 water?|a2 ice?|b1 boiling?|a3 sea level?|b2 degrees?|a4 stalled?|b3 after the kill? finished=6"

# A comes back on the session; then B is killed mid-answer.
_tmx respawn-pane -k -t fn "$FN_BIN" --config "$FN_TMP/cfg.yaml" --session "$id"
check "A resumes after its kill, with B's turns on its screen" screen_has fn "b3 after the kill\\?"
ask fnB "/profile stuck"
check "B switches to the stalling profile" screen_has fnB "stuck"
ask fnB "b4 stalled?"
check "B's streaming question is saved" \
	wait_state "a1 water?|a2 ice?|b1 boiling?|a3 sea level?|b2 degrees?|a4 stalled?|b3 after the kill?|b4 stalled? finished=6"
kill9 fnB
ask fn "a5 last?"
check "every turn of both windows is in the file after both kills" \
	wait_state "a1 water?|a2 ice?|b1 boiling?|a3 sea level?|b2 degrees?|a4 stalled?|b3 after the kill?|b4 stalled?|a5 last? finished=7"
out=$("$FN_BIN" --config cfg.yaml sessions list)
check_contains "sessions list counts all nine turns" "$out" "$(printf '%s\t' "$id")"
check_eq "sessions list: nine turns" "$(printf '%s\n' "$out" | awk -F'\t' -v id="$id" '$1 == id { print $3 }')" 9
tap_done
