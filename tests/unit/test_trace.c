/*
 * test_trace.c - the tracer against ground truth, through the runner as
 * `concviz trace` drives it: a program with known phases (cpu, sleep, a
 * mutex, a pipe; tests/trace/phases.c) gets each phase's time in the right
 * state on its worker's lane, with the thread's name, pid and tid; output
 * is captured; an orphan is seen and reaped; hundreds of short threads are
 * seen; a program that ignores SIGTERM is killed after the grace period,
 * its orphans with it;
 * an attached process is left running; a missing command fails to start;
 * a program that reports its tasks (concviz.h; tests/trace/tasks.c) has
 * them on its threads' lanes, each phase in its state, its explicit state
 * drawn instead of the sampled one, its mark, and the task it exited in
 * cancelled; threads whose last act is a task have it drawn on their lanes.
 *
 * Timing tolerances hold on a loaded 2-core machine (the phases are 300 ms,
 * a misclassified phase is off by all of it); every wait is bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "clock.h"
#include "runner.h"
#include "tasklog.h"
#include "tracer.h"

#ifndef TRACE_HELPERS
#define TRACE_HELPERS "build/trace"
#endif

#define PHASE_S 0.300
#define TOL_S 0.080
#define CHURN_GAP_MS 20.0   /* test_churn: a longer gap may miss a 30 ms thread */

/* Start a trace of argv (output captured when capture); asserts it started. */
static void start(struct runner *r, char **argv, bool capture)
{
	struct cv_params p;
	char err[512];
	params_default(&p);
	p.mode = MODE_TRACE;
	p.argv = argv;
	for (p.argc = 0; argv[p.argc]; p.argc++)
		;
	p.no_ui = !capture;
	if (runner_start(r, &p, err, sizeof err) < 0)
		fail_msg("trace did not start: %s", err);
}

/* Drain r until it finished, at most secs seconds; past that the run is
 * ended (its program killed, its sampler stopped) before the test fails,
 * so that no sampler of a failed test reaps the next test's children. */
static void drain(struct runner *r, double secs)
{
	uint64_t end = clock_ns() + (uint64_t)(secs * 1e9);
	while (!r->finished && clock_ns() < end)
		if (runner_drain(r) == 0)
			clock_sleep_ns(2000000);
	if (r->finished)
		return;
	uint32_t lanes = r->session.nlanes;
	runner_free(r);
	fail_msg("the run did not finish in %.0f s (%u lanes so far); it was killed", secs, lanes);
}

/* Return the lane whose name starts with prefix, or -1. */
static long lane_named(const struct runner *r, const char *prefix)
{
	for (uint32_t i = 0; i < r->session.nlanes; i++)
		if (!strncmp(r->session.lanes[i].name, prefix, strlen(prefix)))
			return i;
	return -1;
}

/* Return r's lane names, comma-separated (for a failure's message). */
static const char *lane_names(const struct runner *r)
{
	static char buf[512];
	size_t n = 0;
	buf[0] = 0;
	for (uint32_t i = 0; i < r->session.nlanes && n + 2 < sizeof buf; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s'%s'", i ? ", " : "",
				      r->session.lanes[i].name);
	return buf;
}

/* Assert that v is within TOL_S of want. */
static void near(const char *what, double v, double want)
{
	if (v < want - TOL_S || v > want + TOL_S)
		fail_msg("%s: %.3f s, wanted %.3f +- %.3f", what, v, want, TOL_S);
}

/* The ground truth: each phase in its state, names, pid and tid. */
static void test_phases(void **state)
{
	(void)state;
	struct runner r;
	char *argv[] = { TRACE_HELPERS "/phases", NULL };
	start(&r, argv, false);
	drain(&r, 30);
	long w = lane_named(&r, "worker "), m = lane_named(&r, "phases ");
	if (w < 0 || m < 0)
		fail_msg("no lane 'worker N' or 'phases N' among %u: %s", r.session.nlanes,
			 lane_names(&r));
	const struct session_lane *wl = &r.session.lanes[w], *ml = &r.session.lanes[m];
	assert_int_equal(ml->pid, r.session.trace_pid);
	assert_int_equal(ml->tid, ml->pid);
	assert_int_equal(wl->pid, ml->pid);
	assert_true(wl->tid != wl->pid && wl->tid > 0);
	char want[32];
	snprintf(want, sizeof want, "worker %u", wl->tid);
	assert_string_equal(wl->name, want);
	uint64_t ns[ST_COUNT];
	timeline_lane_stats(&r.tl, (size_t)w, ns);
	near("worker on a CPU or ready for one", (ns[ST_CPU] + ns[ST_READY]) / 1e9, PHASE_S);
	assert_true(ns[ST_CPU] > 2 * ns[ST_READY]);   /* the machine is not that busy */
	near("worker asleep", ns[ST_IDLE] / 1e9, PHASE_S);
	near("worker on the mutex", ns[ST_LOCK] / 1e9, PHASE_S);
	near("worker on the pipe", ns[ST_IO] / 1e9, PHASE_S);
	/* the main thread waits on a pipe from the start (it does not move
	 * until the worker's first phases are over): seen from the first sample */
	double until = (ns[ST_CPU] + ns[ST_READY] + ns[ST_IDLE]) / 1e9; /* the worker's first notice */
	timeline_lane_stats(&r.tl, (size_t)m, ns);
	near("main on the pipe", ns[ST_IO] / 1e9, until);
	assert_true(r.tl.lanes[w].end >= 0);
	assert_true(r.tl.trace.exited && r.tl.trace.status_known);
	assert_int_equal(r.tl.trace.wait_status, 0);
	assert_true(r.tl.trace.hz_n >= 1);
	assert_true(r.tl.run_end > r.tl.run_begin);
	runner_free(&r);
}

