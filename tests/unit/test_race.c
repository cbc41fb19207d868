/*
 * test_race.c - the race and deadlock workloads, run through the runner as
 * `concviz run` runs them, in every mode.
 *
 * race: threads and procs lose updates (each gets a bounded number of
 * tries: losing is likely, not certain, on a busy machine); async and seq
 * never do, nor does any mode with --lock, every time. The figures are
 * exact: the final value plus the updates lost is what was expected.
 * deadlock: threads, procs and async form the cycle every time; it is found
 * and the run ends (the 200 ms and 2 s targets are measured by `make bench`,
 * bench_race.c; here the bounds only catch a hang), the cycle's tasks fail
 * FAIL_DEADLOCK, the others are cancelled or never start, no child is left;
 * seq and --lock-order never deadlock and do all the work. Quitting while a
 * deadlock stands still ends it as a deadlock.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "clock.h"
#include "lanemarks.h"
#include "runner.h"

#define RACE_TRIES 10                          /* runs that may all fail to lose, at most */
#define MS 1000000ll

/* Params for a run of workload w in mode m with n tasks. */
static struct cv_params params(enum cv_mode m, enum cv_workload w, int n)
{
	struct cv_params p;
	params_default(&p);
	p.mode = m;
	p.workload = w;
	p.tasks = n;
	p.no_ui = true;
	return p;
}

/* Run p to its end in r (a guard of 30 s fails a hung run). */
static void run(struct runner *r, const struct cv_params *p)
{
	char err[256];
	if (runner_start(r, p, err, sizeof err) < 0)
		fail_msg("runner_start: %s", err);
	uint64_t t0 = clock_ns();
	while (!r->finished) {
		if (clock_ns() - t0 > 30ull * 1000 * MS)
			fail_msg("the run did not finish");
		if (runner_drain(r) == 0)
			clock_sleep_ns(2 * MS);
	}
	assert_int_equal(r->exit_status, 0);
}

/* Count the logged events of kind (and code when code >= 0). */
static size_t count(const struct runner *r, int kind, int code)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nlog; i++)
		n += r->log[i].kind == kind && (code < 0 || r->log[i].code == code);
	return n;
}

/* Assert no child of this process is left (running or zombie). */
static void assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Check a finished race run's figures: planned, exact, all tasks done;
 * returns the updates lost. */
static uint64_t race_checked(const struct runner *r, int tasks)
{
	const struct tl_race *x = &r->tl.race;
	assert_true(x->known && x->ended);
	assert_int_equal(x->expected, (uint64_t)tasks * 100);
	assert_int_equal(x->final + x->lost, x->expected);
	assert_int_equal(r->tl.stats.done, tasks);
	assert_int_equal(count(r, EV_RACE, RACE_VALUE), tasks);
	assert_int_equal(count(r, EV_RACE, RACE_FINAL), 1);
	assert_false(r->tl.deadlock.detected);
	return x->lost;
}

/* Pre-emptive modes lose updates, within a bounded number of tries; the
 * lost-update moments are marked, one per update lost at most. */
static void check_loses(enum cv_mode m)
{
	for (int k = 1; k <= RACE_TRIES; k++) {
		struct cv_params p = params(m, WL_RACE, 4);
		struct runner r;
		run(&r, &p);
		uint64_t lost = race_checked(&r, 4);
		size_t marks = lanemarks_count(r.tl.race_marks);
		assert_int_equal(marks, count(&r, EV_RACE, RACE_LOSS));
		runner_free(&r);
		print_message("%s: try %d, %llu lost, %zu marked\n", params_mode_name(m), k,
			      (unsigned long long)lost, marks);
		if (lost > 0 && marks > 0)
			return;
	}
	fail_msg("%s lost no update in %d runs", params_mode_name(m), RACE_TRIES);
}

/* threads and procs lose updates. */
static void test_race_loses(void **state)
{
	(void)state;
	check_loses(MODE_THREADS);
	check_loses(MODE_PROCS);
	assert_no_children();
}

/* async and seq never lose an update; no mode does with --lock (the lock
 * is taken and released once per increment), every time. */
static void test_race_exact(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++)
		for (int m = 0; m < MODE_BUILTIN; m++)
			for (int lock = 0; lock < 2; lock++) {
				if (!lock && (m == MODE_THREADS || m == MODE_PROCS))
					continue;
				struct cv_params p = params((enum cv_mode)m, WL_RACE, 3);
				p.lock = lock;
				struct runner r;
				run(&r, &p);
				assert_int_equal(race_checked(&r, 3), 0);
				assert_int_equal(r.tl.race.final, 300);
				assert_int_equal(lanemarks_count(r.tl.race_marks), 0);
				assert_int_equal(count(&r, EV_LOCK_TAKE, -1), lock ? 300 : 0);
				assert_int_equal(count(&r, EV_LOCK_FREE, -1), lock ? 300 : 0);
				runner_free(&r);
			}
	assert_no_children();
}

