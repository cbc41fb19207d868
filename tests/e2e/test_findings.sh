#!/bin/sh
# test_findings.sh - the findings of real runs: threads + GIL on cpu work
# suggests processes, async cpu work blocks the event loop (naming the
# task), five threads saturate on io, failures are counted by reason; the
# same findings from `stats` of a recording, under `show`'s diagram and in
# `show --view findings`; in the UI, i shows the Findings view, Enter shows a
# finding in the Gantt and s runs the suggestion, which Compare checks.
# BIN = the binary (default ./concviz). Every wait is a bounded poll.
. "$(dirname "$0")/lib.sh"

# json_check NAME FILE PYTHON-EXPR: pass when EXPR holds for d = FILE's JSON
# (f = d's findings by id), else fail and show the findings.
json_check() {
	if python3 - "$2" "$3" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
f = {x["id"]: x for x in d["findings"]}
ok = eval(sys.argv[2])
if not ok:
    for x in d["findings"]:
        print("    | %s %s: %s %s" % (x["severity"], x["id"], x["text"], x.get("suggest", "")))
sys.exit(0 if ok else 1)
EOF
	then
		pass "$1"
	else
		fail "$1"
	fi
}

T=$E2E_TMP

# --- headless: each model's limit ---------------------------------------------------
"$BIN" run --json --mode threads --gil --workload cpu --tasks 8 --cpu-size 40000000 >"$T/gil.json" ||
	fail "threads + gil cpu run"
# (a GIL costs nothing on one core: there the finding is rightly absent)
json_check "threads + GIL cpu: gil-bound first, suggesting processes" "$T/gil.json" \
	"d['cores'] < 2 or (d['findings'][0]['id'] == 'gil-bound' and d['findings'][0]['suggest']['mode'] == 'procs' and d['findings'][0]['suggest']['speedup'] > 1.15)"
json_check "threads + GIL cpu: the finding is about the 5 worker lanes" "$T/gil.json" \
	"d['cores'] < 2 or (f['gil-bound']['lanes'] == [0, 1, 2, 3, 4] and 'waiting for the GIL' in f['gil-bound']['text'])"

"$BIN" run --json --mode async --workload cpu --tasks 6 --cpu-size 60000000 >"$T/async.json" ||
	fail "async cpu run"
json_check "async cpu: loop-blocked, naming the task that blocked the loop longest" "$T/async.json" \
	"'loop-blocked' in f and ' by task ' in f['loop-blocked']['text'] and '(sum n=' in f['loop-blocked']['text'] and 0 in f['loop-blocked']['lanes']"
json_check "async cpu: loop-blocked counts every task's callback and suggests processes" "$T/async.json" \
	"'kept from polling 6 times' in f['loop-blocked']['text'] and (d['cores'] < 2 or f['loop-blocked']['suggest']['mode'] == 'procs')"

"$BIN" run --json --workers 5 --tasks 40 --latency 20 >"$T/pool.json" || fail "threads io run"
json_check "threads io with 5 workers: io-pool-saturated, suggesting the event loop" "$T/pool.json" \
	"d['findings'][0]['id'] == 'io-pool-saturated' and d['findings'][0]['suggest']['mode'] == 'async' and 'the 5 threads waited on I/O' in d['findings'][0]['text']"

"$BIN" run --json --mode async --tasks 40 --latency 20 >"$T/overlap.json" || fail "async io run"
json_check "async io: no warning, the waits overlapped" "$T/overlap.json" \
	"'io-overlapped' in f and all(x['severity'] == 'info' for x in d['findings'])"

"$BIN" run --json --tasks 60 --latency 5 --fail-rate 0.4 --record "$T/fail.cvz" >"$T/fail.json" ||
	fail "a run with failures"
json_check "failures: the count in the finding is the run's" "$T/fail.json" \
	"d['failed'] > 0 and f['failures']['text'].startswith('%d of 60 tasks failed' % d['failed'])"
