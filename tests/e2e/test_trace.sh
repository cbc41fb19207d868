#!/bin/sh
# test_trace.sh - `concviz trace` and `concviz attach` as a user drives them:
# exit statuses (the program's, 127, 126, 2), one-line errors, the summary
# as the last line (or -o FILE), JSON fields, output passed through or
# recorded, a program that closes stdout, signals passed on and escalated,
# recordings of traced sessions through stats/show/export, attach and
# detach, attach refused to another user, the lesson's Python examples
# against ground truth (the GIL, processes in parallel, threads on I/O, an
# event loop), and the live UI in tmux. Every run is bounded by `timeout`.
. "$(dirname "$0")/lib.sh"
T=$E2E_TMP
HELPERS=${BUILD:-build}/trace

# one_line NAME PATTERN: the last stderr is one concviz line matching PATTERN.
one_line() {
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -Eq "^concviz: .*$2" "$T/err"; then
		pass "$1: $(cat "$T/err")"
	else
		fail "$1: stderr is not one line matching /$2/"
		sed 's/^/    | /' "$T/err" | head -n 5
	fi
}

# json_check NAME PYTHON-EXPR: evaluate EXPR over d = the last line of stdout as JSON.
json_check() {
	if tail -n 1 "$T/out" | python3 -c "import json,sys; d=json.load(sys.stdin); L=d['lanes']; sys.exit(0 if ($2) else 1)" 2>"$T/pyerr"; then
		pass "$1"
	else
		fail "$1: $(tail -n 1 "$T/out" | head -c 600) $(cat "$T/pyerr")"
	fi
}

# --- exit statuses and errors ----------------------------------------------------
expect "a program that exits 0" 0 "$BIN" trace --no-ui -- true
expect "a program that exits 3" 3 "$BIN" trace --no-ui -- sh -c 'exit 3'
expect "a program killed by SIGKILL: 128 + 9" 137 "$BIN" trace --no-ui -- sh -c 'kill -9 $$'
expect "a command that does not exist" 127 "$BIN" trace --no-ui -- concviz-no-such-command
one_line "not found" "command not found"
printf 'echo hi\n' >"$T/noexec"
expect "a file that is not executable" 126 "$BIN" trace --no-ui -- "$T/noexec"
one_line "not executable" "not executable"
expect "no command" 2 "$BIN" trace --no-ui
one_line "no command" "no command"
expect "a bad --hz" 2 "$BIN" trace --no-ui --hz 5 -- true
one_line "bad --hz" "--hz wants"
expect "attach without a pid" 2 "$BIN" attach --no-ui
expect "attach to no such process" 1 "$BIN" attach --no-ui 999999999
expect "no terminal for the UI" 2 "$BIN" trace -- true
one_line "no terminal" "not a terminal"

# --- output, the summary, JSON ------------------------------------------------------
expect "output passes through" 0 "$BIN" trace --no-ui -- sh -c 'echo hello; echo oops >&2'
[ "$(head -n 1 "$T/out")" = hello ] && grep -q '^oops$' "$T/err" && pass "stdout and stderr reach ours" ||
	fail "output: $(cat "$T/out" "$T/err")"
tail -n 1 "$T/out" | grep -Eq '^trace sh -c .*: wall [0-9.]+ s, [0-9]+ threads? in [0-9]+ process(es)?, cpu .*exited 0$' &&
	pass "the summary is the last line: $(tail -n 1 "$T/out")" || fail "summary line: $(cat "$T/out")"
expect "--json" 5 "$BIN" trace --json -- sh -c 'echo x; exit 5'
json_check "JSON: mode, command, pid, exit status, rate" \
	"d['mode']=='trace' and d['command']==['sh','-c','echo x; exit 5'] and d['pid']>0 and d['exit_status']==5 and d['sample_hz']>0 and d['sample_gap_max_ms']>0 and d['wall_s']>0"
json_check "JSON: every lane has name, pid, tid and the per-state seconds" \
	"all(all(k in l for k in ('name','pid','tid','busy_s','ready_s','lock_wait_s','waiting_s','idle_s')) for l in L) and L[0]['pid']==d['pid']"
expect "-o FILE takes the summary" 0 "$BIN" trace --json -o "$T/sum.json" -- sh -c 'echo only-this'
[ "$(cat "$T/out")" = only-this ] && python3 -c "import json; json.load(open('$T/sum.json'))" &&
	pass "-o: stdout holds the program's output only" || fail "-o: $(cat "$T/out")"
