/*
 * clock.c - sleeping on the monotonic clock, and deadlines of timed waits.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include "clock.h"

/* Sleep for ns nanoseconds, resuming after signals. */
void clock_sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Return the time ns from now on clock clk, as a timespec. */
struct timespec clock_deadline(clockid_t clk, uint64_t ns)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	uint64_t t = (uint64_t)ts.tv_nsec + ns;
	ts.tv_sec += (time_t)(t / 1000000000u);
	ts.tv_nsec = (long)(t % 1000000000u);
	return ts;
}
