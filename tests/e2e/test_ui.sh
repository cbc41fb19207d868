#!/bin/sh
# test_ui.sh - the interactive UI, driven in tmux like a user would: the live
# Gantt of each mode, help, compare, resizing (down to 20x6), quitting with
# the terminal restored, SIGTERM, no terminal, TERM=dumb, NO_COLOR, and a
# replay of a headless recording. BIN = the binary (default ./concviz).
# Every wait is a bounded poll of the screen; nothing asserts timings.
. "$(dirname "$0")/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	echo "test_ui: tmux is missing (Debian package tmux; \`make test-deps\` installs it)"
	exit 1
fi

# After the program, the wrapper prints its exit status and whether the tty
# is back in canonical mode ("icanon"; "-icanon" = left in cbreak mode).
AFTER='echo EXIT=$?; echo TTY=$(stty -a | tr " ;" "\n\n" | grep -E -x -- "-?icanon")'

# --- the live UI, mode by mode ------------------------------------------------
tm_start ui 120 40 "\"$BIN\" run --latency 20; $AFTER"
check ui "header shows the threads mode" '^concviz .*threads'
check ui "header shows the io workload" '^concviz .*[^a-z]io[^a-z]'
for i in 1 2 3 4 5; do
	check ui "lane 'thread $i' appears" "^thread $i( |$)"
done
check ui "the first run finishes (DONE)" 'DONE *$' 20
# mouse, as the terminal sends it (SGR 1006): a click on thread 1, then the wheel
tm send-keys -t ui -l "$(printf '\033[<0;51;6M')"
tm send-keys -t ui -l "$(printf '\033[<0;51;6m')"
check ui "click on a span: the detail line names its task and lane" '^task [0-9]+ . thread 1 '
tm send-keys -t ui -l "$(printf '\033[<64;71;6M')"
check ui "mouse wheel: zooms in (the window no longer starts at 0)" '^time +[1-9][0-9.]*m?s '
tm_keys ui f
check ui "f: fits the whole run again" '^time +0m?s '
tm_keys ui Space
check ui "space: the header says PAUSED" 'PAUSED'
tm_keys ui Space
tm_gone ui 'PAUSED' 5 && pass "space again: PAUSED goes" || fail "space again: PAUSED goes"
tm_keys ui 2
check ui "key 2: header shows async" '^concviz .*async'
check ui "key 2: a 'loop' lane appears" '^loop( |$)'
tm_keys ui 3
check ui "key 3: header shows procs" '^concviz .*procs'
check ui "key 3: 'pid N' lanes appear" '^pid [0-9]+'
tm_keys ui '?'
check ui "key ?: the help screen shows the hotkeys" 'scrub'
tm_keys ui '?'
tm_gone ui 'scrub' 5 && pass "key ? again: help closes" || fail "key ? again: help closes"
tm_keys ui Tab
check ui "Tab: the compare view lists the runs (threads)" '^ *1 +threads '
check ui "Tab: the compare view lists the runs (async)" '^ *2 +async '
check ui "Tab: the compare view lists the runs (procs)" '^ *[0-9]+ +procs ' 20
tm_keys ui Tab Tab Tab
check ui "Tab x4: the Findings view" '^ Gantt .* Findings '
tm_keys ui Tab
check ui "Tab x5: back on the Gantt view" '^pid [0-9]+'

# --- resizing ---------------------------------------------------------------------
for size in 80x24 20x6 120x40; do
	tm resize-window -t ui -x "${size%x*}" -y "${size#*x}"
	sleep 0.3
	check ui "resized to $size: still drawing" '^concviz'
	if tm_screen ui | grep -q '^EXIT='; then
		fail "resized to $size: the program died"
	else
		pass "resized to $size: still alive"
	fi
done
check ui "back at 120x40: lanes are drawn again" '^pid [0-9]+'
# a resize storm: 60 sizes, big and tiny, with no pause between them
i=0
while [ $i -lt 60 ]; do
	w=$((20 + (i * 37) % 140)) h=$((6 + (i * 13) % 40))
	tm resize-window -t ui -x $w -y $h
	i=$((i + 1))
done
tm resize-window -t ui -x 120 -y 40
if tm_screen ui | grep -q '^EXIT='; then
	fail "resize storm: the program died"
else
	pass "resize storm (60 sizes from 20x6 up): still alive"
fi
check ui "after the storm: lanes are drawn at 120x40" '^pid [0-9]+'

# --- quitting restores the terminal ----------------------------------------------
tm_keys ui q
check ui "q quits with exit status 0" '^EXIT=0$'
check ui "q: the terminal is back in canonical mode" '^TTY=icanon$'
if tm_screen ui | grep -q '^concviz │'; then
	fail "q: the UI was cleared from the screen"
else
	pass "q: the UI was cleared from the screen"
fi

# --- SIGTERM ------------------------------------------------------------------------
tm_start term 100 30 "\"$BIN\" run --latency 200 --tasks 2000; $AFTER"
check term "SIGTERM run: the UI is up" '^thread 1'
pid=$(tm_child term)
if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
	check term "SIGTERM: exit status 143" '^EXIT=143$' 15
	check term "SIGTERM: the terminal is restored" '^TTY=icanon$'
else
	fail "SIGTERM: could not find the concviz process"
fi

# --- Ctrl-C (the wrapper shell ignores SIGINT so that it can report) -------------
tm_start intr 100 30 "trap \"\" INT; \"$BIN\" run --latency 200 --tasks 2000; $AFTER"
check intr "Ctrl-C run: the UI is up" '^thread 1'
tm_keys intr C-c
check intr "Ctrl-C: exit status 130" '^EXIT=130$' 15
check intr "Ctrl-C: the terminal is restored" '^TTY=icanon$'

# --- a crash restores the terminal too -------------------------------------------------
tm_start segv 100 30 "\"$BIN\" run --latency 200 --tasks 2000; $AFTER"
check segv "SIGSEGV run: the UI is up" '^thread 1'
pid=$(tm_child segv)
if [ -n "$pid" ] && kill -SEGV "$pid" 2>/dev/null; then
	check segv "SIGSEGV: dies of the signal (status 139)" '^EXIT=139$' 15
	check segv "SIGSEGV: the terminal is restored" '^TTY=icanon$'
else
	fail "SIGSEGV: could not find the concviz process"
fi

# --- no terminal / a dumb terminal ---------------------------------------------------
"$BIN" run >"$E2E_TMP/out" 2>"$E2E_TMP/err" </dev/null
rc=$?
if [ $rc -eq 2 ] && grep -q '^concviz: .*not a terminal.*--no-ui' "$E2E_TMP/err"; then
	pass "stdout not a terminal: one-line message, exit 2"
else
	fail "stdout not a terminal: got exit $rc and: $(cat "$E2E_TMP/err")"
fi
tm_start dumb 100 10 "TERM=dumb \"$BIN\" run; $AFTER"
check dumb "TERM=dumb: the message names the terminal" '^concviz: this terminal \(TERM=dumb\) cannot draw the UI; use'
check dumb "TERM=dumb: exit status 2" '^EXIT=2$'
tm_start noterm 100 10 "unset TERM; \"$BIN\" run; $AFTER"
check noterm "TERM unset: message and exit status 2" '^EXIT=2$'
check noterm "TERM unset: the message says so" 'TERM=unset'

# --- NO_COLOR --------------------------------------------------------------------------
tm_start mono 120 30 "NO_COLOR=1 \"$BIN\" run --latency 20; $AFTER"
check mono "NO_COLOR: the UI draws lanes" '^thread 5'
if tm capture-pane -e -p -t mono | grep -Eq '\[(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m'; then
	fail "NO_COLOR: no colour escapes on screen"
else
	pass "NO_COLOR: no colour escapes on screen"
fi
tm_keys mono q
check mono "NO_COLOR: q quits with status 0" '^EXIT=0$'

# --- R records the run into the current directory ----------------------------------
mkdir -p "$E2E_TMP/rec"
tm_start rec 120 30 "cd \"$E2E_TMP/rec\" && \"$BIN\" run --latency 20 --tasks 30; $AFTER"
check rec "R: the run is up" 'DONE *$' 20
tm_keys rec R
check rec "R on a finished run: saved to concviz-YYYYMMDD-HHMMSS.cvz" 'saved concviz-[0-9]{8}-[0-9]{6}(-[0-9]+)?\.cvz'
tm_keys rec R
check rec "R again: a second file, never overwriting" 'saved concviz-[0-9]{8}-[0-9]{6}-1\.cvz|saved concviz-[0-9]{8}-[0-9]{6}\.cvz'
tm_keys rec q
check rec "R: q quits with status 0" '^EXIT=0$'
n=$(ls "$E2E_TMP/rec" | grep -c '^concviz-.*\.cvz$')
[ "$n" -eq 2 ] && pass "R twice: two recordings on disk" || fail "R twice: $n recordings on disk"

# --- a non-UTF-8 locale gets the ASCII glyphs -------------------------------------------
tm_start ascii 120 30 "LC_ALL=C LANG=C \"$BIN\" run --latency 20 --tasks 30; $AFTER"
check ascii "LC_ALL=C: the header uses ASCII separators" '^concviz \| threads x5 \| io'
# a lane is glyphs of glyphs.c's ASCII table only (a thread may start on
# the CPU, '#', before its first wait)
check ascii "LC_ALL=C: the lanes are drawn with ASCII glyphs" '^thread 1 +[#%~=.rXL|!*D^ -]+$'
tm_keys ascii q
check ascii "LC_ALL=C: q quits with status 0" '^EXIT=0$'

# --- replay of a headless recording ------------------------------------------------------
rec=$E2E_TMP/run.cvz
if "$BIN" run --no-ui --latency 50 --tasks 60 --record "$rec" >"$E2E_TMP/out" 2>&1 && [ -s "$rec" ]; then
	pass "run --no-ui --record wrote a recording"
else
	fail "run --no-ui --record wrote a recording: $(cat "$E2E_TMP/out")"
fi
tm_start replay 120 30 "\"$BIN\" replay \"$rec\" --speed 0.25; $AFTER"
check replay "replay: the header says REPLAY at x0.25" 'REPLAY ×0.25'
check replay "replay: lanes appear" '^thread 1'
tm_keys replay Space
check replay "replay: space pauses" 'PAUSED'
tm_keys replay '>'
check replay "replay: > doubles the speed" 'REPLAY ×0.5'
tm_keys replay End
check replay "replay: End loads everything while paused (60/60)" ' 60/60 '
tm_keys replay Home
check replay "replay: Home goes back to the start (0/60)" ' 0/60 '
tm_keys replay End
check replay "replay: End again (60/60)" ' 60/60 '
tm_keys replay Tab
check replay "replay: the compare view lists the recording" '^ *1 +threads '
tm_keys replay 2
check replay "replay: a mode key explains it cannot switch" 'this is a replay'
tm_keys replay q
check replay "replay: q quits with status 0" '^EXIT=0$'
"$BIN" replay "$E2E_TMP/out" >"$E2E_TMP/o2" 2>"$E2E_TMP/err" </dev/null
rc=$?
if [ $rc -eq 1 ] && grep -q "^concviz: $E2E_TMP/out: " "$E2E_TMP/err" && [ "$(wc -l <"$E2E_TMP/err")" -eq 1 ]; then
	pass "replay of a file that is not a recording: one line, exit 1"
else
	fail "replay of a bad file: got exit $rc and: $(cat "$E2E_TMP/err")"
fi
"$BIN" replay "$rec" --speed 100 >"$E2E_TMP/o2" 2>"$E2E_TMP/err" </dev/null
rc=$?
if [ $rc -eq 2 ] && grep -q '^concviz: --speed' "$E2E_TMP/err"; then
	pass "replay --speed 100: usage error, exit 2"
else
	fail "replay --speed 100: got exit $rc and: $(cat "$E2E_TMP/err")"
fi

e2e_finish