expect "-o never overwrites without --force" 2 "$BIN" trace --json -o "$T/sum.json" -- true
expect "a killed program's JSON names the signal" 143 "$BIN" trace --json -- sh -c 'kill -TERM $$'
json_check "JSON: signal" "d['exit_status']==143 and d['signal']=='SIGTERM'"
expect "a program that closes its stdout" 0 "$BIN" trace --no-ui -- sh -c 'exec >&-; sleep 0.2; echo still >&2'
grep -q still "$T/err" && tail -n 1 "$T/out" | grep -q 'exited 0$' && pass "closed stdout: the summary still comes" ||
	fail "closed stdout: $(cat "$T/out" "$T/err")"
expect "the same, recorded (captured)" 0 "$BIN" trace --no-ui --record "$T/closed.cvz" -- sh -c 'exec >&-; sleep 0.2; echo still >&2'
grep -q still "$T/err" && pass "recorded: stderr written through" || fail "recorded: $(cat "$T/err")"

# --- recordings of traced sessions ------------------------------------------------------
expect "record a trace" 0 "$BIN" trace --no-ui --record "$T/p.cvz" -- "$HELPERS/phases"
expect "stats of it" 0 "$BIN" stats "$T/p.cvz" --json
json_check "stats: the traced lanes, names and pids" \
	"d['mode']=='trace' and any(l['name'].startswith('worker ') and l['tid']!=l['pid'] for l in L) and d['exit_status']==0"
expect "show it" 0 "$BIN" show "$T/p.cvz" --width 100
grep -Eq '^ ?worker [0-9]+ ' "$T/out" && grep -q 'exited 0' "$T/out" && pass "show: lanes and the end" ||
	fail "show: $(head -n 12 "$T/out")"
expect "export chrome" 0 "$BIN" export "$T/p.cvz" --format chrome -o "$T/p.json"
python3 -c "
import json,sys; d=json.load(open('$T/p.json'))
names=[e for e in d['traceEvents'] if e.get('name')=='process_name']
sys.exit(0 if names and all(e['pid']>1 for e in names) and any(e.get('name')=='lock-wait' or e.get('name')=='gil-wait' for e in d['traceEvents']) else 1)" &&
	pass "chrome: one process per traced pid, lock waits" || fail "chrome export: $(head -c 300 "$T/p.json")"
expect "export csv" 0 "$BIN" export "$T/p.cvz" --format csv -o "$T/p.csv"
grep -q 'worker' "$T/p.csv" && pass "csv: the worker's spans" || fail "csv: $(head -n 3 "$T/p.csv")"
expect "record the output" 0 "$BIN" trace --no-ui --record "$T/o.cvz" -- sh -c 'echo recorded-line'
expect "show the Log of it" 0 "$BIN" show "$T/o.cvz" --view log
grep -q 'out  recorded-line' "$T/out" && pass "the Log view shows the recorded output" || fail "log: $(cat "$T/out")"

# --- signals -------------------------------------------------------------------------------
signalled TERM 0.5 "$BIN" trace --no-ui -- sleep 30
[ $rc -eq 143 ] && pass "SIGTERM to concviz is passed on (exit $rc)" || fail "SIGTERM passed on: exit $rc $(cat "$T/err")"
signalled TERM 0.5 "$BIN" trace --no-ui -- sh -c 'trap "" TERM; sleep 30'
[ $rc -eq 137 ] && grep -q 'killed it (SIGKILL)' "$T/err" && pass "a program ignoring SIGTERM: SIGKILL after the grace period, said (exit $rc)" ||
	fail "escalation: exit $rc $(cat "$T/err")"

# --- attach ------------------------------------------------------------------------------------
python3 -c "
import threading, time
for i in range(3): threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
time.sleep(30)" &
P=$!
sleep 0.5
signalled INT 1 "$BIN" attach --json "$P"
[ $rc -eq 0 ] && pass "attach: Ctrl-C detaches (exit 0)" || fail "attach detach: exit $rc $(cat "$T/err")"
json_check "attach: its threads, detached" "d['detached'] and d['threads']>=4 and d['pid']==$P and d['exit_status'] is None"
kill -0 "$P" 2>/dev/null && pass "attach: the process still runs" || fail "attach: the process is gone"
kill "$P"
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	cp "$BIN" "$T/concviz" && chmod 755 "$T" "$T/concviz"
	expect "attach to another user's process" 1 setpriv --reuid=nobody --regid=nogroup --clear-groups "$T/concviz" attach --no-ui 1
	one_line "attach refused" "may not observe process 1"
