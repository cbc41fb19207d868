/*
 * gil.c - the emulated GIL: a mutex-protected flag, two condition variables
 * and an atomic drop request, following CPython's ceval_gil.c (take_gil,
 * drop_gil with FORCE_SWITCHING). Timed waits use CLOCK_MONOTONIC. Any
 * thread; every function but gil_init/gil_destroy is thread-safe.
 */
#include <errno.h>
#include <time.h>
#include "clock.h"
#include "gil.h"

#define GIL_DEFAULT_NS (5u * 1000u * 1000u)

/* Initialise g with a switch interval in ms; 0 or a negative errno. */
int gil_init(struct gil *g, double switch_ms)
{
	pthread_condattr_t ca;
	int rc;

	g->locked = false;
	g->last_holder = -1;
	g->waiters = 0;
	g->switches = 0;
	g->interval_ns = switch_ms > 0 ? (uint64_t)(switch_ms * 1e6) : GIL_DEFAULT_NS;
	if (g->interval_ns == 0)
		g->interval_ns = 1;
	atomic_init(&g->drop_request, 0);
	if ((rc = pthread_mutex_init(&g->mu, NULL)))
		return -rc;
	if ((rc = pthread_condattr_init(&ca)))
		goto fail_mu;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if ((rc = pthread_cond_init(&g->cond, &ca)))
		goto fail_ca;
	if ((rc = pthread_cond_init(&g->switch_cond, &ca)))
		goto fail_cond;
	pthread_condattr_destroy(&ca);
	return 0;
fail_cond:
	pthread_cond_destroy(&g->cond);
fail_ca:
	pthread_condattr_destroy(&ca);
fail_mu:
	pthread_mutex_destroy(&g->mu);
	return -rc;
}

/* Destroy g. */
void gil_destroy(struct gil *g)
{
	pthread_cond_destroy(&g->switch_cond);
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->mu);
}

/* Mark the GIL taken by id (mutex held): count a switch, wake a yielder
 * waiting for the hand-over, clear the drop request. */
static void gil_take_locked(struct gil *g, int id)
{
	g->locked = true;
	if (g->last_holder != id) {
		g->last_holder = id;
		g->switches++;
	}
	pthread_cond_broadcast(&g->switch_cond);
	atomic_store_explicit(&g->drop_request, 0, memory_order_relaxed);
}

/* Take the GIL without waiting; true when taken. */
bool gil_try_acquire(struct gil *g, int id)
{
	bool got = false;

	pthread_mutex_lock(&g->mu);
	if (!g->locked) {
		gil_take_locked(g, id);
		got = true;
	}
	pthread_mutex_unlock(&g->mu);
	return got;
}

/* Take the GIL, waiting; after a whole interval without a hand-over the
 * waiter sets the drop request (CPython's take_gil). */
void gil_acquire(struct gil *g, int id)
{
	pthread_mutex_lock(&g->mu);
	g->waiters++;
	while (g->locked) {
		uint64_t seen = g->switches;
		struct timespec dl = clock_deadline(CLOCK_MONOTONIC, g->interval_ns);
		int rc = pthread_cond_timedwait(&g->cond, &g->mu, &dl);
		if (rc == ETIMEDOUT && g->locked && g->switches == seen)
			atomic_store_explicit(&g->drop_request, 1, memory_order_relaxed);
	}
	g->waiters--;
	gil_take_locked(g, id);
	pthread_mutex_unlock(&g->mu);
}

/* Release the GIL and wake one waiter. */
void gil_release(struct gil *g)
{
	pthread_mutex_lock(&g->mu);
	g->locked = false;
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->mu);
}

/* True when a waiter asked the holder to drop the GIL. */
bool gil_drop_requested(struct gil *g)
{
	return atomic_load_explicit(&g->drop_request, memory_order_relaxed) != 0;
}

/* Release, wait for another thread to take the GIL (forced switching), then
 * compete for it again. */
void gil_yield(struct gil *g, int id)
{
	pthread_mutex_lock(&g->mu);
	g->locked = false;
	pthread_cond_signal(&g->cond);
	if (atomic_load_explicit(&g->drop_request, memory_order_relaxed)) {
		while (g->last_holder == id && g->waiters > 0)
			pthread_cond_wait(&g->switch_cond, &g->mu);
	}
	pthread_mutex_unlock(&g->mu);
	gil_acquire(g, id);
}

/* Return how many times the GIL changed hands. */
uint64_t gil_switches(struct gil *g)
{
	pthread_mutex_lock(&g->mu);
	uint64_t n = g->switches;
	pthread_mutex_unlock(&g->mu);
	return n;
}
