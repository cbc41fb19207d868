/*
 * tracer_sdk.c - the program's own task events on the tracer's lanes (see
 * tracer_sdk.h).
 *
 * The sink sdk_map calls: lane_of finds a thread's lane among the sampled
 * ones (forcing a discovery when the thread is newer than the last one),
 * among those that ended lately, or makes a lane of its own for a thread
 * the sampler never saw (of a traced process, or of one already gone);
 * new_lane hands out the next
 * lane index (the map starts and names it, its kind in EV_LANE_START's
 * code); emit puts the event into the tick's batch, placed no earlier than
 * what was pushed already (and than its lane's start, which lane_of moves
 * back to the thread's first record while it is still held).
 *
 * As the batch goes into the ring, in time order, per lane: the task the
 * program runs there (its EV_TASK_BEGIN, the state events the map emits
 * for it, its end), its explicit state, and the sampler's state. The
 * sampler's state events of a lane get that task, so a worker thread's I/O
 * wait belongs to the download it runs; while an explicit state is set
 * they are dropped. A state the map emits on a sampled thread's lane
 * without an explicit state ("it runs task 7 now") says which task runs
 * and for how long nothing: the sampler's state is put back right after
 * it, with that task.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sdk.h"
#include "sdk_map.h"
#include "sdk_python.h"
#include "tracer_sdk.h"

#define TSDK_PATH 4096

/* A lane of a thread: one the sampler never traced, or one that ended. */
struct tsdk_thread {
	uint32_t pid, tid, lane;
	uint64_t t_start;         /* when its lane started */
};

/* A lane as the events going into the ring leave it. */
struct tsdk_lane {
	uint32_t cur;             /* the program's task on the lane, CV_NO_TASK */
	uint8_t over;             /* its explicit state (event kind), 0 = none */
	struct cv_event samp;     /* the sampler's last state event on it (kind 0: none) */
	uint64_t from;            /* when a thread's lane the program wrote about started
				   * (nothing goes before) */
};

struct tsdk {
	struct sdk *sdk;
	struct sdk_map *map;
	struct tracer *tr;
	uint64_t now;             /* the poll's time */
	uint64_t rec_t;           /* the time of the record being mapped */
	uint64_t last_poll;
	bool forced;              /* a discovery was forced in this poll */
	uint64_t oom;             /* records the map could not take (no memory) */
	uint64_t late, late_ns;   /* events placed later than stamped, the largest move */
	uint64_t late_said;
	struct tsdk_lane *lanes;  /* per lane, in the order events go into the ring */
	size_t nlanes;
	struct tsdk_thread *extra;/* lanes made here for threads never sampled */
	size_t nextra, extra_cap;
	struct tsdk_thread gone[TSDK_GONE_KEPT]; /* threads that ended, newest last */
	uint64_t ngone;
	char env_sdk[TSDK_PATH + 16];
	char env_py[2 * TSDK_PATH + 16];
};

/* True for the event kinds that set a lane's state. */
static bool tsdk_state(unsigned kind)
{
	return kind == EV_CPU || kind == EV_IO || kind == EV_LOCK || kind == EV_IDLE ||
	       kind == EV_POLL || kind == EV_CALLBACK || kind == EV_READY || kind == EV_LOCK_WAIT;
}

/* Make room for lane l in the per-lane tables; false when out of memory. */
static bool tsdk_room(struct tsdk *k, uint32_t l)
{
	if (l < k->nlanes)
		return true;
	if (l >= SDK_MAP_MAX_INDEX)
		return false;
	size_t n = k->nlanes ? k->nlanes : 64;
	while (n <= l)
		n *= 2;
	struct tsdk_lane *p = realloc(k->lanes, n * sizeof *p);
	if (!p)
		return false;                  /* the table keeps its old size */
	k->lanes = p;
	for (size_t i = k->nlanes; i < n; i++)
		p[i] = (struct tsdk_lane){ .cur = CV_NO_TASK };
	k->nlanes = n;
	return true;
}

/* Return a thread of ours that ended, or NULL. */
static struct tsdk_thread *tsdk_gone_find(struct tsdk *k, uint32_t pid, uint32_t tid)
{
	uint64_t n = k->ngone < TSDK_GONE_KEPT ? k->ngone : TSDK_GONE_KEPT;
	for (uint64_t i = 0; i < n; i++) {
		struct tsdk_thread *g = &k->gone[(k->ngone - 1 - i) % TSDK_GONE_KEPT];
		if (g->pid == pid && g->tid == tid)
			return g;
	}
	return NULL;
}

/* Return the index of the lane made here for (pid, tid), or -1. */
static long tsdk_extra_find(const struct tsdk *k, uint32_t pid, uint32_t tid)
{
	for (size_t i = 0; i < k->nextra; i++)
		if (k->extra[i].pid == pid && k->extra[i].tid == tid)
			return (long)i;
	return -1;
}

/* Make a lane for thread tid of process pid that the sampler never saw (it
 * lived between two samples); its index, or -ENOMEM. */
