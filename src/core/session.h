/*
 * session.h - the header of a run: its parameters and the names of its lanes
 * and tasks. Events refer to lanes and tasks by index; this gives them names.
 *
 * The session is written first in a recording and read back on replay. It is
 * owned by the consumer thread; engines fill it before they start emitting
 * (lane and task tables are made at engine start, before any event).
 */
#ifndef CV_SESSION_H
#define CV_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event.h"
#include "params.h"

enum lane_kind { LANE_WORKER = 0, LANE_TASK = 1, LANE_LOOP = 2, LANE_MAIN = 3 };

struct session_lane {
	char name[32];      /* "thread 1", "pid 4242", "task 17", "loop", "python3 4243" */
	uint8_t kind;       /* enum lane_kind */
	uint32_t pid;       /* process of the lane (procs workers, traced threads), 0 = none */
	uint32_t tid;       /* traced thread id, 0 = not a traced thread */
	bool kind_open;     /* added by an event (session_take), not started yet:
	                       its EV_LANE_START may still give its kind */
};

#define SESSION_MAX_NEW 4096  /* session_take adds lanes/tasks at most this far past the last */

struct session {
	struct cv_params params;  /* urls/record owned by the session copy */
	char host[64];            /* machine name */
	int cores;                /* online CPUs when recorded */
	int64_t start_unix_ns;    /* wall clock at start */
	uint64_t start_mono_ns;   /* monotonic clock at start (event time base) */
	double ideal_latency_ms;  /* io: mean latency used for the ideal time */
	struct session_lane *lanes;
	uint32_t nlanes, lanes_cap;
	char **tasks;             /* task names: URL, or "sum n=123" */
	uint32_t ntasks, tasks_cap;
	/* a traced program (mode trace): the command, or empty when attached */
	char **argv;              /* NULL-terminated; NULL when none */
	int argc;
	uint32_t trace_pid;       /* the program's (first) process */
	int trace_hz;             /* sampling rate asked for */
};

/* Initialise s for a run of p (deep-copies p's strings); 0 or -ENOMEM. */
int session_init(struct session *s, const struct cv_params *p);

/* Free everything s owns; s may be re-initialised afterwards. */
void session_free(struct session *s);

/* Append a lane; returns its index, or -ENOMEM. */
int session_add_lane(struct session *s, const char *name, enum lane_kind kind);

/* Set the task names (ntasks copies of names[i]); 0 or -ENOMEM. */
int session_set_tasks(struct session *s, char *const *names, uint32_t ntasks);

/* Return task i's name, or "" when out of range. */
const char *session_task_name(const struct session *s, uint32_t i);

/* Return lane i's name, or "" when out of range. */
const char *session_lane_name(const struct session *s, uint32_t i);

/* Set the traced command (deep copy of argc strings); 0 or -ENOMEM. */
int session_set_argv(struct session *s, int argc, char *const *argv);

/* Take what an event says about the session itself, before the timeline
 * sees it: EV_LANE_START of a lane past the known ones adds lanes (named
 * "lane N" until named) and records the lane's pid, tid and kind (a kind
 * only for a lane added so, at its first start: a kind never changes); EV_LANE_NAME
 * and EV_TASK_NAME name a lane or a task (adding tasks past the known
 * ones). Both live runs (the runner) and replays call it, so lanes that
 * appear mid-run are part of the recording.
 * Returns 0; -EINVAL when the event names a lane or task more than
 * SESSION_MAX_NEW past the last known one (a crafted file must not make
 * us allocate millions) or a name piece is malformed; -ENOMEM. */
int session_take(struct session *s, const struct cv_event *ev);

/* session_take for n events; returns -ENOMEM, or how many were refused as
 * malformed (the caller drops those: see session_knows). */
long session_take_many(struct session *s, const struct cv_event *ev, size_t n);

/* True when ev's lane and task are known to s (after session_take). Inline:
 * a replay asks it of every event. */
static inline bool session_knows(const struct session *s, const struct cv_event *ev)
{
	uint32_t lanes = s->nlanes ? s->nlanes : 1;
	uint32_t tasks = s->ntasks;
	if (s->params.tasks > 0 && (uint32_t)s->params.tasks > tasks)
		tasks = (uint32_t)s->params.tasks;
	return ev->lane < lanes && (ev->task == CV_NO_TASK || ev->task < tasks);
}

#endif
