/*
 * clock.c - sleeping on the monotonic clock.
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
