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

#include <stddef.h>
#include <stdint.h>

#define CV_NO_TASK UINT32_MAX

/* What happened. The numbers are part of the recording format: append only. */
enum ev_kind {
	EV_NONE = 0,
	EV_LANE_START = 1, /* lane exists from now; arg = pid (0 for a thread of
	                      concviz), aux = tid (0 when not a traced thread),
	                      code = enum lane_kind (session.h) of a lane that
	                      appears mid-run (0: a worker, or as the session
	                      has it). A lane index past the session's lanes
	                      adds a lane (session_take): lanes may appear mid-run */
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
	EV_READY = 15,     /* runnable, waiting for a CPU (the OS pre-empted it or
	                      has no core free) */
	EV_LANE_NAME = 16, /* a piece of lane `lane`'s name: see "Names" below */
	EV_TASK_NAME = 17, /* a piece of task `task`'s name; a task index past
	                      the session's tasks adds a task (session_take) */
	EV_OUTPUT = 18,    /* bytes a traced program wrote: code = fd | len << 8
	                      (len 1..12), the bytes in arg (8, little-endian) then
	                      aux (4); lane = the writing process's first lane */
	EV_LOCK_WAIT = 19, /* lane starts waiting for lock aux; arg = holder lane + 1
	                      (0 = unknown); the lane's state is lock wait */
	EV_LOCK_TAKE = 20, /* lane now holds lock aux (after a wait or at once);
	                      the lane's state is running */
	EV_LOCK_FREE = 21, /* lane released lock aux (its state goes on) */
	EV_RACE = 22,      /* race workload's counter: code = enum ev_race */
	EV_USER_MARK = 23, /* an instant marker from a traced program (SDK): a
	                      piece of its name, as in "Names" */
	EV_KIND_COUNT
};

/*
 * Names (EV_LANE_NAME, EV_TASK_NAME, EV_USER_MARK). A name travels as pieces
 * of up to 12 bytes: code = byte offset of the piece | CV_NAME_LAST on the
 * last piece; the bytes are in arg (8, little-endian) then aux (4), padded
 * with NUL. A piece at offset 0 starts the name afresh (a rename). Names are
 * at most CV_NAME_MAX bytes. cv_name_pieces() makes the pieces.
 */
#define CV_NAME_LAST 0x8000u
#define CV_NAME_MAX 240u
#define CV_NAME_PIECE 12u
#define CV_NAME_PIECES_MAX (CV_NAME_MAX / CV_NAME_PIECE + 1) /* events per name, at most */

/* What an EV_RACE event says (its code). The race workload's tasks add 1 to
 * one shared counter many times with an unprotected read-modify-write. */
enum ev_race {
	RACE_PLAN = 1,  /* lane 0: arg = the value the counter should end at
	                   (every increment of every task) */
	RACE_LOSS = 2,  /* on the lane that read it: arg = a value of the counter
	                   that a lane had already read (aux = that lane + 1; the
	                   same lane when its own earlier update was overwritten):
	                   both write arg + 1, so one update is lost */
	RACE_VALUE = 3, /* a task did its increments: arg = the counter now,
	                   aux = the increments the task did */
	RACE_FINAL = 4, /* lane 0, once every task ended: arg = the counter's
	                   final value, aux = increments done in all */
};

/* Run-level markers (EV_MARK, lane = 0). */
enum ev_mark {
	MARK_RUN_BEGIN = 1, /* the engine starts */
	MARK_RUN_END = 2,   /* every task has ended; arg = ring stall ns */
	/* 3..9: the tracer (engines/tracer.h) */
	MARK_PROG_EXIT = 3, /* the traced program ended; arg = its wait status;
	                       code 1 = ended, status unknown (attached),
	                       code 2 = detached (the program goes on) */
	MARK_SAMPLE_HZ = 4, /* the sampler's achieved rate; arg = mHz, code =
	                       the rate it aimed at (lower than asked when it
	                       had to slow down) */
	MARK_DEGRADED = 5,  /* lane's blocking reason cannot be read (another
	                       user's process): states from stat only */
	MARK_SIGNAL = 6,    /* concviz passed signal code on to the program;
	                       arg = 1 when it escalated (SIGKILL after a grace period) */
	MARK_SAMPLE_GAP = 7,/* with each MARK_SAMPLE_HZ: the longest time between
	                       two samples since the last one, ns (a thread that
	                       lived less may not have been seen) */
	/* 10..14: race and deadlock workloads (engines/race.h) */
	MARK_DEADLOCK = 10, /* concviz saw a waits-for cycle and ends the run (the
	                       mark's time is when it acted); arg = cycle length */
	/* 15..19: the SDK transport (engines/sdk.h) */
	MARK_SDK_DROPPED = 15, /* events the program dropped so far; arg = count */
	MARK_SDK_REJECTED = 16,/* malformed records rejected so far; arg = count */
	MARK_SDK_LATE = 17,    /* records that came after their time was already
	                          drawn, placed at the newest drawn time; arg =
	                          count so far, code = the largest move so far, ms
	                          (at most 65535) */
	MARK_SDK_OFF = 18,     /* the transport could not be set up (no task
	                          events from the program); arg = errno */
	MARK_SDK_PYTHON = 19,  /* the command is Python: code a mark_py (the Python
	                          task tracer injected, or why not) */
};

/* MARK_SDK_PYTHON's code: what became of the Python task tracer. */
enum mark_py {
	MARK_PY_NONE = 0,      /* not a Python command */
	MARK_PY_ON = 1,        /* injected */
	MARK_PY_OFF = 2,       /* not asked (--no-python) */
	MARK_PY_MISSING = 3,   /* its folder was not found */
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
	FAIL_DEADLOCK = 9,  /* its lane was in a waits-for cycle */
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

/* Pack 12 bytes into an event's arg (8, little-endian) and aux (4): how
 * names and program output travel. */
static inline void cv_pack12(const uint8_t b[CV_NAME_PIECE], uint64_t *arg, uint32_t *aux)
{
	*arg = 0;
	*aux = 0;
	for (int i = 0; i < 8; i++)
		*arg |= (uint64_t)b[i] << (8 * i);
	for (int i = 0; i < 4; i++)
		*aux |= (uint32_t)b[8 + i] << (8 * i);
}

/* Unpack an event's arg and aux into 12 bytes (the inverse of cv_pack12). */
static inline void cv_unpack12(const struct cv_event *ev, uint8_t b[CV_NAME_PIECE])
{
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(ev->arg >> (8 * i));
	for (int i = 0; i < 4; i++)
		b[8 + i] = (uint8_t)(ev->aux >> (8 * i));
}

/* Return the short lower-case name of an event kind ("cpu", "task-end"). */
const char *event_kind_name(unsigned kind);

/* Return the short name of a failure reason ("timeout", "refused"). */
const char *event_fail_name(unsigned reason);

/* Fill up to CV_NAME_PIECES_MAX events with the pieces of
 * `name` (cut at CV_NAME_MAX bytes) as events of `kind` on lane/task, all
 * stamped t; returns how many (at least 1: an empty name is one piece). */
int cv_name_pieces(struct cv_event *out, uint64_t t, uint32_t lane, uint32_t task,
		   enum ev_kind kind, const char *name);

/* Apply one name piece to the buffer name[cap] (cap > CV_NAME_MAX): an
 * offset-0 piece clears it first. Returns 1 when it was the last piece
 * (the name is whole), 0 when more follow, -1 when malformed (an offset
 * past CV_NAME_MAX); bytes past cap - 1 are dropped, a NUL ends the piece. */
int cv_name_apply(char *name, size_t cap, const struct cv_event *ev);

#endif
