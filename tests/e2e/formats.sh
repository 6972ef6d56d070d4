# formats.sh - documents made by tools footnote did not write (pandoc; LibreOffice headless
# when it is installed): .docx .odt .pptx .epub from Markdown, .xlsx .ods from CSV, .odp
# from .pptx, plus CSV, TSV, JSON Lines and a JSON array: each indexed, searched and cited
# at its location (heading, slide, chapter, sheet and row). Hostile files (a corrupt zip, a
# zip bomb, XML with entities, a password) are skipped with their reasons, quickly.
. "$FN_ROOT/tests/lib/tap.sh"
cd "$FN_TMP" || exit 1
mkdir docs src
cat >cfg.yaml <<YAML
index: {folders: [{path: $FN_TMP/docs}]}
profiles:
  offline: {provider: builtin}
YAML
fn() { "$FN_BIN" --config cfg.yaml "$@"; }
# The first hit's path, page, first and last line (row) and heading for a query.
hit() {
	fn search --json "$1" | python3 -c '
import json, sys
h = json.load(sys.stdin)["hits"]
h = [x for x in h if x["path"].endswith(sys.argv[1])] if len(sys.argv) > 1 else h
x = h[0] if h else {}
print(x.get("path", "").rsplit("/", 1)[-1], x.get("page"), x.get("line_start"), x.get("line_end"), x.get("heading"))' "${2:-}"
}

