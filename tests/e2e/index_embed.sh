# index_embed.sh - `footnote index` and `footnote search` with server embedders (openai and
# ollama kinds) against the loopback server: the dimension is probed first, replies out of
# order are put back by their index, a wrong-dimension batch leaves the index as it was (same
# generation, same results) with a clear message, an HTTP 500 or a server that is down keeps
# no chunk out (stored, searchable by words, vectors pending until the server answers), and
# a changed embedder is announced and re-embeds every chunk.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir notes
printf 'Lighthouses guide ships along the rocky coast at night.\n' >notes/lighthouse.txt
printf 'Sourdough bread rises slowly with wild yeast and flour.\n' >notes/bread.txt
printf 'Glaciers carve valleys as the ice moves downhill.\n' >notes/glacier.txt
printf 'Bees pollinate flowers and make honey in the hive.\n' >notes/bees.txt
printf 'Volcanoes erupt lava and ash from the magma chamber.\n' >notes/volcano.txt
printf 'Owls hunt mice in the dark with silent wings.\n' >notes/owl.txt
fakellm_start >/dev/null || tap_bail "fakellm did not start"

# config MODEL [PROVIDER] [INDEX_DIR]: writes cfg.yaml
config() {
	cat >cfg.yaml <<YAML
providers:
  emb: {kind: openai, base_url: "$FAKELLM_URL/v1", max_retries: 0}
  oll: {kind: ollama, base_url: "$FAKELLM_URL", max_retries: 0}
embedder: {provider: ${2:-emb}, model: "$1", batch: 4}
index: {path: $FN_TMP/${3:-ix}, folders: [{path: $FN_TMP/notes}]}
YAML
}
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
field() { fn index --status | sed -n "s/^$1 *//p"; }
# every chunk's path for a few queries, in rank order, one line per query
results() {
	for q in "ships on the coast" "yeast bread" "ice valleys" "honey hive" "lava" "owls at night"; do
		fn search --json --mode "${1:-vector}" -k 6 "$q" |
			python3 -c 'import json,sys; print(" ".join(h["path"].rsplit("/",1)[1] for h in json.load(sys.stdin)["hits"]))'
	done
}

config "embed:dim=48"
out=$(fn index 2>&1); rc=$?
check_eq "openai embedder: index exits 0" "$rc" 0
check_eq "the status names the embedder" "$(field embedder)" "openai:embed:dim=48 (48 dimensions)"
check_eq "the first request probes the dimension with one text" \
	"$(fakellm_query 'len(r[0]["body"]["input"])')" 1
check_eq "the chunks go in batches of at most 4" \
	"$(fakellm_query 'max(len(x["body"]["input"]) for x in r)')" 4
out=$(fn search --mode vector "honey bees in the hive" 2>&1)
check_contains "vector search through the server finds the file" "$(printf '%s\n' "$out" | head -n 1)" "bees.txt"
n=$(fakellm_query 'len(r)')
out=$(fn ask "what do bees make in the hive?" 2>&1)
check_contains "ask retrieves through the server embedder" "$out" "notes/bees.txt"
check_eq "ask embedded the question (probe + query)" "$(fakellm_query 'len(r)')" "$((n + 2))"
before=$(results)
hybrid=$(results hybrid)
gen=$(field generation)

# Replies out of order: an index built from reversed replies searches the same.
config "embed:dim=48" emb ix2
fakellm_reset
fakellm_script pass embed:shuffled:dim=48 embed:shuffled:dim=48
fn index >/dev/null 2>&1
check_eq "the shuffled replies were used" "$(fakellm_query 'sum(x["scenario"].startswith("embed:shuffled") for x in r)')" 2
check_eq "replies out of order are put back by their index" "$(results)" "$before"
fakellm_reset
config "embed:dim=48"

# A wrong dimension in one batch: nothing of it is written.
printf 'Comets have icy tails that point away from the sun.\n' >notes/comet.txt
fakellm_script pass embed:wrong-dim:dim=48
out=$(fn index 2>&1); rc=$?
check "a wrong dimension fails the run" [ "$rc" -ne 0 ]
check_contains "a wrong dimension is explained" "$out" "dimension 47"
check_contains "... and says nothing was written" "$out" "nothing of this batch was written"
check_eq "wrong dimension: same generation" "$(field generation)" "$gen"
check_eq "wrong dimension: same results" "$(results)" "$before"
check_eq "wrong dimension: same hybrid results" "$(results hybrid)" "$hybrid"
check_contains "wrong dimension: the status shows the error" "$(field 'last error')" "dimension"
fakellm_reset

