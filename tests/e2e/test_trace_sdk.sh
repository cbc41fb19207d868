#!/bin/sh
# test_trace_sdk.sh - programs that report their own tasks, through the real
# `concviz trace`: each prints and exits the same traced or not (timings in
# its output aside); traced (--json summary, a recording, its CSV and
# Chrome exports, checked by tests/sdk/check_trace.py): the C program built
# against concviz.h as a user builds it has its tasks, named, on the lanes
# of the threads that began them, in order, with the right counts, its mark
# and explicit state; the lesson's three examples give 160 asyncio task
# lanes with a loop lane, 160 tasks on the 5 pool threads, 20 Pool calls on
# >= 2 worker processes, each download waiting the origin's latency, and
# the findings of the built-in models; failures carry the exception's type,
# a fork and an exit mid-task are followed, garbage in the transport is
# rejected and counted, a stream written as fast as Python can is read with
# nothing rejected, --no-python gives threads only, CPU-bound threads
# are gil-bound; the Log of a recording names the tasks; and the live UI of
# a traced asyncio program, and the replay of its recording, show its task
# lanes. Debian's python3 (with
# aiohttp and requests, installed by make test) runs the Python programs.
. "$(dirname "$0")/lib.sh"
T=$E2E_TMP
BUILD=${BUILD:-build}
CPROG=$(pwd)/$BUILD/sdk/cprog
S=$(pwd)/tests/sdk
EX=$(pwd)/examples
PY=${PYTHON:-/usr/bin/python3}
LATENCY=100
# ./concviz finds the Python task tracer beside it, in the source tree; a
# binary built elsewhere (make asan: build/asan/concviz) is told where it is
[ "$BIN" = "$(pwd)/concviz" ] || export CONCVIZ_PYTHON_DIR=$(pwd)/engines/sdk/python

"$BIN" serve --port 0 --latency $LATENCY >"$T/serve.out" 2>&1 &
SERVE=$!
i=0
while [ $i -lt 50 ] && ! grep -q listening "$T/serve.out" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.out")
[ -n "$PORT" ] && pass "an origin for the untraced runs on port $PORT" || fail "serve did not start"

# checks SCENARIO NAME ARG...: check_trace.py's lines count as this test's checks.
checks() {
	python3 "$S/check_trace.py" "$@" >"$T/check.out" 2>&1
	tally "$T/check.out"
}

# norm FILE: the file with the seconds a program reports ("in 0.25 s") blanked.
norm() {
	sed 's/[0-9][0-9.]* s$/_ s/' "$1"
}

