/*
 * taskrun.c - one task on one lane: its events, its work, the GIL protocol.
 *
 * Event order on the lane: TASK_BEGIN, then EV_CPU when running (after
 * EV_LOCK if the GIL had to be waited for), a fresh EV_CPU at every cpu tick
 * (a new running slice), EV_IO around a download, and TASK_END / TASK_FAIL.
 * With a GIL, a lane emits EV_CPU only while it holds the GIL and emits the
 * event that ends its running span (EV_LOCK, EV_IO, the task's end) before
 * releasing it, so the CPU spans of two lanes never overlap in time. The
 * GIL is held from the start of a task to its end, except while waiting on
 * I/O and while yielding to a drop request (and, in the race and deadlock
 * workloads, while waiting for a mutex).
 */
#include <errno.h>
#include <signal.h>
#include "emit.h"
#include "race.h"
#include "taskrun.h"

/* Set r up for lane `lane` of e. */
void taskrun_init(struct taskrun *r, const struct engine *e, uint32_t lane, atomic_bool *cancel)
{
	r->e = e;
	r->lane = lane;
	r->task = CV_NO_TASK;
	r->io = NULL;
	r->gil = NULL;
	r->gil_id = (int)lane;
	r->cancel = cancel;
	r->kill_task = -1;
}

/* Give the lane its download client (io runs only), cancelled with the run. */
void taskrun_io_open(struct taskrun *r)
{
	if (r->e->p.workload != WL_IO)
		return;
	r->io = io_client_new(r->e->p.timeout_ms);
	if (r->io)
		io_client_set_cancel(r->io, r->cancel);
}

/* Return the n task i of a cpu run sums below. */
uint64_t taskrun_cpu_n(const struct engine *e, uint32_t i)
{
	return e->p.cpu_base + i;
}

/* Take the GIL (when there is one), emitting EV_LOCK if it must be waited
 * for, then EV_CPU once running. */
void taskrun_unblock(struct taskrun *r)
{
	if (r->gil && !gil_try_acquire(r->gil, r->gil_id)) {
		cv_emit(r->lane, r->task, EV_LOCK, 0, 0, 0);
		gil_acquire(r->gil, r->gil_id);
	}
	cv_emit(r->lane, r->task, EV_CPU, 0, 0, 0);
}

/* Let the GIL go before the lane blocks. */
void taskrun_block(struct taskrun *r)
{
	if (r->gil)
		gil_release(r->gil);
}

/* Emit the task's end (while still holding the GIL), then let the GIL go. */
void taskrun_end(struct taskrun *r, enum ev_kind kind, uint16_t code, uint32_t aux, uint64_t arg)
{
	cv_emit(r->lane, r->task, kind, code, aux, arg);
	taskrun_block(r);
}

/* Yield the GIL if a waiter asked for it (EV_LOCK while it is away, then
 * EV_CPU); true when it did. */
static bool taskrun_yield(struct taskrun *r)
{
	if (!r->gil || !gil_drop_requested(r->gil))
		return false;
	cv_emit(r->lane, r->task, EV_LOCK, 0, 0, 0);
	gil_yield(r->gil, r->gil_id);
	return true;
}

/* A point where the GIL may switch threads. */
void taskrun_gil_point(struct taskrun *r)
{
	if (taskrun_yield(r))
		cv_emit(r->lane, r->task, EV_CPU, 0, 0, 0);
}

/* The tick: stop on cancel; yield the GIL on a drop request; start a
 * fresh running slice. */
bool taskrun_tick(struct taskrun *r)
{
	if (atomic_load_explicit(r->cancel, memory_order_relaxed))
		return true;
	if (taskrun_yield(r) && atomic_load_explicit(r->cancel, memory_order_relaxed))
		return true;
	cv_emit(r->lane, r->task, EV_CPU, 0, 0, 0);
	return false;
}

/* The cpu sum's tick hook: taskrun_tick, nonzero to abort. */
static int taskrun_cpu_tick(void *ctx)
{
	return taskrun_tick(ctx) ? 1 : 0;
}

/* Run a cpu task: the sum, checked against the closed form. */
static int taskrun_cpu(struct taskrun *r, uint32_t i)
{
	uint64_t n = taskrun_cpu_n(r->e, i);
	unsigned __int128 sum;
	uint64_t cpu0 = cpu_thread_ns();

	if (cpu_sum_squares(n, &sum, taskrun_cpu_tick, r)) {
		taskrun_end(r, EV_TASK_FAIL, 0, FAIL_CANCELLED, 0);
		return -ECANCELED;
	}
	if (sum != cpu_sum_squares_closed(n))
		taskrun_end(r, EV_TASK_FAIL, 0, FAIL_OTHER, 0);
	else
		taskrun_end(r, EV_TASK_END, 0, cpu_used_us(cpu0), 0);
	return 0;
}

/* Run an io task: release the GIL while the download is in flight. Its end
 * carries the CPU time the download cost this thread (curl, the kernel's
 * socket work), which the findings weigh against an event loop's. */
static int taskrun_io(struct taskrun *r, uint32_t i)
{
	const char *url = r->e->urls[i % (uint32_t)r->e->nurls];
	struct io_result res = { 0 };
	uint64_t cpu0 = cpu_thread_ns();
	int rc;

	cv_emit(r->lane, r->task, EV_IO, 0, 0, 0);
	taskrun_block(r);
	if (r->io) {
		rc = io_fetch(r->io, url, &res);
	} else {
		res.reason = FAIL_OTHER;
		rc = -1;
	}
	taskrun_unblock(r);
	if (rc == 0)
		taskrun_end(r, EV_TASK_END, res.status, cpu_used_us(cpu0), res.bytes);
	else
		taskrun_end(r, EV_TASK_FAIL, res.status, res.reason ? res.reason : FAIL_OTHER, res.bytes);
	return 0;
}

/* Run task i on r's lane from TASK_BEGIN to its end. */
int taskrun_one(struct taskrun *r, uint32_t i)
{
	int rc;

	r->task = i;
	cv_emit(r->lane, i, EV_TASK_BEGIN, 0, 0, 0);
	taskrun_unblock(r);
	if (r->kill_task == (int64_t)i)
		raise(SIGKILL);
	if (atomic_load_explicit(r->cancel, memory_order_relaxed)) {
		taskrun_end(r, EV_TASK_FAIL, 0, FAIL_CANCELLED, 0);
		rc = -ECANCELED;
	} else if (r->e->p.workload == WL_CPU) {
		rc = taskrun_cpu(r, i);
	} else if (r->e->p.workload == WL_RACE) {
		rc = race_run(r, i);
	} else if (r->e->p.workload == WL_DEADLOCK) {
		rc = deadlock_run(r, i);
	} else {
		rc = taskrun_io(r, i);
	}
	r->task = CV_NO_TASK;
	return rc;
}
