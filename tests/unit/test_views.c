/*
 * test_views.c - the views drawn from fixed event streams, as text.
 *
 * Each view is rendered at 80x24 and 120x40 from the fixtures (threads io
 * with a failure, async io with a loop lane, threads + GIL cpu) and compared
 * with tests/golden/<name>_<w>x<h>.txt; with UPDATE_GOLDEN=1 in the
 * environment the files are written instead. Beside the byte comparison the
 * tests assert what a person would look for (labels, glyphs, ticks, figures),
 * that tiny canvases (20x6, 1x1, 0x0, every size up to 30x12) draw without
 * writing out of bounds, the ASCII fall-back, hit-testing, zoom and pan, and
 * the findings: their view, a finding shown in the Gantt, the Compare view's
 * top findings and checked predictions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "canvas.h"
#include "fixtures.h"
#include "stats.h"
#include "view.h"
#include "view_util.h"

#define GOLDEN_DIR "tests/golden"

enum fx_id { FX_THREADS_IO, FX_ASYNC_IO, FX_GIL_CPU, FX_TRACE, FX_RACE, FX_DEADLOCK, FX_TRACE_SDK };

struct scene {
	struct session s;
	struct timeline tl;
	struct view_state vs;
	struct cv_summary runs[7];
	struct finding_brief briefs[7];
	struct findings_state fs;   /* the fixture's findings (ctx.findings only when asked) */
	struct view_ctx ctx;
};

/* Fill runs with a plausible session: seq/threads/async/procs io, seq/gil/procs cpu. */
static size_t scene_runs(struct cv_summary *r)
{
	static const struct { int mode, wl, workers, gil; double wall, ideal; uint32_t failed; } d[] = {
		{ MODE_SEQ, WL_IO, 1, 0, 16.30, 16.0, 0 },     { MODE_THREADS, WL_IO, 5, 0, 3.40, 3.2, 2 },
		{ MODE_ASYNC, WL_IO, 160, 0, 0.31, 0.10, 0 },  { MODE_PROCS, WL_IO, 4, 0, 4.20, 4.0, 0 },
		{ MODE_SEQ, WL_CPU, 1, 0, 3.05, 3.0, 0 },      { MODE_THREADS, WL_CPU, 5, 1, 3.21, 0.76, 0 },
		{ MODE_PROCS, WL_CPU, 4, 0, 0.81, 0.76, 0 },
	};
	for (size_t i = 0; i < 7; i++) {
		memset(&r[i], 0, sizeof r[i]);
		r[i].mode = d[i].mode;
		r[i].workload = d[i].wl;
		r[i].workers = d[i].workers;
		r[i].gil = d[i].gil;
		r[i].tasks = d[i].wl == WL_IO ? 160 : 20;
		r[i].failed = d[i].failed;
		r[i].done = r[i].tasks - r[i].failed;
		r[i].wall_s = d[i].wall;
		r[i].ideal_s = d[i].ideal;
		r[i].efficiency = d[i].ideal / d[i].wall;
	}
	return 7;
}

/* Build a finished scene from fixture id. */
static void scene_init(struct scene *sc, enum fx_id id)
{
	memset(sc, 0, sizeof *sc);
	int rc = id == FX_THREADS_IO ? fixture_threads_io(&sc->s, &sc->tl)
		 : id == FX_ASYNC_IO ? fixture_async_io(&sc->s, &sc->tl)
		 : id == FX_TRACE ? fixture_trace(&sc->s, &sc->tl)
		 : id == FX_TRACE_SDK ? fixture_trace_sdk(&sc->s, &sc->tl)
		 : id == FX_RACE ? fixture_race(&sc->s, &sc->tl)
		 : id == FX_DEADLOCK ? fixture_deadlock(&sc->s, &sc->tl)
				     : fixture_gil_cpu(&sc->s, &sc->tl);
	assert_int_equal(rc, 0);
	view_state_init(&sc->vs);
	findings_state_init(&sc->fs);
	sc->ctx = (struct view_ctx){
		.s = &sc->s, .tl = &sc->tl, .vs = &sc->vs, .runs = sc->runs, .nruns = scene_runs(sc->runs),
		.target = "127.0.0.1:8080", .now = -1, .speed = 1.0, .done = true,
	};
}

/* Compute the scene's findings and show them in its views. */
static void scene_findings(struct scene *sc)
{
	assert_int_equal(findings_update(&sc->fs, &sc->s, &sc->tl, NULL), 0);
	sc->ctx.findings = &sc->fs.list;
}

/* Free a scene. */
static void scene_free(struct scene *sc)
{
	findings_state_free(&sc->fs);
	fixture_free(&sc->s, &sc->tl);
}

/* Render view v of sc at w x h into a malloc'd string (canvas_print text). */
static char *render(struct scene *sc, enum view_id v, int w, int h, bool utf8)
{
	struct canvas c;
	assert_int_equal(canvas_init(&c, w, h, utf8), 0);
	view_draw(&c, v, &sc->ctx);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	canvas_print(f, &c, false);
	fclose(f);
	canvas_free(&c);
	return buf;
}

/* Compare text with the golden file name_WxH.txt, or write it (UPDATE_GOLDEN=1). */
static void golden(const char *name, int w, int h, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, GOLDEN_DIR "/%s_%dx%d.txt", name, w, h);
	const char *up = getenv("UPDATE_GOLDEN");
	if (up && !strcmp(up, "1")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		assert_int_equal(fclose(f), 0);
		return;
	}
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("missing golden %s; run the test with UPDATE_GOLDEN=1 to create it", path);
	static char want[1 << 16];
	size_t n = fread(want, 1, sizeof want - 1, f);
	want[n] = 0;
	fclose(f);
	if (strcmp(want, text) != 0) {
		fprintf(stderr, "--- %s (want)\n%s--- got\n%s", path, want, text);
		fail_msg("%s differs from the rendering (UPDATE_GOLDEN=1 rewrites it)", path);
	}
}

