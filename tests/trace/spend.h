/*
 * spend.h - how the tracer's helper programs spend known time: asleep, on a
 * CPU measured by the thread's own CPU clock, or busy for a wall time.
 * Header-only: each helper is one file, built with nothing but the C
 * library and pthreads.
 */
#ifndef CV_TRACE_SPEND_H
#define CV_TRACE_SPEND_H

#include <errno.h>
#include <time.h>

/* Return clock clk's time in ns. */
static inline long long clock_of(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleep ms milliseconds, to a deadline: signals neither cut the sleep short
 * nor, restarting it with the time left, stretch it. */
static inline void nap(long ms)
{
	long long end = clock_of(CLOCK_MONOTONIC) + ms * 1000000LL;
	struct timespec ts = { (time_t)(end / 1000000000LL), (long)(end % 1000000000LL) };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Stay busy on the CPU until clock clk has moved on by ms milliseconds. */
static inline void busy_for(clockid_t clk, long ms)
{
	long long end = clock_of(clk) + ms * 1000000LL;
	volatile unsigned long x = 0;
	while (clock_of(clk) < end)
		for (int i = 0; i < 1000; i++)
			x += (unsigned long)i;
}

/* Spend ms milliseconds of this thread's CPU time in a busy loop. */
static inline void crunch(long ms)
{
	busy_for(CLOCK_THREAD_CPUTIME_ID, ms);
}

/* Stay busy on the CPU for ms milliseconds of wall time (however much of
 * a core a loaded machine gives the thread meanwhile). */
static inline void spin(long ms)
{
	busy_for(CLOCK_MONOTONIC, ms);
}

#endif
