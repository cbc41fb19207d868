/*
 * fdcloser.c - close descriptors on a helper thread, in batches (see
 * fdcloser.h for why and the contract).
 *
 * Two arrays: the owner's batch, filled without a lock, and the queue the
 * helper takes from under the mutex. A flush appends the batch to the
 * queue and signals the helper only when the queue was empty (the helper
 * sleeps only on an empty queue). The helper swaps the queue for an empty
 * array of its own and closes what it took with the lock released.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fdcloser.h"

#define FDCLOSER_MAX_BATCH 256   /* flush by itself past this many */

/* Close n descriptors of fds. */
static void fdcloser_close_all(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

/* The helper: take the queue, close it, until stopped and empty. */
static void *fdcloser_main(void *arg)
{
	struct fdcloser *c = arg;
	int *mine = NULL;
	size_t cap = 0;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (c->nqueue == 0 && !c->stopping)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->nqueue == 0)
			break;   /* stopping, and nothing left */
		int *took = c->queue;
		size_t n = c->nqueue, took_cap = c->capqueue;
		c->queue = mine;   /* the helper's empty array becomes the queue */
		c->capqueue = cap;
		c->nqueue = 0;
		mine = took;
		cap = took_cap;
		pthread_mutex_unlock(&c->mu);
		fdcloser_close_all(took, n);
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	free(mine);
	return NULL;
}

/* Start the helper thread (see fdcloser.h). */
int fdcloser_start(struct fdcloser *c)
{
	sigset_t all, old;

	memset(c, 0, sizeof *c);
	c->made = true;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&c->thread, NULL, fdcloser_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	c->started = rc == 0;
	return -rc;
}

/* Close fd soon (see fdcloser.h). */
void fdcloser_add(struct fdcloser *c, int fd)
{
	if (!c->started) {
		close(fd);
		return;
	}
	if (c->nbatch == c->capbatch) {
		size_t cap = c->capbatch ? c->capbatch * 2 : 64;
		int *p = realloc(c->batch, cap * sizeof *p);
		if (!p) {
			close(fd);
			return;
		}
		c->batch = p;
		c->capbatch = cap;
	}
	c->batch[c->nbatch++] = fd;
	if (c->nbatch >= FDCLOSER_MAX_BATCH)
		fdcloser_flush(c);
}

/* Hand the batch to the helper (see fdcloser.h). */
void fdcloser_flush(struct fdcloser *c)
{
	if (c->nbatch == 0)
		return;
	pthread_mutex_lock(&c->mu);
	bool was_empty = c->nqueue == 0;
	if (c->nqueue + c->nbatch > c->capqueue) {
		size_t cap = c->capqueue ? c->capqueue : 64;
		while (cap < c->nqueue + c->nbatch)
			cap *= 2;
		int *p = realloc(c->queue, cap * sizeof *p);
		if (!p) {
			pthread_mutex_unlock(&c->mu);
			fdcloser_close_all(c->batch, c->nbatch);   /* at once, then */
			c->nbatch = 0;
			return;
		}
		c->queue = p;
		c->capqueue = cap;
	}
	memcpy(c->queue + c->nqueue, c->batch, c->nbatch * sizeof *c->batch);
	c->nqueue += c->nbatch;
	c->nbatch = 0;
	if (was_empty)
		pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* How many descriptors wait for the next flush. */
size_t fdcloser_pending(const struct fdcloser *c)
{
	return c->nbatch;
}

/* Close everything, stop the helper, free (see fdcloser.h). */
void fdcloser_stop(struct fdcloser *c)
{
	if (!c->made)
		return;
	if (c->started) {
		fdcloser_flush(c);
		pthread_mutex_lock(&c->mu);
		c->stopping = true;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->thread, NULL);
		c->started = false;
	}
	fdcloser_close_all(c->batch, c->nbatch);   /* only if the helper never ran */
	c->nbatch = 0;
	free(c->batch);
	free(c->queue);
	c->batch = c->queue = NULL;
	c->capbatch = c->capqueue = c->nqueue = 0;
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	c->made = false;
}
