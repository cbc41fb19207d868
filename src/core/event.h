/*
 * event.h - the fixed-size event record that every engine emits.
 *
 * An event says "at time t, on lane L, task T did K". Lanes are rows of the
 * diagram (a worker thread, a worker process, an async task, the loop thread);
 * tasks are units of the job (one download, one sum of squares). Names of
 * lanes and tasks live in the session header (session.h), never in events, so
 * that an event is 32 bytes and costs one cache-line half to emit.
 *
 * State events (EV_CPU ... EV_CALLBACK) mean "from t on, this lane is in that
 * state, working for task T"; the state lasts until the lane's next state,
 * task-end or lane-end event. Events of one lane are emitted by one producer,
 * so they arrive in time order (see ring.h).
 */
#ifndef CV_EVENT_H
#define CV_EVENT_H

#include <stdint.h>

#define CV_NO_TASK UINT32_MAX

/* What happened. The numbers are part of the recording format: append only. */
enum ev_kind {
	EV_NONE = 0,
	EV_LANE_START = 1, /* lane exists from now; arg = pid (0 for a thread) */
	EV_LANE_END = 2,   /* lane finished normally */
	EV_LANE_CRASH = 3, /* lane died; arg = signal number or exit status */
	EV_TASK_QUEUED = 4,/* task waits for a slot on this lane (async lanes) */
	EV_TASK_BEGIN = 5, /* lane starts task */
	EV_TASK_END = 6,   /* task done; arg = bytes received, code = HTTP status,
	                      aux = CPU time the task really used, in us (0 = unknown) */
	EV_TASK_FAIL = 7,  /* task failed; aux = enum fail_reason, code = HTTP status, arg = bytes */
	EV_CPU = 8,        /* running on a CPU */
	EV_IO = 9,         /* waiting on I/O */
	EV_LOCK = 10,      /* waiting for the (emulated) GIL */
	EV_IDLE = 11,      /* waiting for work */
	EV_POLL = 12,      /* event loop: blocked in poll */
	EV_CALLBACK = 13,  /* event loop: running callbacks (task = whose) */
	EV_MARK = 14,      /* run-level marker: aux = enum ev_mark, arg = value */
	EV_KIND_COUNT
};

/* Run-level markers (EV_MARK, lane = 0). */
enum ev_mark {
	MARK_RUN_BEGIN = 1, /* the engine starts */
	MARK_RUN_END = 2,   /* every task has ended; arg = ring stall ns */
};

/* Why a task failed (EV_TASK_FAIL aux). */
enum fail_reason {
	FAIL_NONE = 0,
	FAIL_TIMEOUT = 1,
	FAIL_REFUSED = 2,
	FAIL_RESET = 3,
	FAIL_DNS = 4,
	FAIL_HTTP = 5,    /* HTTP status >= 400 (in code) */
	FAIL_CRASH = 6,   /* the worker running it died */
	FAIL_OTHER = 7,
	FAIL_CANCELLED = 8,
	FAIL_REASON_COUNT
};

/* One event: exactly 32 bytes. */
struct cv_event {
	uint64_t t;     /* CLOCK_MONOTONIC, ns */
	uint64_t arg;   /* kind-specific: bytes, pid, signal, ns */
	uint32_t lane;  /* lane index in the session */
	uint32_t task;  /* task index, or CV_NO_TASK */
	uint16_t kind;  /* enum ev_kind */
	uint16_t code;  /* kind-specific: HTTP status */
	uint32_t aux;   /* kind-specific: fail reason, mark */
};

_Static_assert(sizeof(struct cv_event) == 32, "cv_event must be 32 bytes");

/* Return the short lower-case name of an event kind ("cpu", "task-end"). */
const char *event_kind_name(unsigned kind);

/* Return the short name of a failure reason ("timeout", "refused"). */
const char *event_fail_name(unsigned reason);

#endif
