# kill_index.sh - SIGKILL `footnote index` at random moments while it indexes a large tree
# (3,000 SciFact abstracts in 30 folders), at least FN_KILLS (50) times. After every kill
# the index must open read-only and pass store_check (idx_check) and `index --status`.
# Between kills the tree changes (files edited, deleted, added, renamed), so there is always
# work in flight. Every 10 kills, and at the end, a rescan runs to completion and must
# converge to the files on disk: the same counts and the same ranked search results
# (lexical, vector and hybrid) as a clean build of the same tree. FN_SEED replays a run (the seed is printed).
. "$FN_ROOT/tests/lib/tap.sh"
cd "$FN_TMP" || exit 1
kills_wanted=${FN_KILLS:-50}
seed=${FN_SEED:-$(date +%s)}
diag "seed $seed (FN_SEED=$seed replays this run)"
corpus="$FN_SHARED/data/scifact/corpus.jsonl"
[ -f "$corpus" ] || tap_bail "no SciFact corpus at $corpus"

python3 - "$corpus" tree 3000 <<'PY' || tap_bail "could not write the tree"
import json, os, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src) as f:
    for i, line in enumerate(f):
        if i >= n:
            break
        d = json.loads(line)
        sub = os.path.join(out, "d%02d" % (i % 30))
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, "doc%s.md" % d["_id"]), "w") as g:
            g.write("# %s\n\n%s\n" % (d["title"], d["text"]))
