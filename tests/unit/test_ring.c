/*
 * test_ring.c - the event ring: nothing lost or duplicated, per-producer
 * order kept, with threads and with forked processes, across wrap-around and
 * with a stalled consumer (back-pressure); causal order across producers;
 * shards reused past the producer limit; a producer killed mid-stream.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "clock.h"
#include "ring.h"

struct producer {
	struct ring *r;
	uint32_t id;
	uint64_t n;
};

/* Push n events numbered 0..n-1 on lane id. */
static void *produce(void *arg)
{
	struct producer *p = arg;
	for (uint64_t i = 0; i < p->n; i++) {
		struct cv_event ev = { .t = i, .arg = i, .lane = p->id, .task = (uint32_t)i, .kind = EV_CPU };
		ring_push(p->r, &ev);
	}
	return NULL;
}

/* Pop until total events arrived, checking per-lane order; returns max batch. */
static void consume_all(struct ring *r, uint32_t producers, uint64_t per, uint64_t delay_ns)
{
	uint64_t *next = calloc(producers, sizeof *next);
	struct cv_event buf[512];
	uint64_t total = 0, want = (uint64_t)producers * per;
	if (delay_ns)
		clock_sleep_ns(delay_ns);
	uint64_t idle_since = clock_ns();
	while (total < want) {
		size_t n = ring_pop(r, buf, 512);
		if (!n) {
			/* a stuck ring fails the test instead of hanging it */
			assert_true(clock_ns() - idle_since < 30000000000ull);
			continue;
		}
		idle_since = clock_ns();
		for (size_t i = 0; i < n; i++) {
			assert_true(buf[i].lane < producers);
			assert_int_equal(buf[i].arg, next[buf[i].lane]); /* no loss, no dup, in order */
			assert_int_equal(buf[i].kind, EV_CPU);
			next[buf[i].lane]++;
		}
		total += n;
	}
	for (uint32_t p = 0; p < producers; p++)
		assert_int_equal(next[p], per);
	assert_int_equal(ring_pop(r, buf, 512), 0);
	assert_int_equal(ring_pushed(r), want);
	free(next);
}

/* 4 threads x 1,000,000 events through 4,096 slots. */
static void test_threads(void **state)
{
	(void)state;
	struct ring *r = ring_new(4096);
	assert_non_null(r);
	assert_int_equal(ring_capacity(r), 4096);
	pthread_t th[4];
	struct producer p[4];
	for (uint32_t i = 0; i < 4; i++) {
		p[i] = (struct producer){ r, i, 1000000 };
		assert_int_equal(pthread_create(&th[i], NULL, produce, &p[i]), 0);
	}
	consume_all(r, 4, 1000000, 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	ring_free(r);
}

/* 2 forked processes x 1,000,000 events into the shared ring. */
static void test_processes(void **state)
{
	(void)state;
	struct ring *r = ring_new(4096);
	assert_non_null(r);
	pid_t pid[2];
	for (uint32_t i = 0; i < 2; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			struct producer p = { r, i, 1000000 };
			produce(&p);
			_exit(0);
		}
	}
	consume_all(r, 2, 1000000, 0);
	for (int i = 0; i < 2; i++) {
		int st;
		assert_int_equal(waitpid(pid[i], &st, 0), pid[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ring_free(r);
}

/* Many laps around a tiny ring, in uneven bursts. */
static void test_wraparound(void **state)
{
	(void)state;
	struct ring *r = ring_new(5);   /* rounds up to 8 */
	assert_int_equal(ring_capacity(r), 8);
	struct cv_event out[8];
	uint64_t pushed = 0, popped = 0;
	for (int round = 0; round < 3000; round++) {
		int burst = 1 + round % 8;
		for (int i = 0; i < burst; i++) {
			struct cv_event ev = { .arg = pushed++, .kind = EV_IO };
			ring_push(r, &ev);
		}
		size_t n = ring_pop(r, out, (size_t)(1 + round % 3));
		for (size_t i = 0; i < n; i++)
			assert_int_equal(out[i].arg, popped++);
		while ((n = ring_pop(r, out, 8)) > 0)
			for (size_t i = 0; i < n; i++)
				assert_int_equal(out[i].arg, popped++);
	}
	assert_int_equal(pushed, popped);
	ring_free(r);
}

/* A full ring with a stalled consumer: producers wait, everything arrives,
 * and the waiting is counted. */
static void test_backpressure(void **state)
{
	(void)state;
	struct ring *r = ring_new(16);
	pthread_t th[2];
	struct producer p[2] = { { r, 0, 20000 }, { r, 1, 20000 } };
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, produce, &p[i]), 0);
	consume_all(r, 2, 20000, 50000000);   /* consumer starts 50 ms late */
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_true(ring_stall_ns(r) > 0);
	ring_free(r);
}

struct baton {
	struct ring *r;
	_Atomic uint64_t turn;   /* the next event to emit; even = thread A's */
	uint64_t n;
};

struct baton_hand {
	struct baton *b;
	uint64_t parity;
};

/* Take turns with the other thread on one lane: emit event k (stamped with
 * the clock) when turn == k, then pass the turn on. */
static void *baton_run(void *arg)
{
	struct baton_hand *h = arg;
	struct baton *b = h->b;
	for (uint64_t k = h->parity; k < b->n; k += 2) {
		while (atomic_load(&b->turn) != k)
			sched_yield();
		struct cv_event ev = { .t = clock_ns(), .arg = k, .lane = 7, .kind = EV_IO };
		ring_push(b->r, &ev);
		atomic_store(&b->turn, k + 1);
	}
	return NULL;
}

/* Two producers hand one lane back and forth (as a parent reports a dead
 * child's lane after reaping it): the consumer, popping all along, sees the
 * lane's events in the order they happened, though they come from two
 * producers. */
static void test_handoff_order(void **state)
{
	(void)state;
	struct baton b = { .r = ring_new(64), .n = 20000 };
	atomic_init(&b.turn, 0);
	struct baton_hand ha = { &b, 0 }, hb = { &b, 1 };
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, baton_run, &ha), 0);
	assert_int_equal(pthread_create(&tb, NULL, baton_run, &hb), 0);
	struct cv_event buf[16];
	uint64_t next = 0, idle_since = clock_ns();
	while (next < b.n) {
		size_t n = ring_pop(b.r, buf, 1 + next % 16);   /* uneven batches */
		if (!n)
			assert_true(clock_ns() - idle_since < 30000000000ull);
		else
			idle_since = clock_ns();
		for (size_t i = 0; i < n; i++)
			assert_int_equal(buf[i].arg, next++);
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ring_free(b.r);
}

