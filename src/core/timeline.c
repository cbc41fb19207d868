/*
 * timeline.c - turning the event stream into per-lane state spans.
 *
 * Each lane keeps its spans (the state it entered and when) in blocks of
 * TL_BLOCK, each with the time spent so far in each display state before it:
 * a sparse prefix sum. The blocks come from one pool of huge pages for the
 * whole timeline (vmem.h), so that building 10 M events takes about a
 * hundred page faults per million events instead of seven thousand, and
 * growing a lane never copies it (the build went from 8 to over 20 M events/s
 * on a virtual machine, where a fault costs ~12 us). The time a lane spent in each
 * state up to any instant t is then a search of the dense block start times
 * plus a scan of about half a block, from the nearer block edge, and the
 * time in [t0, t1) is the difference of two such sums. That is what makes
 * drawing cost O(width * log n) however long the run. On a timeline much
 * larger than the cache, a frame is bound by memory, not by the search: the
 * bucket walk asks for each block two buckets before it needs it, and only
 * for the lines it will scan (a 10M-event frame went from 3.0 to 1.2 ms). A
 * bucket of fewer spans than that is summed in one walk that also finds
 * where the next bucket starts.
 *
 * Adding an event is the consumer's work for every event of a live run and
 * of a loaded recording: its common path (a span that goes on, or a new one
 * in the lane's current block) is one function, with the lane's last span
 * at hand (tl_lane.tail) and a new block kept out of line (from ~230 to ~150
 * instructions per event; the build went from 19 to 27 M events/s on a slow
 * day of this VM).
 *
 * Spans of a task that fails are marked failed after the fact; they are at
 * the end of their lane, so fixing the prefix sums touches only the last few
 * blocks. Tasks failed to end a deadlock (FAIL_DEADLOCK, and those cancelled
 * with them) keep their states: the wait in the cycle is what is drawn.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "locks.h"
#include "racetally.h"
#include "tasklog.h"
#include "timeline.h"

#define TL_MAX_INDEX (1u << 24)  /* lanes and tasks beyond this are malformed */
/* The steps of adding an event, compiled into one function (see above). */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Initialise an empty timeline whose time 0 is origin (0: first event). */
void timeline_init(struct timeline *tl, uint64_t origin)
{
	memset(tl, 0, sizeof *tl);
	tl->origin = origin;
	tl->origin_set = origin != 0;
	tl->run_begin = tl->run_end = -1;
	tl->stats.t_first = -1;
	tl->race.t_first_loss = -1;
	transcript_init(&tl->out);
}

/* Free everything the timeline owns. */
void timeline_free(struct timeline *tl)
{
	for (size_t i = 0; i < tl->nlanes; i++) {
		struct tl_lane *ln = &tl->lanes[i];
		vmem_array_free(ln->chunks, ln->chunks_cap, sizeof *ln->chunks);
		vmem_array_free(ln->block_t0, ln->block_t0_cap, sizeof *ln->block_t0);
	}
	vmem_pool_free(&tl->mem);
	vmem_array_free(tl->lanes, tl->lanes_cap, sizeof *tl->lanes);
	vmem_array_free(tl->tasks, tl->tasks_cap, sizeof *tl->tasks);
	transcript_free(&tl->out);
	locks_free(tl);
	racetally_free(tl);
	tasklog_free(tl);
	memset(tl, 0, sizeof *tl);
}

/* Return the bytes the timeline holds. */
size_t timeline_bytes(const struct timeline *tl)
{
	size_t b = vmem_pool_bytes(&tl->mem) + tl->lanes_cap * sizeof *tl->lanes +
		   tl->tasks_cap * sizeof *tl->tasks;
	for (size_t i = 0; i < tl->nlanes; i++)
		b += tl->lanes[i].chunks_cap * sizeof *tl->lanes[i].chunks +
		     tl->lanes[i].block_t0_cap * sizeof *tl->lanes[i].block_t0;
	return b;
}

/* Make sure lane l and task t exist; 0 or -ENOMEM. */
static int ensure(struct timeline *tl, uint32_t l, uint32_t t)
{
	if (l >= tl->nlanes) {
		if (vmem_grow((void **)&tl->lanes, &tl->lanes_cap, (size_t)l + 1, sizeof *tl->lanes))
			return -ENOMEM;
		for (size_t i = tl->nlanes; i <= l; i++) {
			memset(&tl->lanes[i], 0, sizeof tl->lanes[i]);
			tl->lanes[i].end = -1;
			tl->lanes[i].cur_task = CV_NO_TASK;
			tl->lanes[i].wait_lock = TL_NO_LOCK;
		}
		tl->nlanes = (size_t)l + 1;
	}
	if (t != CV_NO_TASK && t >= tl->ntasks) {
		if (vmem_grow((void **)&tl->tasks, &tl->tasks_cap, (size_t)t + 1, sizeof *tl->tasks))
			return -ENOMEM;
		for (size_t i = tl->ntasks; i <= t; i++) {
			memset(&tl->tasks[i], 0, sizeof tl->tasks[i]);
			tl->tasks[i].t_queued = tl->tasks[i].t_begin = tl->tasks[i].t_end = -1;
			tl->tasks[i].lane = UINT32_MAX;
		}
		tl->ntasks = (size_t)t + 1;
	}
	return 0;
}

