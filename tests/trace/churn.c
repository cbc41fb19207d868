/*
 * churn.c - threads that come and go by the hundred: ROUNDS rounds of
 * BATCH threads, each asleep LIFE_MS then gone. Exit status 0.
 */
#include <pthread.h>
#include <time.h>

#define ROUNDS 6
#define BATCH 50
#define LIFE_MS 30

/* A short-lived thread: sleep, end. */
static void *brief(void *arg)
{
	struct timespec ts = { 0, LIFE_MS * 1000000L };
	nanosleep(&ts, NULL);
	return arg;
}

int main(void)
{
	pthread_t t[BATCH];
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < BATCH; i++)
			if (pthread_create(&t[i], NULL, brief, NULL))
				return 1;
		for (int i = 0; i < BATCH; i++)
			pthread_join(t[i], NULL);
	}
	return 0;
}
