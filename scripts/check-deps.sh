#!/bin/sh
# Fails when the dependency picture breaks. Layers, lowest first: base <- index <- core <- ui.
#   base  includes nothing from index, core or ui
#   index includes nothing from core or ui
#   core  includes nothing from ui, and never curses
#   ui    only ui/term/term.c includes curses
# and, across every folder and subfolder of the four layers:
#   no include cycle between files (a.h includes b.h includes a.h)
#   no link cycle between objects (a.o calls b.o, which calls a.o), read from the OBJECTs
# Usage: check-deps.sh [ROOT [OBJECT...]]   ROOT defaults to the repository this script is in;
# with no OBJECT (`make check-deps` passes every layer's) the link check is skipped, saying so.
root=${1:-$(dirname "$0")/..}
[ $# -gt 0 ] && shift
cd "$root" || exit 2
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inc='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'
curses='(n?curses(w)?/)?(n?curses|term|panel|menu|form)\.h[>"]'

sources() { # layer: its .c and .h files, subfolders included
	[ -d "$1" ] && find "$1" -name '*.[ch]' | sort
}

scan() { # layer, regex, what
	for f in $(sources "$1"); do
		if grep -qE "$2" "$f"; then
			grep -nE "$2" "$f" | while IFS= read -r line; do
				echo "check-deps: $f:${line%%:*}: $3: ${line#*:}"
			done
			status=1
		fi
	done
}

scan base  "$inc([.][.]/)*(index|core|ui)/"  "base may not include a higher layer"
scan index "$inc([.][.]/)*(core|ui)/"        "index may not include core or ui"
scan core  "$inc([.][.]/)*ui/"               "core may not include ui"
scan core  "$inc$curses"                     "core may not include curses"
scan index "$inc$curses"                     "index may not include curses"
scan base  "$inc$curses"                     "base may not include curses"
for f in $(sources ui); do
	[ "$f" = ui/term/term.c ] && continue
	if grep -qE "$inc$curses" "$f"; then
		echo "check-deps: $f: only ui/term/term.c may include curses"
		status=1
	fi
done

# tsort names the members of every loop it meets on stderr; any loop fails the check.
cycles() { # what; edges "a b" on stdin
	tsort >/dev/null 2>"$tmp/loops" || true
	if grep -q 'loop' "$tmp/loops"; then
		echo "check-deps: $1 cycle:"
		grep -v 'input contains a loop' "$tmp/loops" | sed 's/^tsort: /check-deps:   /'
		return 1
	fi
}

# Include edges: every quoted include, resolved from the root (the project's convention) or
# from the including file's folder.
for f in $(sources base; sources index; sources core; sources ui); do
	dir=$(dirname "$f")
	sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' "$f" | while IFS= read -r h; do
		if [ -f "$h" ]; then echo "$f $h"
		elif [ -f "$dir/$h" ]; then echo "$f $dir/$h"
		fi
	done
done >"$tmp/inc"
cycles include <"$tmp/inc" || status=1

# Link edges: an object that uses a symbol another object of the four layers defines.
if [ $# -gt 0 ]; then
	for o in "$@"; do
		[ -f "$o" ] || { echo "check-deps: no object $o; build first (make check-deps does)"; exit 2; }
	done
	for o in "$@"; do
		nm -g --defined-only "$o" | awk -v o="$o" 'NF == 3 { print $3, o }'
	done | sort -k1,1 >"$tmp/defs"
	for o in "$@"; do
		nm -u "$o" | awk -v o="$o" '{ print $NF, o }'
	done | sort -k1,1 >"$tmp/uses"
	join "$tmp/uses" "$tmp/defs" | awk '$2 != $3 { print $2, $3 }' | sort -u >"$tmp/link"
	cycles link <"$tmp/link" || status=1
else
	echo "check-deps: link cycles not checked (no objects given)"
fi

[ $status -eq 0 ] && echo "check-deps: layers ok (base <- index <- core <- ui), no include or link cycle"
exit $status
