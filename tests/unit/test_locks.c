/*
 * test_locks.c - the lock tracker and the race tally of the timeline, fed
 * synthetic event streams: who holds and who waits, the waits-for cycle
 * (two lanes, three, one lane waiting for itself, longer than the cycle
 * kept), unknown holders (no cycle can be proved), holders named only by
 * the waits, stale holders ignored once takes and frees are reported, a
 * take reported after the wait it ends, the waits ending, MARK_DEADLOCK,
 * a long chain (the walk is bounded), hostile values, the counter's tally
 * and its marks, and a recording replayed into the same findings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "locks.h"
#include "racetally.h"
#include "record.h"
#include "session.h"
#include "timeline.h"

#define T0 1000000000ull
#define MS 1000000ull

/* Feed one event at ms after T0 into tl; asserts it was taken. */
static void ev(struct timeline *tl, double ms, uint32_t lane, uint32_t task, int kind, int code,
	       uint32_t aux, uint64_t arg)
{
	struct cv_event e = { T0 + (uint64_t)(ms * MS), arg, lane, task, (uint16_t)kind,
			      (uint16_t)code, aux };
	assert_int_equal(timeline_add(tl, &e), 0);
}

/* Start n lanes at time 0, each beginning task = its lane. */
static void lanes_up(struct timeline *tl, uint32_t n)
{
	timeline_init(tl, T0);
	for (uint32_t l = 0; l < n; l++) {
		ev(tl, 0, l, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
		ev(tl, 0, l, l, EV_TASK_BEGIN, 0, 0, 0);
		ev(tl, 0, l, l, EV_CPU, 0, 0, 0);
	}
}

/* Two lanes take one lock each, then wait for the other's: found at the
 * second wait, recorded from the lowest lane. */
static void test_two_cycle(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 3);
	ev(&tl, 1, 0, 0, EV_LOCK_TAKE, 0, 0, 0);
	ev(&tl, 2, 1, 1, EV_LOCK_TAKE, 0, 1, 0);
	assert_int_equal(locks_holder(&tl, 0), 1);
	assert_int_equal(locks_holder(&tl, 1), 2);
	ev(&tl, 10, 0, 0, EV_LOCK_WAIT, 0, 1, 2);
	assert_false(tl.deadlock.detected);
	assert_int_equal(tl.lanes[0].wait_lock, 1);
	assert_int_equal(tl.lanes[0].wait_holder, 2);
	assert_int_equal(tl.lanes[0].wait_since, 10 * MS);
	assert_int_equal(tl_span_at(&tl.lanes[0], tl.lanes[0].n - 1)->state, ST_LOCK);
	ev(&tl, 12, 2, 2, EV_LOCK_WAIT, 0, 0, 1);     /* a bystander waits for L1 */
	assert_false(tl.deadlock.detected);
	ev(&tl, 15, 1, 1, EV_LOCK_WAIT, 0, 0, 1);
	assert_true(tl.deadlock.detected);
	assert_int_equal(tl.deadlock.n, 2);
	assert_int_equal(tl.deadlock.lanes[0], 0);
	assert_int_equal(tl.deadlock.locks[0], 1);
	assert_int_equal(tl.deadlock.lanes[1], 1);
	assert_int_equal(tl.deadlock.locks[1], 0);
	assert_int_equal(tl.deadlock.t_formed, 15 * MS);
	assert_int_equal(tl.deadlock.t_detected, 15 * MS);
	assert_true(tl.lanes[0].deadlocked && tl.lanes[1].deadlocked);
	assert_false(tl.lanes[2].deadlocked);
	/* concviz acts 3 ms later: the mark says when */
	struct cv_event m = { T0 + 18 * MS, 2, 0, CV_NO_TASK, EV_MARK, 0, MARK_DEADLOCK };
	assert_int_equal(timeline_add(&tl, &m), 0);
	assert_int_equal(tl.deadlock.t_detected, 18 * MS);
	/* the cycle is cut: the lanes fail, release, end; the record stays */
	ev(&tl, 19, 0, 0, EV_LOCK_FREE, 0, 0, 0);
	ev(&tl, 19, 0, 0, EV_TASK_FAIL, 0, FAIL_DEADLOCK, 0);
	ev(&tl, 19, 1, 1, EV_LOCK_FREE, 0, 1, 0);
	ev(&tl, 19, 1, 1, EV_TASK_FAIL, 0, FAIL_DEADLOCK, 0);
	ev(&tl, 20, 2, 2, EV_LOCK_TAKE, 0, 0, 0);
	assert_int_equal(tl.lanes[0].wait_lock, TL_NO_LOCK);
	assert_int_equal(tl.lanes[1].wait_lock, TL_NO_LOCK);
	assert_int_equal(tl.lanes[2].wait_lock, TL_NO_LOCK);
	assert_int_equal(locks_holder(&tl, 0), 3);
	assert_int_equal(locks_holder(&tl, 1), 0);
	assert_true(tl.deadlock.detected && tl.lanes[0].deadlocked);
	assert_int_equal(tl.tasks[0].reason, FAIL_DEADLOCK);
	/* the waits stay on record for the detail line */
	const struct lanemark *w = locks_wait_at(&tl, 1, 19 * MS);
	assert_non_null(w);
	assert_int_equal(w->t, 15 * MS);
	assert_int_equal(w->a, 0);
	assert_int_equal(w->b, 1);
	assert_int_equal(w->c, 1);
	assert_null(locks_wait_at(&tl, 1, 14 * MS));
	assert_null(locks_wait_at(&tl, 7, 100 * MS));
	timeline_free(&tl);
}