/* Return the end of span i of lane ln. */
static int64_t span_end(const struct timeline *tl, const struct tl_lane *ln, size_t i)
{
	if (i + 1 < ln->n)
		return tl_span_at(ln, i + 1)->t0;
	int64_t e = ln->end >= 0 ? ln->end : tl->now;
	int64_t t0 = tl_span_at(ln, i)->t0;
	return e > t0 ? e : t0;
}

/* Return the end of span i of lane l (next t0, lane end, or now). */
int64_t timeline_span_end(const struct timeline *tl, size_t l, size_t i)
{
	return span_end(tl, &tl->lanes[l], i);
}

/* Account the closed last span of ln (it ends at t) in the sums and stats. */
ALWAYS_INLINE void close_last(struct timeline *tl, struct tl_lane *ln, int64_t t)
{
	const struct tl_span *s = ln->tail;
	if (!s)
		return;
	uint64_t d = (uint64_t)(t - s->t0);
	ln->cum[tl_span_display(s)] += d;
	ln->ns[s->state] += d;
	tl->stats.ns[s->state] += d;
	if (s->state == ST_CPU && s->task != CV_NO_TASK && s->task < tl->ntasks) {
		tl->tasks[s->task].cpu_ns += d;
		tl->stats.task_cpu_ns += d;
	}
}

/* Take the lane's next run of blocks from the pool: as many as it holds,
 * 1 to TL_RUN; 0 or -ENOMEM. */
static int take_run(struct timeline *tl, struct tl_lane *ln)
{
	uint32_t k = ln->nblocks ? (uint32_t)ln->nblocks : 1;
	if (k > TL_RUN)
		k = TL_RUN;
	ln->spare = vmem_pool_alloc(&tl->mem, k * sizeof *ln->spare);
	if (!ln->spare)
		return -ENOMEM;
	ln->nspare = k;
	return 0;
}

/* Close the last span of lane ln at t and start its next block, whose first
 * span begins at t; 0 or -ENOMEM. Once in 64 spans: kept out of line, so
 * that the common path of push_span stays small. */
static __attribute__((noinline)) int new_block(struct timeline *tl, struct tl_lane *ln, int64_t t)
{
	if (vmem_grow((void **)&ln->chunks, &ln->chunks_cap, ln->nblocks + 1, sizeof *ln->chunks) ||
	    vmem_grow((void **)&ln->block_t0, &ln->block_t0_cap, ln->nblocks + 1, sizeof *ln->block_t0) ||
	    (!ln->nspare && take_run(tl, ln)))
		return -ENOMEM;
	struct tl_chunk *c = ln->spare++;
	ln->nspare--;
	close_last(tl, ln, t);
	memcpy(c->before, ln->cum, sizeof ln->cum);
	ln->block_t0[ln->nblocks] = t;
	ln->chunks[ln->nblocks++] = c;
	ln->tail = c->spans;                    /* where the new span goes */
	return 0;
}

/* Start a new span on lane ln at t; 0 or -ENOMEM. Merges repeats. */
ALWAYS_INLINE int push_span(struct timeline *tl, struct tl_lane *ln, int64_t t, int state, uint32_t task)
{
	struct tl_span *last = ln->tail;
	if (last) {
		if (last->state == state && last->task == task && !last->failed)
			return 0;                       /* same state goes on */
		if (last->t0 == t) {
			last->state = (uint8_t)state;   /* zero-length: replace */
			last->task = task;
			last->failed = 0;
			last->seq = ln->task_seq;
			return 0;
		}
	}
	if (ln->n % TL_BLOCK == 0) {
		if (new_block(tl, ln, t))
			return -ENOMEM;
	} else {
		close_last(tl, ln, t);
		ln->tail++;
	}
	*ln->tail = (struct tl_span){ t, task, (uint8_t)state, 0, ln->task_seq };
	ln->n++;
	return 0;
}

/* Mark the spans of a failed task at the end of lane ln, fixing the sums. */
static void mark_failed(struct timeline *tl, struct tl_lane *ln, uint32_t task, int64_t since)
{
	for (size_t j = ln->n; j-- > 0;) {
		struct tl_span *s = tl_span_at(ln, j);
		if (s->task != task || s->t0 < since)
			break;
		if (s->failed)
			continue;
		int old = tl_span_display(s);
		s->failed = 1;
		if (j + 1 == ln->n && ln->end < 0)
			continue;                       /* open span: not summed yet */
		uint64_t d = (uint64_t)(span_end(tl, ln, j) - s->t0);
		ln->cum[old] -= d;
		ln->cum[ST_FAILED] += d;
		for (size_t b = j / TL_BLOCK + 1; b < ln->nblocks; b++) {
			ln->chunks[b]->before[old] -= d;
			ln->chunks[b]->before[ST_FAILED] += d;
		}
	}
}