else
	echo "skip - attach as another user: needs setpriv and root"
fi

# --- the lesson's examples, against ground truth --------------------------------------------
PY=""
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import requests, aiohttp' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	fail "python3 with requests and aiohttp is missing (make test-deps installs python3-requests python3-aiohttp)"
else
	expect "examples/threads_cpu.py" 0 "$BIN" trace --json -- "$PY" examples/threads_cpu.py
	json_check "threads + GIL: each worker waits for the lock longer than it runs; one runs at a time" \
		"len(L)>=6 and all(l['lock_wait_s']>l['busy_s'] for l in L[1:6]) and sum(l['busy_s'] for l in L[1:])<=1.6*d['wall_s']"
	expect "examples/procs_cpu.py (recorded)" 0 "$BIN" trace --no-ui --record "$T/procs.cvz" -- "$PY" examples/procs_cpu.py
	"$BIN" export "$T/procs.cvz" --format csv | python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(sys.stdin)]
main = rows[0]["lane"]
ev = []
for r in rows:
    if r["state"] == "cpu" and r["lane"] != main:
        ev += [(int(r["start_ns"]), 1), (int(r["end_ns"]), -1)]
ev.sort()
n = both = 0; last = 0
for t, k in ev:
    if n >= 2: both += t - last
    n += k; last = t
print("%.2f" % (both / 1e9))
sys.exit(0 if both > 0.3e9 else 1)' >"$T/par" && pass "multiprocessing.Pool: workers compute in parallel ($(cat "$T/par") s with two at once)" ||
		fail "procs: not in parallel ($(cat "$T/par") s)"
	expect "examples/threads_io.py" 0 "$BIN" trace --json -- "$PY" examples/threads_io.py
	json_check "threads on I/O: five workers mostly waiting on their sockets" \
		"len([l for l in L if l['waiting_s']>1.0 and l['waiting_s']>3*l['busy_s']])>=5"
	expect "examples/async_io.py" 0 "$BIN" trace --json -- "$PY" examples/async_io.py
	json_check "asyncio: one thread, waiting in epoll_wait (poll)" "L[0]['loop_poll_s']>0"
fi

# --- the live UI ------------------------------------------------------------------------------------
if command -v tmux >/dev/null 2>&1; then
	AFTER='echo EXIT=$?; echo TTY=$(stty -a | tr " ;" "\n\n" | grep -E -x -- "-?icanon")'
	printf 'echo from-the-program\nexec "%s/phases"\n' "$(cd "$HELPERS" && pwd)" >"$T/prog.sh"
	tm_start tr 100 30 "\"$BIN\" trace -- sh \"$T/prog.sh\"; $AFTER"
	check tr "header: the command and its pid" '^concviz .*prog.sh .*pid [0-9]+'
	check tr "lanes fill: the worker thread" '^ ?worker [0-9]+ '
	check tr "the end is reported" 'exited 0 *$' 20
	tm_keys tr Tab Tab Tab
	check tr "the Log view shows the program's output" 'out  from-the-program'
	tm_keys tr q
	check tr "q quits with the program's status" '^EXIT=0'
	check tr "the terminal is restored" '^TTY=icanon'
	tm_start tq 100 30 "\"$BIN\" trace -- sleep 30; $AFTER"
	check tq "a running program" '^ ?sleep [0-9]+'
	tm_keys tq q
	check tq "q ends the running program (SIGTERM) and quits" '^EXIT=143'
	printf 'trap "" TERM\nsleep 30\n' >"$T/stubborn.sh"
	tm_start tk 100 30 "\"$BIN\" trace -- sh \"$T/stubborn.sh\"; $AFTER"
	check tk "a program that ignores SIGTERM" '^ ?sh [0-9]+'
	tm_keys tk q
	check tk "q: the grace period is announced" 'SIGKILL in 3 s'
	tm_keys tk q
	check tk "q again kills it at once" '^EXIT=137'
else
	fail "tmux is missing (make test-deps installs it)"
fi

e2e_finish
