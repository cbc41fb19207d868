/*
 * test_sdk_map.c - SDK records to concviz events, through a fake sink (the
 * part the tracer will implement) that keeps the events and feeds them to a
 * real session and timeline: C tasks on their thread's lane (nested ones
 * too), failures with their reason in the name, cancellations, explicit
 * states overriding the sampler, marks, asyncio-style tasks with lanes of
 * their own, the loop lane, a producer gone with tasks open, the drop and
 * reject marks, refusals (no lane, a task id reused, past the limits),
 * and many tasks opened and closed in any order.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sdk_map.h"
#include "session.h"
#include "timeline.h"

#define MAXEV 400000

struct fake {
	struct cv_event ev[MAXEV];
	size_t n;
	uint32_t nlanes;
	uint8_t kinds[64];
	char names[64][32];
	uint32_t no_lane_pid;       /* lane_of refuses this process */
	struct session s;
	struct timeline tl;
};

static struct fake *fk;
static struct sdk_map *map;

/* sink.lane_of: threads get lanes 0, 1, ... in the order asked (at most 8). */
static long fake_lane_of(void *ctx, uint32_t pid, uint32_t tid)
{
	struct fake *f = ctx;
	static uint64_t known[8];
	static int nknown;
	if (pid == f->no_lane_pid)
		return -ESRCH;
	if (!f->nlanes)
		nknown = 0;
	uint64_t key = (uint64_t)pid << 32 | tid;
	for (int i = 0; i < nknown; i++)
		if (known[i] == key)
			return i;
	known[nknown] = key;
	f->nlanes++;
	return nknown++;
}

/* sink.new_lane: the next index, remembering kind and name. */
static long fake_new_lane(void *ctx, const char *name, enum lane_kind kind, uint32_t pid,
			  uint32_t tid)
{
	struct fake *f = ctx;
	(void)pid;
	(void)tid;
	if (f->nlanes >= 64)
		return -ENOMEM;
	f->kinds[f->nlanes] = (uint8_t)kind;
	strcpy(f->names[f->nlanes], name);
	return f->nlanes++;
}

/* sink.emit: keep it, and build the session and timeline from it. */
static void fake_emit(void *ctx, const struct cv_event *ev)
{
	struct fake *f = ctx;
	assert_true(f->n < MAXEV);
	f->ev[f->n++] = *ev;
	assert_int_equal(session_take(&f->s, ev), 0);
	assert_int_equal(timeline_add(&f->tl, ev), 0);
}

/* Each test: a fresh map over a fake sink with an empty session and timeline. */
static int setup(void **state)
{
	(void)state;
	fk = calloc(1, sizeof *fk);
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_TRACE;
	session_init(&fk->s, &p);
	timeline_init(&fk->tl, 1);
	struct sdk_sink sink = { fk, fake_lane_of, fake_new_lane, fake_emit };
	return sdk_map_new(&map, &sink, 0);
}

/* Free the map, the timeline and the session. */
static int teardown(void **state)
{
	(void)state;
	sdk_map_free(map);
	timeline_free(&fk->tl);
	session_free(&fk->s);
	free(fk);
	return 0;
}

/* Hand the map a record from thread (pid, tid) at time t. */
static void take(uint64_t t, uint32_t pid, uint32_t tid, unsigned kind, uint64_t task,
		 unsigned st, const char *name)
{
	struct sdk_rec r = { .t = t, .task = task, .pid = pid, .tid = tid, .kind = (uint8_t)kind,
			     .state = (uint8_t)st, .producer = CVZ_WIRE_PRODUCER_C };
	r.len = (uint8_t)strlen(name);
	memcpy(r.name, name, r.len);
	assert_int_equal(sdk_map_take(map, &r), 0);
}

/* Return the index of the first event of kind on lane at or after `from`,
 * or -1. */
static long find(size_t from, unsigned kind, uint32_t lane)
{
	for (size_t i = from; i < fk->n; i++)
		if (fk->ev[i].kind == kind && fk->ev[i].lane == lane)
			return (long)i;
	return -1;
}

/* A C task: named, begun and running on its thread's lane, then done; a
 * nested one hands the lane back to its outer task. */
