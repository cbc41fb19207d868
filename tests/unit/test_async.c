/*
 * test_async.c - the async engine (libuv loop + curl multi) against the
 * embedded origin: every task exactly once with a legal event sequence, the
 * right bytes, the in-flight limit, failures with their reasons, the loop
 * lane's poll and callback spans, cancellation, and cpu tasks that run one at
 * a time on the loop and block every other task.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "netport.h"
#include "clock.h"
#include "emit.h"
#include "engine.h"
#include "origin.h"
#include "workload.h"

static struct origin *origin;
static char url_a[96], url_b[96];

struct run {
	struct session s;
	struct cv_event *ev;
	size_t n, cap;
};

/* Start the origin (10 ms, 2000-byte bodies) and the ring. */
static int setup(void **state)
{
	(void)state;
	struct origin_cfg cfg;
	char err[256];
	origin_cfg_default(&cfg);
	cfg.latency_ms = 10;
	cfg.size = 2000;
	cfg.fail_rate = 0;
	origin = origin_start(&cfg, err, sizeof err);
	if (!origin) {
		fprintf(stderr, "origin: %s\n", err);
		return -1;
	}
	origin_seed(origin, 42);
	snprintf(url_a, sizeof url_a, "http://127.0.0.1:%d/a", origin_port(origin));
	snprintf(url_b, sizeof url_b, "http://127.0.0.1:%d/b", origin_port(origin));
	emit_ring = ring_new(65536);
	return emit_ring ? 0 : -1;
}

/* Stop the origin, unmap the ring. */
static int teardown(void **state)
{
	(void)state;
	origin_stop(origin);
	ring_free(emit_ring);
	emit_ring = NULL;
	return 0;
}

/* Params of an async run of `tasks` tasks of workload w. */
static struct cv_params params(enum cv_workload w, int tasks, int workers)
{
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_ASYNC;
	p.workload = w;
	p.tasks = tasks;
	p.workers = workers;
	p.timeout_ms = 5000;
	return p;
}

static size_t count(const struct run *r, long l, int k);

/* Pop what the ring holds into the run's event array. */
static size_t drain(struct run *r)
{
	struct cv_event buf[512];
	size_t n, total = 0;
	while ((n = ring_pop(emit_ring, buf, 512)) > 0) {
		if (r->n + n > r->cap) {
			r->cap = (r->cap + n) * 2;
			r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
			assert_non_null(r->ev);
		}
		memcpy(r->ev + r->n, buf, n * sizeof *buf);
		r->n += n;
		total += n;
	}
	return total;
}

/* Start an async run; cancel it cancel_ms after `begins` tasks have begun
 * (cancel_ms 0 = never); drain it to the end; join. */
static void run_async(struct run *r, const struct cv_params *p, char **urls, int nurls,
		      unsigned cancel_ms, size_t begins)
{
	struct engine *e;
	char err[256];
	memset(r, 0, sizeof *r);
	assert_int_equal(session_init(&r->s, p), 0);
	assert_int_equal(engine_start(&e, p, &r->s, urls, nurls, err, sizeof err), 0);
	uint64_t t0 = 0;
	bool cancelled = false;
	for (;;) {
		bool done = engine_finished(e);
		drain(r);
		if (done)
			break;
		if (!t0 && count(r, -1, EV_TASK_BEGIN) >= begins)
			t0 = clock_ns();
		if (cancel_ms && !cancelled && t0 && clock_ns() - t0 > cancel_ms * 1000000ull) {
			engine_cancel(e);
			cancelled = true;
		}
		clock_sleep_ns(1000000);
	}
	engine_join(e);
	drain(r);
}

/* Free what run_async made. */
static void run_free(struct run *r)
{
	session_free(&r->s);
	free(r->ev);
}

/* Count events of kind k on lane l (l < 0: any lane). */
static size_t count(const struct run *r, long l, int k)
{
	size_t c = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].kind == k && (l < 0 || r->ev[i].lane == (uint32_t)l))
			c++;
	return c;
}

