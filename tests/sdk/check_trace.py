"""Check what `concviz trace` made of a program that reports its tasks.

Usage: check_trace.py SCENARIO NAME [ARG...]

NAME.json is the trace's --json summary, NAME.csv the CSV export of its
recording (one row per state span: lane, task, state, times) and, when
there, NAME.chrome.json its Chrome export. Prints one "ok - ..." line per
check and "FAIL - ..." for each that fails; exits 1 when any failed. The
scenarios match tests/e2e/test_trace_sdk.sh.
"""
import collections
import csv
import json
import os
import sys

import check_dump
from check_dump import check


class Trace:
    """The summary's lanes and the tasks rebuilt from the span rows."""

    def __init__(self, name):
        with open(name + ".json", encoding="utf-8") as f:
            self.sum = json.load(f)
        self.lanes = {l["lane"]: l for l in self.sum["lanes"]}
        tasks = {}
        with open(name + ".csv", encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                if not r["task"]:
                    continue
                t = tasks.setdefault(int(r["task"]), {
                    "name": r["task_name"], "lanes": set(), "begin": int(r["start_ns"]),
                    "end": 0, "ns": collections.Counter(), "failed": False, "reason": ""})
                t["lanes"].add(int(r["lane"]))
                t["begin"] = min(t["begin"], int(r["start_ns"]))
                t["end"] = max(t["end"], int(r["end_ns"]))
                t["ns"][r["state"]] += int(r["duration_ns"])
                if r["failed"] == "1":
                    t["failed"], t["reason"] = True, r["reason"]
        self.tasks = tasks
        self.marks = []
        if os.path.exists(name + ".chrome.json"):
            with open(name + ".chrome.json", encoding="utf-8") as f:
                self.marks = [e for e in json.load(f)["traceEvents"] if e.get("cat") == "mark"]

    def named(self, suffix):
        return [t for t in self.tasks.values() if t["name"].endswith(suffix)]

    def lane_of(self, t):
        """The one lane task t ran on, its loop's callbacks aside (None when
        it ran on several)."""
        lanes = [l for l in t["lanes"] if self.lanes[l]["kind"] != "loop"]
        return lanes[0] if len(lanes) == 1 else None

    def counts(self, what, tasks, done, failed_n):
        s = self.sum
        check((s["tasks"], s["done"], s["failed"]) == (tasks, done, failed_n),
              "%s: %d tasks, %d done, %d failed (%d, %d, %d)"
              % (what, tasks, done, failed_n, s["tasks"], s["done"], s["failed"]))
        check(s["sdk"]["rejected"] == 0 and s["sdk"]["dropped"] == 0,
              "%s: nothing dropped (%d) or rejected (%d)"
              % (what, s["sdk"]["dropped"], s["sdk"]["rejected"]))


def c_basic(d):
    d.counts("c basic", 16, 15, 1)
    main = [l for l in d.lanes.values() if l["tid"] and l["tid"] == l["pid"]]
    check(len(main) == 1, "one lane for the main thread")
    on_main = sorted(t["name"] for t in d.tasks.values() if d.lane_of(t) == main[0]["lane"])
    check(on_main == ["inner \u00e9t\u00e9 ?", "job 0", "job 1", "job 2", "job 3: timeout", "outer"],
          "the main thread's tasks on its lane: %s" % on_main)
    for w in ("w1", "w2"):
        ts = [t for t in d.tasks.values() if t["name"].startswith(w + " ")]
        lanes = {d.lane_of(t) for t in ts}
        order = [t["name"] for t in sorted(ts, key=lambda t: t["begin"])]
        lane = next(iter(lanes))
        check(len(ts) == 5 and len(lanes) == 1 and lane is not None and lane != main[0]["lane"]
              and d.lanes[lane]["tid"] not in (0, d.lanes[lane]["pid"]),
              "%s: 5 tasks on the lane of the thread that began them" % w)
        check(order == ["%s job %d" % (w, i) for i in range(5)], "%s: in order: %s" % (w, order))
        check(not any(t["failed"] for t in ts), "%s: all done" % w)
    job3 = d.named("job 3: timeout")
    check(len(job3) == 1 and job3[0]["failed"], "job 3 failed, its reason in its name")
    check(main and main[0]["waiting_s"] >= 0.009,
          "the explicit I/O state: the main lane waited >= 9 ms (%.1f)" % (main[0]["waiting_s"] * 1e3))
    check([m["name"] for m in d.marks] == ["phase 2"] and
          d.marks[0]["tid"] == main[0]["tid"], "the mark, on the main thread")


def c_fork(d):
    d.counts("c fork", 3, 3, 0)
    pid = {t["name"]: d.lanes[d.lane_of(t)]["pid"] for t in d.tasks.values()}
    check(set(pid) == {"parent before", "child", "parent after"},
          "every task drawn on a lane, however soon its process ended: %s" % sorted(pid))
    check(pid.get("parent before") == pid.get("parent after") != pid.get("child"),
          "the child's task on the child's own lane: %s" % pid)


def c_exit(d):
    t = d.named("never ends")
    check(len(t) == 1 and t[0]["failed"] and t[0]["reason"] == "cancelled",
          "the task the program exited in ends as cancelled")


def py_async(d, n, latency_ms):
    n, latency = int(n), float(latency_ms) * 1e6
    d.counts("asyncio", n + 1, n + 1, 0)
    sites = [l for l in d.lanes.values() if l["kind"] == "task" and l["name"].endswith(" download")]
    check(len(sites) == n and all(l["name"].startswith("Task-") for l in sites),
          "%d task lanes named 'Task-N download', like run --mode async (%d)" % (n, len(sites)))
    # a task says it waits once its step has sent its request and returned:
    # a step the OS pre-empts after that shows as running, so what is certain
    # is that running + waiting covers the latency, and waiting is most of it
    short = [l for l in sites if (l["waiting_s"] + l["busy_s"]) * 1e9 < latency or
             l["waiting_s"] * 1e9 < latency / 2]
    check(not short, "every download waited the origin's %.0f ms (%d did not; least %.1f ms)"
          % (latency / 1e6, len(short), min((l["waiting_s"] for l in sites), default=0) * 1e3))
    loops = [l for l in d.lanes.values() if l["kind"] == "loop"]
    check(len(loops) == 1 and loops[0]["loop_poll_s"] > 0 and loops[0]["loop_callback_s"] > 0,
          "one loop lane with poll and callback time")
    check(d.sum["threads"] == 1, "one thread: the task lanes are no threads (%d)" % d.sum["threads"])
    ids = [f["id"] for f in d.sum["findings"]]
    check("io-overlapped" in ids and "io-pool-saturated" not in ids and "gil-bound" not in ids,
          "findings as for run --mode async (the waits overlapped): %s" % ids)


def py_threads(d, n, latency_ms, workers):
    n, latency, workers = int(n), float(latency_ms) * 1e6, int(workers)
    d.counts("thread pool", n, n, 0)
    ts = d.named("download")
    lanes = collections.Counter(d.lane_of(t) for t in ts)
    check(len(ts) == n and len(lanes) == workers and None not in lanes and
          all(d.lanes[l]["tid"] != d.lanes[l]["pid"] for l in lanes),
          "%d tasks on the %d pool threads' lanes: %s" % (n, workers, dict(lanes)))
    short = [t for t in ts if t["end"] - t["begin"] < latency]
    check(not short, "each download took >= the origin's %.0f ms (%d did not)"
          % (latency / 1e6, len(short)))
    # the thread waits in recv from a moment after its request went out until
    # the answer came, then for a CPU (ready: 6 threads and the origin share
    # 2 cores and the GIL): the origin's timer (1 ms granularity) and the
    # sampler's placement (a sample at each end: its interval at the rate it
    # achieved, or the longest time it went without one when a busy host held
    # it back) bound how much shorter than the latency it shows
    tick = max(1e9 / d.sum["sample_hz"] if d.sum["sample_hz"] > 0 else 1e6,
               d.sum["sample_gap_max_ms"] * 1e6)
    tol = 5e6 + 2 * tick
    wait = sorted(t["ns"]["io"] + t["ns"]["ready"] for t in ts)
    io = sorted(t["ns"]["io"] for t in ts)
    check(wait and wait[0] >= latency - tol and io[0] >= 0.8 * latency - 2 * tick,
          "each download waited >= the latency - %.1f ms (5 ms and 2 samples apart), most of it "
          "on I/O (least %.1f ms, on I/O %.1f ms; median %.1f ms; longest gap between samples "
          "%.1f ms)"
          % (tol / 1e6, wait[0] / 1e6 if wait else 0, io[0] / 1e6 if io else 0,
             io[len(io) // 2] / 1e6 if io else 0, d.sum["sample_gap_max_ms"]))
    ids = [f["id"] for f in d.sum["findings"]]
    check("io-pool-saturated" in ids, "findings as for run --mode threads: %s" % ids)


def py_pool(d, n):
    n = int(n)
    d.counts("Pool", n, n, 0)
    pids = collections.Counter(d.lanes[d.lane_of(t)]["pid"] for t in d.named("sum_of_squares"))
    check(sum(pids.values()) == n and len(pids) >= 2 and d.sum["pid"] not in pids,
          "%d calls on >= 2 worker processes: %s" % (n, dict(pids)))


def py_fail(d):
    by = d.named
    check(len(by("bad_task: ValueError")) == 1 and by("bad_task: ValueError")[0]["failed"],
          "the asyncio task failed with ValueError")
    check(len(by("bad_item: KeyError")) == 1, "the thread pool item failed with KeyError")
    check(len(by("bad_call: ZeroDivisionError")) == 2, "Pool calls failed with ZeroDivisionError")
    cancelled = [t for t in d.tasks.values() if t["reason"] == "cancelled"]
    check(len(cancelled) == 1 and cancelled[0]["name"].endswith("sleeper"),
          "the cancelled asyncio task is cancelled")
    check(d.sum["exit_status"] == 1, "the program's exit status kept (1: uncaught exception)")


def py_fork(d):
    pid = lambda t: d.lanes[d.lane_of(t)]["pid"]
    parent = [pid(t) for t in d.named("parent_task")]
    child = [pid(t) for t in d.named("child_task")]
    work = collections.Counter(pid(t) for t in d.named("work"))
    check(len(parent) == 1 and len(child) == 1 and parent != child,
          "the tasks before the fork and in the child on their own processes' lanes")
    check(sorted(work) == sorted(parent + child), "a work item in each: %s" % dict(work))


def py_exit(d):
    check(d.sum["cancelled"] == 4, "the 2 pool items, the asyncio task and main end as "
          "cancelled (%d)" % d.sum["cancelled"])
    check(d.sum["exit_status"] == 3, "the program's exit status kept (3)")


def py_hostile(d, planted):
    s = d.sum
    check(s["sdk"]["rejected"] == int(planted),
          "every planted fault rejected and counted (%d of %s)" % (s["sdk"]["rejected"], planted))
    check(any(t["name"] == "honest" and not t["failed"] for t in d.tasks.values()),
          "the program's honest task came through")
    ghost = d.named("ghost task")
    check(len(ghost) == 1 and ghost[0]["reason"] == "cancelled",
          "a task of a thread that does not exist ends cancelled")
    check(s["exit_status"] == 0, "the program ended normally")


def no_python(d):
    s = d.sum
    check(s["tasks"] == 0 and s["sdk"]["python"] == "off", "--no-python: no task (%d)" % s["tasks"])
    check(all(l["kind"] == "worker" for l in s["lanes"]), "--no-python: threads' lanes only")


def gil(d):
    f = [f for f in d.sum["findings"] if f["id"] == "gil-bound"]
    check(f and f[0].get("suggest", {}).get("mode") == "procs",
          "CPU-bound Python threads: gil-bound, suggesting procs: %s"
          % [(x["id"], x.get("suggest")) for x in d.sum["findings"]])


SCENARIOS = {
    "c-basic": c_basic, "c-fork": c_fork, "c-exit": c_exit, "py-async": py_async,
    "py-threads": py_threads, "py-pool": py_pool, "py-fail": py_fail, "py-fork": py_fork,
    "py-exit": py_exit, "py-hostile": py_hostile, "no-python": no_python, "gil": gil,
}

if __name__ == "__main__":
    SCENARIOS[sys.argv[1]](Trace(sys.argv[2]), *sys.argv[3:])
    sys.exit(1 if check_dump.failed else 0)