static void test_thread_tasks(void **state)
{
	(void)state;
	take(10, 5, 5, CVZ_K_BEGIN, 100, 0, "outer");
	take(20, 5, 5, CVZ_K_BEGIN, 101, 0, "inner");
	assert_int_equal(sdk_map_lane_task(map, 0), 1);
	take(30, 5, 5, CVZ_K_END, 101, 0, "");
	assert_int_equal(sdk_map_lane_task(map, 0), 0);
	long end = find(0, EV_TASK_END, 0);
	assert_true(end >= 0);
	assert_int_equal(fk->ev[end].task, 1);
	assert_int_equal(fk->ev[end + 1].kind, EV_CPU);      /* the outer task runs again */
	assert_int_equal(fk->ev[end + 1].task, 0);
	take(40, 5, 5, CVZ_K_END, 100, 0, "");
	assert_int_equal(sdk_map_lane_task(map, 0), CV_NO_TASK);
	assert_string_equal(session_task_name(&fk->s, 0), "outer");
	assert_string_equal(session_task_name(&fk->s, 1), "inner");
	assert_int_equal(fk->tl.stats.done, 2);
	assert_int_equal(fk->tl.tasks[0].lane, 0);
	assert_int_equal(fk->tl.tasks[0].t_begin, 9);        /* origin 1 */
	assert_int_equal(fk->tl.tasks[0].t_end, 39);
	assert_int_equal(fk->ev[0].kind, EV_TASK_NAME);
	assert_int_equal(fk->ev[1].kind, EV_TASK_BEGIN);
	assert_int_equal(fk->ev[2].kind, EV_CPU);
	struct sdk_map_stats st;
	sdk_map_stats(map, &st);
	assert_int_equal(st.tasks, 2);
	assert_int_equal(st.done, 2);
	assert_int_equal(st.open, 0);
}

/* Failed: the reason goes after the name; cancelled: FAIL_CANCELLED; an
 * end from another thread ends the task on its own lane. */
static void test_fail_cancel(void **state)
{
	(void)state;
	take(10, 5, 5, CVZ_K_BEGIN, 1, 0, "download site 3");
	take(20, 5, 5, CVZ_K_FAIL, 1, 0, "timeout");
	assert_string_equal(session_task_name(&fk->s, 0), "download site 3: timeout");
	assert_int_equal(fk->tl.tasks[0].state, TASK_FAILED);
	assert_int_equal(fk->tl.tasks[0].reason, FAIL_OTHER);
	take(30, 5, 5, CVZ_K_BEGIN, 2, 0, "");
	assert_string_equal(session_task_name(&fk->s, 1), "task 1");
	take(40, 5, 6, CVZ_K_CANCEL, 2, 0, "");               /* from another thread */
	assert_int_equal(fk->tl.tasks[1].reason, FAIL_CANCELLED);
	assert_int_equal(fk->tl.tasks[1].lane, 0);
	assert_int_equal(fk->tl.stats.cancelled, 1);
	take(50, 5, 5, CVZ_K_END, 2, 0, "");                  /* already ended */
	take(50, 5, 5, CVZ_K_END, 77, 0, "");                 /* never begun */
	struct sdk_map_stats st;
	sdk_map_stats(map, &st);
	assert_int_equal(st.unmatched, 2);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.cancelled, 1);
}

/* Explicit states override the sampler until CVZ_AUTO; marks are pieces. */
static void test_states_marks(void **state)
{
	(void)state;
	take(10, 5, 5, CVZ_K_STATE, 0, CVZ_IO, "");
	assert_int_equal(sdk_map_lane_override(map, 0), EV_IO);
	assert_int_equal(fk->ev[fk->n - 1].kind, EV_IO);
	take(20, 5, 5, CVZ_K_BEGIN, 9, 0, "t");
	assert_int_equal(fk->ev[fk->n - 1].kind, EV_IO);       /* begins in its explicit state */
	assert_int_equal(fk->ev[fk->n - 1].task, 0);
	take(30, 5, 5, CVZ_K_STATE, 0, CVZ_LOCK, "");
	assert_int_equal(fk->ev[fk->n - 1].kind, EV_LOCK_WAIT);
	assert_int_equal(fk->ev[fk->n - 1].aux, TL_NO_LOCK);
	take(40, 5, 5, CVZ_K_STATE, 0, CVZ_IDLE, "");
	assert_int_equal(sdk_map_lane_override(map, 0), EV_IDLE);
	take(50, 5, 5, CVZ_K_STATE, 0, CVZ_AUTO, "");
	assert_int_equal(sdk_map_lane_override(map, 0), 0);
	assert_int_equal(fk->ev[fk->n - 1].kind, EV_CPU);
	take(60, 5, 5, CVZ_K_MARK, 0, 0, "a mark with a long name of many pieces");
	char name[CV_NAME_MAX + 1] = "";
	int whole = 0;
	for (size_t i = 0; i < fk->n; i++)
		if (fk->ev[i].kind == EV_USER_MARK) {
			assert_int_equal(fk->ev[i].task, 0);     /* during task 0 */
			whole = cv_name_apply(name, sizeof name, &fk->ev[i]);
		}
	assert_int_equal(whole, 1);
	assert_string_equal(name, "a mark with a long name of many pieces");
	assert_true(fk->tl.lanes[0].ns[ST_IO] > 0);
	assert_true(fk->tl.lanes[0].ns[ST_LOCK] > 0);
}

