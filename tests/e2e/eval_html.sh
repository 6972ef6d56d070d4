# eval_html.sh - the HTML report of `footnote eval --html` opened in headless Chromium (Debian's
# chromium): the screenshot has the size asked for, a white page, the best cells' green and
# both bar colours somewhere in it; the text Chromium lays out has the figures and profiles,
# and the page runs no script. Skipped, with the reason, when chromium is not installed.
. "$FN_ROOT/tests/lib/tap.sh"
. "$FN_ROOT/tests/lib/fakellm.sh"
cd "$FN_TMP" || exit 1
T=$(pwd -P)
if ! command -v chromium >/dev/null 2>&1; then
	skip "the HTML report in a browser" "chromium is not installed (scripts/install-deps.sh installs Debian's chromium)"
	tap_done
	exit 0
fi
mkdir notes fixtures
printf 'Water boils at 100 degrees Celsius at sea level.\n' >notes/water.md
printf 'Iron rusts when exposed to oxygen and water.\n' >notes/iron.md
cp "$FN_ROOT"/tests/data/eval-fixtures/*.sse fixtures/
fakellm_start --fixtures "$T/fixtures" >/dev/null || tap_bail "fakellm did not start"
cat >cfg.yaml <<YAML
index: {folders: [{path: $T/notes}]}
providers:
  fake: {kind: openai, base_url: "$FAKELLM_URL/v1"}
profiles:
  rag: {provider: fake, model: llama3.1, retrieval: {mode: lexical}}
  tuned: {provider: fake, model: "fixture:short.sse", retrieval: {mode: lexical}}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
fn index >/dev/null 2>&1 || tap_bail "footnote index failed"
cat >q.jsonl <<'EOF2'
{"id": "a1", "question": "At what temperature does water boil in celsius?", "relevant": ["water.md"], "answer": "100 degrees Celsius"}
{"id": "a2", "question": "What makes iron rust?", "relevant": ["iron.md"], "answer": "oxygen and water"}
EOF2
fn eval q.jsonl --profiles rag,tuned --html report.html >/dev/null 2>err.txt || tap_bail "eval --html failed: $(cat err.txt)"

chrome() { # chromium headless, its own profile folder, no sandbox (tests may run as root)
	timeout 120 chromium --headless=new --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
		--user-data-dir="$T/chrome" --force-device-scale-factor=1 "$@" 2>>chrome.log
}
chrome --window-size=1000,1400 --screenshot="$T/shot.png" "file://$T/report.html" >/dev/null
check "chromium wrote a screenshot" test -s shot.png
# The PNG decoded with the standard library: size, then colours at and around pixels.
pixels=$(python3 - "$T/shot.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
bpp = {2: 3, 6: 4}[ctype]
raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
def px(x, y): return tuple(rows[y][x * bpp:x * bpp + 3])
seen = {px(x, y) for y in range(0, h, 2) for x in range(0, w, 2)}
print(w, h, px(2, 2), px(w - 3, h - 3),
      (0xc8, 0xe6, 0xc9) in seen, (0x2e, 0x7d, 0x32) in seen, (0x5c, 0x6b, 0xc0) in seen)
PY
)
check_eq "screenshot: 1000 x 1400" "$(echo "$pixels" | cut -d' ' -f1,2)" "1000 1400"
check_eq "screenshot: white at the corners" "$(echo "$pixels" | cut -d' ' -f3-8)" "(255, 255, 255) (255, 255, 255)"
check_eq "screenshot: the best cells' green, the best bar's green, the other bars' blue" \
	"$(echo "$pixels" | cut -d' ' -f9-11)" "True True True"
dom=$(chrome --dump-dom "file://$T/report.html")
check_contains "text: the title" "$dom" "footnote eval: q.jsonl"
check_contains "text: a figure row" "$dom" "<td>contains the reference</td>"
check_contains "text: the profiles" "$dom" "<th>tuned</th>"
check_contains "text: rag's containment marked best" "$dom" '<td class="best">1.000</td>'
check "text: no script in the page" sh -c '! grep -qi "<script" report.html'
tap_done
