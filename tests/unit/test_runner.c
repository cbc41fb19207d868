/*
 * test_runner.c - the runner: start, drain to the end, runs back to back on
 * the shared origin and ring, stopping mid-run, recording, real URLs and an
 * unreachable one.
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
#include "record.h"
#include "runner.h"

/* Params for a short run. */
static struct cv_params params(enum cv_mode m, enum cv_workload w, int tasks)
{
	struct cv_params p;
	params_default(&p);
	p.mode = m;
	p.workload = w;
	p.tasks = tasks;
	p.latency_ms = 5;
	p.size = 3000;
	p.cpu_base = 1000000;
	p.no_ui = true;
	return p;
}

/* Drain r until it finishes (a guard of 20 s stops a hung run). */
static void finish(struct runner *r)
{
	for (int i = 0; !r->finished; i++) {
		if (i > 20000)
			fail_msg("run did not finish");
		if (runner_drain(r) == 0)
			clock_sleep_ns(1000000);
	}
}

/* Every event the run logged belongs to this run's lanes and tasks. */
static void check_own_events(const struct runner *r)
{
	for (size_t i = 0; i < r->nlog; i++) {
		assert_true(r->log[i].lane < r->session.nlanes);
		assert_true(r->log[i].task == CV_NO_TASK || r->log[i].task < r->session.ntasks);
		assert_true(r->log[i].t >= r->session.start_mono_ns);
	}
}

/* One async io run from start to finish on the embedded origin. */
static void test_start_drain_finish(void **state)
{
	(void)state;
	struct cv_params p = params(MODE_ASYNC, WL_IO, 10);
	p.jitter_ms = 4;
	struct runner r;
	char err[256];
	assert_int_equal(runner_start(&r, &p, err, sizeof err), 0);
	finish(&r);
	assert_int_equal(r.exit_status, 0);
	assert_true(r.tl.run_end >= 0);
	assert_int_equal(r.tl.stats.done, 10);
	assert_int_equal(r.tl.stats.failed, 0);
	assert_int_equal(r.tl.stats.bytes, 30000);
	assert_int_equal(r.tl.stats.events, r.nlog);
	assert_true(r.session.ideal_latency_ms == 7.0);
	assert_non_null(strstr(session_task_name(&r.session, 0), "http://127.0.0.1:"));
	assert_non_null(strstr(session_task_name(&r.session, 0), "/a"));
	assert_non_null(strstr(session_task_name(&r.session, 1), "/b"));
	check_own_events(&r);
	assert_int_equal(runner_drain(&r), 0);
	runner_free(&r);
}

/* Two runs back to back (different modes and workloads) share the origin
 * and the ring; neither sees the other's events. */
static void test_back_to_back(void **state)
{
	(void)state;
	struct cv_params p1 = params(MODE_THREADS, WL_IO, 8);
	struct cv_params p2 = params(MODE_ASYNC, WL_CPU, 3);
	struct runner r;
	char err[256], first_url[128];
	assert_int_equal(runner_start(&r, &p1, err, sizeof err), 0);
	finish(&r);
	assert_int_equal(r.tl.stats.done, 8);
	check_own_events(&r);
	snprintf(first_url, sizeof first_url, "%s", session_task_name(&r.session, 0));
	runner_free(&r);
	assert_int_equal(runner_start(&r, &p2, err, sizeof err), 0);
	finish(&r);
	assert_int_equal(r.tl.stats.done, 3);
	assert_int_equal(r.tl.nlanes, 4);
	check_own_events(&r);
	runner_free(&r);
	p1.mode = MODE_ASYNC;
	assert_int_equal(runner_start(&r, &p1, err, sizeof err), 0);
	finish(&r);
	assert_int_equal(r.tl.stats.done, 8);
	assert_string_equal(session_task_name(&r.session, 0), first_url);  /* same origin */
	check_own_events(&r);
	runner_free(&r);
}

/* runner_stop mid-run cancels, drains to the end, and leaves the ring empty
 * for the next run. */
