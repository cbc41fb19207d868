/*
 * clock.h - the one clock every event is stamped with: CLOCK_MONOTONIC in ns.
 * It is shared across fork(), so threads and worker processes agree on time.
 */
#ifndef CV_CLOCK_H
#define CV_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Return the monotonic time in nanoseconds (vDSO: no system call). */
static inline uint64_t clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleep for ns nanoseconds, resuming after signals. */
void clock_sleep_ns(uint64_t ns);

/* Return the time ns from now on clock clk, as a timespec (the deadline
 * of a timed wait: pthread_cond_timedwait, pthread_mutex_timedlock). */
struct timespec clock_deadline(clockid_t clk, uint64_t ns);

#endif