# One Markdown source per format, each with its own word in its second chapter.
doc() { # word
	printf '# Opening\n\nThe %s quota is seven units.\n\n- first item\n- second item\n\n| region | amount |\n|---|---|\n| north | 12 |\n\n# Closing\n\nThe second chapter mentions the %s migration.\n' "$1" "$1"
}
have_pandoc=1
command -v pandoc >/dev/null 2>&1 || have_pandoc=0
if [ $have_pandoc = 1 ]; then
	for pair in docx:aardvark odt:bison pptx:caribou epub:dingo pptx:egret; do
		ext=${pair%%:*} word=${pair#*:}
		doc "$word" >src/$word.md
		pandoc --metadata title="The $word report" src/$word.md -o "docs/$word.$ext" 2>/dev/null ||
			tap_bail "pandoc could not write $word.$ext"
	done
fi
printf 'fruit,price,origin,picked\napple,3,kent,2026-03-14\nfig,7,smyrna,2025-09-01\nquince,9,portugal,2025-10-20\n' >src/fruit.csv
have_lo=1
command -v soffice >/dev/null 2>&1 || have_lo=0
if [ $have_lo = 1 ]; then
	# Its own profile directory: no other LibreOffice on the machine is disturbed.
	lo() { soffice -env:UserInstallation=file://$FN_TMP/lo --headless --convert-to "$1" --outdir "$2" "$3" >/dev/null 2>&1; }
	lo xlsx docs src/fruit.csv && lo ods docs src/fruit.csv || have_lo=0
	[ $have_pandoc = 1 ] && { lo odp src docs/egret.pptx && mv src/egret.odp docs/ && rm docs/egret.pptx || have_lo=0; }
fi
# Metadata: front matter, and document properties pandoc writes (docProps/core.xml).
printf -- '---\ntitle: Ferret policy\ntags: [Policy, travel]\ndate: 2026-02-03\n---\n\n# Rule\n\nThe ferret rule applies.\n' >docs/policy.md
printf '# Memo\n\nThe ferret rule applies here too.\n' >docs/memo.md
if [ $have_pandoc = 1 ]; then
	printf -- '---\ntitle: HR ferrets\nkeywords: [policy, hr]\n---\n\n# HR\n\nThe ferret rule for people.\n' >src/hr.md
	pandoc src/hr.md -o docs/hr.docx || tap_bail "pandoc could not write hr.docx"
fi
printf 'city,river\nlyon,rhone\n"paris, france","seine\nand marne"\nkoln,rhine\n' >docs/rivers.csv
printf 'tool\tmetal\nanvil\tiron\nbell\tbronze\n' >docs/tools.tsv
printf '{"id": 1, "bird": "heron"}\n\n{"id": 2, "bird": "plover", "wing": "long"}\n' >docs/birds.jsonl
printf '[{"tree": "oak", "leaf": "lobed"}, {"tree": "yew", "leaf": "needle"}]\n' >docs/trees.json

python3 -c '
print("item,code")
for i in range(2, 401):
    print("row%d,%s" % (i, "kiwi%d" % i if i == 333 else "plain"))' >docs/long.csv

out=$(fn index 2>&1); rc=$?
check_eq "index: exit 0" "$rc" 0
check_contains "index: every file indexed" "$out" "indexed $(ls docs | wc -l) files"
check_not_contains "index: nothing failed" "$out" "failed"

if [ $have_pandoc = 1 ]; then
	check_eq "docx (pandoc): cited under its heading" "$(hit "aardvark migration")" "aardvark.docx 0 15 17 Closing"
	check_eq "odt (pandoc): cited under its heading" "$(hit "bison migration")" "bison.odt 0 14 16 Closing"
	check_eq "pptx (pandoc): slide 3 (title, Opening, Closing)" "$(hit "caribou migration" | cut -d' ' -f1,2,5)" "caribou.pptx 3 Closing"
	check_eq "epub (pandoc): chapter 2 (the title page opens chapter 1)" "$(hit "dingo migration" | cut -d' ' -f1,2,5)" "dingo.epub 2 Closing"
	check_contains "docx: list items kept as a list" "$(fn search --json 'aardvark quota')" "- first item"
	check_contains "docx: table rows kept as rows" "$(fn search --json 'aardvark quota')" "| north | 12 |"
	check_contains "odt: table rows kept as rows" "$(fn search --json 'bison quota')" "| north | 12 |"
	check_contains "epub: list items kept as a list" "$(fn search --json 'dingo quota')" "- first item"
	check_contains "epub: table rows kept as rows" "$(fn search --json 'dingo quota')" "| north | 12 |"
	out=$(fn ask --profile offline "What is the aardvark quota?")
	check_contains "ask: the docx is the cited source" "$out" "[1] $FN_TMP/docs/aardvark.docx"
	check_contains "ask: the quota sentence is quoted" "$out" "The aardvark quota is seven units"
	out=$(fn ask --profile offline "Where is the caribou migration mentioned?")
	check_contains "ask: a slide is cited as a slide" "$out" "caribou.pptx slide 3:"
	out=$(fn search "dingo migration")
	check_contains "search: a chapter is cited as a chapter" "$out" "dingo.epub chapter 2:"
else
	for t in docx odt pptx epub ask ask-slide search-chapter; do skip "$t (pandoc)" "pandoc is not installed (scripts/install-deps.sh installs it)"; done
fi
if [ $have_lo = 1 ]; then
	check_eq "xlsx (LibreOffice): sheet 1, row 3, named" "$(hit smyrna fruit.xlsx)" "fruit.xlsx 1 2 4 fruit"
	check_eq "ods (LibreOffice): sheet 1, rows 2-4, named" "$(hit smyrna fruit.ods)" "fruit.ods 1 2 4 fruit"
	[ $have_pandoc = 1 ] && check_eq "odp (LibreOffice from pptx): slide 3" "$(hit "egret migration" | cut -d' ' -f1,2,5)" "egret.odp 3 Closing"
	check_contains "search: a sheet and its rows" "$(fn search smyrna)" "fruit.xlsx sheet fruit, rows 2-4"
	check_contains "xlsx: a date cell reads as a date, not a serial number" "$(fn search 'path:fruit.xlsx smyrna')" "smyrna | 2025-09-01"
	check_contains "ods: the same date" "$(fn search 'path:fruit.ods smyrna')" "smyrna | 2025-09-01"
else
	skip "xlsx, ods, odp (LibreOffice)" "soffice is not installed (scripts/install-deps.sh installs it)"
fi
check_eq "csv: rows 2-4 (a quoted newline is one row)" "$(hit seine)" "rivers.csv 0 2 4 "
check_contains "csv: a quoted comma stays in its cell" "$(fn search --json rhine)" "| paris, france | seine and marne |"
check_eq "csv: row 333 of 400 is cited in its own chunk of rows" "$(hit kiwi333 | python3 -c '
import sys
f = sys.stdin.read().split()
print(f[0], int(f[2]) > 2 and int(f[2]) <= 333 <= int(f[3]) < 400)')" "long.csv True"
out=$(fn ask --profile offline "Which river is koln on?")
check_contains "ask: a CSV is cited by rows" "$out" "rivers.csv rows 2-4"
check_eq "tsv: rows 2-3" "$(hit bronze)" "tools.tsv 0 2 3 "
check_eq "jsonl: rows are lines 1-3" "$(hit plover)" "birds.jsonl 0 1 3 "
check_contains "jsonl: every key is a column" "$(fn search --json plover)" "| id | bird | wing |"
check_eq "json array: rows 1-2" "$(hit yew)" "trees.json 0 1 2 "

# ---- metadata filters -------------------------------------------------------------------
files() { fn search --json --mode lexical "$1" | python3 -c '
import json, sys
print(" ".join(sorted(set(h["path"].rsplit("/", 1)[-1] for h in json.load(sys.stdin)["hits"]))))'; }
check_eq "no filter: every ferret" "$(files 'ferret rule')" "$([ $have_pandoc = 1 ] && echo 'hr.docx memo.md policy.md' || echo 'memo.md policy.md')"
check_eq "tag:policy: front matter and document keywords" "$(files 'tag:policy ferret rule')" "$([ $have_pandoc = 1 ] && echo 'hr.docx policy.md' || echo 'policy.md')"
check_eq "tag:HR (any case): only the docx's keyword" "$(files 'tag:HR ferret rule')" "$([ $have_pandoc = 1 ] && echo 'hr.docx' || echo '')"
check_eq "tags: one of them passes" "$(files 'tag:travel tag:nope ferret rule')" "policy.md"
check_eq "after/before: the front matter date, not the file's time" "$(files 'after:2026-02-01 before:2026-02-05 ferret rule')" "policy.md"
for mode in lexical vector hybrid; do
	check_eq "tag filter in $mode mode" "$(fn search --json --mode $mode 'tag:travel ferret rule' | python3 -c '
import json, sys
print(sorted(set(h["path"].rsplit("/", 1)[-1] for h in json.load(sys.stdin)["hits"])))')" "['policy.md']"
done
out=$(fn ask --profile offline "tag:policy what is the ferret rule?")
check_contains "ask with a tag: the tagged file is cited" "$out" "policy.md"
check_not_contains "ask with a tag: the untagged memo is not" "$out" "memo.md"

# ---- hostile files: skipped with their reasons, nothing hangs -----------------------------
mkdir bad
cat >badcfg.yaml <<YAML
index: {folders: [{path: $FN_TMP/bad}], max_file_mb: 8}
YAML
python3 - <<'PY' || tap_bail "python3 could not write the hostile files"
import zipfile
z = zipfile.ZipFile("bad/ok.docx", "w")
z.writestr("word/document.xml", '<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>fine text here</w:t></w:r></w:p></w:body></w:document>')
z.close()
d = open("bad/ok.docx", "rb").read()
open("bad/corrupt.docx", "wb").write(d[: len(d) // 2])
z = zipfile.ZipFile("bad/bomb.docx", "w", zipfile.ZIP_DEFLATED)
with z.open("word/document.xml", "w", force_zip64=True) as f:
    for i in range(300):
        f.write(b" " * (1 << 20))
z.close()
z = zipfile.ZipFile("bad/ratio.odt", "w", zipfile.ZIP_DEFLATED)
z.writestr("content.xml", b" " * (20 << 20))
z.close()
lol = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol">' + "".join(
    '<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(9)) + \
    ']><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>'
z = zipfile.ZipFile("bad/laughs.docx", "w"); z.writestr("word/document.xml", lol); z.close()
xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><o:document-content xmlns:o="o" xmlns:text="t"><o:body><text:p>&x;</text:p></o:body></o:document-content>'
z = zipfile.ZipFile("bad/xxe.odt", "w"); z.writestr("content.xml", xxe); z.close()
z = zipfile.ZipFile("bad/locked.ods", "w")
z.writestr("META-INF/manifest.xml", '<m:manifest xmlns:m="m"><m:file-entry m:full-path="content.xml"><m:encryption-data/></m:file-entry></m:manifest>')
z.writestr("content.xml", b"\x8f\x12 not xml")
z.close()
# A spreadsheet over the size cap (8 MB here; 32 MB by default): never read.
with open("bad/huge.xlsx", "wb") as f:
    f.write(b"PK\x03\x04" + b"\0" * (9 << 20))
open("bad/locked.xlsx", "wb").write(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 504)
z = zipfile.ZipFile("bad/bad.pptx", "w"); z.writestr("ppt/slides/slide1.xml", "<p:sld><unclosed"); z.close()
PY
out=$(fn --config badcfg.yaml index 2>&1); rc=$?
check_eq "hostile: index exits 0" "$rc" 0
check_contains "hostile: the good one is indexed" "$out" "indexed 1 file"
st=$(fn --config badcfg.yaml index --status)
check_contains "corrupt zip: skipped, said so" "$st" "corrupt.docx: not a zip archive (corrupt or truncated)"
check_contains "zip bomb: the entry cap" "$st" "bomb.docx: zip entry word/document.xml is over the 64 MiB cap"
check_contains "zip bomb: the ratio cap" "$st" "ratio.odt: zip entry content.xml expands over 200 times"
check_contains "billion laughs: refused" "$st" "laughs.docx: XML with a DTD subset (entity declarations) refused"
check_contains "external entity: refused" "$st" "xxe.odt: XML with a DTD subset"
check_contains "ODF password: said so" "$st" "locked.ods: password-protected"
check_contains "OOXML password: said so" "$st" "locked.xlsx: password-protected or legacy binary Office file"
check_contains "huge spreadsheet: over the size cap" "$st" "huge.xlsx: larger than the size cap"
check_contains "malformed XML: said so" "$st" "bad.pptx: malformed XML in ppt/slides/slide1.xml"
out=$(fn --config badcfg.yaml search --json passwd)
check_not_contains "no external file came in" "$out" "root:"
tap_done
