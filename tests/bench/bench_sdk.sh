#!/bin/sh
# bench_sdk.sh - the Python task tracer's cost on the lesson-like programs
# (tests/sdk): 160 asyncio downloads with aiohttp and 160 thread-pool
# downloads with requests (5 threads), from an origin answering in 100 ms,
# and a multiprocessing.Pool's CPU sums (2 workers, fork). Each runs
# untraced and traced through the SDK harness (sdk_dump: the transport and
# reader `concviz trace` uses; its sampler, added in part 2, costs apart),
# interleaved, 5 rounds; prints the median traced / untraced wall time
# (interpreter start included) against the targets.
BIN=${BIN:-./concviz}
BUILD=${BUILD:-build}
PY=${PYTHON:-/usr/bin/python3}
DUMP=$BUILD/sdk/sdk_dump
ROUNDS=5
T=$(mktemp -d)
trap 'kill $SERVE 2>/dev/null; rm -rf "$T"' EXIT
if ! "$PY" -c 'import aiohttp, requests' 2>/dev/null; then
	echo "bench_sdk.sh: $PY lacks aiohttp or requests; run make test-deps"
	exit 0
fi
"$BIN" serve --port 0 --latency 100 >"$T/serve.out" 2>&1 &
SERVE=$!
i=0
while [ $i -lt 50 ] && ! grep -q listening "$T/serve.out" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
URL=http://127.0.0.1:$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$T/serve.out")

# wall CMD...: run CMD, print its wall time in ms.
wall() {
	_t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $(( ($(date +%s%N) - _t0) / 1000000 ))
}

# ratio NAME TARGET PROGRAM ARG...: the median of ROUNDS traced/untraced ratios.
ratio() {
	_name=$1 _target=$2
	shift 2
	: >"$T/r"
	wall env -u CONCVIZ_SDK "$PY" tests/sdk/"$@" >/dev/null   # warm the caches once
	_r=0
	while [ $_r -lt $ROUNDS ]; do
		_u=$(wall env -u CONCVIZ_SDK "$PY" tests/sdk/"$@")
		_t=$(wall env PYTHONPATH=engines/sdk/python "$DUMP" --json "$T/d.jsonl" -- "$PY" tests/sdk/"$@")
		echo "$_u $_t" >>"$T/r"
		_r=$((_r + 1))
	done
	python3 - "$_name" "$_target" "$T/r" <<'PYEOF'
import statistics, sys
name, target, path = sys.argv[1], float(sys.argv[2]), sys.argv[3]
pairs = [tuple(map(int, l.split())) for l in open(path)]
r = statistics.median(t / u for u, t in pairs)
u = statistics.median(u for u, _ in pairs)
t = statistics.median(t for _, t in pairs)
verdict = "ok (<= %.2f)" % target if r <= target else \
    "missed (<= %.2f): the machine is shared; see the per-event costs in bench_sdk" % target
print("  %-40s %5.3f x   untraced %5d ms, traced %5d ms   %s" % (name, r, u, t, verdict))
PYEOF
}

echo "sdk: Python programs traced / untraced (medians of $ROUNDS interleaved rounds, wall time)"
ratio "asyncio, 160 downloads (aiohttp)" 1.15 py_async.py "$URL" 160
ratio "thread pool, 160 downloads, 5 threads" 1.15 py_threads.py "$URL" 160 5
ratio "multiprocessing.Pool, 20 CPU sums" 1.05 py_pool.py fork 20 1000000
