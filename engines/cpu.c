/*
 * cpu.c - the cpu workload: the exact sum of k*k for k < n, done the slow way.
 *
 * The loop is meant to burn CPU time proportional to n: an empty asm barrier
 * on the loop variable stops the compiler from replacing it with the closed
 * form or vectorising it away. The clock is read once per chunk of
 * CPU_CHUNK iterations (about 0.1 ms), and the tick hook is called when
 * CPU_TICK_NS have passed since the last call, so engines can emit running
 * slices, switch the emulated GIL and notice cancellation. Pure functions,
 * any thread.
 */
#include "clock.h"
#include "workload.h"

#define CPU_CHUNK 65536u                 /* iterations between clock reads */
#define CPU_TICK_NS (2u * 1000u * 1000u) /* tick hook period */

/* Sum k*k for k < n into *out, calling tick about every 2 ms; returns 0, or
 * the tick's nonzero value (with the partial sum in *out) when it aborted. */
int cpu_sum_squares(uint64_t n, unsigned __int128 *out, cpu_tick_fn tick, void *ctx)
{
	unsigned __int128 sum = 0;
	uint64_t k = 0;
	uint64_t next_tick = tick ? clock_ns() + CPU_TICK_NS : 0;

	while (k < n) {
		uint64_t stop = n - k > CPU_CHUNK ? k + CPU_CHUNK : n;
		for (; k < stop; k++) {
			uint64_t v = k;
			__asm__ volatile("" : "+r"(v));
			sum += (unsigned __int128)v * v;
		}
		if (!tick)
			continue;
		uint64_t now = clock_ns();
		if (now >= next_tick) {
			next_tick = now + CPU_TICK_NS;
			int rc = tick(ctx);
			if (rc) {
				*out = sum;
				return rc;
			}
		}
	}
	*out = sum;
	return 0;
}

/* The closed form n(n-1)(2n-1)/6, exact whenever the sum fits 128 bits
 * (and equal to the loop's result modulo 2^128 otherwise): the factors 2
 * and 3 are divided out before multiplying. */
unsigned __int128 cpu_sum_squares_closed(uint64_t n)
{
	if (n == 0)
		return 0;
	unsigned __int128 a = n, b = n - 1, c = 2 * (unsigned __int128)n - 1;
	if (a % 2 == 0)
		a /= 2;
	else
		b /= 2;
	if (a % 3 == 0)
		a /= 3;
	else if (b % 3 == 0)
		b /= 3;
	else
		c /= 3;
	return a * b * c;
}

/* CPU time the calling thread has used, in ns. */
uint64_t cpu_thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Microseconds of thread CPU time since since_ns, at least 1. */
uint32_t cpu_used_us(uint64_t since_ns)
{
	uint64_t us = (cpu_thread_ns() - since_ns) / 1000;
	return us == 0 ? 1 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}
