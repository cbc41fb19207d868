/*
 * race.h - the race and deadlock workloads: the state their tasks share
 * and, for lanes that block (seq, threads, procs), the body of one task.
 * The async engine runs the same work as steps on its loop (async_race.c).
 *
 * race: every task adds 1 to one shared counter RACE_INCREMENTS times with
 * an unprotected read-modify-write: read the counter, spend RACE_WINDOW_NS
 * (x + 1 made slow enough that a switch lands inside it: the window), write
 * the value read + 1; then RACE_WORK_NS of other work. Pre-emptive lanes
 * (threads, procs) that overlap in the window write the same value and an
 * update is lost; async tasks switch only between increments and seq runs
 * one task at a time, so they lose nothing, by construction. With p->lock
 * a mutex guards the read-modify-write (0 lost; the waits show).
 *
 * With the emulated GIL only its holder runs, but the GIL may change hands
 * at any point of an increment (a switch point every RACE_WINDOW_NS of
 * work, one inside the window), as CPython may switch threads between the
 * bytecodes of x = x + 1: fewer updates are lost, not none.
 *
 * A read records (value, lane) in a table; a value read a second time is
 * the moment an update is lost (EV_RACE RACE_LOSS, the Gantt's mark): both
 * readers write value + 1. The counter's final value against the
 * increments done gives the exact number lost (RACE_FINAL).
 *
 * deadlock: task i takes lock (i mod K) then lock ((i + 1) mod K) (K =
 * DEADLOCK_LOCKS: with two, even tasks take L1 then L2, odd ones L2 then
 * L1), holding the first through DEADLOCK_HOLD_NS of I/O (the window that
 * lets the other task take its first lock), then works DEADLOCK_WORK_NS
 * holding both. Two tasks running at once form the cycle every time. With
 * p->lock_order every task takes the locks in one order: no cycle, the
 * same work. The runner ends a deadlocked run (race_doom marks the lanes of
 * the cycle, whose tasks then fail FAIL_DEADLOCK; the rest are cancelled).
 *
 * The state lives in one anonymous MAP_SHARED mapping made before any
 * worker forks, so threads and processes share it alike. Private to engines/.
 */
#ifndef CV_RACE_H
#define CV_RACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "mutex.h"
#include "params.h"

#define RACE_TASKS 10                         /* default tasks of a race run */
#define RACE_INCREMENTS 100                   /* per task */
#define RACE_WINDOW_NS (50u * 1000u)          /* between the read and the write */
#define RACE_WORK_NS (1950u * 1000u)         /* the rest of one increment's work */
#define RACE_SEEN 4096                        /* reads remembered (by value mod this) */

#define DEADLOCK_TASKS 4                      /* default tasks of a deadlock run */
#define DEADLOCK_LOCKS 2
#define DEADLOCK_HOLD_NS (150u * 1000u * 1000u) /* I/O while holding the first lock */
#define DEADLOCK_WORK_NS (50u * 1000u * 1000u)  /* CPU work holding both */
#define DEADLOCK_WAIT_MAX_NS (10ull * 1000u * 1000u * 1000u) /* a lock wait gives up
                                                  (FAIL_TIMEOUT) if nobody ends it */

struct race {
	_Atomic uint64_t counter;              /* the shared counter */
	_Atomic uint64_t done;                 /* increments done (after their write) */
	_Atomic uint64_t seen[RACE_SEEN];      /* value << 24 | reader lane + 1 */
	struct mutex locks[DEADLOCK_LOCKS];    /* race: locks[0] guards the counter */
	uint32_t nlocks;                       /* locks made */
	uint32_t nlanes;                       /* doomed[] entries */
	size_t map_size;
	_Atomic unsigned char doomed[];        /* per lane: in the deadlock found */
};

struct taskrun;

/* Map the shared state of a run of p with up to nlanes lanes; NULL with
 * errno set on failure. Call before any worker forks. */
struct race *race_new(const struct cv_params *p, uint32_t nlanes);

/* Destroy the locks and unmap (every worker is gone). */
void race_free(struct race *rs);

/* The counter's value when every increment of a race run of p is done. */
uint64_t race_expected(const struct cv_params *p);

/* Mark lane as part of the deadlock found (its task fails FAIL_DEADLOCK). */
void race_doom(struct race *rs, uint32_t lane);

/* True when lane was marked by race_doom. */
bool race_doomed(struct race *rs, uint32_t lane);

/* Read the counter for an increment by lane/task, and emit RACE_LOSS when
 * that value was read before (see above). Returns the value read. */
uint64_t race_read(struct race *rs, uint32_t lane, uint32_t task);

/* Write v + 1 to the counter (the write of an increment that read v). */
void race_write(struct race *rs, uint64_t v);

/* Burn ns of the calling thread's CPU time (work that a switch may
 * interrupt, and that then takes longer in wall-clock time). */
void race_spin(uint64_t ns);

/* The locks task i of a deadlock run of p takes: first, then second. */
void deadlock_order(const struct cv_params *p, uint32_t i, uint32_t *first, uint32_t *second);

/* Run race task i on r's lane, TASK_BEGIN emitted, to its end (task end
 * with RACE_VALUE, or FAIL_CANCELLED); 0 or -ECANCELED. */
int race_run(struct taskrun *r, uint32_t i);

/* Run deadlock task i on r's lane to its end: done, FAIL_DEADLOCK (its
 * lane was doomed), FAIL_CANCELLED or FAIL_TIMEOUT; 0 or -ECANCELED. */
int deadlock_run(struct taskrun *r, uint32_t i);

#endif
