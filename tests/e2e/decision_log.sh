# decision_log.sh - `footnote log`: answers across sessions with what produced them (profile,
# model, fine-tune checkpoint and data version, retrieval settings, index generation, cost),
# filtered, as a table, JSON and CSV; saved sessions of both turn versions are read.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
T=$(pwd -P)
mkdir notes
printf 'Iron rusts when exposed to oxygen and water.\n' >notes/iron.md
fakellm_start >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
index: {folders: [{path: $T/notes}]}
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
prices:
  llama3.1: {input: 1000, output: 2000}
profiles:
  tuned: {provider: fake, model: llama3.1, adapter: "0", checkpoint: ck-7, dataset_version: ds-3,
          retrieval: {mode: lexical, top_k: 3}}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
jget() { printf '%s' "$1" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"; }
fn index >/dev/null 2>&1 || tap_bail "footnote index failed"
dir=$(fn paths | awk '$1 == "sessions" {print $2}')
mkdir -p "$dir"
cp "$FN_ROOT"/tests/data/sessions/*.json "$dir/"
fakellm_post /_mode '{"lora": ["/models/notes.gguf"]}' >/dev/null
fn ask --session 20261122 --profile tuned "What makes iron rust?" >/dev/null 2>err.txt || tap_bail "ask --session failed: $(cat err.txt)"

out=$(fn log --json); rc=$?
check_eq "log --json: exit 0" "$rc" 0
check_eq "log: every finished answer of both sessions, oldest first" \
	"$(jget "$out" '[(a["session"][-4:], a["turn"], a["provenance"]["profile"]) for a in d["answers"]]')" \
	"[('ab12', 1, 'rag'), ('ab12', 2, 'hybrid'), ('cd34', 1, 'rag-label'), ('cd34', 2, 'rag'), ('cd34', 3, 'rag'), ('cd34', 4, 'tuned')]"
check_eq "log: the new answer's checkpoint, data version, adapter and retrieval settings" \
	"$(jget "$out" '(lambda p: [p["fine_tune"]["checkpoint"], p["fine_tune"]["dataset_version"], p["fine_tune"]["kind"], p["retrieval"]["mode"], p["retrieval"]["top_k"], p["index"]["generation"] > 0])(d["answers"][-1]["provenance"])')" \
	"['ck-7', 'ds-3', 'lora', 'lexical', 3, True]"
check_eq "log: the new answer's cost is priced" "$(jget "$out" 'd["answers"][-1]["cost"]["priced"]')" "True"

out=$(fn log --json --checkpoint ck-7)
check_eq "--checkpoint filters" "$(jget "$out" 'len(d["answers"])')" "1"
out=$(fn log --json --profile rag --until 2026-11-21)
check_eq "--profile and --until (a whole day)" "$(jget "$out" '[a["provenance"]["time"] for a in d["answers"]]')" "['2026-11-21T13:25:10Z']"
out=$(fn log --json --since 2026-11-22 --model llama3.1)
check_eq "--since and --model" "$(jget "$out" 'len(d["answers"])')" "4"
out=$(fn log --json --session 20261121 --limit 1)
check_eq "--session prefix, --limit keeps the latest" "$(jget "$out" '[(a["turn"], a["provenance"]["model"]) for a in d["answers"]]')" "[(2, 'my-fine-tune')]"

csv=$(fn log --csv --dataset ds-3); rc=$?
check_eq "--csv: exit 0" "$rc" 0
check_eq "--csv: a header and one row" "$(printf '%s\n' "$csv" | wc -l | tr -d ' ')" "2"
check_eq "--csv: the row's fields" "$(printf '%s\n' "$csv" | python3 -c 'import csv, sys; r = list(csv.DictReader(sys.stdin))[0]; print([r[k] for k in ("profile", "model", "fine_tune", "checkpoint", "dataset_version", "turn")])')" \
	"['tuned', 'llama3.1', 'lora', 'ck-7', 'ds-3', '4']"

table=$(fn log --profile tuned)
check_contains "table: checkpoint and data" "$table" "checkpoint ck-7  data ds-3"
check_contains "table: retrieval settings" "$table" "retrieval lexical top_k=3"
fn log --profile nobody >out.txt 2>err.txt; rc=$?
check_eq "no match: exit 0" "$rc" 0
check_contains "no match: says where to look" "$(cat err.txt)" "no answers match"
fn log --json --csv >/dev/null 2>err.txt; rc=$?
check_eq "--json --csv: exit 2" "$rc" 2
fn log stray >/dev/null 2>err.txt; rc=$?
check_eq "a stray word: exit 2" "$rc" 2
check_contains "a stray word: says what filters are" "$(cat err.txt)" "filters are options"
tap_done
