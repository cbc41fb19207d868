/*
 * fixtures.h - fixed event streams that build a session + timeline, for tests.
 *
 * Each fixture fills a session (deterministic: fixed start time, host,
 * lane and task names) and a timeline (origin FIX_T0) from a hand-written
 * event stream, the same way a live run or a replay would. Times are exact,
 * so views drawn from them are reproducible (golden files).
 *
 *  threads_io: threads x3, io, 9 downloads from the embedded origin,
 *              80-120 ms each, task 5 fails (timeout after 200 ms), ~0.45 s.
 *  async_io:   async, io, a "loop" lane + 4 task lanes (queued, io,
 *              callbacks on the loop); task 3's callback stalls 40 ms.
 *  gil_cpu:    threads x3 + GIL, cpu, 6 sums: each thread alternates cpu
 *              (holding the GIL) and gil wait, 5 ms switch interval.
 *  trace:      a traced `python3 examples/threads_cpu.py` (pid 4242): its
 *              main thread, three threads taking 5 ms turns on the GIL
 *              (ready, cpu, lock wait), a child process `sort` on I/O then
 *              cpu, a fifth thread started after it, output on stdout and
 *              stderr, exit 0 at 300 ms.
 *  trace_sdk:  a traced `python3 app.py` (pid 4242) that reports its tasks
 *              (the SDK): its main thread polling and running callbacks,
 *              a pool worker thread running two fetch_one items (the second
 *              fails: TimeoutError), the loop lane, three asyncio task
 *              lanes (Task-3 is cancelled at the end), a mark "phase 2",
 *              3 events dropped, output, exit 0 at 200 ms.
 *  race:       threads x3, race, 6 tasks: 14 updates lost (marked), 586 of 600.
 *  deadlock:   threads x3, deadlock, 3 tasks: threads 1 and 2 hold L1 and
 *              L2 and wait for each other (cycle at 151 ms, seen at 153 ms,
 *              run ended at 1153 ms); thread 3 waits for L1 behind them.
 */
#ifndef CV_FIXTURES_H
#define CV_FIXTURES_H

#include "session.h"
#include "timeline.h"

#define FIX_T0 1000000000ull /* absolute ns of every fixture's time 0 */

/* Build a fixture; 0, or a negative errno with nothing left allocated. */
int fixture_threads_io(struct session *s, struct timeline *tl);
int fixture_async_io(struct session *s, struct timeline *tl);
int fixture_gil_cpu(struct session *s, struct timeline *tl);
int fixture_trace(struct session *s, struct timeline *tl);
int fixture_trace_sdk(struct session *s, struct timeline *tl);
int fixture_race(struct session *s, struct timeline *tl);
int fixture_deadlock(struct session *s, struct timeline *tl);

/* Free what a fixture built. */
void fixture_free(struct session *s, struct timeline *tl);

#endif
