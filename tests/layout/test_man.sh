#!/bin/sh
# test_man.sh - the manual page (src/cli/concviz.1) covers what the binary
# knows: every subcommand of `concviz help` has its entry under COMMANDS,
# every option any subcommand's --help names is described, and the page
# renders without a warning (groff -ww, and man --warnings when man is there).
# Exit 0 = pass.
BIN=${BIN:-./concviz}
page=src/cli/concviz.1
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$page" ] || fail "$page is missing"
cmds=$("$BIN" help | sed -n 's/^\(usage:\)\{0,1\} *concviz \([a-z][a-z]*\) .*/\2/p' | sort -u)
[ "$(echo "$cmds" | wc -l)" -ge 7 ] || fail "could not read the subcommands from concviz help: $cmds"
for c in $cmds; do
	grep -q "^\.B $c\$" "$page" || fail "the man page has no entry for the subcommand '$c'"
done
echo "ok - every subcommand has an entry: $(echo $cmds)"
opts=$( { "$BIN" help; for c in $cmds; do [ "$c" = help ] || "$BIN" "$c" --help; done; } 2>&1 |
	grep -o -- '--[a-z][a-z-]*' | sort -u)
[ "$(echo "$opts" | wc -l)" -ge 20 ] || fail "could not read the options: $opts"
for o in $opts; do
	esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
	grep -q -- "$esc" "$page" || fail "the man page does not describe $o"
done
echo "ok - every option is described ($(echo "$opts" | wc -l) options)"
command -v groff >/dev/null 2>&1 || fail "groff is missing (make test-deps installs groff-base)"
warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
[ -z "$warn" ] || fail "groff warns: $warn"
echo "ok - groff renders it without a warning"
if command -v man >/dev/null 2>&1; then
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
	[ -z "$warn" ] || fail "man warns: $warn"
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q "EXIT STATUS" ||
		fail "man does not render the page"
	echo "ok - man renders it without a warning"
fi
