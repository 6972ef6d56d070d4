#!/bin/sh
# Fails when a layer reaches upward. Layers, lowest first: base <- index <- core <- ui.
#   base  includes nothing from index, core or ui
#   index includes nothing from core or ui
#   core  includes nothing from ui, and never curses
#   ui    only ui/term.c includes curses
# Usage: check-deps.sh [ROOT]   (ROOT defaults to the repository this script is in)
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
status=0
inc='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'
curses='(n?curses(w)?/)?(n?curses|term|panel|menu|form)\.h[>"]'

bad() { echo "check-deps: $1: $2"; status=1; }

scan() { # dir, regex, what
	for f in "$1"/*.c "$1"/*.h; do
		[ -f "$f" ] || continue
		grep -nE "$2" "$f" | while IFS= read -r line; do
			echo "check-deps: $f:${line%%:*}: $3: ${line#*:}"
		done
		grep -qE "$2" "$f" && status=1
	done
}

scan base  "$inc([.][.]/)*(index|core|ui)/"  "base may not include a higher layer"
scan index "$inc([.][.]/)*(core|ui)/"        "index may not include core or ui"
scan core  "$inc([.][.]/)*ui/"               "core may not include ui"
scan core  "$inc$curses"                     "core may not include curses"
scan index "$inc$curses"                     "index may not include curses"
scan base  "$inc$curses"                     "base may not include curses"
for f in ui/*.c ui/*.h; do
	[ -f "$f" ] || continue
	[ "$f" = ui/term.c ] && continue
	if grep -qE "$inc$curses" "$f"; then
		bad "$f" "only ui/term.c may include curses"
	fi
done
[ $status -eq 0 ] && echo "check-deps: layers ok (base <- index <- core <- ui)"
exit $status
