# tui_conversation.sh - the terminal interface keeps the conversation, checked in the loopback
# server's request log: the third request carries the two earlier turns in order; a profile
# switch keeps the conversation (the fine-tuned profile gets it too); /compare sends each side
# the conversation so far; the status bar says when old turns are left out; a rewritten
# follow-up shows what it searched for; /new starts afresh; --session gives the history back.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
mkdir -p notes fx
printf '# Water\n\nWater boils at 100 degrees Celsius at sea level.\nIce melts at zero degrees.\n' >notes/water.md
cat >fx/rw.json <<'JSON'
{"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": [{"index": 0, "message": {"role": "assistant", "content": "At what temperature does ice melt?"}, "finish_reason": "stop"}]}
JSON
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
index: {folders: [{path: $FN_TMP/notes}]}
profiles:
  chat: {provider: fake, model: llama3.1, rewrite: off, no_evidence: answer}
  tuned: {provider: fake, model: my-fine-tune, retrieval: {enabled: false}}
  small: {provider: fake, model: my-fine-tune, retrieval: {enabled: false}, context_tokens: 300, max_tokens: 150}
  rw: {provider: fake, model: llama3.1, rewrite_model: "fixture:rw.json"}
default_profile: chat
YAML
dir="$XDG_DATA_HOME/footnote/sessions"
chat() { fakellm_query "[x for x in r if x['path'] == '/v1/chat/completions' and x['body'].get('stream')]$1"; }
# Waits (bounded) until the newest session file has N finished turns.
wait_saved() {
	i=0
	while [ $i -lt 200 ]; do
		f=$(ls -t "$dir"/*.json 2>/dev/null | head -n 1)
		[ -n "$f" ] && [ "$(python3 -c 'import json,sys; print(sum(t["finished"] for t in json.load(open(sys.argv[1]))["turns"]))' "$f" 2>/dev/null)" = "$1" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
ask() {
	tmx_type "$1"
	tmx_send Enter
}

tmx_start 120 32 "$FN_BIN" --config "$FN_TMP/cfg.yaml"
check "the interface starts and indexes" tmx_wait_for "1 file" 20
ask "At what temperature does water boil?"
check "the first answer is saved" wait_saved 1
ask "And ice?"
check "the second answer is saved" wait_saved 2
ask "Why is that so?"
check "the third answer is saved" wait_saved 3
check_eq "the third request carries the two earlier turns, in order" \
	"$(chat '[2]["body"]["messages"][1:5]' | python3 -c 'import json,sys; print([(m["role"], m["content"][:20]) for m in json.load(sys.stdin)])')" \
	"[('user', 'At what temperature '), ('assistant', 'According to the not'), ('user', 'And ice?'), ('assistant', 'According to the not')]"
check_contains "... then the new question" "$(chat '[2]["body"]["messages"][5]["content"]')" "Question: Why is that so?"
check_not_contains "an earlier answer goes without its markers" "$(chat '[2]["body"]["messages"][2]["content"]')" "[1]"

tmx_type "/profile tuned"
tmx_send Enter
ask "Say it in one line?"
check "the fine-tuned answer is saved" wait_saved 4
check_eq "a profile switch keeps the conversation: three turns, then the question" \
	"$(chat '[3]["body"]["messages"]' | python3 -c 'import json,sys; m=json.load(sys.stdin); print(len(m), m[1]["content"], m[-1]["content"].strip()[-19:])')" \
	"8 At what temperature does water boil? Say it in one line?"

ask "/compare chat tuned Compare the two?"
check "both sides are saved" wait_saved 6
check_eq "/compare: each side gets the four turns so far" \
	"$(chat '[4:6]' | python3 -c 'import json,sys; print([len(x["body"]["messages"]) for x in json.load(sys.stdin)])')" "[10, 10]"

tmx_type "/profile small"
tmx_send Enter
ask "Short?"
check "over the budget, the status bar says old turns are left out" tmx_wait_for "oldest turns? left out to fit the context"
check "the small answer is saved" wait_saved 7
chat '[6]["body"]["messages"]' >"$FN_TMP/small.json"
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$FN_TMP/small.json")
check "... and the request carries fewer turns" test "$n" -lt 12
check_eq "... the newest of them last" "$(chat '[6]["body"]["messages"][-3]["content"]')" '"Compare the two?"'

tmx_type "/profile rw"
tmx_send Enter
ask "and melting?"
check "the rewritten follow-up shows what it searched for" tmx_wait_for "searched for: At what"
check "the rewritten answer is saved" wait_saved 8
check_eq "the rewrite request is not streamed" \
	"$(fakellm_query '[x["body"]["stream"] for x in r if x["body"] and x["body"].get("model") == "fixture:rw.json"]')" "[false]"
sid=$(basename "$(ls -t "$dir"/*.json | head -n 1)" .json)

tmx_type "/new"
tmx_send Enter
tmx_type "/profile chat"
tmx_send Enter
ask "A fresh question about water?"
check "the fresh answer is saved" wait_saved 1
check_eq "/new: the request carries no earlier turn" "$(chat '[-1]["body"]["messages"]' | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 2
tmx_type "/quit"
tmx_send Enter
check "/quit exits" tmx_wait_dead 10
tmx_kill

tmx_start 120 32 "$FN_BIN" --config "$FN_TMP/cfg.yaml" --session "$sid"
check "--session resumes: the conversation is shown again" tmx_wait_for "and melting\?"
ask "Once more?"
check "the resumed answer is saved" tmx_wait_for "Once more?"
i=0
while [ "$(chat '[-1]["body"]["messages"][-1]["content"]' | grep -c 'Once more')" = 0 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
check_eq "--session: the model gets the saved history back" \
	"$(chat '[-1]["body"]["messages"][1]["content"]')" '"At what temperature does water boil?"'
tmx_type "/quit"
tmx_send Enter
check "/quit exits again" tmx_wait_dead 10
cp "$FN_TMP/small.json" /tmp/c/small.json 2>/dev/null; tap_done
