# limits.sh - the index at its limits and on bad input: inotify watches running out, a 2 GB
# file, unreadable files and folders, symbolic link loops and a FIFO, files deleted while
# being read, a full disk under the index, a config key of the wrong type. The slow part
# (100,000 files in a watched tree) runs with FN_STRESS=1 (`make stress`).
#
# Tests run as root here, and root reads through chmod 000; a new user namespace without a
# mapping (`unshare -U`) drops that override, so the unreadable cases run footnote there.
# The same trick lowers the inotify watch limit (per user namespace, so nothing else on the
# machine is affected) and mounts a 1 MB tmpfs under the index (`unshare -U -r -m`). Where
# user namespaces are not allowed those cases are skipped and say so.
. "$FN_ROOT/tests/lib/tap.sh"
cd "$FN_TMP" || exit 1
cfg() { # FOLDER INDEX_DIR -> cfg.yaml
	printf 'index: {folders: [{path: %s}], path: %s}\n' "$1" "$2" >cfg.yaml
}
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
status_of() { fn index --status | sed -n "s/^$1  *//p"; }
userns=no
unshare -U -r true 2>/dev/null && userns=yes
mkdir -p "$FN_TMP/bin"
cp "$FN_BIN" "$FN_TMP/bin/footnote" # readable from inside a user namespace
FNB="$FN_TMP/bin/footnote"

# --- a 2 GB file (sparse: no disk used), symlink loops, a FIFO --------------------------
mkdir -p odd && echo "Water boils at 100 degrees." >odd/a.md
truncate -s 2G odd/big.txt
ln -s . odd/loop && ln -s b odd/a2 && ln -s a2 odd/b && mkfifo odd/pipe.md
cfg "$FN_TMP/odd" "$FN_TMP/idx-odd"
out=$(timeout 60 "$FN_BIN" --config cfg.yaml index 2>&1); rc=$?
check_eq "2 GB file, link loops, FIFO: index exits 0 (no hang, no loop)" "$rc" 0
check_contains "the 2 GB file is skipped, with the reason" "$out" "skipped 1 (larger than the size cap: 1)"
check_eq "only the one real file is indexed" "$(status_of files)" 1

# --- unreadable files and folders --------------------------------------------------------
mkdir -p locked/ok locked/secret
echo "Readable words." >locked/ok/a.md
echo "Secret words." >locked/secret/s.md
echo "Hidden words." >locked/hidden.md
chmod 000 locked/hidden.md locked/secret
cfg "$FN_TMP/locked" "$FN_TMP/idx-locked"
mkdir -p idx-locked
if [ "$userns" = yes ]; then
	out=$(unshare -U "$FNB" --config cfg.yaml index 2>&1); rc=$?
	check_eq "unreadable file: index exits 0" "$rc" 0
	check_contains "unreadable file: said, with the path and why" "$out" \
		"failed: $FN_TMP/locked/hidden.md: cannot read: Permission denied"
	check_contains "unreadable file and folder: counted in the summary" "$out" "; 2 failed"
	check_eq "the readable file is indexed" "$(status_of files)" 1
	check_contains "unreadable folder: said, with the path and why" "$out" \
		"failed: $FN_TMP/locked/secret: cannot read this folder (Permission denied)"
else
	skip "unreadable files and folders" "running as root without user namespaces: chmod cannot stop root"
fi
chmod 755 locked/secret; chmod 644 locked/hidden.md

# --- files deleted while being read ------------------------------------------------------
# 600 files are deleted while the index reads them; which reads a deletion hits is up to
# the scheduler, but every outcome must be clean, and a rescan must match the disk.
mkdir -p churn
i=0
while [ $i -lt 600 ]; do
	printf '# File %d\n\nSome text about topic %d, repeated. Some text about topic %d.\n' $i $i $i >churn/f$i.md
	i=$((i + 1))
done
cfg "$FN_TMP/churn" "$FN_TMP/idx-churn"
"$FN_BIN" --config cfg.yaml index >churn.out 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ]; do rm -f churn/f$i.md; i=$((i + 2)); done
wait $pid
check_eq "files deleted while indexing: index exits 0" "$?" 0
check_not_contains "files deleted while indexing: no crash report" "$(cat churn.out)" "Sanitizer"
fn index >/dev/null 2>&1
check_eq "files deleted while indexing: a rescan matches the disk" "$(status_of files)" "$(ls churn | wc -l)"

# --- a full disk under the index ---------------------------------------------------------
mkdir -p full idx-full
i=0
while [ $i -lt 1500 ]; do
	printf '# Doc %d\n\nwords about subject %d and many more words to fill the index quickly %d\n' $i $i $i >full/f$i.md
	i=$((i + 1))
