# install.sh - footnote installed like a Debian tool: make install/uninstall into a DESTDIR,
# the manual pages (equal to what the binary says now, rendered by man without a warning),
# completion loaded in real bash (bash-completion), zsh and fish, and make deb (Depends from
# dpkg-shlibdeps, unpacked with dpkg -x into a temporary root, lintian when present).
# Everything is written under $FN_TMP or the build folder of the binary under test.
. "$FN_ROOT/tests/lib/tap.sh"
cd "$FN_TMP" || exit 1
mode=$(basename "$(dirname "$FN_BIN")")
# A clean make: not the jobserver of a `make test` around us.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$FN_ROOT" MODE="$mode" "$@"; }

# ---- make install / uninstall ---------------------------------------------------------------
dest=$FN_TMP/dest
check "make install into a DESTDIR" mk install DESTDIR="$dest" PREFIX=/usr/local
bin=$dest/usr/local/bin/footnote
for f in bin/footnote share/footnote/themes/default.yaml share/footnote/themes/mono.yaml \
	 share/man/man1/footnote.1.gz share/man/man5/footnote-config.5.gz \
	 share/bash-completion/completions/footnote share/zsh/site-functions/_footnote \
	 share/fish/vendor_completions.d/footnote.fish share/doc/footnote/config.example.yaml; do
	if [ -f "$dest/usr/local/$f" ]; then ok "installed $f"; else not_ok "installed $f"; fi
done
out=$("$bin" paths); check_contains "the installed binary finds its themes beside itself" "$out" \
	"themes    $dest/usr/local/share/footnote/themes"
out=$("$bin" --version)
check_contains "--version says the version" "$out" "footnote 0."
for lib in libcurl curses LMDB libyaml cJSON md4c xxHash libstemmer; do
	check_contains "--version names $lib" "$out" "  $lib"
done
check_not_contains "md4c's version came from pkg-config" "$out" "unknown"

# ---- the manual pages -----------------------------------------------------------------------
for page in 1:man1/footnote.1.gz 5:man5/footnote-config.5.gz; do
	sec=${page%%:*}
	gunzip -c "$dest/usr/local/share/man/${page#*:}" >"installed.$sec"
	"$FN_BIN" --man "$sec" >"now.$sec"
	if cmp -s "installed.$sec" "now.$sec"; then ok "installed page $sec is what the program says now"
	else not_ok "installed page $sec is what the program says now" "$(diff "installed.$sec" "now.$sec" | head -20)"; fi
	warn=$(MANWIDTH=80 man --warnings -l "installed.$sec" 2>&1 >"text.$sec")
	check_eq "man renders page $sec without a warning" "$warn" ""
done
text=$(cat text.1)
for c in $("$FN_BIN" --complete commands); do
	check_contains "footnote(1) documents the command $c" "$text" "footnote $c"
done
check_contains "footnote(1) lists the keys" "$text" "toggle_sources"
check_contains "footnote(1) lists the exit codes" "$text" "threshold not met"
text=$(tr -s " \n" "  " <text.5) # lines joined: the check reads across a wrap
check_contains "footnote-config(5) has nested keys" "$text" "profiles.*.retrieval.top_k"
check_contains "footnote-config(5) has limits and defaults" "$text" "Type: integer 1..100. Default: 6."

# ---- completion -----------------------------------------------------------------------------
mkdir -p "$XDG_CONFIG_HOME/footnote" "$XDG_DATA_HOME/footnote/sessions"
cat >"$XDG_CONFIG_HOME/footnote/config.yaml" <<YAML
profiles:
  rag: {provider: builtin}
  hybrid: {provider: builtin}
index:
  folders:
    - {path: $FN_TMP, collection: notes}
    - {path: $FN_TMP/dest, collection: manuals}
YAML
cp "$FN_ROOT/tests/data/sessions/20261121-142501-ab12.json" "$XDG_DATA_HOME/footnote/sessions/"
PATH=$(dirname "$bin"):$PATH
export PATH
comp=$dest/usr/local/share

out=$(footnote --complete profiles | tr '\n' ' '); check_eq "--complete profiles" "$out" "rag hybrid fine-tuned offline "
out=$(footnote --complete collections | tr '\n' ' '); check_eq "--complete collections" "$out" "notes manuals "
out=$(footnote --complete sessions); check_eq "--complete sessions" "$out" "20261121-142501-ab12"

