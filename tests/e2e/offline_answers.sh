# offline_answers.sh - the builtin answerer on the questions a new user asked of guides and
# Debian-style docs (issue 16): the sentence that answers, never a heading or the FAQ's
# question again, bullets under their own heading, a key binding and an option verbatim, the
# README's Safety section rather than its code; "quoted from N passages" and a relevance
# figure instead of a grounding that a quote always earns, in `ask`, --json and the TUI.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
cd "$FN_TMP" || exit 1
cp -r "$FN_ROOT/tests/data/offline" docs
printf 'index: {folders: [{path: %s/docs}]}\ndefault_profile: offline\n' "$FN_TMP" >cfg.yaml
ask() { "$FN_BIN" --config cfg.yaml ask --profile offline "$@"; }
first() { ask "$1" | head -n 1; }

check_eq "a heading that restates the question is not quoted" "$(first 'Why use man-db instead of man?')" \
	"man-db is the implementation of man that Debian ships; it keeps an index database so that apropos and whatis answer at once, and it caches formatted pages [1]."
a=$(first "When should I fine-tune instead of RAG?")
check_contains "an FAQ is answered by its answer" "$a" \
	"Fine-tune when you need to change how the model behaves: its tone, its output format, or a task it does badly ["
check_not_contains "... not by its question" "$a" "When should I"
a=$(first "What does fine-tuning cost?")
check_contains "a bullet goes with its own heading" "$a" \
	"Fine-tuning costs: Training runs cost about \$500 upfront, and again after each change of the data [1]."
check_not_contains "... never with the section before" "$a" "RAG costs"
a=$(first "what does C-b d do?")
check_contains "a key binding is found and quoted" "$a" "C-b d Detach the current client ["
check_not_contains "... not the warning above it" "$a" "Warning"
check_contains "an option is quoted verbatim, its dashes kept" "$(first 'What does --group-separator do?')" \
	"--group-separator=SEP When -A, -B, or -C are in use, print SEP instead of -- between groups of lines ["
a=$(first "What does the README say about safety?")
check_contains "the README's Safety section is cited" "$a" \
	"footnote sends your documents to no server unless a profile names one, and it never prints a secret ["
check_not_contains "... not its code block" "$a" "footnote ask"

out=$(ask "Why use man-db instead of man?")
check_contains "ask says how many passages it quoted and how much they cover" "$out" \
	"Quoted from 1 passage, covering"
check_not_contains "... and no grounding a quote always earns" "$out" "Grounding:"
json=$(ask --json "what does C-b d do?")
check_contains "--json: quoted_passages" "$json" '"quoted_passages":1'
check_contains "--json: relevance" "$json" '"relevance":1'

# The figure can be low: words of the question found, the question not answered.
printf 'Configure the editor with the EDITOR variable; the pager is configured the same way.\n' >docs/editor.txt
out=$(ask "How do I configure the flux capacitor for time travel?")
pct=$(printf '%s\n' "$out" | sed -n 's/.*covering \([0-9]*\)%.*/\1/p')
low() { [ -n "$1" ] && [ "$1" -lt 40 ]; }
check "a quote that does not answer shows a low relevance ($pct%)" low "$pct"

# ---- the terminal interface ---------------------------------------------------------------
tmx_start 120 30 "$FN_BIN" --config "$FN_TMP/cfg.yaml"
check "the TUI starts" tmx_wait_for "idle" 20
tmx_type "what does C-b d do?"
tmx_send Enter
check "the TUI quotes the key binding" tmx_wait_for "C-b d Detach the current client" 15
check "its footer: quoted from 1 passage and the relevance" tmx_wait_for "quoted from 1 passage · relevance 100%" 10
check_not_contains "... no grounding figure" "$(tmx_capture)" "grounding"
tmx_type "/quit"
tmx_send Enter
check "the TUI exits" tmx_wait_dead 10
tap_done
