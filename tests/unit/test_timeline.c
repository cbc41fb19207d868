/*
 * test_timeline.c - the timeline against a brute-force reference.
 *
 * A generator writes random but legal event streams (lanes start, run tasks
 * through random states, tasks end or fail, lanes end) and, on the side, the
 * list of display-state intervals it meant. Range queries, time-in-state
 * sums and bucket summaries are checked against a linear scan of that list.
 * A small hand-made stream checks the statistics and the summary.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "stats.h"
#include "timeline.h"

struct ival { int64_t t0, t1; int state; uint32_t task; };
struct ref { struct ival *iv; size_t n, cap; };

static uint64_t rng_state = 88172645463325252ull;

/* xorshift64: a reproducible random number. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Append an interval to a lane's reference. */
static void ref_add(struct ref *r, int64_t t0, int64_t t1, int state, uint32_t task)
{
	if (t1 <= t0)
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->iv = realloc(r->iv, r->cap * sizeof *r->iv);
	}
	r->iv[r->n++] = (struct ival){ t0, t1, state, task };
}

/* Emit one event into the timeline. */
static void put(struct timeline *tl, uint64_t t, uint32_t lane, uint32_t task, int kind,
		uint16_t code, uint32_t aux, uint64_t arg)
{
	struct cv_event ev = { t, arg, lane, task, (uint16_t)kind, code, aux };
	assert_int_equal(timeline_add(tl, &ev), 0);
}

/* Generate a random run over nl lanes into tl, with the reference in refs.
 * Events of different lanes are interleaved in time order per lane only. */
