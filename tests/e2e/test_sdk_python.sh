#!/bin/sh
# test_sdk_python.sh - the Python task tracer (engines/sdk/python) on
# lesson-like programs (tests/sdk/py_*.py), run with PYTHONPATH set to it
# and CONCVIZ_SDK set by the SDK harness (sdk_dump), as `concviz trace`
# will. Each program prints the same, to stdout and stderr, and exits the
# same, traced or not; traced: asyncio downloads are task lanes named
# "Task-N download_site" with I/O waits of at least the origin's latency
# and a loop lane; thread-pool items are tasks on the workers' lanes;
# multiprocessing.Pool and ProcessPoolExecutor calls are tasks on >= 2
# worker processes with the fork, spawn and forkserver start methods;
# failures carry the exception's type, a cancelled task is cancelled, a
# program that forks or exits mid-task is followed, and garbage planted in
# the transport is rejected and counted. Debian's python3 with aiohttp and
# requests (the Makefile installs them) runs everything; other Python 3
# interpreters found in ~/.pyenv run the standard-library programs.
. "$(dirname "$0")/lib.sh"
T=$E2E_TMP
BUILD=${BUILD:-build}
DUMP=$(pwd)/$BUILD/sdk/sdk_dump
PYPATH=$(pwd)/engines/sdk/python
S=$(pwd)/tests/sdk
PY=${PYTHON:-/usr/bin/python3}
LATENCY=100

# checks SCENARIO ARG...: check_dump.py's lines count as this test's checks.
checks() {
	python3 "$S/check_dump.py" "$@" >"$T/check.out" 2>&1
	tally "$T/check.out" "$PYV"
}

# run_py NAME PROGRAM ARG...: run the program untraced and traced (its dump
# in $T/NAME.jsonl); pass when output and exit status are the same.
run_py() {
	_name=$1
	shift
	(cd "$T" && timeout -k 5 120 env -u CONCVIZ_SDK "$PY" "$S/$@" >"$T/plain.out" 2>"$T/plain.err")
	_rc1=$?
	(cd "$T" && PYTHONPATH=$PYPATH timeout -k 5 120 "$DUMP" --json "$T/$_name.jsonl" -- "$PY" "$S/$@" \
		>"$T/traced.out" 2>"$T/traced.err")
	_rc2=$?
	if [ "$_rc1" -eq "$_rc2" ] && cmp -s "$T/plain.out" "$T/traced.out" &&
		cmp -s "$T/plain.err" "$T/traced.err"; then
		pass "$PYV: $* prints and exits ($_rc1) the same traced"
	else
		fail "$PYV: $*: untraced $_rc1, traced $_rc2"
		diff "$T/plain.out" "$T/traced.out" | head -n 10 | sed 's/^/    | /'
		diff "$T/plain.err" "$T/traced.err" | head -n 20 | sed 's/^/    | /'
	fi
}

# stdlib_suite: the programs that need nothing but the standard library.
stdlib_suite() {
	run_py sleep py_sleep.py 40 $LATENCY
	checks py-async "$T/sleep.jsonl" 40 $LATENCY
	for m in fork spawn forkserver; do
		run_py pool-$m py_pool.py $m 20
		checks py-pool "$T/pool-$m.jsonl" $m 20
	done
	for m in fork spawn; do
		run_py procpool-$m py_procpool.py $m 6
		checks py-procpool "$T/procpool-$m.jsonl" $m 6
	done
	run_py fail py_fail.py forkserver
	grep -q "ZeroDivisionError" "$T/traced.err" && pass "$PYV: the uncaught remote traceback printed" ||
		fail "$PYV: no remote traceback on stderr"
	checks py-fail "$T/fail.jsonl"
	run_py fork py_fork.py
	checks py-fork "$T/fork.jsonl"
	run_py exit py_exit.py
	checks py-exit "$T/exit.jsonl"
	(cd "$T" && PYTHONPATH=$PYPATH timeout -k 5 120 "$DUMP" --json "$T/hostile.jsonl" -- \
		"$PY" "$S/py_hostile.py" >"$T/hostile.out" 2>&1)
	_rc=$?
	planted=$(sed -n 's/^planted \([0-9]*\) rejects$/\1/p' "$T/hostile.out")
	[ "$_rc" -eq 0 ] && [ -n "$planted" ] && pass "$PYV: the hostile program ran (planted $planted)" ||
		fail "$PYV: hostile run: exit $_rc, $(head -c 300 "$T/hostile.out")"
	checks py-hostile "$T/hostile.jsonl" "${planted:-0}"
	# the module is silent and inert without CONCVIZ_SDK, and chains sitecustomize
	_out=$(cd "$T" && PYTHONPATH=$PYPATH "$PY" -c 'import sys; print(sys.modules.get("concviz_sdk") is None)')
	[ "$_out" = True ] && pass "$PYV: without CONCVIZ_SDK nothing is loaded" ||
		fail "$PYV: concviz_sdk loaded without CONCVIZ_SDK ($_out)"
	mkdir -p "$T/site"
	echo 'import builtins; builtins.CHAINED = 1' >"$T/site/sitecustomize.py"
	_out=$(cd "$T" && CONCVIZ_SDK=$T PYTHONPATH=$PYPATH:$T/site "$PY" -c \
		'import builtins, sitecustomize; print(getattr(builtins, "CHAINED", 0), sitecustomize.__file__)')
	[ "$_out" = "1 $T/site/sitecustomize.py" ] &&
		pass "$PYV: the shadowed sitecustomize runs, as sitecustomize" ||
		fail "$PYV: sitecustomize not chained: $_out"
}

