/*
 * engine_async.c - the async mode: one libuv loop thread drives every task.
 *
 * io: all downloads go through one curl multi handle in its socket mode, the
 * wiring of curl's docs/examples/multi-uv.c: curl tells us which sockets to
 * watch (cb_socket -> sockset_watch / sockset_forget) and when to call it
 * back (cb_timer -> one uv_timer); the loop tells curl what happened
 * (on_sock, on_uv_timer -> curl_multi_socket_action), and finished
 * transfers are read with curl_multi_info_read (async_check_done). One
 * context, struct async, is the user pointer of every callback and the
 * .data of every handle. At most `limit` transfers are in flight (params
 * workers; 0 = all tasks); the rest wait queued and start as others finish.
 * Transfers start ASYNC_BATCH per loop iteration (a uv_idle "ramp"), so
 * with thousands in flight the first answers are served while later
 * transfers still connect.
 *
 * Costs, measured on 2 shared cores (a VM whose system calls and page
 * faults are dear): ~100 us of loop-thread CPU per transfer, about half of
 * it in the kernel (loopback connect, send and recv run the origin's side
 * of the TCP work in our thread), a quarter in curl. Three choices keep the
 * rest down:
 *  - the sockets are watched through one epoll set that libuv polls as a
 *    single handle (sockset.c), not a uv_poll each: a socket costs two
 *    epoll_ctl calls instead of seven and an ioctl (~12% of the loop);
 *  - curl closes its sockets through cb_close_socket, which hands them to a
 *    closer thread (fdcloser.c) in batches, before each poll that may sleep
 *    or every ASYNC_CLOSE_BATCH: close() runs the FIN through both ends of
 *    the connection, ~10 us each, now on the other core;
 *  - with everything in flight no connection can be reused, so transfers
 *    skip curl's connection-cache search and close their connection when
 *    done: both are linear in the open connections and made 10,000
 *    transfers several times slower.
 *
 * cpu: every task is a uv_idle callback on the loop thread that computes a
 * whole sum, so one running task blocks the loop and every other task: the
 * lesson of a CPU-bound callback on an event loop.
 *
 * Lanes: 0 "loop", 1..T "task i". A task lane shows LANE_START, QUEUED,
 * then TASK_BEGIN + IO (or CPU) when its transfer starts, TASK_END/FAIL and
 * LANE_END. The loop lane shows POLL while libuv blocks (uv_prepare runs just
 * before) and CALLBACK while callbacks run (uv_check just after poll, and the
 * poll/timer/transfer callbacks themselves, naming the task when known).
 * Every event of every lane is emitted by the loop thread, so lanes stay in
 * time order.
 *
 * Cancel: engine_cancel -> uv_async_send; the loop fails in-flight tasks as
 * FAIL_CANCELLED and ends queued lanes without starting them. A running cpu
 * task notices the cancel flag at its next tick. At the end the loop thread
 * closes every handle, cleans up curl, waits for the closer to have closed
 * every socket and sets e->finished; async_join joins it and frees the rest.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>
#include "emit.h"
#include "engine.h"
#include "fdcloser.h"
#include "io_curl.h"
#include "sockset.h"
#include "uvloop.h"
#include "workload.h"

enum { TS_QUEUED = 0, TS_RUNNING = 1, TS_ENDED = 2 };

#define ASYNC_BATCH 16   /* transfers started per loop iteration (measured best) */
#define ASYNC_CLOSE_BATCH 64   /* sockets handed to the closer at once while busy */

struct async;

/* One transfer slot: an easy handle reused by successive tasks. */
struct async_xfer {
	CURL *easy;
	uint32_t task;
	uint64_t bytes;
	struct async *a;
	struct async_xfer *next_free;
	char errbuf[CURL_ERROR_SIZE];
};

struct async {
	struct engine *e;
	struct uvloop u;          /* the loop, the loop lane, the cancel wake */
	struct sockset ss;        /* io: the sockets curl asked us to watch */
	struct fdcloser closer;   /* io: closes curl's sockets off the loop thread */
	uv_timer_t timer;         /* curl's timeout */
	uv_idle_t idle;           /* cpu: one task per callback; io: ramp-up */
	CURLM *multi;
	uint32_t ntasks, limit;
	uint32_t next;            /* next task to start */
	uint32_t ended;           /* task lanes ended */
	uint8_t *tstate;          /* TS_* per task */
	int8_t *loopback;         /* io: io_url_is_loopback of each URL */
	struct async_xfer **xfers;/* slots made so far (at most limit) */
	uint32_t nxfers;
	struct async_xfer *free_xfers;
	bool finishing;
	uint32_t batch_left;      /* transfers this loop iteration may still start */
};

