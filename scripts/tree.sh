#!/bin/sh
# Prints the source tree, one line per folder and per file (each .c, and each header with no .c
# of its own), each file's purpose taken from its own first comment ("/* name.c - purpose (see name.h). */"), so docs/ARCHITECTURE.md's tree
# (between the "tree:begin" and "tree:end" markers) is made from the code and cannot drift:
#   scripts/tree.sh           print the tree
#   scripts/tree.sh --check   exit 1 when docs/ARCHITECTURE.md's copy differs
#   scripts/tree.sh --write   rewrite that copy
set -eu
cd "$(dirname "$0")/.."

folder() { # the purpose of a folder
	case $1 in
	base) echo "below every layer: allocation, buffers, UTF-8, the sanitizer, files, hash maps" ;;
	index) echo "LMDB, files, text and vectors; idx.h is the only header core includes" ;;
	index/store) echo "the LMDB environment, records and the consistency check" ;;
	index/text) echo "file bytes to text, chunks and tokens" ;;
	index/search) echo "lexical and vector retrieval, the builtin embedder, fusion" ;;
	index/sync) echo "walking folders, ingestion batches, the watcher thread" ;;
	core) echo "config, providers, streaming, answers, sessions; never curses" ;;
	core/app) echo "what every front end opens: config, log, channel, setup, checks" ;;
	core/wire) echo "wire formats: lines, SSE, NDJSON, the chat stream decoder" ;;
	core/net) echo "the network thread, providers, keys, embeddings over HTTP" ;;
	core/answer) echo "a turn: prompt, citations, verification, the offline answerer, records" ;;
	core/session) echo "conversations on disk, Markdown and JSON exports" ;;
	core/eval) echo "retrieval and answer figures" ;;
	core/mcp) echo "the Model Context Protocol server: framing, protocol, footnote's tools" ;;
	ui) echo "the command line and the terminal" ;;
	ui/cmd) echo "one file per subcommand, and their help" ;;
	ui/render) echo "text to styled, wrapped lines: Markdown, answers, themes, highlights" ;;
	ui/term) echo "the terminal API; term.c is the only curses user" ;;
	ui/tui) echo "the terminal interface, one file per thing on screen" ;;
	*) echo "?" ;;
	esac
}

purpose() { # the first comment's text after "name - ", up to "(see" or the first sentence end
	awk 'NR == 1 { sub(/^\/\* *[^ ]+ +- +/, "") }
	     { t = t (NR > 1 ? " " : "") $0 }
	     /\*\// || /\. *$/ || NR == 3 { exit }
	     END {
	       gsub(/[ \t]+/, " ", t); sub(/\*\/.*/, "", t); sub(/^ *\* */, "", t)
	       gsub(/ \* /, " ", t)
	       if (match(t, / ?\(see [^)]*\)/)) t = substr(t, 1, RSTART - 1) substr(t, RSTART + RLENGTH)
	       if (match(t, /\. /)) t = substr(t, 1, RSTART - 1)
	       sub(/[ .:;,]*$/, "", t)
	       if (length(t) > 76) { t = substr(t, 1, 76); sub(/[ ,;:(][^ ,;:(]*$/, "", t); sub(/[ ,;:]*$/, "", t); t = t "..." }
	       print t
	     }' "$1"
}

tree() {
	for d in $(find base index core ui -type d | sort); do
		printf '%-22s %s\n' "$d/" "$(folder "$d")"
		# Each .c, and each header that has no .c of its own (a header per .c is implied).
		for f in $(find "$d" -maxdepth 1 -name '*.[ch]' | sort); do
			case $f in *.h) [ -f "${f%.h}.c" ] && continue ;; esac
			printf '  %-20s %s\n' "$(basename "$f")" "$(purpose "$f")"
		done
	done
}

doc=docs/ARCHITECTURE.md
case ${1:-} in
--check)
	want=$(tree)
	have=$(sed -n '/<!-- tree:begin -->/,/<!-- tree:end -->/p' "$doc" | sed '1,2d;$d' | sed '$d')
	if [ "$want" != "$have" ]; then
		echo "tree.sh: $doc's tree is out of date; run scripts/tree.sh --write" >&2
		printf '%s\n' "$want" >/tmp/tree.want.$$; printf '%s\n' "$have" >/tmp/tree.have.$$
		diff /tmp/tree.have.$$ /tmp/tree.want.$$ >&2 || true
		rm -f /tmp/tree.want.$$ /tmp/tree.have.$$
		exit 1
	fi ;;
--write)
	t=$(mktemp)
	{ sed '/<!-- tree:begin -->/q' "$doc"; echo '```'; tree; echo '```'; echo '<!-- tree:end -->'
	  sed -n '/<!-- tree:end -->/,$p' "$doc" | sed 1d; } >"$t"
	mv "$t" "$doc" ;;
*) tree ;;
esac