/* Check the per-lane invariants of an async run with T tasks; return how
 * many tasks ended done, failed, or were never started. Every task lane is
 * LANE_START, QUEUED, then either BEGIN, IO|CPU, END|FAIL, LANE_END or
 * (cancelled while queued) LANE_END; times never go backwards on a lane. */
static void check_lanes(const struct run *r, int T, enum ev_kind work, int *done, int *failed,
			int *unstarted)
{
	*done = *failed = *unstarted = 0;
	assert_int_equal(r->s.nlanes, (uint32_t)T + 1);
	assert_string_equal(r->s.lanes[0].name, "loop");
	assert_int_equal(r->s.lanes[0].kind, LANE_LOOP);
	for (int t = 0; t < T; t++) {
		char name[32];
		snprintf(name, sizeof name, "task %d", t + 1);
		assert_string_equal(r->s.lanes[t + 1].name, name);
		assert_int_equal(r->s.lanes[t + 1].kind, LANE_TASK);
		int seq[8] = { 0 }, k = 0;
		uint64_t last = 0;
		for (size_t i = 0; i < r->n; i++) {
			const struct cv_event *ev = &r->ev[i];
			if (ev->lane != (uint32_t)t + 1)
				continue;
			assert_true(ev->t >= last);
			last = ev->t;
			if (k == 8)
				fail_msg("task %d: too many events", t);
			seq[k++] = ev->kind;
			if (ev->kind != EV_LANE_START && ev->kind != EV_LANE_END)
				assert_int_equal(ev->task, (uint32_t)t);
		}
		if (k == 3 && seq[0] == EV_LANE_START && seq[1] == EV_TASK_QUEUED && seq[2] == EV_LANE_END) {
			(*unstarted)++;
			continue;
		}
		if (k != 6 || seq[0] != EV_LANE_START || seq[1] != EV_TASK_QUEUED ||
		    seq[2] != EV_TASK_BEGIN || seq[3] != (int)work ||
		    (seq[4] != EV_TASK_END && seq[4] != EV_TASK_FAIL) || seq[5] != EV_LANE_END)
			fail_msg("task %d: illegal event sequence (%d events)", t, k);
		if (seq[4] == EV_TASK_END)
			(*done)++;
		else
			(*failed)++;
	}
	/* The loop lane: starts, ends last, run marks once each. */
	assert_int_equal(count(r, 0, EV_LANE_START), 1);
	assert_int_equal(count(r, 0, EV_LANE_END), 1);
	assert_int_equal(count(r, -1, EV_MARK), 2);
	size_t last0 = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].lane == 0)
			last0 = i;
	assert_int_equal(r->ev[last0].kind, EV_LANE_END);
	assert_int_equal(count(r, -1, EV_LANE_END), (size_t)T + 1);
}

/* The end event of task t, or NULL. */
static const struct cv_event *task_end(const struct run *r, uint32_t t)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].task == t && r->ev[i].lane == t + 1 &&
		    (r->ev[i].kind == EV_TASK_END || r->ev[i].kind == EV_TASK_FAIL))
			return &r->ev[i];
	return NULL;
}

/* All tasks in flight at once: each downloads once, with the right bytes;
 * the loop lane shows poll and callback spans. */
static void test_io_all(void **state)
{
	(void)state;
	char *urls[] = { url_a, url_b };
	struct cv_params p = params(WL_IO, 40, 0);
	struct run r;
	int done, failed, unstarted;
	run_async(&r, &p, urls, 2, 0, 0);
	check_lanes(&r, 40, EV_IO, &done, &failed, &unstarted);
	assert_int_equal(done, 40);
	for (uint32_t t = 0; t < 40; t++) {
		const struct cv_event *end = task_end(&r, t);
		assert_int_equal(end->arg, 2000);
		assert_int_equal(end->code, 200);
		assert_string_equal(session_task_name(&r.s, t), urls[t % 2]);
	}
	assert_true(count(&r, 0, EV_POLL) >= 1);
	assert_true(count(&r, 0, EV_CALLBACK) >= 1);
	size_t named = 0;   /* callbacks that name their task */
	for (size_t i = 0; i < r.n; i++)
		if (r.ev[i].lane == 0 && r.ev[i].kind == EV_CALLBACK && r.ev[i].task != CV_NO_TASK) {
			assert_true(r.ev[i].task < 40);
			named++;
		}
	assert_true(named >= 40);
	run_free(&r);
}

