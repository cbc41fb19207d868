/*
 * findings_int.h - what the finding families share (not part of the API):
 * the per-update digest of the run (struct fd_ctx), the incremental state's
 * records, adding a finding, and the small models the predictions use (a
 * greedy schedule, a quantile) and formatting of numbers and lane names.
 *
 * findings.c reads the timeline and builds the digest; each family file
 * (findings_cpu.c, findings_io.c, findings_loop.c, findings_tail.c,
 * findings_lock.c) looks at the digest and adds its findings.
 */
#ifndef CV_FINDINGS_INT_H
#define CV_FINDINGS_INT_H

#include "findings.h"

/* What a lane is, for the findings. */
enum fd_class {
	FD_POOL = 0,  /* a worker: threads, procs, seq's main, a traced thread */
	FD_TASK = 1,  /* an async task's own lane (its waits, not a worker) */
	FD_LOOP = 2,  /* an event loop: kind "loop", or a lane that polls */
};

/* Incremental, per lane: the scan cursor and what the closed spans held. */
struct fs_lane {
	size_t cur;               /* spans read */
	uint64_t cpu_notask_ns;   /* CPU spans of no task */
	bool loop;                /* it polls (or is the async loop) */
	bool in_seg;              /* a busy segment (one task's callbacks) is open */
	uint32_t seg_task;
	int64_t seg_t0, seg_end;
	uint64_t seg_io_ns;       /* of it, blocked in I/O */
	uint64_t seg_cpu_ns;      /* of it, running on a CPU (traced lanes) */
	uint64_t poll_ns, busy_ns;/* loop: time in poll, time not in poll (callbacks) */
};

/* Incremental, per task. */
struct fs_task {
	uint64_t io_ns;           /* closed I/O spans */
};

/* A loop block: one task's callbacks kept the loop from polling this long. */
struct fs_block {
	int64_t t0, ns;
	uint64_t io_ns;           /* of it, in blocking I/O */
	uint64_t cpu_ns;          /* of it, running on a CPU (traced lanes; 0 = not known) */
	uint32_t task, lane;
};

/* One lane in this update. */
struct fd_lane {
	uint64_t ns[ST_COUNT];    /* time per state (as it happened), open span to now */
	uint64_t cpu;             /* CPU really used: its tasks' CPU time + untasked CPU spans */
	uint64_t notask;          /* of it, CPU spans of no task */
	int64_t first_begin;      /* its first task's begin, -1 when none */
	int64_t last_end;         /* its last task's end, -1 when none */
	uint32_t first_task;      /* the task that began first on it */
	uint32_t tasks;           /* tasks that ended on it */
	uint8_t cls;              /* enum fd_class */
};

/* The digest of one update: the run as the families see it. */
struct fd_ctx {
	const struct session *s;
	const struct timeline *tl;
	const struct findings_opts *o;
	struct findings_state *st;
	struct findings *out;
	struct finding sink;      /* findings past FINDINGS_MAX go here */
	struct fd_lane *lanes;
	size_t nlanes;
	int64_t b, e, wall;       /* the run's window: begin and end marks, else first/newest event */
	int cores;                /* the recording's machine */
	bool traced;              /* a traced program (no engine knowledge) */
	/* tasks */
	uint32_t ntasks, ended, done, failed, cancelled;
	int64_t first_begin, last_end;  /* over every task; -1 when none */
	/* what earlier families found (later ones defer) */
	bool lock_bound, loop_blocked, io_saturated;
};

/* Start a finding; returns it (a sink when the list is full). Lanes added
 * with fd_lane until the next fd_add belong to it. */
struct finding *fd_add(struct fd_ctx *c, const char *id, enum finding_severity sev, double score,
		       int64_t t0, int64_t t1, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Add lane l to the finding fd_add returned last. */
void fd_lane(struct fd_ctx *c, struct finding *f, uint32_t l);

/* Attach a suggestion to f. */
void fd_suggest(struct finding *f, enum cv_mode mode, int workers, double speedup);

/* Return the scratch array of n doubles (grown on demand), NULL on ENOMEM. */
double *fd_scratch(struct fd_ctx *c, size_t n);

/* Return the run's measured start-up (run begin to first task begin) plus,
 * once it is over, its wind-down (last task end to run end), ns. */
double fd_overhead(const struct fd_ctx *c);

/* Predict the wall time of jobs cost[0..n) on p workers: the run's
 * measured start-up (first task begin - run begin), the greedy makespan,
 * and, once the run is over, its measured wind-down (last task end - run
 * end). cost must have room for p more doubles after n (the heap). */
double fd_predict(const struct fd_ctx *c, double *cost, size_t n, int p);

/* Return the makespan of jobs cost[0..n) taken in order by p workers, each
 * job going to the first worker free (how every pool takes its tasks).
 * heap must hold p doubles; p >= 1. */
double fd_makespan(const double *cost, size_t n, int p, double *heap);

/* Return the q-quantile (0..1) of v[0..n) (reorders v); 0 when n == 0. */
double fd_quantile(double *v, size_t n, double q);

/* Format ns as "3.10 s", "156 ms", "450 us" into buf. */
const char *fd_dur(int64_t ns, char *buf, size_t n);

/* Format lane l's name ("thread 1", else "lane N") into buf. */
const char *fd_lane_name(const struct fd_ctx *c, uint32_t l, char *buf, size_t n);

/* Describe n lanes of class cls in words ("thread 1", "the 5 threads",
 * "the 2 worker processes") into buf; first = one of them, for n == 1. */
const char *fd_lanes_words(const struct fd_ctx *c, size_t n, uint32_t first, char *buf, size_t len);

/* The families, in the order they run. */
/* Take span sp of loop lane `lane`, ending at end, into fl's open segment
 * (one task's callbacks back to back); when sp ends that segment (a poll, an
 * idle moment, another task, a gap), the segment goes to *closed and the
 * result is true. Lengths are not checked against the threshold. */
bool fs_seg_step(struct fs_lane *fl, uint32_t lane, const struct tl_span *sp, int64_t end,
		 struct fs_block *closed);

/* Lane fl's open segment as a block of lane `lane`. */
struct fs_block fs_seg_block(const struct fs_lane *fl, uint32_t lane);

void fd_lock_findings(struct fd_ctx *c);
void fd_loop_findings(struct fd_ctx *c);
void fd_cpu_findings(struct fd_ctx *c);
void fd_io_findings(struct fd_ctx *c);
void fd_tail_findings(struct fd_ctx *c);
void fd_run_findings(struct fd_ctx *c);

#endif
