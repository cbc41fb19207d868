/*
 * tasks.c - a program that reports its tasks through concviz.h, with known
 * phases: the ground truth of the SDK in `concviz trace`.
 *
 * Thread "sleeper": task "nap" (PHASE_MS asleep), then task "declared io"
 * (busy on the CPU for PHASE_MS of wall time inside cvz_state(CVZ_IO):
 * drawn as I/O, not as the running it is), then a mark "sleeper done".
 * Thread "cruncher": three tasks "crunch N" of PHASE_MS / 3 of CPU time
 * each. The main thread runs task "main work" (PHASE_MS of CPU time) while
 * they run, joins them, then begins "left open" and exits inside it
 * (concviz cancels it). Prints one line; exit status 0. Built like the
 * tracer's other helpers, with the header's folder on the include path and
 * no library.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "concviz.h"
#include "spend.h"

#define PHASE_MS 300

/* The sleeper: a nap, then CPU work it declares as I/O, then a mark. */
static void *sleeper(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "sleeper");
	uint64_t t = cvz_task_begin("nap");
	nap(PHASE_MS);
	cvz_task_end(t);
	t = cvz_task_begin("declared io");
	cvz_state(CVZ_IO);
	spin(PHASE_MS);
	cvz_state(CVZ_AUTO);
	cvz_task_end(t);
	cvz_mark("sleeper done");
	return NULL;
}

/* The cruncher: three tasks of CPU work. */
static void *cruncher(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "cruncher");
	for (int i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof name, "crunch %d", i);
		uint64_t t = cvz_task_begin(name);
		crunch(PHASE_MS / 3);
		cvz_task_end(t);
	}
	return NULL;
}

/* Start both threads, work, join, exit inside a task. */
int main(void)
{
	pthread_t a, b;
	if (pthread_create(&a, NULL, sleeper, NULL) || pthread_create(&b, NULL, cruncher, NULL))
		return 1;
	uint64_t t = cvz_task_begin("main work");
	crunch(PHASE_MS);
	cvz_task_end(t);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	cvz_task_begin("left open");
	printf("tasks: done\n");
	fflush(stdout);
	exit(0);
}
