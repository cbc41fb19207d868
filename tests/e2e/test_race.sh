#!/bin/sh
# test_race.sh - the race and deadlock workloads from the outside: headless
# runs (the summary line, --json's race and deadlock members, usage errors
# for --lock / --lock-order, a recording's stats and show naming the same
# deadlock), then the UI in tmux like a teacher would drive it: w to race
# (lost updates counted and marked), l to lock it (0 lost), w to deadlock
# (the cycle named, the run ending by itself), l to order the locks (no
# deadlock), w back to io where l explains itself, q. Every wait is a
# bounded poll of the screen; nothing asserts timings. BIN = the binary.
. "$(dirname "$0")/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	echo "test_race: tmux is missing (Debian package tmux; \`make test-deps\` installs it)"
	exit 1
fi
AFTER='echo EXIT=$?'

# --- headless -------------------------------------------------------------------
out=$("$BIN" run --no-ui --workload race --mode async --tasks 3 2>&1)
if echo "$out" | grep -q '^async race: 3 tasks, 0 failed, .*; counter 300 of 300: 0 updates lost$'; then
	pass "run --no-ui: async race loses nothing, and says so"
else
	fail "run --no-ui async race: $out"
fi
"$BIN" run --json --workload deadlock --mode threads --tasks 2 >"$E2E_TMP/d.json" 2>&1
if python3 - "$E2E_TMP/d.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
d = j["deadlock"]
assert d["detected"] is True, d
assert len(set(d["cycle"])) == 2 and all(c.startswith("thread ") for c in d["cycle"]), d
assert sorted(d["locks"]) == ["L1", "L2"], d
assert 0.1 < d["after_s"] < 5, d
assert j["failed"] == 2 and "race" not in j, j
PY
then pass "run --json: deadlock {detected, cycle, locks, after_s}"
else fail "run --json deadlock: $(cat "$E2E_TMP/d.json")"; fi
"$BIN" run --json --workload race --mode threads --tasks 2 --lock >"$E2E_TMP/r.json" 2>&1
if python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); r=j["race"]; assert r["expected"]==200 and r["final"]==200 and r["lost"]==0, r; assert j["deadlock"]=={"detected": False}, j' "$E2E_TMP/r.json"; then
	pass "run --json --lock: race {expected 200, final 200, lost 0}, deadlock {detected: false}"
else
	fail "run --json race --lock: $(cat "$E2E_TMP/r.json")"
fi
for bad in "--lock" "--workload deadlock --lock" "--lock-order --workload race"; do
	# shellcheck disable=SC2086
	"$BIN" run --no-ui $bad >"$E2E_TMP/o" 2>"$E2E_TMP/e"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$E2E_TMP/e")" -eq 1 ] && grep -q '^concviz: --lock.*; use it with --workload' "$E2E_TMP/e"; then
		pass "run $bad: one-line usage error, exit 2"
	else
		fail "run $bad: exit $rc, $(cat "$E2E_TMP/e")"
	fi
done
rec=$E2E_TMP/dl.cvz
"$BIN" run --no-ui --workload deadlock --mode procs --record "$rec" >"$E2E_TMP/line" 2>&1
line=$(cat "$E2E_TMP/line")
stats=$("$BIN" stats "$rec" 2>&1)
if [ "$stats" = "$line" ] && echo "$stats" | grep -q '; DEADLOCK after 0\.[0-9]* s: pid [0-9]* waits for L[12] held by pid [0-9]*, pid [0-9]* waits for L[12] held by pid [0-9]*$'; then
	pass "stats of the recording names the same deadlock as the run"
else
	fail "stats of a deadlocked recording: '$stats' vs '$line'"
fi
"$BIN" show "$rec" --width 100 --color never >"$E2E_TMP/show" 2>&1
if grep -q '^DEADLOCK pid' "$E2E_TMP/show" && grep -q '^pid [0-9]* .*⊗⊗' "$E2E_TMP/show"; then
	pass "show of the recording: the cycle named, the deadlocked waits drawn (⊗)"
else
	fail "show of a deadlocked recording: $(cat "$E2E_TMP/show")"
fi

"$BIN" export "$rec" --format chrome -o "$E2E_TMP/dl.json" 2>"$E2E_TMP/e"
if python3 - "$E2E_TMP/dl.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
d = [e for e in j["traceEvents"] if e["ph"] == "i" and e["name"] == "deadlock"]
assert len(d) == 2, d
assert sorted(e["args"]["waits_for"] for e in d) == ["L1", "L2"], d
assert all(e["args"]["held_by"].startswith("pid ") for e in d), d
assert j["otherData"]["workload"] == "deadlock" and j["otherData"]["lock_order"] is False, j["otherData"]
PY
then pass "export chrome: the deadlock's waits as instant events (lock, holder)"
else fail "export chrome of a deadlocked recording: $(cat "$E2E_TMP/e")"; fi

# --- the UI, as a teacher drives it --------------------------------------------------
tm_start ui 120 36 "\"$BIN\" run --workload cpu --cpu-size 2000000; $AFTER"
check ui "a short cpu run finishes" '^concviz .*cpu .*DONE *$' 20
tm_keys ui w
check ui "w: the race workload" '^concviz .*threads ×5 │ race 10 tasks'
check ui "race: the counter line shows expected and the count" '^counter: expected 1000, (now|final) [0-9]+'
check ui "race: it ends" '^concviz .*race .*DONE *$' 30
check ui "race: updates were lost" '^counter: expected 1000, final [0-9]+, lost [1-9][0-9]* updates? \([0-9]+%\)'
check ui "race: lost updates are marked on the lanes" '^thread [1-5] .*!'
check ui "race: the legend names the mark" '! lost update'
tm_keys ui l
check ui "l: the counter is locked" '^concviz .*race .*shared counter, locked'
check ui "l: it ends" '^concviz .*race .*locked *DONE *$' 30
check ui "l: nothing lost, and the lock's cost is shown" '^counter: expected 1000, final 1000, lost 0; (lanes waited [0-9.]+[mµu]?s|nobody waited) for the lock'
tm_keys ui w
check ui "w: the deadlock workload (the lock does not follow)" '^concviz .*deadlock 4 tasks .*opposite orders'
check ui "deadlock: the cycle is named" '^DEADLOCK thread [1-5] waits for L[12] held by thread [1-5], thread [1-5] waits for L[12] held by thread [1-5]' 20
check ui "deadlock: the deadlocked waits are drawn apart" '^thread [1-5] .*⊗⊗'
check ui "deadlock: the run ends by itself" '^concviz .*deadlock .*DONE *$' 20
check ui "deadlock: the cycle's tasks failed" 'failed [1-9]'
tm_keys ui l
check ui "l: the locks in one order" '^concviz .*deadlock .*in one order'
check ui "l: no deadlock, all done" '^no deadlock: every task takes L1 before L2' 20
check ui "l: the run finishes with nothing failed" '4/4 .*failed 0' 20
tm_keys ui w
check ui "w: back to io" '^concviz .*│ io 160 tasks'
tm_keys ui l
check ui "l on io: explained on the status line" 'l locks the race workload'
tm_keys ui q
check ui "q quits with exit status 0" '^EXIT=0$'

e2e_finish