/* Record a task's end (done or failed) on lane ln. */
static int task_over(struct timeline *tl, struct tl_lane *ln, const struct cv_event *ev, int64_t t)
{
	bool failed = ev->kind == EV_TASK_FAIL;
	if (ev->task != CV_NO_TASK) {
		struct tl_task *tk = &tl->tasks[ev->task];
		if (tk->state == TASK_DONE || tk->state == TASK_FAILED)
			return 0;                       /* ended twice: keep the first */
		tk->t_end = t;
		tk->bytes = ev->arg;
		tk->status = ev->code;
		tk->reason = failed ? (uint8_t)(ev->aux ? ev->aux : FAIL_OTHER) : FAIL_NONE;
		tk->state = failed ? TASK_FAILED : TASK_DONE;
		if (tk->lane == UINT32_MAX)
			tk->lane = ev->lane;
		/* a task cut short to end a deadlock did nothing wrong itself:
		 * its spans keep their states (the deadlocked wait is drawn apart) */
		bool cut = tk->reason == FAIL_DEADLOCK ||
			   (tk->reason == FAIL_CANCELLED && tl->deadlock.detected);
		if (failed && tk->t_begin >= 0 && !cut)
			mark_failed(tl, ln, ev->task, tk->t_begin);
		if (!failed && tk->t_begin >= 0) {
			tl->stats.done_task_ns += (uint64_t)(t - tk->t_begin);
			tl->stats.done_timed++;
		}
		if (failed && tk->reason == FAIL_CANCELLED)
			tl->stats.cancelled++;
	}
	if (failed) {
		ln->failed++;
		tl->stats.failed++;
	} else {
		ln->done++;
		tl->stats.done++;
	}
	tl->stats.bytes += ev->arg;
	if (ln->cur_task == ev->task)
		ln->cur_task = CV_NO_TASK;
	int rc = ln->end >= 0 ? 0 : push_span(tl, ln, t, ST_IDLE, CV_NO_TASK);
	if (!failed && ev->aux && ev->task != CV_NO_TASK) {   /* measured CPU time wins */
		struct tl_task *tk = &tl->tasks[ev->task];
		tl->stats.task_cpu_ns += (uint64_t)ev->aux * 1000 - tk->cpu_ns;
		tk->cpu_ns = (uint64_t)ev->aux * 1000;
	}
	return rc;
}

/* Take a tracer's mark (MARK_PROG_EXIT .. MARK_SIGNAL) into tr. */
static void trace_mark(struct tl_trace *tr, const struct cv_event *ev, int64_t t)
{
	switch (ev->aux) {
	case MARK_PROG_EXIT:          /* code 1: ended, status unknown; 2: detached */
		tr->exited = ev->code != 2;
		tr->detached = ev->code == 2;
		tr->status_known = ev->code == 0;
		tr->wait_status = (uint32_t)ev->arg;
		tr->t_exit = t;
		break;
	case MARK_SAMPLE_HZ:          /* arg = achieved mHz, code = the rate aimed at */
		tr->hz_mhz = (uint32_t)ev->arg;
		tr->hz_target = ev->code;
		tr->hz_sum += (uint32_t)ev->arg;
		tr->hz_n++;
		break;
	case MARK_SAMPLE_GAP:         /* arg = the window's longest gap, ns */
		if (ev->arg > tr->gap_max_ns)
			tr->gap_max_ns = ev->arg;
		break;
	case MARK_DEGRADED:
		tr->degraded++;
		break;
	case MARK_SIGNAL:             /* code = signal, arg 1 = escalated */
		tr->signals++;
		tr->last_signal = ev->code;
		if (ev->arg == 1)
			tr->escalated = true;
		break;
	case MARK_SDK_DROPPED:        /* arg = the count so far */
		if (ev->arg > tr->sdk_dropped)
			tr->sdk_dropped = ev->arg;
		break;
	case MARK_SDK_REJECTED:
		if (ev->arg > tr->sdk_rejected)
			tr->sdk_rejected = ev->arg;
		break;
	case MARK_SDK_LATE:           /* code = the largest move so far, ms */
		if (ev->arg > tr->sdk_late)
			tr->sdk_late = ev->arg;
		if (ev->code > tr->sdk_late_ms)
			tr->sdk_late_ms = ev->code;
		break;
	case MARK_SDK_OFF:            /* arg = errno */
		tr->sdk_off = ev->arg ? (uint32_t)ev->arg : 1;
		break;
	case MARK_SDK_PYTHON:         /* code: injected, not asked, not found */
		tr->sdk_python = ev->code <= MARK_PY_MISSING ? (uint8_t)ev->code : MARK_PY_NONE;
		break;
	default:
		break;
	}
}

