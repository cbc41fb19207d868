/*
 * tracer_int.h - the tracer's private state, shared by tracer.c (life cycle,
 * the tick, signals, rate) and tracer_scan.c (processes, threads, discovery,
 * sampling). Not part of the tracer's API. Sampler thread only, except the
 * atomics marked otherwise.
 */
#ifndef CV_TRACER_INT_H
#define CV_TRACER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "engine.h"
#include "event.h"
#include "tracer_out.h"
#include "tracer_proc.h"
#include "tracer_state.h"

#define TRACER_NAME_NS 250000000ull  /* names are re-read this often */
#define TSCAN_MAX_IDS 4096           /* ids read from one directory or children file */
#define TSCAN_FULL_NS 100000000ull   /* discovery runs at least this often */
#define TRACER_OUT_EVENTS (TOUT_TICK_BYTES / CV_NAME_PIECE + 4) /* output events per tick */

/* An event of the tick's batch, and where it came from. */
struct tbev {
	struct cv_event ev;
	uint8_t sdk;              /* from the program's own records (the SDK), else the tracer's */
	uint8_t over;             /* SDK: its lane's explicit state from then on (an
	                             event kind, 0 = none): the sampler's states of
	                             the lane are not drawn meanwhile */
};

struct tsdk;                      /* tracer_sdk.h */

/* One traced thread: a lane. */
struct tthread {
	uint32_t pid, tid, lane;
	uint32_t proc;            /* index of its process in tr->pr (never moves) */
	int fd_sched, fd_sys, fd_stat, fd_kids;  /* kept open: read with pread, never reopened */
	struct tproc_sched last;  /* the counters at the last sample */
	struct tstate st;
	uint64_t t_acc;           /* drawn up to here */
	uint64_t t_start;         /* its lane started then */
	uint64_t sdk_ran;         /* it wrote an SDK record then (this tick), 0 = not */
	uint64_t next_name;       /* when to re-read its name */
	char comm[17];
	bool degraded;            /* its syscall file cannot be read */
	bool seen;                /* listed by the last discovery */
};

/* One traced process. */
struct tprocess {
	uint32_t pid;
	int fd_task;              /* /proc/PID/task, listed with getdents64 */
	bool child;               /* concviz's child: it reaps it */
	bool gone;                /* no thread left (or reaped) */
	uint32_t alive;           /* its threads seen by the last sample */
};

struct tracer {
	struct engine *e;
	pthread_t thread;
	bool thread_started;
	bool attach;              /* observing a running process: never signal it */
	bool own_group;           /* the program runs in a session of its own */
	pid_t main_pid;           /* the program's first process */
	int hz_asked, hz_now;
	uint64_t t_spawn;         /* when the command was started (the run's begin) */
	uint32_t windows;         /* rate windows accounted (MARK_SAMPLE_HZ) */
	uint64_t gap_max;         /* the window's longest time between two ticks */
	/* tables */
	struct tthread *th;
	size_t nth, th_cap;
	struct tprocess *pr;
	size_t npr, pr_cap;
	uint32_t *hkey;           /* tid -> index into th: open addressing, rebuilt on change */
	int32_t *hval;
	size_t hcap;
	uint32_t next_lane;
	uint32_t out_lane;        /* the lane output events go to */
	/* discovery */
	int fd_loadavg, fd_self_task;
	uint32_t last_pid;        /* /proc/loadavg's newest id at the last look */
	bool look_again;          /* it moved at the last look: look once more */
	bool scan_self;           /* look for orphans reparented to concviz */
	uint64_t next_full_scan;  /* discover then whatever the newest id says */
	/* the tick's events, sorted by time before they are pushed; with the
	 * SDK on, the newest TSDK_HOLD_NS of them are held for the next tick,
	 * so that records read late still go in their place */
	struct tbev *batch, *sort_tmp;
	size_t nbatch, batch_cap;
	uint64_t pushed_to;       /* every event stamped before this is in the ring */
	struct tsdk *sdk;         /* the program's own task events, NULL when none (attach) */
	int sdk_err;              /* the transport could not be made: errno */
	int sdk_python;           /* the Python task tracer: enum mark_py (event.h) */
	struct tout out;
	struct cv_event outev[TRACER_OUT_EVENTS]; /* the tick's output events */
	uint32_t ids[TSCAN_MAX_IDS];  /* scratch: ids listed by one discovery step */
	/* the program's end */
	bool main_reaped;
	int main_status;
	uint64_t kill_at;         /* escalate to SIGKILL then (0 = not armed) */
	bool killed;
	bool ended;
	/* requests from the controlling thread (any thread) */
	_Atomic int sig_req;      /* a signal to pass on, 0 = none */
	atomic_bool sig_delivered;
	atomic_bool kill_req;
	atomic_bool stop_req;     /* cancel: end the program, or detach */
};

/* Append an event to the tick's batch (dropped when out of memory: counted
 * as nothing, the lane then merely keeps its state). */
void tracer_push(struct tracer *tr, const struct cv_event *ev);

/* Append an event mapped from the program's SDK records; `over` as in
 * struct tbev. */
void tracer_push_sdk(struct tracer *tr, const struct cv_event *ev, uint8_t over);

/* Discover new threads and processes when the kernel handed out a new id
 * since the last look, on the tick after it did, every TSCAN_FULL_NS, or
 * when forced; new lanes start at t. */
void tscan_discover(struct tracer *tr, uint64_t t, bool force);

/* Sample every thread up to t: state events, names, lanes that ended. A
 * thread found gone ends when it was found so, not at t: the program may
 * have reported work (SDK records, stamped by its own clock) after t. */
void tscan_sample(struct tracer *tr, uint64_t t);

/* Add process pid (a child of concviz when child) and its threads. */
void tscan_add_process(struct tracer *tr, uint32_t pid, bool child, uint64_t t);

/* End the lanes of process pid at t (crashed with signal sig when > 0);
 * t is when it was seen gone, no earlier than its last SDK record. */
void tscan_end_process(struct tracer *tr, uint32_t pid, int sig, uint64_t t);

/* End every lane at t (detach, or the end of the run). */
void tscan_end_all(struct tracer *tr, uint64_t t);

/* Return traced thread tid, or NULL. */
struct tthread *tscan_thread(struct tracer *tr, uint32_t tid);

/* True when process pid is (or was) traced. */
bool tscan_has_process(const struct tracer *tr, uint32_t pid);

/* Make an extra lane at t (one the sampler does not draw: a thread of
 * process pid it never saw, tid > 0, or a task's lane, tid 0) named
 * name; returns its index. Its events are the source's to push
 * (tracer_push). */
uint32_t tscan_extra_lane(struct tracer *tr, uint32_t pid, uint32_t tid, const char *name,
			  uint64_t t);

/* Free the tables and close their files. */
void tscan_free(struct tracer *tr);

#endif
