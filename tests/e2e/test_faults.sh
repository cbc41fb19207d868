#!/bin/sh
# test_faults.sh - concviz when things go wrong, driven as a user would:
# network faults (500s, resets, a refused port, a name that does not resolve,
# latency spikes, a body that stalls half-way) in every mode; a worker
# process killed mid-task; SIGINT / SIGTERM / SIGHUP / SIGKILL while
# recording (headless) and during a replay and a live UI (in tmux); hostile
# URL files; the origin's loopback binding; files never overwritten.
# Every run is bounded by `timeout`, so a hang fails instead of blocking.
. "$(dirname "$0")/lib.sh"
T=$E2E_TMP

# one_line NAME: the last command's stderr is exactly one line.
one_line() {
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q '^concviz: ' "$T/err"; then
		pass "$1: one line: $(cat "$T/err")"
	else
		fail "$1: stderr is not one concviz line"
		sed 's/^/    | /' "$T/err" | head -n 5
	fi
}

# json_check NAME PYTHON-EXPR: evaluate EXPR over d = the last JSON output.
json_check() {
	if python3 -c "import json,sys; d=json.load(open('$T/out')); sys.exit(0 if ($2) else 1)" 2>/dev/null; then
		pass "$1"
	else
		fail "$1: $(head -c 300 "$T/out")"
	fi
}

# reasons FILE.cvz: the failure reasons of a recording's tasks, sorted, unique.
reasons() {
	"$BIN" export "$1" --format csv | python3 -c '
import csv, sys
print(" ".join(sorted({r["reason"] for r in csv.DictReader(sys.stdin) if r["failed"] == "1"})))'
}

# --- a standalone origin to point real URLs at ----------------------------------
"$BIN" serve --port 0 --latency 20 >"$T/serve.out" 2>&1 &
SERVE=$!
i=0
while [ $i -lt 50 ] && ! grep -q listening "$T/serve.out"; do sleep 0.1; i=$((i + 1)); done
PORT=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.out")
[ -n "$PORT" ] && pass "serve --port 0 listens on 127.0.0.1:$PORT" || fail "serve did not start: $(cat "$T/serve.out")"
if grep -qi ":$(printf '%04X' "$PORT") " /proc/net/tcp; then
	grep -i ":$(printf '%04X' "$PORT") " /proc/net/tcp | awk '$4 == "0A" {print $2}' | grep -q '^0100007F:' &&
		pass "the origin listens on loopback only" || fail "the origin listens beyond loopback"
fi
U=http://127.0.0.1:$PORT

# --- network faults, every mode ----------------------------------------------------
for m in seq threads async procs; do
	expect "$m: 500s and resets (fail-rate 0.5)" 0 "$BIN" run --no-ui --json --mode $m --tasks 40 --latency 5 --fail-rate 0.5
	json_check "$m: done + failed = tasks, some of each" "d['done'] + d['failed'] == 40 and 0 < d['failed'] < 40"
	expect "$m: a body that stalls half-way, --timeout 300" 0 "$BIN" run --no-ui --mode $m --tasks 4 --timeout 300 \
		--url "$U/s?stall=1" --record "$T/stall-$m.cvz"
	[ "$(reasons "$T/stall-$m.cvz")" = timeout ] && pass "$m: stalled downloads fail as timeout" ||
		fail "$m: stalled downloads: reasons '$(reasons "$T/stall-$m.cvz")'"
	expect "$m: a latency spike past --timeout next to fast URLs" 0 "$BIN" run --no-ui --json --mode $m --tasks 6 \
		--timeout 400 --url "$U/slow?ms=3000" --url "$U/fast?ms=1"
	json_check "$m: the spikes time out, the rest is done" "d['failed'] == 3 and d['done'] == 3"
	expect "$m: a refused port" 1 "$BIN" run --no-ui --mode $m --tasks 3 --url http://127.0.0.1:1/
	one_line "$m: refused port"
done
expect "a name that does not resolve" 1 "$BIN" run --no-ui --tasks 2 --url http://nonexistent.invalid/
one_line "unresolvable name"
expect "HTTP errors are failures with their status" 0 "$BIN" run --no-ui --tasks 4 --url "$U/x?status=503" --record "$T/503.cvz"
[ "$(reasons "$T/503.cvz")" = http ] && pass "status 503 fails as http" || fail "503: reasons '$(reasons "$T/503.cvz")'"

# --- a worker process killed mid-task ------------------------------------------------
for w in io cpu; do
	CONCVIZ_TEST_KILL_TASK=2 expect "procs $w: a worker killed by SIGKILL mid-task" 0 \
		"$BIN" run --no-ui --json --mode procs --workload $w --tasks 8 --latency 5 --cpu-size 2000000
	json_check "procs $w: its lane crashed, its task failed, the others done" \
		"sum(l['crashed'] for l in d['lanes']) == 1 and d['failed'] == 1 and d['done'] == 7"
done

