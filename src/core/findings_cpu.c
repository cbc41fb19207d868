/*
 * findings_cpu.c - findings about CPU work on a pool of workers: gil-bound
 * or lock-bound, cores-idle, cores-saturated, oversubscribed and
 * cpu-contention.
 *
 * The lanes looked at are the pool's workers that ran on a CPU for at least
 * 5 % of the run ("CPU lanes"). Their CPU time "really used" is the tasks'
 * measured CPU time (the engines read each worker's thread CPU clock) plus
 * the CPU spans of no task; spans alone would count a thread that the OS
 * time-slices with others as running all along. Parallelism is that CPU time
 * over the wall time: the cores the run kept busy on average.
 *
 * The model of every prediction here: the work is the measured CPU time of
 * the units it came in (tasks, in the order a pool takes them; or whole
 * threads when a traced program has no tasks), run on p processes by a
 * greedy schedule (each unit to the first worker free), plus the start-up
 * and wind-down this run measured. It assumes the units are independent and
 * cost the same CPU time wherever they run.
 */
#include <string.h>
#include "findings_int.h"

#define CPU_LANE_SHARE 0.05   /* a lane on a CPU this share of the run is a CPU lane */
#define MIN_SPEEDUP 1.15      /* below this, a prediction is not worth advice */

/* The CPU lanes of the run, summed. */
struct fd_cpu {
	size_t n;                 /* CPU lanes */
	uint32_t first;           /* one of them */
	uint64_t cpu, lock, ready, io;  /* span time per state */
	uint64_t used;            /* CPU really used */
	double par;               /* cores in use on average: used / wall */
	bool one_pid;             /* all in one process (threads, not processes) */
};

/* True when lane l is a worker that ran on a CPU for a real share of the run. */
static bool cpu_lane(const struct fd_ctx *c, size_t l)
{
	const struct fd_lane *d = &c->lanes[l];
	return d->cls == FD_POOL && (double)d->ns[ST_CPU] >= CPU_LANE_SHARE * (double)c->wall;
}

/* Sum the CPU lanes into u. */
static void cpu_sum(const struct fd_ctx *c, struct fd_cpu *u)
{
	memset(u, 0, sizeof *u);
	uint64_t pid = 0;
	u->one_pid = true;
	for (size_t l = 0; l < c->nlanes; l++) {
		if (!cpu_lane(c, l))
			continue;
		const struct fd_lane *d = &c->lanes[l];
		uint64_t lp = c->tl->lanes[l].pid;
		if (u->n == 0) {
			u->first = (uint32_t)l;
			pid = lp;
		} else if (lp != pid) {
			u->one_pid = false;
		}
		u->n++;
		u->cpu += d->ns[ST_CPU];
		u->lock += d->ns[ST_LOCK];
		u->ready += d->ns[ST_READY];
		u->io += d->ns[ST_IO];
		u->used += d->cpu;
	}
	u->par = (double)u->used / (double)c->wall;
}

/* Predict the wall time of the CPU lanes' work on p workers (the model in
 * the file's comment); the units counted go to *units. -1 on ENOMEM. */
static double cpu_predict(struct fd_ctx *c, int p, size_t *units)
{
	double *v = fd_scratch(c, c->tl->ntasks + c->nlanes + (size_t)p);
	*units = 0;
	if (!v)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < c->tl->ntasks; i++) {
		const struct tl_task *tk = &c->tl->tasks[i];
		if (tk->t_begin >= 0 && tk->cpu_ns > 0 && tk->lane < c->nlanes && cpu_lane(c, tk->lane))
			v[n++] = (double)tk->cpu_ns;
	}
	for (size_t l = 0; l < c->nlanes; l++)   /* threads of no task: one unit each */
		if (cpu_lane(c, l) && (double)c->lanes[l].notask >= 0.01 * (double)c->wall)
			v[n++] = (double)c->lanes[l].notask;
	*units = n;
	return fd_predict(c, v, n, p);
}

/* Predict the CPU lanes' work on *p workers, lowering *p to the number of
 * units when there are fewer (the others would idle). -1 on ENOMEM. */
