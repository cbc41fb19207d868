#!/bin/sh
# test_sdk_c.sh - the C SDK as a user meets it. concviz.h compiles with
# every warning as strict C99 (no feature macros, after other system
# headers) and as C++, and two files of one program share one shard per
# thread. A program built against it the way a user builds one (cprog: -I
# the header's folder, no library) prints the same traced or not; traced
# through the SDK harness (sdk_dump: the transport, the reader and the
# mapping to events), its tasks come back with their names, on the right
# threads' lanes, in order, with the right counts; a reader that does not
# drain sees the drops counted; a forked child writes a shard of its own;
# marks from a signal handler never corrupt a shard; a program that exits
# mid-task has that task cancelled. Every run is bounded by `timeout`.
. "$(dirname "$0")/lib.sh"
T=$E2E_TMP
BUILD=${BUILD:-build}
DUMP=$BUILD/sdk/sdk_dump
CPROG=$BUILD/sdk/cprog
CHECK="python3 tests/sdk/check_dump.py"
CC=${CC:-cc}
CXX=${CXX:-g++}

# --- the header, alone ----------------------------------------------------------
if $CC -std=c99 -Wall -Wextra -Wpedantic -Werror -Iengines/sdk tests/sdk/hdr_check.c \
	tests/sdk/hdr_check2.c -o "$T/hdr_c" 2>"$T/err"; then
	pass "concviz.h: strict C99, -Wall -Wextra -Wpedantic, no warning, no library"
else
	fail "concviz.h does not build as C99: $(head -n 5 "$T/err")"
fi
cp tests/sdk/hdr_check.c "$T/hdr.cc"
cp tests/sdk/hdr_check2.c "$T/hdr2.cc"
if $CXX -std=c++11 -Wall -Wextra -Wpedantic -Werror -Iengines/sdk "$T/hdr.cc" "$T/hdr2.cc" \
	-o "$T/hdr_cxx" 2>"$T/err"; then
	pass "concviz.h: C++11, -Wall -Wextra -Wpedantic, no warning"
else
	fail "concviz.h does not build as C++: $(head -n 5 "$T/err")"
fi
for h in "$T/hdr_c" "$T/hdr_cxx"; do
	[ "$(env -u CONCVIZ_SDK "$h")" = "hdr_check: ok" ] && pass "$(basename "$h") runs untraced" ||
		fail "$(basename "$h") does not run untraced"
	if timeout -k 5 60 "$DUMP" --json "$T/h.jsonl" -- "$h" >/dev/null &&
		python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if "\"rec\"" in l]
prods = {(r["pid"], r["tid"]) for r in recs}
names = [r["name"] for r in recs if r["kind"] == "begin"]
sys.exit(0 if len(prods) == 1 and names == ["first file", "second file"] else 1)' "$T/h.jsonl"; then
		pass "$(basename "$h"): both files write into the one shard of the thread"
	else
		fail "$(basename "$h"): traced records wrong: $(head -c 400 "$T/h.jsonl")"
	fi
done

# --- the user's program, untraced and traced ------------------------------------
# run_c MODE [--hold] ARG...: run cprog MODE untraced and traced, compare.
run_c() {
	_mode=$1
	shift
	_hold=
	[ "${1:-}" = --hold ] && { _hold=--hold; shift; }
	timeout -k 5 60 env -u CONCVIZ_SDK "$CPROG" "$_mode" "$@" >"$T/plain.out" 2>"$T/plain.err"
	_rc1=$?
	timeout -k 5 60 "$DUMP" --json "$T/$_mode.jsonl" $_hold -- "$CPROG" "$_mode" "$@" \
		>"$T/traced.out" 2>"$T/traced.err"
	_rc2=$?
	if [ "$_rc1" -eq "$_rc2" ] && cmp -s "$T/plain.out" "$T/traced.out" &&
		cmp -s "$T/plain.err" "$T/traced.err"; then
		pass "cprog $_mode: the same output and exit status ($_rc1) traced or not"
	else
		fail "cprog $_mode: untraced $_rc1 '$(cat "$T/plain.out")', traced $_rc2 '$(cat "$T/traced.out" "$T/traced.err")'"
	fi
}

# checks SCENARIO ARG...: check_dump.py's lines count as this test's checks.
checks() {
	$CHECK "$@" >"$T/check.out" 2>&1
	tally "$T/check.out"
}

run_c basic
checks c-basic "$T/basic.jsonl"
run_c flood --hold 10000
checks c-flood "$T/flood.jsonl" 10000
run_c fork
checks c-fork "$T/fork.jsonl"
run_c signal
checks c-signal "$T/signal.jsonl"
run_c exit
checks c-exit "$T/exit.jsonl"

# --- the directory ----------------------------------------------------------------
left=$(cat "$T"/*.jsonl | python3 -c '
import json, os, sys
for line in sys.stdin:
    o = json.loads(line)
    if "summary" in o and os.path.exists(o["dir"]):
        print(o["dir"])')
[ -z "$left" ] && pass "every run removed its transport directory" || fail "left behind: $left"
mkdir "$T/base"
if timeout -k 5 60 "$DUMP" --json "$T/b.jsonl" --base "$T/base" -- "$CPROG" basic >/dev/null &&
	[ -z "$(ls -A "$T/base")" ] && grep -q '"summary":true' "$T/b.jsonl"; then
	pass "a directory elsewhere (the /tmp fallback) works and is removed"
else
	fail "the transport under another base failed: $(ls -A "$T/base")"
fi
e2e_finish
