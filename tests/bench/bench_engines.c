/*
 * bench_engines.c - speed targets of the io engines, measured through the
 * runner exactly as `concviz run --no-ui` runs them, printed as a table with
 * the target and PASS or MISS. A miss is reported, not fatal (the exit status
 * is 0 unless a run could not start): machines are noisy.
 *
 *   threads io, 160 tasks, 5 workers, 100 ms: wall <= 1.03 x ideal (3.2 s)
 *   async io, 160 tasks all in flight, 100 ms: wall <= 130 ms, (a) with the
 *     embedded origin in this process as `concviz run` does, (b) with the
 *     origin in a child process (the server's work on the other core)
 *   async io, 10,000 tasks all in flight, 100 ms: wall <= 1.5 s, none failed
 *
 * Each row is the median of several runs in this process (3 of the threads
 * run, 7 of each 160-task async run, 5 of the 10,000-task one); the note
 * gives the range and the first run, which also pays for the process's
 * first use of the code paths and memory involved (a fresh `concviz run`
 * is such a first run).
 *
 * The 10,000-task row also talks to the origin in the child process: client
 * and server sockets of 10,000 connections would not fit one process's
 * open-file limit, and the child puts the server on the other core.
 * BENCH_TASKS_10K overrides the 10,000 (e.g. for a quick look).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench_host.h"
#include "bench_median.h"
#include "clock.h"
#include "origin.h"
#include "runner.h"
#include "stats.h"

struct row {
	const char *what;
	const char *target;
	double value;
	const char *unit;
	int ok;            /* 1 pass, 0 miss, -1 could not run */
	char note[128];
};

/* Raise the open-file limit to its hard maximum. */
static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Fork a child serving an origin with latency_ms; its port goes to *port.
 * The child stops when the parent closes `*ctl`. Returns the pid or -1. */
