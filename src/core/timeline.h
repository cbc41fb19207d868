/*
 * timeline.h - events drained from the ring, turned into per-lane state spans.
 *
 * Every view, the recorder's reader, the exporters and the statistics read
 * only the timeline. A lane is an array of spans, each starting where the
 * previous one ends: span i covers [t0(i), t0(i+1)), and the last span lasts
 * until the lane ended or, while it runs, until the newest event (`now`).
 *
 * Times in the timeline are ns relative to the origin (the session's
 * start_mono_ns, or the first event's time when none was set).
 *
 * Costs: adding an event is amortised O(1); memory is 16 bytes per span plus
 * 96 bytes per 64 spans of state prefix sums, block start times and block
 * pointers (about 17.5 bytes per span). Span blocks come from one pool of
 * huge pages for all lanes (vmem.h): a lane never copies its spans to grow,
 * and a million events cost a few page faults, not thousands.
 * Range queries cost O(log n + k); the dominant state of a time bucket costs
 * O(log n) (a search of the dense block start times plus about half a
 * 64-span block per end),
 * so drawing a lane costs O(width * log n) whatever the number of events.
 *
 * Single-threaded: only the consumer thread touches a timeline.
 */
#ifndef CV_TIMELINE_H
#define CV_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event.h"
#include "transcript.h"
#include "vmem.h"

/* What a lane is doing. ST_FAILED is a display state: the spans of a task
 * that failed are shown as failed. The numbers index colour roles. */
enum tl_state {
	ST_NONE = 0,     /* before the lane started / after it ended */
	ST_IDLE = 1,     /* waiting for work */
	ST_QUEUED = 2,   /* task queued, not started */
	ST_CPU = 3,      /* running on a CPU */
	ST_IO = 4,       /* waiting on I/O */
	ST_LOCK = 5,     /* waiting for a lock (the GIL, a mutex, a futex) */
	ST_POLL = 6,     /* loop blocked in poll */
	ST_CALLBACK = 7, /* loop running callbacks */
	ST_FAILED = 8,   /* belongs to a failed task */
	ST_READY = 9,    /* runnable, waiting for a CPU (traced threads) */
	ST_COUNT
};

#define TL_BLOCK 64     /* spans per prefix-sum block */
#define TL_RUN 64       /* blocks a lane takes from the pool at once, at most */

/* One state span: 16 bytes. Its end is the next span's t0. */
struct tl_span {
	int64_t t0;         /* start, ns from origin */
	uint32_t task;      /* CV_NO_TASK when none */
	uint8_t state;      /* enum tl_state as it happened (never ST_FAILED) */
	uint8_t failed;     /* 1 when the task failed: displayed as ST_FAILED */
	uint16_t seq;       /* task ordinal on this lane, mod 65536 (tells tasks apart) */
};

/* A block of TL_BLOCK spans and the time the lane spent in each display
 * state before its first: the unit a lane grows by (1,104 bytes). A lane
 * takes its blocks from the timeline's pool in runs (as many as it holds,
 * up to TL_RUN), so that a long lane's spans lie mostly one after another
 * in memory, as a walk along it reads them (a frame was 10 % faster so). Span i of a lane
 * is spans[i % TL_BLOCK] of block i / TL_BLOCK. The prefix sums come
 * first: a search reads them with the spans next to them (the first half
 * of this block, or the second half of the block before it in a run). */
struct tl_chunk {
	uint64_t before[ST_COUNT];  /* ns in state s before spans[0] */
	struct tl_span spans[TL_BLOCK];
};

struct tl_lane {
	struct tl_chunk **chunks;   /* chunks[b]: spans b*TL_BLOCK .. b*TL_BLOCK+63 */
	int64_t *block_t0;  /* block_t0[b] = first t0 of chunks[b]: a dense index to search */
	size_t n;           /* spans */
	struct tl_span *tail; /* span n - 1, NULL while n is 0 */
	size_t nblocks, chunks_cap, block_t0_cap;
	struct tl_chunk *spare; /* chunks taken from the pool for this lane, not yet used */
	uint32_t nspare;
	int64_t end;        /* when the lane ended, or -1 while alive */
	bool started, crashed;
	uint64_t pid;       /* from EV_LANE_START */
	uint32_t cur_task;  /* task now running, or CV_NO_TASK */
	uint16_t task_seq;  /* tasks begun on this lane */
	uint64_t cum[ST_COUNT]; /* ns per display state of the closed spans */
	/* statistics, ns per state as it happened, counted when a span closes */
	uint64_t ns[ST_COUNT];
	uint32_t done, failed;
	/* locks (EV_LOCK_WAIT / TAKE / FREE, locks.h): what the lane waits for now */
	uint32_t wait_lock;   /* lock id it waits for, TL_NO_LOCK when none */
	uint32_t wait_holder; /* holder lane + 1 as the event said, 0 = unknown
	                         (locks_holder() says who holds it now) */
	int64_t wait_since;   /* when that wait began */
	bool deadlocked;      /* in the waits-for cycle of tl->deadlock (stays set
	                         after the wait ends: the run was cut there) */
};