/* Push one event from a short-lived thread. */
static void *push_once(void *arg)
{
	struct cv_event ev = { .t = 1, .kind = EV_IDLE };
	ring_push(arg, &ev);
	return NULL;
}

/* More producers over time than the ring has shards: the shards of
 * producers that are gone are reused, and nothing is lost. */
static void test_many_producers(void **state)
{
	(void)state;
	struct ring *r = ring_new(4);
	struct cv_event buf[8];
	size_t got = 0;
	for (int i = 0; i < 1000; i++) {
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, push_once, r), 0);
		pthread_join(t, NULL);
		got += ring_pop(r, buf, 8);
	}
	assert_int_equal(got, 1000);
	ring_free(r);
}

/* A producer process killed while pushing leaves no hole: the consumer
 * gets a prefix of its events, then the other producers' go on. */
static void test_killed_producer(void **state)
{
	(void)state;
	struct ring *r = ring_new(1024);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (uint64_t i = 0;; i++) {
			struct cv_event ev = { .t = clock_ns(), .arg = i, .lane = 1, .kind = EV_CPU };
			ring_push(r, &ev);
		}
	}
	struct cv_event buf[256];
	uint64_t next = 0;
	while (next < 5000) {
		size_t n = ring_pop(r, buf, 256);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(buf[i].arg, next++);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	size_t n;
	while ((n = ring_pop(r, buf, 256)) > 0)
		for (size_t i = 0; i < n; i++)
			assert_int_equal(buf[i].arg, next++);
	struct cv_event mine = { .t = clock_ns(), .arg = 42, .lane = 2, .kind = EV_IO };
	ring_push(r, &mine);
	assert_int_equal(ring_pop(r, buf, 256), 1);
	assert_int_equal(buf[0].arg, 42);
	ring_free(r);
}

/* Absurd sizes are refused. */
static void test_bad_size(void **state)
{
	(void)state;
	assert_null(ring_new((size_t)1 << 40));
	struct ring *r = ring_new(0);
	assert_non_null(r);
	assert_int_equal(ring_capacity(r), 2);
	ring_free(r);
}

/* Run the ring tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_backpressure),
		cmocka_unit_test(test_handoff_order),
		cmocka_unit_test(test_many_producers),
		cmocka_unit_test(test_killed_producer),
		cmocka_unit_test(test_bad_size),
	};
	return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
