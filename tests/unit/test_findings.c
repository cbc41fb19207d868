/*
 * test_findings.c - the findings, from synthetic timelines.
 *
 * Each test writes the events of a run that has (or has not) one problem,
 * the way an engine or the tracer would emit them, builds the session and
 * the timeline as a replay does, and checks the findings: the id, the
 * severity, the lanes, the time range, the numbers in the text and the
 * predicted speed-up against the model worked out by hand. Well-fitted runs
 * must get no warning. Also: the ranking, JSON and text output, the
 * incremental update against a fresh one, and the greedy schedule and the
 * quantile the predictions use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "findings.h"
#include "findings_int.h"

#define T0 1000000000ull
#define MS 1000000.0

/* A synthetic run: its session and the events written so far. */
struct tb {
	struct session s;
	struct timeline tl;
	struct cv_event *ev;
	size_t n, cap;
	struct findings_state st;
	double measured;          /* the share of a task's drawn CPU time that
	                             gil_lanes reports as measured (below 1: a
	                             VM's host took the rest) */
};

/* Start a run of mode/workload with workers, cores and ntasks named tasks. */
static void tb_init(struct tb *b, enum cv_mode mode, enum cv_workload wl, int workers, int cores,
		    uint32_t ntasks)
{
	memset(b, 0, sizeof *b);
	struct cv_params p;
	params_default(&p);
	p.mode = mode;
	p.workload = wl;
	p.workers = workers;
	p.tasks = (int)ntasks;
	assert_int_equal(session_init(&b->s, &p), 0);
	b->s.cores = cores;
	b->s.start_mono_ns = T0;
	char **names = calloc(ntasks + 1, sizeof *names);
	for (uint32_t i = 0; i < ntasks; i++) {
		names[i] = malloc(32);
		snprintf(names[i], 32, "job %u", i);
	}
	assert_int_equal(session_set_tasks(&b->s, names, ntasks), 0);
	for (uint32_t i = 0; i < ntasks; i++)
		free(names[i]);
	free(names);
	findings_state_init(&b->st);
	b->measured = 1.0;
}

/* Append one event at ms. */
static void tb_ev(struct tb *b, double ms, uint32_t lane, uint32_t task, int kind, uint16_t code,
		  uint32_t aux, uint64_t arg)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->ev = realloc(b->ev, b->cap * sizeof *b->ev);
		assert_non_null(b->ev);
	}
	b->ev[b->n++] = (struct cv_event){ T0 + (uint64_t)(ms * MS + 0.5), arg, lane, task,
					   (uint16_t)kind, code, aux };
}

/* Add a lane (named, of kind) that starts at ms; returns its index. */
static uint32_t tb_lane(struct tb *b, const char *name, enum lane_kind kind, double ms)
{
	int l = session_add_lane(&b->s, name, kind);
	assert_true(l >= 0);
	tb_ev(b, ms, (uint32_t)l, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
	return (uint32_t)l;
}

/* Add a lane named fmt with the number n (a worker's "thread %u"), started at 0. */
static uint32_t tb_named(struct tb *b, const char *fmt, unsigned n, enum lane_kind kind)
{
	char name[32];
	snprintf(name, sizeof name, fmt, n);
	return tb_lane(b, name, kind, 0);
}

/* Build the timeline from the events (sorted by time, stably). */
static void tb_build(struct tb *b)
{
	/* insertion sort: stable, and the events are nearly in order */
	for (size_t i = 1; i < b->n; i++) {
		struct cv_event x = b->ev[i];
		size_t j = i;
		while (j > 0 && b->ev[j - 1].t > x.t) {
			b->ev[j] = b->ev[j - 1];
			j--;
		}
		b->ev[j] = x;
	}
	timeline_init(&b->tl, T0);
	for (size_t i = 0; i < b->n; i++) {
		assert_int_equal(session_take(&b->s, &b->ev[i]), 0);
		assert_int_equal(timeline_add(&b->tl, &b->ev[i]), 0);
	}
}

/* Build and compute the findings of a finished run. */
static const struct findings *tb_findings(struct tb *b)
{
	tb_build(b);
	assert_int_equal(findings_update(&b->st, &b->s, &b->tl, NULL), 0);
	return &b->st.list;
}

/* Free the run. */
static void tb_free(struct tb *b)
{
	findings_state_free(&b->st);
	timeline_free(&b->tl);
	session_free(&b->s);
	free(b->ev);
}

/* Return the finding id of l, failing the test when it is missing. */
static const struct finding *must(const struct findings *l, const char *id)
{
	const struct finding *f = findings_find(l, id);
	if (!f) {
		for (int i = 0; i < l->n; i++)
			print_message("  have %s: %s\n", l->f[i].id, l->f[i].text);
		fail_msg("no finding %s", id);
	}
	return f;
}

/* Assert that l has no warning at all. */
static void no_warning(const struct findings *l)
{
	for (int i = 0; i < l->n; i++)
		if (l->f[i].severity == FINDING_WARN)
			fail_msg("unexpected warning %s: %s", l->f[i].id, l->f[i].text);
}

/* Assert x within rel of want. */
static void near(double x, double want, double rel)
{
	if (x < want * (1 - rel) || x > want * (1 + rel))
		fail_msg("got %f, want %f (within %.1f%%)", x, want, rel * 100);
}

/* Assert the finding's lanes are exactly want[0..n). */
static void lanes_are(const struct findings *l, const struct finding *f, const uint32_t *want, size_t n)
{
	size_t k;
	const uint32_t *v = findings_lanes(l, f, &k);
	assert_int_equal(k, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i], want[i]);
}

/* Write nl lanes of CPU work that take turns on one lock (a GIL): tasks of
 * task_ms CPU each, per_lane tasks per lane, slices of slice_ms; the lock
 * wait is EV_LOCK (built-in) or EV_LOCK_WAIT on lock 0x1234 (traced, with
 * tasks only when with_tasks). Returns the end time in ms. */
