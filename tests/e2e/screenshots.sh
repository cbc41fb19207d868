#!/bin/sh
# screenshots.sh - regenerate screenshots/: the real program in a 120x36 tmux
# window (TERM=xterm-256color, C.UTF-8), one text capture (<name>.txt) and
# one PNG (<name>.png) per view: capture-pane -e -> aha -> HTML (dark
# background, monospace font) -> headless Chromium screenshot.
# Needs tmux, aha and chromium (Debian packages; installed with apt-get,
# through sudo when not root, when missing). BIN = the binary (./concviz).
# Run by `make screenshots`.
set -u
. "$(dirname "$0")/lib.sh"
OUT=${SCREENSHOTS:-screenshots}
COLS=120
ROWS=36

# need_pkgs CMD=PACKAGE...: install the Debian packages of missing commands.
need_pkgs() {
	missing=""
	for cp in "$@"; do
		command -v "${cp%%=*}" >/dev/null 2>&1 || missing="$missing ${cp#*=}"
	done
	[ -z "$missing" ] && return 0
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "screenshots: missing:$missing; install them and re-run" >&2
		exit 1
	fi
	if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
	echo "screenshots: installing missing packages:$missing"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		{ echo "screenshots: could not install$missing; install them by hand" >&2; exit 1; }
}
need_pkgs tmux=tmux aha=aha
BROWSER=""
for b in chromium chromium-browser; do
	command -v "$b" >/dev/null 2>&1 && BROWSER=$b && break
done
if [ -z "$BROWSER" ]; then
	need_pkgs chromium=chromium
	BROWSER=chromium
fi
[ -x "$BIN" ] || { echo "screenshots: $BIN is not built; run make first" >&2; exit 1; }
mkdir -p "$OUT"

# html NAME [FILE]: the session's screen (with colours) as a dark HTML page
# (FILE.html, default NAME.html).
html() {
	{
		printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>concviz %s</title>\n' "$1"
		printf '<style>html,body{margin:0;background:#101216;}\n'
		printf 'pre{margin:0;padding:12px 14px;color:#d8dbe2;background:#101216;'
		printf 'font-family:"DejaVu Sans Mono",monospace;font-size:14px;line-height:17px;}</style>'
		printf '</head><body><pre>'
		tm capture-pane -e -p -t "$1" | aha --no-header
		printf '</pre></body></html>\n'
	} >"$E2E_TMP/${2:-$1}.html"
}

# shoot NAME [FILE]: write $OUT/FILE.txt and $OUT/FILE.png (FILE: NAME by
# default) from the session NAME.
shoot() {
	set -- "$1" "${2:-$1}"
	tm_screen "$1" >"$OUT/$2.txt"
	html "$1" "$2"
	# 120 columns of 14px DejaVu Sans Mono (8.43 px) + padding; 36 rows of 17 px + padding
	w=$((COLS * 843 / 100 + 28 + 2))
	h=$((ROWS * 17 + 24))
	profile=$(mktemp -d)
	"$BROWSER" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --user-data-dir="$profile" --screenshot="$(pwd)/$OUT/$2.png" \
		--window-size="$w,$h" "file://$E2E_TMP/$2.html" >"$E2E_TMP/chromium.log" 2>&1
	rc=$?
	rm -rf "$profile"
	if [ $rc -ne 0 ] || [ ! -s "$OUT/$2.png" ]; then
		fail "$2: chromium could not take the screenshot"
		tail -n 5 "$E2E_TMP/chromium.log"
	else
		pass "$2: $OUT/$2.txt and $OUT/$2.png"
	fi
}

# start NAME ARGS: run concviz ARGS in a fresh COLS x ROWS session.
start() {
	name=$1
	shift
	tm_start "$name" "$COLS" "$ROWS" "\"$BIN\" $*"
}

# wait_for NAME PATTERN [SECONDS]: wait until the screen shows PATTERN.
wait_for() {
	tm_wait "$1" "$2" "${3:-60}" || { fail "$1: /$2/ never showed"; tm_screen "$1"; return 1; }
}

DONE='^concviz .*DONE *$'
IO="--latency 60 --jitter 80"

start gantt-threads-io run $IO
wait_for gantt-threads-io "$DONE" && shoot gantt-threads-io

start gantt-async-io run --mode async $IO
wait_for gantt-async-io "$DONE" && shoot gantt-async-io

start gantt-procs-cpu run --mode procs --workload cpu
wait_for gantt-procs-cpu "$DONE" 120 && shoot gantt-procs-cpu

start gantt-async-cpu run --mode async --workload cpu --tasks 12
wait_for gantt-async-cpu "$DONE" 120 && shoot gantt-async-cpu

start gantt-threads-gil-cpu run --mode threads --workload cpu --gil
wait_for gantt-threads-gil-cpu "$DONE" 120 && shoot gantt-threads-gil-cpu

start gantt-threads-race run --workload race
wait_for gantt-threads-race "$DONE" 60 && shoot gantt-threads-race

start gantt-threads-deadlock run --workload deadlock
wait_for gantt-threads-deadlock "$DONE" 60 && shoot gantt-threads-deadlock

start compare run --tasks 40 --latency 30 --jitter 30 --cpu-size 20000000
if wait_for compare "$DONE"; then
	# each key starts a run; wait for its header (mode, workload) to say DONE
	for step in "0:seq .*io" "2:async .*io" "3:procs .*io" "w:procs .*cpu" "0:seq .*cpu" \
		"1:threads ×5 .*cpu" "g:threads ×5 \+gil .*cpu" "s:procs .*cpu"; do
		tm_keys compare "${step%%:*}"
		wait_for compare "^concviz .*${step#*:}.*DONE *\$" 120 || break
	done
	tm_keys compare Tab
	wait_for compare '^ *9 +' 10 && shoot compare
fi

start event-loop run --mode async --tasks 40 $IO
if wait_for event-loop "$DONE"; then
	tm_keys event-loop Tab Tab
	sleep 0.5
	shoot event-loop
fi

start findings run --tasks 80 $IO --fail-rate 0.08
if wait_for findings "$DONE"; then
	tm_keys findings i
	wait_for findings 'most important first' 10 && sleep 0.3 && shoot findings
	# the second finding (the failures) shown in the Gantt
	tm_keys findings j Enter
	wait_for findings 'highlighted' 10 && sleep 0.3 && shoot findings finding-gantt
fi

# the lesson's Python programs traced (examples/), next to the built-in modes
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
ENDED='^concviz .*exited 0 *$'
start trace-threads-io trace -- $PY examples/threads_io.py
wait_for trace-threads-io "$ENDED" 120 && shoot trace-threads-io

start trace-async-io trace -- $PY examples/async_io.py
if wait_for trace-async-io "$ENDED" 120; then
	shoot trace-async-io
	# its Log: the program's output and the tasks it reported, by time
	tm_keys trace-async-io Tab Tab Tab
	wait_for trace-async-io 'the tasks it reported' 10 && sleep 0.3 && shoot trace-async-io trace-async-log
fi

start trace-procs-cpu trace -- $PY examples/procs_cpu.py
wait_for trace-procs-cpu "$ENDED" 120 && shoot trace-procs-cpu

start trace-threads-cpu trace -- $PY examples/threads_cpu.py
wait_for trace-threads-cpu "$ENDED" 120 && shoot trace-threads-cpu

start help run $IO
if wait_for help '^thread 1'; then
	tm_keys help '?'
	sleep 0.5
	shoot help
fi

e2e_finish
