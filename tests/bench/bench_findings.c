/*
 * bench_findings.c - do the findings' predictions hold? And what do they cost?
 *
 * Part 1 runs the matrix of built-in runs (seq, threads, threads + GIL,
 * async, procs x io at 50 ms latency with 40 tasks, io at the defaults
 * (100 ms, 160 tasks), and cpu with a smaller job than the default: 20 tasks
 * of about 30 ms in seq), headless through the runner as `concviz run
 * --no-ui` does. For each run it takes the top suggestion of its findings,
 * runs the suggested model with the same parameters right after, and
 * compares the predicted speed-up with the measured one (current wall /
 * suggested wall). Each cell is the median over rounds (3, or
 * BENCH_FINDINGS_ROUNDS) of interleaved pairs: the predicted value of each
 * round's own run, the measured ratio of each round's pair. Targets: within
 * +-25 % for cpu suggestions, +-35 % for io suggestions; the worst of each is
 * printed. A miss is printed as "missed" with the cell's numbers (the exit
 * status is 0 unless a run could not start: machines are noisy), and each
 * cell says what share of the CPUs other programs used meanwhile: the cpu
 * predictions count on the machine's cores being free.
 *
 * Part 2 times the findings on a synthetic 1 M-event timeline (64 lanes:
 * workers alternating cpu, io and lock waits through tasks, and an event
 * loop with an occasional long callback): a full update from a fresh state
 * (target <= 50 ms) and the incremental update after 10,000 more events
 * (what a live UI pays every 250 ms at most). Medians of 5.
 * `bench_findings --cost-only` runs part 2 alone.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "bench_host.h"
#include "bench_median.h"
#include "clock.h"
#include "findings.h"
#include "headless.h"
#include "runner.h"
#include "stats.h"

#define ROUNDS_MAX 9
#define CPU_BASE 50000000ull       /* 20 tasks: about 0.6 s of seq on 2 cores */
#define CPU_TARGET 0.25
#define IO_TARGET 0.35
#define SYN_LANES 64
#define SYN_EVENTS 1000000
#define SYN_MORE 10000

struct cell {
	const char *job;          /* "io 50ms x40" */
	enum cv_workload wl;
	int tasks;
	double latency;
	enum cv_mode mode;
	bool gil;
};

struct result {
	double others;                /* share of the CPUs other programs used meanwhile */
	char top[FINDING_ID_MAX];     /* the first round's top finding */
	char sug_id[FINDING_ID_MAX];
	struct finding_suggest sug;
	double pred[ROUNDS_MAX], meas[ROUNDS_MAX];
	int n;                        /* rounds with a suggestion */
	int rounds;
	bool mixed;                   /* the rounds did not agree on the suggestion */
};

/* Params of cell c, switched to mode m / workers w / gil g. */
static struct cv_params cell_params(const struct cell *c, enum cv_mode m, int w, bool g)
{
	struct cv_params p;
	params_default(&p);
	p.mode = m;
	p.workload = c->wl;
	p.tasks = c->tasks;
	p.latency_ms = c->latency;
	p.cpu_base = CPU_BASE;
	p.workers = w;
	p.gil = g;
	p.no_ui = true;
	return p;
}

/* Run p to its end; its wall time to *wall and, when f is given, its
 * findings into f. 0, or -1 (message printed). */
