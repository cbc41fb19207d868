/*
 * test_engines.c - the seq, threads and procs engines, driven through the
 * public contract (engine.h) with a real ring: every task begins and ends
 * exactly once, each lane's events come in a legal order, cpu results are
 * right (a wrong sum fails the task), the GIL never lets two lanes run at
 * once, a killed worker process is reported (lane crash, FAIL_CRASH) while
 * the others finish the job, cancellation stops everything, no zombie is
 * left, and io tasks download from the embedded origin on 127.0.0.1.
 * Every wait has a generous cap, so a bug fails instead of hanging.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "clock.h"
#include "emit.h"
#include "engine.h"
#include "origin.h"

#define CAP_NS (15ull * 1000 * 1000 * 1000) /* a run that takes longer is a bug */

/* Everything one run left behind. */
struct run {
	struct session s;
	struct cv_event *ev;
	size_t n, cap;
	bool timed_out;
};

/* What the checks found about one task. */
struct task_out {
	int begins, ends;
	uint16_t kind;      /* EV_TASK_END or EV_TASK_FAIL */
	uint32_t aux, lane;
	uint16_t code;
	uint64_t bytes, t_begin;
};

/* Move every event waiting in the ring into run. */
static void drain(struct ring *rg, struct run *r)
{
	for (;;) {
		if (r->cap - r->n < 256) {
			r->cap = r->cap ? r->cap * 2 : 4096;
			r->ev = realloc(r->ev, r->cap * sizeof(*r->ev));
			assert_non_null(r->ev);
		}
		size_t got = ring_pop(rg, r->ev + r->n, r->cap - r->n);
		if (!got)
			return;
		r->n += got;
	}
}

/* Default parameters of a small cpu run. */
static struct cv_params cpu_params(enum cv_mode mode, int workers, int tasks, uint64_t base)
{
	struct cv_params p;
	params_default(&p);
	p.mode = mode;
	p.workload = WL_CPU;
	p.workers = workers;
	p.tasks = tasks;
	p.cpu_base = base;
	p.gil = false;
	return p;
}

/* Start an engine; with cancel_after_begin, cancel it once a task began.
 * Drains until finished (or the cap), then joins. */
static void run_engine(const struct cv_params *p, char **urls, int nurls, struct run *r,
		       bool cancel_after_begin)
{
	struct ring *rg = ring_new(1 << 14);
	struct engine *e = NULL;
	char err[256] = "";
	bool cancelled = false;

	memset(r, 0, sizeof(*r));
	assert_non_null(rg);
	emit_ring = rg;
	assert_int_equal(session_init(&r->s, p), 0);
	int rc = engine_start(&e, p, &r->s, urls, nurls, err, sizeof(err));
	if (rc)
		print_message("engine_start: %s\n", err);
	assert_int_equal(rc, 0);
	uint64_t t0 = clock_ns();
	while (!engine_finished(e)) {
		drain(rg, r);
		if (cancel_after_begin && !cancelled) {
			for (size_t i = 0; i < r->n; i++)
				if (r->ev[i].kind == EV_TASK_BEGIN) {
					engine_cancel(e);
					cancelled = true;
					break;
				}
		}
		if (clock_ns() - t0 > CAP_NS) {
			r->timed_out = true;
			engine_cancel(e);
			break;
		}
		clock_sleep_ns(1000000);
	}
	engine_join(e);
	drain(rg, r);
	emit_ring = NULL;
	ring_free(rg);
	assert_false(r->timed_out);
}

/* Free what a run holds. */
static void run_free(struct run *r)
{
	free(r->ev);
	session_free(&r->s);
}

/* Check the order of every lane's events and the run marks; fill out[]
 * (ntasks entries) with each task's fate. */