/* Return line y (0-based) of text in buf, or "" past the end. */
static const char *line_of(const char *text, int y, char *buf, size_t n)
{
	const char *p = text;
	for (int i = 0; i < y && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		p = "";
	size_t len = strcspn(p, "\n");
	if (len >= n)
		len = n - 1;
	memcpy(buf, p, len);
	buf[len] = 0;
	return buf;
}

/* Gantt of the threads io run: header, lanes, glyphs, ticks, legend; goldens. */
static void test_gantt_threads_io(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	char *t = render(&sc, VIEW_GANTT, 80, 24, true);
	char ln[1024];
	assert_non_null(strstr(line_of(t, 0, ln, sizeof ln), "concviz"));
	assert_non_null(strstr(ln, "threads ×3"));
	assert_non_null(strstr(ln, "127.0.0.1:8080"));
	assert_non_null(strstr(ln, "DONE"));
	/* a finished run shows its summary on the status line */
	assert_non_null(strstr(t, "done: threads io: 9 tasks, 1 failed, wall 0.408 s, ideal 0.300 s"));
	assert_non_null(strstr(line_of(t, 1, ln, sizeof ln), "9/9"));
	assert_non_null(strstr(ln, "failed 1"));
	assert_non_null(strstr(t, "thread 1"));
	assert_non_null(strstr(t, "thread 3"));
	assert_non_null(strstr(t, "▒"));        /* io */
	assert_non_null(strstr(t, "░"));        /* io, the next task */
	assert_non_null(strstr(t, "✗"));        /* the failed download */
	assert_non_null(strstr(t, "100ms"));    /* an axis tick */
	assert_non_null(strstr(t, "lanes 1-3 of 3"));
	assert_non_null(strstr(t, "io"));
	assert_non_null(strstr(t, "q quit"));
	/* the whole run is fitted: the last lane ends near the right edge */
	assert_true(sc.vs.span_ns > 0 && sc.vs.span_ns * sc.vs.gw >= sc.tl.now);
	assert_true(sc.vs.span_ns * sc.vs.gw < sc.tl.now * 2);
	golden("gantt", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_GANTT, 120, 40, true);
	golden("gantt", 120, 40, t);
	free(t);
	scene_free(&sc);
}

/* Gantt of the GIL cpu run: cpu and gil-wait glyphs interleave. */
static void test_gantt_gil(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_GIL_CPU);
	char *t = render(&sc, VIEW_GANTT, 80, 24, true);
	assert_non_null(strstr(t, "+gil 5ms"));
	assert_non_null(strstr(t, "cpu"));
	assert_non_null(strstr(t, "█"));
	assert_non_null(strstr(t, "╳"));
	assert_non_null(strstr(t, "gil wait"));
	assert_non_null(strstr(t, "n=30000000"));
	golden("gantt_gil", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_GANTT, 120, 40, true);
	golden("gantt_gil", 120, 40, t);
	free(t);
	scene_free(&sc);
}

/* Gantt of the race run: the counter's line (expected, final, lost), the
 * lost-update marks on the lanes, the legend; the detail line of a mark;
 * the same in ASCII. */
static void test_gantt_race(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_RACE);
	assert_int_equal(sc.tl.race.lost, 14);
	assert_int_equal(sc.tl.race.final, 586);
	char *t = render(&sc, VIEW_GANTT, 80, 24, true);
	assert_non_null(strstr(t, "race 6 tasks"));
	assert_non_null(strstr(t, "shared counter, no lock"));
	assert_non_null(strstr(t, "counter: expected 600, final 586, lost 14 updates (2%)"));
	assert_non_null(strstr(t, "! lost update"));
	assert_non_null(strstr(t, "█!█"));
	golden("gantt_race", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_GANTT, 120, 40, true);
	assert_non_null(strstr(t, "counter 586 of 600: 14 updates lost"));  /* the summary */
	golden("gantt_race", 120, 40, t);
	free(t);
	t = render(&sc, VIEW_GANTT, 80, 24, false);
	assert_non_null(strstr(t, "#*#"));
	assert_non_null(strstr(t, "* lost update"));
	free(t);
	/* the detail line of thread 1 at 23 ms: the mark, who read it too */
	char buf[512];
	sc.vs.span_ns = 4000000;
	assert_true(view_detail(&sc.ctx, 0, 23000000, buf, sizeof buf));
	assert_non_null(strstr(buf, "lost update: read 34, which thread 2 read too"));
	/* live, before the run's first report: no figures yet, no deadlock talk */
	struct session s2;
	struct timeline tl2;
	struct cv_params p;
	params_default(&p);
	p.workload = WL_RACE;
	assert_int_equal(session_init(&s2, &p), 0);
	timeline_init(&tl2, 1000);
	struct view_ctx live = sc.ctx;
	live.s = &s2;
	live.tl = &tl2;
	live.done = false;
	live.live = true;
	struct canvas c;
	assert_int_equal(canvas_init(&c, 80, 24, true), 0);
	view_draw(&c, VIEW_GANTT, &live);
	char *buf2 = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf2, &len);
	canvas_print(f, &c, false);
	fclose(f);
	assert_non_null(strstr(buf2, "counter: starting"));
	assert_null(strstr(buf2, "deadlock"));
	free(buf2);
	canvas_free(&c);
	timeline_free(&tl2);
	session_free(&s2);
	/* the log names it */
	t = render(&sc, VIEW_LOG, 120, 40, true);
	assert_non_null(strstr(t, "run          race        -      final 586 after 600 increments: 14 lost"));
	assert_non_null(strstr(t, "added 100; the counter is"));
	free(t);
	scene_free(&sc);
}

/* Gantt of the deadlocked run: the cycle named in the header, the two
 * lanes' deadlocked waits drawn apart (⊗), the third lane's ordinary wait
 * behind them (╳), the detail line of each wait. */
