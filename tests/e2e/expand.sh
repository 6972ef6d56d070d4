# expand.sh - query expansion (issue 16): a model writes sub-queries, each searched with the
# question through the profile's own search and fused by RRF; the provenance records them;
# an HTTP 500, a stall past the timeout or a reply with no query falls back to the question
# alone and says why; a sub-query never reaches a collection the profile may not see; the
# config refuses expansion with the builtin provider, naming the key.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
cd "$FN_TMP" || exit 1
mkdir -p notes/public notes/private fx
printf '# Signals\n\nSend SIGKILL with kill -9 to terminate a process that ignores SIGTERM.\n' >notes/public/signals.md
printf '# Tea\n\nGreen tea is steeped at 80 degrees for two minutes.\n' >notes/public/tea.md
printf '# Secret\n\nThe private runbook says to terminate a process by rebooting the host.\n' >notes/private/runbook.md
reply() { # FILE TEXT: a non-streamed chat completion whose content is TEXT
	python3 -c 'import json,sys; print(json.dumps({"id": "x", "object": "chat.completion", "created": 1, "model": "m",
 "choices": [{"index": 0, "message": {"role": "assistant", "content": sys.argv[2]}, "finish_reason": "stop"}]}))' \
		"$1" "$2" >"fx/$1"
}
reply ex.json "$(printf '1. terminate process SIGKILL\n2. How can a program that hangs be ended?\n3. Use kill -9 to terminate the process.')"
reply empty.json "$(printf '\n  \n')"
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  local: {kind: openai, base_url: "$FAKELLM_URL/v1"}
index:
  folders: [{path: $FN_TMP/notes/public, collection: public}, {path: $FN_TMP/notes/private, collection: private}]
profiles:
  plain: {provider: local, model: llama3.1, retrieval: {collections: [public], mode: lexical}}
  ex: {provider: local, model: llama3.1, expand: {enabled: true, model: "fixture:ex.json"},
       retrieval: {collections: [public], mode: lexical}}
  ex500: {provider: local, model: llama3.1, expand: {enabled: true, model: "fault:500"},
          retrieval: {collections: [public], mode: lexical}, no_evidence: answer}
  exstall: {provider: local, model: llama3.1, expand: {enabled: true, model: stall, timeout_s: 1},
            retrieval: {collections: [public], mode: lexical}, no_evidence: answer}
  exempty: {provider: local, model: llama3.1, expand: {enabled: true, model: "fixture:empty.json"},
            retrieval: {collections: [public], mode: lexical}, no_evidence: answer}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
q="How do I stop a runaway program?"
jget() { printf '%s' "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps($2))"; }

out=$(fn ask --profile plain --json "$q"); rc=$?
check_eq "without expansion: exit 0" "$rc" 0
check_eq "... the question's own words find nothing: declined" "$(jget "$out" 'd["outcome"]')" '"declined"'

fakellm_reset >/dev/null
out=$(fn ask --profile ex --json "$q"); rc=$?
check_eq "expansion: exit 0" "$rc" 0
check_eq "the expansion request comes first, not streamed, then the answer" \
	"$(fakellm_query '[x["body"]["stream"] for x in r]')" '[false, true]'
check_contains "it asks for three queries for the question" \
	"$(fakellm_query 'r[0]["body"]["messages"][1]["content"]')" "Write 3 search queries, one per line, for this question:\\n$q"
check_eq "the answer is completed" "$(jget "$out" 'd["outcome"]')" '"completed"'
check_contains "a sub-query found the passage the question could not" "$(jget "$out" '[c["path"] for c in d["citations"]]')" "signals.md"
check_eq "the provenance records the sub-queries" "$(jget "$out" 'd["provenance"]["retrieval"]["expansion"]')" \
	'"terminate process SIGKILL\nHow can a program that hangs be ended?\nUse kill -9 to terminate the process."'
check_not_contains "a sub-query never reaches a collection the profile may not see" \
	"$(jget "$out" '[c["path"] for c in d["citations"]] + [c["path"] for c in d["provenance"].get("dropped_for_budget", [])]')" "runbook.md"
check_not_contains "... nor the prompt" "$(fakellm_query 'r[-1]["body"]["messages"][-1]["content"]')" "rebooting"

out=$(fn ask --profile ex500 --json "$q"); rc=$?
check_eq "HTTP 500 from the expander: still answered (exit 0)" "$rc" 0
check_contains "... and the provenance says why the question was searched alone" \
	"$(jget "$out" 'd["provenance"]["retrieval"]["expansion"]')" "the expansion failed (HTTP 500"
out=$(fn ask --profile exstall --json "$q"); rc=$?
check_eq "a stalled expander: still answered (exit 0)" "$rc" 0
check_contains "... after its timeout, said" "$(jget "$out" 'd["provenance"]["retrieval"]["expansion"]')" "the expansion failed"
out=$(fn ask --profile exempty --json "$q")
check_eq "a reply with no query: said" "$(jget "$out" 'd["provenance"]["retrieval"]["expansion"]')" \
	'"the expansion'"'"'s reply held no query"'

# eval runs the same turns: the expansion is waited for, and helps.
printf '{"id": "k", "question": "%s", "relevant": ["signals.md"]}\n' "$q" >q.jsonl
out=$(fn eval q.jsonl --profiles plain,ex --answers --json); rc=$?
check_eq "eval with an expanding profile: exit 0, no hang" "$rc" 0
check_eq "... plain declines, the expanding profile answers" \
	"$(jget "$out" '[p["answers"]["completed"] for p in d["profiles"]]')" "[0, 1]"

# The terminal interface: the answer comes, and the sources pane shows what was searched.
tmx_start 120 30 "$FN_BIN" --config "$FN_TMP/cfg.yaml"
check "the TUI starts" tmx_wait_for "idle" 20
tmx_type "/profile ex"
tmx_send Enter
tmx_type "$q"
tmx_send Enter
check "the TUI answers with the expanding profile" tmx_wait_for "signals.md" 20
check "the sources pane shows the sub-queries" tmx_wait_for "expansion: terminate process SIGKILL" 10
check_contains "... each of them" "$(tmx_capture)" "· How can a program that hangs be"
tmx_type "/quit"
tmx_send Enter
check "the TUI exits" tmx_wait_dead 10

cat >bad.yaml <<YAML
profiles:
  off: {provider: builtin, expand: {enabled: true}}
YAML
err=$("$FN_BIN" --config bad.yaml ask "x" 2>&1 >/dev/null); rc=$?
check_eq "expansion with the builtin provider: exit 2" "$rc" 2
check_contains "... naming the key and what to do" "$err" "profiles.off.expand.provider"
check_contains "... and why" "$err" "query expansion needs a model server"
tap_done
