/*
 * findings_loop.c - findings about event loops: loop-blocked (a callback
 * that kept the loop from polling past the threshold) and loop-saturated
 * (the loop thread busy nearly all the time with many short callbacks).
 *
 * A loop is the async engine's "loop" lane or any lane that polls (a traced
 * thread in epoll_wait). Between two polls it is busy: the blocks are the
 * busy segments of one task (or, on a traced thread, of no task) of at least
 * the threshold, found incrementally (findings.c) plus, while a run is live,
 * the segment still open.
 *
 * The model of the prediction (one loop): the blocks' CPU work (the time a
 * traced loop ran on a CPU in them, or the blocking task's measured CPU
 * time) moves to p processes (one per core, at most one per block). A block
 * can start once it has its input, at its start less the moved blocks that
 * delayed it, and runs on the process free first; the loop keeps the rest
 * of its timeline (its end less the moved blocks). Blocks not known to be
 * CPU work (the thread pre-empted, or a callback of unmeasured cost) stay:
 * when they are most of the blocked time, nothing is predicted. Each task the loop serves (an async task, a
 * task of the loop's own lane) loses the other tasks' blocks that fell
 * within its latency, and a blocking task ends no sooner than its moved
 * work. A run with several loops gets no prediction.
 */
#include <stdlib.h>
#include <string.h>
#include "findings_int.h"

#define MIN_SPEEDUP 1.15

/* The blocks of the run: the closed ones and those still open. */
struct loop_blocks {
	size_t n;                 /* blocks */
	int64_t total;            /* their time */
	int64_t t0, t1;           /* first start, last end */
	struct fs_block longest;
	size_t loops;             /* lanes with blocks */
	uint32_t one_lane;        /* the loop lane when there is one */
};

/* Account one block in lb. */
static void loop_take(struct loop_blocks *lb, const struct fs_block *b)
{
	if (lb->n == 0 || b->t0 < lb->t0)
		lb->t0 = b->t0;
	if (b->t0 + b->ns > lb->t1)
		lb->t1 = b->t0 + b->ns;
	const struct fs_block *l = &lb->longest;   /* ties: the earlier, then the lower lane */
	if (lb->n == 0 || b->ns > l->ns ||
	    (b->ns == l->ns && (b->t0 < l->t0 || (b->t0 == l->t0 && b->lane < l->lane))))
		lb->longest = *b;
	if (lb->n == 0)
		lb->one_lane = b->lane;
	else if (b->lane != lb->one_lane)
		lb->loops = 2;
	lb->n++;
	lb->total += b->ns;
}

/* The blocks still open on live loop lane l, as if its open span ended now:
 * the segment that span ends, and the one it goes on (at most two, each as
 * long as the threshold); how many. */
static size_t loop_pending(const struct fd_ctx *c, size_t l, struct fs_block out[2])
{
	const struct tl_lane *ln = &c->tl->lanes[l];
	if (ln->end >= 0 || !ln->n || c->st->lanes[l].cur >= ln->n)
		return 0;
	struct fs_lane fl = c->st->lanes[l];        /* a copy: the state stays as it is */
	int64_t now = timeline_span_end(c->tl, l, ln->n - 1);
	size_t n = 0;
	if (fs_seg_step(&fl, (uint32_t)l, tl_span_at(ln, ln->n - 1), now, &out[n]) &&
	    out[n].ns >= c->st->block_ns)
		n++;
	if (fl.in_seg && fl.seg_end - fl.seg_t0 >= c->st->block_ns)
		out[n++] = fs_seg_block(&fl, (uint32_t)l);
	return n;
}

/* Return the moved blocks' time (mv[i]: block i's length when it moves,
 * else 0; pre[]: their prefix sums; blocks sorted and apart) before time t. */