json_check "failures: the counts by reason add up" "$T/fail.json" \
	"sum(int(p.split()[0]) for p in f['failures']['text'].split(': ', 1)[1].rstrip('.').split(', ')) == d['failed']"

# --- the same from a recording --------------------------------------------------------
"$BIN" stats "$T/fail.cvz" --json >"$T/stats.json" 2>/dev/null || fail "stats --json"
if python3 -c "
import json, sys
a = json.load(open('$T/fail.json'))['findings']; b = json.load(open('$T/stats.json'))['findings']
sys.exit(0 if [x['id'] for x in a] == [x['id'] for x in b] and a[0]['text'] == b[0]['text'] else 1)"; then
	pass "stats --json of the recording: the same findings as the run"
else
	fail "stats --json of the recording: the same findings as the run"
fi
"$BIN" run --no-ui --tasks 60 --latency 5 --fail-rate 0.4 >"$T/line.txt" || fail "run --no-ui"
if [ "$(sed -n 1p "$T/line.txt" | grep -c '^threads io: 60 tasks')" = 1 ] &&
	grep -Eq '^  warn (io-pool-saturated|failures): ' "$T/line.txt" && [ "$(wc -l <"$T/line.txt")" -le 4 ]; then
	pass "run --no-ui: the summary line, then at most 3 findings"
else
	fail "run --no-ui: the summary line, then at most 3 findings: $(cat "$T/line.txt")"
fi
"$BIN" show "$T/fail.cvz" --width 100 >"$T/show.txt" 2>/dev/null || fail "show"
if grep -q '^findings (most important first):$' "$T/show.txt" && grep -q '^  warn failures: ' "$T/show.txt"; then
	pass "show: the findings under the diagram"
else
	fail "show: the findings under the diagram"
fi
"$BIN" show "$T/fail.cvz" --view findings --width 90 --ascii >"$T/view.txt" 2>/dev/null || fail "show --view findings"
if grep -q 'findings, most important first' "$T/view.txt" && grep -q '^! warn  failures' "$T/view.txt"; then
	pass "show --view findings: the Findings view as text"
else
	fail "show --view findings: $(cat "$T/view.txt")"
fi

# --- the UI: i, Enter, s, Compare -----------------------------------------------------------
if ! command -v tmux >/dev/null 2>&1; then
	echo "test_findings: tmux is missing (Debian package tmux; \`make test-deps\` installs it)"
	exit 1
fi
if [ "$(nproc)" -lt 2 ]; then     # a GIL costs nothing on one core: nothing to suggest
	echo "test_findings: one core: the UI part (a GIL finding and its suggestion) is skipped"
	e2e_finish
fi
tm_start ui 120 40 "\"$BIN\" run --mode threads --gil --workload cpu --tasks 8 --cpu-size 40000000"
check ui "threads + GIL: the run ends with its top finding on the status line" '^done: gil-bound: ' 60
tm_keys ui i
check ui "i: the Findings view, the finding with its suggestion" '^. warn  gil-bound  → procs ×[0-9]+: predicted [0-9.]+× faster'
check ui "i: the tab bar marks Findings" ' Findings '
tm_keys ui Enter
check ui "Enter: back on the Gantt, the finding highlighted" '^finding gil-bound: its lanes and time range are highlighted'
check ui "Enter: the axis marks the finding's time range" '━━━━'
tm_keys ui s
check ui "s: runs the suggestion (procs)" '^concviz │ procs ×[0-9]+'
check ui "s: says what it runs" 'running the suggestion of gil-bound: procs'
check ui "the suggested run ends" '^concviz .*procs.*DONE *$' 60
tm_keys ui Tab
check ui "Compare: each run's top finding" '^1 +threads +cpu .* gil-bound'
check ui "Compare: the prediction next to the measured speed-up" '^#1 gil-bound → procs ×[0-9]+: predicted [0-9.]+×, measured [0-9.]+× \(#2, [-+][0-9]+%\)'
tm_keys ui q
e2e_finish
