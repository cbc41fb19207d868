/*
 * bench_sdk.c - what the SDK costs: concviz.h's calls untraced (one load
 * and a branch) and traced with two threads (a clock read, a record copy,
 * a release store), the call that drops when the shard is full, the
 * reader's poll (idle, and records per second), and the Python writer's
 * cost per event, per pool task and per asyncio step (tests/sdk/
 * bench_writer.py, run with Debian's python3). Medians of interleaved
 * rounds; each row says ok, or missed and why.
 *
 * Traced producers write in bursts of 2,000 calls and wait, untimed, until
 * the reader (this thread, polling every 100 us) has drained their shard,
 * so the figure is the cost of writing, not of dropping.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "bench_host.h"
#include "bench_median.h"
#include "clock.h"
#include "sdk.h"

#define RUNS 5
#define UNTRACED_CALLS 200000000ull
#define BURST 2000
#define TRACED_CALLS 1000000ull

static struct sdk *sdk;
static atomic_int writers;

/* Print a row: what, value, unit, target and the verdict. */
static void row(const char *what, double v, const char *unit, double target, const char *why)
{
	char verdict[160] = "";
	if (target > 0)
		snprintf(verdict, sizeof verdict, v <= target ? "ok (<= %g)" : "missed (<= %g): %s",
			 target, why);
	printf("  %-46s %10.2f %-8s %s\n", what, v, unit, verdict);
}

/* Forget the header's state, as a fresh process has it. */
static void producer_reset(void)
{
	cvz__forget();
	cvz__mode = CVZ__UNKNOWN;       /* read CONCVIZ_SDK again */
}

/* ns per untraced call (begin + end pairs, the first call made before). */
static double untraced(void)
{
	unsetenv("CONCVIZ_SDK");
	producer_reset();
	uint64_t sum = cvz_task_begin("warm");
	uint64_t t0 = clock_ns();
	for (uint64_t i = 0; i < UNTRACED_CALLS / 2; i++) {
		sum += cvz_task_begin("job");
		cvz_task_end(i | 1);
	}
	double ns = (double)(clock_ns() - t0) / UNTRACED_CALLS;
	if (sum)
		printf("  (untraced ids were not 0)\n");
	return ns;
}

/* Wait, untimed, until this thread's shard is empty again. */
static void wait_drained(void)
{
	while (cvz__me.shard && __atomic_load_n((uint64_t *)(cvz__me.shard + CVZ_WIRE_OFF_TAIL),
						__ATOMIC_ACQUIRE) != cvz__me.head)
		clock_sleep_ns(50000);
}

/* Writer thread: TRACED_CALLS calls in bursts; *arg gets ns per call. */
static void *writer(void *arg)
{
	double *out = arg;
	uint64_t ns = 0;
	cvz_mark("start");
	for (uint64_t done = 0; done < TRACED_CALLS; done += BURST) {
		wait_drained();
		uint64_t t0 = clock_ns();
		for (int i = 0; i < BURST / 2; i++)
			cvz_task_end(cvz_task_begin("download 12"));
		ns += clock_ns() - t0;
	}
	*out = (double)ns / TRACED_CALLS;
	atomic_fetch_sub(&writers, 1);
	return NULL;
}

/* sdk_fn that drops what it gets. */
static void discard(void *ctx, const struct sdk_rec *r)
{
	(void)ctx;
	(void)r;
}

/* ns per traced call with n writer threads and this thread reading. */
static double traced(int n)
{
	setenv("CONCVIZ_SDK", sdk_dir(sdk), 1);
	producer_reset();
	pthread_t th[2];
	double ns[2];
	atomic_store(&writers, n);
	for (int i = 0; i < n; i++)
		pthread_create(&th[i], NULL, writer, &ns[i]);
	while (atomic_load(&writers) > 0) {
		sdk_poll(sdk, clock_ns(), discard, NULL);
		clock_sleep_ns(100000);
	}
	double sum = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		sum += ns[i];
	}
	sdk_finish(sdk, clock_ns(), discard, NULL);
	return sum / n;
}

/* ns per call that finds its shard full (counted as dropped). */
static double dropping(void)
{
	setenv("CONCVIZ_SDK", sdk_dir(sdk), 1);
	producer_reset();
	for (unsigned i = 0; i < CVZ_WIRE_COUNT; i++)
		cvz_mark("fill");
	uint64_t t0 = clock_ns();
	for (int i = 0; i < 1000000; i++)
		cvz_mark("dropped");
	double ns = (double)(clock_ns() - t0) / 1e6;
	producer_reset();
	sdk_finish(sdk, clock_ns(), discard, NULL);
	return ns;
}

/* Thread body: fill a shard with marks, then end. */
static void *filler(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < CVZ_WIRE_COUNT; i++)
		cvz_mark("a mark of some twenty bytes");
	return NULL;
}

