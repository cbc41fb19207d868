/*
 * uvloop.h - what the async engines share around their libuv loop: the
 * loop lane (lane 0, "loop": EV_POLL while libuv blocks in poll, EV_CALLBACK
 * naming the task whose callback runs, emitted only when it changes), the
 * prepare and check handles that mark the poll, the wake handle through
 * which engine_cancel reaches the loop (never sent to once closing), the
 * lanes' start, and closing it all. engine_async.c (downloads, sums) and
 * async_race.c (race, deadlock) each embed one. Private to engines/.
 *
 * Threads: uvloop_wake from any thread; everything else on the loop thread,
 * or on the starting thread before the loop thread exists.
 */
#ifndef CV_UVLOOP_H
#define CV_UVLOOP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "event.h"

struct uvloop {
	uv_loop_t loop;
	uv_prepare_t prepare;      /* just before poll: EV_POLL */
	uv_check_t check;          /* just after poll: EV_CALLBACK */
	uv_async_t wake;           /* engine_cancel */
	pthread_mutex_t wake_lock;
	bool lock_made;            /* wake_lock exists */
	bool wake_open;            /* wake may be sent to (under wake_lock) */
	uint16_t lane_kind;        /* the loop lane's state, to emit only changes */
	uint32_t lane_task;
	bool lane_ended;
	void (*before_poll)(void *data); /* prepare calls it first (or NULL) */
	void *data;                /* the engine's context: .data of the wake handle */
	pthread_t thread;          /* the loop thread */
	bool thread_started;
};

/* Make the loop, its prepare and check handles (started) and the wake
 * handle (on_wake with h->data = data). 0, or a negative errno with nothing
 * left open (uvloop_free still frees the lock). */
int uvloop_init(struct uvloop *u, uv_async_cb on_wake, void *data);

/* Emit the loop lane's state kind (EV_POLL, EV_CALLBACK) for task, unless
 * that is its state already. */
void uvloop_lane(struct uvloop *u, enum ev_kind kind, uint32_t task);

/* Emit the run's start: MARK_RUN_BEGIN, the loop lane (running callbacks),
 * then lanes 1..ntasks started, each with its task queued. */
void uvloop_begin(struct uvloop *u, uint32_t ntasks);

/* Wake the loop (any thread); nothing once uvloop_end_lane was called. */
void uvloop_wake(struct uvloop *u);

/* End the loop lane (after the run's end was emitted) and stop wakes. */
void uvloop_end_lane(struct uvloop *u);

/* Close every handle of the loop, so that uv_run returns. */
void uvloop_close_all(struct uvloop *u);

/* Run the loop until every handle is closed, then close it. */
void uvloop_run(struct uvloop *u);

/* Close every handle and the loop, whose thread never ran. */
void uvloop_teardown(struct uvloop *u);

/* Start the loop thread running fn(arg), with every signal blocked in it
 * (signals belong to the main thread); 0 or a positive errno. */
int uvloop_spawn(struct uvloop *u, void *(*fn)(void *), void *arg);

/* Wait for the loop thread, if it was started. */
void uvloop_join(struct uvloop *u);

/* Free the wake lock (the loop is closed, or was never made). */
void uvloop_free(struct uvloop *u);

#endif
