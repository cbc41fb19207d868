/*
 * sdk_map.h - turning SDK records into concviz events on a traced run's lanes.
 *
 * sdk_poll (sdk.h) hands over what a traced program said about its tasks;
 * this turns each record into the events every view, recording and export
 * already understands, on the lanes of the traced run:
 *
 *   C task (begin/end/fail)   on the lane of the thread that began it:
 *                             EV_TASK_NAME pieces, EV_TASK_BEGIN, EV_CPU ...
 *                             EV_TASK_END / EV_TASK_FAIL (the reason is
 *                             appended to the task's name: "job 3: timeout")
 *   explicit state            EV_CPU / EV_IO / EV_LOCK_WAIT / EV_IDLE on the
 *                             thread's lane, overriding the sampled state
 *                             until CVZ_AUTO (sdk_map_lane_override)
 *   mark                      EV_USER_MARK pieces on the thread's lane
 *   task with its own lane    (asyncio) a new lane: EV_LANE_START (code:
 *                             its kind, LANE_TASK or LANE_LOOP), its name,
 *                             EV_TASK_QUEUED; each step EV_TASK_BEGIN (the
 *                             first) + EV_CPU, each suspension EV_IO, then
 *                             EV_TASK_END / EV_TASK_FAIL and EV_LANE_END
 *   event loop                a "loop" lane per loop thread: EV_POLL while it
 *                             polls, EV_CALLBACK (naming the task stepped)
 *                             while it runs callbacks, EV_IDLE once stopped
 *   producer gone             its tasks still open fail as cancelled, its
 *                             task and loop lanes end
 *   counts                    EV_MARK MARK_SDK_DROPPED / MARK_SDK_REJECTED
 *
 * The caller (the tracer) implements a small sink: the lane of a traced
 * thread, a new lane, and where events go. A call into a thread's lane
 * means that thread runs at that instant, so after a task begins or ends
 * the thread's lane gets EV_CPU (or its explicit state) again: the
 * timeline shows a lane idle after a task ends until it hears otherwise.
 *
 * Events carry the records' times (older than now: sdk_poll hands records
 * over in time order). Single-threaded, like struct sdk.
 */
#ifndef CV_SDK_MAP_H
#define CV_SDK_MAP_H

#include <stdint.h>
#include "event.h"
#include "sdk_wire.h"
#include "session.h"

#define SDK_MAP_MAX_INDEX (1u << 24) /* task and lane indices the timeline accepts */
#define SDK_MAP_MAX_OPEN (1u << 20)  /* tasks open at once, at most */

/* What the map needs from the run it feeds. */
struct sdk_sink {
	void *ctx;
	/* Return the lane of thread tid of process pid (making it when the
	 * caller has not seen the thread yet), or a negative errno when the
	 * thread is not the traced program's. */
	long (*lane_of)(void *ctx, uint32_t pid, uint32_t tid);
	/* Reserve a new lane of kind for a task or an event loop of process
	 * pid (tid: the loop's thread, 0 for a task); returns its index or a
	 * negative errno. The map emits the lane's EV_LANE_START and name. */
	long (*new_lane)(void *ctx, const char *name, enum lane_kind kind, uint32_t pid, uint32_t tid);
	/* Take one event. */
	void (*emit)(void *ctx, const struct cv_event *ev);
};

/* Counts since the map was made. */
struct sdk_map_stats {
	uint64_t tasks;      /* tasks begun or spawned */
	uint64_t open;       /* of which still open */
	uint64_t done, failed, cancelled;
	uint64_t lanes;      /* lanes made (task and loop lanes) */
	uint64_t unmatched;  /* records naming a task that is not open (its
	                        begin was dropped, or it already ended) */
	uint64_t refused;    /* records the map could not place (no lane, a
	                        task id already open, past the limits) */
};

struct sdk_map;

/* Make a map feeding sink; task indices start at first_task. 0 or -ENOMEM. */
int sdk_map_new(struct sdk_map **out, const struct sdk_sink *sink, uint32_t first_task);

/* Free the map (emits nothing: call sdk_map_finish first to end tasks). */
void sdk_map_free(struct sdk_map *m);

/* Turn one record into events. Returns 0 (also for records that name a
 * task that is not open, or that were refused: both counted), or -ENOMEM
 * (nothing emitted). Usable as the body of an sdk_fn. */
int sdk_map_take(struct sdk_map *m, const struct sdk_rec *r);

/* Emit MARK_SDK_DROPPED / MARK_SDK_REJECTED at time t when a total changed
 * (rejected: the transport's plus the records the map refused). */
void sdk_map_counts(struct sdk_map *m, uint64_t t, uint64_t dropped, uint64_t rejected);

/* The run is over: every task still open fails as cancelled and every
 * lane the map made ends, at time t. */
void sdk_map_finish(struct sdk_map *m, uint64_t t);

/* The event kind of the explicit state the program set on lane l (EV_CPU,
 * EV_IO, EV_LOCK_WAIT, EV_IDLE), 0 when none: while set, the sampler's
 * states of that lane should not be emitted. */
unsigned sdk_map_lane_override(const struct sdk_map *m, uint32_t lane);

/* The task running on lane l now (index), CV_NO_TASK when none: sampled
 * states of the lane belong to it. */
uint32_t sdk_map_lane_task(const struct sdk_map *m, uint32_t lane);

/* Copy the counts. */
void sdk_map_stats(const struct sdk_map *m, struct sdk_map_stats *out);

#endif