static void test_gantt_deadlock(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_DEADLOCK);
	assert_true(sc.tl.deadlock.detected);
	char *t = render(&sc, VIEW_GANTT, 80, 24, true);
	assert_non_null(strstr(t, "2 locks, opposite orders"));
	assert_non_null(strstr(t, "DEADLOCK thread 1 → L2 → thread 2 → L1 → thread 1"));
	assert_non_null(strstr(t, "⊗⊗⊗"));
	assert_non_null(strstr(t, "╳╳╳"));
	assert_non_null(strstr(t, "⊗ deadlocked"));
	assert_null(strstr(t, "✗"));                     /* cut short, not failed on their own */
	golden("gantt_deadlock", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_GANTT, 120, 40, true);
	assert_non_null(strstr(t, "DEADLOCK thread 1 waits for L2 held by thread 2, thread 2 waits for "
			       "L1 held by thread 1 (seen in 2 ms, run ended)"));
	golden("gantt_deadlock", 120, 40, t);
	free(t);
	t = render(&sc, VIEW_GANTT, 80, 24, false);
	assert_non_null(strstr(t, "DEADLOCK thread 1 -> L2 -> thread 2 -> L1 -> thread 1"));
	assert_non_null(strstr(t, "DDD"));
	free(t);
	char buf[512];
	assert_true(view_detail(&sc.ctx, 0, 500000000, buf, sizeof buf));
	assert_non_null(strstr(buf, "lock-wait"));
	assert_non_null(strstr(buf, "DEADLOCK: waits for L2 held by thread 2"));
	assert_non_null(strstr(buf, "FAILED: deadlock"));
	assert_true(view_detail(&sc.ctx, 2, 500000000, buf, sizeof buf));
	assert_non_null(strstr(buf, "| waits for L1 held by thread 1"));
	assert_non_null(strstr(buf, "FAILED: cancelled"));
	assert_true(view_detail(&sc.ctx, 1, 100000000, buf, sizeof buf));
	assert_null(strstr(buf, "waits"));               /* its I/O, holding L2 */
	t = render(&sc, VIEW_LOG, 120, 40, true);
	assert_non_null(strstr(t, "deadlock found: 2 lanes wait for each other"));
	assert_non_null(strstr(t, "waits for L1 held by thread 1"));
	free(t);
	/* a narrow screen: the short form */
	t = render(&sc, VIEW_GANTT, 40, 12, true);
	assert_non_null(strstr(t, "DEADLOCK 2 lanes wait for each other"));
	free(t);
	scene_free(&sc);
}

/* Gantt of the async run: loop lane with poll and callbacks, queued tasks. */
static void test_gantt_async(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_ASYNC_IO);
	char *t = render(&sc, VIEW_GANTT, 80, 24, true);
	assert_non_null(strstr(t, "async ≤2 in flight"));
	assert_non_null(strstr(t, "loop"));
	assert_non_null(strstr(t, "─"));
	assert_non_null(strstr(t, "·"));
	assert_non_null(strstr(t, "lanes 1-5 of 5"));
	golden("gantt_async", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_GANTT, 120, 40, true);
	golden("gantt_async", 120, 40, t);
	free(t);
	scene_free(&sc);
}

/* Compare: every run, speed-up over seq of the same workload, bars. */
static void test_compare(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	char *t = render(&sc, VIEW_COMPARE, 80, 24, true);
	assert_non_null(strstr(t, "speed-up"));
	assert_non_null(strstr(t, "52.6×"));     /* async io: 16.30 / 0.31 */
	assert_non_null(strstr(t, "3.77×"));     /* procs cpu: 3.05 / 0.81 */
	assert_non_null(strstr(t, "0.95×"));     /* threads + gil cpu: no gain */
	assert_non_null(strstr(t, "1.00×"));     /* seq over itself */
	assert_non_null(strstr(t, "16.30s"));
	assert_non_null(strstr(t, "2 failed"));
	golden("compare", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_COMPARE, 120, 40, true);
	golden("compare", 120, 40, t);
	free(t);
	/* no seq run of the workload: a dash */
	sc.ctx.runs = &sc.runs[1];
	sc.ctx.nruns = 3;
	t = render(&sc, VIEW_COMPARE, 80, 24, true);
	assert_non_null(strstr(t, "—"));
	assert_null(strstr(t, "×  "));
	assert_non_null(strstr(t, "press 0"));
	free(t);
	sc.ctx.nruns = 0;
	t = render(&sc, VIEW_COMPARE, 80, 24, true);
	assert_non_null(strstr(t, "No finished run yet"));
	free(t);
	scene_free(&sc);
}

/* Loop view: iterations, poll vs callbacks, the 40 ms stall named by task. */
static void test_loop(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_ASYNC_IO);
	char *t = render(&sc, VIEW_LOOP, 80, 24, true);
	assert_non_null(strstr(t, "iterations"));
	assert_non_null(strstr(t, "longest stalls"));
	assert_non_null(strstr(t, "40.0ms"));
	assert_non_null(strstr(t, "task 3 http://127.0.0.1:8080/f/3"));
	golden("loop", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_LOOP, 120, 40, true);
	golden("loop", 120, 40, t);
	free(t);
	scene_free(&sc);
	/* a threads run has no loop: a one-line note */
	scene_init(&sc, FX_THREADS_IO);
	t = render(&sc, VIEW_LOOP, 80, 24, true);
	assert_non_null(strstr(t, "press 2"));
	free(t);
	scene_free(&sc);
}

/* Log view: newest first, kinds, failure reason, scrolling. */
static void test_log(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	char *t = render(&sc, VIEW_LOG, 80, 24, true);
	assert_non_null(strstr(t, "run ends"));
	assert_non_null(strstr(t, "FAILED timeout"));
	assert_non_null(strstr(t, "lane-end"));
	golden("log", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_LOG, 120, 40, true);
	golden("log", 120, 40, t);
	free(t);
	sc.vs.log_top = 1000; /* clamped to the oldest page */
	t = render(&sc, VIEW_LOG, 120, 40, true);
	assert_non_null(strstr(t, "run begins"));
	assert_null(strstr(t, "run ends"));
	assert_true(sc.vs.log_top > 0 && sc.vs.log_top < 1000);
	free(t);
	scene_free(&sc);
}