/* Captured output reaches the transcript; the exit code is kept. */
static void test_output(void **state)
{
	(void)state;
	struct runner r;
	char *argv[] = { "sh", "-c", "echo hello; echo oops >&2; exit 3", NULL };
	start(&r, argv, true);
	drain(&r, 30);
	assert_int_equal(WEXITSTATUS(r.tl.trace.wait_status), 3);
	assert_int_equal(transcript_count(&r.tl.out), 2);
	bool out = false, err = false;
	for (size_t i = 0; i < 2; i++) {
		const struct transcript_line *l = transcript_line(&r.tl.out, i);
		out |= l->fd == 1 && l->len == 5 && !memcmp(l->text, "hello", 5);
		err |= l->fd == 2 && l->len == 4 && !memcmp(l->text, "oops", 4);
	}
	assert_true(out && err);
	runner_free(&r);
}

/* A program that forks and exits: the orphan is traced to its end and
 * reaped; nothing is left to wait for. */
static void test_orphan(void **state)
{
	(void)state;
	struct runner r;
	char *argv[] = { TRACE_HELPERS "/orphan", NULL };
	start(&r, argv, false);
	drain(&r, 30);
	assert_true(r.session.nlanes >= 2);
	assert_true(r.session.lanes[1].pid != r.session.lanes[0].pid);
	uint64_t ns[ST_COUNT];
	timeline_lane_stats(&r.tl, 1, ns);
	assert_true(ns[ST_IDLE] / 1e9 > 0.4);       /* its 0.5 s nap */
	runner_free(&r);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* Threads that come and go by the hundred: each gets a lane that ends.
 * Each lives 30 ms; all are seen unless the host kept the sampler from
 * sampling for nearly that long, which the run's longest gap says. */
static void test_churn(void **state)
{
	(void)state;
	struct runner r;
	char *argv[] = { TRACE_HELPERS "/churn", NULL };
	start(&r, argv, false);
	drain(&r, 60);
	double gap_ms = r.tl.trace.gap_max_ns / 1e6;
	assert_true(gap_ms > 0);                    /* the gap is measured and recorded */
	if (gap_ms <= CHURN_GAP_MS && r.session.nlanes < 301)
		fail_msg("%u lanes, wanted 301 (300 threads of 30 ms, and main; the longest "
			 "gap between samples was %.1f ms)", r.session.nlanes, gap_ms);
	fprintf(stderr, "churn: %u lanes, the longest gap between samples %.1f ms%s\n",
		r.session.nlanes, gap_ms, gap_ms > CHURN_GAP_MS ? ": not counted" : "");
	assert_true(r.session.nlanes >= 2);
	for (size_t l = 0; l < r.tl.nlanes; l++)
		assert_true(r.tl.lanes[l].end >= 0);
	runner_free(&r);
}

/* Trace argv, pass it SIGTERM after ns, and drain until it ended (at most
 * 20 s, well below the 30 s its sleeps would take); the seconds from the
 * signal to the end. */
static double terminate(struct runner *r, char **argv, uint64_t ns)
{
	start(r, argv, false);
	clock_sleep_ns(ns);
	runner_drain(r);
	tracer_signal(r->engine, SIGTERM, false);
	uint64_t t0 = clock_ns();
	drain(r, 20);
	return (clock_ns() - t0) / 1e9;
}

/* A program that ignores SIGTERM is killed once the grace period is over. */
static void test_escalation(void **state)
{
	(void)state;
	struct runner r;
	char *argv[] = { "sh", "-c", "trap '' TERM; sleep 30", NULL };
	double took = terminate(&r, argv, 200000000);
	assert_true(took >= TRACER_GRACE_NS / 1e9 - 0.1);
	assert_true(r.tl.trace.escalated);
	assert_true(r.tl.trace.signals >= 2);
	assert_true(WIFSIGNALED(r.tl.trace.wait_status));
	assert_int_equal(WTERMSIG(r.tl.trace.wait_status), SIGKILL);
	runner_free(&r);
}

/* The same with an orphan: a child that left its parent (a double fork, as
 * a daemon does) and ignores SIGTERM is the program's too, found among
 * concviz's own children however quiet the machine, and killed with the
 * rest: the run ends after the grace period, not when the orphan's 30 s
 * are up. Before, it was found only if a sample caught the subshell
 * between (about 3 runs in 4 here) or another process was created, and
 * one found after the kill was never killed. */
static void test_escalation_orphan(void **state)
{
	(void)state;
	struct runner r;
	char *argv[] = { "sh", "-c", "trap '' TERM; (trap '' TERM; sleep 30 &); sleep 30", NULL };
	terminate(&r, argv, 500000000);
	assert_true(r.tl.trace.escalated);
	int sleeps = 0;                   /* the orphan and sh's own child */
	for (uint32_t i = 0; i < r.session.nlanes; i++)
		sleeps += !strncmp(r.session.lanes[i].name, "sleep ", 6);
	if (sleeps != 2)
		fail_msg("%d lanes named 'sleep N', wanted 2: %s", sleeps, lane_names(&r));
	for (uint32_t i = 0; i < r.session.nlanes; i++)
		if (kill((pid_t)r.session.lanes[i].pid, 0) == 0)
			fail_msg("lane '%s' (pid %u) still runs", r.session.lanes[i].name,
				 r.session.lanes[i].pid);
	runner_free(&r);
}

/* Attaching observes a running process and leaves it running. */
static void test_attach(void **state)
{
	(void)state;
	pid_t c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		execlp("sleep", "sleep", "20", (char *)NULL);
		_exit(127);
	}
	clock_sleep_ns(100000000);
	struct runner r;
	struct cv_params p;
	char err[512];
	params_default(&p);
	p.mode = MODE_TRACE;
	p.attach_pid = c;
	p.no_ui = true;
	assert_int_equal(runner_start(&r, &p, err, sizeof err), 0);
	uint64_t end = clock_ns() + 300000000;
	while (clock_ns() < end)
		if (runner_drain(&r) == 0)
			clock_sleep_ns(2000000);
	assert_true(tracer_attached(r.engine));
	runner_stop(&r);
	assert_true(r.tl.trace.detached);
	assert_int_equal(r.session.nlanes, 1);
	assert_int_equal(r.session.lanes[0].pid, (uint32_t)c);
	runner_free(&r);
	assert_int_equal(kill(c, 0), 0);            /* still running */
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	/* attaching to nothing fails with the reason */
	p.attach_pid = c;
	assert_int_equal(runner_start(&r, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "no process"));
}