# HTTP 500 from the embedding server.
fakellm_script pass embed:500
out=$(fn index 2>&1); rc=$?
check_eq "an HTTP 500: the run still indexes (exit 0)" "$rc" 0
check_contains "an HTTP 500 is explained" "$out" "HTTP 500"
check_contains "... and the chunk waits for its vector" "$out" "1 chunk waits for vectors"
check_eq "HTTP 500: the status counts it" "$(field pending)" "1 chunk waiting for vectors"
check_contains "HTTP 500: the new file is searchable by its words" "$(fn search --mode lexical 'icy comet tails' | head -n 1)" "comet.txt"
check_eq "HTTP 500: the vector results are the old ones" "$(results)" "$before"
fakellm_reset

# The server answers again: the new file goes in.
out=$(fn index 2>&1); rc=$?
check_eq "after the faults the run succeeds" "$rc" 0
check_eq "after the faults: no chunk waits" "$(field pending)" "0 chunks waiting for vectors"
check_contains "the new file is searchable" "$(fn search --mode vector 'icy comet tails' | head -n 1)" "comet.txt"
chunks=$(field chunks)

# Another model: said, and every chunk embedded again; never a mix.
config "embed:dim=32"
fakellm_reset
out=$(fn index 2>&1); rc=$?
check_eq "a changed embedder: index exits 0" "$rc" 0
check_contains "a changed embedder is announced" "$out" \
	"the embedder changed from openai:embed:dim=48 (48 dims) to openai:embed:dim=32 (32 dims): re-embedding all $chunks chunks"
check_eq "every chunk is embedded again" \
	"$(fakellm_query 'sum(len(x["body"]["input"]) for x in r[1:])')" "$chunks"
check_eq "the status names the new embedder" "$(field embedder)" "openai:embed:dim=32 (32 dimensions)"
config "embed:dim=48"
out=$(fn search --mode vector "honey" 2>&1); rc=$?
check "searching with the old embedder is refused" [ "$rc" -ne 0 ]
check_contains "... saying the embedders differ" "$out" "embedder"

# A change interrupted by a fault leaves no vector of the old embedder behind.
config "embed:dim=24"
fakellm_reset
fakellm_script pass pass embed:500
out=$(fn index 2>&1)
check_contains "an interrupted change is announced" "$out" "the embedder changed"
check_eq "the index records the new embedder at once" "$(field embedder)" "openai:embed:dim=24 (24 dimensions)"
n=$(fn search --json --mode vector -k 50 "honey" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"]))')
check "only chunks embedded by the new embedder are found" [ "$n" -lt "$chunks" ]
fakellm_reset
fn index >/dev/null 2>&1
n=$(fn search --json --mode vector -k 50 "honey" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"]))')
check_eq "the next run embeds the rest" "$n" "$chunks"

# Ollama's /api/embed.
config "embed:dim=40" oll ix3
fakellm_reset
out=$(fn index 2>&1); rc=$?
check_eq "ollama embedder: index exits 0" "$rc" 0
check_eq "ollama: /api/embed was used" "$(fakellm_query 'sorted(set(x["path"] for x in r))')" '["/api/embed"]'
check_contains "ollama: vector search finds the file" "$(fn search --mode vector 'lava from the magma chamber' | head -n 1)" "volcano.txt"

# The server is down.
gen=$(field generation)
fakellm_stop
printf 'Tides follow the moon.\n' >notes/tides.txt
out=$(fn index 2>&1); rc=$?
check_eq "a server that is down: the run still indexes (exit 0)" "$rc" 0
check_contains "... saying the vectors follow" "$out" "filled in when the embedder answers again"
check_eq "server down: the chunk waits for its vector" "$(field pending)" "1 chunk waiting for vectors"
check_contains "server down: searchable by its words" "$(fn search --mode lexical 'tides moon' 2>&1 | head -n 1)" "tides.txt"
out=$(fn search "lava" 2>&1); rc=$?
check "search with the server down fails clearly" [ "$rc" -ne 0 ]
check_contains "... naming the embedder" "$out" "embedder"
tap_done
