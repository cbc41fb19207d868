/*
 * bench_cpu.c - what the cpu workload costs and what each model gains on it.
 *
 * Prints one table: the time per iteration of the sum loop; the speed-up of
 * procs(2) over seq on the default cpu job (20 tasks, CV_DEFAULT_CPU_BASE:
 * what `concviz run --workload cpu` runs); threads+GIL against seq on that
 * job (the GIL should give no speed-up); the tracing overhead (a shorter seq
 * run, 8 tasks of ~75 ms, with emit_ring unset and set); and the cpu_base
 * that makes the default sequential cpu run take about 3 s here. Every time
 * is the median of 5 runs, interleaved where compared: a speed-up (or the
 * tracing overhead) is the median of the 5 rounds' ratios, and the header
 * of that part gives the share of CPU the host stole meanwhile (a VM's
 * neighbours). Runs are timed from engine_start to engine_finished, with
 * the ring drained every 5 ms meanwhile, as `concviz run --no-ui` does.
 * Exit status 1 only when a run could not be made.
 *
 * On a shared machine wall times move with the load (printed in the
 * header), so the loop cost and the calibration use the thread's CPU time,
 * the procs row adds the workers' CPU time over wall time (how many cores
 * they really got), and the tracing overhead is also derived from the
 * events a run emits times the measured cost of one cv_emit.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "bench_host.h"
#include "clock.h"
#include "emit.h"
#include "engine.h"
#include "workload.h"

#define RUNS 5
#define DEFAULT_TASKS 20

/* Sort helper for medians. */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Return the smallest of RUNS values. */
static uint64_t best(const uint64_t *v)
{
	uint64_t m = v[0];
	for (int i = 1; i < RUNS; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

/* Return the median of RUNS values (sorts them). */
static uint64_t median(uint64_t *v)
{
	qsort(v, RUNS, sizeof(*v), cmp_u64);
	return v[RUNS / 2];
}

/* Return the median over RUNS rounds of a[i] / b[i] (a, b unsorted). */
static double median_ratio(const uint64_t *a, const uint64_t *b)
{
	uint64_t r[RUNS];
	for (int i = 0; i < RUNS; i++)
		r[i] = (uint64_t)((double)a[i] / (double)b[i] * 1e6);
	return (double)median(r) / 1e6;
}

static uint64_t last_events; /* events the latest traced run emitted */

/* Time one cpu run in ns; traced decides whether emit_ring is set.
 * Exits with status 1 when the engine cannot start. */
static uint64_t time_run(enum cv_mode mode, int workers, bool gil, int tasks, uint64_t base,
			 bool traced)
{
	static struct cv_event buf[4096];
	struct cv_params p;
	struct session s;
	struct engine *e;
	char err[256];
	struct ring *rg = ring_new(1 << 14);

	if (!rg) {
		fprintf(stderr, "bench_cpu: cannot map a ring\n");
		exit(1);
	}
	params_default(&p);
	p.mode = mode;
	p.workload = WL_CPU;
	p.workers = workers;
	p.gil = gil;
	p.tasks = tasks;
	p.cpu_base = base;
	emit_ring = traced ? rg : NULL;
	if (session_init(&s, &p) < 0) {
		fprintf(stderr, "bench_cpu: out of memory\n");
		exit(1);
	}
	uint64_t t0 = clock_ns();
	if (engine_start(&e, &p, &s, NULL, 0, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	while (!engine_finished(e)) {
		ring_pop(rg, buf, 4096);
		clock_sleep_ns(5000000); /* as `concviz run --no-ui` drains */
	}
	uint64_t t = clock_ns() - t0;
	engine_join(e);
	while (ring_pop(rg, buf, 4096))
		;
	last_events = ring_pushed(rg);
	emit_ring = NULL;
	ring_free(rg);
	session_free(&s);
	return t;
}

/* Return this thread's CPU time in ns. */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Return the CPU time (user + system) of reaped children in ns. */
static uint64_t children_cpu_ns(void)
{
	struct rusage u;
	getrusage(RUSAGE_CHILDREN, &u);
	return ((uint64_t)u.ru_utime.tv_sec + (uint64_t)u.ru_stime.tv_sec) * 1000000000u +
	       ((uint64_t)u.ru_utime.tv_usec + (uint64_t)u.ru_stime.tv_usec) * 1000u;
}

/* Median ns of one cv_emit plus its share of draining, single thread. */
static double ns_per_event(void)
{
	static struct cv_event buf[1024];
	struct ring *rg = ring_new(1 << 14);
	uint64_t v[RUNS];

	if (!rg)
		exit(1);
	emit_ring = rg;
	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = thread_cpu_ns();
		for (int j = 0; j < 1000; j++) {
			for (int k = 0; k < 1000; k++)
				cv_emit(0, 0, EV_CPU, 0, 0, 0);
			while (ring_pop(rg, buf, 1024))
				;
		}
		v[i] = thread_cpu_ns() - t0;
	}
	emit_ring = NULL;
	ring_free(rg);
	return (double)median(v) / 1e6;
}

/* Median CPU ns per iteration of the bare sum loop over n iterations. */
static double ns_per_iteration(uint64_t n)
{
	uint64_t v[RUNS];
	unsigned __int128 sum;

	for (int i = 0; i < RUNS; i++) {
		uint64_t t0 = thread_cpu_ns();
		cpu_sum_squares(n, &sum, NULL, NULL);
		v[i] = thread_cpu_ns() - t0;
		if (sum != cpu_sum_squares_closed(n)) {
			fprintf(stderr, "bench_cpu: wrong sum\n");
			exit(1);
		}
	}
	return (double)median(v) / (double)n;
}

/* Print one row: name, value, unit, target and verdict. */
static void row(const char *name, double value, const char *unit, const char *target, int ok)
{
	printf("%-40s %12.3f %-4s %-12s %s\n", name, value, unit, target,
	       ok < 0 ? "" : ok ? "ok" : "MISSED");
}

/* Measure and print the table. */
int main(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	double load[3] = { 0, 0, 0 };
	double nsi = ns_per_iteration(100000000ull);
	double nse = ns_per_event();
	uint64_t child_cpu = 0;
	int tasks = 8;
	/* a seq job of about 0.6 s */
	uint64_t base = (uint64_t)(0.6e9 / ((double)tasks * nsi));
	uint64_t seq[RUNS], procs[RUNS], gil[RUNS], off[RUNS], on[RUNS];

	getloadavg(load, 3);
	printf("bench_cpu: cpu workload, %ld cores, load %.2f, median of %d (tracing job: %d tasks, cpu_base %" PRIu64 ")\n",
	       cores, load[0], RUNS, tasks, base);
	printf("%-40s %12s %-4s %-12s %s\n", "measure", "value", "unit", "target", "");
	row("sum loop, per iteration (cpu time)", nsi, "ns", "", -1);
	row("cv_emit + drain, per event (cpu time)", nse, "ns", "", -1);
	/* the models are compared on the default cpu job: 20 tasks summing
	 * CV_DEFAULT_CPU_BASE + i squares each, as `concviz run` does */
	printf("%-40s %12d %-4s %-12s\n", "compared on: tasks x default cpu_base", DEFAULT_TASKS, "", "");
	struct bench_ticks ticks0 = bench_ticks_now();
	for (int i = 0; i < RUNS; i++) {
		seq[i] = time_run(MODE_SEQ, 1, false, DEFAULT_TASKS, CV_DEFAULT_CPU_BASE, true);
		uint64_t c0 = children_cpu_ns();
		procs[i] = time_run(MODE_PROCS, 2, false, DEFAULT_TASKS, CV_DEFAULT_CPU_BASE, true);
		child_cpu += children_cpu_ns() - c0;
		gil[i] = time_run(MODE_THREADS, 4, true, DEFAULT_TASKS, CV_DEFAULT_CPU_BASE, true);
	}
	double steal = bench_steal_since(ticks0);
	/* each round ran seq, procs and gil back to back: the median of the
	 * rounds' ratios cancels the machine's slow drifts (before sorting) */
	double sp = median_ratio(seq, procs), sg = median_ratio(seq, gil);
	double bs = (double)best(seq), bp = (double)best(procs), bg = (double)best(gil);
	double ts = (double)median(seq), tp = (double)median(procs), tg = (double)median(gil);
	row("CPU stolen by the host meanwhile", steal * 100, "%", "", -1);
	row("seq run", ts / 1e6, "ms", "", -1);
	row("procs(2) run", tp / 1e6, "ms", "", -1);
	row("procs(2) speed-up over seq", sp, "x", ">= 1.9", sp >= 1.9);
	double tp_sum = 0;
	for (int i = 0; i < RUNS; i++)
		tp_sum += (double)procs[i];
	row("procs(2) cores used (worker cpu / wall)", (double)child_cpu / tp_sum, "", "~2", -1);
	row("threads(4)+gil run", tg / 1e6, "ms", "", -1);
	row("threads+gil speed-up over seq", sg, "x", "0.9 .. 1.05", sg >= 0.9 && sg <= 1.05);
	row("procs(2) speed-up, best of 5", bs / bp, "x", ">= 1.9", bs / bp >= 1.9);
	row("threads+gil speed-up, best of 5", bs / bg, "x", "0.9 .. 1.05", bs / bg >= 0.9 && bs / bg <= 1.05);
	for (int i = 0; i < RUNS; i++) {
		off[i] = time_run(MODE_SEQ, 1, false, tasks, base, false);
		on[i] = time_run(MODE_SEQ, 1, false, tasks, base, true);
	}
	double ovh = (median_ratio(on, off) - 1) * 100.0;   /* before median() sorts */
	double toff = (double)median(off), ton = (double)median(on);
	row("seq run, tracing off", toff / 1e6, "ms", "", -1);
	row("seq run, tracing on", ton / 1e6, "ms", "", -1);
	row("tracing overhead (wall, noisy)", ovh, "%", "<= 1 %", ovh <= 1.0);
	double est = (double)last_events * nse / ton * 100.0;
	printf("%-40s %12.4f %-4s %-12s %s   (%" PRIu64 " events)\n", "tracing overhead (events x cost)", est,
	       "%", "<= 1 %", est <= 1.0 ? "ok" : "MISSED", last_events);

	/* the default seq cpu run sums 20 tasks of base + i iterations */
	uint64_t cal = (uint64_t)(3e9 / (DEFAULT_TASKS * nsi)) - (DEFAULT_TASKS - 1) / 2;
	uint64_t tcal = time_run(MODE_SEQ, 1, false, DEFAULT_TASKS, cal, true);
	printf("%-40s %12" PRIu64 " %-4s %-12s\n", "calibrated cpu_base (seq, 20 tasks, 3 s)", cal, "", "");
	row("  check: that seq run took", (double)tcal / 1e9, "s", "~3", -1);
	row("  default cpu_base would take", (double)CV_DEFAULT_CPU_BASE * DEFAULT_TASKS * nsi / 1e9,
	    "s", "", -1);
	return 0;
}