/* Apply one event to its lane. */
ALWAYS_INLINE int apply(struct timeline *tl, struct tl_lane *ln, const struct cv_event *ev, int64_t t)
{
	static const uint8_t state_of[EV_KIND_COUNT] = {
		[EV_CPU] = ST_CPU, [EV_IO] = ST_IO, [EV_LOCK] = ST_LOCK, [EV_IDLE] = ST_IDLE,
		[EV_POLL] = ST_POLL, [EV_CALLBACK] = ST_CALLBACK, [EV_READY] = ST_READY,
		[EV_LOCK_WAIT] = ST_LOCK, [EV_LOCK_TAKE] = ST_CPU,
	};
	switch (ev->kind) {
	case EV_LANE_START:
		if (ln->end >= 0)
			return 0;                       /* lanes are never reused */
		ln->started = true;
		ln->pid = ev->arg;
		if (ev->aux || ev->code)
			tl->trace.traced = true;        /* a traced thread, or a lane of its SDK */
		return push_span(tl, ln, t, ST_IDLE, CV_NO_TASK);
	case EV_LANE_END:
	case EV_LANE_CRASH:
		if (ln->end >= 0)
			return 0;
		if (!ln->n && push_span(tl, ln, t, ST_IDLE, CV_NO_TASK))
			return -ENOMEM;
		close_last(tl, ln, t);
		ln->end = t;
		if (ev->kind == EV_LANE_CRASH) {
			ln->crashed = true;
			tl->stats.crashed_lanes++;
		}
		return 0;
	case EV_TASK_QUEUED:
		if (ev->task != CV_NO_TASK)
			tl->tasks[ev->task].t_queued = t;
		return ln->end >= 0 ? 0 : push_span(tl, ln, t, ST_QUEUED, ev->task);
	case EV_TASK_BEGIN:
		if (ev->task != CV_NO_TASK) {
			struct tl_task *tk = &tl->tasks[ev->task];
			tk->t_begin = t;
			tk->lane = ev->lane;
			if (tk->state == TASK_PENDING)
				tk->state = TASK_RUNNING;
		}
		ln->cur_task = ev->task;
		ln->task_seq++;
		return 0;
	case EV_TASK_END:
	case EV_TASK_FAIL:
		return task_over(tl, ln, ev, t);
	case EV_MARK:
		if (ev->aux == MARK_RUN_BEGIN)
			tl->run_begin = t;
		else if (ev->aux == MARK_RUN_END) {
			tl->run_end = t;
			tl->stall_ns = ev->arg;
		} else {
			trace_mark(&tl->trace, ev, t);
		}
		return 0;
	case EV_OUTPUT:
		transcript_add(&tl->out, ev, t);
		return 0;
	default:
		if (ev->kind >= EV_KIND_COUNT || !state_of[ev->kind])
			return 0;                       /* unknown kinds are ignored */
		if (ln->end >= 0)
			return 0;
		return push_span(tl, ln, t, state_of[ev->kind], ev->task);
	}
}

/* Show a lock or race event to the lock tracker and the race tally, and
 * end the lane's lock wait when it does anything else (after apply). */
ALWAYS_INLINE int track(struct timeline *tl, const struct cv_event *ev, int64_t t)
{
	switch (ev->kind) {
	case EV_LOCK_WAIT: case EV_LOCK_TAKE: case EV_LOCK_FREE:
		return locks_event(tl, ev, t);
	case EV_RACE:
		return racetally_event(tl, ev, t);
	case EV_MARK:
		if (ev->aux == MARK_DEADLOCK)
			return locks_event(tl, ev, t);
		tasklog_event(tl, ev, t);             /* out of memory: the Log misses it */
		return 0;
	case EV_USER_MARK: case EV_TASK_QUEUED:
		tasklog_event(tl, ev, t);
		return 0;
	case EV_CPU: case EV_IO: case EV_LOCK: case EV_IDLE: case EV_POLL: case EV_CALLBACK:
	case EV_READY: case EV_TASK_BEGIN: case EV_TASK_END: case EV_TASK_FAIL:
	case EV_LANE_END: case EV_LANE_CRASH:
		if (ev->kind == EV_TASK_BEGIN || ev->kind == EV_TASK_END || ev->kind == EV_TASK_FAIL)
			tasklog_event(tl, ev, t);
		if (tl->lanes[ev->lane].wait_lock != TL_NO_LOCK)
			locks_lane_moved(tl, ev->lane);
		return 0;
	default:
		return 0;
	}
}

