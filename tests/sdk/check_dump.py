"""Check what sdk_dump read from a traced test program.

Usage: check_dump.py SCENARIO DUMP.jsonl [ARG...]

Prints one "ok - ..." line per check and "FAIL - ..." for each that fails;
exits 1 when any failed. The scenarios match tests/sdk's programs (see
tests/e2e/test_sdk_c.sh and test_sdk_python.sh).
"""
import collections
import json
import os
import sys

failed = 0


def check(cond, what):
    global failed
    print(("ok - " if cond else "FAIL - ") + what)
    if not cond:
        failed += 1


class Dump:
    def __init__(self, path):
        self.recs, self.lanes, self.tasks, self.summary = [], [], [], None
        with open(path, encoding="utf-8") as f:
            for line in f:
                o = json.loads(line)
                first = next(iter(o))       # what the line is: its first key
                if first == "rec":
                    self.recs.append(o)
                elif first == "lane":
                    self.lanes.append(o)
                elif first == "task":
                    self.tasks.append(o)
                elif first == "summary":
                    self.summary = o

    def kind(self, k):
        return [r for r in self.recs if r["kind"] == k]

    def named(self, prefix):
        return [t for t in self.tasks if t["name"].startswith(prefix)]

    def clean(self, what):
        s = self.summary
        check(s is not None, what + ": the harness wrote its summary")
        check(s["rejected"] == 0 and s["refused"] == 0,
              "%s: nothing rejected (%d) or refused (%d)" % (what, s["rejected"], s["refused"]))
        check(s["shards_left"] == 0 and not os.path.exists(s["dir"]),
              what + ": every shard read, the directory removed")

    def task_lane_pids(self, prefix):
        return collections.Counter(self.lanes[t["lane"]]["pid"] for t in self.named(prefix))


def c_basic(d):
    d.clean("c basic")
    s = d.summary
    check(s["tasks"] == 16 and s["done"] == 15 and s["failed"] == 1,
          "16 tasks, 15 done, 1 failed (%d, %d, %d)" % (s["tasks"], s["done"], s["failed"]))
    check(s["tl_done"] == 15 and s["tl_failed"] == 1, "the timeline agrees")
    names = {t["name"]: t for t in d.tasks}
    check(names.get("job 3: timeout", {}).get("state") == "failed",
          "job 3 failed, its reason in its name")
    check("inner \u00e9t\u00e9 ?" in names, "a UTF-8 name kept, a bad byte sent as '?'")
    main = [l for l in d.lanes if l["pid"] == l["tid"]]
    check(len(main) == 1, "one lane for the main thread")
    on_main = sorted(t["name"] for t in d.tasks if main and t["lane"] == main[0]["lane"])
    check(on_main == ["inner \u00e9t\u00e9 ?", "job 0", "job 1", "job 2", "job 3: timeout",
                      "outer"], "the main thread's tasks on its lane: %s" % on_main)
    for w in ("w1", "w2"):
        ts = d.named(w + " ")
        lanes = {t["lane"] for t in ts}
        begins = [t["name"] for t in sorted(ts, key=lambda t: t["begin"])]
        check(len(ts) == 5 and len(lanes) == 1 and main and main[0]["lane"] not in lanes,
              "%s: 5 tasks on one lane of their own" % w)
        check(begins == ["%s job %d" % (w, i) for i in range(5)], "%s: in order" % w)
        check(all(t["state"] == "done" for t in ts), "%s: all done" % w)
    check(len(d.lanes) == 3, "3 lanes: main and two threads (%d)" % len(d.lanes))
    check(main and main[0]["io_ns"] >= 9e6,
          "the explicit I/O state: main lane waited >= 9 ms (%.1f)" % (main[0]["io_ns"] / 1e6))
    check([r["name"] for r in d.kind("mark")] == ["phase 2"], "the mark came through")
    outer, inner = names.get("outer"), names.get("inner \u00e9t\u00e9 ?")
    check(outer and inner and outer["begin"] <= inner["begin"] <= inner["end"] <= outer["end"],
          "the nested task inside its outer one")


def c_flood(d, n):
    n = int(n)
    s = d.summary
    check(s["rejected"] == 0, "flood: nothing rejected")
    got = len(d.recs) - len(d.kind("gone"))
    check(got == 4096, "flood: a full shard's 4096 records read (%d)" % got)
    check(s["dropped"] == 2 * n - 4096,
          "flood: the other %d events counted as dropped (%d)" % (2 * n - 4096, s["dropped"]))
    check(s["tasks"] == 2048 and s["done"] == 2048, "flood: 2048 whole tasks")


