/*
 * test_tracer_sdk.c - the tracer's side of the SDK (engines/tracer_sdk.c):
 * what it adds to the program's environment, and how its events and the
 * sampler's meet on a thread's lane as they go into the ring: the
 * sampler's states get the task the program runs there, a task switch the
 * program reports puts the sampler's state back with the new task, and an
 * explicit state the program sets hides the sampler's until it is cleared;
 * and a thread found only after its task, whose records come after it was
 * found gone, still has that task drawn on its lane.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "clock.h"
#include "sdk.h"
#include "tracer_sdk.h"

/* Make a tracer with the transport for argv0; its env strings in env. */
static struct tracer *open_tracer(const char *argv0, bool no_python, const char **env)
{
	struct tracer *tr = calloc(1, sizeof *tr);
	assert_non_null(tr);
	assert_int_equal(tsdk_open(tr, argv0, no_python, env), 0);
	assert_non_null(tr->sdk);
	return tr;
}

/* Free what open_tracer made. */
static void close_tracer(struct tracer *tr)
{
	tscan_free(tr);
	tsdk_close(tr->sdk);
	free(tr->batch);
	free(tr->sort_tmp);
	free(tr);
}

/* Pass one event (from the SDK or the sampler) and return what to push. */
static int pass(struct tracer *tr, uint64_t t, uint32_t task, uint16_t kind, bool sdk, uint8_t over,
		struct cv_event *out, struct cv_event *also)
{
	struct tbev b = { { t, 0, 1, task, kind, 0, 0 }, sdk, over };
	int n = tsdk_pass(tr->sdk, &b, also);
	*out = b.ev;
	return n;
}

/* CONCVIZ_SDK names a private directory; a Python command gets the
 * PYTHONPATH of the Python task tracer unless --no-python; another
 * command does not. */