static void test_stop_mid_run(void **state)
{
	(void)state;
	struct cv_params p = params(MODE_ASYNC, WL_IO, 30);
	p.latency_ms = 3000;
	p.workers = 5;
	struct runner r;
	char err[256];
	assert_int_equal(runner_start(&r, &p, err, sizeof err), 0);
	size_t begun = 0;
	for (int i = 0; begun < 5; i++) {    /* until the first 5 are in flight */
		if (i > 10000)
			fail_msg("the transfers never began");
		runner_drain(&r);
		clock_sleep_ns(1000000);
		begun = 0;
		for (size_t t = 0; t < r.tl.ntasks; t++)
			begun += r.tl.tasks[t].t_begin >= 0;
	}
	runner_stop(&r);
	assert_true(r.finished);
	assert_true(r.tl.run_end >= 0);
	assert_int_equal(r.tl.stats.done, 0);
	assert_int_equal(r.tl.stats.failed, 5);   /* the 5 in flight, cancelled */
	for (size_t l = 0; l < r.tl.nlanes; l++)
		assert_true(r.tl.lanes[l].end >= 0);
	runner_stop(&r);                            /* again: harmless */
	runner_free(&r);
	struct cv_params q = params(MODE_SEQ, WL_CPU, 2);
	assert_int_equal(runner_start(&r, &q, err, sizeof err), 0);
	finish(&r);
	assert_int_equal(r.tl.stats.done, 2);
	check_own_events(&r);
	runner_free(&r);
}

/* Recording from the middle of a run still holds every event; an existing
 * file is refused without force. */
static void test_record(void **state)
{
	(void)state;
	char path[] = "/tmp/concviz-test-runnerXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct cv_params p = params(MODE_ASYNC, WL_IO, 6);
	struct runner r;
	char err[256];
	assert_int_equal(runner_start(&r, &p, err, sizeof err), 0);
	assert_int_equal(runner_record(&r, path, false, err, sizeof err), -1);
	assert_true(strlen(err) > 0);
	while (r.nlog == 0)
		runner_drain(&r);
	assert_int_equal(runner_record(&r, path, true, err, sizeof err), 0);
	finish(&r);
	assert_int_equal(runner_record_stop(&r, err, sizeof err), 0);
	struct session s;
	struct timeline tl;
	assert_int_equal(replay_load(path, &s, &tl, err, sizeof err), 0);
	assert_int_equal(tl.stats.events, r.nlog);
	assert_int_equal(tl.stats.done, 6);
	assert_int_equal(s.nlanes, r.session.nlanes);
	timeline_free(&tl);
	session_free(&s);
	runner_free(&r);
	unlink(path);
}

/* Given URLs: no ideal latency is set (stats measure it); a URL nobody
 * answers is a runtime failure once the run is over. */
static void test_given_urls(void **state)
{
	(void)state;
	char dead[64];
	snprintf(dead, sizeof dead, "http://127.0.0.1:%d/x", netport_dead());
	char *urls[] = { dead };
	struct cv_params p = params(MODE_THREADS, WL_IO, 4);
	p.urls = urls;
	p.nurls = 1;
	struct runner r;
	char err[256];
	assert_int_equal(runner_start(&r, &p, err, sizeof err), 0);
	assert_true(r.session.ideal_latency_ms == 0);
	assert_ptr_not_equal(r.params.urls, urls);     /* the session's copy */
	finish(&r);
	assert_int_equal(r.tl.stats.failed, 4);
	assert_int_equal(r.exit_status, 1);
	assert_non_null(strstr(r.err, "no URL could be reached"));
	runner_free(&r);
}

/* A start that fails leaves nothing behind and says why. */
static void test_bad_start(void **state)
{
	(void)state;
	struct cv_params p = params(MODE_ASYNC, WL_IO, 4);
	p.mode = (enum cv_mode)42;
	struct runner r;
	char err[256] = "";
	assert_int_equal(runner_start(&r, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "concviz: "));
	assert_null(r.engine);
	runner_free(&r);
}

int main(void)
{
	unsetenv("http_proxy");
	unsetenv("all_proxy");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_drain_finish),
		cmocka_unit_test(test_back_to_back),
		cmocka_unit_test(test_stop_mid_run),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_given_urls),
		cmocka_unit_test(test_bad_start),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	runner_shutdown();
	return rc;
}
