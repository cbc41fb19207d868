/*
 * engine.h - the one interface every concurrency model implements.
 *
 * engine_start() runs on the consumer thread: it adds the run's lanes and
 * task names to the session, starts the mode's threads / loop / processes,
 * and returns; from then on the engine only emits events (emit.h) and never
 * touches the session again. engine_finished() turns true when every task
 * has ended (done or failed) and every lane has emitted its end.
 *
 * Lanes: seq = "main"; threads = "thread 1".."thread N"; async = "loop"
 * (lane 0) then "task 1".."task T"; procs = "pid <pid>" per worker.
 * Task i of an io run downloads urls[i % nurls]; of a cpu run sums i*i below
 * cpu_base + i; race and deadlock runs are described in race.h.
 */
#ifndef CV_ENGINE_H
#define CV_ENGINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include "params.h"
#include "session.h"

struct race;

struct engine {
	struct cv_params p;        /* copy: strings stay owned by the caller */
	char **urls;               /* io: the URLs tasks cycle through (borrowed) */
	int nurls;
	atomic_bool cancel;        /* set by engine_cancel */
	atomic_bool finished;      /* set by the engine when all is over */
	void *impl;                /* the mode's private state */
	void (*cancel_fn)(struct engine *);  /* mode hook: wake sleepers */
	void (*join_fn)(struct engine *);    /* mode hook: join, reap, free impl */
	struct race *race;         /* race and deadlock runs: the shared state */
};

/* Start p's job (urls used by io runs); lanes and task names go into s.
 * Returns 0, or a negative errno with a one-line message in err and nothing
 * left running. */
int engine_start(struct engine **out, const struct cv_params *p, struct session *s,
		 char **urls, int nurls, char *err, size_t errlen);

/* True when every task has ended and every lane has ended. Any thread. */
bool engine_finished(struct engine *e);

/* Ask the engine to stop early: running tasks are abandoned as failed
 * (FAIL_CANCELLED), queued ones are never started. Returns at once. */
void engine_cancel(struct engine *e);

/* The consumer found lanes[0..n) in a deadlock (a waits-for cycle): their
 * tasks fail with FAIL_DEADLOCK, every other task still running is
 * cancelled, and the run ends (a cancel). Returns at once. */
void engine_break_deadlock(struct engine *e, const uint32_t *lanes, uint32_t n);

/* Wait for the engine's threads, reap its processes, free it. */
void engine_join(struct engine *e);

/* For the modes: emit the run's last events (the race workload's final
 * count, then MARK_RUN_END); the caller then sets e->finished. */
void engine_mark_end(struct engine *e);

/* Mode entry points, called by engine_start (engines/engine_<mode>.c). */
int seq_start(struct engine *e, struct session *s, char *err, size_t errlen);
int threads_start(struct engine *e, struct session *s, char *err, size_t errlen);
int async_start(struct engine *e, struct session *s, char *err, size_t errlen);
int procs_start(struct engine *e, struct session *s, char *err, size_t errlen);
int async_race_start(struct engine *e, struct session *s, char *err, size_t errlen);

#endif
