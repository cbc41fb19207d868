/*
 * async_race.c - the race and deadlock workloads in the async mode: every
 * task is a coroutine of steps on one libuv loop thread, and a task gives
 * up the loop only between steps (its awaits).
 *
 * race: one step is one increment (its work, then read, window, write) and
 * the task awaits after each, so the tasks interleave increment by
 * increment, yet no read-modify-write is ever cut: nothing is lost, by
 * construction. --lock takes an async lock around it that is always free.
 *
 * deadlock: a task takes its first async lock, then awaits I/O (a timer)
 * holding it, then takes its second lock, works, and releases both. An
 * async lock has a holder and a queue of waiting tasks; a release hands it
 * to the first waiter, which resumes on a later loop iteration. Two tasks
 * that took one lock each wait for the other's: nothing is left to run and
 * the loop sleeps in poll for good, the event loop's deadlock. The runner
 * sees the cycle and cancels (engine_break_deadlock); the wake callback
 * fails the tasks (FAIL_DEADLOCK for the cycle's lanes) and ends the run.
 *
 * Lanes: 0 "loop", then "task 1".."task T". A task lane shows LANE_START,
 * QUEUED, TASK_BEGIN and READY when it may start, CPU while its step runs,
 * READY while it waits for the loop to come back to it, LOCK_WAIT, IO for
 * the awaited window, and its end. The loop lane shows POLL and CALLBACK
 * (naming the task whose step runs). Every event is emitted by the loop
 * thread. Up to `limit` tasks are in flight (params workers; 0 = all).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include "emit.h"
#include "engine.h"
#include "race.h"
#include "uvloop.h"
#include "workload.h"

enum { AR_QUEUED = 0, AR_READY, AR_WAITING, AR_ENDED };   /* task states */
enum { AR_FIRST = 0, AR_WINDOW, AR_SECOND, AR_WORK };      /* deadlock steps */

#define AR_NO_TASK UINT32_MAX

struct async_race;

struct ar_task {
	uv_timer_t timer;          /* deadlock: the awaited window (first: handle address) */
	struct async_race *a;
	uint32_t id;
	uint8_t state, step;
	uint8_t held;              /* deadlock: bit k set while holding lock k */
	uint32_t k;                /* race: increments done */
	uint64_t cpu_ns;           /* CPU time its steps used */
};

/* An async lock: a holder and a FIFO of waiting tasks. */
struct ar_lock {
	uint32_t holder;           /* task, or AR_NO_TASK */
	uint32_t *q;               /* waiting tasks (ring of ntasks) */
	uint32_t head, len;
};

struct async_race {
	struct engine *e;
	struct race *rs;
	struct uvloop u;           /* the loop, the loop lane, the cancel wake */
	uv_idle_t idle;            /* runs one step of the next ready task */
	bool finishing;
	struct ar_task *tasks;
	uint32_t ntasks, limit, next, ended;
	uint32_t *runq;            /* ready tasks (ring of ntasks) */
	uint32_t rq_head, rq_len;
	struct ar_lock locks[DEADLOCK_LOCKS];
};

static void on_uv_idle(uv_idle_t *h);
static void async_race_finish(struct async_race *a);

/* Put task t at the end of the run queue (READY on its lane). */
static void ar_ready(struct async_race *a, struct ar_task *t)
{
	t->state = AR_READY;
	cv_emit(t->id + 1, t->id, EV_READY, 0, 0, 0);
	a->runq[(a->rq_head + a->rq_len++) % a->ntasks] = t->id;
	uv_idle_start(&a->idle, on_uv_idle);
}

/* Add the CPU time t's step used since cpu0 (once per step); return t's
 * total in us (>= 1). */