/* Help: every hotkey and the legend. */
static void test_help(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	char *t = render(&sc, VIEW_HELP, 80, 24, true);
	static const char *const must[] = { "threads/async/procs/seq", "workload", "GIL", "zoom",
					    "pan", "scroll lanes", "fit", "pause", "rerun", "next view",
					    "record", "details", "quit", "slower / faster", "step",
					    "seek", "scrub", "lock", "callback", "failed",
					    "deadlocked", "lost update" };
	for (size_t i = 0; i < sizeof must / sizeof *must; i++)
		if (!strstr(t, must[i]))
			fail_msg("help at 80x24 lacks '%s':\n%s", must[i], t);
	golden("help", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_HELP, 120, 40, true);
	golden("help", 120, 40, t);
	free(t);
	scene_free(&sc);
}

/* Every view at every small size, and 1x1, 0x0, 20x6: no crash, no overflow. */
static void test_tiny_sizes(void **state)
{
	(void)state;
	enum fx_id ids[] = { FX_THREADS_IO, FX_ASYNC_IO, FX_GIL_CPU };
	for (size_t f = 0; f < 3; f++) {
		struct scene sc;
		scene_init(&sc, ids[f]);
		scene_findings(&sc);
		for (int v = 0; v < VIEW_COUNT; v++)
			for (int w = 0; w <= 30; w++)
				for (int h = 0; h <= 12; h++) {
					sc.vs.help = (w + h) % 5 == 0;
					sc.vs.sel_lane = (w + h) % 3 - 1;
					char *t = render(&sc, (enum view_id)v, w, h, (w & 1) != 0);
					free(t);
				}
		sc.vs.help = false;
		sc.vs.sel_lane = -1;
		char *t = render(&sc, VIEW_GANTT, 20, 6, true);
		char ln[256];
		assert_non_null(strstr(line_of(t, 0, ln, sizeof ln), "concviz"));
		free(t);
		scene_free(&sc);
	}
	/* no session or timeline at all */
	struct view_state vs;
	view_state_init(&vs);
	struct view_ctx ctx = { .vs = &vs, .now = -1, .live = true };
	struct canvas c;
	for (int v = 0; v < VIEW_COUNT; v++) {
		assert_int_equal(canvas_init(&c, 80, 24, true), 0);
		view_draw(&c, (enum view_id)v, &ctx);
		canvas_free(&c);
	}
	assert_int_equal(canvas_init(&c, 0, 0, true), 0);
	view_draw(&c, VIEW_GANTT, &ctx);
	canvas_free(&c);
}

/* ASCII fall-back: no byte >= 0x80 anywhere, ASCII glyphs present. */
static void test_ascii(void **state)
{
	(void)state;
	enum fx_id ids[] = { FX_THREADS_IO, FX_ASYNC_IO, FX_GIL_CPU };
	for (size_t f = 0; f < 3; f++) {
		struct scene sc;
		scene_init(&sc, ids[f]);
		scene_findings(&sc);
		for (int v = 0; v < VIEW_COUNT; v++) {
			char *t = render(&sc, (enum view_id)v, 100, 30, false);
			for (const char *p = t; *p; p++)
				if ((unsigned char)*p >= 0x80)
					fail_msg("non-ASCII byte in view %d of fixture %zu:\n%s", v, f, t);
			if (v == VIEW_GANTT && ids[f] == FX_THREADS_IO) {
				assert_non_null(strstr(t, "~"));
				assert_non_null(strstr(t, "X"));
				assert_non_null(strstr(t, "threads x3"));
			}
			if (v == VIEW_GANTT && ids[f] == FX_GIL_CPU) {
				assert_non_null(strstr(t, "#"));
				assert_non_null(strstr(t, "LL"));
			}
			if (v == VIEW_GANTT && ids[f] == FX_ASYNC_IO)
				assert_non_null(strstr(t, "---"));
			free(t);
		}
		scene_free(&sc);
	}
}

/* Mouse: a lane cell maps to its lane and time; the detail line names the task. */
static void test_hit_detail(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	free(render(&sc, VIEW_GANTT, 80, 24, true));
	int lane;
	int64_t t;
	assert_false(view_hit(&sc.vs, &sc.ctx, 0, 0, &lane, &t));           /* header */
	assert_false(view_hit(&sc.vs, &sc.ctx, 2, sc.vs.gy, &lane, &t));    /* label column */
	assert_false(view_hit(&sc.vs, &sc.ctx, sc.vs.gx, sc.vs.gy + 3, &lane, &t)); /* below lane 3 */
	/* lane 2 (index 1), at 150 ms: task 5 (failed, timeout) is waiting on io */
	int x = sc.vs.gx + (int)(150000000 / sc.vs.span_ns);
	assert_true(view_hit(&sc.vs, &sc.ctx, x, sc.vs.gy + 1, &lane, &t));
	assert_int_equal(lane, 1);
	assert_true(t >= 150000000 - sc.vs.span_ns && t <= 150000000 + sc.vs.span_ns);
	char buf[512];
	assert_true(view_detail(&sc.ctx, lane, t, buf, sizeof buf));
	assert_non_null(strstr(buf, "task 5 |"));
	assert_non_null(strstr(buf, "http://127.0.0.1:8080/f/5"));
	assert_non_null(strstr(buf, "thread 2"));
	assert_non_null(strstr(buf, "io"));
	assert_non_null(strstr(buf, "FAILED: timeout"));
	/* a completed download: bytes and status */
	assert_true(view_detail(&sc.ctx, 0, 40000000, buf, sizeof buf));
	assert_non_null(strstr(buf, "task 1 |"));
	assert_non_null(strstr(buf, "10.0 KiB"));
	assert_non_null(strstr(buf, "HTTP 200"));
	assert_false(view_detail(&sc.ctx, 7, 40000000, buf, sizeof buf));
	assert_string_equal(buf, "");
	assert_false(view_detail(&sc.ctx, 0, -5, buf, sizeof buf));
	/* selected: the status line shows it and the cell is reversed */
	sc.vs.sel_lane = 1;
	sc.vs.sel_t = t;
	char *txt = render(&sc, VIEW_GANTT, 80, 24, true);
	char ln[1024];
	if (!strstr(line_of(txt, 22, ln, sizeof ln), "FAILED: timeout"))
		fail_msg("no detail line: %s", (fputs(txt, stderr), ln));
	free(txt);
	scene_free(&sc);
}

