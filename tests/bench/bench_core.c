/*
 * bench_core.c - speed and memory of the core: emitting events into the ring
 * (1 and 2 producer threads, 2 producer processes), draining it, building
 * the timeline. Prints a table of medians over 5 runs with the targets, and
 * for the timeline the page faults per million events (on a virtual
 * machine each costs microseconds: they decide the build speed) and the
 * first build of the process apart (fresh memory, as a user's first load
 * has it). A missed target says "missed" and what the host was doing.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench_host.h"
#include "bench_median.h"
#include "emit.h"
#include "timeline.h"

#define RUNS 5
#define PER_PRODUCER 2000000ull

static atomic_int producers_left;

/* Emit PER_PRODUCER events through cv_emit; returns ns per event. */
static double emit_loop(uint32_t lane)
{
	uint64_t t0 = clock_ns();
	for (uint64_t i = 0; i < PER_PRODUCER; i++)
		cv_emit(lane, (uint32_t)i, EV_CPU, 0, 0, i);
	return (double)(clock_ns() - t0) / PER_PRODUCER;
}

struct prod { uint32_t lane; double ns; };

/* Thread body: emit, record ns per event. */
static void *producer(void *arg)
{
	struct prod *p = arg;
	p->ns = emit_loop(p->lane);
	atomic_fetch_sub(&producers_left, 1);
	return NULL;
}

/* Drain until every event arrived, the way the UI does: in batches, resting
 * (1 ms; the UI rests 33) whenever the ring holds little, instead of
 * spinning on it. 1 ms of a flood is well within a producer's 65,536 slots. */
static void drain_until_done(uint64_t total)
{
	static struct cv_event buf[4096];
	uint64_t got = 0;
	while (got < total) {
		size_t n = ring_pop(emit_ring, buf, 4096);
		got += n;
		if (n < 4096)
			clock_sleep_ns(1000000);
	}
}

/* ns per emitted event with n producer threads and a live consumer. */
static double bench_threads(int n)
{
	pthread_t th[2];
	struct prod p[2];
	atomic_store(&producers_left, n);
	for (int i = 0; i < n; i++) {
		p[i].lane = (uint32_t)i;
		pthread_create(&th[i], NULL, producer, &p[i]);
	}
	drain_until_done((uint64_t)n * PER_PRODUCER);
	double sum = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		sum += p[i].ns;
	}
	return sum / n;
}

/* ns per emitted event with n producer threads into a ring large enough
 * for every event, drained only afterwards: the producers' own cost, with
 * no consumer taking a share of the two cores. Warms the ring first. */
static double bench_threads_alone(int n)
{
	static struct ring *big;
	static struct cv_event buf[4096];
	struct ring *live = emit_ring;
	if (!big)
		big = ring_new(PER_PRODUCER);
	emit_ring = big;
	pthread_t th[2];
	struct prod p[2];
	double sum = 0;
	for (int pass = 0; pass < 2; pass++) {     /* pass 0 touches the pages */
		sum = 0;
		for (int i = 0; i < n; i++) {
			p[i].lane = (uint32_t)i;
			pthread_create(&th[i], NULL, producer, &p[i]);
		}
		for (int i = 0; i < n; i++) {
			pthread_join(th[i], NULL);
			sum += p[i].ns;
		}
		while (ring_pop(big, buf, 4096))
			;
	}
	emit_ring = live;
	return sum / n;
}

/* ns per emitted event with 2 producer processes and a live consumer. */
static double bench_procs(void)
{
	double *res = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid[2];
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			res[i] = emit_loop((uint32_t)i);
			_exit(0);
		}
	}
	drain_until_done(2 * PER_PRODUCER);
	for (int i = 0; i < 2; i++)
		waitpid(pid[i], NULL, 0);
	double r = (res[0] + res[1]) / 2;
	munmap(res, 4096);
	return r;
}

/* A stream shaped like a traced run: 100 lanes, each task a begin, ten state
 * changes (running slices, I/O waits, GIL waits) and an end. */
static struct cv_event *make_stream(size_t n)
{
	struct cv_event *ev = malloc(n * sizeof *ev);
	static const uint16_t kinds[] = { EV_CPU, EV_IO, EV_LOCK, EV_CPU, EV_IO };
	uint64_t t = 1;
	uint32_t task = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t lane = (uint32_t)(i % 100);
		size_t k = i / 100;
		uint16_t kind = k % 12 == 0 ? EV_TASK_BEGIN : k % 12 == 11 ? EV_TASK_END : kinds[k % 5];
		if (k % 12 == 0 && lane == 0)
			task += 100;
		ev[i] = (struct cv_event){ t, 0, lane, task + lane, kind, 0, 0 };
		t += 1000;
	}
	return ev;
}

/* Print one table row. */
static void row(const char *what, double value, const char *unit, const char *target)
{
	printf("  %-44s %12.1f %-10s %s\n", what, value, unit, target);
}