static uint32_t ar_cpu_us(struct ar_task *t, uint64_t cpu0)
{
	t->cpu_ns += cpu_thread_ns() - cpu0;
	uint64_t us = t->cpu_ns / 1000;
	return us == 0 ? 1 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

/* Begin queued tasks while fewer than limit are in flight. */
static void ar_fill(struct async_race *a)
{
	while (a->next < a->ntasks && a->next - a->ended < a->limit &&
	       !atomic_load_explicit(&a->e->cancel, memory_order_relaxed)) {
		struct ar_task *t = &a->tasks[a->next++];
		cv_emit(t->id + 1, t->id, EV_TASK_BEGIN, 0, 0, 0);
		ar_ready(a, t);
	}
}

/* End task t: its end event (when it began), its lane; then start more. */
static void ar_end(struct async_race *a, struct ar_task *t, enum ev_kind kind, uint32_t aux)
{
	if (t->state != AR_QUEUED)
		cv_emit(t->id + 1, t->id, kind, 0, aux, 0);
	cv_emit(t->id + 1, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	t->state = AR_ENDED;
	a->ended++;
	ar_fill(a);
	if (a->ended == a->ntasks)
		async_race_finish(a);
}

/* Take lock k for t if it is free (EV_LOCK_TAKE); else queue t behind its
 * holder (EV_LOCK_WAIT naming it) and return false. */
static bool ar_lock_take(struct async_race *a, struct ar_task *t, uint32_t k)
{
	struct ar_lock *l = &a->locks[k];
	if (l->holder == AR_NO_TASK) {
		l->holder = t->id;
		t->held |= (uint8_t)(1u << k);
		cv_emit(t->id + 1, t->id, EV_LOCK_TAKE, 0, k, 0);
		return true;
	}
	cv_emit(t->id + 1, t->id, EV_LOCK_WAIT, 0, k, (uint64_t)l->holder + 2); /* lane + 1 */
	l->q[(l->head + l->len++) % a->ntasks] = t->id;
	t->state = AR_WAITING;
	return false;
}

/* Release lock k held by t (EV_LOCK_FREE); hand it to the first waiter,
 * which resumes on a later iteration, unless the run is being cancelled. */
static void ar_lock_release(struct async_race *a, struct ar_task *t, uint32_t k)
{
	struct ar_lock *l = &a->locks[k];
	cv_emit(t->id + 1, t->id, EV_LOCK_FREE, 0, k, 0);
	t->held &= (uint8_t)~(1u << k);
	l->holder = AR_NO_TASK;
	while (l->len && !atomic_load_explicit(&a->e->cancel, memory_order_relaxed)) {
		struct ar_task *w = &a->tasks[l->q[l->head]];
		l->head = (l->head + 1) % a->ntasks;
		l->len--;
		if (w->state != AR_WAITING)
			continue;
		l->holder = w->id;
		w->held |= (uint8_t)(1u << k);
		cv_emit(w->id + 1, w->id, EV_LOCK_TAKE, 0, k, 0);
		w->step++;                            /* past the step that waited */
		ar_ready(a, w);
		return;
	}
}

/* One race step of t (begun at CPU time cpu0): an increment (its work,
 * then read, window, write). */
static void ar_race_step(struct async_race *a, struct ar_task *t, uint64_t cpu0)
{
	bool lock = a->e->p.lock;
	race_spin(RACE_WORK_NS);
	if (lock)
		ar_lock_take(a, t, 0);                /* always free: nobody is inside */
	uint64_t v = race_read(a->rs, t->id + 1, t->id);
	race_spin(RACE_WINDOW_NS);
	race_write(a->rs, v);
	if (lock)
		ar_lock_release(a, t, 0);
	atomic_fetch_add_explicit(&a->rs->done, 1, memory_order_relaxed);
	if (++t->k < RACE_INCREMENTS) {
		ar_ready(a, t);                       /* await: others run now */
		return;
	}
	cv_emit(t->id + 1, t->id, EV_RACE, RACE_VALUE, t->k,
		atomic_load_explicit(&a->rs->counter, memory_order_relaxed));
	ar_end(a, t, EV_TASK_END, ar_cpu_us(t, cpu0));
}

/* on_uv_timer: t's awaited window is over: on to its second lock. */
static void on_uv_timer(uv_timer_t *h)
{
	struct ar_task *t = (struct ar_task *)h;
	t->step = AR_SECOND;
	ar_ready(t->a, t);
}

/* One deadlock step of t (begun at CPU time cpu0). */
static void ar_deadlock_step(struct async_race *a, struct ar_task *t, uint64_t cpu0)
{
	uint32_t first, second;
	deadlock_order(&a->e->p, t->id, &first, &second);
	switch (t->step) {
	case AR_FIRST:
		if (!ar_lock_take(a, t, first))
			return;                       /* resumes at AR_WINDOW when handed it */
		t->step = AR_WINDOW;
		/* fall through */
	case AR_WINDOW:                               /* await I/O holding the lock */
		cv_emit(t->id + 1, t->id, EV_IO, 0, 0, 0);
		t->state = AR_WAITING;
		uv_timer_start(&t->timer, on_uv_timer, DEADLOCK_HOLD_NS / 1000000, 0);
		return;
	case AR_SECOND:
		if (!ar_lock_take(a, t, second))
			return;                       /* resumes at AR_WORK */
		t->step = AR_WORK;
		/* fall through */
	default:                                      /* AR_WORK: CPU, holding both */
		race_spin(DEADLOCK_WORK_NS);
		ar_lock_release(a, t, second);
		ar_lock_release(a, t, first);
		ar_end(a, t, EV_TASK_END, ar_cpu_us(t, cpu0));
		return;
	}
}

/* on_uv_idle: run one step of the next ready task. */
static void on_uv_idle(uv_idle_t *h)
{
	struct async_race *a = h->data;
	if (!a->rq_len || a->finishing) {
		uv_idle_stop(h);
		return;
	}
	struct ar_task *t = &a->tasks[a->runq[a->rq_head]];
	a->rq_head = (a->rq_head + 1) % a->ntasks;
	a->rq_len--;
	if (t->state != AR_READY)
		return;
	uvloop_lane(&a->u, EV_CALLBACK, t->id);
	cv_emit(t->id + 1, t->id, EV_CPU, 0, 0, 0);
	uint64_t cpu0 = cpu_thread_ns();
	if (a->e->p.workload == WL_RACE)
		ar_race_step(a, t, cpu0);
	else
		ar_deadlock_step(a, t, cpu0);
	if (t->state != AR_ENDED)   /* an ending step counted its time for TASK_END */
		ar_cpu_us(t, cpu0);
}

/* on_uv_wake: the run was cancelled (or a deadlock broken): every task
 * that began fails (FAIL_DEADLOCK on the cycle's lanes), releasing its
 * locks; queued ones end unstarted. */
static void on_uv_wake(uv_async_t *h)
{
	struct async_race *a = h->data;
	if (a->finishing || !atomic_load(&a->e->cancel))
		return;
	uvloop_lane(&a->u, EV_CALLBACK, CV_NO_TASK);
	a->next = a->ntasks;                          /* start nothing more */
	for (uint32_t i = 0; i < a->ntasks; i++) {
		struct ar_task *t = &a->tasks[i];
		if (t->state == AR_ENDED)
			continue;
		uv_timer_stop(&t->timer);
		for (uint32_t k = 0; k < DEADLOCK_LOCKS; k++)
			if (t->held & (1u << k))
				ar_lock_release(a, t, k);
		if (a->e->p.workload == WL_RACE && t->state != AR_QUEUED)
			cv_emit(t->id + 1, t->id, EV_RACE, RACE_VALUE, t->k,
				atomic_load_explicit(&a->rs->counter, memory_order_relaxed));
		ar_end(a, t, EV_TASK_FAIL, race_doomed(a->rs, t->id + 1) ? FAIL_DEADLOCK : FAIL_CANCELLED);
	}
}

/* Every task has ended: the run's end, then close every handle. */
static void async_race_finish(struct async_race *a)
{
	if (a->finishing)
		return;
	a->finishing = true;
	engine_mark_end(a->e);
	uvloop_end_lane(&a->u);
	uvloop_close_all(&a->u);
}

/* The loop thread: lanes up, the first tasks ready, run to the end. */
static void *async_race_main(void *arg)
{
	struct async_race *a = arg;
	uvloop_begin(&a->u, a->ntasks);
	if (a->ntasks == 0)
		async_race_finish(a);
	else
		ar_fill(a);
	uvloop_run(&a->u);
	atomic_store(&a->e->finished, true);
	return NULL;
}

/* cancel_fn: wake the loop so that it cancels. */
static void async_race_cancel(struct engine *e)
{
	struct async_race *a = e->impl;
	uvloop_wake(&a->u);
}

/* Free everything of a (the loop thread is gone or never started). */
static void async_race_free(struct async_race *a)
{
	for (uint32_t k = 0; k < DEADLOCK_LOCKS; k++)
		free(a->locks[k].q);
	free(a->tasks);
	free(a->runq);
	uvloop_free(&a->u);
	free(a);
}

/* join_fn: wait for the loop thread, then free. */
static void async_race_join(struct engine *e)
{
	struct async_race *a = e->impl;
	if (!a)
		return;
	uvloop_join(&a->u);
	async_race_free(a);
	e->impl = NULL;
}

/* Set up the loop and its handles (before the loop thread exists); 0 or a
 * negative errno, with nothing left open. */
static int async_race_setup(struct async_race *a)
{
	int rc = uvloop_init(&a->u, on_uv_wake, a);
	if (rc < 0)
		return rc;
	uv_idle_init(&a->u.loop, &a->idle);
	a->idle.data = a;
	for (uint32_t i = 0; i < a->ntasks; i++) {
		struct ar_task *t = &a->tasks[i];
		uv_timer_init(&a->u.loop, &t->timer);
		t->timer.data = t;
	}
	return 0;
}

/* Start the async race / deadlock run: lanes "loop" and "task 1".."task
 * T", then the loop thread. 0, or a negative errno with err set. */
int async_race_start(struct engine *e, struct session *s, char *err, size_t errlen)
{
	uint32_t ntasks = e->p.tasks > 0 ? (uint32_t)e->p.tasks : 0;
	int limit = params_workers(&e->p), rc;
	struct async_race *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(err, errlen, "concviz: out of memory starting the event loop; use fewer tasks");
		return -ENOMEM;
	}
	a->e = e;
	a->rs = e->race;
	a->ntasks = ntasks;
	a->limit = limit > 0 && (uint32_t)limit < ntasks ? (uint32_t)limit : ntasks;
	size_t n = ntasks ? ntasks : 1;
	a->tasks = calloc(n, sizeof *a->tasks);
	a->runq = calloc(n, sizeof *a->runq);
	bool oom = !a->tasks || !a->runq;
	for (uint32_t k = 0; k < DEADLOCK_LOCKS; k++) {
		a->locks[k].holder = AR_NO_TASK;
		oom |= !(a->locks[k].q = calloc(n, sizeof *a->locks[k].q));
	}
	for (uint32_t i = 0; !oom && i < ntasks; i++)
		a->tasks[i] = (struct ar_task){ .a = a, .id = i, .state = AR_QUEUED };
	rc = oom ? -ENOMEM : session_add_lane(s, "loop", LANE_LOOP);
	for (uint32_t i = 0; rc >= 0 && i < ntasks; i++) {
		char name[32];
		snprintf(name, sizeof name, "task %u", i + 1);
		rc = session_add_lane(s, name, LANE_TASK);
	}
	if (rc < 0) {
		async_race_free(a);
		snprintf(err, errlen, "concviz: out of memory for %u async tasks; use fewer tasks", ntasks);
		return rc;
	}
	if ((rc = async_race_setup(a)) < 0) {
		async_race_free(a);
		snprintf(err, errlen, "concviz: cannot set up the event loop (%s); free some resources",
			 uv_strerror(rc));
		return rc;
	}
	e->impl = a;
	e->cancel_fn = async_race_cancel;
	e->join_fn = async_race_join;
	rc = uvloop_spawn(&a->u, async_race_main, a);
	if (rc != 0) {
		uvloop_teardown(&a->u);
		async_race_free(a);
		e->impl = NULL;
		e->cancel_fn = NULL;
		e->join_fn = NULL;
		snprintf(err, errlen, "concviz: cannot start the event loop thread (%s); retry",
			 strerror(rc));
		return -rc;
	}
	return 0;
}