/* Zoom keeps the time under the cursor; pan moves by cells; fit restores. */
static void test_zoom_pan(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	free(render(&sc, VIEW_GANTT, 80, 24, true));
	int64_t span = sc.vs.span_ns, around = 200000000;
	int64_t cell_before = (around - sc.vs.t0) / span;
	view_zoom(&sc.vs, 0.5, around);
	assert_false(sc.vs.follow);
	assert_int_equal(sc.vs.span_ns, span / 2);
	int64_t cell_after = (around - sc.vs.t0) / sc.vs.span_ns;
	assert_true(cell_after >= cell_before - 1 && cell_after <= cell_before + 1);
	free(render(&sc, VIEW_GANTT, 80, 24, true));
	assert_int_equal(sc.vs.span_ns, span / 2); /* the draw keeps the user's zoom */
	int64_t t0 = sc.vs.t0;
	view_pan(&sc.vs, 10);
	assert_int_equal(sc.vs.t0, t0 + 10 * sc.vs.span_ns);
	view_zoom(&sc.vs, 1e-12, around); /* clamped, never 0 */
	assert_true(sc.vs.span_ns >= 1);
	free(render(&sc, VIEW_GANTT, 80, 24, true));
	view_fit(&sc.vs);
	free(render(&sc, VIEW_GANTT, 80, 24, true));
	assert_int_equal(sc.vs.span_ns, span);
	assert_int_equal(sc.vs.t0, 0);
	/* scroll is clamped to the lanes there are */
	view_scroll(&sc.vs, 50);
	free(render(&sc, VIEW_GANTT, 80, 24, true));
	assert_int_equal(sc.vs.top_lane, 0);
	view_scroll(&sc.vs, -5);
	assert_int_equal(sc.vs.top_lane, 0);
	scene_free(&sc);
}

/* Live: follow keeps at least 1 s in view and the header says LIVE / REC. */
static void test_live_header(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	sc.ctx.done = false;
	sc.ctx.live = true;
	sc.ctx.recording = true;
	sc.vs.paused = true;
	sc.ctx.now = 300000000;
	char *t = render(&sc, VIEW_GANTT, 80, 24, true);
	char ln[1024];
	line_of(t, 0, ln, sizeof ln);
	assert_non_null(strstr(ln, "REC"));
	assert_non_null(strstr(ln, "PAUSED"));
	assert_non_null(strstr(ln, "LIVE"));
	assert_true(sc.vs.span_ns * sc.vs.gw >= 1000000000);
	assert_non_null(strstr(t, "200ms"));
	assert_non_null(strstr(t, "1s"));
	free(t);
	sc.ctx.live = false;
	sc.ctx.replay = true;
	sc.ctx.speed = 2;
	sc.ctx.recording = false;
	sc.ctx.message = "recorded to /tmp/x.cvz";
	t = render(&sc, VIEW_GANTT, 80, 24, true);
	assert_non_null(strstr(line_of(t, 0, ln, sizeof ln), "REPLAY ×2"));
	assert_non_null(strstr(line_of(t, 22, ln, sizeof ln), "recorded to /tmp/x.cvz"));
	assert_non_null(strstr(line_of(t, 23, ln, sizeof ln), "play"));
	free(t);
	scene_free(&sc);
}

/* Many lanes scroll, with the indicator; rows_needed fits every lane. */
static void test_many_lanes(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	for (int i = 0; i < 40; i++) {
		char name[32];
		snprintf(name, sizeof name, "extra %d", i + 1);
		assert_true(session_add_lane(&sc.s, name, LANE_WORKER) >= 0);
	}
	sc.vs.top_lane = 10;
	char *t = render(&sc, VIEW_GANTT, 80, 24, true);
	assert_non_null(strstr(t, "lanes 11-26 of 43"));
	assert_non_null(strstr(t, "extra 8"));
	assert_null(strstr(t, "thread 1"));
	free(t);
	sc.ctx.no_chrome = true;
	int h = view_rows_needed(VIEW_GANTT, &sc.ctx, 100);
	sc.vs.top_lane = 0;
	t = render(&sc, VIEW_GANTT, 100, h, true);
	assert_non_null(strstr(t, "thread 1"));
	assert_non_null(strstr(t, "extra 40"));
	assert_non_null(strstr(t, "lanes 1-43 of 43"));
	assert_null(strstr(t, "q quit"));
	free(t);
	scene_free(&sc);
}

/* Findings of the threads io run (a failure, a saturated pool): the view,
 * goldens, the status line, selection and scrolling. */
