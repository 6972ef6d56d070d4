# check_deps.sh - scripts/check-deps.sh proven on a tiny tree: a clean one passes; a planted
# include cycle, link cycle, upward include and curses outside ui/term/term.c each fail,
# naming what is wrong. Then the real tree passes, with the objects of the build under test.
. "$FN_ROOT/tests/lib/tap.sh"
cd "$FN_TMP" || exit 1
deps=$FN_ROOT/scripts/check-deps.sh

# clean DIR: base <- index <- core <- ui, each layer using the one below, and the one curses
# user where it belongs. Every .c is compiled; the objects are listed in DIR/objs.
clean() {
	mkdir -p "$1/base" "$1/index" "$1/core" "$1/ui/term"
	printf '#ifndef B_H\n#define B_H\nint b_one(void);\n#endif\n' >"$1/base/b.h"
	printf '#include "base/b.h"\nint b_one(void) { return 1; }\n' >"$1/base/b.c"
	printf '#ifndef I_H\n#define I_H\nint i_two(void);\n#endif\n' >"$1/index/i.h"
	printf '#include "index/i.h"\n#include "base/b.h"\nint i_two(void) { return b_one() + 1; }\n' >"$1/index/i.c"
	printf '#ifndef C_H\n#define C_H\nint c_three(void);\n#endif\n' >"$1/core/c.h"
	printf '#include "core/c.h"\n#include "index/i.h"\nint c_three(void) { return i_two() + 1; }\n' >"$1/core/c.c"
	printf '#ifndef T_H\n#define T_H\nint term_rows(void);\n#endif\n' >"$1/ui/term/term.h"
	printf '#include <curses.h>\n#include "ui/term/term.h"\nint term_rows(void) { return LINES; }\n' >"$1/ui/term/term.c"
	printf '#include "core/c.h"\n#include "ui/term/term.h"\nint u_four(void);\nint u_four(void) { return c_three() + term_rows(); }\n' >"$1/ui/u.c"
	build "$1"
}

# build DIR: compiles every .c of DIR (cc, like the layers) and lists the objects.
build() {
	(cd "$1" && : >objs && for c in $(find base index core ui -name '*.c' | sort); do
		cc -I. -c "$c" -o "${c%.c}.o" || exit 1
		echo "${c%.c}.o" >>objs
	done)
}

run_deps() { # DIR: check-deps.sh over DIR with its objects; output and status
	(cd "$1" && sh "$deps" . $(cat objs))
}

clean good || tap_bail "the tiny tree does not compile"
out=$(run_deps good 2>&1); rc=$?
check_eq "the clean tree passes" "$rc" 0
check_contains "and says so" "$out" "no include or link cycle"

# An include cycle: core/a.h and core/b.h include each other.
clean inc
printf '#ifndef A_H\n#define A_H\n#include "core/b.h"\n#endif\n' >inc/core/a.h
printf '#ifndef BB_H\n#define BB_H\n#include "core/a.h"\n#endif\n' >inc/core/b.h
out=$(run_deps inc 2>&1); rc=$?
check_eq "an include cycle fails" "$rc" 1
check_contains "it is called an include cycle" "$out" "include cycle"
check_contains "naming core/a.h" "$out" "core/a.h"
check_contains "and core/b.h" "$out" "core/b.h"

# A link cycle: core/x.o calls core/y.o, which calls core/x.o.
clean link
printf 'int y_g(int);\nint x_f(int);\nint x_f(int n) { return n ? y_g(n - 1) : 0; }\n' >link/core/x.c
printf 'int x_f(int);\nint y_g(int);\nint y_g(int n) { return n ? x_f(n - 1) : 1; }\n' >link/core/y.c
build link || not_ok "the link-cycle tree compiles"
out=$(run_deps link 2>&1); rc=$?
check_eq "a link cycle fails" "$rc" 1
check_contains "it is called a link cycle" "$out" "link cycle"
check_contains "naming core/x.o" "$out" "core/x.o"
check_contains "and core/y.o" "$out" "core/y.o"
# The same two files without the objects: the include check alone finds nothing.
out=$(cd link && sh "$deps" . 2>&1); rc=$?
check_eq "without objects the link check is skipped" "$rc" 0
check_contains "saying so" "$out" "link cycles not checked"

# An upward include: index reaches core.
clean up
printf '#include "index/i.h"\n#include "core/c.h"\nint i_up(void);\nint i_up(void) { return 0; }\n' >up/index/up.c
build up || not_ok "the upward tree compiles"
out=$(run_deps up 2>&1); rc=$?
check_eq "index including core fails" "$rc" 1
check_contains "naming the file, line and rule" "$out" "index/up.c:2: index may not include core or ui"

# curses outside ui/term/term.c.
clean curs
printf '#include <curses.h>\nint u_five(void);\nint u_five(void) { return COLS; }\n' >curs/ui/five.c
build curs || not_ok "the curses tree compiles"
out=$(run_deps curs 2>&1); rc=$?
check_eq "curses included outside ui/term/term.c fails" "$rc" 1
check_contains "naming the file" "$out" "ui/five.c: only ui/term/term.c may include curses"
printf '#include <ncursesw/curses.h>\nint c_six(void);\nint c_six(void) { return 0; }\n' >curs/core/six.c
out=$(run_deps curs 2>&1)
check_contains "and in core, naming that file too" "$out" "core/six.c:1: core may not include curses"

# The real tree, with the objects of the build under test ($FN_BIN's folder), as `make
# check-deps` runs it: only objects whose source still exists (a stale .o of a moved or
# removed file is not the tree), and not ui/main.o (the Makefile leaves it out too).
bdir=$(dirname "$FN_BIN")
objs=$(cd "$bdir" && find base index core ui -name '*.o' | sort | while IFS= read -r o; do
	[ "$o" = ui/main.o ] && continue
	[ -f "$FN_ROOT/${o%.o}.c" ] && echo "$bdir/$o"
done)
n=$(printf '%s\n' "$objs" | grep -c .)
srcs=$(cd "$FN_ROOT" && find base index core ui -name '*.c' ! -path ui/main.c | grep -c .)
check_eq "every source of the tree has its object in the build" "$n" "$srcs"
out=$(cd "$FN_ROOT" && sh "$deps" . $objs 2>&1); rc=$?
check_eq "the real tree passes" "$rc" 0
check_contains "layers, includes and links all checked" "$out" "no include or link cycle"
tap_done