/* Print a row with a target: "ok", or "missed" and the host's steal. */
static void row_target(const char *what, double value, const char *unit, const char *target,
		       bool ok, double steal)
{
	char verdict[96];
	if (ok)
		snprintf(verdict, sizeof verdict, "%s ok", target);
	else
		snprintf(verdict, sizeof verdict, "%s missed (host stole %.0f %% meanwhile)", target,
			 steal * 100);
	row(what, value, unit, verdict);
}

/* Run every core benchmark and print the table. */
int main(void)
{
	emit_ring = ring_new(1 << 16);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	printf("core benchmarks (%ld cores, medians of %d runs)\n", cores, RUNS);
	printf("  %-44s %12s %-10s %s\n", "measure", "value", "unit", "target");

	double v[RUNS];
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = clock_ns();
		for (int i = 0; i < 1000000; i++)
			(void)clock_ns();
		v[r] = (double)(clock_ns() - t0) / 1e6;
	}
	row("monotonic clock read", bench_median(v, RUNS), "ns", "(reference)");
	for (int r = 0; r < RUNS; r++)
		v[r] = bench_threads(1);
	row("emit, 1 producer thread (+ consumer)", bench_median(v, RUNS), "ns/event", "");
	for (int r = 0; r < RUNS; r++)
		v[r] = bench_threads(2);
	row("emit, 2 producer threads (+ consumer)", bench_median(v, RUNS), "ns/event", "<= 60");
	for (int r = 0; r < RUNS; r++)
		v[r] = bench_threads_alone(2);
	row("emit, 2 producer threads (consumer after)", bench_median(v, RUNS), "ns/event", "<= 60");
	for (int r = 0; r < RUNS; r++)
		v[r] = bench_procs();
	row("emit, 2 producer processes (+ consumer)", bench_median(v, RUNS), "ns/event", "<= 60");

	/* drain alone: fill the ring, pop it */
	size_t cap = ring_capacity(emit_ring);
	struct cv_event *buf = malloc(cap * sizeof *buf);
	for (int r = 0; r < RUNS; r++) {
		uint64_t total = 0, ns = 0;
		for (int k = 0; k < 50; k++) {
			struct cv_event e = { .kind = EV_CPU };
			for (size_t i = 0; i < cap; i++)
				ring_push(emit_ring, &e);
			uint64_t t0 = clock_ns();
			total += ring_pop(emit_ring, buf, cap);
			ns += clock_ns() - t0;
		}
		v[r] = (double)total / ((double)ns / 1e9) / 1e6;
	}
	row("drain (ring_pop)", bench_median(v, RUNS), "M events/s", "");

	size_t n = 10000000;
	struct cv_event *ev = make_stream(n);
	double mem = 0, flt[RUNS], first = 0;
	struct bench_ticks ticks0 = bench_ticks_now();
	for (int r = 0; r < RUNS; r++) {
		struct timeline tl;
		timeline_init(&tl, 1);
		long f0 = bench_faults_now();
		uint64_t t0 = clock_ns();
		timeline_add_many(&tl, ev, n);
		v[r] = (double)n / ((double)(clock_ns() - t0) / 1e9) / 1e6;
		flt[r] = (double)(bench_faults_now() - f0) / ((double)n / 1e6);
		if (r == 0)
			first = v[r];
		mem = (double)timeline_bytes(&tl) / (double)n;
		timeline_free(&tl);
	}
	double steal = bench_steal_since(ticks0), build = bench_median(v, RUNS);
	row_target("timeline build (10 M events, 100 lanes)", build, "M events/s", ">= 20",
		   build >= 20, steal);
	row("  first build of the process (fresh memory)", first, "M events/s", "");
	row("  page faults", bench_median(flt, RUNS), "per M ev", "");
	row_target("timeline memory (allocated)", mem, "B/event", "<= 24", mem <= 24, 0);

	/* drain + build: the consumer's real work per frame */
	ticks0 = bench_ticks_now();
	for (int r = 0; r < RUNS; r++) {
		struct timeline tl;
		timeline_init(&tl, 1);
		uint64_t ns = 0;
		long f0 = bench_faults_now();
		for (size_t off = 0; off + cap <= n; off += cap) {
			for (size_t i = 0; i < cap; i++)
				ring_push(emit_ring, &ev[off + i]);
			uint64_t t0 = clock_ns();
			size_t got = ring_pop(emit_ring, buf, cap);
			timeline_add_many(&tl, buf, got);
			ns += clock_ns() - t0;
		}
		v[r] = (double)(n - n % cap) / ((double)ns / 1e9) / 1e6;
		flt[r] = (double)(bench_faults_now() - f0) / ((double)n / 1e6);
		timeline_free(&tl);
	}
	steal = bench_steal_since(ticks0);
	double drain_build = bench_median(v, RUNS);
	row_target("drain + timeline build", drain_build, "M events/s", ">= 20", drain_build >= 20, steal);
	row("  page faults", bench_median(flt, RUNS), "per M ev", "");
	row("event record size", (double)sizeof(struct cv_event), "bytes", "32");
	free(buf);
	free(ev);
	ring_free(emit_ring);
	return 0;
}
