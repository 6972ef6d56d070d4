#!/bin/sh
# Install what footnote needs to build, test and run, and nothing that is already there.
# Idempotent: each library is looked up with pkg-config (or its header when Debian ships
# no .pc file), each tool with `command -v`; apt-get runs only for what is missing.
set -eu

missing=""
want_pc() { pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"; }
want_hdr() { [ -f "/usr/include/$1" ] || missing="$missing $2"; }
want_cmd() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }

want_cmd cc          gcc
want_cmd make        make
want_cmd pkg-config  pkg-config
if command -v pkg-config >/dev/null 2>&1; then
    want_pc ncursesw  libncurses-dev
    want_pc libcurl   libcurl4-openssl-dev
    want_pc libcjson  libcjson-dev
    want_pc lmdb      liblmdb-dev
    want_pc yaml-0.1  libyaml-dev
    want_pc md4c      libmd4c-dev
    want_pc libxxhash libxxhash-dev
    want_pc libzip    libzip-dev
    want_pc libxml-2.0 libxml2-dev
    want_pc cmocka    libcmocka-dev
else
    missing="$missing libncurses-dev libcurl4-openssl-dev libcjson-dev liblmdb-dev libyaml-dev"
    missing="$missing libmd4c-dev libxxhash-dev libcmocka-dev libzip-dev libxml2-dev"
fi
want_hdr libstemmer.h libstemmer-dev
want_cmd tmux        tmux
want_cmd pdftotext   poppler-utils
# tests/e2e/formats.sh: office files made by tools footnote did not write.
want_cmd pandoc      pandoc
want_cmd soffice     "libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui"
want_cmd python3     python3
# tests/e2e/install.sh: the manual pages rendered, completion in each shell, make deb.
want_cmd man            man-db
want_cmd groff          groff-base
want_cmd dpkg-shlibdeps dpkg-dev
want_cmd strip          binutils
want_cmd zsh            zsh
want_cmd fish           fish
want_cmd lintian        lintian
[ -f /usr/share/bash-completion/bash_completion ] || missing="$missing bash-completion"
# tests/e2e/eval_html.sh: the eval report opened in headless Chromium, a screenshot checked.
want_cmd chromium       chromium
if [ "${1:-}" = "--bench" ]; then
    want_hdr sqlite3.h             libsqlite3-dev
    want_hdr hnswlib/hnswlib.h     libhnswlib-dev
    want_cmd g++                   g++
    want_cmd curl                  curl     # net_bench.sh: the plain-curl peer
    want_hdr vterm.h               libvterm-dev  # ui_bench.c: a terminal emulator
fi
# --fuzz (make fuzz): clang and its libFuzzer runtime.
if [ "${1:-}" = "--fuzz" ]; then
    want_cmd clang   clang
    command -v clang >/dev/null 2>&1 &&
        [ ! -f "$(clang -print-runtime-dir)/libclang_rt.fuzzer-$(uname -m).a" ] &&
        missing="$missing libclang-rt-14-dev"
fi

[ -z "$missing" ] && exit 0

echo "footnote: installing missing packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "footnote: need root or sudo to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing
