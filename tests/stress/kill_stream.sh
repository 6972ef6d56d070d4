# kill_stream.sh - SIGKILL `footnote ask` at random moments while it syncs the index and
# streams an answer from the loopback server (drip: one byte per chunk, 5 ms apart), FN_KILLS
# (20) times. After every kill the index must pass store_check, and the next question must
# be answered normally (exit 0, with its citation): nothing the killed process held is left
# half-written. (Sessions killed mid-answer are covered by tests/e2e/sessions tests.)
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
kills_wanted=${FN_KILLS_STREAM:-20}
seed=${FN_SEED:-$(date +%s)}
diag "seed $seed (FN_SEED=$seed replays this run)"
fakellm_start >/dev/null || tap_bail "fakellm did not start"
mkdir notes
i=0
while [ $i -lt 200 ]; do
	printf '# Note %d\n\nWater boils at %d degrees in experiment %d.\n' $i $((90 + i % 10)) $i >notes/n$i.md
	i=$((i + 1))
done
cat >cfg.yaml <<YAML
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
index: {folders: [{path: $FN_TMP/notes}], path: $FN_TMP/idx}
profiles:
  drip: {provider: fake, model: "drip:ms=5"}
  rag: {provider: fake, model: llama3.1}
default_profile: rag
YAML

kills=0 bad=0 i=0
while [ "$kills" -lt "$kills_wanted" ] && [ "$i" -lt $((kills_wanted * 3)) ]; do
	i=$((i + 1))
	# New notes each time, so the sync before the answer has work too.
	printf '# Extra %d\n\nWater boils faster in pot %d.\n' $i $i >notes/extra$i.md
	delay=$(awk -v s="$seed" -v i="$i" 'BEGIN { srand(s * 31 + i); printf "%.3f", rand() * 2.5 }')
	"$FN_BIN" --config cfg.yaml ask --profile drip "At what temperature does water boil?" \
		>/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"
		kills=$((kills + 1))
	fi
	wait "$pid" 2>/dev/null
	if [ -f idx/data.mdb ] && ! out=$("$FN_IDX_CHECK" idx 2>&1); then
		bad=$((bad + 1))
		diag "after kill $kills (${delay}s): $out"
	fi
done
diag "kills: $kills SIGKILLs landed mid-answer in $i runs"
check_eq "at least $kills_wanted kills landed mid-answer" "$([ "$kills" -ge "$kills_wanted" ] && echo yes)" yes
check_eq "after every kill the index passed store_check" "$bad" 0
out=$("$FN_BIN" --config cfg.yaml ask "At what temperature does water boil?" 2>&1)
check_eq "the next question is answered" "$?" 0
check_contains "with its citation" "$out" "[1]"
check "the index is consistent at the end" "$FN_IDX_CHECK" idx
check "the server was never left wedged" fakellm_get /health
tap_done