def c_fork(d):
    d.clean("c fork")
    pids = {t["name"]: d.lanes[t["lane"]]["pid"] for t in d.tasks}
    check(set(pids) == {"parent before", "child", "parent after"}, "three tasks: %s" % sorted(pids))
    check(pids.get("parent before") == pids.get("parent after") != pids.get("child"),
          "the child's task on the child's own lane (its own shard)")
    shards = {(r["pid"], r["tid"]) for r in d.recs}
    check(len(shards) == 2, "two producers: parent and child")


def c_signal(d):
    s = d.summary
    check(s["rejected"] == 0, "signal: nothing rejected (%d)" % s["rejected"])
    ticks = [r for r in d.kind("mark") if r["name"] == "tick"]
    check(len(ticks) >= 1, "signal: marks from the handler came through (%d)" % len(ticks))
    # the program stops after 1,000 ticks; each handler call either wrote
    # its mark or, inside a call of the thread, counted a drop
    check(len(ticks) + s["dropped"] >= 1000,
          "signal: every tick written or counted as dropped (%d + %d)" % (len(ticks), s["dropped"]))
    check(s["status"] == 0, "signal: the program ended normally")


def c_exit(d):
    t = d.named("never ends")
    check(len(t) == 1 and t[0]["state"] == "failed" and t[0]["reason"] == "cancelled",
          "the task the program exited in ends as cancelled")
    check(d.summary["rejected"] == 0, "exit: nothing rejected")


def py_async(d, n, latency_ms):
    n, latency = int(n), float(latency_ms) * 1e6
    d.clean("asyncio")
    sites = [l for l in d.lanes if l["kind"] == "task" and l["name"].split(" ")[-1] == "download_site"]
    check(len(sites) == n, "asyncio: %d download_site task lanes (%d)" % (n, len(sites)))
    check(all(l["name"].startswith("Task-") for l in sites), "named 'Task-N download_site'")
    # a task says it waits once its step has armed a timer or sent a
    # request and returned: a step the OS pre-empts after that point shows
    # as running, so what is certain is that running + waiting covers the
    # latency, and that waiting is most of it
    short = [l for l in sites if l["io_ns"] + l["cpu_ns"] < latency or l["io_ns"] < latency / 2]
    check(not short, "every download waited the origin's %.0f ms (%d did not; least %.1f ms)"
          % (latency / 1e6, len(short), min((l["io_ns"] for l in sites), default=0) / 1e6))
    check(all(l["done"] == 1 and l["ended"] for l in sites), "every download done, its lane ended")
    loops = [l for l in d.lanes if l["kind"] == "loop"]
    check(len(loops) == 1 and loops[0]["poll_ns"] > 0 and loops[0]["callback_ns"] > 0,
          "one loop lane with poll and callback time")
    check(d.summary["done"] == n + 1 and d.summary["failed"] == 0,
          "asyncio: %d done (the downloads and the main task)" % (n + 1))
    hidden = [r for r in d.kind("spawn") if "_resolve_host" in r["name"] or "write_bytes" in r["name"]]
    check(not hidden, "aiohttp's own tasks are not shown")


def py_threads(d, n, latency_ms, workers):
    n, latency, workers = int(n), float(latency_ms) * 1e6, int(workers)
    d.clean("thread pool")
    ts = d.named("download_site")
    check(len(ts) == n and all(t["state"] == "done" for t in ts),
          "thread pool: %d download_site tasks done (%d)" % (n, len(ts)))
    lanes = {t["lane"] for t in ts}
    check(1 < len(lanes) <= workers, "on the pool's worker lanes (%d of %d)" % (len(lanes), workers))
    short = [t for t in ts if t["end"] - t["begin"] < latency]
    check(not short, "each took >= the origin's latency (%d did not)" % len(short))


def py_pool(d, method, n):
    n = int(n)
    d.clean("pool " + method)
    ts = d.named("cpu_bound")
    check(len(ts) == n + 10 and all(t["state"] == "done" for t in ts),
          "pool %s: map's %d, imap's 4, imap_unordered's 4 and two applies' calls of cpu_bound "
          "done (%d)" % (method, n, len(ts)))
    check(len(d.named("pair")) == 2, "starmap's calls named by their function")
    check(d.summary["tasks"] == n + 12, "nothing else is a task (%d)" % d.summary["tasks"])
    pids = d.task_lane_pids("cpu_bound")
    check(len(pids) >= 2, "on >= 2 worker processes: %s" % dict(pids))