static void test_findings_view(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	scene_findings(&sc);
	assert_true(sc.fs.list.n >= 2);
	char *t = render(&sc, VIEW_FINDINGS, 80, 24, true);
	char ln[1024];
	assert_non_null(strstr(line_of(t, 2, ln, sizeof ln), " Findings "));   /* the tab bar */
	assert_non_null(strstr(t, "most important first"));
	assert_non_null(strstr(t, "▲ warn  io-pool-saturated  → async: predicted"));
	assert_non_null(strstr(t, "▲ warn  failures"));
	assert_non_null(strstr(t, "1 of 9 tasks failed (11.1%): 1 timed out."));
	assert_non_null(strstr(t, "thread 1, thread 2, thread 3"));
	assert_null(strstr(t, "stragglers"));   /* all in flight would end the tail too */
	/* the status line: the top finding, after "done: " */
	assert_non_null(strstr(line_of(t, 22, ln, sizeof ln), "done: io-pool-saturated: the 3 threads"));
	golden("findings", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_FINDINGS, 120, 40, true);
	golden("findings", 120, 40, t);
	free(t);
	/* selection: the arrows move it, clamped; the selected row is a bar */
	view_findings_select(&sc.vs, &sc.ctx, 5);
	assert_int_equal(sc.vs.find_sel, sc.fs.list.n - 1);
	view_findings_select(&sc.vs, &sc.ctx, -9);
	assert_int_equal(sc.vs.find_sel, 0);
	view_findings_select(&sc.vs, &sc.ctx, 1);
	struct canvas c;
	assert_int_equal(canvas_init(&c, 80, 24, true), 0);
	view_draw(&c, VIEW_FINDINGS, &sc.ctx);
	int y1 = sc.vs.find_y[1];
	assert_true(y1 > sc.vs.find_y[0] && sc.vs.find_y[0] > 0);
	assert_int_equal(canvas_at(&c, 0, y1)->role, ROLE_SELECT);
	assert_int_equal(canvas_at(&c, 70, y1)->role, ROLE_SELECT);   /* the whole row */
	assert_true(canvas_at(&c, 0, sc.vs.find_y[0])->role != ROLE_SELECT);
	/* clicks map rows back to findings */
	assert_int_equal(view_findings_hit(&sc.vs, sc.vs.find_y[0]), 0);
	assert_int_equal(view_findings_hit(&sc.vs, sc.vs.find_y[0] + 1), 0);
	assert_int_equal(view_findings_hit(&sc.vs, y1), 1);
	assert_int_equal(view_findings_hit(&sc.vs, 0), -1);
	assert_int_equal(view_findings_hit(&sc.vs, 23), -1);
	canvas_free(&c);
	/* a small screen scrolls to keep the selection in view */
	sc.vs.find_sel = sc.fs.list.n - 1;
	t = render(&sc, VIEW_FINDINGS, 60, 12, true);
	assert_true(sc.vs.find_top > 0);
	assert_true(sc.vs.find_y[sc.fs.list.n - 1] >= 0);
	free(t);
	/* show: no chrome, every finding, the rows it needs */
	sc.ctx.no_chrome = true;
	int h = view_rows_needed(VIEW_FINDINGS, &sc.ctx, 70);
	t = render(&sc, VIEW_FINDINGS, 70, h, true);
	assert_non_null(strstr(t, "io-pool-saturated"));
	assert_non_null(strstr(t, "failures"));
	assert_null(strstr(t, "Enter"));
	free(t);
	scene_free(&sc);
	/* nothing found, or nothing computed */
	scene_init(&sc, FX_THREADS_IO);
	t = render(&sc, VIEW_FINDINGS, 80, 24, true);
	assert_non_null(strstr(t, "No findings"));
	free(t);
	scene_free(&sc);
}

/* Enter on a finding: the Gantt fits its time range, scrolls to its first
 * lane and highlights its lanes and range; Esc's helper clears it. */
static void test_findings_show(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_ASYNC_IO);
	scene_findings(&sc);
	const struct finding *f = findings_find(&sc.fs.list, "loop-blocked");
	assert_non_null(f);
	assert_non_null(strstr(f->text, "by task 3"));
	int i = (int)(f - sc.fs.list.f);
	assert_false(view_findings_show(&sc.vs, &sc.ctx, sc.fs.list.n));
	assert_true(view_findings_show(&sc.vs, &sc.ctx, i));
	struct canvas c;
	assert_int_equal(canvas_init(&c, 80, 24, true), 0);
	view_draw(&c, VIEW_GANTT, &sc.ctx);
	assert_false(sc.vs.follow);
	assert_false(sc.vs.fit_range);
	/* the 40 ms block, with a margin, fills the window */
	assert_true(sc.vs.t0 < f->t0 && sc.vs.t0 > f->t0 - (f->t1 - f->t0));
	int64_t right = sc.vs.t0 + sc.vs.span_ns * sc.vs.gw;
	assert_true(right > f->t1 && right < f->t1 + (f->t1 - f->t0));
	/* the loop lane's label and its cells in the range are highlighted */
	assert_int_equal(canvas_at(&c, 0, sc.vs.gy)->role, ROLE_HILITE);
	int mid = sc.vs.gx + (int)((f->t0 + f->t1) / 2 - sc.vs.t0) / (int)sc.vs.span_ns;
	assert_int_equal(canvas_at(&c, mid, sc.vs.gy)->attr & ATTR_HILITE, ATTR_HILITE);
	assert_int_equal(canvas_at(&c, sc.vs.gx, sc.vs.gy)->attr & ATTR_HILITE, 0);
	/* a lane not in the finding: plain */
	assert_int_equal(canvas_at(&c, 0, sc.vs.gy + 1)->role, ROLE_LABEL);
	assert_int_equal(canvas_at(&c, mid, sc.vs.gy + 1)->attr & ATTR_HILITE, 0);
	/* the axis marks the range */
	assert_int_equal(canvas_at(&c, mid, sc.vs.gy - 1)->ch, 0x2501);
	canvas_free(&c);
	view_findings_clear(&sc.vs);
	assert_int_equal(canvas_init(&c, 80, 24, true), 0);
	view_draw(&c, VIEW_GANTT, &sc.ctx);
	assert_int_equal(canvas_at(&c, 0, sc.vs.gy)->role, ROLE_LABEL);
	assert_int_equal(canvas_at(&c, mid, sc.vs.gy)->attr & ATTR_HILITE, 0);
	canvas_free(&c);
	scene_free(&sc);
}