/* Add one event, without keeping it among the recent ones. */
ALWAYS_INLINE int add_one(struct timeline *tl, const struct cv_event *ev)
{
	if (ev->lane >= tl->nlanes || (ev->task != CV_NO_TASK && ev->task >= tl->ntasks)) {
		if (ev->lane >= TL_MAX_INDEX || (ev->task != CV_NO_TASK && ev->task >= TL_MAX_INDEX))
			return -EINVAL;
		if (ensure(tl, ev->lane, ev->task))
			return -ENOMEM;
	}
	if (!tl->origin_set) {
		tl->origin = ev->t;
		tl->origin_set = true;
	}
	int64_t t = (int64_t)(ev->t - tl->origin);
	struct tl_lane *ln = &tl->lanes[ev->lane];
	if (ev->kind != EV_MARK) {                  /* marks belong to the run, not the lane */
		int64_t last = ln->tail ? ln->tail->t0 : t;
		if (t < last)
			t = last;                       /* never go back in a lane */
		if (ln->end >= 0 && t < ln->end && ev->kind != EV_LANE_START)
			t = ln->end;
	}
	if (t > tl->now)
		tl->now = t;
	if (tl->stats.t_first < 0 || t < tl->stats.t_first)
		tl->stats.t_first = t;
	if (t > tl->stats.t_last)
		tl->stats.t_last = t;
	int rc = apply(tl, ln, ev, t);
	if (rc == 0)
		rc = track(tl, ev, t);
	if (rc == 0)
		tl->stats.events++;
	return rc;
}

/* Keep the n events just added among the recent ones: only the last
 * TL_RECENT of them are copied. */
static void remember(struct timeline *tl, const struct cv_event *ev, size_t n)
{
	size_t from = n > TL_RECENT ? n - TL_RECENT : 0;
	tl->nrecent += from;
	for (size_t i = from; i < n; i++)
		tl->recent[tl->nrecent++ % TL_RECENT] = ev[i];
}

/* Add n events up to the first that cannot be added (see timeline.h). */
int timeline_add_all(struct timeline *tl, const struct cv_event *ev, size_t n, size_t *added)
{
	size_t i = 0;
	int rc = 0;
	while (i < n && (rc = add_one(tl, &ev[i])) == 0)
		i++;
	remember(tl, ev, i);
	*added = i;
	return rc;
}

/* Add n events; stops at the first -ENOMEM, skips malformed ones. */
int timeline_add_many(struct timeline *tl, const struct cv_event *ev, size_t n)
{
	for (;;) {
		size_t done;
		int rc = timeline_add_all(tl, ev, n, &done);
		if (rc != -EINVAL)
			return rc;
		ev += done + 1;                 /* skip the malformed one */
		n -= done + 1;
	}
}

/* Add one event; 0, -ENOMEM or -EINVAL (see timeline.h). */
int timeline_add(struct timeline *tl, const struct cv_event *ev)
{
	size_t done;
	return timeline_add_all(tl, ev, 1, &done);
}

#define PREFETCH_SLACK 6   /* spans asked for past an interpolated guess */

