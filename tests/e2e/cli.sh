# cli.sh - the command line as a user meets it: help, version, paths, config errors, exit
# codes, and check-deps catching a planted upward include.
. "$FN_ROOT/tests/lib/tap.sh"
cd "$FN_TMP" || exit 1

out=$("$FN_BIN" --version); check_contains "--version prints the version" "$out" "footnote "
out=$("$FN_BIN" --help); check_contains "--help lists commands" "$out" "paths"
check_contains "--help documents exit codes" "$out" "2 usage or config error"
out=$("$FN_BIN" search --help); check_contains "a command has its own --help" "$out" "usage: footnote search"
"$FN_BIN" frobnicate >/dev/null 2>&1; check_eq "an unknown command exits 2" "$?" 2
out=$("$FN_BIN" frobnicate 2>&1); check_contains "an unknown command is named" "$out" 'unknown command "frobnicate"'

# No config file: built-in defaults, this directory as the folder.
out=$("$FN_BIN" paths); rc=$?
check_eq "paths exits 0" "$rc" 0
check_contains "paths says there is no config" "$out" "built-in defaults"
check_contains "paths shows the data dir" "$out" "$XDG_DATA_HOME/footnote"
check_contains "paths shows the log in the state dir" "$out" "$XDG_STATE_HOME/footnote/footnote.log"
check_contains "paths shows this folder" "$out" "folder    $FN_TMP"
check_contains "paths finds the themes" "$out" "/themes"

# The issue's example: line 7 has top_k: six.
cat >bad.yaml <<'YAML'
providers:
  local: {kind: openai, base_url: http://127.0.0.1:8080/v1}
profiles:
  rag:
    provider: local
    model: llama3.1
    retrieval: {top_k: six}
YAML
out=$("$FN_BIN" --config bad.yaml paths 2>&1); rc=$?
check_eq "a bad value exits 2" "$rc" 2
check_eq "a bad value names file:line:column, key, expectation" "$out" \
	'bad.yaml:7:24: profiles.rag.retrieval.top_k: expected an integer 1..100, got "six"'

printf 'ui:\n  theme: light\n  colours: many\n' >unknown.yaml
out=$("$FN_BIN" --config unknown.yaml paths 2>&1); rc=$?
check_eq "an unknown key exits 2" "$rc" 2
check_contains "an unknown key is named with its place" "$out" "unknown.yaml:3:3: ui.colours: unknown key"

# Every key of the wrong type: each is fatal with a message, never a crash.
for kv in "providers: 3" "embedder: [a]" "index: {max_file_mb: big}" "profiles: {rag: {temperature: [1]}}" \
	  "default_profile: {a: 1}" "ui: {mouse: 2}" "log: {level: 7}" "index: {folders: [3]}" \
	  "index: {converters: [a]}" "ui: {keys: 5}"; do
	printf '%s\n' "$kv" >wrong.yaml
	out=$("$FN_BIN" --config wrong.yaml paths 2>&1); rc=$?
	check_eq "wrong type exits 2: $kv" "$rc" 2
	check_contains "wrong type is explained: $kv" "$out" "wrong.yaml:1:"
done

FOOTNOTE_CONFIG="$FN_TMP/unknown.yaml" "$FN_BIN" paths >/dev/null 2>&1
check_eq "FOOTNOTE_CONFIG is read" "$?" 2
mkdir -p "$XDG_CONFIG_HOME/footnote"
printf 'ui: {sources_width: 50}\n' >"$XDG_CONFIG_HOME/footnote/config.yaml"
out=$("$FN_BIN" paths); check_contains "XDG_CONFIG_HOME/footnote/config.yaml is read" "$out" "config    $XDG_CONFIG_HOME/footnote/config.yaml"
rm "$XDG_CONFIG_HOME/footnote/config.yaml"

"$FN_BIN" --config "$FN_ROOT/config.example.yaml" paths >/dev/null 2>err.txt
check_eq "config.example.yaml loads" "$?" 0
check_eq "config.example.yaml loads without a warning" "$(cat err.txt)" ""


# Secrets: a literal key in a readable file is refused without echoing it.
printf 'providers:\n  p: {kind: openai, api_key: sk-live-DONOTPRINT}\n' >key.yaml
chmod 644 key.yaml
out=$("$FN_BIN" --config key.yaml paths 2>&1); rc=$?
check_eq "a readable file with a key exits 2" "$rc" 2
check_contains "and says chmod 600" "$out" "chmod 600"
check_not_contains "and never prints the key" "$out" "DONOTPRINT"

# check-deps: clean tree passes; a planted upward include fails.
check "check-deps passes on the tree" sh "$FN_ROOT/scripts/check-deps.sh" "$FN_ROOT"
for plant in "index/planted.c:#include \"core/app/config.h\"" "core/planted.c:#include <curses.h>" \
	     "ui/planted.c:#include <ncurses.h>" "base/planted.c:#include \"index/idx.h\"" \
	     "core/planted.h:#include \"../ui/cli.h\""; do
	rm -rf tree && mkdir tree && cp -r "$FN_ROOT/base" "$FN_ROOT/index" "$FN_ROOT/core" "$FN_ROOT/ui" tree/
	printf '%s\n' "${plant#*:}" >"tree/${plant%%:*}"
	check_fails "check-deps fails on ${plant%%:*}" sh "$FN_ROOT/scripts/check-deps.sh" tree
done

# Index in one process, search in another (a read-only open), options after the query.
mkdir -p "$FN_TMP/docs" && printf 'Otters hold hands while they sleep.\n' >"$FN_TMP/docs/otters.md"
check "index a folder" "$FN_BIN" index "$FN_TMP/docs"
out=$("$FN_BIN" search otters --json -k 1 2>&1)
check_contains "search in a new process finds the file, options after the query" "$out" '"path":"'"$FN_TMP"'/docs/otters.md"'
out=$("$FN_BIN" search --mode lexical -k 3 otters 2>&1)
check_contains "options before the query work too" "$out" "otters.md:1-1"

# footnote's own config, data and state are never indexed, even when the folder holds them
# (a watched home): not the log it writes, not a config that may hold a key.
mkdir -p "$XDG_CONFIG_HOME/footnote"
printf '# zanzibarquux settings\nlog: {level: info}\n' >"$XDG_CONFIG_HOME/footnote/config.yaml"
chmod 600 "$XDG_CONFIG_HOME/footnote/config.yaml"
printf 'zanzibarquux notes\n' >"$FN_TMP/home-note.md"
mkdir -p "$XDG_STATE_HOME/footnote" "$XDG_DATA_HOME/footnote"
printf 'zanzibarquux in the log\n' >>"$XDG_STATE_HOME/footnote/footnote.log"
printf 'zanzibarquux in the history\n' >>"$XDG_DATA_HOME/footnote/history"
check "index a folder that holds footnote's own directories" "$FN_BIN" index "$FN_TMP"
out=$("$FN_BIN" search --json -k 50 zanzibarquux 2>&1)
check_contains "the user's file is found" "$out" "home-note.md"
check_not_contains "footnote's config is not indexed" "$out" "config.yaml"
check_not_contains "nor its log" "$out" "footnote.log"
check_not_contains "nor its data (history)" "$out" "/history"
rm -f "$XDG_CONFIG_HOME/footnote/config.yaml"

tap_done