/* Three lanes, three locks, each waiting for the next one's: one cycle of 3;
 * a later cycle is not recorded over it. */
static void test_three_cycle(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 5);
	for (uint32_t l = 0; l < 3; l++)
		ev(&tl, 1, l, l, EV_LOCK_TAKE, 0, 10 + l, 0);
	ev(&tl, 5, 0, 0, EV_LOCK_WAIT, 0, 11, 2);
	ev(&tl, 6, 1, 1, EV_LOCK_WAIT, 0, 12, 3);
	assert_false(tl.deadlock.detected);
	ev(&tl, 7, 2, 2, EV_LOCK_WAIT, 0, 10, 1);
	assert_true(tl.deadlock.detected);
	assert_int_equal(tl.deadlock.n, 3);
	uint32_t want_lanes[3] = { 0, 1, 2 }, want_locks[3] = { 11, 12, 10 };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tl.deadlock.lanes[i], want_lanes[i]);
		assert_int_equal(tl.deadlock.locks[i], want_locks[i]);
		assert_true(tl.lanes[i].deadlocked);
	}
	/* a second cycle between lanes 3 and 4 is not the one reported */
	ev(&tl, 8, 3, 3, EV_LOCK_TAKE, 0, 20, 0);
	ev(&tl, 8, 4, 4, EV_LOCK_TAKE, 0, 21, 0);
	ev(&tl, 9, 3, 3, EV_LOCK_WAIT, 0, 21, 5);
	ev(&tl, 9, 4, 4, EV_LOCK_WAIT, 0, 20, 4);
	assert_int_equal(tl.deadlock.n, 3);
	assert_int_equal(tl.deadlock.t_formed, 7 * MS);
	assert_false(tl.lanes[3].deadlocked);
	timeline_free(&tl);
}

/* A lane waiting for a lock it holds itself is a cycle of one. */
static void test_self_cycle(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 1);
	ev(&tl, 1, 0, 0, EV_LOCK_TAKE, 0, 3, 0);
	ev(&tl, 2, 0, 0, EV_LOCK_WAIT, 0, 3, 1);
	assert_true(tl.deadlock.detected);
	assert_int_equal(tl.deadlock.n, 1);
	assert_int_equal(tl.deadlock.lanes[0], 0);
	assert_int_equal(tl.deadlock.locks[0], 3);
	timeline_free(&tl);
}

/* Waits whose holder is unknown (a traced program's futexes: arg 0, no
 * takes) prove nothing: no cycle, but the waits are kept. */