static double cpu_best(struct fd_ctx *c, int *p)
{
	size_t units;
	double pred = cpu_predict(c, *p, &units);
	if (units < (size_t)*p)
		*p = (int)units;
	return pred;
}

/* Add the CPU lanes to f. */
static void cpu_lanes(struct fd_ctx *c, struct finding *f)
{
	for (size_t l = 0; l < c->nlanes; l++)
		if (cpu_lane(c, l))
			fd_lane(c, f, (uint32_t)l);
}

/* True when the session is a Python program (its command or lane names). */
static bool cpu_python(const struct fd_ctx *c)
{
	const struct session *s = c->s;
	if (!s)
		return false;
	if (s->argv && s->argc > 0 && s->argv[0]) {
		const char *b = strrchr(s->argv[0], '/');
		if (!strncmp(b ? b + 1 : s->argv[0], "python", 6))
			return true;
	}
	for (uint32_t l = 0; l < s->nlanes; l++)
		if (!strncmp(s->lanes[l].name, "python", 6))
			return true;
	return false;
}

/* gil-bound / lock-bound: CPU lanes that mostly wait for a lock while about
 * one core is used (someone holds the lock and runs: threads that wait for
 * work instead use much less); predicted as processes (one per core, at
 * most one per lane and per unit of work). */
static void cpu_lock_bound(struct fd_ctx *c, const struct fd_cpu *u)
{
	uint64_t busy = u->cpu + u->lock + u->ready + u->io;
	double lock_share = busy ? (double)u->lock / (double)busy : 0;
	/* "about one core": CPython's hand-over of the GIL lets the thread that
	 * drops it and the one that takes it run at once for a moment, so a
	 * GIL-bound program measures up to ~1.5 cores on 2 (seen: 1.46); below
	 * 80 % of the cores its lanes could use is still far from parallel */
	int could = c->cores < (int)u->n ? c->cores : (int)u->n;
	double most = 0.8 * could > 1.3 ? 0.8 * could : 1.3;
	/* someone runs: CPU time measured, or drawn (a VM's host that takes the
	 * CPU away, up to half of it on a busy day, lowers the first only) */
	double drawn = (double)u->cpu / (double)c->wall;
	if (u->n < 2 || c->cores < 2 || lock_share < 0.3 || u->par > most ||
	    (u->par < 0.5 && drawn < 0.5) || u->cpu < u->io)
		return;
	int p = c->cores < (int)u->n ? c->cores : (int)u->n;
	double pred = cpu_best(c, &p);
	if (p < 2 || pred <= 0)
		return;
	double speedup = (double)c->wall / pred;
	if (speedup < MIN_SPEEDUP)
		return;
	bool gil = (c->s && c->s->params.gil) || (c->traced && cpu_python(c));
	char who[64], a[24], b[24];
	fd_lanes_words(c, u->n, u->first, who, sizeof who);
	struct finding *f = fd_add(c, gil ? "gil-bound" : "lock-bound", FINDING_WARN, 1 - 1 / speedup,
				   c->b, c->e,
				   "%s spent %.0f%% of their time waiting for %s and used %.2f of %d cores, "
				   "though their work is CPU-bound: as %d processes it would take about %s "
				   "instead of %s (%.1fx).",
				   who, lock_share * 100, gil ? "the GIL" : "a lock", u->par, c->cores, p,
				   fd_dur((int64_t)pred, a, sizeof a), fd_dur(c->wall, b, sizeof b), speedup);
	cpu_lanes(c, f);
	fd_suggest(f, MODE_PROCS, p, speedup);
	c->lock_bound = true;
}

/* cores-idle / cores-saturated: CPU-bound lanes each busy on a core; fewer
 * lanes than cores leaves cores idle (predicted with one process per core),
 * as many is already the right model. */