/* A task with a lane of its own: spawned (queued), steps run, waits, ends;
 * the loop lane shows poll and the callbacks of the task it steps. */
static void test_spawned(void **state)
{
	(void)state;
	take(10, 7, 7, CVZ_K_LOOP_RUN, 0, 0, "");
	take(20, 7, 7, CVZ_K_SPAWN, 50, 0, "Task-7 download_site with a long coroutine name");
	take(30, 7, 7, CVZ_K_RUN, 50, 0, "");
	take(40, 7, 7, CVZ_K_WAIT, 50, 0, "");
	take(50, 7, 7, CVZ_K_LOOP_POLL, 0, 0, "");
	take(150, 7, 7, CVZ_K_LOOP_RUN, 0, 0, "");
	take(160, 7, 7, CVZ_K_RUN, 50, 0, "");
	take(170, 7, 7, CVZ_K_END, 50, 0, "");
	take(180, 7, 7, CVZ_K_LOOP_STOP, 0, 0, "");
	assert_int_equal(fk->nlanes, 2);
	assert_int_equal(fk->kinds[0], LANE_LOOP);
	assert_string_equal(fk->names[0], "loop");
	assert_int_equal(fk->kinds[1], LANE_TASK);
	assert_int_equal(strlen(fk->names[1]), 31);              /* cut to a lane name */
	assert_string_equal(session_lane_name(&fk->s, 1), fk->names[1]);
	assert_string_equal(session_task_name(&fk->s, 0),
			    "Task-7 download_site with a long coroutine name");
	assert_int_equal(fk->s.lanes[1].pid, 7);
	const struct tl_task *tk = &fk->tl.tasks[0];
	assert_int_equal(tk->state, TASK_DONE);
	assert_int_equal(tk->t_queued, 19);
	assert_int_equal(tk->t_begin, 29);
	assert_int_equal(tk->t_end, 169);
	uint64_t ns[ST_COUNT];
	timeline_lane_stats(&fk->tl, 1, ns);
	assert_int_equal(ns[ST_QUEUED], 10);
	assert_int_equal(ns[ST_CPU], 20);
	assert_int_equal(ns[ST_IO], 120);
	assert_true(fk->tl.lanes[1].end >= 0);                  /* the task's lane ended */
	timeline_lane_stats(&fk->tl, 0, ns);
	assert_int_equal(ns[ST_POLL], 100);
	assert_int_equal(ns[ST_CALLBACK], 70);
	long cb = find(0, EV_CALLBACK, 0);
	while (cb >= 0 && fk->ev[cb].task != 0)
		cb = find((size_t)cb + 1, EV_CALLBACK, 0);
	assert_true(cb >= 0);                                    /* the loop ran task 0's step */
	assert_int_equal(fk->ev[cb].t, 30);
	assert_int_equal(fk->ev[fk->n - 1].kind, EV_IDLE);       /* stopped */
	take(190, 7, 7, CVZ_K_RUN, 51, 0, "");                   /* unknown: ignored */
	take(190, 7, 7, CVZ_K_SPAWN, 0x52, 0, "");
	assert_string_equal(session_task_name(&fk->s, 1), "task 1");
}

/* A producer gone: its open tasks cancelled, its lanes ended; another
 * producer's tasks stay open until the map finishes. */
static void test_gone_finish(void **state)
{
	(void)state;
	take(10, 5, 5, CVZ_K_BEGIN, 1, 0, "a");
	take(10, 5, 5, CVZ_K_SPAWN, 2, 0, "b");
	take(10, 5, 5, CVZ_K_LOOP_POLL, 0, 0, "");
	take(10, 6, 6, CVZ_K_BEGIN, 3, 0, "c");
	take(20, 5, 5, SDK_GONE, 0, 0, "");
	struct sdk_map_stats st;
	sdk_map_stats(map, &st);
	assert_int_equal(st.cancelled, 2);
	assert_int_equal(st.open, 1);
	assert_int_equal(fk->tl.tasks[0].reason, FAIL_CANCELLED);
	assert_int_equal(fk->tl.tasks[1].reason, FAIL_CANCELLED);
	assert_int_equal(fk->tl.tasks[2].state, TASK_RUNNING);
	for (uint32_t l = 1; l <= 2; l++)                        /* task lane, loop lane */
		assert_true(fk->tl.lanes[l].end >= 0);
	sdk_map_finish(map, 30);
	sdk_map_stats(map, &st);
	assert_int_equal(st.cancelled, 3);
	assert_int_equal(st.open, 0);
	assert_int_equal(fk->tl.tasks[2].reason, FAIL_CANCELLED);
	take(40, 5, 5, CVZ_K_BEGIN, 1, 0, "a again");            /* the id is free again */
	sdk_map_stats(map, &st);
	assert_int_equal(st.open, 1);
}