static void test_unknown_holders(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 2);
	ev(&tl, 1, 0, 0, EV_LOCK_WAIT, 0, 0xdeadbeefu, 0);
	ev(&tl, 2, 1, 1, EV_LOCK_WAIT, 0, 0xfeedf00du, 0);
	ev(&tl, 3, 0, 0, EV_LOCK_WAIT, 0, 0xfeedf00du, 0);
	assert_false(tl.deadlock.detected);
	assert_int_equal(tl.lanes[0].wait_lock, 0xfeedf00du);
	assert_int_equal(tl.lanes[0].wait_holder, 0);
	assert_int_equal(locks_holder(&tl, 0xfeedf00du), 0);
	uint64_t ns[ST_COUNT];
	timeline_lane_stats(&tl, 0, ns);
	assert_int_equal(ns[ST_LOCK], 2 * MS);      /* both waits are lock wait */
	char name[32];
	assert_string_equal(locks_name(0xfeedf00du, name, sizeof name), "0xfeedf00d");
	assert_string_equal(locks_name(0, name, sizeof name), "L1");
	assert_string_equal(locks_name(1, name, sizeof name), "L2");
	/* holders named only by the waits (no take/free reported) make edges;
	 * a later wait saying "unknown" takes the name back */
	ev(&tl, 4, 1, 1, EV_LOCK_WAIT, 0, 7, 1);    /* lane 1 waits L8 "held by lane 0" */
	ev(&tl, 5, 1, 1, EV_LOCK_WAIT, 0, 7, 0);    /* ... held by nobody known */
	ev(&tl, 6, 0, 0, EV_LOCK_WAIT, 0, 8, 2);    /* lane 0 waits L9 "held by lane 1" */
	assert_false(tl.deadlock.detected);
	ev(&tl, 7, 1, 1, EV_CPU, 0, 0, 0);          /* lane 1 runs: its wait is over */
	assert_int_equal(tl.lanes[1].wait_lock, TL_NO_LOCK);
	ev(&tl, 8, 1, 1, EV_LOCK_WAIT, 0, 7, 1);
	assert_true(tl.deadlock.detected);
	assert_int_equal(tl.deadlock.n, 2);
	assert_int_equal(tl.deadlock.lanes[0], 0);
	assert_int_equal(tl.deadlock.locks[0], 8);
	assert_int_equal(tl.deadlock.lanes[1], 1);
	assert_int_equal(tl.deadlock.locks[1], 7);
	timeline_free(&tl);
}

/* Once takes and frees are reported for a lock, a waiter's stale word on
 * its holder is ignored (the holder had freed it: no edge, no cycle). */
static void test_stale_holder(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 2);
	ev(&tl, 1, 0, 0, EV_LOCK_TAKE, 0, 0, 0);
	ev(&tl, 2, 1, 1, EV_LOCK_TAKE, 0, 1, 0);
	ev(&tl, 3, 0, 0, EV_LOCK_FREE, 0, 0, 0);
	ev(&tl, 4, 1, 1, EV_LOCK_WAIT, 0, 0, 1);   /* says lane 0 holds L1: it freed it */
	assert_int_equal(locks_holder(&tl, 0), 0);
	ev(&tl, 5, 0, 0, EV_LOCK_WAIT, 0, 1, 2);
	assert_false(tl.deadlock.detected);
	/* a free by a lane that does not hold the lock changes nothing */
	ev(&tl, 6, 0, 0, EV_LOCK_FREE, 0, 1, 0);
	assert_int_equal(locks_holder(&tl, 1), 2);
	timeline_free(&tl);
}

/* A wait seen before the take it waits behind (the waiter tried between the
 * holder's taking and its report): the cycle is found at the last wait. */
static void test_take_after_wait(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 2);
	ev(&tl, 1, 1, 1, EV_LOCK_TAKE, 0, 1, 0);
	ev(&tl, 2, 1, 1, EV_LOCK_WAIT, 0, 0, 0);   /* L1: holder not yet known */
	ev(&tl, 3, 0, 0, EV_LOCK_TAKE, 0, 0, 0);
	assert_false(tl.deadlock.detected);
	ev(&tl, 4, 0, 0, EV_LOCK_WAIT, 0, 1, 2);
	assert_true(tl.deadlock.detected);
	assert_int_equal(tl.deadlock.lanes[0], 0);
	assert_int_equal(tl.deadlock.lanes[1], 1);
	assert_int_equal(tl.deadlock.t_formed, 4 * MS);
	timeline_free(&tl);
}

/* Ended lanes wait for nothing: no cycle through them. */
static void test_lane_end(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 2);
	ev(&tl, 1, 0, 0, EV_LOCK_TAKE, 0, 0, 0);
	ev(&tl, 1, 1, 1, EV_LOCK_TAKE, 0, 1, 0);
	ev(&tl, 2, 0, 0, EV_LOCK_WAIT, 0, 1, 2);
	ev(&tl, 3, 0, CV_NO_TASK, EV_LANE_CRASH, 0, 0, 9);
	assert_int_equal(tl.lanes[0].wait_lock, TL_NO_LOCK);
	ev(&tl, 4, 1, 1, EV_LOCK_WAIT, 0, 0, 1);
	ev(&tl, 5, 0, 0, EV_LOCK_WAIT, 0, 1, 2);   /* after its end: ignored */
	assert_false(tl.deadlock.detected);
	assert_int_equal(tl.lanes[0].wait_lock, TL_NO_LOCK);
	timeline_free(&tl);
}