static void check_run(const struct run *r, uint32_t ntasks, struct task_out *out)
{
	uint32_t nl = r->s.nlanes;
	uint32_t *cur = calloc(nl, sizeof(*cur));
	int *phase = calloc(nl, sizeof(*phase)); /* 0 before start, 1 alive, 2 ended */
	uint64_t *last_t = calloc(nl, sizeof(*last_t));
	int begin_marks = 0, end_marks = 0;
	uint64_t t_begin_mark = 0;

	assert_non_null(cur);
	assert_non_null(phase);
	assert_non_null(last_t);
	memset(out, 0, ntasks * sizeof(*out));
	for (uint32_t l = 0; l < nl; l++)
		cur[l] = CV_NO_TASK;
	for (size_t i = 0; i < r->n; i++) {
		const struct cv_event *ev = &r->ev[i];
		if (ev->kind == EV_MARK) {
			if (ev->aux == MARK_RUN_BEGIN) {
				begin_marks++;
				t_begin_mark = ev->t;
			} else {
				assert_int_equal(ev->aux, MARK_RUN_END);
				end_marks++;
				for (uint32_t l = 0; l < nl; l++)
					assert_int_equal(phase[l], 2);   /* every lane ended first */
			}
			continue;
		}
		assert_true(ev->lane < nl);
		uint32_t l = ev->lane;
		assert_true(ev->t >= last_t[l]);          /* per lane, time order */
		last_t[l] = ev->t;
		assert_int_equal(end_marks, 0);           /* nothing after the end mark */
		if (ev->kind == EV_LANE_START) {
			assert_int_equal(phase[l], 0);
			phase[l] = 1;
			continue;
		}
		assert_int_equal(phase[l], 1);            /* only between start and end */
		switch (ev->kind) {
		case EV_LANE_END:
		case EV_LANE_CRASH:
			assert_int_equal(cur[l], CV_NO_TASK);
			phase[l] = 2;
			break;
		case EV_IDLE:
			assert_int_equal(cur[l], CV_NO_TASK);
			break;
		case EV_TASK_BEGIN:
			assert_int_equal(cur[l], CV_NO_TASK);
			assert_true(ev->task < ntasks);
			assert_int_equal(begin_marks, 1);     /* the begin mark came first */
			assert_true(ev->t >= t_begin_mark);
			cur[l] = ev->task;
			out[ev->task].begins++;
			out[ev->task].lane = l;
			out[ev->task].t_begin = ev->t;
			break;
		case EV_CPU:
		case EV_IO:
		case EV_LOCK:
			assert_int_equal(ev->task, cur[l]);
			break;
		case EV_TASK_END:
		case EV_TASK_FAIL:
			assert_int_equal(ev->task, cur[l]);
			out[ev->task].ends++;
			out[ev->task].kind = ev->kind;
			out[ev->task].aux = ev->aux;
			out[ev->task].code = ev->code;
			out[ev->task].bytes = ev->arg;
			cur[l] = CV_NO_TASK;
			break;
		default:
			fail_msg("unexpected event kind %s on lane %u", event_kind_name(ev->kind), l);
		}
	}
	assert_int_equal(begin_marks, 1);
	assert_int_equal(end_marks, 1);
	for (uint32_t l = 0; l < nl; l++)
		assert_int_equal(phase[l], 2);
	free(cur);
	free(phase);
	free(last_t);
}

/* Assert every task began once and ended once, done. */
static void assert_all_done(const struct task_out *out, uint32_t ntasks)
{
	for (uint32_t i = 0; i < ntasks; i++) {
		assert_int_equal(out[i].begins, 1);
		assert_int_equal(out[i].ends, 1);
		if (out[i].kind != EV_TASK_END)
			fail_msg("task %u failed: %s", i, event_fail_name(out[i].aux));
	}
}

/* Assert no child of this process is left (running or zombie). */
static void assert_no_children(void)
{
	errno = 0;
	pid_t rc = waitpid(-1, NULL, WNOHANG);
	assert_int_equal(rc, -1);
	assert_int_equal(errno, ECHILD);
}

/* Count the events of a kind on a lane. */
static int count_kind(const struct run *r, uint32_t lane, uint16_t kind)
{
	int c = 0;
	for (size_t i = 0; i < r->n; i++)
		c += r->ev[i].lane == lane && r->ev[i].kind == kind && r->ev[i].kind != EV_MARK;
	return c;
}