/* Emit a loop-lane state (EV_POLL / EV_CALLBACK for task) unless unchanged. */
static void async_lane(struct async *a, enum ev_kind kind, uint32_t task)
{
	uvloop_lane(&a->u, kind, task);
}

/* End task i's lane with its final event (kind END or FAIL). */
static void async_task_end(struct async *a, uint32_t i, enum ev_kind kind, uint16_t status,
			   uint32_t reason, uint64_t bytes)
{
	if (a->tstate[i] == TS_RUNNING)
		cv_emit(i + 1, i, kind, status, reason, bytes);
	cv_emit(i + 1, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	a->tstate[i] = TS_ENDED;
	a->ended++;
}

static void on_uv_ramp(uv_idle_t *h);
static void async_check_done(struct async *a);

/* cb_socket: curl wants socket s watched for `what` (or forgotten). */
static int cb_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct async *a = userp;
	struct async_xfer *x = NULL;
	(void)socketp;

	if (what == CURL_POLL_REMOVE) {
		sockset_forget(&a->ss, s);
		return 0;
	}
	uint32_t task = CV_NO_TASK;
	if (easy && curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x) == CURLE_OK && x)
		task = x->task;
	int events = 0;
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		events |= SOCKSET_IN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		events |= SOCKSET_OUT;
	return sockset_watch(&a->ss, s, events, task) < 0 ? -1 : 0;
}

/* curl's close function for its sockets: out of the set, and closed by
 * the closer thread (handed over before the next poll). */
static int cb_close_socket(void *clientp, curl_socket_t s)
{
	struct async *a = clientp;
	sockset_closing(&a->ss, s);
	fdcloser_add(&a->closer, s);
	return 0;
}

/* on_sock: a watched socket is ready; tell curl, then reap transfers. */
static void on_sock(void *data, int fd, int events, uint32_t task)
{
	struct async *a = data;
	int flags = 0, running;

	if (events & SOCKSET_ERR)
		flags = CURL_CSELECT_ERR;
	if (events & SOCKSET_IN)
		flags |= CURL_CSELECT_IN;
	if (events & SOCKSET_OUT)
		flags |= CURL_CSELECT_OUT;
	async_lane(a, EV_CALLBACK, task);
	curl_multi_socket_action(a->multi, fd, flags, &running);
	async_check_done(a);
}

/* on_uv_timer: curl's timeout expired; let it act, then reap transfers. */
static void on_uv_timer(uv_timer_t *h)
{
	struct async *a = h->data;
	int running;

	async_lane(a, EV_CALLBACK, CV_NO_TASK);
	curl_multi_socket_action(a->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	async_check_done(a);
}

/* cb_timer: curl wants to be called back in timeout_ms (-1: never). */
static int cb_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct async *a = userp;
	(void)multi;
	if (timeout_ms < 0) {
		uv_timer_stop(&a->timer);
		return 0;
	}
	/* 0 means "as soon as possible", but not from inside this callback. */
	return uv_timer_start(&a->timer, on_uv_timer, timeout_ms ? (uint64_t)timeout_ms : 1, 0) < 0
		       ? -1 : 0;
}

/* curl write callback: count the body (the loop runs this task's callback). */
static size_t cb_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct async_xfer *x = user;
	(void)data;
	async_lane(x->a, EV_CALLBACK, x->task);
	x->bytes += (uint64_t)size * nmemb;
	return size * nmemb;
}

/* Take a free transfer slot, making one (and its easy handle) if needed. */
static struct async_xfer *async_xfer_get(struct async *a)
{
	struct async_xfer *x = a->free_xfers;
	if (x) {
		a->free_xfers = x->next_free;
		return x;
	}
	if (a->nxfers >= a->limit)
		return NULL;
	x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->a = a;
	x->task = CV_NO_TASK;
	x->easy = curl_easy_init();
	if (!x->easy || io_easy_configure(x->easy, a->e->p.timeout_ms, &x->bytes, x->errbuf) < 0) {
		if (x->easy)
			curl_easy_cleanup(x->easy);
		free(x);
		return NULL;
	}
	/* The body goes to cb_body with the slot itself, not to io.c's counter. */
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, cb_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, (void *)x);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, (void *)x);
	curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETFUNCTION, cb_close_socket);
	curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETDATA, (void *)a);
	if (a->limit >= a->ntasks) {
		/* Every task has its own slot, so no connection can ever be reused:
		 * skip curl's search of the connection cache (linear in the
		 * connections open to the host, quadratic over a run of thousands)
		 * and close each connection when its transfer ends (kept in the
		 * cache instead, they cost curl more time per transfer still). */
		curl_easy_setopt(x->easy, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(x->easy, CURLOPT_FORBID_REUSE, 1L);
	}
	a->xfers[a->nxfers++] = x;
	return x;
}