static int run_one(const struct cv_params *p, double *wall, struct findings_state *f)
{
	struct runner r;
	char err[512];
	if (headless_run(&r, p, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	struct cv_summary sum;
	stats_summarize(&r.session, &r.tl, &sum);
	*wall = sum.wall_s;
	int rc = f ? findings_update(f, &r.session, &r.tl, NULL) : 0;
	runner_free(&r);
	return rc < 0 ? -1 : 0;
}

/* Return the CPU time this process and its reaped children used, ns. */
static double own_cpu_ns(void)
{
	struct rusage a, b;
	getrusage(RUSAGE_SELF, &a);
	getrusage(RUSAGE_CHILDREN, &b);
	return ((double)a.ru_utime.tv_sec + (double)a.ru_stime.tv_sec + (double)b.ru_utime.tv_sec +
		(double)b.ru_stime.tv_sec) * 1e9 +
	       ((double)a.ru_utime.tv_usec + (double)a.ru_stime.tv_usec + (double)b.ru_utime.tv_usec +
		(double)b.ru_stime.tv_usec) * 1e3;
}

static int measure_pairs(const struct cell *c, int rounds, struct result *res);

/* Run `rounds` interleaved pairs of cell c (the run, then its suggestion),
 * noting the share of the CPUs other programs used meanwhile (a busy
 * machine gives a run fewer cores than the prediction assumes). */
static int measure_cell(const struct cell *c, int rounds, struct result *res)
{
	struct bench_ticks ticks0 = bench_ticks_now();
	double own0 = own_cpu_ns(), t0 = (double)clock_ns();
	int rc = measure_pairs(c, rounds, res);
	double busy = bench_busy_since(ticks0), span = (double)clock_ns() - t0;
	double own = (own_cpu_ns() - own0) / (span * (double)sysconf(_SC_NPROCESSORS_ONLN));
	res->others = busy > own ? busy - own : 0;
	return rc;
}

/* The pairs of measure_cell. */
static int measure_pairs(const struct cell *c, int rounds, struct result *res)
{
	memset(res, 0, sizeof *res);
	res->rounds = rounds;
	for (int i = 0; i < rounds; i++) {
		struct findings_state st;
		findings_state_init(&st);
		struct cv_params p = cell_params(c, c->mode, 0, c->gil);
		double wall, wall2;
		if (run_one(&p, &wall, &st) < 0) {
			findings_state_free(&st);
			return -1;
		}
		const struct finding *top = findings_top(&st.list), *s = findings_top_suggestion(&st.list);
		if (i == 0)
			snprintf(res->top, sizeof res->top, "%s", top ? top->id : "-");
		if (!s) {
			res->mixed |= res->n > 0;
			findings_state_free(&st);
			continue;
		}
		if (res->n == 0) {
			res->sug = s->suggest;
			snprintf(res->sug_id, sizeof res->sug_id, "%s", s->id);
		} else if (s->suggest.mode != res->sug.mode || strcmp(s->id, res->sug_id)) {
			res->mixed = true;
		}
		double pred = s->suggest.speedup;
		struct cv_params q = cell_params(c, s->suggest.mode, s->suggest.workers,
						 c->gil && s->suggest.mode == MODE_THREADS);
		findings_state_free(&st);
		if (run_one(&q, &wall2, NULL) < 0)
			return -1;
		res->pred[res->n] = pred;
		res->meas[res->n] = wall2 > 0 ? wall / wall2 : 0;
		res->n++;
	}
	return 0;
}

/* Print one cell's line; update the worst error of its class. */
static void print_cell(const struct cell *c, struct result *res, double *worst_cpu, double *worst_io,
		       int *missed)
{
	char name[48], sug[48];
	snprintf(name, sizeof name, "%s %s%s", c->job, params_mode_name(c->mode), c->gil ? "+gil" : "");
	if (res->n == 0) {
		printf("%-28s %-18s %-20s %9s %9s %7s %6.0f%%  %s\n", name, res->top, "(no suggestion)", "-",
		       "-", "-", res->others * 100, res->mixed ? "rounds disagree" : "");
		return;
	}
	if (res->sug.workers > 0)
		snprintf(sug, sizeof sug, "%s x%d", params_mode_name(res->sug.mode), res->sug.workers);
	else
		snprintf(sug, sizeof sug, "%s", params_mode_name(res->sug.mode));
	double pred = bench_median(res->pred, res->n), meas = bench_median(res->meas, res->n);
	double err = meas > 0 ? pred / meas - 1 : 1e9;
	bool cpu = c->wl == WL_CPU;
	double target = cpu ? CPU_TARGET : IO_TARGET;
	double *worst = cpu ? worst_cpu : worst_io;
	if (err * err > *worst * *worst)
		*worst = err;
	bool ok = err >= -target && err <= target;
	*missed += !ok;
	printf("%-28s %-18s %-20s %8.2fx %8.2fx %+6.0f%% %6.0f%%  %s", name, res->sug_id, sug, pred, meas,
	       err * 100, res->others * 100, ok ? "ok" : "missed");
	if (!ok)
		printf(" (target +-%.0f %%; rounds predicted %.2f-%.2f, measured %.2f-%.2f%s)", target * 100,
		       res->pred[0], res->pred[res->n - 1], res->meas[0], res->meas[res->n - 1],
		       res->others > 0.1 ? "; the machine was busy: other programs took CPUs the "
					   "prediction counts on" : "");
	if (res->mixed || res->n < res->rounds)
		printf(" [%d of %d rounds suggested it]", res->n, res->rounds);
	printf("\n");
	fflush(stdout);
}

/* xorshift64: a reproducible random number. */
static uint64_t syn_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct syn {
	uint64_t seed, t[SYN_LANES];
	uint32_t task, cur[SYN_LANES];
	int step[SYN_LANES];
};

/* Add n more synthetic events to tl (see the file's comment); 0 or -1. */
static int syn_add(struct timeline *tl, struct syn *g, size_t n)
{
	static const uint16_t work[] = { EV_CPU, EV_IO, EV_CPU, EV_LOCK, EV_CPU, EV_IO };
	for (size_t k = 0; k < n; k++) {
		uint32_t l = (uint32_t)(k % SYN_LANES);
		uint64_t r = syn_rand(&g->seed);
		g->t[l] += 10000 + r % 90000;
		struct cv_event ev = { .t = g->t[l], .lane = l, .task = CV_NO_TASK };
		if (l == 0) {                    /* the loop: poll, then a callback */
			bool poll = g->step[0]++ % 2 == 0;
			ev.kind = poll ? EV_POLL : EV_CALLBACK;
			ev.task = poll ? CV_NO_TASK : (uint32_t)(r % 1024);
			if (!poll && r % 200 == 0)
				g->t[0] += 15000000;     /* a long callback: a loop block */
		} else if (g->cur[l] == CV_NO_TASK) {
			ev.kind = EV_TASK_BEGIN;
			ev.task = g->cur[l] = 1024 + g->task++;
			g->step[l] = 0;
		} else if (g->step[l] == (int)(sizeof work / sizeof *work)) {
			ev.kind = EV_TASK_END;
			ev.task = g->cur[l];
			ev.aux = 50;
			g->cur[l] = CV_NO_TASK;
		} else {
			ev.kind = work[g->step[l]++];
			ev.task = g->cur[l];
		}
		if (timeline_add(tl, &ev))
			return -1;
	}
	return 0;
}

/* Time the findings on a 1 M-event timeline: full and incremental. */
static void time_synthetic(void)
{
	struct session s;
	struct cv_params p;
	params_default(&p);
	p.workers = SYN_LANES - 1;
	if (session_init(&s, &p) < 0)
		return;
	session_add_lane(&s, "loop", LANE_LOOP);
	for (int i = 1; i < SYN_LANES; i++)
		session_add_lane(&s, "worker", LANE_WORKER);
	struct timeline tl;
	struct syn g = { .seed = 0x9E3779B97F4A7C15ull };
	for (int l = 0; l < SYN_LANES; l++) {
		g.t[l] = 1000000000ull;
		g.cur[l] = CV_NO_TASK;
	}
	timeline_init(&tl, 1000000000ull);
	for (uint32_t l = 0; l < SYN_LANES; l++) {
		struct cv_event ev = { .t = g.t[l], .lane = l, .task = CV_NO_TASK, .kind = EV_LANE_START };
		timeline_add(&tl, &ev);
	}
	if (syn_add(&tl, &g, SYN_EVENTS) < 0) {
		printf("findings on a 1M-event timeline: out of memory building it\n");
		goto out;
	}
	double full[5], inc[5];
	int nf = 0;
	for (int i = 0; i < 5; i++) {
		struct findings_state st;
		findings_state_init(&st);
		uint64_t t0 = clock_ns();
		findings_update(&st, &s, &tl, NULL);
		full[i] = (double)(clock_ns() - t0) / 1e6;
		nf = st.list.n;
		findings_state_free(&st);
	}
	struct findings_state st;
	findings_state_init(&st);
	findings_update(&st, &s, &tl, NULL);
	for (int i = 0; i < 5; i++) {
		syn_add(&tl, &g, SYN_MORE);
		uint64_t t0 = clock_ns();
		findings_update(&st, &s, &tl, NULL);
		inc[i] = (double)(clock_ns() - t0) / 1e6;
	}
	findings_state_free(&st);
	double fm = bench_median(full, 5), im = bench_median(inc, 5);
	printf("findings on a %llu-event timeline (%d lanes, %zu tasks, %d findings): full %.2f ms "
	       "(target <= 50 ms: %s), incremental after %d more events %.3f ms\n",
	       (unsigned long long)SYN_EVENTS, SYN_LANES, tl.ntasks, nf, fm, fm <= 50 ? "ok" : "missed",
	       SYN_MORE, im);
out:
	timeline_free(&tl);
	session_free(&s);
}

/* Time the findings, then check the predictions of the matrix. */
int main(int argc, char **argv)
{
	static const struct { const char *job; enum cv_workload wl; int tasks; double latency; } jobs[] = {
		{ "io 50ms x40", WL_IO, 40, 50 },
		{ "io 100ms x160", WL_IO, 160, 100 },
		{ "cpu 50Mx20", WL_CPU, 20, 0 },
	};
	static const struct { enum cv_mode mode; bool gil; } modes[] = {
		{ MODE_SEQ, false }, { MODE_THREADS, false }, { MODE_THREADS, true },
		{ MODE_ASYNC, false }, { MODE_PROCS, false },
	};
	const char *env = getenv("BENCH_FINDINGS_ROUNDS");
	int rounds = env ? atoi(env) : 3;
	rounds = rounds < 1 ? 1 : rounds > ROUNDS_MAX ? ROUNDS_MAX : rounds;
	unsetenv("http_proxy");
	unsetenv("all_proxy");
	signal(SIGPIPE, SIG_IGN);
	time_synthetic();
	if (argc > 1 && !strcmp(argv[1], "--cost-only"))
		return 0;
	struct bench_ticks ticks0 = bench_ticks_now();
	printf("bench_findings: %ld cores; each run's top suggestion run right after it, median of %d rounds\n",
	       sysconf(_SC_NPROCESSORS_ONLN), rounds);
	printf("%-28s %-18s %-20s %9s %9s %7s %7s  %s\n", "run", "finding", "suggestion", "predicted",
	       "measured", "error", "others", "result");
	double worst_cpu = 0, worst_io = 0;
	int missed = 0, status = 0;
	for (size_t j = 0; j < sizeof jobs / sizeof *jobs; j++)
		for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
			struct cell c = { jobs[j].job, jobs[j].wl, jobs[j].tasks, jobs[j].latency,
					  modes[m].mode, modes[m].gil };
			struct result res;
			if (measure_cell(&c, rounds, &res) < 0) {
				status = 1;
				continue;
			}
			print_cell(&c, &res, &worst_cpu, &worst_io, &missed);
		}
	runner_shutdown();
	printf("worst error: cpu %+.0f%% (target +-%.0f %%), io %+.0f%% (target +-%.0f %%); %d missed; "
	       "CPU stolen by the host meanwhile: %.2f %% (\"others\": the share of the CPUs other "
	       "programs used during the cell)\n", worst_cpu * 100, CPU_TARGET * 100,
	       worst_io * 100, IO_TARGET * 100, missed, bench_steal_since(ticks0) * 100);
	return status;
}
