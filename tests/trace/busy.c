/*
 * busy.c - N threads (argv[1], default 16), half busy on a CPU and half
 * asleep in naps of argv[3] ms (default 50), for argv[2] seconds (default
 * 2): the load of the tracer's benchmark.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static double seconds = 2;
static long nap_ms = 50;

/* Return the monotonic time in seconds. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spin (arg != NULL) or nap until the time is up. */
static void *run(void *arg)
{
	double end = now() + seconds;
	volatile unsigned long spin = 0;
	struct timespec ts = { nap_ms / 1000, nap_ms % 1000 * 1000000L };
	while (now() < end) {
		if (arg)
			for (int i = 0; i < 100000; i++)
				spin++;
		else
			nanosleep(&ts, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 16;
	if (argc > 2)
		seconds = atof(argv[2]);
	if (argc > 3)
		nap_ms = atol(argv[3]);
	if (n < 1 || n > 4096)
		return 2;
	pthread_t *t = calloc((size_t)n, sizeof *t);
	if (!t)
		return 1;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, run, i % 2 ? NULL : t))
			return 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	free(t);
	return 0;
}