/* Compare with each run's top finding, and a suggestion checked by a later run. */
static void test_compare_findings(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_THREADS_IO);
	for (int i = 0; i < 7; i++)
		snprintf(sc.briefs[i].id, sizeof sc.briefs[i].id, "%s",
			 i == 2 ? "io-overlapped" : i == 5 ? "gil-bound" : i == 6 ? "cores-saturated" : "");
	/* run 2 (threads io): async, not run after it; run 6 (gil): procs x4, run 7 did it */
	sc.briefs[1] = (struct finding_brief){ "io-pool-saturated", FINDING_WARN, true,
					       { MODE_ASYNC, 0, 12.0 }, "io-pool-saturated" };
	sc.briefs[5].severity = FINDING_WARN;
	sc.briefs[5].has_suggest = true;
	sc.briefs[5].suggest = (struct finding_suggest){ MODE_PROCS, 4, 3.9 };
	snprintf(sc.briefs[5].suggest_id, sizeof sc.briefs[5].suggest_id, "gil-bound");
	sc.ctx.briefs = sc.briefs;
	struct canvas c;   /* warnings in the warning colour, good news in the good one */
	assert_int_equal(canvas_init(&c, 100, 24, true), 0);
	view_draw(&c, VIEW_COMPARE, &sc.ctx);
	assert_int_equal(canvas_at(&c, 60, 3 + 1 + 5)->role, ROLE_WARN);   /* #6 gil-bound */
	assert_int_equal(canvas_at(&c, 60, 3 + 1 + 6)->role, ROLE_GOOD);   /* #7 cores-saturated */
	canvas_free(&c);
	char *t = render(&sc, VIEW_COMPARE, 100, 24, true);
	assert_non_null(strstr(t, "top finding"));
	assert_non_null(strstr(t, "gil-bound"));
	assert_non_null(strstr(t, "cores-saturated"));
	/* 3.21 s / 0.81 s = 3.96x measured by run 7, against 3.90 predicted */
	assert_non_null(strstr(t, "#6 gil-bound → procs ×4: predicted 3.90×, measured 3.96× (#7, -2%)"));
	/* async after run 2: run 3 is async io, 160 tasks: 3.40 / 0.31 */
	assert_non_null(strstr(t, "#2 io-pool-saturated → async: predicted 12.00×, measured 10.97× (#3, +9%)"));
	free(t);
	sc.ctx.nruns = 2;   /* before the async run: not tried yet */
	t = render(&sc, VIEW_COMPARE, 100, 24, true);
	assert_non_null(strstr(t, "#2 io-pool-saturated → async: predicted 12.00×; s runs it"));
	free(t);
	scene_free(&sc);
}

/* view names round-trip. */
static void test_names(void **state)
{
	(void)state;
	for (int v = 0; v < VIEW_COUNT; v++) {
		enum view_id out;
		assert_int_equal(view_parse(view_name((enum view_id)v), &out), 0);
		assert_int_equal(out, v);
	}
	enum view_id out;
	assert_int_equal(view_parse("nope", &out), -1);
	assert_int_equal(view_parse(NULL, &out), -1);
}

/* Run the tests. */
/* Return the row (0-based line) of text where needle first occurs, or -1. */
static int row_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	if (!p)
		return -1;
	int row = 0;
	for (const char *q = text; q < p; q++)
		row += *q == '\n';
	return row;
}

/* A traced program: header (command, pid, rate, threads and processes, how
 * it ended), lanes grouped by process, lock waits, the Log of its output,
 * the trace keys; goldens. */
/* Write sc's summary line into line and its JSON into *js (to free). */
static void summary_of(struct scene *sc, char *line, size_t n, char **js)
{
	struct cv_summary sum;
	size_t jn = 0;
	stats_summarize(&sc->s, &sc->tl, &sum);
	stats_format_line(line, n, &sum);
	FILE *f = open_memstream(js, &jn);
	assert_non_null(f);
	stats_print_json(f, &sc->s, &sc->tl, &sum);
	fclose(f);
}

/* The sampler's longest gap: in JSON always; on the line only when it was
 * long enough to have missed threads (a 2.5 ms gap at 1000 Hz is not). */
static void summary_gap(struct scene *sc)
{
	char line[512];
	static const uint64_t gaps[] = { 2500000, 35400000, 1200000 };  /* one window each */
	for (size_t i = 0; i < 3; i++) {
		struct cv_event ev = { sc->tl.origin + (301 + i) * 1000000ull, gaps[i], 0, CV_NO_TASK,
				       EV_MARK, 0, MARK_SAMPLE_GAP };
		assert_int_equal(timeline_add(&sc->tl, &ev), 0);
		char *js = NULL;
		summary_of(sc, line, sizeof line, &js);
		assert_non_null(strstr(js, i ? "\"sample_gap_max_ms\":35.400," : "\"sample_gap_max_ms\":2.500,"));
		assert_true(!strstr(line, "no sample") == !i);
		free(js);
	}
	assert_non_null(strstr(line, "; no sample for up to 35 ms; exited 0"));
}

static void test_trace(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_TRACE);
	sc.ctx.runs = NULL;
	sc.ctx.nruns = 0;
	char *t = render(&sc, VIEW_GANTT, 120, 40, true);
	assert_non_null(strstr(t, "python3 examples/threads_cpu.py"));
	assert_non_null(strstr(t, "pid 4242"));
	assert_non_null(strstr(t, "998 Hz"));
	assert_non_null(strstr(t, "6 threads, 2 processes"));
	assert_non_null(strstr(t, "exited 0"));
	assert_non_null(strstr(t, "lock wait"));
	assert_non_null(strstr(t, "q quit"));
	/* the thread started after the child is shown with its process */
	assert_true(row_of(t, "python3 4246") < row_of(t, "sort 4250"));
	assert_true(row_of(t, "python3 4245") < row_of(t, "python3 4246"));
	golden("gantt_trace", 120, 40, t);
	free(t);
	t = render(&sc, VIEW_GANTT, 80, 24, true);
	golden("gantt_trace", 80, 24, t);
	free(t);
	t = render(&sc, VIEW_LOG, 80, 24, true);
	assert_non_null(strstr(t, "out  started 3 workers"));
	assert_non_null(strstr(t, "err  warning: slow disk"));
	assert_true(row_of(t, "started 3 workers") < row_of(t, "sums of squares"));
	golden("log_trace", 80, 24, t);
	free(t);
	/* clicking a row hits the lane shown there, not the lane of that index */
	int lane;
	int64_t when;
	t = render(&sc, VIEW_GANTT, 120, 40, true);
	int row = row_of(t, "sort 4250");
	assert_true(view_hit(&sc.vs, &sc.ctx, sc.vs.gx + 5, row, &lane, &when));
	assert_int_equal(lane, 4);
	free(t);
	summary_gap(&sc);
	scene_free(&sc);
}

/* Enter on a finding of a traced program, whose lanes are drawn grouped by
 * process (a row is not a lane id): the Gantt scrolls to the row of the
 * first of the finding's lanes drawn. The fixture draws lane 5 (a thread of
 * the first process, started late) on row 4, above lane 4; the finding is
 * made to be about lanes 5 and 4. */
