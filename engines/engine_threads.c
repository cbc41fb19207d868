/*
 * engine_threads.c - a pool of N pthreads ("thread 1".."thread N") taking
 * tasks in index order from a shared queue; each keeps one io client for
 * its life, so connections are reused. With p->gil the workers share one
 * emulated GIL (gil.h) and only its holder runs. The last worker to end its
 * lane marks the run's end; engine_join joins them all.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emit.h"
#include "taskq.h"
#include "taskrun.h"

struct threads_worker {
	struct engine *e;
	struct taskrun run;
	pthread_t thread;
	bool started;
};

struct threads_impl {
	struct taskq *q;
	struct gil gil;
	bool use_gil;
	int n;
	atomic_int alive;              /* lanes that have not ended */
	struct threads_worker *w;
};

/* A worker thread: take tasks until none is left (or cancelled). */
static void *threads_main(void *arg)
{
	struct threads_worker *w = arg;
	struct engine *e = w->e;
	struct threads_impl *impl = e->impl;
	struct taskrun *r = &w->run;
	int64_t i;

	cv_emit(r->lane, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
	taskrun_io_open(r);
	for (;;) {
		cv_emit(r->lane, CV_NO_TASK, EV_IDLE, 0, 0, 0);
		if (atomic_load(&e->cancel) || (i = taskq_take(impl->q, r->lane + 1)) < 0)
			break;
		taskrun_one(r, (uint32_t)i);
		taskq_done(impl->q, (uint32_t)i);
	}
	io_client_free(r->io);
	r->io = NULL;
	cv_emit(r->lane, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	if (atomic_fetch_sub(&impl->alive, 1) == 1) {
		engine_mark_end(e);
		atomic_store(&e->finished, true);
	}
	return NULL;
}

/* Join every started worker and free the mode's state. */
static void threads_join(struct engine *e)
{
	struct threads_impl *impl = e->impl;

	for (int k = 0; k < impl->n; k++)
		if (impl->w[k].started)
			pthread_join(impl->w[k].thread, NULL);
	if (impl->use_gil)
		gil_destroy(&impl->gil);
	taskq_free(impl->q);
	free(impl->w);
	free(impl);
	e->impl = NULL;
}

/* Add the lanes and start N worker threads. */
int threads_start(struct engine *e, struct session *s, char *err, size_t errlen)
{
	int n = params_workers(&e->p), rc;
	struct threads_impl *impl;

	if (n < 1)
		n = 1;
	impl = calloc(1, sizeof(*impl));
	if (!impl || !(impl->w = calloc((size_t)n, sizeof(*impl->w))) ||
	    !(impl->q = taskq_new((uint32_t)e->p.tasks))) {
		rc = -ENOMEM;
		snprintf(err, errlen, "concviz: out of memory starting %d threads; use fewer workers", n);
		goto fail;
	}
	impl->n = n;
	if (e->p.gil) {
		if ((rc = gil_init(&impl->gil, e->p.switch_ms)) < 0) {
			snprintf(err, errlen, "concviz: cannot make the GIL (%s); free some resources",
				 strerror(-rc));
			goto fail;
		}
		impl->use_gil = true;
	}
	for (int k = 0; k < n; k++) {
		char name[32];
		snprintf(name, sizeof(name), "thread %d", k + 1);
		int lane = session_add_lane(s, name, LANE_WORKER);
		if (lane < 0) {
			rc = lane;
			snprintf(err, errlen, "concviz: out of memory adding a lane; use fewer workers");
			goto fail;
		}
		impl->w[k].e = e;
		taskrun_init(&impl->w[k].run, e, (uint32_t)lane, &e->cancel);
		if (impl->use_gil)
			impl->w[k].run.gil = &impl->gil;
	}
	if (e->p.workload == WL_IO)
		io_global_init();
	atomic_init(&impl->alive, n);
	e->impl = impl;
	e->join_fn = threads_join;
	cv_emit(0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	for (int k = 0; k < n; k++) {
		if ((rc = pthread_create(&impl->w[k].thread, NULL, threads_main, &impl->w[k]))) {
			snprintf(err, errlen, "concviz: cannot start thread %d of %d (%s); use fewer workers",
				 k + 1, n, strerror(rc));
			rc = -rc;
			atomic_store(&e->cancel, true);
			threads_join(e);
			e->join_fn = NULL;
			return rc;
		}
		impl->w[k].started = true;
	}
	return 0;
fail:
	if (impl) {
		if (impl->use_gil)
			gil_destroy(&impl->gil);
		taskq_free(impl->q);
		free(impl->w);
		free(impl);
	}
	return rc;
}