/* A cycle of 20 lanes: all 20 counted and marked, 16 kept in the record;
 * a chain of 6000 waiting lanes is walked no further than the bound. */
static void test_long(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 20);
	for (uint32_t l = 0; l < 20; l++)
		ev(&tl, 1, l, l, EV_LOCK_TAKE, 0, l, 0);
	for (uint32_t l = 0; l < 20; l++)
		ev(&tl, 2 + l, l, l, EV_LOCK_WAIT, 0, (l + 1) % 20, (l + 1) % 20 + 1);
	assert_true(tl.deadlock.detected);
	assert_int_equal(tl.deadlock.n, 20);
	assert_int_equal(tl.deadlock.lanes[0], 0);
	assert_int_equal(tl.deadlock.lanes[TL_CYCLE_MAX - 1], TL_CYCLE_MAX - 1);
	assert_int_equal(tl.deadlock.locks[0], 1);
	for (uint32_t l = 0; l < 20; l++)
		assert_true(tl.lanes[l].deadlocked);
	timeline_free(&tl);

	uint32_t n = 6000;
	timeline_init(&tl, T0);
	for (uint32_t l = 0; l < n; l++)
		ev(&tl, 0, l, CV_NO_TASK, EV_LOCK_TAKE, 0, l, 0);
	for (uint32_t l = 1; l < n; l++)              /* l waits for l - 1's lock */
		ev(&tl, 1, l, CV_NO_TASK, EV_LOCK_WAIT, 0, l - 1, l);
	ev(&tl, 2, 0, CV_NO_TASK, EV_LOCK_WAIT, 0, n - 1, n);  /* closes a cycle of 6000 */
	assert_false(tl.deadlock.detected);           /* longer than the walk goes */
	timeline_free(&tl);
}

/* Hostile values: a holder far past the lanes, a huge arg, a lock event on
 * a lane never started; nothing breaks, nothing is proved. */
static void test_hostile(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 2);
	ev(&tl, 1, 0, 0, EV_LOCK_WAIT, 0, 1, 1000000);
	ev(&tl, 2, 1, 1, EV_LOCK_WAIT, 0, 2, UINT64_MAX);
	ev(&tl, 3, 9, CV_NO_TASK, EV_LOCK_TAKE, 0, 1, 0);
	ev(&tl, 4, 9, CV_NO_TASK, EV_LOCK_WAIT, 0, 1, 10);
	assert_true(tl.deadlock.detected);             /* 9 holds L2 and waits for it */
	assert_int_equal(tl.deadlock.lanes[0], 9);
	assert_int_equal(tl.lanes[1].wait_holder, 0);
	for (uint32_t i = 0; i < 3000; i++)            /* many distinct locks */
		ev(&tl, 5, 1, 1, EV_LOCK_TAKE, 0, 100 + i * 7919, 0);
	assert_int_equal(locks_holder(&tl, 100 + 2999 * 7919), 2);
	timeline_free(&tl);
}

/* The counter's tally: plan, lost moments (marks per lane), the value now,
 * then the exact final figures. */
