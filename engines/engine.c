/*
 * engine.c - the mode-independent half of an engine: checking the request,
 * naming the tasks in the session, dispatching to the mode's start function,
 * and the finished / cancel / join life cycle shared by every mode.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emit.h"
#include "engine.h"
#include "tracer.h"
#include "race.h"

/* Write task i's name into buf: "sum n=<n>" (cpu), "counter +100" (race),
 * "L1 then L2" (deadlock: the locks it takes, in order). */
static void engine_task_name(const struct engine *e, uint32_t i, char *buf, size_t n)
{
	uint32_t a, b;
	switch (e->p.workload) {
	case WL_RACE:
		snprintf(buf, n, "counter +%u", RACE_INCREMENTS);
		break;
	case WL_DEADLOCK:
		deadlock_order(&e->p, i, &a, &b);
		snprintf(buf, n, "L%u then L%u", a + 1, b + 1);
		break;
	default:
		snprintf(buf, n, "sum n=%" PRIu64, e->p.cpu_base + i);
		break;
	}
}

/* Name the tasks in the session: the URL (io), else engine_task_name. */
static int engine_name_tasks(const struct engine *e, struct session *s)
{
	uint32_t n = (uint32_t)e->p.tasks;
	int rc = 0;

	if (e->p.workload == WL_IO) {
		char **names = malloc((n ? n : 1) * sizeof(*names));
		if (!names)
			return -ENOMEM;
		for (uint32_t i = 0; i < n; i++)
			names[i] = e->urls[i % (uint32_t)e->nurls];
		rc = session_set_tasks(s, names, n);
		free(names);
		return rc;
	}
	char **names = calloc(n ? n : 1, sizeof(*names));
	char *buf = malloc((size_t)(n ? n : 1) * 32);
	if (!names || !buf) {
		rc = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		names[i] = buf + (size_t)i * 32;
		engine_task_name(e, i, names[i], 32);
	}
	rc = session_set_tasks(s, names, n);
out:
	free(buf);
	free(names);
	return rc;
}

/* Race and deadlock runs: map the state the tasks share (before any
 * worker forks) and announce the counter's expected value. 0 or -errno. */
static int engine_race_new(struct engine *e, char *err, size_t errlen)
{
	const struct cv_params *p = &e->p;
	if (p->workload != WL_RACE && p->workload != WL_DEADLOCK)
		return 0;
	int workers = params_workers(p);
	uint32_t nlanes = (uint32_t)(p->tasks + 1 > workers ? p->tasks + 1 : workers);
	if (!(e->race = race_new(p, nlanes))) {
		int rc = -errno;
		snprintf(err, errlen, "concviz: cannot map the %s workload's shared state (%s); "
			 "free some memory", params_workload_name(p->workload), strerror(errno));
		return rc < 0 ? rc : -ENOMEM;
	}
	if (p->workload == WL_RACE)
		cv_emit(0, CV_NO_TASK, EV_RACE, RACE_PLAN, 0, race_expected(p));
	return 0;
}

/* Check p, make the engine, name the tasks and start the mode. */
int engine_start(struct engine **out, const struct cv_params *p, struct session *s,
		 char **urls, int nurls, char *err, size_t errlen)
{
	int rc;

	*out = NULL;
	if ((unsigned)p->mode >= MODE_COUNT) {
		snprintf(err, errlen, "concviz: unknown mode %d; use seq, threads, async or procs",
			 (int)p->mode);
		return -EINVAL;
	}
	if ((unsigned)p->workload >= WL_COUNT) {
		snprintf(err, errlen, "concviz: unknown workload %d; use io, cpu, race or deadlock",
			 (int)p->workload);
		return -EINVAL;
	}
	if (p->tasks < 0 || p->tasks > CV_MAX_TASKS) {
		snprintf(err, errlen, "concviz: %d tasks is out of range; use 0..%d", p->tasks,
			 CV_MAX_TASKS);
		return -EINVAL;
	}
	if (p->mode != MODE_TRACE && p->workload == WL_IO && (nurls <= 0 || !urls)) {
		snprintf(err, errlen, "concviz: the io workload has no URL; give --url or use the embedded origin");
		return -EINVAL;
	}
	struct engine *e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, errlen, "concviz: out of memory starting the engine; free some memory");
		return -ENOMEM;
	}
	e->p = *p;
	e->urls = urls;
	e->nurls = p->workload == WL_IO || p->mode == MODE_TRACE ? nurls : 0;
	atomic_init(&e->cancel, false);
	atomic_init(&e->finished, false);
	if (p->mode != MODE_TRACE && (rc = engine_name_tasks(e, s)) < 0) {
		snprintf(err, errlen, "concviz: out of memory naming the tasks; use fewer tasks");
		free(e);
		return rc;
	}
	if ((rc = engine_race_new(e, err, errlen)) < 0) {
		free(e);
		return rc;
	}
	bool locks = p->workload == WL_RACE || p->workload == WL_DEADLOCK;
	switch (p->mode) {
	case MODE_SEQ: rc = seq_start(e, s, err, errlen); break;
	case MODE_THREADS: rc = threads_start(e, s, err, errlen); break;
	case MODE_ASYNC:
		rc = locks ? async_race_start(e, s, err, errlen) : async_start(e, s, err, errlen);
		break;
	case MODE_TRACE: rc = tracer_start(e, s, err, errlen); break;
	default: rc = procs_start(e, s, err, errlen); break;
	}
	if (rc < 0) {
		race_free(e->race);
		free(e);
		return rc;
	}
	*out = e;
	return 0;
}

/* True when every task and lane has ended. Any thread. */
bool engine_finished(struct engine *e)
{
	return atomic_load(&e->finished);
}

/* Ask the engine to stop early; returns at once. */
void engine_cancel(struct engine *e)
{
	if (!e)
		return;
	atomic_store(&e->cancel, true);
	if (e->cancel_fn)
		e->cancel_fn(e);
}

/* Fail the tasks of the cycle's lanes with FAIL_DEADLOCK; cancel the rest. */
void engine_break_deadlock(struct engine *e, const uint32_t *lanes, uint32_t n)
{
	if (!e)
		return;
	for (uint32_t k = 0; e->race && k < n; k++)
		race_doom(e->race, lanes[k]);
	engine_cancel(e);
}

/* Emit the run's last events: the race's final count, the end mark. */
void engine_mark_end(struct engine *e)
{
	if (e->p.workload == WL_RACE && e->race)
		cv_emit(0, CV_NO_TASK, EV_RACE, RACE_FINAL,
			(uint32_t)(atomic_load(&e->race->done) > UINT32_MAX ? UINT32_MAX
			: atomic_load(&e->race->done)), atomic_load(&e->race->counter));
	cv_emit(0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, emit_ring ? ring_stall_ns(emit_ring) : 0);
}

/* Wait for the engine's threads and processes, then free it. */
void engine_join(struct engine *e)
{
	if (!e)
		return;
	if (e->join_fn)
		e->join_fn(e);
	race_free(e->race);
	free(e);
}
