/*
 * test_gil.c - the emulated GIL: mutual exclusion under stress, switching
 * between two CPU-bound threads through drop requests, and forced
 * switching (after a drop request the other thread really gets the GIL
 * before the yielder takes it back). No timing upper bounds: every wait is
 * for an event, with a generous cap so a bug fails instead of hanging.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "clock.h"
#include "gil.h"

#define CAP_NS (10ull * 1000 * 1000 * 1000) /* give up after 10 s */

struct stress {
	struct gil *g;
	int id;
	atomic_int *holders;
	atomic_int *max_holders;
	long rounds;
};

/* Note one more holder and keep the maximum seen. */
static void enter(struct stress *s)
{
	int h = atomic_fetch_add(s->holders, 1) + 1;
	int m = atomic_load(s->max_holders);
	while (h > m && !atomic_compare_exchange_weak(s->max_holders, &m, h))
		;
}

/* Take and release the GIL many times, yielding on drop requests. */
static void *stress_main(void *arg)
{
	struct stress *s = arg;
	for (long i = 0; i < s->rounds; i++) {
		gil_acquire(s->g, s->id);
		enter(s);
		for (volatile int spin = 0; spin < 200; spin++)
			;
		if (gil_drop_requested(s->g)) {
			atomic_fetch_sub(s->holders, 1);
			gil_yield(s->g, s->id);
			enter(s);
		}
		atomic_fetch_sub(s->holders, 1);
		gil_release(s->g);
	}
	return NULL;
}

/* Four threads hammer the GIL (tiny switch interval): never two holders. */
static void test_mutual_exclusion(void **state)
{
	(void)state;
	struct gil g;
	atomic_int holders = 0, max_holders = 0;
	pthread_t t[4];
	struct stress s[4];

	assert_int_equal(gil_init(&g, 0.01), 0);
	for (int i = 0; i < 4; i++) {
		s[i] = (struct stress){ &g, i, &holders, &max_holders, 20000 };
		assert_int_equal(pthread_create(&t[i], NULL, stress_main, &s[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&max_holders), 1);
	assert_int_equal(atomic_load(&holders), 0);
	assert_true(gil_switches(&g) >= 2);
	gil_destroy(&g);
}

struct bound {
	struct gil *g;
	int id;
	atomic_int *holders, *max_holders;
	uint64_t work;      /* spin iterations to do while holding */
	uint64_t yields;
};

/* A CPU-bound "Python thread": hold the GIL for the whole job, checking the
 * drop request every 1000 iterations like a tick. */
static void *bound_main(void *arg)
{
	struct bound *b = arg;
	struct stress s = { b->g, b->id, b->holders, b->max_holders, 0 };
	volatile uint64_t sink = 0;

	gil_acquire(b->g, b->id);
	enter(&s);
	for (uint64_t i = 0; i < b->work; i++) {
		sink += i;
		if (i % 1000 == 0 && gil_drop_requested(b->g)) {
			atomic_fetch_sub(b->holders, 1);
			gil_yield(b->g, b->id);
			enter(&s);
			b->yields++;
		}
	}
	atomic_fetch_sub(b->holders, 1);
	gil_release(b->g);
	return NULL;
}

/* Two CPU-bound threads with a 1 ms interval: the GIL changes hands many
 * times over a fixed amount of work (each thread spins for ~0.1-0.3 s). */
static void test_switch_interval(void **state)
{
	(void)state;
	struct gil g;
	atomic_int holders = 0, max_holders = 0;
	pthread_t t[2];
	struct bound b[2];

	assert_int_equal(gil_init(&g, 1.0), 0);
	for (int i = 0; i < 2; i++) {
		b[i] = (struct bound){ &g, i, &holders, &max_holders, 150000000ull, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, bound_main, &b[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	print_message("switches %llu, yields %llu + %llu\n", (unsigned long long)gil_switches(&g),
		      (unsigned long long)b[0].yields, (unsigned long long)b[1].yields);
	assert_int_equal(atomic_load(&max_holders), 1);
	assert_true(gil_switches(&g) >= 6);
	assert_true(b[0].yields >= 2 && b[1].yields >= 2);
	gil_destroy(&g);
}

struct taker {
	struct gil *g;
	atomic_int got;        /* 1 once it took the GIL */
	atomic_int released;   /* 1 once it let go */
};

/* Wait for the GIL (which sets the drop request), hold it a moment, leave. */
static void *taker_main(void *arg)
{
	struct taker *t = arg;
	gil_acquire(t->g, 2);
	atomic_store(&t->got, 1);
	clock_sleep_ns(20ull * 1000 * 1000);
	atomic_store(&t->released, 1);
	gil_release(t->g);
	return NULL;
}

/* After a drop request, gil_yield returns only once the other thread has
 * had the GIL: the yielder cannot take it straight back. */
static void test_forced_switch(void **state)
{
	(void)state;
	struct gil g;
	struct taker tk = { &g, 0, 0 };
	pthread_t t;
	uint64_t t0 = clock_ns();

	assert_int_equal(gil_init(&g, 1.0), 0);
	/* nobody waits: no drop request, yield gives it straight back */
	gil_acquire(&g, 1);
	assert_false(gil_drop_requested(&g));
	gil_yield(&g, 1);
	assert_int_equal(pthread_create(&t, NULL, taker_main, &tk), 0);
	while (!gil_drop_requested(&g) && clock_ns() - t0 < CAP_NS)
		clock_sleep_ns(100000);
	assert_true(gil_drop_requested(&g));
	assert_int_equal(atomic_load(&tk.got), 0);
	gil_yield(&g, 1);
	/* we hold it again: the taker must have had it and let go */
	assert_int_equal(atomic_load(&tk.got), 1);
	assert_int_equal(atomic_load(&tk.released), 1);
	assert_false(gil_drop_requested(&g));
	gil_release(&g);
	pthread_join(t, NULL);
	assert_true(gil_switches(&g) >= 3);
	/* a plain release and try-acquire */
	assert_true(gil_try_acquire(&g, 1));
	assert_false(gil_try_acquire(&g, 2));
	gil_release(&g);
	gil_destroy(&g);
}

/* Run every test of this file. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutual_exclusion),
		cmocka_unit_test(test_switch_interval),
		cmocka_unit_test(test_forced_switch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