"$BIN" serve --port 0 --latency $LATENCY >"$T/serve.out" 2>&1 &
SERVE=$!
i=0
while [ $i -lt 50 ] && ! grep -q listening "$T/serve.out" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.out")
URL=http://127.0.0.1:$PORT
[ -n "$PORT" ] && pass "origin on $URL, latency $LATENCY ms" || fail "serve did not start"

PYV=$("$PY" -c 'import sys; print("python %d.%d" % sys.version_info[:2])')
if "$PY" -c 'import aiohttp, requests' 2>/dev/null; then
	run_py async py_async.py "$URL" 160
	checks py-async "$T/async.jsonl" 160 $LATENCY
	run_py threads py_threads.py "$URL" 40 5
	checks py-threads "$T/threads.jsonl" 40 $LATENCY 5
else
	fail "$PYV has no aiohttp or requests (make test installs python3-aiohttp python3-requests)"
fi
stdlib_suite

# what the harness mapped is a recording like any other: stats, the Log view, exports
(cd "$T" && PYTHONPATH=$PYPATH timeout -k 5 120 "$DUMP" --json "$T/rec.jsonl" --record "$T/sleep.cvz" \
	-- "$PY" "$S/py_sleep.py" 12 50 >/dev/null 2>&1)
if "$BIN" stats "$T/sleep.cvz" --json >"$T/stats.json" 2>&1 && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
lanes = [l for l in d["lanes"] if l["name"].endswith("download_site")]
sys.exit(0 if d["tasks"] == 13 and d["done"] == 13 and len(lanes) == 12 and
         all(l["waiting_s"] + l["busy_s"] >= 0.05 and l["waiting_s"] >= 0.025
             for l in lanes) else 1)' "$T/stats.json"; then
	pass "a recording of the traced run: stats has its 13 tasks, 12 download lanes waiting 50 ms"
else
	fail "stats of the recording: $(head -c 300 "$T/stats.json")"
fi
"$BIN" show "$T/sleep.cvz" --view log --width 100 --color never 2>&1 | grep -q "task-end .*Task-1 download_all_sites" &&
	pass "the Log view names the program's tasks" || fail "the Log view lacks the tasks"
"$BIN" export "$T/sleep.cvz" --format csv 2>&1 | grep -q "^[0-9]*,loop,.*,poll," &&
	pass "the CSV export has the loop lane's poll spans" || fail "the CSV export lacks the loop lane"

# other interpreters on this machine (none on a fresh CI machine)
for other in "$HOME"/.pyenv/versions/3.*/bin/python3; do
	[ -x "$other" ] || continue
	PY=$other
	PYV=$("$PY" -c 'import sys; print("python %d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
	case $PYV in "python 3.9"|"python 3.1"[0-3]) ;; *) continue ;; esac
	stdlib_suite
done
kill "$SERVE" 2>/dev/null
wait "$SERVE" 2>/dev/null
e2e_finish