static void test_env(void **state)
{
	(void)state;
	const char *env[TSDK_ENV_MAX + 1];
	setenv("CONCVIZ_PYTHON_DIR", "engines/sdk/python", 1);
	struct tracer *tr = open_tracer("python3", false, env);
	assert_non_null(env[0]);
	assert_int_equal(strncmp(env[0], "CONCVIZ_SDK=/", 13), 0);
	struct stat st;
	assert_int_equal(stat(env[0] + 12, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_non_null(env[1]);
	assert_int_equal(strncmp(env[1], "PYTHONPATH=engines/sdk/python", 29), 0);
	assert_null(env[2]);
	assert_int_equal(tr->sdk_python, MARK_PY_ON);
	char dir[256];
	snprintf(dir, sizeof dir, "%s", env[0] + 12);
	close_tracer(tr);
	assert_int_not_equal(stat(dir, &st), 0);              /* removed */
	tr = open_tracer("python3", true, env);
	assert_null(env[1]);
	assert_int_equal(tr->sdk_python, MARK_PY_OFF);
	close_tracer(tr);
	tr = open_tracer("/bin/true", false, env);
	assert_null(env[1]);
	assert_int_equal(tr->sdk_python, MARK_PY_NONE);
	close_tracer(tr);
	setenv("CONCVIZ_PYTHON_DIR", "/nonexistent", 1);
	tr = open_tracer("python3", false, env);
	assert_null(env[1]);
	assert_int_equal(tr->sdk_python, MARK_PY_MISSING);
	close_tracer(tr);
	unsetenv("CONCVIZ_PYTHON_DIR");
}

/* The sampler's states of a lane get the program's task on it; a task
 * switch puts the sampler's state back (with the task); an explicit state
 * drops the sampler's states until the program clears it. */
static void test_pass(void **state)
{
	(void)state;
	const char *env[TSDK_ENV_MAX + 1];
	struct tracer *tr = open_tracer("/bin/true", false, env);
	struct cv_event out, also;
	/* the sampler: the thread waits on a futex, no task */
	assert_int_equal(pass(tr, 10, CV_NO_TASK, EV_IDLE, false, 0, &out, &also), 1);
	assert_int_equal(out.task, CV_NO_TASK);
	/* the program begins task 7: the map says it runs it */
	assert_int_equal(pass(tr, 20, 7, EV_TASK_BEGIN, true, 0, &out, &also), 1);
	assert_int_equal(pass(tr, 20, 7, EV_CPU, true, 0, &out, &also), 2);
	assert_int_equal(also.kind, EV_IDLE);                 /* what the sampler last said */
	assert_int_equal(also.task, 7);
	assert_int_equal(also.t, 20);
	/* the sampler: it runs, then waits on I/O, for task 7 */
	assert_int_equal(pass(tr, 21, CV_NO_TASK, EV_CPU, false, 0, &out, &also), 1);
	assert_int_equal(out.task, 7);
	assert_int_equal(pass(tr, 22, CV_NO_TASK, EV_IO, false, 0, &out, &also), 1);
	assert_int_equal(out.task, 7);
	/* an explicit state (cvz_state(CVZ_LOCK)) hides the sampler's */
	assert_int_equal(pass(tr, 30, 7, EV_LOCK_WAIT, true, EV_LOCK_WAIT, &out, &also), 1);
	assert_int_equal(pass(tr, 31, CV_NO_TASK, EV_CPU, false, 0, &out, &also), 0);
	assert_int_equal(pass(tr, 32, CV_NO_TASK, EV_IO, false, 0, &out, &also), 0);
	/* cleared (CVZ_AUTO): the sampler's newest state comes back at once */
	assert_int_equal(pass(tr, 40, 7, EV_CPU, true, 0, &out, &also), 2);
	assert_int_equal(also.kind, EV_IO);
	assert_int_equal(also.t, 40);
	/* the task ends: the sampler's states belong to no task again */
	assert_int_equal(pass(tr, 50, 7, EV_TASK_END, true, 0, &out, &also), 1);
	assert_int_equal(pass(tr, 51, CV_NO_TASK, EV_IDLE, false, 0, &out, &also), 1);
	assert_int_equal(out.task, CV_NO_TASK);
	/* marks and output pass untouched, and no tracer is no change */
	assert_int_equal(pass(tr, 52, CV_NO_TASK, EV_OUTPUT, false, 0, &out, &also), 1);
	struct tbev b = { { 53, 0, 1, CV_NO_TASK, EV_CPU, 0, 0 }, 0, 0 };
	assert_int_equal(tsdk_pass(NULL, &b, &also), 1);
	close_tracer(tr);
}

/* A short-lived thread: its tid, then one task as its last act. */
static void *last_task(void *arg)
{
	*(uint32_t *)arg = (uint32_t)syscall(SYS_gettid);
	cvz_task_end(cvz_task_begin("last"));
	return NULL;
}

/* The first event of kind on lane l in the batch, or NULL. */
static const struct cv_event *held(const struct tracer *tr, uint32_t l, uint16_t kind)
{
	for (size_t i = 0; i < tr->nbatch; i++)
		if (tr->batch[i].ev.lane == l && tr->batch[i].ev.kind == kind)
			return &tr->batch[i].ev;
	return NULL;
}

/* A thread that did its task before the sampler found it, and whose
 * records are read only after it was found gone (its shard was still
 * being made at the poll before): its lane starts back at its first
 * record, so the task is drawn there. Before, the task was moved to the
 * lane's start, with no length at all (test_trace's lastwords, seldom). */
static void test_found_late(void **state)
{
	(void)state;
	const char *env[TSDK_ENV_MAX + 1];
	struct tracer *tr = open_tracer("/bin/true", false, env);
	assert_int_equal(setenv("CONCVIZ_SDK", env[0] + strlen("CONCVIZ_SDK="), 1), 0);
	uint32_t tid = 0, pid = (uint32_t)getpid();
	pthread_t pt;
	assert_int_equal(pthread_create(&pt, NULL, last_task, &tid), 0);
	assert_int_equal(pthread_join(pt, NULL), 0);
	uint64_t found = clock_ns();          /* the sampler finds it now, after its task */
	tr->th = calloc(1, sizeof *tr->th);
	assert_non_null(tr->th);
	tr->th_cap = tr->nth = 1;
	uint32_t lane = tr->next_lane++;
	tr->th[0] = (struct tthread){ .pid = pid, .tid = tid, .lane = lane, .fd_sched = -1,
				      .fd_sys = -1, .fd_stat = -1, .fd_kids = -1,
				      .t_acc = found, .t_start = found };
	struct cv_event start = { found, pid, lane, CV_NO_TASK, EV_LANE_START, 0, tid };
	tracer_push(tr, &start);
	tscan_end_process(tr, pid, 0, found + 1000);   /* then finds it gone */
	tsdk_poll(tr, clock_ns());
	const struct cv_event *s = held(tr, lane, EV_LANE_START), *b = held(tr, lane, EV_TASK_BEGIN),
			      *e = held(tr, lane, EV_TASK_END), *end = held(tr, lane, EV_LANE_END);
	assert_true(s && b && e && end);
	assert_true(s->t < found);
	assert_true(s->t <= b->t && b->t < e->t && e->t < end->t);
	unsetenv("CONCVIZ_SDK");
	close_tracer(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_found_late),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
