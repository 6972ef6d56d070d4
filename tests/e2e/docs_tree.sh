#!/bin/sh
# docs/ARCHITECTURE.md's tree is the one scripts/tree.sh makes from the sources' first comments.
. "$FN_ROOT/tests/lib/tap.sh"
check "docs/ARCHITECTURE.md lists every folder and file as the sources describe them" \
	sh "$FN_ROOT/scripts/tree.sh" --check
tap_done