# --- signals while recording (headless) -------------------------------------------------
for sig in INT:130 TERM:143 HUP:129; do
	s=${sig%:*} want=${sig#*:}
	"$BIN" run --no-ui --latency 100 --tasks 2000 --record "$T/sig-$s.cvz" >"$T/out" 2>&1 &
	p=$!
	sleep 1.5
	kill -$s $p
	i=0
	while kill -0 $p 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	wait $p
	rc=$?
	[ $rc -eq "$want" ] && pass "SIG$s while recording: exit $rc" || fail "SIG$s while recording: exit $rc, wanted $want"
	expect "SIG$s: the recording is valid up to the signal" 0 "$BIN" stats "$T/sig-$s.cvz" --json
	json_check "SIG$s: the recording holds the tasks done before it" "d['done'] > 0 and d['tasks'] == 2000"
done
"$BIN" run --no-ui --latency 100 --tasks 2000 --record "$T/kill9.cvz" >/dev/null 2>&1 &
p=$!
sleep 1.5
kill -KILL $p
wait $p 2>/dev/null
expect "SIGKILL while recording: the file still replays its complete chunks" 0 "$BIN" stats "$T/kill9.cvz" --json
json_check "SIGKILL: tasks done before the kill are there" "d['done'] > 0"
expect "SIGKILL: show draws the cut-short recording" 0 "$BIN" show "$T/kill9.cvz" --width 80
pgrep -f "concviz run --no-ui --latency 100 --tasks 2000" >/dev/null && fail "a killed run left processes behind" ||
	pass "no process left behind by the killed runs"

# --- signals in the UI: a replay and a live run that records --------------------------
AFTER='echo EXIT=$?; echo TTY=$(stty -a | tr " ;" "\n\n" | grep -E -x -- "-?icanon")'
tm_start rp 100 30 "\"$BIN\" replay \"$T/sig-TERM.cvz\" --speed 0.25; $AFTER"
check rp "replay: the UI is up" '^thread 1'
pid=$(tm_child rp)
[ -n "$pid" ] && kill -TERM "$pid"
check rp "SIGTERM during a replay: exit status 143" '^EXIT=143$' 15
check rp "SIGTERM during a replay: the terminal is restored" '^TTY=icanon$'
tm_start rp2 100 30 "\"$BIN\" replay \"$T/sig-TERM.cvz\" --speed 0.25; $AFTER"
check rp2 "replay again: the UI is up" '^thread 1'
pid=$(tm_child rp2)
[ -n "$pid" ] && kill -HUP "$pid"
check rp2 "SIGHUP during a replay: exit status 129" '^EXIT=129$' 15
check rp2 "SIGHUP during a replay: the terminal is restored" '^TTY=icanon$'

mkdir -p "$T/rec"
tm_start live 100 30 "cd \"$T/rec\" && \"$BIN\" run --latency 100 --tasks 3000; $AFTER"
check live "live run: the UI is up" '^thread 1'
tm_keys live R
check live "R: recording (REC in the header)" 'REC'
sleep 1
pid=$(tm_child live)
[ -n "$pid" ] && kill -HUP "$pid"
check live "SIGHUP while recording in the UI: exit status 129" '^EXIT=129$' 15
check live "SIGHUP: the terminal is restored" '^TTY=icanon$'
f=$(ls "$T/rec"/concviz-*.cvz 2>/dev/null | head -n 1)
if [ -n "$f" ]; then
	expect "SIGHUP: the UI's recording is valid" 0 "$BIN" stats "$f" --json
	json_check "SIGHUP: the UI's recording holds the run's tasks" "d['tasks'] == 3000 and d['done'] > 0"
else
	fail "SIGHUP: the UI left no recording"
fi

# --- hostile input -------------------------------------------------------------------------
printf 'http://127.0.0.1:%s/a\n# fine\n\nnot a url\n' "$PORT" >"$T/garbage.txt"
expect "URL file with a garbage line" 2 "$BIN" run --no-ui --urls "$T/garbage.txt"
one_line "garbage URL line"
grep -q ':4:' "$T/err" && pass "the error names the line" || fail "the error does not name line 4: $(cat "$T/err")"
head -c 20000 /dev/zero | tr '\0' a | sed 's|^|http://x/|' >"$T/long.txt"
expect "URL file with a 20 kB line" 2 "$BIN" run --no-ui --urls "$T/long.txt"
one_line "very long URL line"
printf 'http://127.0.0.1/\001\377\n' >"$T/binary.txt"
expect "URL file with binary bytes" 2 "$BIN" run --no-ui --urls "$T/binary.txt"
one_line "binary URL line"
expect "an empty URL file" 2 "$BIN" run --no-ui --urls /dev/null
one_line "empty URL file"
for bad in "--tasks 1e3" "--tasks 99999999999999999999" "--workers -3" "--latency nan" "--size 1G" \
	"--fail-rate -0.1" "--timeout ''" "--switch-interval 1e9" "--cpu-size 18446744073709551616" "--mode ''" "--record"; do
	eval "expect \"bad option: $bad\" 2 \"\$BIN\" run --no-ui $bad"
	one_line "bad option: $bad"
done
expect "a task count past the limit" 2 "$BIN" run --no-ui --tasks 100001
one_line "task count past the limit"

# --- files are never overwritten without --force ---------------------------------------------
echo keep >"$T/exists.cvz"
expect "--record onto an existing file" 2 "$BIN" run --no-ui --tasks 2 --latency 1 --record "$T/exists.cvz"
one_line "existing recording"
[ "$(cat "$T/exists.cvz")" = keep ] && pass "the existing file is untouched" || fail "the existing file was changed"
expect "--record --force replaces it" 0 "$BIN" run --no-ui --tasks 2 --latency 1 --record "$T/exists.cvz" --force
expect "export onto an existing file" 2 "$BIN" export "$T/503.cvz" --format csv -o "$T/garbage.txt"
grep -q 'not a url' "$T/garbage.txt" && pass "the export target is untouched" || fail "export overwrote a file"

kill -TERM $SERVE 2>/dev/null
wait $SERVE
e2e_finish