/* Start queued io tasks while fewer than limit are in flight, at most
 * ASYNC_BATCH per loop iteration (on_uv_prepare refills the budget): when
 * more wait, the ramp idle handle calls again on the next iteration, so
 * connecting thousands of transfers interleaves with serving those already
 * connected instead of stalling them (and the 100 ms waits overlap the
 * ramp). A task whose transfer cannot be set up fails at once (FAIL_OTHER). */
static void async_io_fill(struct async *a)
{
	while (a->next < a->ntasks && !a->finishing &&
	       !atomic_load_explicit(&a->e->cancel, memory_order_relaxed)) {
		if (a->batch_left == 0) {
			uv_idle_start(&a->idle, on_uv_ramp);
			return;
		}
		struct async_xfer *x = async_xfer_get(a);
		if (!x)
			break;   /* limit reached (or out of memory: retried as slots free) */
		uint32_t i = a->next++;
		const char *url = a->e->urls[i % (uint32_t)a->e->nurls];
		x->task = i;
		x->bytes = 0;
		x->errbuf[0] = '\0';
		a->tstate[i] = TS_RUNNING;
		cv_emit(i + 1, i, EV_TASK_BEGIN, 0, 0, 0);
		cv_emit(i + 1, i, EV_IO, 0, 0, 0);
		a->batch_left--;
		int loopback = a->loopback ? a->loopback[i % (uint32_t)a->e->nurls] : -1;
		if (io_easy_set_url(x->easy, url, loopback) < 0 ||
		    curl_multi_add_handle(a->multi, x->easy) != CURLM_OK) {
			async_task_end(a, i, EV_TASK_FAIL, 0, FAIL_OTHER, 0);
			x->next_free = a->free_xfers;
			a->free_xfers = x;
		}
	}
	uv_idle_stop(&a->idle);
}

/* on_uv_ramp: start the next batch of transfers and let curl connect them
 * now (calling curl here is allowed: this is not one of curl's callbacks). */