static void cpu_cores(struct fd_ctx *c, const struct fd_cpu *u)
{
	uint64_t busy = u->cpu + u->lock + u->ready + u->io;
	if (u->n == 0 || c->lock_bound || c->loop_blocked || (double)u->cpu + (double)u->ready < 0.7 * (double)busy)
		return;
	int have = c->cores < (int)u->n ? c->cores : (int)u->n;
	if (u->par < 0.8 * have)
		return;
	char who[64], a[24], b[24];
	fd_lanes_words(c, u->n, u->first, who, sizeof who);
	int p = c->cores;
	double pred = (int)u->n < c->cores ? cpu_best(c, &p) : 0;
	if (pred < 0)
		return;
	if ((int)u->n < c->cores && p > (int)u->n && pred > 0 && (double)c->wall / pred >= MIN_SPEEDUP) {
		double speedup = (double)c->wall / pred;
		struct finding *f = fd_add(c, "cores-idle", FINDING_WARN, 1 - 1 / speedup, c->b, c->e,
					   "%s kept %.2f of %d cores busy with CPU work and left the rest "
					   "idle: as %d processes it would take about %s instead of %s (%.1fx).",
					   who, u->par, c->cores, p, fd_dur((int64_t)pred, a, sizeof a),
					   fd_dur(c->wall, b, sizeof b), speedup);
		cpu_lanes(c, f);
		fd_suggest(f, MODE_PROCS, p, speedup);
	} else if ((int)u->n < c->cores) {
		struct finding *f = fd_add(c, "cores-idle", FINDING_INFO, 0.1, c->b, c->e,
					   "%s kept %.2f of %d cores busy with CPU work in one piece; only "
					   "splitting that work could use the other cores (at most %.1fx).",
					   who, u->par, c->cores, (double)c->cores / (u->par > 1 ? u->par : 1));
		cpu_lanes(c, f);
	} else {
		struct finding *f = fd_add(c, "cores-saturated", FINDING_INFO, u->par / c->cores,
					   c->b, c->e,
					   "%s kept %.2f of %d cores busy (%.0f%%) with CPU work: the run is "
					   "CPU-bound and already parallel, more workers would not make it faster.",
					   who, u->par, c->cores, 100 * u->par / c->cores);
		cpu_lanes(c, f);
	}
}

/* oversubscribed / cpu-contention: CPU lanes runnable but without a core
 * (traced threads show it as "ready"). More lanes than cores: the model
 * says as many workers as cores do the same work in about the same time;
 * no more lanes than cores: other programs took the cores. */
static void cpu_ready(struct fd_ctx *c, const struct fd_cpu *u)
{
	double share = u->cpu + u->ready ? (double)u->ready / (double)(u->cpu + u->ready) : 0;
	if (u->n == 0 || share < 0.2 || (double)u->ready < 0.05 * (double)c->wall)
		return;
	char who[64], a[24];
	fd_lanes_words(c, u->n, u->first, who, sizeof who);
	if ((int)u->n <= c->cores) {
		struct finding *f = fd_add(c, "cpu-contention", FINDING_WARN, 0.2 + 0.3 * share, c->b, c->e,
					   "%s waited for a core %.0f%% of the time although there were only "
					   "%zu of them for %d cores: other programs were using the cores, and "
					   "the timings include that.",
					   who, share * 100, u->n, c->cores);
		cpu_lanes(c, f);
		return;
	}
	int p = c->cores;
	double pred = cpu_best(c, &p);
	if (pred <= 0)
		return;
	double speedup = (double)c->wall / pred;
	struct finding *f = fd_add(c, "oversubscribed", FINDING_WARN, 0.2 + 0.3 * share, c->b, c->e,
				   "%s were ready to run but had no core %.0f%% of the time (%zu lanes "
				   "for %d cores): the cores are the limit, and %d workers would do the "
				   "same work in about %s (%.2fx) with less switching.",
				   who, share * 100, u->n, c->cores, p,
				   fd_dur((int64_t)pred, a, sizeof a), speedup);
	cpu_lanes(c, f);
	enum cv_mode m = c->s ? c->s->params.mode : MODE_THREADS;
	if (m == MODE_TRACE)
		m = u->one_pid ? MODE_THREADS : MODE_PROCS;
	fd_suggest(f, m, p, speedup);
}

/* The CPU family. */
void fd_cpu_findings(struct fd_ctx *c)
{
	struct fd_cpu u;
	cpu_sum(c, &u);
	if (u.n == 0)
		return;
	cpu_lock_bound(c, &u);
	cpu_cores(c, &u);
	cpu_ready(c, &u);
}