/* seq: one lane "main", tasks in index order, sums right, names set. */
static void test_seq_cpu(void **state)
{
	(void)state;
	struct cv_params p = cpu_params(MODE_SEQ, 0, 5, 20000);
	struct task_out out[5];
	struct run r;

	run_engine(&p, NULL, 0, &r, false);
	check_run(&r, 5, out);
	assert_all_done(out, 5);
	assert_int_equal(r.s.nlanes, 1);
	assert_string_equal(session_lane_name(&r.s, 0), "main");
	assert_int_equal(r.s.ntasks, 5);
	assert_string_equal(session_task_name(&r.s, 0), "sum n=20000");
	assert_string_equal(session_task_name(&r.s, 4), "sum n=20004");
	for (uint32_t i = 1; i < 5; i++)
		assert_true(out[i].t_begin >= out[i - 1].t_begin);
	assert_true(count_kind(&r, 0, EV_CPU) >= 5);
	assert_true(count_kind(&r, 0, EV_IDLE) >= 5);
	run_free(&r);
}

/* threads: N lanes "thread k", every task once, on some thread. */
static void test_threads_cpu(void **state)
{
	(void)state;
	struct cv_params p = cpu_params(MODE_THREADS, 3, 12, 20000);
	struct task_out out[12];
	struct run r;

	run_engine(&p, NULL, 0, &r, false);
	check_run(&r, 12, out);
	assert_all_done(out, 12);
	assert_int_equal(r.s.nlanes, 3);
	assert_string_equal(session_lane_name(&r.s, 0), "thread 1");
	assert_string_equal(session_lane_name(&r.s, 2), "thread 3");
	for (uint32_t l = 0; l < 3; l++)
		assert_int_equal(count_kind(&r, l, EV_LANE_END), 1);
	run_free(&r);
}

/* threads + GIL: the CPU spans of different lanes never overlap, and the
 * lanes did take turns (LOCK waits show). */
static void test_threads_gil(void **state)
{
	(void)state;
	struct cv_params p = cpu_params(MODE_THREADS, 3, 6, 6000000);
	struct task_out out[6];
	struct run r;

	p.gil = true;
	p.switch_ms = 1;
	run_engine(&p, NULL, 0, &r, false);
	check_run(&r, 6, out);
	assert_all_done(out, 6);

	/* CPU spans: [EV_CPU, next event of the lane) */
	struct span { uint64_t t0, t1; uint32_t lane; } *sp = calloc(r.n, sizeof(*sp));
	size_t ns = 0;
	assert_non_null(sp);
	for (size_t i = 0; i < r.n; i++) {
		if (r.ev[i].kind != EV_CPU)
			continue;
		size_t j = i + 1;
		while (j < r.n && (r.ev[j].lane != r.ev[i].lane || r.ev[j].kind == EV_MARK))
			j++;
		assert_true(j < r.n);   /* a running span always ends */
		sp[ns++] = (struct span){ r.ev[i].t, r.ev[j].t, r.ev[i].lane };
	}
	assert_true(ns >= 6);
	for (size_t a = 0; a < ns; a++)
		for (size_t b = a + 1; b < ns; b++)
			if (sp[a].lane != sp[b].lane && sp[a].t0 < sp[b].t1 && sp[b].t0 < sp[a].t1)
				fail_msg("lanes %u and %u both in cpu at %llu", sp[a].lane, sp[b].lane,
					 (unsigned long long)(sp[a].t0 > sp[b].t0 ? sp[a].t0 : sp[b].t0));
	free(sp);
	int locks = 0;
	for (uint32_t l = 0; l < 3; l++)
		locks += count_kind(&r, l, EV_LOCK);
	print_message("gil: %d lock waits\n", locks);
	run_free(&r);
}

/* procs: lanes "pid <pid>" whose LANE_START carries that pid; all done. */
static void test_procs_cpu(void **state)
{
	(void)state;
	struct cv_params p = cpu_params(MODE_PROCS, 2, 8, 20000);
	struct task_out out[8];
	struct run r;

	unsetenv("CONCVIZ_TEST_KILL_TASK");
	run_engine(&p, NULL, 0, &r, false);
	check_run(&r, 8, out);
	assert_all_done(out, 8);
	assert_int_equal(r.s.nlanes, 2);
	for (size_t i = 0; i < r.n; i++) {
		if (r.ev[i].kind != EV_LANE_START)
			continue;
		char want[32];
		assert_true(r.ev[i].arg > 0);
		snprintf(want, sizeof(want), "pid %llu", (unsigned long long)r.ev[i].arg);
		assert_string_equal(session_lane_name(&r.s, r.ev[i].lane), want);
	}
	assert_no_children();
	run_free(&r);
}

/* procs: the worker that takes task 2 is killed; its lane crashes with
 * SIGKILL, task 2 fails FAIL_CRASH, the other tasks are all done. */