static void on_uv_ramp(uv_idle_t *h)
{
	struct async *a = h->data;
	int running;

	async_lane(a, EV_CALLBACK, CV_NO_TASK);
	async_io_fill(a);
	if (a->multi)
		curl_multi_socket_action(a->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	async_check_done(a);
}

static void async_finish(struct async *a);

/* check_multi_info: end every finished transfer, start queued ones, and
 * finish the run when every task has ended. */
static void async_check_done(struct async *a)
{
	CURLMsg *m;
	int pending;

	while ((m = curl_multi_info_read(a->multi, &pending))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		CURL *easy = m->easy_handle;
		CURLcode code = m->data.result;   /* valid only until the next curl call */
		struct async_xfer *x = NULL;
		long status = 0;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
		curl_multi_remove_handle(a->multi, easy);
		async_lane(a, EV_CALLBACK, x->task);
		struct io_result r = { 0 };
		r.bytes = x->bytes;
		snprintf(r.msg, sizeof r.msg, "%.*s", (int)sizeof r.msg - 1, x->errbuf);
		io_classify((int)code, status, &r);
		if (r.reason == FAIL_NONE)
			async_task_end(a, x->task, EV_TASK_END, r.status, FAIL_NONE, r.bytes);
		else
			async_task_end(a, x->task, EV_TASK_FAIL, r.status, r.reason, r.bytes);
		x->next_free = a->free_xfers;
		a->free_xfers = x;
	}
	async_io_fill(a);
	if (a->ended == a->ntasks)
		async_finish(a);
}

/* cpu tick: abort the sum when the run is cancelled. */
static int async_cpu_tick(void *ctx)
{
	struct async *a = ctx;
	return atomic_load_explicit(&a->e->cancel, memory_order_relaxed) ? 1 : 0;
}

/* on_uv_idle: run the next cpu task whole, on the loop thread. */
static void on_uv_idle(uv_idle_t *h)
{
	struct async *a = h->data;
	if (a->next >= a->ntasks || atomic_load(&a->e->cancel)) {
		uv_idle_stop(h);
		return;
	}
	uint32_t i = a->next++;
	uint64_t n = a->e->p.cpu_base + i;
	unsigned __int128 sum = 0;

	async_lane(a, EV_CALLBACK, i);
	a->tstate[i] = TS_RUNNING;
	cv_emit(i + 1, i, EV_TASK_BEGIN, 0, 0, 0);
	cv_emit(i + 1, i, EV_CPU, 0, 0, 0);
	uint64_t cpu0 = cpu_thread_ns();
	if (cpu_sum_squares(n, &sum, async_cpu_tick, a))
		async_task_end(a, i, EV_TASK_FAIL, 0, FAIL_CANCELLED, 0);
	else if (sum != cpu_sum_squares_closed(n))
		async_task_end(a, i, EV_TASK_FAIL, 0, FAIL_OTHER, 0);
	else   /* aux: the CPU time the task really used, in us */
		async_task_end(a, i, EV_TASK_END, 0, cpu_used_us(cpu0), 0);
	if (a->ended == a->ntasks)
		async_finish(a);
}

/* Before each poll (a new loop iteration): a new budget of transfers; the
 * sockets curl closed go to the closer thread by ASYNC_CLOSE_BATCH (each
 * hand-over may wake it, which costs the loop thread), or all of them when
 * the poll may sleep. */
static void async_before_poll(void *data)
{
	struct async *a = data;
	a->batch_left = ASYNC_BATCH;
	if (fdcloser_pending(&a->closer) >= ASYNC_CLOSE_BATCH || uv_backend_timeout(&a->u.loop) != 0)
		fdcloser_flush(&a->closer);
}

/* on_uv_wake: engine_cancel was called: fail what runs, drop what waits. */
static void on_uv_wake(uv_async_t *h)
{
	struct async *a = h->data;
	if (a->finishing || !atomic_load(&a->e->cancel))
		return;
	async_lane(a, EV_CALLBACK, CV_NO_TASK);
	for (uint32_t k = 0; k < a->nxfers; k++) {
		struct async_xfer *x = a->xfers[k];
		if (x->task != CV_NO_TASK && a->tstate[x->task] == TS_RUNNING) {
			curl_multi_remove_handle(a->multi, x->easy);
			async_task_end(a, x->task, EV_TASK_FAIL, 0, FAIL_CANCELLED, x->bytes);
		}
	}
	for (uint32_t i = 0; i < a->ntasks; i++)
		if (a->tstate[i] == TS_QUEUED)
			async_task_end(a, i, EV_TASK_FAIL, 0, FAIL_CANCELLED, 0);
	async_finish(a);
}

/* Every task has ended: end the loop lane, clean up curl (its sockets are
 * closed through cb_socket) and close our handles so uv_run returns. */
static void async_finish(struct async *a)
{
	if (a->finishing)
		return;
	a->finishing = true;
	engine_mark_end(a->e);
	uvloop_end_lane(&a->u);
	if (a->multi) {
		curl_multi_cleanup(a->multi);
		a->multi = NULL;
	}
	uvloop_close_all(&a->u);
}

/* The loop thread: emit the lanes' starts, start the first tasks, run. */
static void *async_main(void *arg)
{
	struct async *a = arg;
	struct engine *e = a->e;

	uvloop_begin(&a->u, a->ntasks);
	if (a->ntasks == 0)
		async_finish(a);
	else if (e->p.workload == WL_CPU)
		uv_idle_start(&a->idle, on_uv_idle);
	else
		async_check_done(a);   /* starts the first transfers */
	uvloop_run(&a->u);
	for (uint32_t k = 0; k < a->nxfers; k++)
		curl_easy_cleanup(a->xfers[k]->easy);
	fdcloser_stop(&a->closer);   /* every socket closed before the run is over */
	atomic_store(&e->finished, true);
	return NULL;
}

/* cancel_fn: wake the loop so it cancels (engine_cancel set e->cancel). */
static void async_cancel(struct engine *e)
{
	struct async *a = e->impl;
	uvloop_wake(&a->u);
}

/* Free everything of a (after the loop thread is gone or never started). */
static void async_free(struct async *a)
{
	for (uint32_t k = 0; k < a->nxfers; k++)
		free(a->xfers[k]);
	free(a->xfers);
	free(a->tstate);
	free(a->loopback);
	fdcloser_stop(&a->closer);
	sockset_free(&a->ss);
	uvloop_free(&a->u);
	free(a);
}

/* join_fn: wait for the loop thread, then free the engine's state. */
static void async_join(struct engine *e)
{
	struct async *a = e->impl;
	if (!a)
		return;
	uvloop_join(&a->u);
	async_free(a);
	e->impl = NULL;
}

/* Raise the open-file limit to its hard maximum: every transfer in flight
 * holds a socket (and the embedded origin another). */
static void async_raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Undo a half-made loop: clean up curl, close every handle, close the loop
 * (the thread never ran, so nothing else touches them). */
static void async_loop_teardown(struct async *a)
{
	if (a->multi)
		curl_multi_cleanup(a->multi);
	a->multi = NULL;
	uvloop_teardown(&a->u);
}

/* Set up the loop, its handles and the multi handle (on the caller's thread,
 * before the loop thread exists). Returns 0 or a negative errno. */
static int async_setup(struct async *a)
{
	int rc = uvloop_init(&a->u, on_uv_wake, a);
	if (rc < 0)
		return rc;
	a->u.before_poll = async_before_poll;
	uv_timer_init(&a->u.loop, &a->timer);
	uv_idle_init(&a->u.loop, &a->idle);
	a->timer.data = a->idle.data = a;
	if (a->e->p.workload == WL_IO) {
		fdcloser_start(&a->closer);   /* without it sockets close at once */
		rc = sockset_init(&a->ss, &a->u.loop, on_sock, a);
		if (rc == 0 && !(a->multi = curl_multi_init()))
			rc = -ENOMEM;
	}
	if (a->multi) {
		curl_multi_setopt(a->multi, CURLMOPT_SOCKETFUNCTION, cb_socket);
		curl_multi_setopt(a->multi, CURLMOPT_SOCKETDATA, a);
		curl_multi_setopt(a->multi, CURLMOPT_TIMERFUNCTION, cb_timer);
		curl_multi_setopt(a->multi, CURLMOPT_TIMERDATA, a);
		curl_multi_setopt(a->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
		curl_multi_setopt(a->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
		curl_multi_setopt(a->multi, CURLMOPT_MAXCONNECTS, (long)a->limit);
	}
	if (rc < 0)
		async_loop_teardown(a);
	return rc;
}

/* Start the async mode: lanes "loop" and "task 1".."task T", then the loop
 * thread. Returns 0, or a negative errno with a one-line message in err and
 * nothing left running. */
int async_start(struct engine *e, struct session *s, char *err, size_t errlen)
{
	uint32_t ntasks = e->p.tasks > 0 ? (uint32_t)e->p.tasks : 0;
	int limit = params_workers(&e->p);
	int rc;

	if (e->p.workload == WL_IO)
		io_global_init();
	async_raise_nofile();
	struct async *a = calloc(1, sizeof *a);
	if (!a) {
		snprintf(err, errlen, "concviz: out of memory starting the event loop; use fewer tasks");
		return -ENOMEM;
	}
	a->e = e;
	a->ntasks = ntasks;
	a->limit = limit > 0 && (uint32_t)limit < ntasks ? (uint32_t)limit : (ntasks ? ntasks : 1);
	a->batch_left = ASYNC_BATCH;
	a->tstate = calloc(ntasks ? ntasks : 1, 1);
	a->xfers = calloc(a->limit, sizeof *a->xfers);
	if (e->p.workload == WL_IO && e->nurls > 0) {
		a->loopback = calloc((size_t)e->nurls, 1);
		for (int k = 0; a->loopback && k < e->nurls; k++)
			a->loopback[k] = (int8_t)io_url_is_loopback(e->urls[k]);
	}
	if (!a->tstate || !a->xfers) {
		async_free(a);
		snprintf(err, errlen, "concviz: out of memory for %u async tasks; use fewer tasks", ntasks);
		return -ENOMEM;
	}
	rc = session_add_lane(s, "loop", LANE_LOOP);
	for (uint32_t i = 0; rc >= 0 && i < ntasks; i++) {
		char name[32];
		snprintf(name, sizeof name, "task %u", i + 1);
		rc = session_add_lane(s, name, LANE_TASK);
	}
	if (rc < 0) {
		async_free(a);
		snprintf(err, errlen, "concviz: out of memory naming %u lanes; use fewer tasks", ntasks + 1);
		return rc;
	}
	if ((rc = async_setup(a)) < 0) {
		async_free(a);
		snprintf(err, errlen, "concviz: cannot set up the event loop (%s); check the open-file limit",
			 uv_strerror(rc));
		return rc;
	}
	e->impl = a;
	e->cancel_fn = async_cancel;
	e->join_fn = async_join;
	/* The loop thread takes no signals: they belong to the main thread. */
	rc = uvloop_spawn(&a->u, async_main, a);
	if (rc != 0) {
		async_loop_teardown(a);
		async_free(a);
		e->impl = NULL;
		e->cancel_fn = NULL;
		e->join_fn = NULL;
		snprintf(err, errlen, "concviz: cannot start the event loop thread (%s); retry",
			 strerror(rc));
		return -rc;
	}
	return 0;
}
