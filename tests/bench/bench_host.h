/*
 * bench_host.h - how much of the machine a benchmark really had.
 *
 * On a virtual machine the host may run other guests on "our" cores: the
 * time it takes shows in /proc/stat as steal. Benchmarks print the share of
 * all CPU time stolen while they measured, so that a slow figure can be
 * told from a slow program. Header-only: each benchmark is one file.
 */
#ifndef CV_BENCH_HOST_H
#define CV_BENCH_HOST_H

#include <stdio.h>
#include <sys/resource.h>

/* Total, stolen and busy (not idle, not waiting for I/O) CPU ticks since
 * boot, from /proc/stat's "cpu" line. */
struct bench_ticks {
	double total, steal, busy;
};

/* Read the ticks now; zeros where /proc/stat is unreadable. */
static inline struct bench_ticks bench_ticks_now(void)
{
	struct bench_ticks t = { 0, 0, 0 };
	unsigned long long v[8];
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return t;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) == 8) {
		for (int i = 0; i < 8; i++)
			t.total += (double)v[i];
		t.steal = (double)v[7];
		t.busy = t.total - (double)v[3] - (double)v[4];
	}
	fclose(f);
	return t;
}

/* Return the share (0..1) of all CPU time the host stole since `since`. */
static inline double bench_steal_since(struct bench_ticks since)
{
	struct bench_ticks now = bench_ticks_now();
	return now.total > since.total ? (now.steal - since.steal) / (now.total - since.total) : 0;
}

/* Return the share (0..1) of all CPU time that was busy since `since`
 * (this process's work, other processes', the host's steal). */
static inline double bench_busy_since(struct bench_ticks since)
{
	struct bench_ticks now = bench_ticks_now();
	return now.total > since.total ? (now.busy - since.busy) / (now.total - since.total) : 0;
}

/* Return the minor page faults of this process so far (on a VM each costs
 * microseconds: a figure that moves with them should print them). */
static inline long bench_faults_now(void)
{
	struct rusage u;
	getrusage(RUSAGE_SELF, &u);
	return u.ru_minflt;
}

#endif