static double gil_lanes(struct tb *b, const uint32_t *lanes, int nl, int per_lane, double task_ms,
			double slice_ms, bool traced, bool with_tasks)
{
	double left[16], t = 0;
	int done[16];
	uint32_t cur[16];
	uint32_t next = 0;
	for (int k = 0; k < nl; k++) {
		left[k] = task_ms;
		done[k] = 0;
		cur[k] = with_tasks ? next++ : CV_NO_TASK;
		if (with_tasks)
			tb_ev(b, 0, lanes[k], cur[k], EV_TASK_BEGIN, 0, 0, 0);
		if (k)
			tb_ev(b, 0, lanes[k], cur[k], traced ? EV_LOCK_WAIT : EV_LOCK, 0, 0x1234, 0);
	}
	int active = nl, run = 0;
	tb_ev(b, 0, lanes[0], cur[0], EV_CPU, 0, 0, 0);
	while (active > 0) {
		double d = left[run] < slice_ms ? left[run] : slice_ms;
		t += d;
		left[run] -= d;
		int prev = run;
		if (left[run] <= 1e-9) {
			if (with_tasks)
				tb_ev(b, t, lanes[run], cur[run], EV_TASK_END, 0,
				      (uint32_t)(task_ms * 1000 * b->measured), 0);
			if (++done[run] < per_lane) {
				left[run] = task_ms;
				cur[run] = with_tasks ? next++ : CV_NO_TASK;
				if (with_tasks)
					tb_ev(b, t, lanes[run], cur[run], EV_TASK_BEGIN, 0, 0, 0);
			} else {
				tb_ev(b, t, lanes[run], CV_NO_TASK, EV_LANE_END, 0, 0, 0);
				active--;
			}
		}
		if (active == 0)
			break;
		do
			run = (run + 1) % nl;
		while (done[run] >= per_lane);
		if (done[prev] < per_lane && prev != run)
			tb_ev(b, t, lanes[prev], cur[prev], traced ? EV_LOCK_WAIT : EV_LOCK, 0, 0x1234, 0);
		tb_ev(b, t, lanes[run], cur[run], EV_CPU, 0, 0, 0);
	}
	return t;
}

/* Write a threads x4 + GIL run on cores cores, 8 tasks of 20 ms (measured
 * as that share of it) into b; returns its end in ms. */
static double gil_run(struct tb *b, int cores, double measured)
{
	tb_init(b, MODE_THREADS, WL_CPU, 4, cores, 8);
	b->s.params.gil = true;
	b->measured = measured;
	uint32_t l[4];
	for (int k = 0; k < 4; k++)
		l[k] = tb_named(b, "thread %u", (unsigned)(k + 1), LANE_WORKER);
	tb_ev(b, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	double end = gil_lanes(b, l, 4, 2, 20, 5, false, true);
	tb_ev(b, end, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	return end;
}

/* threads x4 + GIL on 4 cores, 8 tasks of 20 ms: gil-bound, procs x4, 4x. */
static void test_gil_bound(void **state)
{
	(void)state;
	struct tb b;
	double end = gil_run(&b, 4, 1.0);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "gil-bound");
	assert_ptr_equal(f, findings_top(fl));
	assert_int_equal(f->severity, FINDING_WARN);
	assert_true(f->has_suggest);
	assert_int_equal(f->suggest.mode, MODE_PROCS);
	assert_int_equal(f->suggest.workers, 4);
	/* 160 ms of CPU (8 x 20 ms) on 4 processes: 40 ms; the wall is 160 ms */
	near(end, 160, 0.001);
	near(f->suggest.speedup, 4.0, 0.001);
	assert_non_null(strstr(f->text, "waiting for the GIL"));
	assert_non_null(strstr(f->text, "used 1.00 of 4 cores"));
	assert_non_null(strstr(f->text, "as 4 processes"));
	static const uint32_t want[] = { 0, 1, 2, 3 };
	lanes_are(fl, f, want, 4);
	assert_int_equal(f->t0, 0);
	near((double)f->t1, 160 * MS, 0.001);
	assert_null(findings_find(fl, "cores-saturated"));
	assert_null(findings_find(fl, "stragglers"));
	tb_free(&b);
}

/* The same on a host that took 60 % of the CPU away: the tasks measured
 * 8 ms of CPU each (0.4 cores used), but one thread was always drawn
 * running: still gil-bound, and the text says the cores really used. */
static void test_gil_bound_starved(void **state)
{
	(void)state;
	struct tb b;
	gil_run(&b, 2, 0.4);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "gil-bound");
	assert_non_null(strstr(f->text, "used 0.40 of 2 cores"));
	assert_int_equal(f->suggest.mode, MODE_PROCS);
	tb_free(&b);
}

/* A traced program: threads alternating CPU and futex waits on one lock,
 * no tasks, plus a main thread waiting to join them: lock-bound (or
 * gil-bound when the program is python), suggesting processes. */