/* Check a deadlocked run of mode m: the cycle, its timing, the tasks' fates. */
static void check_deadlock(enum cv_mode m)
{
	struct cv_params p = params(m, WL_DEADLOCK, 4);
	struct runner r;
	run(&r, &p);
	const struct tl_deadlock *d = &r.tl.deadlock;
	if (!d->detected)
		fail_msg("%s: no deadlock found", params_mode_name(m));
	assert_int_equal(d->n, 2);
	assert_true(d->lanes[0] != d->lanes[1]);
	assert_true(d->locks[0] != d->locks[1]);
	assert_true(d->locks[0] < 2 && d->locks[1] < 2);
	assert_true(r.tl.lanes[d->lanes[0]].deadlocked && r.tl.lanes[d->lanes[1]].deadlocked);
	int64_t found = d->t_detected - d->t_formed, ended = r.tl.run_end - d->t_detected;
	print_message("%s: formed at %.1f ms, found %.2f ms later, run ended %.1f ms after that\n",
		      params_mode_name(m), (double)d->t_formed / MS, (double)found / MS, (double)ended / MS);
	assert_true(found >= 0 && found <= 10000 * MS);   /* bounds against a hang, not targets */
	assert_true(ended >= 0 && ended <= 20000 * MS);
	assert_int_equal(count(&r, EV_MARK, -1) - 2, 1);   /* begin, end, MARK_DEADLOCK */
	int deadlocked = 0;
	for (size_t i = 0; i < r.tl.ntasks; i++) {
		const struct tl_task *t = &r.tl.tasks[i];
		if (t->state == TASK_PENDING)
			continue;                             /* never started */
		assert_int_equal(t->state, TASK_FAILED);
		bool in = t->lane == d->lanes[0] || t->lane == d->lanes[1];
		assert_int_equal(t->reason, in ? FAIL_DEADLOCK : FAIL_CANCELLED);
		deadlocked += in;
	}
	assert_int_equal(deadlocked, 2);
	for (size_t l = 0; l < r.tl.nlanes; l++) {
		assert_true(r.tl.lanes[l].end >= 0);          /* every lane ended */
		assert_int_equal(r.tl.lanes[l].wait_lock, TL_NO_LOCK);
	}
	assert_int_equal(count(&r, EV_LOCK_TAKE, -1), count(&r, EV_LOCK_FREE, -1));
	runner_free(&r);
}

/* threads, procs and async deadlock every time; the run ends cleanly. */
static void test_deadlock(void **state)
{
	(void)state;
	check_deadlock(MODE_THREADS);
	check_deadlock(MODE_PROCS);
	check_deadlock(MODE_ASYNC);
	assert_no_children();
}

/* seq (one task at a time) and --lock-order (one order) never deadlock and
 * do every task, each taking both locks once. */
static void test_no_deadlock(void **state)
{
	(void)state;
	for (int m = 0; m < MODE_BUILTIN; m++)
		for (int order = 0; order < 2; order++) {
			if (!order && m != MODE_SEQ)
				continue;
			struct cv_params p = params((enum cv_mode)m, WL_DEADLOCK, 4);
			p.lock_order = order;
			struct runner r;
			run(&r, &p);
			assert_false(r.tl.deadlock.detected);
			assert_int_equal(r.tl.stats.done, 4);
			assert_int_equal(r.tl.stats.failed, 0);
			assert_int_equal(count(&r, EV_LOCK_TAKE, -1), 8);
			assert_int_equal(count(&r, EV_LOCK_FREE, -1), 8);
			if (order && m != MODE_SEQ)
				assert_true(count(&r, EV_LOCK_WAIT, -1) > 0);   /* they queue on L1 */
			runner_free(&r);
		}
	assert_no_children();
}

/* Stopping a run while its deadlock stands (the user quits): the cycle's
 * tasks still fail as deadlocked, and everything ends at once. */
static void test_stop_deadlocked(void **state)
{
	(void)state;
	for (int m = MODE_THREADS; m < MODE_BUILTIN; m++) {
		struct cv_params p = params((enum cv_mode)m, WL_DEADLOCK, 2);
		struct runner r;
		char err[256];
		assert_int_equal(runner_start(&r, &p, err, sizeof err), 0);
		uint64_t t0 = clock_ns();
		while (!r.tl.deadlock.detected) {
			if (clock_ns() - t0 > 10000ull * MS)
				fail_msg("%s: no deadlock", params_mode_name((enum cv_mode)m));
			runner_drain(&r);
			clock_sleep_ns(MS);
		}
		uint64_t t1 = clock_ns();
		runner_stop(&r);
		assert_true(clock_ns() - t1 < 20000ull * MS);    /* no hang (no target) */
		assert_true(r.finished);
		assert_int_equal(r.tl.stats.failed, 2);
		for (int i = 0; i < 2; i++)
			assert_int_equal(r.tl.tasks[i].reason, FAIL_DEADLOCK);
		runner_free(&r);
	}
	assert_no_children();
}

/* Run every test of this file. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_race_loses),      cmocka_unit_test(test_race_exact),
		cmocka_unit_test(test_deadlock),        cmocka_unit_test(test_no_deadlock),
		cmocka_unit_test(test_stop_deadlocked),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	runner_shutdown();
	return rc;
}
