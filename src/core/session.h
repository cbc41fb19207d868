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

#include <stddef.h>
#include <stdint.h>
#include "params.h"

enum lane_kind { LANE_WORKER = 0, LANE_TASK = 1, LANE_LOOP = 2, LANE_MAIN = 3 };

struct session_lane {
	char name[32];      /* "thread 1", "pid 4242", "task 17", "loop" */
	uint8_t kind;       /* enum lane_kind */
};

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
	uint32_t ntasks;
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

#endif