#define TL_NO_LOCK UINT32_MAX
#define TL_CYCLE_MAX 16  /* lanes of a deadlock cycle kept */

/* A deadlock: a cycle in the waits-for graph of the lock events (filled by
 * the timeline as events arrive, locks.h; the same on a live run and a
 * replay). Only the first cycle of a run is kept. */
struct tl_deadlock {
	bool detected;
	int64_t t_formed;     /* when the last wait of the cycle began (the event
	                         that closed it) */
	int64_t t_detected;   /* when concviz acted on it (MARK_DEADLOCK; until that
	                         mark, or without one, t_formed) */
	uint32_t n;           /* lanes in the cycle (<= TL_CYCLE_MAX kept) */
	uint32_t lanes[TL_CYCLE_MAX]; /* lanes[i] waits for locks[i], held by lanes[i+1] */
	uint32_t locks[TL_CYCLE_MAX];
};

/* The race workload's counter (EV_RACE events): expected and final value,
 * updates lost, and when the first loss was seen. */
struct tl_race {
	bool known;           /* the run is a race run and reported its counter */
	uint64_t expected, final, lost; /* final: the counter now, or at the end;
	                         lost: moments seen so far, exact once ended */
	int64_t t_first_loss; /* -1 when none */
	bool ended;           /* the final report came: final and lost are exact */
};

/* A traced program (mode trace), from the tracer's marks (event.h). */
struct tl_trace {
	bool exited;          /* MARK_PROG_EXIT seen: the program ended */
	bool status_known;    /* its wait status is known (not when attached) */
	uint32_t wait_status; /* as waitpid gives it */
	int64_t t_exit;       /* when, ns from origin */
	bool detached;        /* attach ended by the user: the program goes on */
	uint32_t hz_mhz;      /* newest achieved sampling rate, mHz */
	uint32_t hz_target;   /* the rate the sampler aimed at then (lowered?) */
	uint64_t hz_sum;      /* sum and count of MARK_SAMPLE_HZ: the mean rate */
	uint32_t hz_n;
	uint64_t gap_max_ns;  /* the longest time between two samples (MARK_SAMPLE_GAP) */
	uint32_t degraded;    /* lanes whose blocking reason could not be read */
	uint32_t signals;     /* signals passed on to the program */
	uint32_t last_signal;
	bool escalated;       /* SIGKILL after the grace period */
	/* the program's own task events (the SDK, engines/sdk.h) */
	bool traced;          /* a traced thread's lane started (EV_LANE_START
	                         with a tid), or a lane the SDK made (with a
	                         kind): task events go to the tasklog */
	uint64_t sdk_dropped; /* events the program dropped (its shard was full) */
	uint64_t sdk_rejected;/* malformed records concviz refused */
	uint64_t sdk_late;    /* records placed later than stamped (came too late) */
	uint32_t sdk_late_ms; /* ... the largest such move, ms */
	uint32_t sdk_off;     /* the transport could not be set up: errno, 0 = fine */
	uint8_t sdk_python;   /* enum mark_py: the Python task tracer (MARK_SDK_PYTHON) */
};
struct locks;      /* locks.h */
struct lanemarks;  /* lanemarks.h */
struct tasklog;    /* tasklog.h */

/* What the timeline knows about one task. */
struct tl_task {
	int64_t t_queued, t_begin, t_end;  /* -1 when not seen */
	uint64_t bytes;
	uint64_t cpu_ns;     /* CPU time: measured (EV_TASK_END aux) or, failing
	                        that, the time spent in ST_CPU */
	uint32_t lane;       /* lane it ran on, or UINT32_MAX */
	uint16_t status;     /* HTTP status */
	uint8_t reason;      /* enum fail_reason, FAIL_NONE when done */
	uint8_t state;       /* 0 not started, 1 running, 2 done, 3 failed */
};

enum { TASK_PENDING = 0, TASK_RUNNING = 1, TASK_DONE = 2, TASK_FAILED = 3 };

/* Whole-run statistics. */
struct tl_stats {
	uint64_t ns[ST_COUNT];  /* summed over lanes */
	uint32_t done, failed, crashed_lanes;
	uint64_t bytes;
	int64_t t_first, t_last; /* first and newest event, ns from origin */
	uint64_t events;
	/* kept as events arrive, so that a summary costs O(1) per frame */
	uint64_t task_cpu_ns;    /* sum of the tasks' cpu_ns */
	uint64_t done_task_ns;   /* sum of begin-to-end times of done tasks */
	uint32_t done_timed;     /* done tasks with a begin time */
	uint32_t cancelled;      /* failed as cancelled */
};