static void test_race_tally(void **state)
{
	(void)state;
	struct timeline tl;
	lanes_up(&tl, 2);
	assert_false(tl.race.known);
	assert_int_equal(tl.race.t_first_loss, -1);
	ev(&tl, 0, 0, CV_NO_TASK, EV_RACE, RACE_PLAN, 0, 1000);
	assert_true(tl.race.known);
	assert_int_equal(tl.race.expected, 1000);
	ev(&tl, 5, 1, 1, EV_RACE, RACE_LOSS, 1, 17);
	ev(&tl, 7, 0, 0, EV_RACE, RACE_LOSS, 2, 40);
	ev(&tl, 9, 1, 1, EV_RACE, RACE_LOSS, 2, 55);
	assert_int_equal(tl.race.lost, 3);
	assert_int_equal(tl.race.t_first_loss, 5 * MS);
	ev(&tl, 10, 1, 1, EV_RACE, RACE_VALUE, 500, 480);
	assert_int_equal(tl.race.final, 480);
	assert_false(tl.race.ended);
	const struct lanemark *m;
	assert_int_equal(racetally_losses(&tl, 1, 0, 100 * MS, &m), 2);
	assert_int_equal(m[0].a, 17);
	assert_int_equal(m[0].b, 1);
	assert_int_equal(m[1].t, 9 * MS);
	assert_int_equal(racetally_losses(&tl, 1, 6 * MS, 9 * MS, &m), 0);
	assert_int_equal(racetally_losses(&tl, 1, 6 * MS, 9 * MS + 1, &m), 1);
	assert_int_equal(racetally_losses(&tl, 0, 0, 100 * MS, &m), 1);
	assert_int_equal(racetally_losses(&tl, 5, 0, 100 * MS, &m), 0);
	assert_null(m);
	ev(&tl, 20, 0, CV_NO_TASK, EV_RACE, RACE_FINAL, 1000, 873);
	assert_true(tl.race.ended);
	assert_int_equal(tl.race.final, 873);
	assert_int_equal(tl.race.lost, 127);
	ev(&tl, 21, 0, CV_NO_TASK, EV_RACE, 99, 0, 1);  /* a code from a later version */
	assert_int_equal(tl.race.lost, 127);
	timeline_free(&tl);
}

/* A recording of a deadlocked run replays into the same deadlock, waits
 * and race figures. */
static void test_replay(void **state)
{
	(void)state;
	char path[] = "/tmp/cvz-locks-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct cv_params p;
	params_default(&p);
	p.workload = WL_DEADLOCK;
	p.lock_order = true;
	struct session s;
	assert_int_equal(session_init(&s, &p), 0);
	assert_true(session_add_lane(&s, "thread 1", LANE_WORKER) >= 0);
	assert_true(session_add_lane(&s, "thread 2", LANE_WORKER) >= 0);
	uint64_t t = s.start_mono_ns;
	struct cv_event evs[] = {
		{ t + 1, 0, 0, CV_NO_TASK, EV_LANE_START, 0, 0 },
		{ t + 1, 0, 1, CV_NO_TASK, EV_LANE_START, 0, 0 },
		{ t + 2, 0, 0, 0, EV_TASK_BEGIN, 0, 0 },
		{ t + 2, 0, 1, 1, EV_TASK_BEGIN, 0, 0 },
		{ t + 3, 0, 0, 0, EV_LOCK_TAKE, 0, 0 },
		{ t + 3, 0, 1, 1, EV_LOCK_TAKE, 0, 1 },
		{ t + 4, 0, 1, 1, EV_RACE, RACE_LOSS, 1 },
		{ t + 5, 2, 0, 0, EV_LOCK_WAIT, 0, 1 },
		{ t + 6, 1, 1, 1, EV_LOCK_WAIT, 0, 0 },
		{ t + 9, 2, 0, CV_NO_TASK, EV_MARK, 0, MARK_DEADLOCK },
	};
	size_t n = sizeof evs / sizeof evs[0];
	char err[256];
	struct recorder *rec = recorder_open(path, true, &s, err, sizeof err);
	assert_non_null(rec);
	assert_int_equal(recorder_write(rec, evs, n), 0);
	assert_int_equal(recorder_close(rec, err, sizeof err), 0);
	struct session r;
	struct timeline tl;
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), 0);
	unlink(path);
	assert_true(r.params.lock_order);
	assert_int_equal(r.params.workload, WL_DEADLOCK);
	assert_true(tl.deadlock.detected);
	assert_int_equal(tl.deadlock.n, 2);
	assert_int_equal(tl.deadlock.lanes[0], 0);
	assert_int_equal(tl.deadlock.t_formed, 6);
	assert_int_equal(tl.deadlock.t_detected, 9);
	assert_int_equal(tl.race.lost, 1);
	assert_non_null(locks_wait_at(&tl, 0, 5));
	session_free(&r);
	timeline_free(&tl);
	session_free(&s);
}

/* Run every test of this file. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_cycle),       cmocka_unit_test(test_three_cycle),
		cmocka_unit_test(test_self_cycle),      cmocka_unit_test(test_unknown_holders),
		cmocka_unit_test(test_stale_holder),    cmocka_unit_test(test_take_after_wait),
		cmocka_unit_test(test_lane_end),        cmocka_unit_test(test_long),
		cmocka_unit_test(test_hostile),         cmocka_unit_test(test_race_tally),
		cmocka_unit_test(test_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
