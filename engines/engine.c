/*
 * engine.c - the mode-independent half of an engine: checking the request,
 * naming the tasks in the session, dispatching to the mode's start function,
 * and the finished / cancel / join life cycle shared by every mode.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "engine.h"
#include "tracer.h"

/* Name the tasks in the session: the URL (io) or "sum n=<n>" (cpu). */
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
		snprintf(names[i], 32, "sum n=%" PRIu64, e->p.cpu_base + i);
	}
	rc = session_set_tasks(s, names, n);
out:
	free(buf);
	free(names);
	return rc;
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
		snprintf(err, errlen, "concviz: unknown workload %d; use io or cpu", (int)p->workload);
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
	switch (p->mode) {
	case MODE_SEQ: rc = seq_start(e, s, err, errlen); break;
	case MODE_THREADS: rc = threads_start(e, s, err, errlen); break;
	case MODE_ASYNC: rc = async_start(e, s, err, errlen); break;
	case MODE_TRACE: rc = tracer_start(e, s, err, errlen); break;
	default: rc = procs_start(e, s, err, errlen); break;
	}
	if (rc < 0) {
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

/* Wait for the engine's threads and processes, then free it. */
void engine_join(struct engine *e)
{
	if (!e)
		return;
	if (e->join_fn)
		e->join_fn(e);
	free(e);
}