static void test_procs_crash(void **state)
{
	(void)state;
	struct cv_params p = cpu_params(MODE_PROCS, 2, 8, 20000);
	struct task_out out[8];
	struct run r;

	setenv("CONCVIZ_TEST_KILL_TASK", "2", 1);
	run_engine(&p, NULL, 0, &r, false);
	unsetenv("CONCVIZ_TEST_KILL_TASK");
	check_run(&r, 8, out);
	int crashes = 0;
	for (size_t i = 0; i < r.n; i++)
		if (r.ev[i].kind == EV_LANE_CRASH) {
			crashes++;
			assert_int_equal(r.ev[i].arg, SIGKILL);
			assert_int_equal(r.ev[i].lane, out[2].lane);
		}
	assert_int_equal(crashes, 1);
	for (uint32_t i = 0; i < 8; i++) {
		assert_int_equal(out[i].begins, 1);
		assert_int_equal(out[i].ends, 1);
		if (i == 2) {
			assert_int_equal(out[i].kind, EV_TASK_FAIL);
			assert_int_equal(out[i].aux, FAIL_CRASH);
		} else {
			assert_int_equal(out[i].kind, EV_TASK_END);
		}
	}
	assert_no_children();
	run_free(&r);
}

/* procs: the only worker dies on task 1; the parent fails the rest. */
static void test_procs_all_dead(void **state)
{
	(void)state;
	struct cv_params p = cpu_params(MODE_PROCS, 1, 5, 20000);
	struct task_out out[5];
	struct run r;

	setenv("CONCVIZ_TEST_KILL_TASK", "1", 1);
	run_engine(&p, NULL, 0, &r, false);
	unsetenv("CONCVIZ_TEST_KILL_TASK");
	check_run(&r, 5, out);
	assert_int_equal(count_kind(&r, 0, EV_LANE_CRASH), 1);
	assert_int_equal(out[0].kind, EV_TASK_END);
	for (uint32_t i = 1; i < 5; i++) {
		assert_int_equal(out[i].begins, 1);
		assert_int_equal(out[i].ends, 1);
		assert_int_equal(out[i].kind, EV_TASK_FAIL);
		assert_int_equal(out[i].aux, FAIL_CRASH);
	}
	assert_no_children();
	run_free(&r);
}

/* Cancel a long cpu run in mode m: begun tasks end FAIL_CANCELLED (or
 * done), no task begins twice, the engine finishes, nothing is left. */
static void check_cancel(enum cv_mode m)
{
	struct cv_params p = cpu_params(m, 2, 6, 4000000000ull); /* seconds per task */
	struct task_out out[6];
	struct run r;

	run_engine(&p, NULL, 0, &r, true);
	check_run(&r, 6, out);
	int cancelled = 0;
	for (uint32_t i = 0; i < 6; i++) {
		assert_true(out[i].begins <= 1);
		assert_int_equal(out[i].ends, out[i].begins);
		if (out[i].begins && out[i].kind == EV_TASK_FAIL) {
			assert_int_equal(out[i].aux, FAIL_CANCELLED);
			cancelled++;
		}
	}
	assert_true(cancelled >= 1);
	assert_no_children();
	run_free(&r);
}

/* Cancelling stops seq, threads and procs runs. */
static void test_cancel(void **state)
{
	(void)state;
	check_cancel(MODE_SEQ);
	check_cancel(MODE_THREADS);
	check_cancel(MODE_PROCS);
}

/* A run of zero tasks still starts and ends its lanes and marks. */
static void test_zero_tasks(void **state)
{
	(void)state;
	for (int m = MODE_SEQ; m < MODE_BUILTIN; m++) {
		if (m == MODE_ASYNC)
			continue;
		struct cv_params p = cpu_params((enum cv_mode)m, 2, 0, 20000);
		struct task_out out[1];
		struct run r;
		run_engine(&p, NULL, 0, &r, false);
		check_run(&r, 0, out);
		assert_true(r.s.nlanes >= 1);
		run_free(&r);
	}
	assert_no_children();
}

