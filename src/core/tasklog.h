/*
 * tasklog.h - what a traced program said about its own tasks (the SDK,
 * engines/sdk.h), kept for the Log view and the Gantt: the newest task
 * events and user marks in a bounded ring, and every user mark with its
 * name, per lane in time order.
 *
 * The timeline feeds it as events arrive, on a live run and a replay
 * alike: user marks (EV_USER_MARK pieces, put together into whole names)
 * always; task events (queued, begun, ended, failed) and the SDK's counts
 * (MARK_SDK_*) once a lane of a traced program started (tl->trace.traced),
 * so a built-in run keeps nothing here. Made on first use. Memory: the ring is
 * TASKLOG_EVENTS entries of 32 bytes; each mark costs 24 bytes and its name
 * (names past TASKLOG_NAMES_MAX bytes in all are kept empty).
 * Single-threaded: the timeline's consumer.
 */
#ifndef CV_TASKLOG_H
#define CV_TASKLOG_H

#include <stddef.h>
#include <stdint.h>
#include "lanemarks.h"
#include "timeline.h"

#define TASKLOG_EVENTS 4096               /* newest entries kept for the Log */
#define TASKLOG_NAMES_MAX (64u << 20)     /* bytes of mark names kept, at most */

/* One entry of the ring: 32 bytes. */
struct tasklog_entry {
	int64_t t;        /* ns from the timeline's origin */
	uint64_t arg;     /* user mark: where its name is (tasklog_name);
	                     MARK_SDK_*: the count; task end: bytes */
	uint32_t lane, task;
	uint16_t kind;    /* EV_TASK_QUEUED, _BEGIN, _END, _FAIL, EV_USER_MARK, EV_MARK */
	uint16_t code;    /* task end or failure: HTTP status */
	uint32_t aux;     /* failure: enum fail_reason; EV_MARK: which mark;
	                     user mark: its name's length */
};

/* Take one event of lane ev->lane at timeline time t (the timeline calls it
 * for EV_USER_MARK, task events and marks). 0 or -ENOMEM. */
int tasklog_event(struct timeline *tl, const struct cv_event *ev, int64_t t);

/* Return how many entries the ring holds (<= TASKLOG_EVENTS). */
size_t tasklog_count(const struct timeline *tl);

/* Return the i-th newest entry (0 = newest; i < tasklog_count). */
const struct tasklog_entry *tasklog_get(const struct timeline *tl, size_t i);

/* Return how many user marks lane l has in [t0, t1), the first in *first
 * (the mark's a: its name's place, b: its length, c: the lane's task). */
size_t tasklog_marks(const struct timeline *tl, uint32_t l, int64_t t0, int64_t t1,
		     const struct lanemark **first);

/* Return the number of user marks of every lane. */
size_t tasklog_mark_count(const struct timeline *tl);

/* Copy the name of a mark (at, len: from its entry or lanemark) into buf[n]
 * (cut to fit, NUL-terminated); returns buf. */
const char *tasklog_name(const struct timeline *tl, uint64_t at, uint32_t len, char *buf, size_t n);

/* Free everything (timeline_free calls it). */
void tasklog_free(struct timeline *tl);

#endif