static long tsdk_extra(struct tsdk *k, uint32_t pid, uint32_t tid)
{
	if (k->nextra == k->extra_cap) {
		size_t cap = k->extra_cap ? k->extra_cap * 2 : 16;
		struct tsdk_thread *p = realloc(k->extra, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		k->extra = p;
		k->extra_cap = cap;
	}
	char name[32];
	snprintf(name, sizeof name, pid == tid ? "pid %u" : "thread %u", tid);
	uint32_t lane = tscan_extra_lane(k->tr, pid, tid, name, k->rec_t);
	k->extra[k->nextra++] = (struct tsdk_thread){ pid, tid, lane, k->rec_t };
	return lane;
}

/* Move the start of a thread's lane (its EV_LANE_START and name, still
 * held in the batch, stamped *t_start) back to t, the time of the thread's
 * first record; false when they went into the ring already. A thread that
 * did its work before the sampler found it, and whose records come only
 * after it was found gone, needs this as much as one still running. */
static bool tsdk_start_at(struct tracer *tr, uint32_t lane, uint64_t *t_start, uint64_t t)
{
	if (t >= *t_start || t < tr->pushed_to)
		return false;
	bool moved = false;
	for (size_t i = 0; i < tr->nbatch; i++) {
		struct cv_event *e = &tr->batch[i].ev;
		if (e->lane == lane && e->t == *t_start &&
		    (e->kind == EV_LANE_START || e->kind == EV_LANE_NAME)) {
			e->t = t;
			moved = true;
		}
	}
	if (moved)
		*t_start = t;
	return moved;
}

/* sdk_sink.lane_of: the lane of thread tid of process pid. */
static long tsdk_lane_of(void *ctx, uint32_t pid, uint32_t tid)
{
	struct tsdk *k = ctx;
	struct tracer *tr = k->tr;
	struct tthread *th = tscan_thread(tr, tid);
	struct tsdk_thread *g = th ? NULL : tsdk_gone_find(k, pid, tid);
	if (!th && !g && !k->forced) {         /* newer than the last discovery? */
		k->forced = true;
		tscan_discover(tr, k->now, true);
		th = tscan_thread(tr, tid);
	}
	if (th && th->pid != pid)
		return -EPERM;                 /* a shard named for another process */
	if (th)                                /* it wrote before the sampler found it */
		tsdk_start_at(tr, th->lane, &th->t_start, k->rec_t);
	else if (g)
		tsdk_start_at(tr, g->lane, &g->t_start, k->rec_t);
	long lane = th ? (long)th->lane : g ? (long)g->lane : -1;
	uint64_t from = th ? th->t_start : g ? g->t_start : 0;
	if (lane < 0) {
		/* a process still running that the discovery did not find is not
		 * the program's; one that is gone may have been (a short-lived
		 * child, reaped between two samples): its records are kept */
		if (!tscan_has_process(tr, pid) && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			return -ESRCH;
		lane = tsdk_extra(k, pid, tid);
	}
	if (lane >= 0 && tsdk_room(k, (uint32_t)lane)) {
		k->lanes[lane].from = from;
	}
	return lane;
}

/* sdk_sink.new_lane: the next lane index (the map starts and names it). */
static long tsdk_new_lane(void *ctx, const char *name, enum lane_kind kind, uint32_t pid,
			  uint32_t tid)
{
	struct tsdk *k = ctx;
	(void)name;
	(void)kind;
	(void)pid;
	(void)tid;
	return k->tr->next_lane++;
}

/* sdk_sink.emit: into the tick's batch, no earlier than what was pushed. */
static void tsdk_emit(void *ctx, const struct cv_event *ev)
{
	struct tsdk *k = ctx;
	struct tracer *tr = k->tr;
	struct cv_event e = *ev;
	if (e.lane < k->nlanes && e.t < k->lanes[e.lane].from)
		e.t = k->lanes[e.lane].from;         /* before the sampler found the thread */
	if (e.t < tr->pushed_to) {
		uint64_t move = tr->pushed_to - e.t;
		k->late++;
		if (move > k->late_ns)
			k->late_ns = move;
		e.t = tr->pushed_to;
	}
	tracer_push_sdk(tr, &e, (uint8_t)sdk_map_lane_override(k->map, e.lane));
}

/* sdk_fn: map one record; a thread lane made here ends with its shard. */
static void tsdk_take(void *ctx, const struct sdk_rec *r)
{
	struct tsdk *k = ctx;
	k->rec_t = r->t;
	long x = r->kind == SDK_GONE ? tsdk_extra_find(k, r->pid, r->tid) : -1;
	struct tthread *th = r->kind != SDK_GONE ? tscan_thread(k->tr, r->tid) : NULL;
	if (th && th->pid == r->pid && r->t > th->sdk_ran)
		th->sdk_ran = r->t;            /* it ran then: the sampler places its work there */
	if (sdk_map_take(k->map, r) < 0)
		k->oom++;
	if (x >= 0) {
		struct cv_event end = { r->t, 0, k->extra[x].lane, CV_NO_TASK, EV_LANE_END, 0, 0 };
		tsdk_emit(k, &end);
		k->extra[x] = k->extra[--k->nextra];
	}
}

/* Push the SDK's counts at t when they changed. */
static void tsdk_counts(struct tsdk *k, uint64_t t)
{
	sdk_map_counts(k->map, t, sdk_dropped(k->sdk), sdk_rejected(k->sdk) + k->oom);
	if (k->late != k->late_said) {
		uint64_t ms = (k->late_ns + 999999) / 1000000;
		struct cv_event m = { t, k->late, 0, CV_NO_TASK, EV_MARK,
				      (uint16_t)(ms > 65535 ? 65535 : ms), MARK_SDK_LATE };
		tracer_push(k->tr, &m);
		k->late_said = k->late;
	}
}

/* Make the transport; see tracer_sdk.h. */
int tsdk_open(struct tracer *tr, const char *argv0, bool no_python, const char *env[TSDK_ENV_MAX + 1])
{
	env[0] = NULL;
	tr->sdk_python = MARK_PY_NONE;
	struct tsdk *k = calloc(1, sizeof *k);
	if (!k)
		return -ENOMEM;
	k->tr = tr;
	struct sdk_sink sink = { k, tsdk_lane_of, tsdk_new_lane, tsdk_emit };
	int rc = sdk_open(&k->sdk, NULL);
	if (rc == 0)
		rc = sdk_map_new(&k->map, &sink, 0);
	if (rc < 0) {
		tsdk_close(k);
		return rc;
	}
	int n = 0;
	snprintf(k->env_sdk, sizeof k->env_sdk, "%s", sdk_env(k->sdk));
	env[n++] = k->env_sdk;
	if (argv0 && sdk_python_command(argv0)) {
		char dir[TSDK_PATH];
		if (no_python)
			tr->sdk_python = MARK_PY_OFF;
		else if (sdk_python_dir(dir, sizeof dir) < 0 ||
			 sdk_python_env(k->env_py, sizeof k->env_py, dir) < 0)
			tr->sdk_python = MARK_PY_MISSING;
		else {
			tr->sdk_python = MARK_PY_ON;
			env[n++] = k->env_py;
		}
	}
	env[n] = NULL;
	tr->sdk = k;
	return 0;
}

/* Read the program's new records; see tracer_sdk.h. */
void tsdk_poll(struct tracer *tr, uint64_t t)
{
	struct tsdk *k = tr->sdk;
	if (!k || (k->last_poll && t - k->last_poll < TSDK_POLL_NS))
		return;
	k->last_poll = t;
	k->now = t;
	k->forced = false;
	sdk_poll(k->sdk, t, tsdk_take, k);   /* -ENOMEM: the records wait in their shards */
	tsdk_counts(k, t);
}

/* The program ended; see tracer_sdk.h. */
void tsdk_finish(struct tracer *tr, uint64_t t)
{
	struct tsdk *k = tr->sdk;
	if (!k)
		return;
	k->now = t;
	k->forced = false;
	sdk_finish(k->sdk, t, tsdk_take, k);
	sdk_map_finish(k->map, t);
	tsdk_counts(k, t);
}

/* A thread the sampler traced ended; see tracer_sdk.h. */
void tsdk_thread_gone(struct tracer *tr, const struct tthread *th)
{
	struct tsdk *k = tr->sdk;
	if (!k)
		return;
	sdk_thread_gone(k->sdk, th->pid, th->tid);
	k->gone[k->ngone++ % TSDK_GONE_KEPT] = (struct tsdk_thread){ th->pid, th->tid, th->lane,
								      th->t_start };
}

/* Look at an event going into the ring; see tracer_sdk.h. */
int tsdk_pass(struct tsdk *k, struct tbev *b, struct cv_event *also)
{
	struct cv_event *ev = &b->ev;
	uint32_t l = ev->lane;
	if (!k || ev->kind == EV_MARK || ev->kind == EV_OUTPUT || !tsdk_room(k, l))
		return 1;
	if (b->sdk) {
		if (ev->kind == EV_TASK_BEGIN) {
			k->lanes[l].cur = ev->task;
		} else if (ev->kind == EV_TASK_END || ev->kind == EV_TASK_FAIL) {
			if (k->lanes[l].cur == ev->task)
				k->lanes[l].cur = CV_NO_TASK;
		} else if (tsdk_state(ev->kind)) {
			k->lanes[l].cur = ev->task;  /* the map says which task runs (or none) */
			k->lanes[l].over = b->over;
			if (!b->over && k->lanes[l].samp.kind) {   /* the sampler's state goes on */
				*also = k->lanes[l].samp;
				also->t = ev->t;
				also->task = ev->task;
				return 2;
			}
		}
		return 1;
	}
	if (!tsdk_state(ev->kind))
		return 1;
	k->lanes[l].samp = *ev;
	if (k->lanes[l].over)
		return 0;                      /* the program says what it does */
	if (ev->task == CV_NO_TASK)
		ev->task = k->lanes[l].cur;
	return 1;
}

/* Free everything and remove the directory. */
void tsdk_close(struct tsdk *k)
{
	if (!k)
		return;
	sdk_map_free(k->map);
	sdk_close(k->sdk);
	free(k->lanes);
	free(k->extra);
	free(k);
}
