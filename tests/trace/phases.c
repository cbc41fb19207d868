/*
 * phases.c - a program with known phases, the tracer's ground truth.
 *
 * Its thread "worker" spends, one after the other: PHASE_MS busy on a CPU
 * (a busy loop for that wall time: a thread CPU clock would not count the
 * time a VM's host takes away, which the tracer, like the guest, sees as
 * running), PHASE_MS asleep (nanosleep),
 * about PHASE_MS blocked on a mutex the main thread holds, and about
 * PHASE_MS blocked reading a pipe the main thread writes to. The main
 * thread ("phases") learns when the worker is about to block (a byte on a
 * second pipe) and releases it PHASE_MS later. Exit status 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "spend.h"

#define PHASE_MS 300

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int to_worker[2], to_main[2];

/* Tell the main thread the worker is about to block. */
static void notify(void)
{
	char c = 'x';
	if (write(to_main[1], &c, 1) != 1)
		exit(1);
}

/* The worker: cpu, sleep, mutex, pipe. */
static void *worker(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "worker");
	spin(PHASE_MS);
	nap(PHASE_MS);
	notify();
	pthread_mutex_lock(&lock);
	pthread_mutex_unlock(&lock);
	notify();
	char c;
	if (read(to_worker[0], &c, 1) != 1)
		exit(1);
	return NULL;
}

int main(void)
{
	pthread_t t;
	char c;
	if (pipe(to_worker) || pipe(to_main))
		return 1;
	pthread_setname_np(pthread_self(), "phases");
	pthread_mutex_lock(&lock);
	if (pthread_create(&t, NULL, worker, NULL))
		return 1;
	if (read(to_main[0], &c, 1) != 1)    /* the worker is about to lock */
		return 1;
	nap(PHASE_MS);
	pthread_mutex_unlock(&lock);
	if (read(to_main[0], &c, 1) != 1)    /* the worker is about to read */
		return 1;
	nap(PHASE_MS);
	if (write(to_worker[1], "x", 1) != 1)
		return 1;
	pthread_join(t, NULL);
	return 0;
}
