/*
 * mutex.c - a process-shared, robust, timed pthread mutex that reports its
 * takes, waits and releases as events (see mutex.h).
 *
 * Event order is what makes the timeline's picture exact: the take is
 * reported after the mutex is held and the holder recorded, the release
 * before the holder is cleared and the mutex unlocked, so the consumer,
 * which merges producers by time, never sees two holders at once. A waiter
 * names the holder it read (a hint; the timeline prefers the takes).
 */
#include <errno.h>
#include <time.h>
#include "clock.h"
#include "emit.h"
#include "mutex.h"

/* Make m in place: process-shared, robust. */
int mutex_init(struct mutex *m, uint32_t id)
{
	pthread_mutexattr_t a;
	int rc = pthread_mutexattr_init(&a);
	if (rc)
		return -rc;
	if (!(rc = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED)) &&
	    !(rc = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST)))
		rc = pthread_mutex_init(&m->mu, &a);
	pthread_mutexattr_destroy(&a);
	atomic_init(&m->holder, 0);
	m->id = id;
	return -rc;
}

/* Destroy m. */
void mutex_destroy(struct mutex *m)
{
	pthread_mutex_destroy(&m->mu);
}

/* Finish taking m (its last holder may have died holding it): record the
 * holder, then report the take. */
static void mutex_taken(struct mutex *m, int rc, uint32_t lane, uint32_t task)
{
	if (rc == EOWNERDEAD)
		pthread_mutex_consistent(&m->mu);
	atomic_store_explicit(&m->holder, lane + 1, memory_order_relaxed);
	cv_emit(lane, task, EV_LOCK_TAKE, 0, m->id, 0);
}

/* Take m if it is free. */
bool mutex_try(struct mutex *m, uint32_t lane, uint32_t task)
{
	int rc = pthread_mutex_trylock(&m->mu);
	if (rc != 0 && rc != EOWNERDEAD)
		return false;
	mutex_taken(m, rc, lane, task);
	return true;
}

/* Wait for m, a slice at a time, until taken, stopped or max_ns passed. */
int mutex_wait(struct mutex *m, uint32_t lane, uint32_t task, atomic_bool *stop, uint64_t max_ns)
{
	uint64_t start = clock_ns();
	cv_emit(lane, task, EV_LOCK_WAIT, 0, m->id,
		atomic_load_explicit(&m->holder, memory_order_relaxed));
	for (;;) {
		if (stop && atomic_load_explicit(stop, memory_order_relaxed))
			return -ECANCELED;
		if (clock_ns() - start >= max_ns)
			return -ETIMEDOUT;
		struct timespec dl = clock_deadline(CLOCK_REALTIME, MUTEX_SLICE_NS);
		int rc = pthread_mutex_timedlock(&m->mu, &dl);
		if (rc == 0 || rc == EOWNERDEAD) {
			mutex_taken(m, rc, lane, task);
			return 0;
		}
		if (rc != ETIMEDOUT && rc != EINTR)
			return -rc;
	}
}

/* Release m, held by lane. */
void mutex_release(struct mutex *m, uint32_t lane, uint32_t task)
{
	cv_emit(lane, task, EV_LOCK_FREE, 0, m->id, 0);
	atomic_store_explicit(&m->holder, 0, memory_order_relaxed);
	pthread_mutex_unlock(&m->mu);
}
