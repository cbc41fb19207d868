#!/bin/sh
# valgrind.sh - a short run of each mode (io, cpu; race and deadlock in the
# concurrent modes), a traced program, the recording tools, and the SDK's
# reader and mapping (its test harness, and concviz trace, on a C program
# and on the hostile Python one) under valgrind memcheck: no invalid access
# and nothing definitely lost.
# Usage: BIN=./concviz sh tests/e2e/valgrind.sh   (make valgrind)
set -u
BIN=${BIN:-./concviz}
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (apt-get install valgrind)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
fail=0
check() {
	if $vg "$@" >"$tmp/out" 2>"$tmp/err"; then echo "ok   $*";
	else echo "FAIL $* (status $?)"; cat "$tmp/err"; fail=1; fi
}
check "$BIN" trace --json --record "$tmp/t.cvz" -- sh -c 'echo traced; sleep 0.3'
check "$BIN" stats "$tmp/t.cvz" --json
check "$BIN" show "$tmp/t.cvz" --view log
for m in seq threads async procs; do
	check "$BIN" run --no-ui --mode $m --workload io --tasks 12 --latency 5
	check "$BIN" run --no-ui --mode $m --workload cpu --tasks 4 --cpu-size 200000
done
check "$BIN" run --no-ui --mode threads --gil --workload cpu --tasks 4 --cpu-size 2000000
for m in threads async procs; do
	check "$BIN" run --no-ui --mode $m --workload race --tasks 2
	check "$BIN" run --no-ui --mode $m --workload deadlock --tasks 2
done
check "$BIN" run --no-ui --mode threads --workload race --tasks 2 --lock
check "$BIN" run --no-ui --mode procs --workload deadlock --tasks 2 --lock-order
check "$BIN" run --no-ui --mode threads --workload io --tasks 12 --latency 5 --fail-rate 0.5 --record "$tmp/r.cvz"
check "$BIN" show "$tmp/r.cvz" --width 100
check "$BIN" stats "$tmp/r.cvz" --json
check "$BIN" export "$tmp/r.cvz" --format chrome -o "$tmp/r.json"
check "$BIN" export "$tmp/r.cvz" --format csv -o "$tmp/r.csv"
DUMP=${BUILD:-build}/sdk/sdk_dump
check "$DUMP" --json "$tmp/c.jsonl" -- "${BUILD:-build}/sdk/cprog" basic
check "$BIN" trace --json --record "$tmp/c.cvz" -- "${BUILD:-build}/sdk/cprog" basic
check "$BIN" show "$tmp/c.cvz" --view log --width 100
check "$BIN" export "$tmp/c.cvz" --format chrome -o "$tmp/c.json"
check "$BIN" trace --json -- /usr/bin/python3 tests/sdk/py_hostile.py
export PYTHONPATH=engines/sdk/python
check "$DUMP" --json "$tmp/h.jsonl" -- /usr/bin/python3 tests/sdk/py_hostile.py
unset PYTHONPATH
[ $fail -eq 0 ] && echo "valgrind: every run clean"
exit $fail