PY
# mutate N: edit 10%, delete 1%, add 30 new documents (each used once), rename 1%.
mutate() {
	python3 - "$corpus" tree "$seed" "$1" <<'PY'
import json, os, random, sys
src, out, seed, step = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(seed * 1000 + step)
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs)
for p in rnd.sample(files, len(files) // 10):
    with open(p, "a") as g:
        g.write("\nEdited in step %d: %s.\n" % (step, rnd.choice(["ribosome", "kinase", "cohort", "placebo"])))
for p in rnd.sample(files, len(files) // 100):
    if os.path.exists(p):
        os.unlink(p)
with open(src) as f:
    docs = [json.loads(l) for l in f][3000:]
for k in range(30):
    d = docs[(step * 30 + k) % len(docs)]
    p = os.path.join(out, "d%02d" % rnd.randrange(30), "new%s.md" % d["_id"])
    with open(p, "w") as g:
        g.write("# %s\n\n%s\n" % (d["title"], d["text"]))
for p in rnd.sample(files, len(files) // 100):
    if os.path.exists(p):
        os.rename(p, p[:-3] + "-moved%d.md" % step)
PY
}

printf 'index: {folders: [{path: %s/tree}], path: %s/idx}\n' "$FN_TMP" "$FN_TMP" >cfg.yaml
printf 'index: {folders: [{path: %s/tree}], path: %s/clean}\n' "$FN_TMP" "$FN_TMP" >clean.yaml
# The killed index merges its fresh postings (index/search/lexical.h) whenever they pass 4
# pages, so kills land inside merges too; the clean builds keep the default rule.
fresh_pages=${FN_FRESH_PAGES:-4}
fn() { FN_FRESH_PAGES=$fresh_pages "$FN_BIN" --config cfg.yaml "$@"; }

# A clean build tells how long a whole run takes: kills are spread over that time.
t0=$(date +%s%N)
"$FN_BIN" --config clean.yaml index >/dev/null 2>&1 || tap_bail "the clean build failed"
span_ms=$((($(date +%s%N) - t0) / 1000000))
rm -rf clean
diag "measured: a clean build of 3000 files takes $span_ms ms"

queries="white matter diffusion|breast cancer risk|insulin resistance obesity|T cell receptor signalling|vitamin D supplementation|gene expression in mice|ribosome kinase|placebo cohort"
# hits CONFIG MODE QUERY: the top 50 as ranked "N. path:lines (heading) score" lines. Equal
# scores rank by path, then place in the file (index/search/ties.h), never by chunk id, so
# an index built in steps ranks exactly as a clean build does, hybrid's fusion included.
hits() {
	"$FN_BIN" --config "$1" search --mode "$2" -k 50 "$3" | grep -E '^ {0,1}[0-9]+\. '
}
# converge NAME: rescan to completion, then compare with a clean build of the same tree.
converge() {
	fn index >/dev/null 2>rescan.err
	check_eq "$1: the rescan completes" "$?" 0
	check "$1: the index is consistent after the rescan" "$FN_IDX_CHECK" idx
	rm -rf clean
	"$FN_BIN" --config clean.yaml index >/dev/null 2>&1
	a=$(fn index --status | grep -E '^(files|chunks|terms|text) ')
	b=$("$FN_BIN" --config clean.yaml index --status | grep -E '^(files|chunks|terms|text) ')
	check_eq "$1: counts equal a clean build's" "$a" "$b"
	same=0 differ=""
	old_ifs=$IFS
	IFS='|'
	for q in $queries; do
		for mode in lexical vector hybrid; do
			x=$(hits cfg.yaml $mode "$q")
			y=$(hits clean.yaml $mode "$q")
			if [ -n "$x" ] && [ "$x" = "$y" ]; then same=$((same + 1)); else differ="$differ [$mode] $q"; fi
		done
	done
	IFS=$old_ifs
	check_eq "$1: search results equal a clean build's, ranks too (8 queries, lexical, vector and hybrid)${differ:+; differ:$differ}" "$same" 24
}

# The delay is drawn below a cap that follows how long runs last: a run that finished
# first lowers it, a kill raises it (up to a whole clean build).
kills=0 early=0 bad=0 i=0 step=0 cap=$span_ms
while [ "$kills" -lt "$kills_wanted" ] && [ "$i" -lt $((kills_wanted * 4)) ]; do
	i=$((i + 1))
	delay=$(awk -v s="$seed" -v i="$i" -v cap="$cap" 'BEGIN { srand(s * 7919 + i); printf "%.3f", rand() * cap / 1000 }')
	# Not through fn: a function in the background is a subshell, and the kill must hit
	# footnote itself.
	FN_FRESH_PAGES=$fresh_pages "$FN_BIN" --config cfg.yaml index >/dev/null 2>run.err &
	pid=$!
	sleep "$delay"
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		kills=$((kills + 1))
		cap=$((cap * 6 / 5 > span_ms ? span_ms : cap * 6 / 5))
	else
		wait "$pid"
		rc=$?
		[ "$rc" -eq 0 ] || { bad=$((bad + 1)); diag "run $i (not killed) exited with $rc:" "$(cat run.err)"; }
		early=$((early + 1))
		cap=$((cap * 7 / 10 < 50 ? 50 : cap * 7 / 10))
		step=$((step + 1))
		mutate "$step"
	fi
	if [ -f idx/data.mdb ] && ! out=$("$FN_IDX_CHECK" idx 2>&1); then
		bad=$((bad + 1))
		diag "after kill $kills (run $i, ${delay}s): $out"
	elif [ -f idx/data.mdb ] && ! fn index --status >/dev/null 2>&1; then
		bad=$((bad + 1))
		diag "after kill $kills (run $i, ${delay}s): index --status failed"
	fi
	if [ "$kills" -gt 0 ] && [ $((kills % 10)) -eq 0 ] && [ "${last_conv:-0}" -ne "$kills" ]; then
		last_conv=$kills
		converge "after $kills kills"
		step=$((step + 1))
		mutate "$step"
	fi
done
diag "kills: $kills SIGKILLs landed mid-run, $early runs finished first, $step tree changes"
check_eq "at least $kills_wanted kills landed while indexing" "$([ "$kills" -ge "$kills_wanted" ] && echo yes)" yes
check_eq "after every kill the index opened and passed store_check and --status" "$bad" 0
converge "at the end"
tap_done
