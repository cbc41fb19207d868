#!/bin/sh
# test_layers.sh - the source tree keeps its layers: check_layers.sh passes on
# the tree, and (so that the check can fail) refuses a copy of the tree in
# which a core file includes an engine header, a view includes a command's
# header, or an engine includes curses. Exit 0 = pass.
here=$(dirname "$0")
check=$(cd "$here" && pwd)/check_layers.sh
fail() { echo "FAIL: $*"; exit 1; }
out=$(sh "$check" .) || fail "the tree breaks its layers:
$out"
echo "ok - every include points down (core < engines < ui < cli)"
tmp=$(mktemp -d /tmp/cvz-layers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for bad in 'src/core/timeline.c:#include "engine.h"' 'ui/view_gantt.c:#include "commands.h"' \
	   'engines/engine_seq.c:#include <curses.h>' 'src/core/ring.c:#include <uv.h>'; do
	file=${bad%%:*}; line=${bad#*:}
	rm -rf "$tmp/tree"; mkdir -p "$tmp/tree/src"
	cp -r src/core src/cli "$tmp/tree/src/"; cp -r engines ui "$tmp/tree/"
	printf '%s\n' "$line" >>"$tmp/tree/$file"
	if msg=$(sh "$check" "$tmp/tree"); then
		fail "check_layers accepted $file with $line"
	fi
	echo "ok - refused: $msg"
done