/* The reader: us per idle poll with 16 shards, and M records per second. */
static void reader(double *idle_us, double *mrec)
{
	setenv("CONCVIZ_SDK", sdk_dir(sdk), 1);
	producer_reset();
	pthread_t th[16];
	for (int i = 0; i < 16; i++)
		pthread_create(&th[i], NULL, filler, NULL);
	for (int i = 0; i < 16; i++)
		pthread_join(th[i], NULL);
	uint64_t t0 = clock_ns(), n = 0;
	long got;
	while ((got = sdk_poll(sdk, clock_ns(), discard, NULL)) > 0)
		n += (uint64_t)got;
	*mrec = (double)n / ((double)(clock_ns() - t0) / 1e9) / 1e6;
	t0 = clock_ns();
	for (int i = 0; i < 1000; i++)
		sdk_poll(sdk, clock_ns(), discard, NULL);
	*idle_us = (double)(clock_ns() - t0) / 1000 / 1000;
	sdk_finish(sdk, clock_ns(), discard, NULL);
}

/* Run tests/sdk/bench_writer.py traced or not; fills the four figures
 * (-1 when absent). Returns 0, or -1 when Python could not run it. */
static int python_costs(int traced_run, double out[4])
{
	char cmd[8400];
	const char *py = getenv("PYTHON") ? getenv("PYTHON") : "/usr/bin/python3";
	if (traced_run)
		snprintf(cmd, sizeof cmd, "env CONCVIZ_SDK=%s PYTHONPATH=engines/sdk/python %s "
			 "tests/sdk/bench_writer.py", sdk_dir(sdk), py);
	else
		snprintf(cmd, sizeof cmd, "env -u CONCVIZ_SDK PYTHONPATH=engines/sdk/python %s "
			 "tests/sdk/bench_writer.py", py);
	FILE *f = popen(cmd, "r");
	char line[512] = "";
	if (!f)
		return -1;
	if (!fgets(line, sizeof line, f))
		line[0] = 0;
	int rc = pclose(f);
	static const char *const keys[] = { "\"step\": ", "\"put\": ", "\"put_name\": ", "\"task\": " };
	for (int i = 0; i < 4; i++) {
		const char *p = strstr(line, keys[i]);
		out[i] = p ? atof(p + strlen(keys[i])) : -1;
	}
	sdk_finish(sdk, clock_ns(), discard, NULL);
	return rc == 0 && out[0] > 0 ? 0 : -1;
}

/* Run every SDK benchmark and print the table. */
int main(void)
{
	if (sdk_open(&sdk, NULL) < 0) {
		fprintf(stderr, "bench_sdk: cannot make the transport directory\n");
		return 1;
	}
	struct bench_ticks t0 = bench_ticks_now();
	printf("sdk benchmarks (%ld cores, medians of %d interleaved rounds)\n",
	       sysconf(_SC_NPROCESSORS_ONLN), RUNS);
	double un[RUNS], one[RUNS], two[RUNS], drop[RUNS], idle[RUNS], rec[RUNS];
	double py[2][RUNS][4];
	int py_ok = 1;
	for (int r = 0; r < RUNS; r++) {
		un[r] = untraced();
		one[r] = traced(1);
		two[r] = traced(2);
		drop[r] = dropping();
		reader(&idle[r], &rec[r]);
		for (int t = 0; t < 2; t++)
			if (python_costs(t, py[t][r]) < 0)
				py_ok = 0;
	}
	row("C call, untraced", bench_median(un, RUNS), "ns/call", 2,
	    "the call is not inlined, or the machine is busy");
	row("C call, traced, 1 thread", bench_median(one, RUNS), "ns/call", 0, "");
	row("C call, traced, 2 threads", bench_median(two, RUNS), "ns/call", 100,
	    "a clock read is ~30 ns here; a busy host slows the rest");
	row("C call, traced, shard full (counted as dropped)", bench_median(drop, RUNS), "ns/call", 0, "");
	row("reader: idle poll of 16 shards", bench_median(idle, RUNS), "us", 0, "");
	row("reader: records read, checked, merged", bench_median(rec, RUNS), "M/s", 0, "");
	if (py_ok) {
		double step[RUNS], base[RUNS], put[RUNS], named[RUNS], task[RUNS];
		for (int r = 0; r < RUNS; r++) {
			base[r] = py[0][r][0];
			step[r] = py[1][r][0] - py[0][r][0];
			put[r] = py[1][r][1];
			named[r] = py[1][r][2];
			task[r] = py[1][r][3];
		}
		row("Python: one record (put)", bench_median(put, RUNS), "ns", 0, "");
		row("Python: one record with a name", bench_median(named, RUNS), "ns", 0, "");
		row("Python: a pool call as a task (begin + end)", bench_median(task, RUNS), "ns", 0, "");
		row("Python: an asyncio step, untraced", bench_median(base, RUNS), "ns", 0, "");
		row("Python: added to an asyncio step (run + wait)", bench_median(step, RUNS), "ns", 0, "");
	} else {
		printf("  Python rows left out: tests/sdk/bench_writer.py did not run\n");
	}
	printf("  host stole %.1f %% of the CPU time while measuring\n", 100 * bench_steal_since(t0));
	sdk_close(sdk);
	return 0;
}
