/*
 * test_cpu.c - the cpu workload: the loop's sum equals the closed form
 * (small n, n where the sum needs more than 64 bits), the tick hook is
 * called on long runs and its nonzero value aborts the loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "workload.h"

/* Assert two 128-bit values are equal, printing both halves otherwise. */
static void assert_u128_equal(unsigned __int128 a, unsigned __int128 b)
{
	assert_int_equal((uint64_t)(a >> 64), (uint64_t)(b >> 64));
	assert_int_equal((uint64_t)a, (uint64_t)b);
}

/* The sum of k*k for k < n by a plain loop over 128-bit integers. */
static unsigned __int128 naive(uint64_t n)
{
	unsigned __int128 s = 0;
	for (uint64_t k = 0; k < n; k++)
		s += (unsigned __int128)k * k;
	return s;
}

/* n = 0, 1, 2, 3 and a few more: loop, closed form and a naive sum agree. */
static void test_small(void **state)
{
	(void)state;
	static const uint64_t ns[] = { 0, 1, 2, 3, 4, 5, 6, 7, 100, 65535, 65536, 65537, 200001 };
	unsigned __int128 v;

	assert_u128_equal(cpu_sum_squares_closed(0), 0);
	assert_u128_equal(cpu_sum_squares_closed(1), 0);
	assert_u128_equal(cpu_sum_squares_closed(2), 1);
	assert_u128_equal(cpu_sum_squares_closed(3), 5);
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		assert_int_equal(cpu_sum_squares(ns[i], &v, NULL, NULL), 0);
		assert_u128_equal(v, cpu_sum_squares_closed(ns[i]));
		assert_u128_equal(v, naive(ns[i]));
	}
}

/* n = 10^7: the sum (about 3.3e20) needs more than 64 bits. */
static void test_large(void **state)
{
	(void)state;
	unsigned __int128 v;
	uint64_t n = 10000000;

	assert_int_equal(cpu_sum_squares(n, &v, NULL, NULL), 0);
	assert_true(v >> 64 != 0);
	assert_u128_equal(v, cpu_sum_squares_closed(n));
	/* 333333283333335000000 = (10^7)(10^7-1)(2*10^7-1)/6, written out */
	unsigned __int128 want = (unsigned __int128)3333332833333ull * 100000000ull + 35000000ull;
	assert_u128_equal(v, want);
}

/* The closed form for huge n, where the product must be reduced first. */
static void test_closed_huge(void **state)
{
	(void)state;
	/* n = 2^40: n(n-1)(2n-1)/6 = 2^39 * (2^40-1) * (2^41-1) / 3 */
	uint64_t n = 1ull << 40;
	unsigned __int128 want = ((unsigned __int128)(1ull << 39) * ((1ull << 40) - 1) / 3) * ((1ull << 41) - 1);
	assert_u128_equal(cpu_sum_squares_closed(n), want);
}

struct ticks {
	int calls;
	int stop_after;   /* return 7 on this call, 0 = never */
};

/* Count calls; abort on the chosen one. */
static int count_tick(void *ctx)
{
	struct ticks *t = ctx;
	t->calls++;
	return t->calls == t->stop_after ? 7 : 0;
}

/* A long run calls the tick hook several times and still sums right. */
static void test_ticks(void **state)
{
	(void)state;
	struct ticks t = { 0, 0 };
	unsigned __int128 v;
	uint64_t n = 60000000;   /* tens of ms at least */

	assert_int_equal(cpu_sum_squares(n, &v, count_tick, &t), 0);
	assert_true(t.calls >= 2);
	assert_u128_equal(v, cpu_sum_squares_closed(n));
}

/* A nonzero tick aborts the loop with that value and a partial sum. */
static void test_abort(void **state)
{
	(void)state;
	struct ticks t = { 0, 1 };
	unsigned __int128 v;
	uint64_t n = 4000000000ull;   /* seconds if not aborted */

	assert_int_equal(cpu_sum_squares(n, &v, count_tick, &t), 7);
	assert_int_equal(t.calls, 1);
	assert_true(v < cpu_sum_squares_closed(n));
}

/* Run every test of this file. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_closed_huge),
		cmocka_unit_test(test_ticks),
		cmocka_unit_test(test_abort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