/* A command that does not exist fails to start with -ENOENT. */
static void test_not_found(void **state)
{
	(void)state;
	struct runner r;
	struct cv_params p;
	char err[512];
	char *argv[] = { "concviz-no-such-command", NULL };
	params_default(&p);
	p.mode = MODE_TRACE;
	p.argv = argv;
	p.argc = 1;
	p.no_ui = true;
	assert_int_equal(runner_start(&r, &p, err, sizeof err), -1);
	assert_int_equal(r.start_error, -ENOENT);
	assert_non_null(strstr(err, "command not found"));
}

/* Return the index of the task named name, or -1. */
static long task_named(const struct runner *r, const char *name)
{
	for (uint32_t i = 0; i < r->session.ntasks; i++)
		if (!strcmp(session_task_name(&r->session, i), name))
			return i;
	return -1;
}

/* The ns task t spent in each state on lane l. */
static void task_ns(const struct runner *r, long t, size_t l, uint64_t ns[ST_COUNT])
{
	memset(ns, 0, ST_COUNT * sizeof *ns);
	const struct tl_lane *ln = &r->tl.lanes[l];
	for (size_t i = 0; i < ln->n; i++) {
		const struct tl_span *sp = tl_span_at(ln, i);
		if (sp->task == (uint32_t)t)
			ns[sp->state] += (uint64_t)(timeline_span_end(&r->tl, l, i) - sp->t0);
	}
}

/* The SDK's ground truth: tasks on the lanes of the threads that ran them,
 * each in the state it was in (a nap idle, CPU work running, CPU work the
 * program declared as I/O drawn as I/O), the mark, the task left open
 * cancelled. */