done
cfg "$FN_TMP/full" "$FN_TMP/idx-full"
if [ "$userns" = yes ] && unshare -U -r -m sh -c "mount -t tmpfs -o size=64k tmpfs '$FN_TMP/idx-full'" 2>/dev/null; then
	unshare -U -r -m sh -c "mount -t tmpfs -o size=1m tmpfs '$FN_TMP/idx-full' &&
		'$FNB' --config cfg.yaml index >full.out 2>full.err; echo \$? >full.rc;
		'$FNB' --config cfg.yaml index --status >full.status 2>&1; echo \$? >full.src;
		'$FNB' --config cfg.yaml search --mode lexical subject >full.search 2>&1; echo \$? >full.qrc"
	check_eq "full disk: index exits 5" "$(cat full.rc)" 5
	check_contains "full disk: said clearly" "$(cat full.err)" \
		"footnote index: the disk under the index is full: free some space and retry"
	check_eq "full disk: the index still opens" "$(cat full.src)" 0
	check_contains "full disk: what was committed is there" "$(cat full.status)" "generation "
	check_contains "full disk: the error is recorded" "$(cat full.status)" "last error writing the index failed: the disk under the index is full"
	check_eq "full disk: search still works" "$(cat full.qrc)" 0
	# The summary counts what was committed: a batch that failed to write adds nothing.
	check_eq "full disk: the summary's chunks are the index's" \
		"$(sed -n 's/^indexed .*), \([0-9]*\) chunks\{0,1\},.*/\1/p' full.out)" \
		"$(awk '$1 == "chunks" { print $2 }' full.status)"
	check_eq "full disk: the summary's files are the index's" \
		"$(sed -n 's/^indexed \([0-9]*\) files\{0,1\} .*/\1/p' full.out)" \
		"$(awk '$1 == "files" { print $2 }' full.status)"
else
	skip "full disk under the index" "cannot mount a tmpfs here (no user or mount namespaces)"
fi

# --- a config key of the wrong type (every key: test_harden.c) ---------------------------
printf '# comment\nindex:\n  chunk_chars: lots\n' >bad.yaml
out=$("$FN_BIN" --config bad.yaml paths 2>&1); rc=$?
check_eq "config: a key of the wrong type exits 2" "$rc" 2
check_contains "config: the error names file:line and the key" "$out" "bad.yaml:3:16: index.chunk_chars:"

# --- inotify watches run out -------------------------------------------------------------
# watched LIMIT DIRS FILES_PER_DIR: index --watch with at most LIMIT inotify watches; waits
# (up to TIMEOUT s) for the fallback notice and for every file to be in the index, then
# stops the watcher.
watched() {
	rm -rf many idx-many watch.err
	python3 -c '
import os, sys
d, f = int(sys.argv[1]), int(sys.argv[2])
for i in range(d):
    os.makedirs("many/d%04d" % i)
    for j in range(f):
        with open("many/d%04d/f%d.md" % (i, j), "w") as g:
            g.write("note %d %d\n" % (i, j))
' "$2" "$3"
	cfg "$FN_TMP/many" "$FN_TMP/idx-many"
	unshare -U -r sh -c "echo $1 >/proc/sys/user/max_inotify_watches && exec '$FNB' --config cfg.yaml index --watch" \
		>watch.out 2>watch.err &
	wpid=$!
	i=0
	while [ $i -lt $((${TIMEOUT:-60} * 2)) ] && kill -0 $wpid 2>/dev/null; do
		grep -q "watches ran out" watch.err 2>/dev/null &&
			[ "$(status_of files 2>/dev/null)" = $(($2 * $3)) ] && break
		sleep 0.5
		i=$((i + 1))
	done
	kill -TERM $wpid 2>/dev/null
	wait $wpid
	wrc=$?
}
if [ "$userns" = yes ]; then
	watched 20 60 2
	check_contains "inotify watches run out: the fallback is said clearly" "$(cat watch.err)" \
		"watch: inotify watches ran out (raise fs.inotify.max_user_watches); rescanning every"
	check_eq "inotify watches run out: the watcher stops cleanly" "$wrc" 0
	check_eq "inotify watches run out: every file was indexed" "$(status_of files)" 120
	if [ -n "${FN_STRESS:-}" ]; then
		start=$(date +%s)
		TIMEOUT=1800 watched 500 1000 100
		diag "measured: 100,000 files in 1,000 folders indexed and watched in $(($(date +%s) - start)) s"
		check_contains "100,000 files: the fallback is said clearly" "$(cat watch.err)" "watches ran out"
		check_eq "100,000 files: the watcher stops cleanly" "$wrc" 0
		check_eq "100,000 files: all indexed" "$(status_of files)" 100000
	fi
else
	skip "inotify watches run out" "no user namespaces: the watch limit cannot be lowered for this test alone"
fi
tap_done
