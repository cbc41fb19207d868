/*
 * findings_io.c - findings about waiting on I/O: io-pool-saturated (every
 * worker waits on I/O while tasks queue) and io-overlapped (every task was
 * in flight at once: the waits overlap, good news).
 *
 * The pool is the workers that ran tasks (threads, worker processes, seq's
 * main, traced threads) or, for an async run with an in-flight limit, that
 * many slots. A task's latency is its measured time in I/O; a worker's first
 * task also paid for its connection, so the set-up time is the first tasks'
 * latency over the others' median.
 *
 * The model of the prediction (every task in flight on one event loop): the
 * run's measured start-up, then the slowest of the N waits (the quantile
 * N / (N + 1) of the measured latencies: the expected largest of N draws,
 * robust to one outlier) plus a connection's set-up (every transfer opens
 * its own), plus the CPU one loop thread spends on all N transfers, which
 * runs one transfer at a time: N x the measured CPU time per task (a worker
 * thread's CPU clock over its download: curl's and the kernel's work, the
 * same work the loop does per transfer; for an async run, the loop's busy
 * time per task). A worker's first task is left out
 * of the latency and CPU samples: it also paid for first use. The model
 * assumes the server answers N requests at once as fast as it answered the
 * pool's few.
 */
#include <stdio.h>
#include <string.h>
#include "findings_int.h"

#define MIN_SPEEDUP 1.2

/* The I/O side of the run. */
struct fd_io {
	size_t w;                 /* pool: workers with tasks, or async in-flight slots */
	uint32_t first;           /* one pool lane */
	bool lanes_are_tasks;     /* async: the pool is slots, its lanes are the tasks' */
	double io_share;          /* the pool's time in I/O over its capacity */
	double wait;              /* mean time a task waited before it began, ns */
	double lat_med, lat_q, lat_max;  /* task latency: median, N/(N+1) quantile, max */
	double setup;             /* a connection's set-up time */
	double cpu;               /* mean CPU time per task */
	size_t sampled;           /* tasks with a latency */
};

/* True when lane l is in the I/O pool. */
static bool io_pool_lane(const struct fd_ctx *c, const struct fd_io *u, size_t l)
{
	const struct fd_lane *d = &c->lanes[l];
	return d->first_begin >= 0 && d->cls == (u->lanes_are_tasks ? FD_TASK : FD_POOL);
}

/* Size the pool and sum its I/O time; false when the run has no pool. */
static bool io_pool(const struct fd_ctx *c, struct fd_io *u)
{
	memset(u, 0, sizeof *u);
	uint64_t io = 0;
	for (int pass = 0; pass < 2 && u->w == 0; pass++) {
		u->lanes_are_tasks = pass == 1;
		for (size_t l = 0; l < c->nlanes; l++)
			if (io_pool_lane(c, u, l)) {
				if (u->w++ == 0)
					u->first = (uint32_t)l;
				io += c->lanes[l].ns[ST_IO];
			}
	}
	if (u->w == 0)
		return false;
	if (u->lanes_are_tasks) {        /* async: the in-flight limit is the pool */
		const struct cv_params *p = c->s ? &c->s->params : NULL;
		int limit = p && p->workers > 0 ? p->workers : (int)c->ntasks;
		u->w = limit > 0 && (uint32_t)limit < c->ntasks ? (size_t)limit : c->ntasks;
	}
	u->io_share = (double)io / ((double)u->w * (double)c->wall);
	return true;
}

/* Measure the tasks: waits, latencies, set-up, CPU. false on ENOMEM. */
static bool io_measure(struct fd_ctx *c, struct fd_io *u)
{
	const struct timeline *tl = c->tl;
	double *v = fd_scratch(c, tl->ntasks + 1);
	if (!v)
		return false;
	size_t n = 0, nwait = 0, ncpu = 0;
	double wait = 0, cpu = 0;
	for (size_t i = 0; i < tl->ntasks; i++) {
		const struct tl_task *tk = &tl->tasks[i];
		if (tk->state != TASK_DONE || tk->t_begin < 0 || tk->lane >= c->nlanes ||
		    !io_pool_lane(c, u, tk->lane))
			continue;
		int64_t avail = tk->t_queued >= 0 ? tk->t_queued : c->b;
		wait += (double)(tk->t_begin > avail ? tk->t_begin - avail : 0);
		nwait++;
		double io = (double)c->st->tasks[i].io_ns;
		if (io > u->lat_max)
			u->lat_max = io;
		const struct fd_lane *d = &c->lanes[tk->lane];
		if (!u->lanes_are_tasks && d->tasks >= 2 && d->first_task == i)
			continue;     /* it opened the connection */
		cpu += (double)tk->cpu_ns;
		ncpu++;
		if (io > 0)
			v[n++] = io;
	}
	u->wait = nwait ? wait / (double)nwait : 0;
	u->cpu = ncpu ? cpu / (double)ncpu : 0;
	if (u->cpu <= 0 && c->ended) {   /* an event loop did the transfers: its busy time each */
		uint64_t busy = 0;
		for (size_t l = 0; l < c->nlanes; l++)
			busy += c->st->lanes[l].loop ? c->st->lanes[l].busy_ns : 0;
		u->cpu = (double)busy / (double)c->ended;
	}
	u->sampled = n;
	if (n == 0)
		return true;
	u->lat_med = fd_quantile(v, n, 0.5);
	u->lat_q = fd_quantile(v, n, (double)n / (double)(n + 1));
	/* set-up: the first task of each worker (it opened the connection) */
	double first = 0;
	size_t nfirst = 0;
	for (size_t l = 0; !u->lanes_are_tasks && l < c->nlanes; l++) {
		const struct fd_lane *d = &c->lanes[l];
		if (io_pool_lane(c, u, l) && d->tasks >= 2 && d->first_task < tl->ntasks &&
		    tl->tasks[d->first_task].state == TASK_DONE) {
			first += (double)c->st->tasks[d->first_task].io_ns;
			nfirst++;
		}
	}
	if (nfirst && first / (double)nfirst > u->lat_med)
		u->setup = first / (double)nfirst - u->lat_med;
	return true;
}