static void test_findings_show_traced(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_TRACE);
	scene_findings(&sc);
	int nl = view_nlanes(&sc.ctx), order[64];
	assert_true(nl >= 6 && nl <= 64);
	view_lane_order(&sc.ctx, order, NULL, nl);
	assert_int_equal(order[4], 5);
	assert_int_equal(order[5], 4);
	assert_true(sc.fs.list.n > 0);
	size_t n;
	uint32_t *v = (uint32_t *)findings_lanes(&sc.fs.list, &sc.fs.list.f[0], &n);
	assert_true(v && n >= 2);
	v[0] = 5;                       /* lane 5 listed first, drawn first: row 4 */
	v[1] = 4;
	sc.fs.list.f[0].nlanes = 2;
	assert_true(view_findings_show(&sc.vs, &sc.ctx, 0));
	assert_int_equal(sc.vs.top_lane, 4);     /* the row of lane 5, not its id */
	scene_free(&sc);
}

/* A traced program that reports its tasks: threads, then the loop, then
 * the task lanes, each process together; the mark drawn and named; the
 * header counts the tasks and the dropped events; the Log merges output and
 * task events by time; the summary and JSON count the tasks; goldens. */
static void test_trace_sdk(void **state)
{
	(void)state;
	struct scene sc;
	scene_init(&sc, FX_TRACE_SDK);
	sc.ctx.runs = NULL;
	sc.ctx.nruns = 0;
	char *t = render(&sc, VIEW_GANTT, 120, 20, true);
	assert_true(row_of(t, "python3 4242") < row_of(t, "python3 4243"));
	int loop = row_of(t, "\n loop ") + 1;          /* the lane, not the "Event loop" tab */
	assert_true(row_of(t, "python3 4243") < loop);
	assert_true(loop < row_of(t, "Task-1 main"));
	assert_true(row_of(t, "Task-1 main") < row_of(t, "Task-3 download"));
	assert_non_null(strstr(t, "tasks 5/5 failed 2"));
	assert_non_null(strstr(t, "tasks 5/5 failed 2  SDK: 3 dropped"));
	assert_non_null(strstr(t, "\u25c6 mark"));                 /* in the legend */
	char ln[512];
	assert_non_null(strstr(line_of(t, row_of(t, "python3 4242"), ln, sizeof ln), "\u25c6"));
	golden("gantt_trace_sdk", 120, 20, t);
	free(t);
	char buf[256];                  /* the mark's cell says its name */
	sc.vs.span_ns = 2000000;
	assert_true(view_detail(&sc.ctx, 0, 50000000, buf, sizeof buf));
	assert_non_null(strstr(buf, "mark: phase 2"));
	assert_true(view_detail(&sc.ctx, 1, 50000000, buf, sizeof buf));   /* a sampled wait, of a task */
	assert_non_null(strstr(buf, "fetch_one"));
	t = render(&sc, VIEW_LOG, 100, 30, true);
	assert_true(row_of(t, "task queued      Task-1 main") < row_of(t, "task task-begin  fetch_one"));
	assert_true(row_of(t, "mark phase 2  (python3 4242)") < row_of(t, "task task-end    Task-2 download"));
	assert_non_null(strstr(t, "task task-fail   fetch_one: TimeoutError  (python3 4243)  FAILED error"));
	assert_non_null(strstr(t, "task task-fail   Task-3 download  FAILED cancelled"));
	assert_non_null(strstr(t, "sdk  3 events dropped so far"));
	assert_true(row_of(t, "out  done") < row_of(t, "Task-3 download  FAILED cancelled"));
	golden("log_trace_sdk", 100, 30, t);
	free(t);
	struct cv_summary sum;
	stats_summarize(&sc.s, &sc.tl, &sum);
	assert_int_equal(sum.tasks, 5);
	assert_int_equal(sum.done, 3);
	assert_int_equal(sum.failed, 2);
	assert_int_equal(sum.cancelled, 1);
	assert_int_equal(sum.threads, 2);         /* task and loop lanes are no threads */
	char line[512];
	stats_format_line(line, sizeof line, &sum);
	assert_non_null(strstr(line, "2 threads in 1 process"));
	assert_non_null(strstr(line, "; 5 tasks, 3 done, 2 failed; SDK: 3 events dropped, 0 rejected"));
	char *js = NULL;
	size_t jn = 0;
	FILE *f = open_memstream(&js, &jn);
	stats_print_json(f, &sc.s, &sc.tl, &sum);
	fclose(f);
	assert_non_null(strstr(js, "\"tasks\":5,\"done\":3,\"failed\":2,\"cancelled\":1,\"sdk\":{"
			       "\"available\":true,\"python\":\"injected\",\"dropped\":3,"));
	assert_non_null(strstr(js, "\"name\":\"loop\",\"kind\":\"loop\""));
	assert_non_null(strstr(js, "\"name\":\"Task-2 download\",\"kind\":\"task\""));
	free(js);
	scene_free(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gantt_threads_io), cmocka_unit_test(test_gantt_gil),
		cmocka_unit_test(test_gantt_async),      cmocka_unit_test(test_compare),
		cmocka_unit_test(test_gantt_race),       cmocka_unit_test(test_gantt_deadlock),
		cmocka_unit_test(test_loop),             cmocka_unit_test(test_log),
		cmocka_unit_test(test_help),             cmocka_unit_test(test_tiny_sizes),
		cmocka_unit_test(test_ascii),            cmocka_unit_test(test_hit_detail),
		cmocka_unit_test(test_zoom_pan),         cmocka_unit_test(test_live_header),
		cmocka_unit_test(test_many_lanes),       cmocka_unit_test(test_names),
		cmocka_unit_test(test_trace),            cmocka_unit_test(test_trace_sdk),
		cmocka_unit_test(test_findings_view),    cmocka_unit_test(test_findings_show),
		cmocka_unit_test(test_findings_show_traced),
		cmocka_unit_test(test_compare_findings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