/* --workers caps the transfers in flight; all 4 start before any ends. */
static void test_io_limit(void **state)
{
	(void)state;
	char *urls[] = { url_a };
	struct cv_params p = params(WL_IO, 16, 4);
	struct run r;
	int done, failed, unstarted, cur = 0, max = 0;
	run_async(&r, &p, urls, 1, 0, 0);
	check_lanes(&r, 16, EV_IO, &done, &failed, &unstarted);
	assert_int_equal(done, 16);
	for (size_t i = 0; i < r.n; i++) {
		if (r.ev[i].kind == EV_TASK_BEGIN && ++cur > max)
			max = cur;
		if (r.ev[i].kind == EV_TASK_END || r.ev[i].kind == EV_TASK_FAIL)
			cur--;
	}
	assert_int_equal(max, 4);
	run_free(&r);
}

/* Failures carry their reason and status: http 500, timeout, refused. */
static void test_io_failures(void **state)
{
	(void)state;
	char e500[128], slow[128], dead[64];
	snprintf(e500, sizeof e500, "%s?status=500", url_a);
	snprintf(slow, sizeof slow, "%s?ms=3000", url_a);
	snprintf(dead, sizeof dead, "http://127.0.0.1:%d/", netport_dead());
	char *urls[] = { url_a, e500, slow, dead };
	struct cv_params p = params(WL_IO, 12, 0);
	p.timeout_ms = 150;
	struct run r;
	int done, failed, unstarted;
	run_async(&r, &p, urls, 4, 0, 0);
	check_lanes(&r, 12, EV_IO, &done, &failed, &unstarted);
	assert_int_equal(done, 3);
	assert_int_equal(failed, 9);
	static const int want[] = { FAIL_NONE, FAIL_HTTP, FAIL_TIMEOUT, FAIL_REFUSED };
	for (uint32_t t = 0; t < 12; t++) {
		const struct cv_event *end = task_end(&r, t);
		assert_int_equal(end->aux, want[t % 4]);
		if (t % 4 == 1) {
			assert_int_equal(end->code, 500);
			assert_int_equal(end->kind, EV_TASK_FAIL);
		}
	}
	run_free(&r);
}

/* Injected failures (--fail-rate) come back as http or reset failures. */
static void test_io_fail_rate(void **state)
{
	(void)state;
	struct origin_cfg cfg;
	origin_cfg_default(&cfg);
	cfg.latency_ms = 5;
	cfg.size = 2000;
	cfg.fail_rate = 0.5;
	origin_configure(origin, &cfg);
	char *urls[] = { url_a };
	struct cv_params p = params(WL_IO, 40, 0);
	struct run r;
	int done, failed, unstarted;
	run_async(&r, &p, urls, 1, 0, 0);
	cfg.latency_ms = 10;
	cfg.fail_rate = 0;
	origin_configure(origin, &cfg);
	check_lanes(&r, 40, EV_IO, &done, &failed, &unstarted);
	assert_int_equal(done + failed, 40);
	assert_true(failed >= 1);
	for (uint32_t t = 0; t < 40; t++) {
		const struct cv_event *end = task_end(&r, t);
		if (end->kind == EV_TASK_FAIL)
			assert_true(end->aux == FAIL_HTTP || end->aux == FAIL_RESET);
		else
			assert_int_equal(end->arg, 2000);
	}
	run_free(&r);
}