static void test_sdk(void **state)
{
	(void)state;
	struct runner r;
	char *argv[] = { TRACE_HELPERS "/tasks", NULL };
	start(&r, argv, false);
	drain(&r, 30);
	assert_int_equal(r.session.ntasks, 7);
	assert_int_equal(r.tl.stats.done, 6);
	assert_int_equal(r.tl.stats.cancelled, 1);
	assert_true(r.tl.trace.sdk_dropped == 0 && r.tl.trace.sdk_rejected == 0);
	long s = lane_named(&r, "sleeper "), c = lane_named(&r, "cruncher "), m = lane_named(&r, "tasks ");
	assert_true(s >= 0 && c >= 0 && m >= 0);
	static const struct { const char *task; int st; double secs; } want[] = {
		{ "nap", ST_IDLE, PHASE_S },       { "declared io", ST_IO, PHASE_S },
		{ "crunch 0", ST_CPU, PHASE_S / 3 }, { "crunch 2", ST_CPU, PHASE_S / 3 },
		{ "main work", ST_CPU, PHASE_S },
	};
	long lanes[] = { s, s, c, c, m };      /* the threads that ran them */
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		long t = task_named(&r, want[i].task);
		assert_true(t >= 0);
		assert_int_equal(r.tl.tasks[t].lane, lanes[i]);
		assert_int_equal(r.tl.tasks[t].state, TASK_DONE);
		uint64_t ns[ST_COUNT];
		task_ns(&r, t, (size_t)lanes[i], ns);
		if (want[i].st != ST_CPU) {
			near(want[i].task, ns[want[i].st] / 1e9, want[i].secs);
			continue;
		}
		/* CPU time: at least that long running; running or ready for a
		 * CPU all along (three busy threads share 2 cores, and a VM's
		 * host may take CPU time away, which is drawn as running) */
		double wall = (r.tl.tasks[t].t_end - r.tl.tasks[t].t_begin) / 1e9;
		if (ns[ST_CPU] / 1e9 < want[i].secs - TOL_S)
			fail_msg("%s: %.3f s running, wanted >= %.3f", want[i].task, ns[ST_CPU] / 1e9,
				 want[i].secs - TOL_S);
		near(want[i].task, (ns[ST_CPU] + ns[ST_READY]) / 1e9, wall);
	}
	uint64_t ns[ST_COUNT];
	task_ns(&r, task_named(&r, "declared io"), (size_t)s, ns);
	assert_true(ns[ST_CPU] < 20000000);          /* its running is not drawn */
	assert_int_equal(tasklog_mark_count(&r.tl), 1);
	long open = task_named(&r, "left open");
	assert_true(open >= 0 && r.tl.tasks[open].state == TASK_FAILED &&
		    r.tl.tasks[open].reason == FAIL_CANCELLED);
	runner_free(&r);
}

/* Threads whose last act is a task (tests/trace/lastwords.c): every task
 * is drawn on its thread's lane, however soon after it the thread ended
 * (the lane ends when the thread was found gone, not at the tick's start;
 * before, a fifth of these tasks had no span). A record the program
 * published more than TSDK_HOLD_NS after stamping it (its CPU taken away
 * in between) is placed late, which the run counts: then a task may be
 * drawn without length, and only the counts are checked. */
static void test_last_words(void **state)
{
	(void)state;
	struct runner r;
	char *argv[] = { TRACE_HELPERS "/lastwords", NULL };
	start(&r, argv, false);
	drain(&r, 60);
	assert_int_equal(r.session.ntasks, 201);
	assert_int_equal(r.tl.stats.done, 201);
	if (r.tl.trace.sdk_late) {
		fprintf(stderr, "last words: %llu records came late (by up to %u ms): spans not counted\n",
			(unsigned long long)r.tl.trace.sdk_late, r.tl.trace.sdk_late_ms);
		runner_free(&r);
		return;
	}
	for (uint32_t t = 0; t < r.session.ntasks; t++) {
		uint32_t l = r.tl.tasks[t].lane;
		assert_true(l < r.tl.nlanes);
		uint64_t ns[ST_COUNT], sum = 0;
		task_ns(&r, t, l, ns);
		for (int k = 0; k < ST_COUNT; k++)
			sum += ns[k];
		if (!sum)
			fail_msg("task '%s' has no span on its lane %u (ended at %.3f s)",
				 session_task_name(&r.session, t), l, r.tl.lanes[l].end / 1e9);
	}
	runner_free(&r);
}

/* Stop the shared origin after the tests. */
static int teardown(void **state)
{
	(void)state;
	runner_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phases),     cmocka_unit_test(test_output),
		cmocka_unit_test(test_orphan),     cmocka_unit_test(test_churn),
		cmocka_unit_test(test_escalation), cmocka_unit_test(test_escalation_orphan),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_not_found),  cmocka_unit_test(test_sdk),
		cmocka_unit_test(test_last_words),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
