/*
 * uvloop.c - the libuv loop scaffolding the async engines share: loop lane
 * bookkeeping, poll marks, the cancel wake, start and close (see uvloop.h).
 */
#include <signal.h>
#include "emit.h"
#include "uvloop.h"

/* Emit the loop lane's state unless unchanged. */
void uvloop_lane(struct uvloop *u, enum ev_kind kind, uint32_t task)
{
	if (u->lane_ended || (u->lane_kind == kind && u->lane_task == task))
		return;
	u->lane_kind = (uint16_t)kind;
	u->lane_task = task;
	cv_emit(0, task, kind, 0, 0, 0);
}

/* on_uv_prepare: the loop is about to block in poll (a new iteration). */
static void on_uv_prepare(uv_prepare_t *h)
{
	struct uvloop *u = h->data;
	if (u->before_poll)
		u->before_poll(u->data);
	uvloop_lane(u, EV_POLL, CV_NO_TASK);
}

/* on_uv_check: the loop came back from poll and runs callbacks. */
static void on_uv_check(uv_check_t *h)
{
	struct uvloop *u = h->data;
	if (u->lane_kind == EV_POLL)
		uvloop_lane(u, EV_CALLBACK, CV_NO_TASK);
}

/* Close a handle of the loop (uv_walk callback). */
static void uvloop_close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Make the loop and its handles (see uvloop.h). */
int uvloop_init(struct uvloop *u, uv_async_cb on_wake, void *data)
{
	u->lane_kind = EV_NONE;
	u->lane_task = CV_NO_TASK;
	u->data = data;
	if (!u->lock_made) {
		pthread_mutex_init(&u->wake_lock, NULL);
		u->lock_made = true;
	}
	int rc = uv_loop_init(&u->loop);
	if (rc < 0)
		return rc;
	uv_prepare_init(&u->loop, &u->prepare);
	uv_check_init(&u->loop, &u->check);
	u->prepare.data = u->check.data = u;
	u->wake.data = data;
	if ((rc = uv_async_init(&u->loop, &u->wake, on_wake)) < 0) {
		uvloop_teardown(u);
		return rc;
	}
	u->wake_open = true;
	/* These stay referenced: the loop lives until uvloop_close_all, so a
	 * cancel is always heard. */
	uv_prepare_start(&u->prepare, on_uv_prepare);
	uv_check_start(&u->check, on_uv_check);
	return 0;
}

/* Emit the run's start: the mark, the loop lane, the task lanes queued. */
void uvloop_begin(struct uvloop *u, uint32_t ntasks)
{
	cv_emit(0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	cv_emit(0, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
	u->lane_kind = EV_CALLBACK;
	u->lane_task = CV_NO_TASK;
	cv_emit(0, CV_NO_TASK, EV_CALLBACK, 0, 0, 0);
	for (uint32_t i = 0; i < ntasks; i++) {
		cv_emit(i + 1, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
		cv_emit(i + 1, i, EV_TASK_QUEUED, 0, 0, 0);
	}
}

/* Wake the loop; any thread. */
void uvloop_wake(struct uvloop *u)
{
	pthread_mutex_lock(&u->wake_lock);
	if (u->wake_open)
		uv_async_send(&u->wake);
	pthread_mutex_unlock(&u->wake_lock);
}

/* End the loop lane and stop wakes. */
void uvloop_end_lane(struct uvloop *u)
{
	cv_emit(0, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	u->lane_ended = true;
	pthread_mutex_lock(&u->wake_lock);
	u->wake_open = false;
	pthread_mutex_unlock(&u->wake_lock);
}

/* Close every handle of the loop. */
void uvloop_close_all(struct uvloop *u)
{
	uv_walk(&u->loop, uvloop_close_walk, u);
}

/* Run the loop until every handle is closed, then close it. */
void uvloop_run(struct uvloop *u)
{
	uv_run(&u->loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&u->loop) == UV_EBUSY) {
		uvloop_close_all(u);
		uv_run(&u->loop, UV_RUN_DEFAULT);
		uv_loop_close(&u->loop);
	}
}

/* Close every handle and the loop, whose thread never ran. */
void uvloop_teardown(struct uvloop *u)
{
	uvloop_close_all(u);
	uv_run(&u->loop, UV_RUN_DEFAULT);
	uv_loop_close(&u->loop);
}

/* Start the loop thread with every signal blocked in it. */
int uvloop_spawn(struct uvloop *u, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&u->thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	u->thread_started = rc == 0;
	return rc;
}

/* Wait for the loop thread, if it was started. */
void uvloop_join(struct uvloop *u)
{
	if (u->thread_started)
		pthread_join(u->thread, NULL);
	u->thread_started = false;
}

/* Free the wake lock. */
void uvloop_free(struct uvloop *u)
{
	if (u->lock_made)
		pthread_mutex_destroy(&u->wake_lock);
	u->lock_made = false;
}