/* Cancel: transfers in flight fail as cancelled, queued lanes just end. */
static void test_io_cancel(void **state)
{
	(void)state;
	char slow[128];
	snprintf(slow, sizeof slow, "%s?ms=5000", url_a);
	char *urls[] = { slow };
	struct cv_params p = params(WL_IO, 20, 5);
	p.timeout_ms = 10000;
	struct run r;
	int done, failed, unstarted;
	run_async(&r, &p, urls, 1, 50, 5);
	check_lanes(&r, 20, EV_IO, &done, &failed, &unstarted);
	assert_int_equal(done, 0);
	assert_int_equal(failed, 5);
	assert_int_equal(unstarted, 15);
	for (uint32_t t = 0; t < 5; t++)
		assert_int_equal(task_end(&r, t)->aux, FAIL_CANCELLED);
	run_free(&r);
}

/* cpu on the loop: one task at a time, each inside a loop callback naming
 * it; while one runs, every other task waits (no two CPU spans overlap). */
static void test_cpu_blocks_loop(void **state)
{
	(void)state;
	struct cv_params p = params(WL_CPU, 5, 0);
	p.cpu_base = 2000000;
	struct run r;
	int done, failed, unstarted;
	run_async(&r, &p, NULL, 0, 0, 0);
	check_lanes(&r, 5, EV_CPU, &done, &failed, &unstarted);
	assert_int_equal(done, 5);
	uint64_t begin[5], end[5];
	for (uint32_t t = 0; t < 5; t++) {
		begin[t] = end[t] = 0;
		for (size_t i = 0; i < r.n; i++) {
			if (r.ev[i].lane == t + 1 && r.ev[i].kind == EV_TASK_BEGIN)
				begin[t] = r.ev[i].t;
			if (r.ev[i].lane == t + 1 && r.ev[i].kind == EV_TASK_END)
				end[t] = r.ev[i].t;
		}
		/* The loop lane's state while t ran: a callback for task t. */
		const struct cv_event *loop = NULL;
		for (size_t i = 0; i < r.n; i++)
			if (r.ev[i].lane == 0 && r.ev[i].t <= begin[t] &&
			    (r.ev[i].kind == EV_POLL || r.ev[i].kind == EV_CALLBACK))
				loop = &r.ev[i];
		assert_non_null(loop);
		assert_int_equal(loop->kind, EV_CALLBACK);
		assert_int_equal(loop->task, t);
		for (size_t i = 0; i < r.n; i++)
			if (r.ev[i].lane == 0 && r.ev[i].t > begin[t] && r.ev[i].t < end[t])
				fail_msg("loop lane changed state while task %u ran", t);
	}
	for (uint32_t t = 0; t < 5; t++)
		assert_true(task_end(&r, t)->aux >= 1);   /* CPU us the sum used */
	for (uint32_t a = 0; a < 5; a++)
		for (uint32_t b = 0; b < 5; b++)
			if (a != b && begin[a] < end[b] && begin[b] < end[a])
				fail_msg("cpu tasks %u and %u overlap", a, b);
	run_free(&r);
}

/* Cancel during a long cpu task: it stops at its next tick. */
static void test_cpu_cancel(void **state)
{
	(void)state;
	struct cv_params p = params(WL_CPU, 3, 0);
	p.cpu_base = 10000000000ull;
	struct run r;
	int done, failed, unstarted;
	run_async(&r, &p, NULL, 0, 30, 1);
	check_lanes(&r, 3, EV_CPU, &done, &failed, &unstarted);
	assert_int_equal(failed, 1);
	assert_int_equal(unstarted, 2);
	assert_int_equal(task_end(&r, 0)->aux, FAIL_CANCELLED);
	run_free(&r);
}

int main(void)
{
	unsetenv("http_proxy");
	unsetenv("all_proxy");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io_all),
		cmocka_unit_test(test_io_limit),
		cmocka_unit_test(test_io_failures),
		cmocka_unit_test(test_io_fail_rate),
		cmocka_unit_test(test_io_cancel),
		cmocka_unit_test(test_cpu_blocks_loop),
		cmocka_unit_test(test_cpu_cancel),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