static double loop_cum(const struct fs_block *bl, const double *mv, const double *pre, size_t n,
		       int64_t t)
{
	size_t lo = 0, hi = n;          /* lo = blocks starting before t */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (bl[mid].t0 < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	const struct fs_block *k = &bl[lo - 1];
	return pre[lo - 1] + (mv[lo - 1] > 0 ? (double)(t - k->t0 < k->ns ? t - k->t0 : k->ns) : 0);
}

/* When a task became ready to run: queued, else the run's begin. */
static int64_t loop_avail(const struct fd_ctx *c, const struct tl_task *tk)
{
	return tk->t_queued >= 0 ? tk->t_queued : c->b;
}

/* Return the CPU work of block k that could move off the loop: the time it
 * ran on a CPU (traced lanes), else its task's measured CPU time up to the
 * block's length, else 0 (not known to be work: the thread may have been
 * pre-empted, or waiting). */
static double loop_work(const struct fd_ctx *c, const struct fs_block *k)
{
	if (k->cpu_ns > 0)
		return (double)k->cpu_ns;
	if (k->task < c->tl->ntasks && c->tl->tasks[k->task].cpu_ns > 0)
		return (double)(c->tl->tasks[k->task].cpu_ns < (uint64_t)k->ns ? c->tl->tasks[k->task].cpu_ns
										 : (uint64_t)k->ns);
	return 0;
}

/* What moving the blocks' work off the loop predicts (loop_predict). */
struct loop_pred {
	double work;              /* CPU work of the blocks, ns */
	int p;                    /* processes it would run on */
	double wall;              /* the run's predicted wall */
	double lat_now, lat_then; /* the tasks' mean latency, now and predicted */
};

/* Predict, for the blocks' work moved to processes, the run's wall and the
 * tasks' mean latency; the file's comment states the model. The blocks
 * with work (of one loop, in time order) are the jobs: block i could have
 * started once the moved blocks before it no longer delayed it, at its
 * start minus their time; it runs on the process free first. Returns 0, or
 * -1 on ENOMEM. */
static int loop_predict(struct fd_ctx *c, const struct loop_blocks *lb, struct loop_pred *lp)
{
	const struct timeline *tl = c->tl;
	const struct findings_state *st = c->st;
	size_t nb = st->nblocks, nt = tl->ntasks, jobs = 0;
	memset(lp, 0, sizeof *lp);
	for (size_t i = 0; i < nb; i++) {
		double w = loop_work(c, &st->blocks[i]);
		lp->work += w;
		jobs += w > 0;
	}
	lp->p = jobs < (size_t)c->cores ? (int)jobs : c->cores;
	if (lp->p < 1 || lb->loops > 1)
		return 0;
	double *v = fd_scratch(c, 2 * nt + (size_t)lp->p + 2 * nb + 1);
	if (!v)
		return -1;
	/* per task: when its moved work ends, its own moved time; per process; per block */
	double *done = v, *own = v + nt, *free_at = own + nt, *mv = free_at + lp->p, *pre = mv + nb;
	for (size_t i = 0; i < nt; i++)
		done[i] = -1, own[i] = 0;
	for (int k = 0; k < lp->p; k++)
		free_at[k] = 0;
	pre[0] = 0;
	double end = (double)c->e;
	for (size_t i = 0; i < nb; i++) {
		const struct fs_block *k = &st->blocks[i];
		double w = loop_work(c, k);
		mv[i] = w > 0 ? (double)k->ns : 0;
		pre[i + 1] = pre[i] + mv[i];
		end -= mv[i];                      /* the loop without the moved blocks */
	}
	for (size_t i = 0; i < nb; i++) {
		const struct fs_block *k = &st->blocks[i];
		if (mv[i] == 0)
			continue;
		int w = 0;
		for (int j = 1; j < lp->p; j++)
			if (free_at[j] < free_at[w])
				w = j;
		double release = (double)k->t0 - pre[i];
		double at = (release > free_at[w] ? release : free_at[w]) + loop_work(c, k);
		free_at[w] = at;
		if (at > end)
			end = at;
		if (k->task < nt) {
			done[k->task] = at;
			own[k->task] += mv[i];
		}
	}
	lp->wall = end - (double)c->b;
	double sum_now = 0, sum_then = 0;
	size_t ended = 0;
	for (size_t i = 0; i < nt; i++) {
		const struct tl_task *tk = &tl->tasks[i];
		if ((tk->state != TASK_DONE && tk->state != TASK_FAILED) || tk->reason == FAIL_CANCELLED ||
		    tk->t_end < 0)
			continue;
		if (tk->lane < c->nlanes && c->lanes[tk->lane].cls == FD_POOL && done[i] < 0)
			continue;          /* a pool worker's task: the loop never served it */
		double avail = (double)loop_avail(c, tk);
		double lat = (double)tk->t_end - avail;
		/* other tasks' moved blocks within it no longer delay it */
		double others = loop_cum(st->blocks, mv, pre, nb, tk->t_end) -
				loop_cum(st->blocks, mv, pre, nb, loop_avail(c, tk)) - own[i];
		double then = lat - (others > 0 ? others : 0);
		if (done[i] >= 0 && done[i] - avail > then)
			then = done[i] - avail;    /* its own work ends no sooner */
		sum_now += lat;
		sum_then += then > 0 ? then : 0;
		ended++;
	}
	lp->lat_now = ended ? sum_now / (double)ended : 0;
	lp->lat_then = ended ? sum_then / (double)ended : 0;
	return 0;
}

/* loop-blocked: blocks past the threshold; which task, how long, how often;
 * and, when the blocks were CPU work, the effect of moving it off the loop.
 * A warning when the blocks are known to be the program's CPU work or
 * blocking I/O; information when their cause is not known. */
static void loop_blocked(struct fd_ctx *c, const struct loop_blocks *lb)
{
	const struct fs_block *lo = &lb->longest;
	char a[24], b[24], d[24], th[24], who[96] = "the loop thread's own work";
	if (lo->task != CV_NO_TASK) {
		const char *tn = c->s ? session_task_name(c->s, lo->task) : "";
		snprintf(who, sizeof who, "task %u%s%.60s%s", lo->task + 1, tn[0] ? " (" : "", tn,
			 tn[0] ? ")" : "");
	}
	struct loop_pred lp;
	if (loop_predict(c, lb, &lp) < 0)
		return;
	int64_t closed = 0;       /* the blocks the prediction knows (not the one still open) */
	uint64_t io = 0;
	for (size_t i = 0; i < c->st->nblocks; i++) {
		closed += c->st->blocks[i].ns;
		io += c->st->blocks[i].io_ns;
	}
	bool work = lb->loops < 2 && closed > 0 && lp.work >= 0.5 * (double)closed;
	/* a warning when the blocks were the program's work or blocking I/O; of
	 * unknown cause (a callback of unmeasured cost: maybe pre-empted), a fact */
	bool known = closed > 0 && (lp.work >= 0.5 * (double)closed || (double)io >= 0.5 * (double)closed);
	double speedup = work && lp.wall > 0 ? (double)c->wall / lp.wall : 0;
	double share = (double)lb->total / (double)c->wall;
	char rest[240] = "";
	if (speedup >= MIN_SPEEDUP)
		snprintf(rest, sizeof rest, "; with that work in %d process%s the run would take about %s "
			 "instead of %s (%.1fx)", lp.p, lp.p > 1 ? "es" : "", fd_dur((int64_t)lp.wall, a, sizeof a),
			 fd_dur(c->wall, b, sizeof b), speedup);
	else if (lb->loops < 2 && closed > 0 && !work && lp.work > 0)
		snprintf(rest, sizeof rest, "; only %s of that is known to be CPU work, so moving it off "
			 "the loop is not predicted to help", fd_dur((int64_t)lp.work, a, sizeof a));
	else if (lb->loops < 2 && closed > 0 && !work)
		snprintf(rest, sizeof rest, "; none of that is known to be CPU work (the thread may have "
			 "been pre-empted), so moving it off the loop is not predicted to help");
	char lat[120] = "";
	if (work && lp.lat_now > lp.lat_then)
		snprintf(lat, sizeof lat, ", and the tasks' mean latency would drop from %s to %s",
			 fd_dur((int64_t)lp.lat_now, a, sizeof a), fd_dur((int64_t)lp.lat_then, b, sizeof b));
	char lpn[80], name[64];
	if (lb->loops > 1)
		snprintf(lpn, sizeof lpn, "the event loops were");
	else if (c->s && lb->one_lane < c->s->nlanes && c->s->lanes[lb->one_lane].kind == LANE_LOOP)
		snprintf(lpn, sizeof lpn, "the event loop was");
	else
		snprintf(lpn, sizeof lpn, "the event loop of %s was",
			 fd_lane_name(c, lb->one_lane, name, sizeof name));
	double gain = speedup > 1 ? 1 - 1 / speedup : 0;
	struct finding *f = fd_add(c, "loop-blocked", known ? FINDING_WARN : FINDING_INFO,
				   share > gain ? share : gain, lb->t0, lb->t1,
				   "%s kept from polling %zu time%s for %s or more (%s in all, %.0f%% of "
				   "the run; the longest, %s at %s, by %s%s), so no other task could "
				   "progress meanwhile%s%s.",
				   lpn, lb->n, lb->n > 1 ? "s" : "",
				   fd_dur(c->st->block_ns, th, sizeof th), fd_dur(lb->total, d, sizeof d),
				   share * 100, fd_dur(lo->ns, a, sizeof a), fd_dur(lo->t0, b, sizeof b), who,
				   lo->io_ns * 2 > (uint64_t)lo->ns ? " in blocking I/O" : "", rest, lat);
	for (size_t i = 0; i < c->st->nblocks; i++) {
		const struct fs_block *k = &c->st->blocks[i];
		fd_lane(c, f, k->lane);
		if (k->task < c->tl->ntasks && c->tl->tasks[k->task].lane < c->nlanes)
			fd_lane(c, f, c->tl->tasks[k->task].lane);
	}
	fd_lane(c, f, lo->lane);
	if (speedup >= MIN_SPEEDUP)
		fd_suggest(f, MODE_PROCS, lp.p, speedup);
	c->loop_blocked = true;
}

/* loop-saturated: the loop busy nearly all the time, not because of blocks. */
static void loop_saturated(struct fd_ctx *c, const struct loop_blocks *lb)
{
	for (size_t l = 0; l < c->nlanes; l++) {
		const struct fs_lane *fl = &c->st->lanes[l];
		uint64_t all = fl->busy_ns + fl->poll_ns;
		if (!fl->loop || (double)all < 0.5 * (double)c->wall)
			continue;
		double share = (double)fl->busy_ns / (double)all;
		if (share < 0.8 || (double)lb->total > 0.5 * (double)fl->busy_ns)
			continue;
		char name[64], per[24], th[24];
		uint32_t tasks = c->ended ? c->ended : 1;
		struct finding *f = fd_add(c, "loop-saturated", FINDING_WARN, 0.3 * share, c->b, c->e,
					   "%s was busy %.0f%% of the time running callbacks (%s per task, "
					   "none over %s): one core bounds this run, not the waits.",
					   fd_lane_name(c, (uint32_t)l, name, sizeof name), share * 100,
					   fd_dur((int64_t)(fl->busy_ns / tasks), per, sizeof per),
					   fd_dur(c->st->block_ns, th, sizeof th));
		fd_lane(c, f, (uint32_t)l);
	}
}

/* The loop family. */
void fd_loop_findings(struct fd_ctx *c)
{
	struct loop_blocks lb;
	memset(&lb, 0, sizeof lb);
	for (size_t i = 0; i < c->st->nblocks; i++)
		loop_take(&lb, &c->st->blocks[i]);
	for (size_t l = 0; c->o->live && l < c->nlanes; l++) {
		if (!c->st->lanes[l].loop)
			continue;
		struct fs_block b[2];
		for (size_t k = 0, n = loop_pending(c, l, b); k < n; k++)
			loop_take(&lb, &b[k]);
	}
	if (lb.n)
		loop_blocked(c, &lb);
	loop_saturated(c, &lb);
}
