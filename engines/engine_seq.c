/*
 * engine_seq.c - the sequential baseline: one lane "main" that runs every
 * task in index order on one controller thread (so engine_start returns at
 * once), with one io client kept for the whole run.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emit.h"
#include "taskrun.h"

struct seq_impl {
	pthread_t thread;
	struct taskrun run;
};

/* The controller thread: the lane's whole life, then the run's end. */
static void *seq_main(void *arg)
{
	struct engine *e = arg;
	struct seq_impl *impl = e->impl;
	struct taskrun *r = &impl->run;

	cv_emit(r->lane, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
	taskrun_io_open(r);
	for (int i = 0; i < e->p.tasks && !atomic_load(&e->cancel); i++) {
		cv_emit(r->lane, CV_NO_TASK, EV_IDLE, 0, 0, 0);
		taskrun_one(r, (uint32_t)i);
	}
	io_client_free(r->io);
	r->io = NULL;
	cv_emit(r->lane, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	engine_mark_end(e);
	atomic_store(&e->finished, true);
	return NULL;
}

/* Join the controller thread and free the mode's state. */
static void seq_join(struct engine *e)
{
	struct seq_impl *impl = e->impl;

	pthread_join(impl->thread, NULL);
	free(impl);
	e->impl = NULL;
}

/* Add the "main" lane and start the controller thread. */
int seq_start(struct engine *e, struct session *s, char *err, size_t errlen)
{
	struct seq_impl *impl = calloc(1, sizeof(*impl));
	int lane, rc;

	if (!impl) {
		snprintf(err, errlen, "concviz: out of memory starting the run; free some memory");
		return -ENOMEM;
	}
	if ((lane = session_add_lane(s, "main", LANE_MAIN)) < 0) {
		free(impl);
		snprintf(err, errlen, "concviz: out of memory adding a lane; free some memory");
		return lane;
	}
	if (e->p.workload == WL_IO)
		io_global_init();
	taskrun_init(&impl->run, e, (uint32_t)lane, &e->cancel);
	e->impl = impl;
	e->join_fn = seq_join;
	cv_emit(0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	if ((rc = pthread_create(&impl->thread, NULL, seq_main, e))) {
		free(impl);
		e->impl = NULL;
		snprintf(err, errlen, "concviz: cannot start a thread (%s); free some resources",
			 strerror(rc));
		return -rc;
	}
	return 0;
}