/* Return the index of the last span of ln starting at or before t, or -1. */
static long find_span(const struct tl_lane *ln, int64_t t)
{
	/* first the dense block start times, then one block of spans */
	size_t lo = 0, hi = ln->nblocks;    /* block answer in [lo-1, hi) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ln->block_t0[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;                  /* before the first span */
	size_t b = lo - 1;
	const struct tl_span *sp = ln->chunks[b]->spans;
	lo = 0;
	hi = (b + 1) * TL_BLOCK < ln->n ? TL_BLOCK : ln->n - b * TL_BLOCK;
	while (lo < hi) {                   /* span answer in [lo-1, hi) */
		size_t mid = lo + (hi - lo) / 2;
		if (sp[mid].t0 <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)(b * TL_BLOCK + lo) - 1;
}

/* Return the span index of lane l covering time t, or -1. */
long timeline_span_at(const struct timeline *tl, size_t l, int64_t t)
{
	if (l >= tl->nlanes)
		return -1;
	const struct tl_lane *ln = &tl->lanes[l];
	long i = find_span(ln, t);
	if (i < 0 || t >= span_end(tl, ln, (size_t)i))
		return -1;
	return i;
}

/* Find the spans of lane l overlapping [t0, t1); returns the count, first in *first. */
size_t timeline_range(const struct timeline *tl, size_t l, int64_t t0, int64_t t1, size_t *first)
{
	*first = 0;
	if (l >= tl->nlanes || t1 <= t0)
		return 0;
	const struct tl_lane *ln = &tl->lanes[l];
	if (!ln->n)
		return 0;
	long a = find_span(ln, t0);
	if (a < 0)
		a = 0;
	else if (span_end(tl, ln, (size_t)a) <= t0)
		a++;                                  /* t0 lies after the lane's end */
	long b = find_span(ln, t1 - 1);           /* last span starting before t1 */
	if (b < a)
		return 0;
	*first = (size_t)a;
	return (size_t)(b - a + 1);
}

/* Return the last index in [lo, hi) of a sorted array of n values (read by
 * at(i)) that is <= t, given that value lo is <= t; gallops forward from lo,
 * so a nearby answer costs O(log distance). */
#define GALLOP(lo, n, at, t)                                                  \
	do {                                                                  \
		long g_hi = (lo) + 1, g_step = 1;                             \
		while (g_hi < (n) && (at(g_hi)) <= (t)) {                     \
			(lo) = g_hi;                                          \
			g_step *= 2;                                          \
			g_hi = (lo) + g_step;                                 \
		}                                                             \
		if (g_hi > (n))                                               \
			g_hi = (n);                                           \
		while (g_hi - (lo) > 1) {                                     \
			long g_mid = (lo) + (g_hi - (lo)) / 2;                \
			if ((at(g_mid)) <= (t))                               \
				(lo) = g_mid;                                 \
			else                                                  \
				g_hi = g_mid;                                 \
		}                                                             \
	} while (0)

/* Return the last block of ln from block `from` on whose start is <= t
 * (from itself when none later is), galloping over the dense start times. */
static long block_from(const struct tl_lane *ln, long from, int64_t t)
{
#define BLOCK_T0(i) (ln->block_t0[i])
	GALLOP(from, (long)ln->nblocks, BLOCK_T0, t);
#undef BLOCK_T0
	return from;
}

/* Return true when time t (in block b, which has a successor) lies in the
 * block's second half by linear interpolation of its start and end: the
 * guess picks the nearer block edge to scan from. */
static bool in_upper_half(const struct tl_lane *ln, long b, int64_t t)
{
	return b + 1 < (long)ln->nblocks &&
	       t - ln->block_t0[b] > (ln->block_t0[b + 1] - ln->block_t0[b]) / 2;
}

/* Set acc to the ns lane ln spent in each display state up to t, and return
 * the last span starting at or before t, which lies in block b. One pass
 * from the nearer block edge finds the span and sums the spans between:
 * the few cache lines it touches are all it reads of the block. */
static long cum_in_block(const struct timeline *tl, const struct tl_lane *ln, long b, int64_t t,
			 uint64_t acc[ST_COUNT])
{
	const struct tl_span *sp = ln->chunks[b]->spans;   /* sp[j]: span b*TL_BLOCK + j */
	long j;
	if (in_upper_half(ln, b, t)) {            /* back from the next block */
		memcpy(acc, ln->chunks[b + 1]->before, sizeof(uint64_t) * ST_COUNT);
		int64_t next = ln->block_t0[b + 1];
		for (j = TL_BLOCK - 1; sp[j].t0 > t; j--) {
			acc[tl_span_display(&sp[j])] -= (uint64_t)(next - sp[j].t0);
			next = sp[j].t0;
		}
		acc[tl_span_display(&sp[j])] -= (uint64_t)(next - t);
		return b * TL_BLOCK + j;
	}
	memcpy(acc, ln->chunks[b]->before, sizeof(uint64_t) * ST_COUNT);
	long end = (b + 1) * TL_BLOCK < (long)ln->n ? TL_BLOCK : (long)ln->n - b * TL_BLOCK;
	for (j = 0; j + 1 < end && sp[j + 1].t0 <= t; j++)
		acc[tl_span_display(&sp[j])] += (uint64_t)(sp[j + 1].t0 - sp[j].t0);
	int64_t e = span_end(tl, ln, (size_t)(b * TL_BLOCK + j));
	acc[tl_span_display(&sp[j])] += (uint64_t)((t < e ? t : e) - sp[j].t0);
	return b * TL_BLOCK + j;
}

/* Set acc to the ns lane ln spent in each display state from its start to t. */
static void cum_at(const struct timeline *tl, const struct tl_lane *ln, int64_t t, uint64_t acc[ST_COUNT])
{
	if (!ln->n || ln->block_t0[0] > t)
		memset(acc, 0, sizeof(uint64_t) * ST_COUNT);
	else
		cum_in_block(tl, ln, block_from(ln, 0, t), t, acc);
}

/* Add to acc the ns lane l spent in each display state within [t0, t1). */
void timeline_time_in(const struct timeline *tl, size_t l, int64_t t0, int64_t t1, uint64_t acc[ST_COUNT])
{
	if (l >= tl->nlanes || t1 <= t0)
		return;
	uint64_t a[ST_COUNT], b[ST_COUNT];
	cum_at(tl, &tl->lanes[l], t1, a);
	cum_at(tl, &tl->lanes[l], t0, b);
	for (int s = 0; s < ST_COUNT; s++)
		acc[s] += a[s] - b[s];
}

/* Display states from least to most interesting: ties go to the later. */
static const uint8_t priority[ST_COUNT] = {
	[ST_NONE] = 0, [ST_IDLE] = 1, [ST_QUEUED] = 2, [ST_POLL] = 3, [ST_CALLBACK] = 4,
	[ST_IO] = 5, [ST_READY] = 6, [ST_CPU] = 7, [ST_LOCK] = 8, [ST_FAILED] = 9,
};

#define SPAN_T0(i) (sp[(i) - base].t0)
#define BLOCK_T0(i) (ln->block_t0[i])

/* Return the last span index whose t0 <= t, searching forward from `from`
 * (a span starting at or before t, or -1). It gallops over the dense array
 * of block start times first, then searches one block of TL_BLOCK spans:
 * a few cache lines per bucket, however long the lane. */
static long find_span_from(const struct tl_lane *ln, long from, int64_t t)
{
	long b = from < 0 ? 0 : from / TL_BLOCK;
	if (from < 0 && (!ln->n || ln->block_t0[0] > t))
		return -1;
	GALLOP(b, (long)ln->nblocks, BLOCK_T0, t);
	long base = b * TL_BLOCK, lo = base > from ? base : from;
	long end = (b + 1) * TL_BLOCK < (long)ln->n ? (b + 1) * TL_BLOCK : (long)ln->n;
	const struct tl_span *sp = ln->chunks[b]->spans;
	GALLOP(lo, end, SPAN_T0, t);
	return lo;
}

#undef SPAN_T0
#undef BLOCK_T0

/* Return where in block b (which has a successor, and whose start is at
 * or before t < the successor's start) span time t falls, 0..TL_BLOCK-1,
 * by linear interpolation of the two blocks' start times. */
static long guess_in_block(const struct tl_lane *ln, long b, int64_t t)
{
	int64_t t0 = ln->block_t0[b], t1 = ln->block_t0[b + 1];
	return (long)((double)(t - t0) * TL_BLOCK / (double)(t1 - t0 + 1));
}

/* Return the last span of ln starting at or before t, searching forward
 * from `from` (a span starting at or before t): the block by its start
 * times, then, in a block with a successor, from the place its times'
 * linear interpolation guesses, stepping to the answer. Spans fall about
 * evenly in time, so the steps are few and the cache lines fewer still. */
static long find_span_near(const struct tl_lane *ln, long from, int64_t t)
{
	long b = block_from(ln, from / TL_BLOCK, t);
	if (b + 1 >= (long)ln->nblocks)
		return find_span_from(ln, from, t);
	const struct tl_span *sp = ln->chunks[b]->spans;
	long g = guess_in_block(ln, b, t);
	while (g + 1 < TL_BLOCK && sp[g + 1].t0 <= t)
		g++;
	while (g > 0 && sp[g].t0 > t)
		g--;
	long j = b * TL_BLOCK + g;
	return j > from ? j : from;
}

/* Ask the cache for the prefix sums and spans of the block holding time t
 * that cum_in_block will read (from the nearer block edge to the span its
 * times' linear interpolation guesses, and a few more), unless it is block
 * *pf, the one asked for last (-1: none yet). Buckets ahead then find their
 * block in cache: on a timeline larger than the cache, the searches would
 * otherwise wait on memory at every step, and lines asked for in vain
 * would take the memory's time from those needed. */
static void prefetch_ahead(const struct tl_lane *ln, long *pf, int64_t t)
{
	long b = *pf < 0 ? 0 : *pf;
	if (b >= (long)ln->nblocks || ln->block_t0[b] > t)
		return;
	b = block_from(ln, b, t);
	if (b == *pf)
		return;
	*pf = b;
	const struct tl_chunk *ch = ln->chunks[b];
	long lo = 0, hi = (long)(ln->n - (size_t)b * TL_BLOCK) - 1;   /* spans to ask for */
	if (hi >= TL_BLOCK)
		hi = TL_BLOCK - 1;
	if (b + 1 < (long)ln->nblocks) {
		long g = guess_in_block(ln, b, t);
		if (in_upper_half(ln, b, t)) {
			lo = g > PREFETCH_SLACK ? g - PREFETCH_SLACK : 0;
			__builtin_prefetch(ln->chunks[b + 1]->before);
		} else {
			hi = g + PREFETCH_SLACK < hi ? g + PREFETCH_SLACK : hi;
			__builtin_prefetch(ch->before);
		}
	} else {
		__builtin_prefetch(ch->before);
	}
	const char *p = (const char *)&ch->spans[lo], *end = (const char *)&ch->spans[hi];
	for (; p < end; p += 64)
		__builtin_prefetch(p);
	__builtin_prefetch(end);
}

/* Set d to the ns of each display state lane ln spends within [b0, b1),
 * walking its spans forward from j0 (one starting at or before b0; -1:
 * before the lane's first span), and return the last span starting at or
 * before b1 (-1 when none does); *at_mid becomes the last starting at or
 * before mid (j0 - 1 when none does). One pass finds the bucket's end and
 * sums it: a span wholly inside the bucket is added without clamping. */
static long walk_spans(const struct timeline *tl, const struct tl_lane *ln, long j0, int64_t b0,
		       int64_t b1, int64_t mid, uint64_t d[ST_COUNT], long *at_mid)
{
	memset(d, 0, sizeof(uint64_t) * ST_COUNT);
	long n = (long)ln->n, j = j0 < 0 ? 0 : j0;
	*at_mid = j0 - 1;
	const struct tl_span *s = tl_span_at(ln, (size_t)j);
	if (s->t0 > b1)
		return j0 < 0 ? -1 : j0;        /* the lane starts after the bucket */
	long left = TL_BLOCK - j % TL_BLOCK;   /* spans from s to the end of its block */
	int64_t x = s->t0 > b0 ? s->t0 : b0, e;
	for (;;) {
		if (s->t0 <= mid)
			*at_mid = j;
		if (j + 1 >= n) {
			e = span_end(tl, ln, (size_t)j);
			break;
		}
		const struct tl_span *next = --left ? s + 1 : ln->chunks[(j + 1) / TL_BLOCK]->spans;
		if (!left)
			left = TL_BLOCK;
		if (next->t0 > b1) {
			e = next->t0;
			break;
		}
		if (next->t0 > x)
			d[tl_span_display(s)] += (uint64_t)(next->t0 - x);
		s = next;
		x = s->t0;
		j++;
	}
	int64_t y = e < b1 ? e : b1;
	if (y > x)
		d[tl_span_display(s)] += (uint64_t)(y - x);
	return j;
}

/* Pick the dominant state of per-state times d (ST_NONE when all zero). */
static int dominant(const uint64_t d[ST_COUNT])
{
	int best = ST_NONE;
	uint64_t best_ns = 0;
	for (int s = 1; s < ST_COUNT; s++)
		if (d[s] > best_ns || (d[s] && d[s] == best_ns && priority[s] > priority[best])) {
			best = s;
			best_ns = d[s];
		}
	return best;
}

/* Fill states[i] (and tasks[i]) with the dominant state of n buckets of width
 * w from t0. Walks the lane once: a bucket holding few spans is summed
 * directly, one holding many uses the prefix sums. */
void timeline_buckets(const struct timeline *tl, size_t l, int64_t t0, int64_t w, size_t n,
		      uint8_t *states, uint32_t *tasks)
{
	if (l >= tl->nlanes || w <= 0 || !tl->lanes[l].n) {
		memset(states, ST_NONE, n);
		for (size_t i = 0; tasks && i < n; i++)
			tasks[i] = CV_NO_TASK;
		return;
	}
	const struct tl_lane *ln = &tl->lanes[l];
	long i0 = find_span(ln, t0);            /* span holding the bucket's start */
	uint64_t prev[ST_COUNT], cur[ST_COUNT], d[ST_COUNT];
	bool prev_ok = false;
	long pf = -1;                           /* block last prefetched */
	for (size_t k = 0; k < n; k++) {
		int64_t b0 = t0 + (int64_t)k * w, b1 = b0 + w, mid = b1 - w / 2 - 1;
		long m = -2;                            /* span at the middle: not known yet */
		prefetch_ahead(ln, &pf, b1 + 2 * w); /* two buckets ahead */
		long ib = i0 < 0 ? 0 : i0 / TL_BLOCK, bb = block_from(ln, ib, b1), i1;
		if (bb - ib > 1) {                      /* many spans: prefix sums */
			if (!prev_ok)
				cum_at(tl, ln, b0, prev);
			i1 = cum_in_block(tl, ln, bb, b1, cur);
			for (int s = 0; s < ST_COUNT; s++)
				d[s] = cur[s] - prev[s];
			memcpy(prev, cur, sizeof prev);
			prev_ok = true;
		} else {                                /* few: sum them */
			i1 = walk_spans(tl, ln, i0, b0, b1, mid, d, &m);
			prev_ok = false;
		}
		int best = dominant(d);
		states[k] = (uint8_t)best;
		if (tasks) {
			if (best == ST_NONE)
				m = -1;
			else if (m == -2)
				m = i0 < 0 ? find_span_from(ln, i0, mid) : find_span_near(ln, i0, mid);
			tasks[k] = m >= 0 ? tl_span_at(ln, (size_t)m)->task : CV_NO_TASK;
		}
		i0 = i1;
	}
}

/* Copy lane l's per-state ns, including the open span up to now. */
void timeline_lane_stats(const struct timeline *tl, size_t l, uint64_t ns[ST_COUNT])
{
	memset(ns, 0, sizeof(uint64_t) * ST_COUNT);
	if (l >= tl->nlanes)
		return;
	const struct tl_lane *ln = &tl->lanes[l];
	memcpy(ns, ln->ns, sizeof ln->ns);
	if (ln->n && ln->end < 0) {
		const struct tl_span *s = tl_span_at(ln, ln->n - 1);
		ns[s->state] += (uint64_t)(span_end(tl, ln, ln->n - 1) - s->t0);
	}
}

/* Return how many recent events are kept. */
size_t timeline_recent_count(const struct timeline *tl)
{
	return tl->nrecent < TL_RECENT ? (size_t)tl->nrecent : TL_RECENT;
}

/* Return the i-th newest event (0 = newest). */
const struct cv_event *timeline_recent(const struct timeline *tl, size_t i)
{
	return &tl->recent[(tl->nrecent - 1 - i) % TL_RECENT];
}

/* Return the short name of a display state. */
const char *timeline_state_name(int state)
{
	static const char *const names[ST_COUNT] = {
		"none", "idle", "queued", "cpu", "io", "gil-wait", "poll", "callback", "failed",
		"ready",
	};
	return state >= 0 && state < ST_COUNT ? names[state] : "?";
}

/* Return the name of a display state in a run with or without the GIL. */
const char *timeline_state_name_in(int state, bool gil)
{
	return state == ST_LOCK && !gil ? "lock-wait" : timeline_state_name(state);
}
