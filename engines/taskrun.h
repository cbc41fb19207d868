/*
 * taskrun.h - running one task on one lane, shared by the seq, threads and
 * procs engines: it emits the task's events (EV_TASK_BEGIN, the states,
 * EV_TASK_END or EV_TASK_FAIL), runs the cpu sum or the download, drives the
 * emulated GIL when there is one, and honours cancellation. Private to
 * engines/.
 */
#ifndef CV_TASKRUN_H
#define CV_TASKRUN_H

#include <stdatomic.h>
#include <stdint.h>
#include "engine.h"
#include "gil.h"
#include "workload.h"

struct taskrun {
	const struct engine *e;  /* params, URLs */
	uint32_t lane;           /* session lane index */
	uint32_t task;           /* task being run, CV_NO_TASK between tasks */
	struct io_client *io;    /* io runs: this lane's client (NULL when it failed) */
	struct gil *gil;         /* the emulated GIL, or NULL */
	int gil_id;              /* this lane's id for the GIL */
	atomic_bool *cancel;     /* polled at each tick and between tasks */
	int64_t kill_task;       /* test hook (procs only): SIGKILL self on this task, else -1 */
};

/* Set r up for lane `lane` of e (no io client, no GIL, no kill hook). */
void taskrun_init(struct taskrun *r, const struct engine *e, uint32_t lane, atomic_bool *cancel);

/* Give the lane its download client (io runs only), cancelled with the run. */
void taskrun_io_open(struct taskrun *r);

/* Return the n task i of a cpu run sums below: cpu_base + i. */
uint64_t taskrun_cpu_n(const struct engine *e, uint32_t i);

/* Run task i on r's lane, emitting its events from TASK_BEGIN to its end.
 * A cpu result is checked against the closed form (a mismatch fails the
 * task with FAIL_OTHER); race and deadlock tasks run race.h's bodies.
 * Returns 0, or -ECANCELED when cancelled (the task then ended
 * FAIL_CANCELLED, or FAIL_DEADLOCK). Called on the lane's own thread/process. */
int taskrun_one(struct taskrun *r, uint32_t i);

/* For the task bodies (race.c): */

/* A running task's tick: true when the run is cancelled; otherwise yields
 * the GIL when a waiter asked for it, and starts a fresh running slice. */
bool taskrun_tick(struct taskrun *r);

/* A point inside a step where the emulated GIL may switch threads (as
 * CPython may between the bytecodes of x = x + 1): yields when asked. */
void taskrun_gil_point(struct taskrun *r);

/* Let the GIL go before the lane blocks (a lock wait, I/O). */
void taskrun_block(struct taskrun *r);

/* Back from blocking: take the GIL again (EV_LOCK while waiting), EV_CPU. */
void taskrun_unblock(struct taskrun *r);

/* Emit the task's end event (kind, code, aux, arg), then let the GIL go. */
void taskrun_end(struct taskrun *r, enum ev_kind kind, uint16_t code, uint32_t aux, uint64_t arg);

#endif
