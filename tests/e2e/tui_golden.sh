# tui_golden.sh - golden screens: the real binary in tmux at a fixed size against the
# loopback model server, each screen captured once it has reached its final state (waits
# on text, never on time) and compared with tests/golden/NAME.txt. Timings ("12 ms") are
# normalised (the digits, and the spaces on that line, which shift with their count). To
# regenerate after a deliberate change:
#   FN_GOLDEN_UPDATE=1 FN_ONLY=tui_golden tests/run.sh build/asan
# then review `git diff tests/golden`.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/tmux.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
unset DISPLAY WAYLAND_DISPLAY
GOLDEN="$FN_ROOT/tests/golden"


# attrs: capture -e output (SGR changes relative to the previous cell) to one canonical
# form, {bold,reverse|text} per run of cells with the same attributes, so the golden does
# not depend on how tmux chose to serialise them. Trailing blanks are dropped unless
# reversed (only then do they show).
attrs() {
	python3 -c '
import re, sys
names = {1: "bold", 2: "dim", 3: "italic", 4: "underline", 7: "reverse"}
off = {22: (1, 2), 23: (3,), 24: (4,), 27: (7,)}
cur = set()
for line in sys.stdin.read().split("\n"):
    cells = []
    for tok in re.split(r"(\x1b\[[0-9;]*m)", line):
        m = re.fullmatch(r"\x1b\[([0-9;]*)m", tok)
        if m:
            ps = [int(p) for p in m.group(1).split(";") if p] or [0]
            for p in ps:
                if p == 0: cur = set()
                elif p in names: cur.add(p)
                elif p in off: cur -= set(off[p])
                elif 30 <= p <= 107 and p not in (39, 49): cur.add(("colour", p))
            continue
        cells += [(c, frozenset(cur)) for c in tok]
    while cells and cells[-1][0] == " " and 7 not in cells[-1][1]:
        cells.pop()
    out, i = "", 0
    while i < len(cells):
        j = i
        while j < len(cells) and cells[j][1] == cells[i][1]:
            j += 1
        text = "".join(c for c, _ in cells[i:j])
        a = sorted(names.get(x, str(x)) for x in cells[i][1])
        out += "{%s|%s}" % (",".join(a), text) if a else text
        i = j
    print(out)
'
}

# golden NAME [-e]: capture, normalise, compare (or write with FN_GOLDEN_UPDATE=1).
golden() {
	if [ "${2:-}" = -e ]; then
		tmx_capture -e | attrs
	else
		tmx_capture
	fi | perl -pe 's/\d+ ms/N ms/g and s/ {2,}/ /g' >"$FN_TMP/$1.txt"
	if [ -n "${FN_GOLDEN_UPDATE:-}" ]; then
		cp "$FN_TMP/$1.txt" "$GOLDEN/$1.txt"
		ok "golden $1 written"
	elif diff -u "$GOLDEN/$1.txt" "$FN_TMP/$1.txt" >"$FN_TMP/$1.diff" 2>&1; then
		ok "golden $1"
	else
		not_ok "golden $1 (FN_GOLDEN_UPDATE=1 regenerates)"
		sed 's/^/# /' "$FN_TMP/$1.diff" | head -60
	fi
}

mkdir -p fx notes
fakellm_fixture fx/answer.sse 'Water boils at **100 degrees** at sea level [1], and at a *lower* temperature at altitude [1][2].

1. Air pressure falls with height [2].
2. Lower pressure lowers the boiling point.

> Kettles switch off once the water boils [2].
'
fakellm_fixture fx/code.sse 'To list the notes that mention water [1]:

```sh
grep -l water notes/*.md
for f in notes/*.md; do wc -l "$f"; done
```

Inline `code [1]` is not a citation.
'
fakellm_start --fixtures "$FN_TMP/fx" >/dev/null || tap_bail "fakellm did not start"
cat >notes/water.md <<'DOC'
# Water

Water boils at 100 degrees Celsius at sea level.
At high altitude water boils at a lower temperature because the air pressure is lower.
DOC
cat >notes/kettle.md <<'DOC'
# Kettles

A kettle brings water to the boil and switches itself off once the water boils.
DOC
conf() { # THEME
	cat >config.yaml <<YAML
index:
  path: $FN_TMP/index-$1
  folders: [{path: $FN_TMP/notes, collection: notes}]
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
profiles:
  answer: {provider: fake, model: "fixture:answer.sse", retrieval: {top_k: 2}}
  code: {provider: fake, model: "fixture:code.sse", retrieval: {top_k: 1}}
default_profile: answer
ui: {theme: $1}
YAML
}

# The idle state, once the index has settled.
settled() {
	tmx_wait_for "│ idle │ 2 files, 2 chunks" 20
}

conf default
tmx_start 100 30 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "started" tmx_wait_for "│ idle │ 2 files, 2 chunks │ index: watching" 20
golden empty

tmx_type "At what temperature does water boil?"
tmx_send Enter
check "the answer is complete" tmx_wait_for "2 sources · .*[0-9]+ ms"
check "idle again" settled
golden answer

tmx_type "/profile code"
tmx_send Enter
tmx_type "How do I find notes about water?"
tmx_send Enter
check "the code answer is complete" tmx_wait_for "1 source · .*[0-9]+ ms"
check "idle after the code answer" settled
golden code

# From 80 columns side by side, the chat the larger; below, the chat is the screen and F3
# (shown in the status bar) lays the sources over it.
tmx_resize 80 24
check "80x24: side by side" tmx_wait_for "│ +# Water Water boils at"
check "80x24: the status bar is back" settled
golden w80x24
tmx_resize 79 24
check "79x24: the chat alone" tmx_wait_gone "Sources"
check "79x24: F3 is offered" tmx_wait_for "F3 sources"
check "79x24: the status bar is back" settled
golden w79x24
tmx_resize 60 20
check "60x20: the chat alone, F3 offered" tmx_wait_for "footnote · code · fixture:code.sse *$"
check "60x20: the status bar is back" tmx_wait_for "│ idle │ 2 files.*F3 sources"
golden w60x20
tmx_send F3
check "60x20: F3 lays the sources over the chat" tmx_wait_for "^│ Sources"
golden w60x20_sources
tmx_send Escape
check "60x20: Esc gives the chat back" tmx_wait_for "footnote · code · fixture:code.sse *$"
tmx_kill

# The mono theme: attributes only. -e keeps them, so the file shows there is no colour.
conf mono
tmx_start 100 30 "$FN_BIN" --config "$FN_TMP/config.yaml"
check "mono: started" tmx_wait_for "│ idle │ 2 files, 2 chunks │ index: watching" 20
tmx_type "At what temperature does water boil?"
tmx_send Enter
check "mono: the answer is complete" tmx_wait_for "2 sources · .*[0-9]+ ms"
check "mono: idle again" settled
golden mono -e
check "mono: no colour anywhere" sh -c '! grep -q "colour" "$FN_TMP/mono.txt"'
tap_done