def py_procpool(d, method, n):
    d.clean("process pool " + method)
    ts = d.named("cpu_bound")
    check(len(ts) == 2 * int(n) and all(t["state"] == "done" for t in ts),
          "process pool %s: submit's and map's %d calls done (%d)" % (method, 2 * int(n), len(ts)))
    check(not d.named("_process_chunk"), "map's chunks are not tasks, their items are")
    check(len(d.task_lane_pids("cpu_bound")) >= 1, "on the worker processes")


def py_fail(d):
    d.clean("failing tasks")
    names = {t["name"]: t for t in d.tasks}
    by_suffix = lambda s: [t for t in d.tasks if t["name"].endswith(s)]
    check(len(by_suffix("bad_task: ValueError")) == 1, "asyncio task failed with ValueError")
    check(len(by_suffix("bad_item: KeyError")) == 1, "thread pool item failed with KeyError")
    zero = by_suffix("bad_call: ZeroDivisionError")
    check(len(zero) == 2, "Pool calls failed with ZeroDivisionError (%d)" % len(zero))
    check(all(t["state"] == "failed" and t["reason"] == "error" for t in
              by_suffix("Error")), "failed as errors")
    cancelled = [t for t in d.tasks if t["reason"] == "cancelled"]
    check(len(cancelled) == 1 and cancelled[0]["name"].endswith("sleeper"),
          "the cancelled asyncio task is cancelled")
    check(len(by_suffix("good_task")) == 1 and by_suffix("good_task")[0]["state"] == "done",
          "the good task done")
    check(d.summary["status"] == 1, "the program's exit status kept (1: uncaught exception)")


def py_fork(d):
    d.clean("fork")
    pid_of = lambda t: d.lanes[t["lane"]]["pid"]
    parent = [pid_of(t) for t in d.tasks if t["name"].endswith("parent_task")]
    child = [pid_of(t) for t in d.tasks if t["name"].endswith("child_task")]
    work = collections.Counter(pid_of(t) for t in d.named("work"))
    check(len(parent) == 1 and len(child) == 1 and parent != child,
          "the asyncio tasks before the fork and in the child on their own processes' lanes")
    check(sorted(work) == sorted(parent + child) and all(c == 1 for c in work.values()),
          "a work item in the child and one in the parent after it: %s" % dict(work))


def py_exit(d):
    s = d.summary
    check(s["rejected"] == 0, "exit: nothing rejected")
    check(s["cancelled"] == 4 and s["open"] == 0,
          "the 2 pool items, the asyncio task and main end as cancelled (%d)" % s["cancelled"])
    check(s["status"] == 3, "the program's exit status kept (3)")


def py_hostile(d, expected):
    s = d.summary
    check(s["rejected"] == int(expected),
          "hostile: every planted fault rejected and counted (%d of %s)" % (s["rejected"], expected))
    check([r["name"] for r in d.kind("mark")].count("good mark") == 1,
          "the good record among the bad ones came through")
    check(any(t["name"] == "honest" and t["state"] == "done" for t in d.tasks),
          "the program's honest task came through")
    ghost = [t for t in d.tasks if t["name"] == "ghost task"]
    check(len(ghost) == 1 and ghost[0]["reason"] == "cancelled",
          "a task of a thread that does not exist ends cancelled")
    check(s["shards_left"] == 0 and not os.path.exists(s["dir"]) and s["status"] == 0,
          "nothing left, the program ended normally")


SCENARIOS = {
    "c-basic": c_basic, "c-flood": c_flood, "c-fork": c_fork, "c-signal": c_signal,
    "c-exit": c_exit, "py-async": py_async, "py-threads": py_threads, "py-pool": py_pool,
    "py-procpool": py_procpool, "py-fail": py_fail, "py-fork": py_fork, "py-exit": py_exit,
    "py-hostile": py_hostile,
}

if __name__ == "__main__":
    SCENARIOS[sys.argv[1]](Dump(sys.argv[2]), *sys.argv[3:])
    sys.exit(1 if failed else 0)
