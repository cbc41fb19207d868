#!/bin/sh
# test_install.sh - `make install` puts the binary, the manual page and the
# bash completion where the README says (under DESTDIR/PREFIX), and `make
# uninstall` removes exactly those files: nothing of ours is left, nothing
# else is touched. Exit 0 = pass.
BIN=${BIN:-./concviz}
BIN=${BIN#./}
fail() { echo "FAIL: $*"; exit 1; }
tmp=$(mktemp -d /tmp/cvz-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/usr/share/man/man1"; echo keep >"$tmp/usr/share/man/man1/other.1"
mk() { make -s --no-print-directory BIN="$BIN" ${BUILD:+BUILD=$BUILD} DESTDIR="$tmp" PREFIX=/usr "$@"; }
mk install >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make install failed"; }
for f in usr/bin/concviz usr/share/man/man1/concviz.1 usr/share/bash-completion/completions/concviz; do
	[ -f "$tmp/$f" ] || fail "make install did not put $f in place"
done
[ -x "$tmp/usr/bin/concviz" ] || fail "the installed binary is not executable"
"$tmp/usr/bin/concviz" --version | grep -q '^concviz ' || fail "the installed binary does not run"
echo "ok - make install: $(cd "$tmp" && find . -type f ! -name other.1 ! -name log | sort | tr '\n' ' ')"
mk uninstall >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make uninstall failed"; }
left=$(cd "$tmp" && find . -type f ! -name log ! -name other.1)
[ -z "$left" ] || fail "make uninstall left: $left"
[ -f "$tmp/usr/share/man/man1/other.1" ] || fail "make uninstall removed a file that is not ours"
echo "ok - make uninstall removed exactly what make install put in place"
