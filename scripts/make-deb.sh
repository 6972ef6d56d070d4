#!/bin/sh
# Builds build/MODE/footnote_VERSION_ARCH.deb from the build of MODE (run by `make deb`).
#
#   make-deb.sh MODE VERSION
#
# The tree is what `make install PREFIX=/usr` puts under a staging root, with the binary
# stripped and Debian's copyright and changelog added; Depends are the packages of the
# shared libraries the binary links, as dpkg-shlibdeps finds them (it needs a
# debian/control, so one is written in a scratch folder). Files are owned by root
# (dpkg-deb --root-owner-group), so no fakeroot is needed.
set -eu
mode=${1:?usage: make-deb.sh MODE VERSION}
version=${2:?usage: make-deb.sh MODE VERSION}
make=${MAKE:-make}
b=build/$mode
for tool in dpkg-deb dpkg-shlibdeps strip; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "make-deb: $tool is missing; run scripts/install-deps.sh (dpkg-dev, binutils)" >&2
		exit 1
	}
done
arch=$(dpkg --print-architecture)
maint=${DEB_MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || echo 'footnote developers <footnote@example.org>')}
date=$(git log -1 --format=%cD 2>/dev/null || date -R)
year=$(git log -1 --format=%cd --date=format:%Y 2>/dev/null || date +%Y)
# Staged outside build/: the Makefile reads every *.d under build/ as dependencies, and
# fish's vendor_completions.d would be one.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/root" "$stage/src/debian"
root=$(cd "$stage/root" && pwd)

$make --no-print-directory install MODE="$mode" PREFIX=/usr DESTDIR="$root" >/dev/null
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/footnote"

doc=$root/usr/share/doc/footnote
# The project states no license yet: the file says so rather than guess one.
cat >"$doc/copyright" <<COPYRIGHT
footnote
Copyright (C) $year the footnote authors.

Upstream-Contact: $maint

No license has been stated for footnote yet. Until its authors state one, ask them
before you redistribute this package.
COPYRIGHT
printf 'footnote (%s) unstable; urgency=medium\n\n  * Built from the footnote source tree with make deb.\n\n -- %s  %s\n' \
	"$version" "$maint" "$date" | gzip -9n >"$doc/changelog.gz"
chmod 644 "$doc/copyright" "$doc/changelog.gz"

# dpkg-shlibdeps reads debian/control for the package's name; its answer is the Depends.
cat >"$stage/src/debian/control" <<CONTROL
Source: footnote
Maintainer: $maint

Package: footnote
Architecture: any
Description: footnote
CONTROL
depends=$(cd "$stage/src" && dpkg-shlibdeps -O "$root/usr/bin/footnote" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "make-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$root/DEBIAN"
(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"
cat >"$root/DEBIAN/control" <<CONTROL
Package: footnote
Version: $version
Architecture: $arch
Maintainer: $maint
Installed-Size: $(du -sk "$root/usr" | cut -f1)
Depends: $depends
Section: utils
Priority: optional
Description: terminal chat client that answers from your documents
 footnote asks questions of your own documents in the terminal and shows where
 every answer came from: an ncurses chat pane with streamed answers carrying
 citation markers, a sources pane with the passages behind them, and an LMDB
 index of watched folders with lexical and vector search. It talks to
 OpenAI-compatible servers and to Ollama, and answers offline, extractively,
 when no server is configured.
CONTROL
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
deb=$b/footnote_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
