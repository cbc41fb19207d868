#!/bin/sh
# check_layers.sh - refuse a file that includes from a layer above its own.
#
# The layers, bottom to top (README, "Architecture"):
#   0 core     src/core/   events, ring, clock, timeline, codec, recording,
#                          replay, export, stats, session, findings
#   1 sources  engines/    the built-in models, the origin, the runner, the
#                          tracer and the SDK transport
#   2 ui       ui/         canvas, views, keys, the terminal backend
#   3 app      src/cli/    main, the commands, options, headless output
# A file may include headers of its own layer and of the layers below it.
# Besides: the core includes nothing of curses, libuv or libcurl; the
# sources nothing of curses; and exactly one file (ui/tui.c) includes curses.
#
# Usage: check_layers.sh [ROOT]   (default: the current directory)
# Prints one line per violation; exit 0 when there is none, 1 otherwise.
root=${1:-.}
cd "$root" || exit 1
bad=0
layer_of() {
	case $1 in
	src/core/*) echo 0 ;; engines/*) echo 1 ;; ui/*) echo 2 ;; src/cli/*) echo 3 ;; *) echo 9 ;;
	esac
}
name_of() {
	case $1 in 0) echo core ;; 1) echo engines ;; 2) echo ui ;; 3) echo cli ;; *) echo "?" ;; esac
}
files=$(find src/core engines ui src/cli -name '*.[ch]' 2>/dev/null | sort)
[ -n "$files" ] || { echo "check_layers: no sources under $root"; exit 1; }
for f in $files; do
	mine=$(layer_of "$f")
	# quoted includes: find the header in the layer folders
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		where=""
		for d in "$(dirname "$f")" src/core engines ui src/cli; do
			if [ -f "$d/$h" ]; then where="$d/$h"; break; fi
		done
		if [ -z "$where" ]; then
			echo "$f: includes \"$h\", which is in no layer folder"
			bad=1; continue
		fi
		theirs=$(layer_of "$where")
		if [ "$theirs" -gt "$mine" ]; then
			echo "$f: $(name_of "$mine") includes \"$h\" from $(name_of "$theirs"), a layer above it"
			bad=1
		fi
	done
	# system includes that a layer must not use
	sys=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' "$f")
	for h in $sys; do
		case $h in
		curses.h|ncurses.h|ncursesw/*|term.h)
			[ "$f" = ui/tui.c ] || { echo "$f: includes <$h>; only ui/tui.c may include curses"; bad=1; } ;;
		uv.h|curl/*)
			[ "$mine" -eq 0 ] && { echo "$f: the core includes <$h>; it may not use libuv or libcurl"; bad=1; } ;;
		esac
	done
done
exit $bad
