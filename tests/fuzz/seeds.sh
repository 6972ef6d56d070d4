#!/bin/sh
# Builds the seed corpus of each fuzz target from what the tests already use: the shared
# stream fixtures, the example config, the themes, the docs, the sources and the files in
# tests/fuzz/seeds. Targets that read a leading control byte (slicing, width, kind) get
# each seed with a few different first bytes.
#
#   tests/fuzz/seeds.sh OUT_DIR      writes OUT_DIR/<target>/<n>
set -eu
out=${1:?usage: tests/fuzz/seeds.sh OUT_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
fix=${FN_SHARED:-$root/../shared}/data/stream-fixtures
here=$root/tests/fuzz/seeds
rm -rf "$out"
n=0

put() { # target printf-format-of-the-leading-bytes-or-empty file...
	t=$1 pre=$2
	shift 2
	mkdir -p "$out/$t"
	for f in "$@"; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		{ printf "$pre"; head -c 65536 "$f"; } >"$out/$t/$n"
	done
}

sse="$fix/*.sse $here/sse-split.sse"
nd="$fix/*.ndjson $here/ollama.ndjson"
json="$here/completion.json $here/error.json"
# shellcheck disable=SC2086
{
	for p in '\000' '\201' '\217'; do
		put fuzz_sse $p $sse
		put fuzz_ndjson $p $nd
		put fuzz_stream $p $sse $json
	done
	for p in '\040' '\241'; do put fuzz_stream $p $nd; done
	put fuzz_sanitize "" $sse $nd $here/escapes.txt $here/answer.md "$root/README.md"
	for p in '\010' '\050' '\220'; do
		put fuzz_render $p $here/answer.md $here/escapes.txt "$root/docs/ARCHITECTURE.md"
	done
	for p in '\020' '\260' '\075'; do put fuzz_cite $p $here/answer.md $here/cites.txt; done
	put fuzz_config """" "$root/config.example.yaml" $here/bad-types.yaml
	put fuzz_theme "" "$root"/themes/*.yaml
	put fuzz_html "" $here/page.html "$root/README.md"
	put fuzz_chunk '\025\040' $here/answer.md "$root/README.md"
	put fuzz_chunk '\000\010' $here/escapes.txt $here/page.html
	put fuzz_chunk '\022\077' "$root/core/wire/sse.c" "$root/base/utf8.c"
	put fuzz_chunk '\003\020' $here/page.html
	for p in '\000' '\203' '\217'; do put fuzz_mcp $p $here/mcp.jsonl; done
	put fuzz_rows '\000' $here/rows.csv
	put fuzz_rows '\001' $here/rows.tsv
	put fuzz_rows '\002' $here/mcp.jsonl
	put fuzz_rows '\003' $here/rows.json $here/completion.json
	i=0
	for x in docx.xml pptx.xml odt.xml odp.xml ods.xml xlsx.xml page.html; do
		put fuzz_doc "\\00$i" $here/$x
		i=$((i + 1))
	done
}
