/*
 * bench_race.c - the targets of the race and deadlock workloads, measured
 * through the runner exactly as `concviz run --no-ui` runs them (default
 * parameters), in interleaved rounds, printed as a table with PASS or MISS
 * (and why). A miss is reported, not fatal: machines are noisy.
 *
 *   race, threads and procs: updates are lost in >= 95 % of runs
 *   deadlock, threads, procs and async: found in 100 % of runs, within
 *     200 ms of the cycle forming (median and worst), and the run ends
 *     within 2 s of that (of which 1 s is the deadlock shown on purpose
 *     before the runner breaks it). Headless runs drain the ring every 2 ms
 *     (as `run --no-ui`: 5 ms); one more threads row drains every 33 ms,
 *     as the live UI does once a frame.
 *
 * Rounds: BENCH_RACE_ROUNDS (default 20); each round runs every row once,
 * so a busy spell of the host touches every row alike.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench_host.h"
#include "bench_median.h"
#include "clock.h"
#include "lanemarks.h"
#include "runner.h"

#define ROUNDS_MAX 200
#define MS 1e6

/* What one row collects over the rounds. */
struct row {
	enum cv_mode mode;
	enum cv_workload wl;
	uint64_t drain_ns;            /* how often the consumer drains */
	int runs, hits;               /* runs made; runs that lost updates / deadlocked */
	bool hit[ROUNDS_MAX];         /* that run lost updates / deadlocked */
	double v[ROUNDS_MAX];         /* race: updates lost; deadlock: ms to find it */
	double end[ROUNDS_MAX];       /* deadlock: ms from found to the run's end */
	bool error;
};

/* Run one default run of r's mode and workload; add its figures to r. */
static void run_once(struct row *r)
{
	struct cv_params p;
	struct runner x;
	char err[512];
	params_default(&p);
	p.mode = r->mode;
	p.workload = r->wl;
	p.tasks = params_default_tasks(r->wl);
	p.no_ui = true;
	if (runner_start(&x, &p, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		r->error = true;
		return;
	}
	while (!x.finished) {
		uint64_t next = clock_ns() + r->drain_ns;
		runner_drain(&x);
		uint64_t now = clock_ns();
		if (now < next)
			clock_sleep_ns(next - now);
	}
	int k = r->runs++;
	if (r->wl == WL_RACE) {
		r->v[k] = (double)x.tl.race.lost;
		r->hit[k] = x.tl.race.lost > 0;
	} else if ((r->hit[k] = x.tl.deadlock.detected)) {
		const struct tl_deadlock *d = &x.tl.deadlock;
		r->v[k] = (double)(d->t_detected - d->t_formed) / MS;
		r->end[k] = (double)(x.tl.run_end - d->t_detected) / MS;
	}
	r->hits += r->hit[k];
	runner_free(&x);
}

/* Print one line of the table. */
static void line(const char *what, const char *target, const char *measured, bool ok,
		 const char *note)
{
	printf("%-44s %-10s %-26s %-5s %s\n", what, target, measured, ok ? "PASS" : "MISS", note);
}

/* Print the race row: the share of runs that lost updates. */
static void print_race(struct row *r)
{
	char what[64], got[48], note[160];
	double share = r->runs ? (double)r->hits / r->runs : 0;
	double med = bench_median(r->v, r->runs);
	snprintf(what, sizeof what, "race %s: runs that lose updates", params_mode_name(r->mode));
	snprintf(got, sizeof got, "%.0f %% (%d of %d)", share * 100, r->hits, r->runs);
	snprintf(note, sizeof note, "%supdates lost per run: median %.0f, %.0f-%.0f of 1000",
		 share >= 0.95 ? "" : "missed: in some runs the workers never overlapped in the window; ",
		 med, r->v[0], r->v[r->runs - 1]);
	line(what, ">= 95 %", got, share >= 0.95, note);
}

/* Print the deadlock rows: found every time, how soon, how soon it ended. */
static void print_deadlock(struct row *r)
{
	char what[64], got[48], note[160], mode[32];
	snprintf(mode, sizeof mode, "%s%s", params_mode_name(r->mode),
		 r->drain_ns > 10000000 ? " (UI)" : "");
	snprintf(what, sizeof what, "deadlock %s: found", mode);
	snprintf(got, sizeof got, "%d of %d runs", r->hits, r->runs);
	line(what, "100 %", got, r->hits == r->runs,
	     r->hits == r->runs ? "" : "missed: some runs ended with no cycle found");
	double *found = r->v, *end = r->end;
	int n = 0;
	for (int i = 0; i < r->runs; i++)          /* keep the runs that deadlocked */
		if (r->hit[i]) {
			found[n] = r->v[i];
			end[n++] = r->end[i];
		}
	if (!n)
		return;
	double fm = bench_median(found, n), em = bench_median(end, n);
	snprintf(what, sizeof what, "deadlock %s: found after forming", mode);
	snprintf(got, sizeof got, "median %.2f, worst %.2f ms", fm, found[n - 1]);
	snprintf(note, sizeof note, "%s", found[n - 1] <= 200 ? "" :
		 "missed: the consumer drained late (a busy host delays it)");
	line(what, "<= 200 ms", got, found[n - 1] <= 200, note);
	snprintf(what, sizeof what, "deadlock %s: run ended after", mode);
	snprintf(got, sizeof got, "median %.0f, worst %.0f ms", em, end[n - 1]);
	snprintf(note, sizeof note, "%s1000 ms of it the deadlock shown on purpose",
		 end[n - 1] <= 2000 ? "" : "missed: a worker took long to see the cancel; ");
	line(what, "<= 2000 ms", got, end[n - 1] <= 2000, note);
}

/* Run the rounds, then print the table. */
int main(void)
{
	static struct row rows[] = {
		{ .mode = MODE_THREADS, .wl = WL_RACE, .drain_ns = 2000000 },
		{ .mode = MODE_PROCS, .wl = WL_RACE, .drain_ns = 2000000 },
		{ .mode = MODE_THREADS, .wl = WL_DEADLOCK, .drain_ns = 2000000 },
		{ .mode = MODE_PROCS, .wl = WL_DEADLOCK, .drain_ns = 2000000 },
		{ .mode = MODE_ASYNC, .wl = WL_DEADLOCK, .drain_ns = 2000000 },
		{ .mode = MODE_THREADS, .wl = WL_DEADLOCK, .drain_ns = 33000000 },
	};
	int nrows = (int)(sizeof rows / sizeof rows[0]), status = 0;
	int rounds = getenv("BENCH_RACE_ROUNDS") ? atoi(getenv("BENCH_RACE_ROUNDS")) : 20;
	if (rounds < 1 || rounds > ROUNDS_MAX)
		rounds = 20;
	struct bench_ticks ticks0 = bench_ticks_now();
	for (int k = 0; k < rounds; k++)
		for (int i = 0; i < nrows; i++)
			if (!rows[i].error)
				run_once(&rows[i]);
	runner_shutdown();
	printf("bench_race: %ld cores, %d rounds; CPU stolen by the host meanwhile: %.2f %%\n",
	       sysconf(_SC_NPROCESSORS_ONLN), rounds, bench_steal_since(ticks0) * 100);
	printf("%-44s %-10s %-26s %-5s %s\n", "benchmark", "target", "measured", "result", "notes");
	for (int i = 0; i < nrows; i++) {
		if (rows[i].error || !rows[i].runs) {
			status = 1;
			continue;
		}
		if (rows[i].wl == WL_RACE)
			print_race(&rows[i]);
		else
			print_deadlock(&rows[i]);
	}
	return status;
}