# run_trace NAME [--no-python] CMD...: run CMD untraced (CONCVIZ_ORIGIN: the
# origin above) and through `concviz trace --json --record`; pass when both
# print (stdout, stderr) and exit the same; exports the recording.
run_trace() {
	_name=$1
	shift
	_opt=
	[ "$1" = --no-python ] && { _opt=$1; shift; }
	(cd "$T" && CONCVIZ_ORIGIN=http://127.0.0.1:$PORT timeout -k 5 120 "$@" >"$T/plain.out" 2>"$T/plain.err")
	_rc1=$?
	(cd "$T" && timeout -k 5 120 "$BIN" trace --json -o "$T/$_name.json" --record "$T/$_name.cvz" \
		$_opt -- "$@" >"$T/traced.out" 2>"$T/traced.err")
	_rc2=$?
	if [ "$_rc1" -eq "$_rc2" ] && [ "$(norm "$T/plain.out")" = "$(norm "$T/traced.out")" ] &&
		[ "$(norm "$T/plain.err")" = "$(norm "$T/traced.err")" ]; then
		pass "$_name: prints and exits ($_rc1) the same traced"
	else
		fail "$_name: untraced $_rc1, traced $_rc2"
		diff "$T/plain.out" "$T/traced.out" | head -n 10 | sed 's/^/    | /'
		diff "$T/plain.err" "$T/traced.err" | head -n 20 | sed 's/^/    | /'
	fi
	"$BIN" export "$T/$_name.cvz" --format csv -o "$T/$_name.csv" 2>"$T/export.err" &&
		"$BIN" export "$T/$_name.cvz" --format chrome -o "$T/$_name.chrome.json" 2>>"$T/export.err" ||
		fail "$_name: export failed: $(cat "$T/export.err")"
}

# --- a C program built against the header, as a user builds it --------------------
run_trace c-basic "$CPROG" basic
checks c-basic "$T/c-basic"
"$BIN" show "$T/c-basic.cvz" --view log --width 120 --color never >"$T/log.txt" 2>&1
grep -q "task-begin  w1 job 0  (cprog" "$T/log.txt" && grep -q "mark phase 2" "$T/log.txt" &&
	grep -q "out  cprog: 16 tasks, 1 failed" "$T/log.txt" &&
	pass "the Log of the recording: the tasks, on their threads, the mark and the output" ||
	fail "the Log lacks tasks or output: $(head -c 600 "$T/log.txt")"
"$BIN" stats "$T/c-basic.cvz" --json >"$T/stats.json" 2>&1 && python3 -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sys.exit(0 if (a["tasks"], a["done"], a["failed"]) == (b["tasks"], b["done"], b["failed"]) == (16, 15, 1)
         else 1)' "$T/stats.json" "$T/c-basic.json" &&
	pass "stats of the recording counts the tasks as the live summary did" ||
	fail "stats of the recording: $(head -c 300 "$T/stats.json")"
run_trace c-fork "$CPROG" fork
checks c-fork "$T/c-fork"
run_trace c-exit "$CPROG" exit
checks c-exit "$T/c-exit"

# --- the lesson's examples ------------------------------------------------------------
if "$PY" -c 'import aiohttp, requests' 2>/dev/null; then
	run_trace async "$PY" "$EX/async_io.py"
	checks py-async "$T/async" 160 $LATENCY
	run_trace threads "$PY" "$EX/threads_io.py"
	checks py-threads "$T/threads" 160 $LATENCY 5
	run_trace no-python --no-python "$PY" "$EX/async_io.py"
	checks no-python "$T/no-python"
else
	fail "$PY has no aiohttp or requests (make test installs python3-aiohttp python3-requests)"
fi
run_trace pool "$PY" "$EX/procs_cpu.py"
checks py-pool "$T/pool" 20
run_trace gil "$PY" "$EX/threads_cpu.py"
if [ "$(nproc)" -ge 2 ]; then
	checks gil "$T/gil"
else
	pass "one core: a GIL costs nothing there, no gil-bound finding expected"
fi

# --- failures, forks, exits, garbage --------------------------------------------------
run_trace fail "$PY" "$S/py_fail.py" forkserver
checks py-fail "$T/fail"
run_trace fork "$PY" "$S/py_fork.py"
checks py-fork "$T/fork"
run_trace exit "$PY" "$S/py_exit.py"
checks py-exit "$T/exit"
(cd "$T" && timeout -k 5 120 "$BIN" trace --json -o "$T/hostile.json" --record "$T/hostile.cvz" -- \
	"$PY" "$S/py_hostile.py" >"$T/hostile.out" 2>&1)
_rc=$?
planted=$(sed -n 's/^planted \([0-9]*\) rejects$/\1/p' "$T/hostile.out")
[ "$_rc" -eq 0 ] && [ -n "$planted" ] && pass "the hostile program ran under concviz (planted $planted)" ||
	fail "hostile run: exit $_rc, $(head -c 300 "$T/hostile.out")"
"$BIN" export "$T/hostile.cvz" --format csv -o "$T/hostile.csv" 2>/dev/null
checks py-hostile "$T/hostile" "${planted:-0}"
# a stream as fast as the writer goes: concviz reads its head ~2,000 times
# while it is being stored, and never sees it go back (nothing rejected)
(cd "$T" && timeout -k 5 120 "$BIN" trace --no-ui --json -o "$T/stream.json" -- \
	"$PY" "$S/py_stream.py" >"$T/stream.out" 2>&1)
_rc=$?
streamed=$(sed -n 's/^\([0-9]*\) records$/\1/p' "$T/stream.out")
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
k = s["sdk"]
print("%s - a stream of %s records: its task read (%d, %d done), %d dropped, %d rejected"
      % ("ok" if k["rejected"] == 0 and (s["tasks"], s["done"]) == (1, 1) else "FAIL",
         sys.argv[2], s["tasks"], s["done"], k["dropped"], k["rejected"]))' "$T/stream.json" "$streamed" \
	>"$T/stream.check" 2>&1
[ "$_rc" -eq 0 ] && [ -n "$streamed" ] ||
	echo "FAIL - stream run: exit $_rc, $(head -c 300 "$T/stream.out")" >>"$T/stream.check"
tally "$T/stream.check"

# --- the live UI of a traced asyncio program -------------------------------------------
if "$PY" -c 'import aiohttp' 2>/dev/null; then
	tm_start ui 140 45 "cd $T && $BIN trace -- $PY $EX/async_io.py"
	check ui "the traced asyncio program's task lanes and loop lane are drawn" "Task-[0-9]+ download" 30
	check ui "its header counts the tasks" "tasks 161/161" 30
	check ui "the loop lane" "^ loop " 5
	tm_keys ui Tab Tab Tab
	check ui "the Log view shows the program's output and its tasks" "out  downloaded 160 sites" 10
	tm_screen ui | grep -Eq "task task-end +Task-[0-9]+ (main|download)" &&
		pass "the Log view lists task events" || fail "the Log view lacks the task events"
	tm_keys ui q
	tm_gone ui "Task-" 10 && pass "q quits" || fail "q did not quit"
	tm_start replay 140 45 "cd $T && $BIN replay async.cvz --speed 4"
	check replay "the replay of its recording draws the task lanes" "Task-[0-9]+ download" 20
	check replay "... and the loop lane" "^ loop " 5
	tm_keys replay q
fi
kill "$SERVE" 2>/dev/null
wait "$SERVE" 2>/dev/null
e2e_finish
