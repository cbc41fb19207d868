/*
 * gil.h - an emulation of CPython 3's "new GIL" for the threads engine.
 *
 * One lock that a thread must hold to "run Python". A thread that wants it
 * waits up to the switch interval; if the holder has not let go by then
 * (and nobody else got it meanwhile) the waiter sets a drop request. The
 * holder polls gil_drop_requested() at each tick and calls gil_yield(),
 * which releases and then waits until another thread has actually taken
 * the GIL before competing again (forced switching), so the holder cannot
 * take it straight back. The GIL itself emits no events: the engine emits
 * EV_LOCK before waiting and EV_CPU once it holds it.
 */
#ifndef CV_GIL_H
#define CV_GIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct gil {
	pthread_mutex_t mu;
	pthread_cond_t cond;        /* signalled when the GIL is released */
	pthread_cond_t switch_cond; /* broadcast when a thread takes the GIL */
	bool locked;
	int last_holder;            /* id of the latest holder, -1 at first */
	int waiters;                /* threads blocked in gil_acquire */
	uint64_t switches;          /* times the GIL changed hands */
	uint64_t interval_ns;       /* switch interval */
	atomic_int drop_request;    /* the eval breaker: set by a timed-out waiter */
};

/* Initialise g with a switch interval in ms (<= 0: CPython's 5 ms);
 * 0 or a negative errno. */
int gil_init(struct gil *g, double switch_ms);

/* Destroy g; nobody may hold or wait for it. */
void gil_destroy(struct gil *g);

/* Take the GIL without waiting; true when taken. id >= 0 names the thread. */
bool gil_try_acquire(struct gil *g, int id);

/* Take the GIL, waiting as long as needed (setting the drop request after
 * each switch interval in which it did not change hands). */
void gil_acquire(struct gil *g, int id);

/* Release the GIL (the caller holds it). */
void gil_release(struct gil *g);

/* True when a waiter asked the holder to drop the GIL. Cheap; holder only. */
bool gil_drop_requested(struct gil *g);

/* Holder only: release, wait until another thread has taken the GIL (if a
 * drop was requested and someone waits), then take it again. */
void gil_yield(struct gil *g, int id);

/* Return how many times the GIL changed hands. */
uint64_t gil_switches(struct gil *g);

#endif
