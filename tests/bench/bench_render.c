/*
 * bench_render.c - time to draw one 200x50 Gantt frame as the timeline grows.
 *
 * Builds synthetic timelines of 10k, 100k, 1M and 10M events over 200 lanes
 * (random state changes: cpu, io, gil wait, idle, with task begin/end so
 * tasks alternate), fitted to the whole run, and times view_draw of the
 * Gantt view into a 200x50 canvas: the median of 20 frames, in ms. The
 * claim under test: drawing costs O(cells x log n), so the time per frame
 * stays flat as events grow (target <= 2 ms at 1M events).
 *
 * Two frames per size: "fit" shows the whole run, so each cell holds more
 * spans as the run grows (a 10k-event frame is mostly cells of one span);
 * "zoom" shows a 20 ms window (100 us a cell) at a different place each
 * frame, so each cell holds about as many spans at every size: that column
 * isolates the cost of the run's length from the cost of the cells' content.
 * Usage: bench_render [max_events] (default 10000000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench_median.h"
#include "canvas.h"
#include "session.h"
#include "timeline.h"
#include "view.h"

#define BENCH_LANES 200
#define BENCH_FRAMES 20
#define BENCH_ZOOM_CELL_NS 100000 /* 100 us a cell: a 20 ms window */

/* Return the monotonic time in ns. */
static uint64_t bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64: a fast, reproducible generator. */
static uint64_t bench_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Fill tl with n synthetic events over BENCH_LANES lanes; 0 or -1. */
static int bench_build(struct timeline *tl, size_t n)
{
	static const uint16_t kinds[] = { EV_CPU, EV_IO, EV_LOCK, EV_IO, EV_CPU, EV_IDLE };
	uint64_t seed = 0x9E3779B97F4A7C15ull, t = 1000000000ull;
	uint32_t task = 0, cur[BENCH_LANES];
	timeline_init(tl, t);
	for (uint32_t l = 0; l < BENCH_LANES; l++) {
		struct cv_event ev = { .t = t, .lane = l, .task = CV_NO_TASK, .kind = EV_LANE_START };
		if (timeline_add(tl, &ev))
			return -1;
		cur[l] = CV_NO_TASK;
	}
	for (size_t i = BENCH_LANES; i < n; i++) {
		uint64_t r = bench_rand(&seed);
		uint32_t l = (uint32_t)(r % BENCH_LANES);
		t += 1 + (r >> 40) % 2000; /* ~1 us between events */
		struct cv_event ev = { .t = t, .lane = l, .task = cur[l] };
		unsigned pick = (unsigned)((r >> 20) % 16);
		if (cur[l] == CV_NO_TASK) {
			ev.kind = EV_TASK_BEGIN;
			ev.task = cur[l] = task++;
		} else if (pick == 0) {
			ev.kind = (r >> 30) % 50 ? EV_TASK_END : EV_TASK_FAIL;
			ev.arg = 10240;
			ev.code = 200;
			cur[l] = CV_NO_TASK;
		} else {
			ev.kind = kinds[pick % 6];
		}
		if (timeline_add(tl, &ev))
			return -1;
	}
	return 0;
}

/* Draw one Gantt frame; return the time it took in ms. */
static double bench_frame(struct canvas *c, struct view_ctx *ctx)
{
	uint64_t t0 = bench_now();
	view_draw(c, VIEW_GANTT, ctx);
	return (double)(bench_now() - t0) / 1e6;
}

/* Build each size, draw 20 frames of each kind, print a row per size. */
int main(int argc, char **argv)
{
	size_t max = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
	static const size_t sizes[] = { 10000, 100000, 1000000, 10000000 };
	struct session s;
	struct cv_params p;
	params_default(&p);
	if (session_init(&s, &p))
		return 1;
	for (int l = 0; l < BENCH_LANES; l++) {
		char name[32];
		snprintf(name, sizeof name, "thread %d", l + 1);
		if (session_add_lane(&s, name, LANE_WORKER) < 0)
			return 1;
	}
	struct canvas c;
	if (canvas_init(&c, 200, 50, true))
		return 1;
	printf("bench_render: one 200x50 Gantt frame, %d lanes, median of %d frames\n",
	       BENCH_LANES, BENCH_FRAMES);
	printf("%12s %12s %10s %12s %12s %12s\n", "events", "spans", "build s", "fit ms", "fit min", "zoom ms");
	int status = 0;
	for (size_t k = 0; k < sizeof sizes / sizeof *sizes && sizes[k] <= max; k++) {
		struct timeline tl;
		uint64_t b0 = bench_now();
		if (bench_build(&tl, sizes[k])) {
			fprintf(stderr, "bench_render: out of memory building %zu events\n", sizes[k]);
			timeline_free(&tl);
			status = 1;
			break;
		}
		double build_s = (double)(bench_now() - b0) / 1e9;
		size_t spans = 0;
		for (size_t l = 0; l < tl.nlanes; l++)
			spans += tl.lanes[l].n;
		struct view_state vs;
		view_state_init(&vs);
		struct view_ctx ctx = { .s = &s, .tl = &tl, .vs = &vs, .now = -1, .done = true,
					.target = "127.0.0.1:8080" };
		double fit[BENCH_FRAMES], zoom[BENCH_FRAMES];
		for (int f = 0; f < BENCH_FRAMES; f++) {
			vs.top_lane = (f * 37) % BENCH_LANES; /* different lanes each frame */
			vs.follow = true;
			fit[f] = bench_frame(&c, &ctx);
		}
		for (int f = 0; f < BENCH_FRAMES; f++) {
			vs.top_lane = (f * 37) % BENCH_LANES;
			vs.follow = false;
			vs.span_ns = BENCH_ZOOM_CELL_NS;
			int64_t room = tl.now - 200 * BENCH_ZOOM_CELL_NS;
			vs.t0 = room > 0 ? (int64_t)((uint64_t)f * 7919 * 1000003u % (uint64_t)room) : 0;
			zoom[f] = bench_frame(&c, &ctx);
		}
		double fit_med = bench_median(fit, BENCH_FRAMES), zoom_med = bench_median(zoom, BENCH_FRAMES);
		printf("%12zu %12zu %10.2f %12.3f %12.3f %12.3f\n", sizes[k], spans, build_s,
		       fit_med, fit[0], zoom_med);
		fflush(stdout);
		timeline_free(&tl);
	}
	canvas_free(&c);
	session_free(&s);
	return status;
}
