/*
 * findings_tail.c - the stragglers finding: the tail of a pool, where some
 * workers are still busy after the others ran out of tasks.
 *
 * Looked at once every task has ended, on the pool's workers that ran tasks
 * (threads, worker processes, traced threads with tasks; not async task
 * lanes, each of which is one task). A worker's end is its last task's end.
 * The pool's capacity is its workers, or the cores when the work is
 * CPU-bound and there are more workers than cores; the tail's idle capacity
 * is what of it stood idle from the first worker's end to the last one's.
 *
 * The model of the prediction: with the work cut finer (smaller tasks, or
 * more of them) the same work spreads evenly over the pool, so the idle
 * capacity is shared out: wall - idle / capacity. No change of model is
 * suggested: the cure is in the tasks. A pool saturated with I/O waits gets
 * no stragglers finding: every task in flight at once (io-pool-saturated)
 * removes its tail too.
 */
#include <stdlib.h>
#include "findings_int.h"

#define TAIL_SHARE 0.10   /* the tail's idle share of the pool that is worth a finding */

/* Order doubles ascending (qsort). */
static int tail_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Return the idle capacity of the tail: with the w workers' ends sorted,
 * after the j-th end w - j workers are busy, and a pool of capacity p
 * (workers, or cores when the work is CPU-bound) leaves p - min(w - j, p)
 * of it idle until the next end. */
static double tail_idle(double *ends, size_t w, size_t p)
{
	qsort(ends, w, sizeof *ends, tail_cmp);
	double idle = 0;
	for (size_t j = 1; j < w; j++) {
		size_t busy = w - j < p ? w - j : p;
		idle += (double)(p - busy) * (ends[j] - ends[j - 1]);
	}
	return idle;
}

/* The stragglers family. */
void fd_tail_findings(struct fd_ctx *c)
{
	if (c->lock_bound || c->io_saturated || c->ended == 0 || c->ended + c->cancelled < c->ntasks ||
	    c->last_end < 0)
		return;
	double *ends = fd_scratch(c, c->nlanes + 1);
	if (!ends)
		return;
	size_t w = 0;
	int64_t min_end = -1;
	uint32_t last = 0;
	uint64_t cpu = 0, io = 0;
	for (size_t l = 0; l < c->nlanes; l++) {
		const struct fd_lane *d = &c->lanes[l];
		if (d->cls != FD_POOL || d->tasks == 0 || d->last_end < 0)
			continue;
		ends[w++] = (double)d->last_end;
		cpu += d->ns[ST_CPU];
		io += d->ns[ST_IO];
		if (min_end < 0 || d->last_end < min_end)
			min_end = d->last_end;
		if (d->last_end == c->last_end)
			last = (uint32_t)l;
	}
	if (w < 2 || c->last_end <= c->b)
		return;
	size_t p = cpu > io && (size_t)c->cores < w ? (size_t)c->cores : w;
	double idle = tail_idle(ends, w, p);
	double share = idle / ((double)p * (double)(c->last_end - c->b));
	if (share < TAIL_SHARE)
		return;
	/* the straggler's last task: how long it took */
	int64_t last_task = 0;
	for (size_t i = 0; i < c->tl->ntasks; i++) {
		const struct tl_task *tk = &c->tl->tasks[i];
		if (tk->lane == last && tk->t_end == c->last_end && tk->t_begin >= 0)
			last_task = tk->t_end - tk->t_begin;
	}
	double pred = (double)c->wall - idle / (double)p;
	double speedup = (double)c->wall / pred;
	char name[64], tail[24], lt[24], a[24], b[24];
	struct finding *f = fd_add(c, "stragglers", FINDING_WARN, 1 - 1 / speedup, min_end, c->last_end,
				   "%s was still working %s after the first of the %zu workers ran out of "
				   "tasks, and %.0f%% of the pool's capacity stood idle in that tail (its "
				   "last task took %s): smaller tasks, or more of them, would even it out "
				   "and the run would take about %s instead of %s (%.2fx).",
				   fd_lane_name(c, last, name, sizeof name),
				   fd_dur(c->last_end - min_end, tail, sizeof tail), w, share * 100,
				   fd_dur(last_task, lt, sizeof lt), fd_dur((int64_t)pred, a, sizeof a),
				   fd_dur(c->wall, b, sizeof b), speedup);
	for (size_t l = 0; l < c->nlanes; l++) {
		const struct fd_lane *d = &c->lanes[l];
		if (d->cls == FD_POOL && d->tasks > 0 && d->last_end > min_end)
			fd_lane(c, f, (uint32_t)l);
	}
}
