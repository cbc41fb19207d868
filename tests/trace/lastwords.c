/*
 * lastwords.c - threads whose last act is a task: ROUNDS rounds of BATCH
 * threads, each asleep 1-7 ms, then task "last N" (begun and ended at
 * once), then gone; the main thread ends the same way ("main last"). The
 * ground truth of a thread's end: the tracer finds a thread gone some time
 * into a tick, after the thread may have reported work, and its lane must
 * not end before that work. Prints one line; exit status 0.
 */
#include <pthread.h>
#include <stdio.h>
#include "concviz.h"
#include "spend.h"

#define ROUNDS 10
#define BATCH 20

/* A short-lived thread: a nap, then its last task. */
static void *brief(void *arg)
{
	long i = (long)arg;
	char name[32];
	nap(1 + i % 7);
	snprintf(name, sizeof name, "last %ld", i);
	cvz_task_end(cvz_task_begin(name));
	return NULL;
}

int main(void)
{
	pthread_t t[BATCH];
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++)
			if (pthread_create(&t[i], NULL, brief, (void *)(long)(r * BATCH + i)))
				return 1;
		for (int i = 0; i < BATCH; i++)
			pthread_join(t[i], NULL);
	}
	cvz_task_end(cvz_task_begin("main last"));
	printf("lastwords: %d threads\n", ROUNDS * BATCH);
	return 0;
}