static void test_traced_lock_bound(void **state)
{
	(void)state;
	for (int py = 0; py < 2; py++) {
		struct tb b;
		tb_init(&b, MODE_TRACE, WL_CPU, 0, 4, 0);
		char *argv[] = { py ? "/usr/bin/python3" : "./prog", "work", NULL };
		assert_int_equal(session_set_argv(&b.s, 2, argv), 0);
		uint32_t main_lane = tb_lane(&b, py ? "python3 100" : "prog 100", LANE_WORKER, 0);
		tb_ev(&b, 0.1, main_lane, CV_NO_TASK, EV_LOCK_WAIT, 0, 0x9999, 0);
		uint32_t l[3];
		for (int k = 0; k < 3; k++)
			l[k] = tb_lane(&b, "worker", LANE_WORKER, 0);
		double end = gil_lanes(&b, l, 3, 1, 60, 5, true, false);
		tb_ev(&b, end + 1, main_lane, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		const struct findings *fl = tb_findings(&b);
		const struct finding *f = must(fl, py ? "gil-bound" : "lock-bound");
		assert_int_equal(f->severity, FINDING_WARN);
		assert_int_equal(f->suggest.mode, MODE_PROCS);
		assert_int_equal(f->suggest.workers, 3);
		/* 3 threads x 60 ms of CPU on 3 processes: 60 ms, against 181 ms */
		near(f->suggest.speedup, 181.0 / 60.0, 0.01);
		static const uint32_t want[] = { 1, 2, 3 };   /* not the joining main thread */
		lanes_are(fl, f, want, 3);
		tb_free(&b);
	}
}

/* Traced threads that wait on a futex for work most of the time (a quiet
 * pool): lock waits, but not lock-bound: nobody runs meanwhile. */
static void test_waiting_for_work(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_TRACE, WL_CPU, 0, 4, 0);
	for (int k = 0; k < 3; k++) {
		uint32_t l = tb_lane(&b, "worker", LANE_WORKER, 0);
		for (int s = 0; s < 10; s++) {   /* 10 ms of work, then 90 ms waiting for the next */
			tb_ev(&b, s * 100.0 + k, l, CV_NO_TASK, EV_CPU, 0, 0, 0);
			tb_ev(&b, s * 100.0 + k + 10, l, CV_NO_TASK, EV_LOCK_WAIT, 0, 0x77, 0);
		}
		tb_ev(&b, 1000, l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	}
	const struct findings *fl = tb_findings(&b);
	assert_null(findings_find(fl, "lock-bound"));
	assert_null(findings_find(fl, "gil-bound"));
	no_warning(fl);
	tb_free(&b);
}

/* seq cpu on 4 cores, 10 tasks of 10 ms: cores-idle, procs x4 (makespan
 * 30 ms: 3, 3, 2, 2 tasks), 100 / 30 = 3.33x. */
static void test_cores_idle(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_SEQ, WL_CPU, 1, 4, 10);
	uint32_t m = tb_lane(&b, "main", LANE_MAIN, 0);
	tb_ev(&b, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	for (uint32_t i = 0; i < 10; i++) {
		tb_ev(&b, i * 10.0, m, i, EV_TASK_BEGIN, 0, 0, 0);
		tb_ev(&b, i * 10.0, m, i, EV_CPU, 0, 0, 0);
		tb_ev(&b, i * 10.0 + 10, m, i, EV_TASK_END, 0, 10000, 0);
	}
	tb_ev(&b, 100, m, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	tb_ev(&b, 100, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "cores-idle");
	assert_int_equal(f->severity, FINDING_WARN);
	assert_int_equal(f->suggest.mode, MODE_PROCS);
	assert_int_equal(f->suggest.workers, 4);
	near(f->suggest.speedup, 100.0 / 30.0, 0.001);
	assert_non_null(strstr(f->text, "main kept 1.00 of 4 cores busy"));
	assert_null(findings_find(fl, "cores-saturated"));
	tb_free(&b);

	/* one traced thread computing, no tasks: one piece of work, no advice */
	tb_init(&b, MODE_TRACE, WL_CPU, 0, 4, 0);
	m = tb_lane(&b, "prog 7", LANE_WORKER, 0);
	tb_ev(&b, 0, m, CV_NO_TASK, EV_CPU, 0, 0, 0);
	tb_ev(&b, 500, m, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	fl = tb_findings(&b);
	f = must(fl, "cores-idle");
	assert_int_equal(f->severity, FINDING_INFO);
	assert_false(f->has_suggest);
	no_warning(fl);
	tb_free(&b);
}

/* procs x4 on 4 cores, 8 equal tasks: cores-saturated, and no warning. */
static void test_cores_saturated(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_PROCS, WL_CPU, 4, 4, 8);
	tb_ev(&b, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	for (uint32_t k = 0; k < 4; k++) {
		uint32_t l = tb_named(&b, "pid %u", (unsigned)(100 + k), LANE_WORKER);
		for (uint32_t j = 0; j < 2; j++) {
			uint32_t i = k * 2 + j;
			tb_ev(&b, j * 50.0 + 0.1, l, i, EV_TASK_BEGIN, 0, 0, 0);
			tb_ev(&b, j * 50.0 + 0.1, l, i, EV_CPU, 0, 0, 0);
			tb_ev(&b, j * 50.0 + 50, l, i, EV_TASK_END, 0, 49900, 0);
		}
		tb_ev(&b, 100.2, l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	}
	tb_ev(&b, 100.3, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "cores-saturated");
	assert_int_equal(f->severity, FINDING_INFO);
	assert_false(f->has_suggest);
	assert_non_null(strstr(f->text, "the 4 worker processes kept 3.98 of 4 cores busy"));
	no_warning(fl);
	tb_free(&b);
}

/* Traced threads that are runnable without a core: 8 threads on 2 cores
 * (oversubscribed, suggesting 2 threads) and 2 threads on 4 cores
 * (cpu-contention: other programs). */
static void test_ready(void **state)
{
	(void)state;
	for (int over = 0; over < 2; over++) {
		struct tb b;
		int nl = over ? 8 : 2, cores = over ? 2 : 4;
		tb_init(&b, MODE_TRACE, WL_CPU, 0, cores, 0);
		for (int k = 0; k < nl; k++) {
			uint32_t l = tb_lane(&b, "t", LANE_WORKER, 0);
			for (int s = 0; s < 20; s++) {   /* 4 ms running, 6 ms ready */
				tb_ev(&b, s * 10.0, l, CV_NO_TASK, EV_CPU, 0, 0, 0);
				tb_ev(&b, s * 10.0 + 4, l, CV_NO_TASK, EV_READY, 0, 0, 0);
			}
			tb_ev(&b, 200, l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		}
		const struct findings *fl = tb_findings(&b);
		const struct finding *f = must(fl, over ? "oversubscribed" : "cpu-contention");
		assert_int_equal(f->severity, FINDING_WARN);
		assert_non_null(strstr(f->text, "60%"));
		if (over) {
			assert_true(f->has_suggest);
			assert_int_equal(f->suggest.mode, MODE_THREADS);
			assert_int_equal(f->suggest.workers, 2);
			/* 8 x 80 ms of CPU on 2 cores: 320 ms, against 200 ms run */
			near(f->suggest.speedup, 200.0 / 320.0, 0.01);
		} else {
			assert_false(f->has_suggest);
		}
		tb_free(&b);
	}
}

/* Write an async run: a loop lane and n task lanes; every task is queued
 * at 0, does `io_ms` of I/O, and its callback runs `cb_ms` on the loop
 * (task `slow` runs `slow_ms` instead, measured as CPU time when slow_cpu).
 * Returns the end in ms. */
static double async_run(struct tb *b, uint32_t n, double io_ms, double cb_ms, uint32_t slow, double slow_ms,
			bool slow_cpu)
{
	uint32_t loop = tb_lane(b, "loop", LANE_LOOP, 0);
	tb_ev(b, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	uint32_t *lane = calloc(n, sizeof *lane);
	for (uint32_t i = 0; i < n; i++) {
		lane[i] = tb_named(b, "task %u", (unsigned)(i + 1), LANE_TASK);
		tb_ev(b, 0, lane[i], i, EV_TASK_QUEUED, 0, 0, 0);
		tb_ev(b, 0.01, lane[i], i, EV_TASK_BEGIN, 0, 0, 0);
		tb_ev(b, 0.01, lane[i], i, EV_IO, 0, 0, 0);
	}
	/* the loop: poll until the answers come, then one callback each */
	double t = 0.02;
	tb_ev(b, t, loop, CV_NO_TASK, EV_POLL, 0, 0, 0);
	t = io_ms;
	for (uint32_t i = 0; i < n; i++) {
		double d = i == slow ? slow_ms : cb_ms;
		tb_ev(b, t, loop, i, EV_CALLBACK, 0, 0, 0);
		t += d;
		tb_ev(b, t, lane[i], i, EV_TASK_END, 200, i == slow && slow_cpu ? (uint32_t)(d * 1000) : 0, 1000);
		tb_ev(b, t, lane[i], CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		tb_ev(b, t, loop, CV_NO_TASK, EV_POLL, 0, 0, 0);
		t += 0.05;
	}
	tb_ev(b, t, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	tb_ev(b, t, loop, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	free(lane);
	return t;
}

/* An async run whose task 4 (index 3) blocks the loop for 40 ms of CPU
 * work: loop-blocked names it, with the loop's and its lane, the block's
 * time range and the other tasks' latency; no speed-up worth a suggestion.
 * The same block not known to be CPU work: the facts, no prediction. */
static void test_loop_blocked(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_ASYNC, WL_IO, 0, 2, 8);
	async_run(&b, 8, 100, 0.2, 3, 40, true);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "loop-blocked");
	assert_int_equal(f->severity, FINDING_WARN);
	assert_non_null(strstr(f->text, "kept from polling 1 time for 10.0 ms or more"));
	assert_non_null(strstr(f->text, "40.0 ms at"));
	assert_non_null(strstr(f->text, "by task 4 (job 3)"));
	assert_non_null(strstr(f->text, "mean latency would drop"));
	static const uint32_t want[] = { 0, 4 };  /* the loop, task 4's lane */
	lanes_are(fl, f, want, 2);
	/* the block: 100.6 + 3 x 0.05 ms .. + 40 ms */
	near((double)f->t0, (100 + 3 * 0.25) * MS, 0.001);
	near((double)(f->t1 - f->t0), 40 * MS, 0.001);
	/* its 40 ms still end the run: 100.75 + 40 ms against 141.8, not worth advice */
	assert_false(f->has_suggest);
	tb_free(&b);

	tb_init(&b, MODE_ASYNC, WL_IO, 0, 2, 8);
	async_run(&b, 8, 100, 0.2, 3, 40, false);
	fl = tb_findings(&b);
	f = must(fl, "loop-blocked");
	assert_int_equal(f->severity, FINDING_INFO);   /* its cause is not known */
	assert_non_null(strstr(f->text, "none of that is known to be CPU work"));
	assert_null(strstr(f->text, "mean latency"));
	assert_false(f->has_suggest);
	tb_free(&b);

	/* no callback past 10 ms: no block; all in flight: good news only */
	tb_init(&b, MODE_ASYNC, WL_IO, 0, 2, 8);
	async_run(&b, 8, 100, 0.2, 3, 0.2, false);
	fl = tb_findings(&b);
	assert_null(findings_find(fl, "loop-blocked"));
	must(fl, "io-overlapped");
	no_warning(fl);
	tb_free(&b);
}

/* Async cpu: every task is one long callback (20 ms each, 8 tasks) on a
 * 2-core machine: loop-blocked suggests procs x2 at 2x, and the mean latency
 * (queued at 0) drops from 90 ms to 50 ms. */
static void test_loop_blocked_cpu(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_ASYNC, WL_CPU, 0, 2, 8);
	uint32_t loop = tb_lane(&b, "loop", LANE_LOOP, 0);
	tb_ev(&b, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	for (uint32_t i = 0; i < 8; i++) {
		uint32_t l = tb_named(&b, "task %u", (unsigned)(i + 1), LANE_TASK);
		tb_ev(&b, 0, l, i, EV_TASK_QUEUED, 0, 0, 0);
		tb_ev(&b, i * 20.0, loop, i, EV_CALLBACK, 0, 0, 0);
		tb_ev(&b, i * 20.0, l, i, EV_TASK_BEGIN, 0, 0, 0);
		tb_ev(&b, i * 20.0, l, i, EV_CPU, 0, 0, 0);
		tb_ev(&b, i * 20.0 + 20, l, i, EV_TASK_END, 0, 20000, 0);
		tb_ev(&b, i * 20.0 + 20, l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		tb_ev(&b, i * 20.0 + 20, loop, CV_NO_TASK, EV_POLL, 0, 0, 0);
	}
	tb_ev(&b, 160, loop, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	tb_ev(&b, 160, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "loop-blocked");
	assert_ptr_equal(f, findings_top(fl));
	assert_true(f->has_suggest);
	assert_int_equal(f->suggest.mode, MODE_PROCS);
	assert_int_equal(f->suggest.workers, 2);
	near(f->suggest.speedup, 2.0, 0.001);
	assert_non_null(strstr(f->text, "8 times"));
	assert_non_null(strstr(f->text, "100% of the run"));
	/* latency now: 20, 40 .. 160, mean 90; on 2 processes 20, 20, 40, 40 .. 80: mean 50 */
	assert_non_null(strstr(f->text, "from 90.0 ms to 50.0 ms"));
	assert_null(findings_find(fl, "cores-idle"));
	tb_free(&b);
}

/* A loop busy 90% of the time with short callbacks: loop-saturated. */
static void test_loop_saturated(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_ASYNC, WL_IO, 0, 2, 100);
	async_run(&b, 100, 10, 0.9, 0, 0.9, false);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "loop-saturated");
	assert_int_equal(f->severity, FINDING_WARN);
	assert_false(f->has_suggest);
	assert_null(findings_find(fl, "loop-blocked"));
	tb_free(&b);
}

/* threads x3 io, 12 tasks of 100 ms I/O, 0.1 ms CPU each, the first task
 * of each worker 1 ms slower (its connection): io-pool-saturated, async;
 * predicted 100 + 1 + 12 x 0.1 ms = 102.2 ms (+ 0.1 ms wind-down). */
static void test_io_pool_saturated(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_THREADS, WL_IO, 3, 2, 12);
	tb_ev(&b, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	double end = 0;
	for (uint32_t k = 0; k < 3; k++) {
		uint32_t l = tb_named(&b, "thread %u", (unsigned)(k + 1), LANE_WORKER);
		double t = 0;
		for (uint32_t j = 0; j < 4; j++) {
			uint32_t i = j * 3 + k;
			double io = j == 0 ? 101 : 100;
			tb_ev(&b, t, l, i, EV_TASK_BEGIN, 0, 0, 0);
			tb_ev(&b, t, l, i, EV_CPU, 0, 0, 0);
			tb_ev(&b, t + 0.05, l, i, EV_IO, 0, 0, 0);
			tb_ev(&b, t + 0.05 + io, l, i, EV_CPU, 0, 0, 0);
			t += 0.1 + io;
			tb_ev(&b, t, l, i, EV_TASK_END, 200, 100, 10240);
			tb_ev(&b, t, l, CV_NO_TASK, EV_IDLE, 0, 0, 0);
		}
		tb_ev(&b, t + 0.1, l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		end = t + 0.1;
	}
	tb_ev(&b, end, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "io-pool-saturated");
	assert_ptr_equal(f, findings_top(fl));
	assert_true(f->has_suggest);
	assert_int_equal(f->suggest.mode, MODE_ASYNC);
	assert_int_equal(f->suggest.workers, 0);
	near(f->suggest.speedup, end / 102.3, 0.001);
	assert_non_null(strstr(f->text, "the 3 threads waited on I/O"));
	assert_non_null(strstr(f->text, "each waiting 100 ms plus 1.00 ms to connect, and 100 us"));
	static const uint32_t want[] = { 0, 1, 2 };
	lanes_are(fl, f, want, 3);
	assert_null(findings_find(fl, "stragglers"));
	tb_free(&b);
}

/* async with 2 transfers in flight for 8 tasks of 50 ms: the slots are the
 * pool; the loop's busy time per task is the CPU each transfer costs it. */
static void test_io_async_limit(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_ASYNC, WL_IO, 2, 2, 8);
	uint32_t loop = tb_lane(&b, "loop", LANE_LOOP, 0);
	tb_ev(&b, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	tb_ev(&b, 0, loop, CV_NO_TASK, EV_POLL, 0, 0, 0);
	for (uint32_t i = 0; i < 8; i++) {
		uint32_t l = tb_named(&b, "task %u", (unsigned)(i + 1), LANE_TASK);
		double at = (i / 2) * 50.2;
		tb_ev(&b, 0, l, i, EV_TASK_QUEUED, 0, 0, 0);
		tb_ev(&b, at, l, i, EV_TASK_BEGIN, 0, 0, 0);
		tb_ev(&b, at, l, i, EV_IO, 0, 0, 0);
		tb_ev(&b, at + 50 + (i % 2) * 0.1, loop, i, EV_CALLBACK, 0, 0, 0);   /* 0.1 ms each */
		tb_ev(&b, at + 50.2, l, i, EV_TASK_END, 200, 0, 100);
		tb_ev(&b, at + 50.2, l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		if (i % 2)
			tb_ev(&b, at + 50.2, loop, CV_NO_TASK, EV_POLL, 0, 0, 0);
	}
	tb_ev(&b, 200.8, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	tb_ev(&b, 200.8, loop, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "io-pool-saturated");
	assert_non_null(strstr(f->text, "the 2 transfers in flight waited on I/O"));
	assert_non_null(strstr(f->text, "and 100 us of the loop's CPU"));
	assert_int_equal(f->suggest.mode, MODE_ASYNC);
	/* 50.2 ms (the slowest wait) + 8 x 0.1 ms, against 200.8 ms */
	near(f->suggest.speedup, 200.8 / 51.0, 0.01);
	tb_free(&b);
}

/* Failures grouped by reason (HTTP by status), cancelled ones apart. */
static void test_failures(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_THREADS, WL_IO, 2, 2, 10);
	uint32_t l0 = tb_lane(&b, "thread 1", LANE_WORKER, 0);
	uint32_t l1 = tb_lane(&b, "thread 2", LANE_WORKER, 0);
	static const struct { int kind; uint32_t reason; uint16_t status; } t[] = {
		{ EV_TASK_FAIL, FAIL_HTTP, 500 }, { EV_TASK_END, 0, 200 }, { EV_TASK_FAIL, FAIL_RESET, 0 },
		{ EV_TASK_FAIL, FAIL_HTTP, 500 }, { EV_TASK_FAIL, FAIL_HTTP, 503 }, { EV_TASK_END, 0, 200 },
		{ EV_TASK_FAIL, FAIL_TIMEOUT, 0 }, { EV_TASK_FAIL, FAIL_HTTP, 500 },
		{ EV_TASK_FAIL, FAIL_CANCELLED, 0 }, { EV_TASK_FAIL, FAIL_CANCELLED, 0 },
	};
	for (uint32_t i = 0; i < 10; i++) {
		uint32_t l = i % 2 ? l1 : l0;
		double at = (i / 2) * 2.0;
		tb_ev(&b, at, l, i, EV_TASK_BEGIN, 0, 0, 0);
		tb_ev(&b, at, l, i, EV_IO, 0, 0, 0);
		tb_ev(&b, at + 1, l, i, t[i].kind, t[i].status, t[i].reason, 0);
	}
	tb_ev(&b, 10, l0, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	tb_ev(&b, 10, l1, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "failures");
	assert_int_equal(f->severity, FINDING_WARN);
	assert_string_equal(f->text, "6 of 8 tasks failed (75.0%): 3 HTTP 500, 1 timed out, 1 reset, "
			    "1 HTTP 503.");
	static const uint32_t want[] = { 0, 1 };
	lanes_are(fl, f, want, 2);
	assert_int_equal(f->t0, 0);
	near((double)f->t1, 7 * MS, 0.001);   /* task 8 failed at 7 ms; 9 and 10 were cancelled */
	const struct finding *c = must(fl, "cancelled");
	assert_int_equal(c->severity, FINDING_INFO);
	assert_non_null(strstr(c->text, "2 of 10 tasks were cancelled"));
	tb_free(&b);
}

/* procs x4 on 4 cores: three workers end at 40 ms, one at 100 ms. */
static void test_stragglers(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_PROCS, WL_CPU, 4, 4, 5);
	tb_ev(&b, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	uint32_t task = 0;
	for (uint32_t k = 0; k < 4; k++) {
		uint32_t l = tb_named(&b, "pid %u", (unsigned)(10 + k), LANE_WORKER);
		double t = 0;
		for (int j = 0; j < (k == 0 ? 2 : 1); j++, task++) {
			double d = k == 3 ? 100 : k == 0 ? 20 : 40;
			tb_ev(&b, t, l, task, EV_TASK_BEGIN, 0, 0, 0);
			tb_ev(&b, t, l, task, EV_CPU, 0, 0, 0);
			t += d;
			tb_ev(&b, t, l, task, EV_TASK_END, 0, (uint32_t)(d * 1000), 0);
		}
		tb_ev(&b, t, l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	}
	tb_ev(&b, 100, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "stragglers");
	assert_int_equal(f->severity, FINDING_WARN);
	assert_false(f->has_suggest);
	/* idle: 3 workers x 60 ms = 180 of 400 (45%); predicted 100 - 180 / 4 = 55 ms */
	assert_non_null(strstr(f->text, "pid 13 was still working 60.0 ms after"));
	assert_non_null(strstr(f->text, "45%"));
	assert_non_null(strstr(f->text, "(1.82x)"));
	static const uint32_t want[] = { 3 };
	lanes_are(fl, f, want, 1);
	near((double)f->t0, 40 * MS, 0.001);
	near((double)f->t1, 100 * MS, 0.001);
	tb_free(&b);
}

/* A deadlock the timeline found outranks everything; possible-deadlock
 * (traced lanes waiting on locks, nothing moving) and its absence. */
static void test_deadlock(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_THREADS, WL_DEADLOCK, 2, 2, 2);
	uint32_t a = tb_lane(&b, "thread 1", LANE_WORKER, 0), c = tb_lane(&b, "thread 2", LANE_WORKER, 0);
	tb_ev(&b, 0, a, 0, EV_TASK_BEGIN, 0, 0, 0);
	tb_ev(&b, 0, c, 1, EV_TASK_BEGIN, 0, 0, 0);
	tb_ev(&b, 1, a, 0, EV_LOCK_WAIT, 0, 2, 2);
	tb_ev(&b, 1.5, c, 1, EV_LOCK_WAIT, 0, 1, 1);
	tb_ev(&b, 100, c, 1, EV_TASK_FAIL, 0, FAIL_DEADLOCK, 0);
	tb_ev(&b, 100, a, 0, EV_TASK_FAIL, 0, FAIL_DEADLOCK, 0);
	tb_build(&b);
	struct tl_deadlock *d = &b.tl.deadlock;
	d->detected = true;
	d->t_formed = (int64_t)(1.5 * MS);
	d->t_detected = (int64_t)(2 * MS);
	d->n = 2;
	d->lanes[0] = 0, d->locks[0] = 2, d->lanes[1] = 1, d->locks[1] = 1;
	assert_int_equal(findings_update(&b.st, &b.s, &b.tl, NULL), 0);
	const struct findings *fl = &b.st.list;
	const struct finding *f = must(fl, "deadlock");
	assert_ptr_equal(f, findings_top(fl));
	assert_string_equal(f->text, "2 lanes wait for each other in a cycle, none can go on (thread 1 "
			    "waits for L3 held by thread 2, thread 2 waits for L2 held by "
			    "thread 1; formed at 1.50 ms, found 500 us later): take the locks in one "
			    "order everywhere.");
	static const uint32_t want[] = { 0, 1 };
	lanes_are(fl, f, want, 2);
	must(fl, "failures");
	assert_null(findings_find(fl, "possible-deadlock"));
	tb_free(&b);

	/* traced: three threads, two wait on lock 0xa, one on 0xb, for 3 s */
	for (int moving = 0; moving < 2; moving++) {
		tb_init(&b, MODE_TRACE, WL_CPU, 0, 4, 0);
		uint32_t l[4];
		for (int k = 0; k < 4; k++) {
			l[k] = tb_named(&b, "prog %u", (unsigned)(10 + k), LANE_WORKER);
			tb_ev(&b, 1, l[k], CV_NO_TASK, EV_CPU, 0, 0, 0);
		}
		tb_ev(&b, 100, l[1], CV_NO_TASK, EV_LOCK_WAIT, 0, 0xa, 0);
		tb_ev(&b, 110, l[2], CV_NO_TASK, EV_LOCK_WAIT, 0, 0xa, 0);
		tb_ev(&b, 120, l[3], CV_NO_TASK, EV_LOCK_WAIT, 0, 0xb, 0);
		tb_ev(&b, 130, l[0], CV_NO_TASK, EV_IO, 0, 0, 0);
		tb_ev(&b, moving ? 3000 : 150, l[0], CV_NO_TASK, EV_CPU, 0, 0, 0);
		tb_ev(&b, 3200, 0, CV_NO_TASK, EV_MARK, 0, MARK_SAMPLE_HZ, 1000000);
		tb_build(&b);
		for (int k = 1; k < 4; k++) {    /* what the lock events would have set */
			b.tl.lanes[l[k]].wait_lock = k < 3 ? 0xa : 0xb;
			b.tl.lanes[l[k]].wait_since = (int64_t)((90 + 10 * k) * MS);
		}
		assert_int_equal(findings_update(&b.st, &b.s, &b.tl, NULL), 0);
		fl = &b.st.list;
		if (moving) {
			assert_null(findings_find(fl, "possible-deadlock"));
		} else {
			f = must(fl, "possible-deadlock");
			assert_ptr_equal(f, findings_top(fl));
			assert_non_null(strstr(f->text, "3 lanes have waited on locks"));
			assert_non_null(strstr(f->text, "for 3.05 s"));
			assert_non_null(strstr(f->text, "prog 11 and prog 12 wait for lock L11; prog 13 "
							"waits for lock L12"));
			static const uint32_t w3[] = { 1, 2, 3 };
			lanes_are(fl, f, w3, 3);
		}
		tb_free(&b);
	}
}

/* The race workload's counter: lost updates, or none lost. */
static void test_race(void **state)
{
	(void)state;
	for (int lost = 0; lost < 2; lost++) {
		struct tb b;
		tb_init(&b, MODE_THREADS, WL_RACE, 2, 2, 2);
		uint32_t l = tb_lane(&b, "thread 1", LANE_WORKER, 0);
		tb_ev(&b, 0, l, 0, EV_TASK_BEGIN, 0, 0, 0);
		tb_ev(&b, 0, l, 0, EV_CPU, 0, 0, 0);
		tb_ev(&b, 50, l, 0, EV_TASK_END, 0, 0, 0);
		tb_build(&b);
		b.tl.race = (struct tl_race){ true, 400000, lost ? 398766 : 400000, lost ? 1234 : 0,
					      lost ? (int64_t)(12 * MS) : -1 };
		assert_int_equal(findings_update(&b.st, &b.s, &b.tl, NULL), 0);
		const struct findings *fl = &b.st.list;
		if (lost) {
			const struct finding *f = must(fl, "race-lost-updates");
			assert_ptr_equal(f, findings_top(fl));
			assert_non_null(strstr(f->text, "ended at 398766 instead of 400000: 1234 updates "
							"(0.31%) were lost, the first at 12.0 ms"));
			assert_int_equal(f->t0, (int64_t)(12 * MS));
		} else {
			must(fl, "no-lost-updates");
			assert_null(findings_find(fl, "race-lost-updates"));
		}
		tb_free(&b);
	}
}

/* Producers that waited on a full ring are reported. */
static void test_ring_stall(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_SEQ, WL_IO, 1, 2, 1);
	uint32_t l = tb_lane(&b, "main", LANE_MAIN, 0);
	tb_ev(&b, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	tb_ev(&b, 0, l, 0, EV_TASK_BEGIN, 0, 0, 0);
	tb_ev(&b, 0, l, 0, EV_IO, 0, 0, 0);
	tb_ev(&b, 100, l, 0, EV_TASK_END, 200, 0, 0);
	tb_ev(&b, 100, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 5000000);
	const struct findings *fl = tb_findings(&b);
	const struct finding *f = must(fl, "ring-stall");
	assert_non_null(strstr(f->text, "waited 5.00 ms on a full event ring (5.0% of the run)"));
	no_warning(fl);
	tb_free(&b);
}

/* Warnings first, by score; then good news. JSON and text forms. */
static void test_rank_and_output(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_THREADS, WL_CPU, 4, 4, 8);
	b.s.params.gil = true;
	uint32_t l[4];
	for (int k = 0; k < 4; k++)
		l[k] = tb_lane(&b, "w", LANE_WORKER, 0);
	double end = gil_lanes(&b, l, 4, 2, 20, 5, false, true);
	tb_ev(&b, end, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 4000000);
	const struct findings *fl = tb_findings(&b);
	assert_true(fl->n >= 2);
	assert_string_equal(fl->f[0].id, "gil-bound");
	assert_string_equal(fl->f[fl->n - 1].id, "ring-stall");
	for (int i = 1; i < fl->n; i++)
		assert_true(fl->f[i - 1].severity >= fl->f[i].severity);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	findings_print_json(f, fl);
	fclose(f);
	assert_non_null(strstr(buf, "[{\"id\":\"gil-bound\",\"severity\":\"warn\",\"text\":\""));
	assert_non_null(strstr(buf, "\"lanes\":[0,1,2,3],\"t0_s\":0.000000,\"t1_s\":0.160000,"
				    "\"suggest\":{\"mode\":\"procs\",\"workers\":4,\"speedup\":4.000}}"));
	assert_non_null(strstr(buf, "{\"id\":\"ring-stall\",\"severity\":\"info\""));
	assert_int_equal(buf[len - 1], ']');
	free(buf);
	f = open_memstream(&buf, &len);
	findings_print_text(f, fl, 1);
	fclose(f);
	assert_true(!strncmp(buf, "  warn gil-bound: the 4 threads spent 74% of their time", 55));
	assert_int_equal(strchr(buf, '\n') - buf + 1, (long)len);   /* one line */
	free(buf);
	struct finding_brief br;
	findings_brief(fl, &br);
	assert_string_equal(br.id, "gil-bound");
	assert_true(br.has_suggest);
	assert_int_equal(br.suggest.mode, MODE_PROCS);
	assert_null(findings_top_suggestion(NULL));
	tb_free(&b);
}

/* While a run goes on, the loop's blocks not closed yet count: task 0's
 * callback ran 30 ms, then task 1's began and has run 25 ms so far (the
 * run's clock moved on through another lane). Two blocks, each timed as
 * its own; neither yet in the closed blocks. */
static void test_live_open_blocks(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_ASYNC, WL_IO, 0, 2, 2);
	uint32_t loop = tb_lane(&b, "loop", LANE_LOOP, 0);
	tb_ev(&b, 0, loop, CV_NO_TASK, EV_POLL, 0, 0, 0);
	tb_ev(&b, 10, loop, 0, EV_CALLBACK, 0, 0, 0);
	tb_ev(&b, 40, loop, 1, EV_CALLBACK, 0, 0, 0);
	tb_lane(&b, "other", LANE_WORKER, 65);
	tb_build(&b);
	struct findings_opts live;
	findings_opts_default(&live);
	live.live = true;
	assert_int_equal(findings_update(&b.st, &b.s, &b.tl, &live), 0);
	const struct finding *f = findings_find(&b.st.list, "loop-blocked");
	assert_non_null(f);
	assert_non_null(strstr(f->text, "kept from polling 2 times"));
	assert_non_null(strstr(f->text, "the longest, 30.0 ms at"));
	tb_free(&b);
}

/* Updating as the events arrive gives the same list as one update at the
 * end; a rebuilt timeline (another origin) starts the state afresh. */
static void test_incremental(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_ASYNC, WL_CPU, 0, 2, 8);
	async_run(&b, 8, 5, 20, 0, 20, true);
	/* feed in pieces, updating after each */
	for (size_t i = 1; i < b.n; i++) {
		struct cv_event x = b.ev[i];
		size_t j = i;
		while (j > 0 && b.ev[j - 1].t > x.t) {
			b.ev[j] = b.ev[j - 1];
			j--;
		}
		b.ev[j] = x;
	}
	struct findings_opts live;
	findings_opts_default(&live);
	live.live = true;
	timeline_init(&b.tl, T0);
	bool seen_live = false;
	for (size_t i = 0; i < b.n; i++) {
		assert_int_equal(session_take(&b.s, &b.ev[i]), 0);
		assert_int_equal(timeline_add(&b.tl, &b.ev[i]), 0);
		if (i % 7 == 0) {
			assert_int_equal(findings_update(&b.st, &b.s, &b.tl, &live), 0);
			seen_live |= findings_find(&b.st.list, "loop-blocked") != NULL;
		}
	}
	assert_true(seen_live);   /* it shows while the run goes */
	assert_int_equal(findings_update(&b.st, &b.s, &b.tl, NULL), 0);
	struct findings_state fresh;
	findings_state_init(&fresh);
	assert_int_equal(findings_update(&fresh, &b.s, &b.tl, NULL), 0);
	assert_int_equal(b.st.list.n, fresh.list.n);
	for (int i = 0; i < fresh.list.n; i++) {
		assert_string_equal(b.st.list.f[i].id, fresh.list.f[i].id);
		assert_string_equal(b.st.list.f[i].text, fresh.list.f[i].text);
		assert_int_equal(b.st.list.f[i].nlanes, fresh.list.f[i].nlanes);
	}
	must(&fresh.list, "loop-blocked");
	/* a rebuilt timeline: fewer events, the state starts again */
	struct timeline tl2;
	timeline_init(&tl2, T0 + 1);
	assert_int_equal(findings_update(&b.st, &b.s, &tl2, NULL), 0);
	assert_int_equal(b.st.list.n, 0);
	assert_int_equal(b.st.nblocks, 0);
	timeline_free(&tl2);
	findings_state_free(&fresh);
	tb_free(&b);
}

/* An empty timeline and a run with no time have no findings. */
static void test_empty(void **state)
{
	(void)state;
	struct tb b;
	tb_init(&b, MODE_THREADS, WL_IO, 5, 2, 0);
	const struct findings *fl = tb_findings(&b);
	assert_int_equal(fl->n, 0);
	assert_null(findings_top(fl));
	tb_free(&b);
}

/* The greedy schedule against every assignment of a few jobs, and the quantile. */
static void test_models(void **state)
{
	(void)state;
	double heap[4];
	double a[] = { 5, 3, 3, 2, 2, 2 };
	/* each job to the worker free first: w0 5; w1 3, then 6; w0 7; w1 8; w0 9 */
	near(fd_makespan(a, 6, 2, heap), 9, 1e-9);
	near(fd_makespan(a, 6, 1, heap), 17, 1e-9);
	near(fd_makespan(a, 6, 4, heap), 5, 1e-9);
	assert_true(fd_makespan(a, 0, 3, heap) == 0);
	double v[101];
	for (int i = 0; i < 101; i++)
		v[i] = (double)((i * 37) % 101);
	near(fd_quantile(v, 101, 0.5), 50, 1e-9);
	near(fd_quantile(v, 101, 1.0), 100, 1e-9);
	near(fd_quantile(v, 101, 0.0) + 1, 1, 1e-9);
	double w[] = { 7, 7, 7, 1 };
	near(fd_quantile(w, 4, 0.5), 7, 1e-9);
	char buf[24];
	assert_string_equal(fd_dur(3100000000, buf, sizeof buf), "3.10 s");
	assert_string_equal(fd_dur(156000000, buf, sizeof buf), "156 ms");
	assert_string_equal(fd_dur(450000, buf, sizeof buf), "450 us");
	assert_string_equal(fd_dur(999999, buf, sizeof buf), "1.00 ms");
	assert_string_equal(fd_dur(0, buf, sizeof buf), "0.00 ns");
}

/* Run the findings tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gil_bound), cmocka_unit_test(test_gil_bound_starved),
		cmocka_unit_test(test_traced_lock_bound),
		cmocka_unit_test(test_waiting_for_work),
		cmocka_unit_test(test_cores_idle),
		cmocka_unit_test(test_cores_saturated),
		cmocka_unit_test(test_ready),
		cmocka_unit_test(test_loop_blocked),
		cmocka_unit_test(test_loop_blocked_cpu),
		cmocka_unit_test(test_loop_saturated),
		cmocka_unit_test(test_io_pool_saturated),
		cmocka_unit_test(test_io_async_limit),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_stragglers),
		cmocka_unit_test(test_deadlock),
		cmocka_unit_test(test_race),
		cmocka_unit_test(test_ring_stall),
		cmocka_unit_test(test_rank_and_output),
		cmocka_unit_test(test_live_open_blocks),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