/* io-pool-saturated: the pool waits on I/O while tasks queue; predicted
 * with every task in flight on an event loop (the file's comment). */
static void io_saturated(struct fd_ctx *c, const struct fd_io *u)
{
	if (c->ended <= u->w || u->io_share < 0.5 || u->sampled == 0 || u->wait < 0.5 * u->lat_med)
		return;
	double n = (double)c->ended;
	double pred = fd_overhead(c) + u->lat_q + u->setup + n * u->cpu;
	double speedup = (double)c->wall / pred;
	if (speedup < MIN_SPEEDUP)
		return;
	char who[64], w[24], l[24], st[24], conn[48] = "", cp[24], a[24], b[24];
	if (u->setup >= 1000)   /* at least a microsecond */
		snprintf(conn, sizeof conn, " plus %s to connect", fd_dur((int64_t)u->setup, st, sizeof st));
	if (u->lanes_are_tasks)
		snprintf(who, sizeof who, "the %zu transfers in flight", u->w);
	else
		fd_lanes_words(c, u->w, u->first, who, sizeof who);
	struct finding *f = fd_add(c, "io-pool-saturated", FINDING_WARN, 1 - 1 / speedup, c->b, c->e,
				   "%s waited on I/O %.0f%% of the time while the other tasks queued "
				   "(%s on average): with every task in flight on one event loop (each "
				   "waiting %s%s, and %s of the loop's CPU) the run would take about %s "
				   "instead of %s (%.1fx).",
				   who, u->io_share * 100 > 100 ? 100 : u->io_share * 100,
				   fd_dur((int64_t)u->wait, w, sizeof w), fd_dur((int64_t)u->lat_med, l, sizeof l),
				   conn,
				   fd_dur((int64_t)u->cpu, cp, sizeof cp),
				   fd_dur((int64_t)pred, a, sizeof a), fd_dur(c->wall, b, sizeof b), speedup);
	for (size_t k = 0; k < c->nlanes; k++)
		if (io_pool_lane(c, u, k))
			fd_lane(c, f, (uint32_t)k);
	fd_suggest(f, MODE_ASYNC, 0, speedup);
	c->io_saturated = true;
}

/* io-overlapped: every task was in flight at once and the run took about
 * as long as its slowest wait (good news). */
static void io_overlapped(struct fd_ctx *c, const struct fd_io *u)
{
	if (c->ended < 2 || u->w < c->ended || u->lat_max <= 0 || c->o->live)
		return;
	uint64_t io = 0, span = 0;
	for (size_t i = 0; i < c->tl->ntasks; i++) {
		const struct tl_task *tk = &c->tl->tasks[i];
		if (tk->state == TASK_DONE && tk->t_begin >= 0 && tk->t_end > tk->t_begin) {
			io += c->st->tasks[i].io_ns;
			span += (uint64_t)(tk->t_end - tk->t_begin);
		}
	}
	if (!span || (double)io < 0.5 * (double)span)
		return;
	char a[24], b[24];
	double ratio = (double)c->wall / u->lat_max;
	struct finding *f = fd_add(c, "io-overlapped", FINDING_INFO, 1 / ratio, c->b, c->e,
				   "all %u tasks were in flight at once: the run took %s, %.1fx its "
				   "slowest wait on I/O (%s), so the waits overlapped.",
				   c->ended, fd_dur(c->wall, a, sizeof a), ratio,
				   fd_dur((int64_t)u->lat_max, b, sizeof b));
	for (size_t k = 0; k < c->nlanes; k++)
		if (io_pool_lane(c, u, k))
			fd_lane(c, f, (uint32_t)k);
}

/* The I/O family. */
void fd_io_findings(struct fd_ctx *c)
{
	struct fd_io u;
	if (!io_pool(c, &u) || !io_measure(c, &u))
		return;
	io_saturated(c, &u);
	io_overlapped(c, &u);
}