#define TL_RECENT 1024  /* newest raw events kept for the log view */

struct timeline {
	struct vmem_pool mem;   /* the lanes' span blocks */
	struct tl_lane *lanes;
	size_t nlanes, lanes_cap;
	struct tl_task *tasks;
	size_t ntasks, tasks_cap;
	uint64_t origin;        /* absolute ns of time 0 */
	bool origin_set;
	int64_t now;            /* newest event time, ns from origin */
	int64_t run_begin, run_end; /* MARK_RUN_BEGIN / MARK_RUN_END, -1 if unseen */
	uint64_t stall_ns;      /* from MARK_RUN_END */
	struct tl_stats stats;
	struct tl_deadlock deadlock;
	struct tl_race race;
	struct tl_trace trace;
	struct transcript out;   /* a traced program's output (EV_OUTPUT) */
	struct locks *locks;            /* lock holders and waits (locks.h), or NULL */
	struct lanemarks *race_marks;   /* lost-update moments (racetally.h), or NULL */
	struct tasklog *tasklog;        /* a traced program's task events and user
	                                   marks (tasklog.h), or NULL */
	struct cv_event recent[TL_RECENT]; /* ring of the newest events */
	uint64_t nrecent;       /* total ever added to recent */
};

/* Initialise an empty timeline whose time 0 is `origin` (absolute ns); pass 0
 * to take the first event's time. */
void timeline_init(struct timeline *tl, uint64_t origin);

/* Free everything the timeline owns. */
void timeline_free(struct timeline *tl);

/* Add one event. Returns 0, or -ENOMEM (the event is not counted; what it
 * changed before memory ran out stays, and the timeline stays consistent),
 * or -EINVAL for an event that is malformed (lane/task absurdly large;
 * nothing changes). */
int timeline_add(struct timeline *tl, const struct cv_event *ev);

/* Add n events; skips malformed ones, stops at and returns -ENOMEM. */
int timeline_add_many(struct timeline *tl, const struct cv_event *ev, size_t n);

/* Add n events in order up to the first that cannot be added: 0 with
 * *added = n, or -ENOMEM or -EINVAL (as timeline_add) with *added the
 * index of that event. */
int timeline_add_all(struct timeline *tl, const struct cv_event *ev, size_t n, size_t *added);

/* Return span i (< n) of lane ln. */
static inline struct tl_span *tl_span_at(const struct tl_lane *ln, size_t i)
{
	return &ln->chunks[i / TL_BLOCK]->spans[i % TL_BLOCK];
}

/* Return the bytes the timeline holds (its arrays' capacity and the pool's
 * committed memory): what a memory target is measured on. */
size_t timeline_bytes(const struct timeline *tl);

/* Return the end of span i of lane l (next t0, lane end, or now). */
int64_t timeline_span_end(const struct timeline *tl, size_t l, size_t i);

/* Return the display state of a span (ST_FAILED for failed tasks). */
static inline int tl_span_display(const struct tl_span *s)
{
	return s->failed ? ST_FAILED : s->state;
}

/* Find the spans of lane l overlapping [t0, t1): sets *first to the index of
 * the first and returns how many (k). O(log n). */
size_t timeline_range(const struct timeline *tl, size_t l, int64_t t0, int64_t t1,
		      size_t *first);

/* Add to acc[s] the ns that lane l spent in display state s within [t0, t1). O(log n). */
void timeline_time_in(const struct timeline *tl, size_t l, int64_t t0, int64_t t1,
		      uint64_t acc[ST_COUNT]);

/* For n buckets of width w starting at t0, write the dominant display state
 * of lane l into states[i] (ST_NONE where the lane did not exist), and the
 * task whose span covers the bucket's middle into tasks[i] (may be NULL).
 * Ties go to the more interesting state (failed > lock > cpu > io > ...). */
void timeline_buckets(const struct timeline *tl, size_t l, int64_t t0, int64_t w,
		      size_t n, uint8_t *states, uint32_t *tasks);

/* Return the span index of lane l covering time t, or -1. O(log n). */
long timeline_span_at(const struct timeline *tl, size_t l, int64_t t);

/* Copy lane l's statistics, including its still-open span up to `now`. */
void timeline_lane_stats(const struct timeline *tl, size_t l, uint64_t ns[ST_COUNT]);

/* Return the number of events in the recent ring (<= TL_RECENT), and the
 * i-th newest (0 = newest) via timeline_recent. */
size_t timeline_recent_count(const struct timeline *tl);
const struct cv_event *timeline_recent(const struct timeline *tl, size_t i);

/* Return the short name of a display state ("cpu", "io", "gil-wait"). */
const char *timeline_state_name(int state);

/* The same for a run with or without the emulated GIL: without it, ST_LOCK
 * is "lock-wait" (a mutex, an async lock, a futex), with it "gil-wait". */
const char *timeline_state_name_in(int state, bool gil);

#endif
