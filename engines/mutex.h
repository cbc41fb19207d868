/*
 * mutex.h - the locks of the race and deadlock workloads on lanes that
 * block (seq, threads, procs): a pthread mutex that is process-shared (it
 * lives in memory mapped shared before the workers fork) and robust (a
 * worker killed while holding it does not wedge the run: the next taker
 * gets it), and that reports itself as events on the taking lane:
 * EV_LOCK_TAKE once held, EV_LOCK_WAIT (naming the holder) before a wait,
 * EV_LOCK_FREE before it is released, so that the timeline always knows
 * who holds and who waits (src/core/locks.h). Private to engines/.
 *
 * A wait never blocks for good: it sleeps in slices of MUTEX_SLICE_NS and
 * gives up when the caller's stop flag turns true (the run was cancelled,
 * or the runner found a deadlock) or after max_ns. Any thread or process.
 */
#ifndef CV_MUTEX_H
#define CV_MUTEX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define MUTEX_SLICE_NS (5u * 1000u * 1000u)   /* a waiter looks at its stop flag this often */

struct mutex {
	pthread_mutex_t mu;
	_Atomic uint32_t holder;   /* lane + 1 of the holder, 0 = free: what a waiter names */
	uint32_t id;               /* the lock's id in events (aux) */
};

/* Make m, lock `id`, in place (shared memory); 0 or a negative errno. */
int mutex_init(struct mutex *m, uint32_t id);

/* Destroy m (nobody may wait for it; a holder that died is fine). */
void mutex_destroy(struct mutex *m);

/* Take m for lane/task if it is free (EV_LOCK_TAKE); true when taken. */
bool mutex_try(struct mutex *m, uint32_t lane, uint32_t task);

/* Wait for m (EV_LOCK_WAIT naming its holder, then EV_LOCK_TAKE). Returns
 * 0 when taken, -ECANCELED when *stop turned true first or -ETIMEDOUT after
 * max_ns (m is then not held), or another negative errno. */
int mutex_wait(struct mutex *m, uint32_t lane, uint32_t task, atomic_bool *stop, uint64_t max_ns);

/* Release m, held by lane (EV_LOCK_FREE first). */
void mutex_release(struct mutex *m, uint32_t lane, uint32_t task);

#endif
