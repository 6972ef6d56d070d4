# index_links.sh - symbolic links: followed to targets inside the folder (indexed once,
# under the target's own path), never out of it, loops end, excluded targets stay excluded.
. "$FN_ROOT/tests/lib/tap.sh"
cd "$FN_TMP" || exit 1
mkdir -p notes/sub notes/private outside
printf 'The lighthouse keeper logs every passing ship.\n' >notes/sub/real.txt
printf 'Hidden diary about the lighthouse.\n' >notes/private/diary.txt
printf 'private/\n' >notes/.gitignore
printf 'A zebra escaped from the zoo.\n' >outside/secret.txt
ln -s sub/real.txt notes/alias.txt          # file inside
ln -s sub notes/linkdir                     # directory inside
ln -s "$FN_TMP/notes/sub" notes/abs         # absolute, inside
ln -s .. notes/sub/up                       # loop to the folder
ln -s . notes/sub/self                      # loop to itself
ln -s loop2 notes/loop1; ln -s loop1 notes/loop2   # a link cycle
ln -s ../outside notes/out                  # directory outside
ln -s ../outside/secret.txt notes/secret.txt # file outside
ln -s out notes/chain                       # a link to a link that leaves
ln -s private notes/privlink                # inside, but ignored where it is
ln -s nowhere notes/dangling
cat >cfg.yaml <<YAML
index: {path: $FN_TMP/ix, folders: [{path: $FN_TMP/notes}]}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }

out=$(timeout 60 "$FN_BIN" --config cfg.yaml index 2>&1); rc=$?
check_eq "indexing a folder with links and loops ends and exits 0" "$rc" 0
check_eq "each file inside is indexed once (real.txt, .gitignore)" "$(fn index --status | sed -n 's/^files *//p')" 2
hits=$(fn search --json --mode lexical -k 10 "lighthouse" | python3 -c 'import json,sys; print(" ".join(h["path"] for h in json.load(sys.stdin)["hits"]))')
check_eq "a target reached through links has its own path" "$hits" "$FN_TMP/notes/sub/real.txt"
out=$(fn search "zebra escaped zoo")
check_not_contains "links out of the folder are not followed" "$out" "zebra"

# The target moves elsewhere in the folder and a link takes its old place.
mkdir notes/deep && mv notes/sub notes/deep/sub && ln -sfn deep/sub notes/sub
out=$(timeout 60 "$FN_BIN" --config cfg.yaml index 2>&1); rc=$?
check_eq "reindex after moving the target exits 0" "$rc" 0
hits=$(fn search --json --mode lexical -k 10 "lighthouse" | python3 -c 'import json,sys; print(" ".join(h["path"] for h in json.load(sys.stdin)["hits"]))')
check_eq "the moved target is found under its new path, once" "$hits" "$FN_TMP/notes/deep/sub/real.txt"
tap_done