/* Drop and reject marks only when the totals change; refusals count. */
static void test_counts_refusals(void **state)
{
	(void)state;
	sdk_map_counts(map, 10, 0, 0);
	assert_int_equal(fk->n, 0);
	sdk_map_counts(map, 10, 5, 0);
	assert_int_equal(fk->n, 1);
	assert_int_equal(fk->ev[0].kind, EV_MARK);
	assert_int_equal(fk->ev[0].aux, MARK_SDK_DROPPED);
	assert_int_equal(fk->ev[0].arg, 5);
	fk->no_lane_pid = 9;
	take(20, 9, 9, CVZ_K_BEGIN, 1, 0, "no lane");            /* not the program's */
	take(20, 5, 5, CVZ_K_BEGIN, 2, 0, "x");
	take(20, 5, 5, CVZ_K_BEGIN, 2, 0, "same id");            /* already open */
	struct sdk_map_stats st;
	sdk_map_stats(map, &st);
	assert_int_equal(st.refused, 2);
	size_t n = fk->n;
	sdk_map_counts(map, 30, 5, 1);
	assert_int_equal(fk->n, n + 1);
	assert_int_equal(fk->ev[n].aux, MARK_SDK_REJECTED);
	assert_int_equal(fk->ev[n].arg, 3);                      /* 1 + the map's 2 */
	sdk_map_counts(map, 40, 5, 1);
	assert_int_equal(fk->n, n + 1);
}

/* sink.emit that only counts (indices far past a session's). */
static void count_emit(void *ctx, const struct cv_event *ev)
{
	(void)ev;
	((struct fake *)ctx)->n++;
}

/* Task indices stop at the timeline's limit: past it, refused. */
static void test_index_limit(void **state)
{
	(void)state;
	struct sdk_map *m;
	struct sdk_sink sink = { fk, fake_lane_of, fake_new_lane, count_emit };
	assert_int_equal(sdk_map_new(&m, &sink, SDK_MAP_MAX_INDEX - 1), 0);
	struct sdk_rec r = { .t = 1, .task = 1, .pid = 5, .tid = 5, .kind = CVZ_K_BEGIN };
	assert_int_equal(sdk_map_take(m, &r), 0);
	r.task = 2;
	assert_int_equal(sdk_map_take(m, &r), 0);
	struct sdk_map_stats st;
	sdk_map_stats(m, &st);
	assert_int_equal(st.tasks, 1);
	assert_int_equal(st.refused, 1);
	sdk_map_free(m);
}

/* Many tasks on several threads, opened and closed in a shuffled order:
 * every end finds its task (the hash table keeps up with deletions). */
static void test_churn(void **state)
{
	(void)state;
	enum { N = 20000 };
	uint64_t *ids = malloc(N * sizeof *ids);
	for (int i = 0; i < N; i++)
		ids[i] = (uint64_t)(i % 4 + 1) << 32 | (uint64_t)(i * 2654435761u % 1000003u + 1);
	uint32_t seed = 1;
	for (int i = 0; i < N; i++)
		take(10, 5, (uint32_t)(ids[i] >> 32), CVZ_K_BEGIN, ids[i], 0, "");
	for (int i = N - 1; i > 0; i--) {
		seed = seed * 1103515245u + 12345u;
		int j = (int)(seed % (uint32_t)(i + 1));
		uint64_t x = ids[i];
		ids[i] = ids[j];
		ids[j] = x;
	}
	for (int i = 0; i < N; i++) {
		take(20, 5, (uint32_t)(ids[i] >> 32), CVZ_K_END, ids[i], 0, "");
		if (i % 7 == 0)                                   /* reopen some as we go */
			take(20, 5, 1, CVZ_K_BEGIN, ids[i] | 1ull << 31, 0, "");
	}
	struct sdk_map_stats st;
	sdk_map_stats(map, &st);
	assert_int_equal(st.unmatched, 0);
	assert_int_equal(st.done, N);
	assert_int_equal(st.open, (N + 6) / 7);
	free(ids);
}

/* Run the mapping tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_thread_tasks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_states_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_churn, setup, teardown),
	};
	return cmocka_run_group_tests_name("sdk_map", tests, NULL, NULL);
}