/* engine_start refuses a bad mode, negative tasks and io without URLs. */
static void test_start_errors(void **state)
{
	(void)state;
	struct cv_params p = cpu_params(MODE_SEQ, 0, 3, 20000);
	struct session s;
	struct engine *e = (struct engine *)&p;
	char err[256];

	assert_int_equal(session_init(&s, &p), 0);
	p.mode = MODE_COUNT;
	err[0] = 0;
	assert_int_equal(engine_start(&e, &p, &s, NULL, 0, err, sizeof(err)), -EINVAL);
	assert_null(e);
	assert_memory_equal(err, "concviz: ", 9);
	p.mode = MODE_THREADS;
	p.tasks = -1;
	assert_int_equal(engine_start(&e, &p, &s, NULL, 0, err, sizeof(err)), -EINVAL);
	p.tasks = 3;
	p.workload = WL_IO;
	err[0] = 0;
	assert_int_equal(engine_start(&e, &p, &s, NULL, 0, err, sizeof(err)), -EINVAL);
	assert_memory_equal(err, "concviz: ", 9);
	assert_int_equal(s.nlanes, 0);
	session_free(&s);
}

static struct origin *test_origin;
static char url_ok[128], url_500[128], url_refused[128];

/* Start the embedded origin (fast answers of 1000 bytes) for the io tests. */
static int io_setup(void **state)
{
	(void)state;
	struct origin_cfg cfg;
	char err[256];

	origin_cfg_default(&cfg);
	cfg.latency_ms = 5;
	cfg.size = 1000;
	test_origin = origin_start(&cfg, err, sizeof(err));
	if (!test_origin) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	int port = origin_port(test_origin);
	snprintf(url_ok, sizeof(url_ok), "http://127.0.0.1:%d/a", port);
	snprintf(url_500, sizeof(url_500), "http://127.0.0.1:%d/b?status=500", port);
	/* a port nobody listens on: port 1 on loopback is refused */
	snprintf(url_refused, sizeof(url_refused), "http://127.0.0.1:1/");
	return 0;
}

/* Stop the origin. */
static int io_teardown(void **state)
{
	(void)state;
	origin_stop(test_origin);
	return 0;
}

/* io in mode m: URLs cycle; 200s bring 1000 bytes, the 500 fails
 * FAIL_HTTP with code 500, the closed port fails FAIL_REFUSED. */
static void check_io(enum cv_mode m, bool gil)
{
	char *urls[3] = { url_ok, url_500, url_refused };
	struct cv_params p;
	struct task_out out[9];
	struct run r;

	params_default(&p);
	p.mode = m;
	p.workload = WL_IO;
	p.workers = 3;
	p.tasks = 9;
	p.gil = gil;
	p.timeout_ms = 5000;
	run_engine(&p, urls, 3, &r, false);
	check_run(&r, 9, out);
	assert_string_equal(session_task_name(&r.s, 4), url_500);
	for (uint32_t i = 0; i < 9; i++) {
		assert_int_equal(out[i].begins, 1);
		assert_int_equal(out[i].ends, 1);
		if (i % 3 == 0) {
			assert_int_equal(out[i].kind, EV_TASK_END);
			assert_int_equal(out[i].code, 200);
			assert_int_equal(out[i].bytes, 1000);
		} else if (i % 3 == 1) {
			assert_int_equal(out[i].kind, EV_TASK_FAIL);
			assert_int_equal(out[i].aux, FAIL_HTTP);
			assert_int_equal(out[i].code, 500);
		} else {
			assert_int_equal(out[i].kind, EV_TASK_FAIL);
			assert_int_equal(out[i].aux, FAIL_REFUSED);
		}
	}
	int ios = 0;
	for (size_t i = 0; i < r.n; i++)
		ios += r.ev[i].kind == EV_IO;
	assert_true(ios >= 9);
	assert_no_children();
	run_free(&r);
}

/* io tasks on seq, threads (with and without GIL) and procs. */
static void test_io(void **state)
{
	(void)state;
	check_io(MODE_SEQ, false);
	check_io(MODE_THREADS, false);
	check_io(MODE_THREADS, true);
	check_io(MODE_PROCS, false);
}

/* Run every test of this file. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_cpu),
		cmocka_unit_test(test_threads_cpu),
		cmocka_unit_test(test_threads_gil),
		cmocka_unit_test(test_procs_cpu),
		cmocka_unit_test(test_procs_crash),
		cmocka_unit_test(test_procs_all_dead),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_zero_tasks),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test_setup_teardown(test_io, io_setup, io_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
