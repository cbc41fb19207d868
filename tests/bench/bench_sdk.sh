#!/bin/sh
# bench_sdk.sh - what `concviz trace` costs the lesson's programs, with the
# Python task tracer in them: examples/async_io.py (160 asyncio downloads),
# examples/threads_io.py (160 downloads on 5 threads) and
# examples/procs_cpu.py (a multiprocessing.Pool's 20 CPU sums). Each runs
# untraced (downloading from a `concviz serve` origin, as concviz's own
# embedded one answers: 100 ms) and through `concviz trace --no-ui`,
# interleaved, ROUNDS rounds; prints the median traced / untraced wall time
# (the whole command: interpreter start, and concviz's own start, origin
# and sampler included) against the targets, the CPU time per wall second
# of both (concviz's share included), which says what the machine gave, and
# the records that came too late to be drawn in their place (the error of
# holding 20 ms: how many, over all rounds, and the largest move). A missed
# target says why it may be (a shared machine).
BIN=${BIN:-./concviz}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${ROUNDS:-5}
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

echo "sdk: the lesson's Python programs, concviz trace / untraced (medians of $ROUNDS interleaved rounds)"
BIN=$BIN PY=$PY URL=$URL ROUNDS=$ROUNDS T=$T python3 - <<'PYEOF'
import json, os, resource, statistics, subprocess, time

BIN, PY, URL, ROUNDS = os.environ["BIN"], os.environ["PY"], os.environ["URL"], int(os.environ["ROUNDS"])
CASES = [
    ("asyncio, 160 downloads (aiohttp)", "examples/async_io.py", 1.15),
    ("thread pool, 160 downloads, 5 threads", "examples/threads_io.py", 1.15),
    ("multiprocessing.Pool, 20 CPU sums", "examples/procs_cpu.py", 1.05),
]


def run(cmd, env):
    """Run cmd; return (wall s, CPU s of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if rc:
        raise SystemExit("bench_sdk.sh: %s exited %d" % (" ".join(cmd), rc))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


plain_env = dict(os.environ, CONCVIZ_ORIGIN=URL)
plain_env.pop("CONCVIZ_SDK", None)
summary = os.path.join(os.environ["T"], "s.json")
for name, prog, target in CASES:
    run([PY, prog], plain_env)                       # warm the caches once
    pairs, late, late_ms = [], 0, 0
    for _ in range(ROUNDS):
        u = run([PY, prog], plain_env)
        t = run([BIN, "trace", "--json", "-o", summary, "--force", "--", PY, prog], plain_env)
        pairs.append((u, t))
        sdk = json.load(open(summary))["sdk"]
        late, late_ms = late + sdk["late"], max(late_ms, sdk["late_max_ms"])
    ratio = statistics.median(t[0] / u[0] for u, t in pairs)
    uw = statistics.median(u[0] for u, _ in pairs)
    tw = statistics.median(t[0] for _, t in pairs)
    ucpu = statistics.median(u[1] / u[0] for u, _ in pairs)
    tcpu = statistics.median(t[1] / t[0] for _, t in pairs)
    verdict = ("ok (<= %.2f)" % target if ratio <= target else
               "missed (<= %.2f): the 2 cores are shared with other work, and the sampler's "
               "and the origin's CPU compete with the program's" % target)
    print("  %-40s %5.3f x   wall %6.0f / %6.0f ms   cpu/wall %4.2f / %4.2f   late %d (<= %d ms)   %s"
          % (name, ratio, uw * 1e3, tw * 1e3, ucpu, tcpu, late, late_ms, verdict))
PYEOF
