"""The Python writer's costs, for tests/bench/bench_sdk.c. Run with
CONCVIZ_SDK set (traced) or not; prints one JSON object of nanoseconds:
put (a record without a name), put_name (with one), task (a call run as
a task: begin + end, minus the bare call), step (one asyncio task step,
await asyncio.sleep(0), including the loop's own work). Each is the best
of several rounds; the shard's tail is moved by hand, so nothing drops."""
import asyncio
import json
import os
import time

N = 20000


def best(fn, rounds=7):
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - t0) / N)
    return min(out)


def steps():
    async def spin():
        for _ in range(N):
            await asyncio.sleep(0)
    asyncio.run(spin())


def noop(x):
    return x


result = {"step": best(steps, 3)}
if os.environ.get("CONCVIZ_SDK"):
    import concviz_sdk._call as C
    import concviz_sdk._shard as W
    sh = W._attach()

    def drain():
        sh.words[W.Q_TAIL] = sh.head

    def puts():
        for _ in range(N // 4):
            W.put(W.RUN, 123)
            W.put(W.RUN, 123)
            W.put(W.RUN, 123)
            W.put(W.RUN, 123)
        drain()

    name = W.enc("Task-7 download_site")

    def puts_named():
        for _ in range(N // 4):
            W.put(W.SPAWN, 123, 0, name)
            W.put(W.SPAWN, 123, 0, name)
            W.put(W.SPAWN, 123, 0, name)
            W.put(W.SPAWN, 123, 0, name)
        drain()

    call = C.Call(noop)

    def calls():
        for i in range(N // 2):
            call(i)
            call(i)
        drain()

    def bare():
        for i in range(N // 2):
            noop(i)
            noop(i)

    result["put"] = best(puts)
    result["put_name"] = best(puts_named)
    result["task"] = best(calls) - best(bare)
    drain()
print(json.dumps(result))