if [ -f /usr/share/bash-completion/bash_completion ] && command -v bash >/dev/null; then
	bash_complete() { # the line's words; the last is completed
		bash -c '. /usr/share/bash-completion/bash_completion
			. "$0"
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_footnote footnote
			printf "%s\n" "${COMPREPLY[@]}"' "$comp/bash-completion/completions/footnote" "$@" | sort | tr '\n' ' '
	}
	out=$(bash -c '. /usr/share/bash-completion/bash_completion; . "$0"; complete -p footnote' \
		"$comp/bash-completion/completions/footnote")
	check_eq "bash: the completion is registered" "$out" "complete -F _footnote footnote"
	check_eq "bash: commands" "$(bash_complete footnote se)" "search sessions "
	check_eq "bash: global options" "$(bash_complete footnote --p)" "--profile "
	check_eq "bash: a command's options" "$(bash_complete footnote search --c)" "--collection "
	check_eq "bash: profiles" "$(bash_complete footnote ask --profile '')" "fine-tuned hybrid offline rag "
	check_eq "bash: a list of profiles" "$(bash_complete footnote eval q.jsonl --profiles rag,h)" "rag,hybrid "
	check_eq "bash: collections" "$(bash_complete footnote search --collection m)" "manuals "
	check_eq "bash: subcommands" "$(bash_complete footnote sessions re)" "rename resume "
	check_eq "bash: session ids" "$(bash_complete footnote sessions show 2026)" "20261121-142501-ab12 "
	check_eq "bash: an option's words" "$(bash_complete footnote search --mode l)" "lexical "
	touch conf-a.yaml
	check_eq "bash: files for --config" "$(bash_complete footnote --config conf-)" "conf-a.yaml "
else
	skip "bash completion" "bash-completion not installed"
fi

if command -v zsh >/dev/null; then
	# A scripted harness: the completion function runs in real zsh with words and CURRENT
	# set, and the two completion-system calls it makes print what they were given.
	zsh_complete() {
		zsh -f -c '_describe() { local n; for n in "${(@P)4}"; do print -r -- "${n%%:*}"; done; }
			_files() { print -r -- "(files)"; }
			functions[_fn]="$(<"$0")"
			words=("$@"); CURRENT=$#; _fn' "$comp/zsh/site-functions/_footnote" "$@" | sort | tr '\n' ' '
	}
	out=$(zsh -f -c 'fpath=("$0" $fpath); autoload -Uz compinit; compinit -u -D; print -r -- $_comps[footnote]' \
		"$comp/zsh/site-functions")
	check_eq "zsh: compinit registers _footnote for footnote" "$out" "_footnote"
	check_eq "zsh: commands" "$(zsh_complete footnote se)" "search sessions "
	check_eq "zsh: profiles" "$(zsh_complete footnote ask --profile '')" "fine-tuned hybrid offline rag "
	check_eq "zsh: session ids" "$(zsh_complete footnote sessions export '')" "20261121-142501-ab12 "
	check_eq "zsh: files for --config" "$(zsh_complete footnote --config '')" "(files) "
else
	skip "zsh completion" "zsh not installed"
fi

if command -v fish >/dev/null; then
	fish_complete() {
		fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$comp/fish/vendor_completions.d/footnote.fish" "$1" |
			cut -f1 | sort | tr '\n' ' '
	}
	check_eq "fish: commands" "$(fish_complete 'footnote se')" "search sessions "
	check_eq "fish: profiles" "$(fish_complete 'footnote ask --profile ')" "fine-tuned hybrid offline rag "
	check_eq "fish: collections" "$(fish_complete 'footnote search --collection ')" "manuals notes "
	check_eq "fish: session ids" "$(fish_complete 'footnote sessions delete ')" "20261121-142501-ab12 "
	check_eq "fish: files for --config" "$(fish_complete 'footnote --config conf-')" "conf-a.yaml "
else
	skip "fish completion" "fish not installed"
fi

check "make uninstall" mk uninstall DESTDIR="$dest" PREFIX=/usr/local
left=$(find "$dest" -type f)
check_eq "uninstall leaves no file behind" "$left" ""

# ---- make deb ---------------------------------------------------------------------------------
if command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null; then
	deb=$(mk deb | tail -n 1)
	case $deb in /*) ;; *) deb=$FN_ROOT/$deb ;; esac
	if [ -f "$deb" ]; then ok "make deb builds a package"; else tap_bail "make deb built no package: $deb"; fi
	depends=$(dpkg-deb -f "$deb" Depends)
	for p in libc6 libcurl4 liblmdb0 libncursesw6 libyaml-0-2 libcjson1 libmd4c0 libxxhash0 libstemmer0d; do
		check_contains "Depends names $p (dpkg-shlibdeps)" "$depends" "$p"
	done
	root=$FN_TMP/root
	check "dpkg -x unpacks it into a temporary root" dpkg -x "$deb" "$root"
	out=$("$root/usr/bin/footnote" --version)
	check_contains "the unpacked footnote runs and says its version" "$out" "footnote $(dpkg-deb -f "$deb" Version)"
	out=$("$root/usr/bin/footnote" paths)
	check_contains "the unpacked footnote finds its themes" "$out" "$root/usr/share/footnote/themes"
	if command -v lintian >/dev/null; then
		lint=$(lintian --tag-display-limit 0 "$deb" 2>&1)
		errors=$(printf '%s\n' "$lint" | grep '^E:')
		check_eq "lintian finds no error" "$errors" ""
		diag "$lint"
	else
		skip "lintian" "lintian not installed"
	fi
else
	skip "make deb" "dpkg-dev not installed"
fi

tap_done
