/*
 * cprog.c - a user's C program instrumented with concviz.h, built the way a
 * user builds one: `cc -I engines/sdk cprog.c`, no library, no flag.
 *
 * It prints the same whether or not it is traced (tests/e2e/test_sdk_c.sh
 * compares); traced, tests/sdk/check_dump.py checks what concviz read.
 *
 *   cprog basic     main: 3 tasks done, 1 failed ("timeout"), an explicit
 *                   I/O state, a mark, a nested task; 2 threads x 5 tasks
 *   cprog flood N   N tasks as fast as possible (drops when nobody reads)
 *   cprog fork      a task, fork: the child runs a task of its own
 *   cprog signal    task bursts while a 20 kHz timer's handler makes marks
 *   cprog exit      a task that never ends: the program exits inside it
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "concviz.h"

/* Sleep ms milliseconds (the "I/O" of a task), to a deadline: under the
 * signal mode's 20 kHz timer, a sleep restarted with the time left made no
 * progress whenever a signal came before it began (a slow host: seconds). */
static void nap(long ms)
{
	struct timespec at;
	clock_gettime(CLOCK_MONOTONIC, &at);
	at.tv_sec += ms / 1000;
	at.tv_nsec += (ms % 1000) * 1000000L;
	if (at.tv_nsec >= 1000000000L) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000L;
	}
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR)
		;
}

/* Worker thread: five tasks named "w<k> job <i>". */
static void *worker(void *arg)
{
	int k = *(int *)arg;
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "w%d job %d", k, i);
		uint64_t t = cvz_task_begin(name);
		nap(2);
		cvz_task_end(t);
	}
	return NULL;
}

/* Main-thread tasks, then two worker threads. */
static int basic(void)
{
	for (int i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof name, "job %d", i);
		uint64_t t = cvz_task_begin(name);
		cvz_state(CVZ_IO);
		nap(3);
		cvz_state(CVZ_AUTO);
		cvz_task_end(t);
	}
	uint64_t bad = cvz_task_begin("job 3");
	cvz_task_fail(bad, "timeout");
	cvz_mark("phase 2");
	uint64_t outer = cvz_task_begin("outer");
	uint64_t inner = cvz_task_begin("inner \xc3\xa9t\xc3\xa9 \xff");  /* "été" and a bad byte */
	cvz_task_end(inner);
	cvz_task_end(outer);
	cvz_task_end(0);                /* ignored */
	pthread_t th[2];
	int ids[2] = { 1, 2 };
	for (int i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, worker, &ids[i]) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	printf("cprog: 16 tasks, 1 failed\n");
	return 0;
}

/* n tasks back to back. */
static int flood(long n)
{
	for (long i = 0; i < n; i++)
		cvz_task_end(cvz_task_begin("f"));
	printf("cprog: flood of %ld tasks\n", n);
	return 0;
}

/* A task, then a fork whose child runs its own task. */
static int forked(void)
{
	cvz_task_end(cvz_task_begin("parent before"));
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		cvz_task_end(cvz_task_begin("child"));
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	cvz_task_end(cvz_task_begin("parent after"));
	printf("cprog: child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return 0;
}

static volatile sig_atomic_t ticks;

/* SIGALRM: a mark from a signal handler (async-signal-safe after the
 * thread's first call). */
static void on_alarm(int sig)
{
	(void)sig;
	cvz_mark("tick");
	ticks++;
}

/* Tasks in bursts while a 20 kHz timer's handler makes marks, until 1,000
 * ticks. A burst (1,000 records) fits a shard, and the nap after it lets
 * the reader (every 2 ms) drain it, so a tick lands either inside a call
 * (its mark counted as dropped) or outside one (its mark written): never
 * lost unseen, whatever the reader's or the timer's timing. */
static int signalled(void)
{
	cvz_mark("start");              /* the first call makes the shard */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 50 }, { 0, 50 } };
	setitimer(ITIMER_REAL, &it, NULL);
	long n = 0;
	while (ticks < 1000) {
		for (int i = 0; i < 500; i++, n++)
			cvz_task_end(cvz_task_begin("busy"));
		nap(3);
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	printf("cprog: tasks under a timer\n");
	return n > 0 ? 0 : 1;
}

/* Run the mode named on the command line. */
int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "basic";
	if (!strcmp(mode, "basic"))
		return basic();
	if (!strcmp(mode, "flood"))
		return flood(argc > 2 ? atol(argv[2]) : 10000);
	if (!strcmp(mode, "fork"))
		return forked();
	if (!strcmp(mode, "signal"))
		return signalled();
	if (!strcmp(mode, "exit")) {
		cvz_task_begin("never ends");
		printf("cprog: exiting mid-task\n");
		fflush(stdout);
		_exit(0);
	}
	fprintf(stderr, "cprog: unknown mode %s\n", mode);
	return 2;
}