static void generate(struct timeline *tl, struct ref *refs, int nl, int tasks_per_lane)
{
	static const int kinds[] = { EV_CPU, EV_IO, EV_LOCK, EV_IDLE, EV_POLL, EV_CALLBACK, EV_READY };
	static const int states[] = { ST_CPU, ST_IO, ST_LOCK, ST_IDLE, ST_POLL, ST_CALLBACK, ST_READY };
	uint32_t task = 0;
	for (int l = 0; l < nl; l++) {
		uint64_t t = 1000 + rnd() % 5000;   /* absolute; origin is 1000 */
		put(tl, t, (uint32_t)l, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
		for (int k = 0; k < tasks_per_lane; k++, task++) {
			int64_t idle_from = (int64_t)t - 1000;
			t += rnd() % 3000;
			ref_add(&refs[l], idle_from, (int64_t)t - 1000, ST_IDLE, CV_NO_TASK);
			put(tl, t, (uint32_t)l, task, EV_TASK_BEGIN, 0, 0, 0);
			int nst = 1 + (int)(rnd() % 6);
			size_t first = refs[l].n;
			for (int j = 0; j < nst; j++) {
				int w = (int)(rnd() % 7);
				uint64_t d = 1 + rnd() % 4000;
				put(tl, t, (uint32_t)l, task, kinds[w], 0, 0, 0);
				ref_add(&refs[l], (int64_t)t - 1000, (int64_t)(t + d) - 1000, states[w], task);
				t += d;
			}
			bool fail = rnd() % 5 == 0;
			if (fail) {
				put(tl, t, (uint32_t)l, task, EV_TASK_FAIL, 500, FAIL_HTTP, 7);
				for (size_t j = first; j < refs[l].n; j++)
					refs[l].iv[j].state = ST_FAILED;
			} else {
				put(tl, t, (uint32_t)l, task, EV_TASK_END, 200, 0, 100);
			}
		}
		uint64_t end = t + rnd() % 2000;
		ref_add(&refs[l], (int64_t)t - 1000, (int64_t)end - 1000, ST_IDLE, CV_NO_TASK);
		put(tl, end, (uint32_t)l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	}
}

/* Reference: ns in each state of lane ref within [a, b). */
static void ref_time_in(const struct ref *r, int64_t a, int64_t b, uint64_t acc[ST_COUNT])
{
	memset(acc, 0, sizeof(uint64_t) * ST_COUNT);
	for (size_t i = 0; i < r->n; i++) {
		int64_t x = r->iv[i].t0 > a ? r->iv[i].t0 : a;
		int64_t y = r->iv[i].t1 < b ? r->iv[i].t1 : b;
		if (y > x)
			acc[r->iv[i].state] += (uint64_t)(y - x);
	}
}

/* Check 97 buckets of width w from a random start against the reference. */
static void check_buckets(const struct timeline *tl, const struct ref *r, size_t l, int64_t w, int64_t end)
{
	static const uint8_t prio[ST_COUNT] = { 0, 1, 2, 7, 5, 8, 3, 4, 9, 6 };
	int64_t t0 = (int64_t)(rnd() % (uint64_t)(end + 1)) - 500;
	uint8_t st[97];
	uint32_t tk[97];
	timeline_buckets(tl, l, t0, w, 97, st, tk);
	for (int i = 0; i < 97; i++) {
		uint64_t want[ST_COUNT];
		ref_time_in(r, t0 + i * w, t0 + (i + 1) * w, want);
		int best = ST_NONE;
		for (int s = 1; s < ST_COUNT; s++)
			if (want[s] > want[best] || (want[s] && want[s] == want[best] && prio[s] > prio[best]))
				best = s;
		if (best != ST_NONE && want[best] == 0)
			best = ST_NONE;
		assert_int_equal(st[i], best);
		/* the task: that of the last span starting at or before the middle */
		int64_t mid = t0 + (i + 1) * w - w / 2 - 1;
		uint32_t task = CV_NO_TASK;
		for (size_t j = 0; best != ST_NONE && j < tl->lanes[l].n; j++)
			if (tl_span_at(&tl->lanes[l], j)->t0 <= mid)
				task = tl_span_at(&tl->lanes[l], j)->task;
		assert_int_equal(tk[i], task);
	}
}

/* Time-in-state and bucket summaries match the reference on random streams. */
static void test_random_vs_reference(void **state)
{
	(void)state;
	for (int round = 0; round < 20; round++) {
		struct timeline tl;
		timeline_init(&tl, 1000);
		int nl = 1 + round % 5;
		struct ref refs[5] = { 0 };
		generate(&tl, refs, nl, 5 + round * 10);
		for (int l = 0; l < nl; l++) {
			int64_t end = refs[l].iv[refs[l].n - 1].t1;
			for (int q = 0; q < 200; q++) {
				int64_t a = (int64_t)(rnd() % (uint64_t)(end + 2000)) - 1000;
				int64_t b = a + 1 + (int64_t)(rnd() % 20000);
				uint64_t got[ST_COUNT] = { 0 }, want[ST_COUNT];
				timeline_time_in(&tl, (size_t)l, a, b, got);
				ref_time_in(&refs[l], a, b, want);
				for (int s = 1; s < ST_COUNT; s++)
					assert_int_equal(got[s], want[s]);
			}
			/* buckets: 97 over a random window, a span or less wide,
			 * then wider ones, up to hundreds of spans per bucket
			 * (the prefix-sum path) */
			int64_t widths[] = { 1 + (int64_t)(rnd() % 900), end / 40 + 1, end / 5 + 1, end / 2 + 1 };
			for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++)
				check_buckets(&tl, &refs[l], (size_t)l, widths[wi], end);
		}
		for (int l = 0; l < nl; l++)
			free(refs[l].iv);
		timeline_free(&tl);
	}
}

/* Range queries return exactly the spans that overlap, against a linear scan. */
static void test_range_vs_scan(void **state)
{
	(void)state;
	struct timeline tl;
	timeline_init(&tl, 1000);
	struct ref refs[3] = { 0 };
	generate(&tl, refs, 3, 200);
	for (int l = 0; l < 3; l++) {
		const struct tl_lane *ln = &tl.lanes[l];
		int64_t end = timeline_span_end(&tl, (size_t)l, ln->n - 1);
		for (int q = 0; q < 500; q++) {
			int64_t a = (int64_t)(rnd() % (uint64_t)(end + 4000)) - 2000;
			int64_t b = a + (int64_t)(rnd() % 30000);
			size_t first, k = timeline_range(&tl, (size_t)l, a, b, &first);
			size_t sfirst = 0, sk = 0;
			for (size_t i = 0; i < ln->n; i++) {
				int64_t s0 = tl_span_at(ln, i)->t0, s1 = timeline_span_end(&tl, (size_t)l, i);
				bool overlap = s0 < b && (s1 > a || (s1 == s0 && s0 >= a));
				if (overlap && s1 > s0) {
					if (!sk)
						sfirst = i;
					sk++;
				}
			}
			if (sk) {
				assert_true(k >= sk);
				assert_true(first <= sfirst && first + k >= sfirst + sk);
				/* any extra span reported is zero-length */
				for (size_t i = first; i < first + k; i++)
					if (i < sfirst || i >= sfirst + sk)
						assert_int_equal(tl_span_at(ln, i)->t0, timeline_span_end(&tl, (size_t)l, i));
			} else {
				for (size_t i = first; i < first + k; i++)
					assert_int_equal(tl_span_at(ln, i)->t0, timeline_span_end(&tl, (size_t)l, i));
			}
		}
	}
	for (int l = 0; l < 3; l++)
		free(refs[l].iv);
	timeline_free(&tl);
}

/* Statistics of a hand-made stream, computed by hand. */
static void test_stats_by_hand(void **state)
{
	(void)state;
	struct timeline tl;
	timeline_init(&tl, 1000000);
	const uint64_t o = 1000000, ms = 1000000;
	/* lane 0: idle 0-1, task 0 cpu 1-4, gil 4-5, cpu 5-6, done; idle 6-10; end 10 */
	put(&tl, o, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	put(&tl, o, 0, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
	put(&tl, o + 1 * ms, 0, 0, EV_TASK_BEGIN, 0, 0, 0);
	put(&tl, o + 1 * ms, 0, 0, EV_CPU, 0, 0, 0);
	put(&tl, o + 4 * ms, 0, 0, EV_LOCK, 0, 0, 0);
	put(&tl, o + 5 * ms, 0, 0, EV_CPU, 0, 0, 0);
	put(&tl, o + 6 * ms, 0, 0, EV_TASK_END, 0, 0, 0);
	put(&tl, o + 10 * ms, 0, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	/* lane 1: task 1 io 0-3 fails (reset), task 2 io 3-5 done 2048 bytes; crash at 7 */
	put(&tl, o, 1, CV_NO_TASK, EV_LANE_START, 0, 0, 4242);
	put(&tl, o, 1, 1, EV_TASK_BEGIN, 0, 0, 0);
	put(&tl, o, 1, 1, EV_IO, 0, 0, 0);
	put(&tl, o + 3 * ms, 1, 1, EV_TASK_FAIL, 0, FAIL_RESET, 0);
	put(&tl, o + 3 * ms, 1, 2, EV_TASK_BEGIN, 0, 0, 0);
	put(&tl, o + 3 * ms, 1, 2, EV_IO, 0, 0, 0);
	put(&tl, o + 5 * ms, 1, 2, EV_TASK_END, 200, 0, 2048);
	put(&tl, o + 7 * ms, 1, CV_NO_TASK, EV_LANE_CRASH, 0, 0, 9);
	put(&tl, o + 10 * ms, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 12345);

	uint64_t ns[ST_COUNT];
	timeline_lane_stats(&tl, 0, ns);
	assert_int_equal(ns[ST_CPU], 4 * ms);
	assert_int_equal(ns[ST_LOCK], 1 * ms);
	assert_int_equal(ns[ST_IDLE], 5 * ms);
	timeline_lane_stats(&tl, 1, ns);
	assert_int_equal(ns[ST_IO], 5 * ms);
	assert_int_equal(ns[ST_IDLE], 2 * ms);
	assert_int_equal(tl.lanes[1].pid, 4242);
	assert_true(tl.lanes[1].crashed);
	assert_int_equal(tl.lanes[1].end, 7 * ms);
	assert_int_equal(tl.stats.done, 2);
	assert_int_equal(tl.stats.failed, 1);
	assert_int_equal(tl.stats.crashed_lanes, 1);
	assert_int_equal(tl.stats.bytes, 2048);
	assert_int_equal(tl.stats.ns[ST_CPU], 4 * ms);
	assert_int_equal(tl.tasks[0].cpu_ns, 4 * ms);
	assert_int_equal(tl.tasks[1].state, TASK_FAILED);
	assert_int_equal(tl.tasks[1].reason, FAIL_RESET);
	assert_int_equal(tl.tasks[2].status, 200);
	assert_int_equal(tl.stall_ns, 12345);

	/* the failed task's span displays as failed, in the sums too */
	uint64_t acc[ST_COUNT] = { 0 };
	timeline_time_in(&tl, 1, 0, 10 * ms, acc);
	assert_int_equal(acc[ST_FAILED], 3 * ms);
	assert_int_equal(acc[ST_IO], 2 * ms);
	assert_int_equal(acc[ST_IDLE], 2 * ms);
	uint8_t st[10];
	timeline_buckets(&tl, 1, 0, (int64_t)ms, 10, st, NULL);
	static const uint8_t want[10] = { ST_FAILED, ST_FAILED, ST_FAILED, ST_IO, ST_IO,
					  ST_IDLE, ST_IDLE, ST_NONE, ST_NONE, ST_NONE };
	assert_memory_equal(st, want, 10);

	/* the summary: cpu workload, 2 workers, 2 cores */
	struct cv_params p;
	params_default(&p);
	p.workload = WL_CPU;
	p.workers = 2;
	struct session s = { .params = p, .cores = 2, .ntasks = 3 };
	struct cv_summary m;
	stats_summarize(&s, &tl, &m);
	assert_int_equal(m.tasks, 3);
	assert_int_equal(m.done, 2);
	assert_int_equal(m.failed, 1);
	assert_true(m.wall_s > 0.00999 && m.wall_s < 0.01001);
	assert_true(m.ideal_s > 0.001999 && m.ideal_s < 0.002001);   /* 4 ms cpu / 2 */
	assert_true(m.efficiency > 0.1999 && m.efficiency < 0.2001);
	timeline_free(&tl);
}

/* A lane long enough for its arrays to move into their own mappings (and
 * grow there) keeps every span and answers queries right. */
static void test_long_lane(void **state)
{
	(void)state;
	struct timeline tl;
	timeline_init(&tl, 1);
	const uint32_t n = 300000;             /* 4.8 MB of spans */
	put(&tl, 1, 0, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
	for (uint32_t i = 0; i < n; i++)
		put(&tl, 1 + 10ull * i, 0, i / 2, i % 2 ? EV_IO : EV_CPU, 0, 0, 0);
	put(&tl, 1 + 10ull * n, 0, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	assert_int_equal(tl.lanes[0].n, n);
	uint64_t acc[ST_COUNT] = { 0 };
	timeline_time_in(&tl, 0, 0, 10 * (int64_t)n, acc);
	assert_int_equal(acc[ST_CPU], 5ull * n);
	assert_int_equal(acc[ST_IO], 5ull * n);
	size_t first, k = timeline_range(&tl, 0, 10 * 1000, 10 * 2000, &first);
	assert_int_equal(first, 1000);
	assert_int_equal(k, 1000);
	uint8_t st[4];
	timeline_buckets(&tl, 0, 10 * 7, 10, 4, st, NULL);
	assert_int_equal(st[0], ST_IO);          /* span 7 */
	assert_int_equal(st[1], ST_CPU);
	timeline_free(&tl);
}

/* Malformed events are refused without changing anything. */
static void test_malformed(void **state)
{
	(void)state;
	struct timeline tl;
	timeline_init(&tl, 0);
	struct cv_event ev = { .t = 5, .lane = 1u << 30, .task = 0, .kind = EV_CPU };
	assert_int_equal(timeline_add(&tl, &ev), -EINVAL);
	ev.lane = 0;
	ev.task = 1u << 30;
	assert_int_equal(timeline_add(&tl, &ev), -EINVAL);
	assert_int_equal(tl.nlanes, 0);
	ev.task = 0;
	ev.kind = 999;           /* unknown kinds are ignored */
	assert_int_equal(timeline_add(&tl, &ev), 0);
	timeline_free(&tl);
}

/* A batch stops at a malformed event and says which it was
 * (timeline_add_all), or skips it and goes on (timeline_add_many); either
 * way the events added are the newest of the recent ones. */
static void test_batch_malformed(void **state)
{
	(void)state;
	struct cv_event ev[5] = {
		{ .t = 10, .lane = 0, .task = CV_NO_TASK, .kind = EV_CPU },
		{ .t = 20, .lane = 0, .task = CV_NO_TASK, .kind = EV_IO },
		{ .t = 30, .lane = 1u << 30, .task = CV_NO_TASK, .kind = EV_CPU },
		{ .t = 40, .lane = 0, .task = CV_NO_TASK, .kind = EV_CPU },
		{ .t = 50, .lane = 1, .task = CV_NO_TASK, .kind = EV_IO },
	};
	struct timeline tl;
	timeline_init(&tl, 1);
	size_t added = 99;
	assert_int_equal(timeline_add_all(&tl, ev, 5, &added), -EINVAL);
	assert_int_equal(added, 2);
	assert_int_equal(tl.stats.events, 2);
	assert_int_equal(tl.nlanes, 1);
	assert_int_equal(tl.lanes[0].n, 2);
	assert_int_equal(tl.nrecent, 2);
	assert_int_equal(tl.recent[1].t, 20);
	assert_int_equal(timeline_add_all(&tl, ev + 3, 2, &added), 0);
	assert_int_equal(added, 2);
	timeline_free(&tl);

	timeline_init(&tl, 1);
	assert_int_equal(timeline_add_many(&tl, ev, 5), 0);
	assert_int_equal(tl.stats.events, 4);
	assert_int_equal(tl.nlanes, 2);
	assert_int_equal(tl.lanes[0].n, 3);      /* CPU, I/O, CPU */
	assert_int_equal(tl.lanes[0].tail->t0, 40 - 1);
	assert_int_equal(tl.nrecent, 4);
	assert_int_equal(tl.recent[3 % TL_RECENT].t, 50);
	timeline_free(&tl);

	/* a batch of TL_RECENT + 1 whose last is malformed: the ring holds the
	 * TL_RECENT before it, every slot written */
	struct cv_event *big = calloc(TL_RECENT + 1, sizeof *big);
	assert_non_null(big);
	for (size_t i = 0; i <= TL_RECENT; i++)
		big[i] = (struct cv_event){ .t = 100 + i, .lane = i == TL_RECENT ? 1u << 30 : 0,
					    .task = CV_NO_TASK, .kind = i % 2 ? EV_IO : EV_CPU };
	timeline_init(&tl, 1);
	assert_int_equal(timeline_add_many(&tl, big, TL_RECENT + 1), 0);
	assert_int_equal(tl.nrecent, TL_RECENT);
	for (size_t i = 0; i < TL_RECENT; i++)
		assert_int_equal(tl.recent[i].t, 100 + i);
	timeline_free(&tl);
	free(big);
}

/* Run the timeline tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_range_vs_scan),
		cmocka_unit_test(test_stats_by_hand),
		cmocka_unit_test(test_long_lane),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_batch_malformed),
	};
	return cmocka_run_group_tests_name("timeline", tests, NULL, NULL);
}
