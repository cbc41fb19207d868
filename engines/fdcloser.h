/*
 * fdcloser.h - close descriptors on a helper thread, in batches.
 *
 * Closing a loopback TCP connection is not cheap for the closing thread:
 * close() sends the FIN and runs the peer's receive path (its state change,
 * waking its owner) in the caller's system call, about 10 us on a VM whose
 * system calls are dear, and the async engine's one loop thread closes one
 * connection per download. Handed here instead, the descriptors are closed
 * by a helper thread, on another core when there is one: the owner collects
 * them in a batch (no lock) and hands the batch over every few dozen, or
 * when its loop is about to sleep (one lock and at most one wake-up each).
 *
 * A descriptor handed over stays open, and its number taken, until the
 * helper closes it; fdcloser_stop returns only after every one is closed.
 * When the helper cannot be started (or memory runs out), descriptors are
 * closed at once by the caller instead: nothing is ever left open.
 *
 * Threads: fdcloser_add and fdcloser_flush on the owner thread only;
 * start and stop on the owner thread, or before and after it runs.
 */
#ifndef CV_FDCLOSER_H
#define CV_FDCLOSER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct fdcloser {
	int *batch;                /* owner's: collected since the last flush */
	size_t nbatch, capbatch;
	pthread_mutex_t mu;        /* guards queue, nqueue, capqueue, stopping */
	pthread_cond_t cv;
	int *queue;                /* handed over, not yet taken by the helper */
	size_t nqueue, capqueue;
	bool stopping;
	bool started;              /* the helper runs (else: close at once) */
	bool made;                 /* fdcloser_start was called (a zeroed struct: not) */
	pthread_t thread;
};

/* Start the helper thread (with every signal blocked in it). 0, or a
 * negative errno: then every fdcloser_add closes at once, and
 * fdcloser_stop is still to be called. */
int fdcloser_start(struct fdcloser *c);

/* Close fd soon (at the next flush, on the helper). */
void fdcloser_add(struct fdcloser *c, int fd);

/* Hand the batch collected so far to the helper and wake it if needed. */
void fdcloser_flush(struct fdcloser *c);

/* How many descriptors were collected since the last flush. */
size_t fdcloser_pending(const struct fdcloser *c);

/* Close everything handed over or collected, stop the helper, free
 * (nothing for a zeroed struct that was never started). */
void fdcloser_stop(struct fdcloser *c);

#endif