static pid_t origin_child(double latency_ms, int *port, int *ctl)
{
	int up[2], down[2];
	if (pipe(up) < 0 || pipe(down) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		raise_nofile();
		struct origin_cfg cfg;
		char err[256], c;
		origin_cfg_default(&cfg);
		cfg.latency_ms = latency_ms;
		struct origin *o = origin_start(&cfg, err, sizeof err);
		int p = o ? origin_port(o) : -1;
		if (write(up[1], &p, sizeof p) != sizeof p)
			_exit(1);
		while (read(down[0], &c, 1) > 0)
			;
		origin_stop(o);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	*ctl = down[1];
	if (read(up[0], port, sizeof *port) != sizeof *port || *port <= 0) {
		close(up[0]);
		close(*ctl);
		waitpid(pid, NULL, 0);
		return -1;
	}
	close(up[0]);
	return pid;
}

/* Run p headless through the runner; fill sum. 0, or -1 (message printed). */
static int run(const struct cv_params *p, struct cv_summary *sum)
{
	struct runner r;
	char err[512];
	if (runner_start(&r, p, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	while (!r.finished) {
		if (runner_drain(&r) == 0)
			clock_sleep_ns(2000000);
	}
	stats_summarize(&r.session, &r.tl, sum);
	runner_free(&r);
	return 0;
}

/* Run p `reps` times (at most REPS_MAX); set *median, *lo, *hi to the median,
 * smallest and largest of value(summary), *first to the first run's and
 * *failed to the most tasks any run failed. 0, or -1 if a run could not start. */
#define REPS_MAX 9
static int run_reps(const struct cv_params *p, int reps, double (*value)(const struct cv_summary *),
		    double *median, double *lo, double *hi, double *first, unsigned *failed)
{
	double v[REPS_MAX];
	struct cv_summary sum;
	reps = reps < 1 ? 1 : reps > REPS_MAX ? REPS_MAX : reps;
	*failed = 0;
	for (int i = 0; i < reps; i++) {
		if (run(p, &sum) < 0)
			return -1;
		v[i] = value(&sum);
		*failed = sum.failed > *failed ? sum.failed : *failed;
	}
	*first = v[0];
	qsort(v, (size_t)reps, sizeof *v, bench_cmp_double);
	*median = reps % 2 ? v[reps / 2] : (v[reps / 2 - 1] + v[reps / 2]) / 2;
	*lo = v[0];
	*hi = v[reps - 1];
	return 0;
}

/* Wall time of a run, s. */
static double wall_of(const struct cv_summary *s)
{
	return s->wall_s;
}

/* Wall time over ideal time of a run. */
static double ratio_of(const struct cv_summary *s)
{
	return s->ideal_s > 0 ? s->wall_s / s->ideal_s : 1e9;
}

/* Params of an io run. */
static struct cv_params io_params(enum cv_mode mode, int tasks, int workers, double latency)
{
	struct cv_params p;
	params_default(&p);
	p.mode = mode;
	p.workload = WL_IO;
	p.tasks = tasks;
	p.workers = workers;
	p.latency_ms = latency;
	p.no_ui = true;
	return p;
}

/* Fill row w from `reps` runs of p: the median of value() against `limit`
 * (and no failed task); the note gives the range and the first run. */
static void measure(struct row *w, const struct cv_params *p, int reps,
		    double (*value)(const struct cv_summary *), double limit, const char *extra)
{
	double med, lo, hi, first;
	unsigned failed;
	if (run_reps(p, reps, value, &med, &lo, &hi, &first, &failed) < 0)
		return;
	w->value = med;
	w->ok = med <= limit && failed == 0;
	snprintf(w->note, sizeof w->note, "median of %d, %.3f-%.3f, first %.3f; %u failed%s", reps, lo,
		 hi, first, failed, extra);
}

int main(void)
{
	struct row rows[4];
	int nrows = 0, status = 0;
	int tasks_10k = getenv("BENCH_TASKS_10K") ? atoi(getenv("BENCH_TASKS_10K")) : 10000;
	if (tasks_10k < 1 || tasks_10k > CV_MAX_TASKS)
		tasks_10k = 10000;

	unsetenv("http_proxy");
	unsetenv("all_proxy");
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	/* The child first, before this process has any thread. */
	int port = 0, ctl = -1;
	pid_t child = origin_child(100, &port, &ctl);

	struct bench_ticks ticks0 = bench_ticks_now();
	struct cv_params p = io_params(MODE_THREADS, 160, 5, 100);
	struct row *w = &rows[nrows++];
	*w = (struct row){ "threads io 160 tasks, 5 workers, 100 ms", "<= 1.03 x ideal", 0, "x", -1, "" };
	measure(w, &p, 3, ratio_of, 1.03, "");

	p = io_params(MODE_ASYNC, 160, 0, 100);
	w = &rows[nrows++];
	*w = (struct row){ "async io 160 tasks in flight, 100 ms (a)", "<= 0.130 s", 0, "s", -1, "" };
	measure(w, &p, 7, wall_of, 0.130, "");

	char a[64], b[64];
	char *urls[] = { a, b };
	snprintf(a, sizeof a, "http://127.0.0.1:%d/a", port);
	snprintf(b, sizeof b, "http://127.0.0.1:%d/b", port);
	w = &rows[nrows++];
	*w = (struct row){ "async io 160 tasks in flight, 100 ms (b)", "<= 0.130 s", 0, "s", -1, "" };
	if (child > 0) {
		p = io_params(MODE_ASYNC, 160, 0, 100);
		p.urls = urls;
		p.nurls = 2;
		measure(w, &p, 7, wall_of, 0.130, " (origin in a child process)");
	}

	w = &rows[nrows++];
	char what[64];
	snprintf(what, sizeof what, "async io %d tasks in flight, 100 ms", tasks_10k);
	*w = (struct row){ what, "<= 1.500 s, 0 failed", 0, "s", -1, "" };
	if (child > 0) {
		p = io_params(MODE_ASYNC, tasks_10k, 0, 100);
		p.urls = urls;
		p.nurls = 2;
		measure(w, &p, 5, wall_of, 1.5, " (origin in a child process)");
	} else {
		snprintf(w->note, sizeof w->note, "could not start the origin child");
	}
	if (child > 0) {
		close(ctl);
		waitpid(child, NULL, 0);
	}
	runner_shutdown();

	printf("bench_engines: %ld cores; CPU stolen by the host meanwhile: %.2f %%\n",
	       sysconf(_SC_NPROCESSORS_ONLN), bench_steal_since(ticks0) * 100);
	printf("%-44s %-22s %10s  %-6s %s\n", "benchmark", "target", "measured", "result", "notes");
	for (int i = 0; i < nrows; i++) {
		char v[32];
		if (rows[i].ok < 0)
			snprintf(v, sizeof v, "-");
		else
			snprintf(v, sizeof v, "%.3f %s", rows[i].value, rows[i].unit);
		printf("%-44s %-22s %10s  %-6s %s\n", rows[i].what, rows[i].target, v,
		       rows[i].ok < 0 ? "ERROR" : rows[i].ok ? "PASS" : "MISS", rows[i].note);
		if (rows[i].ok < 0)
			status = 1;
	}
	return status;
}
