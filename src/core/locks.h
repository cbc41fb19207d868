/*
 * locks.h - who holds and who waits for each lock, from the EV_LOCK_WAIT /
 * TAKE / FREE events, and the waits-for cycle that is a deadlock.
 *
 * The timeline calls locks_event() for every lock event (and MARK_DEADLOCK)
 * and locks_lane_moved() when a waiting lane does anything else, so a live
 * run and a replay of its recording find the same deadlock at the same
 * event. What it keeps:
 *  - per lock, its holder: from TAKE and FREE when the source reports them
 *    (the built-in workloads; those locks are "tracked" and trusted), else
 *    from the holder a wait names (arg), which may be unknown (0: a traced
 *    program's futex), so that no cycle can be proved through it;
 *  - per lane, the lock it waits for now (tl_lane wait_lock, wait_holder,
 *    wait_since) and every wait it made (lanemarks), for the detail line;
 *  - the first waits-for cycle (tl->deadlock), from its lowest lane: lane A
 *    waits for a lock held by B, which waits for one held by ... A. Each
 *    lane waits for at most one lock and each lock has at most one holder,
 *    so a new cycle always goes through the lane whose wait just began: one
 *    walk from it finds it, at most LOCKS_WALK_MAX steps (a crafted file
 *    cannot make it quadratic).
 *
 * Events reach the timeline merged by time, and a source reports a take
 * after taking and a release before releasing, so a cycle seen here is a
 * state the locks were really in: a deadlock, which stays one.
 * Single-threaded (the timeline's consumer).
 */
#ifndef CV_LOCKS_H
#define CV_LOCKS_H

#include <stddef.h>
#include <stdint.h>
#include "lanemarks.h"
#include "timeline.h"

#define LOCKS_WALK_MAX 4096  /* lanes followed from a new wait, at most */

/* Take one EV_LOCK_WAIT / TAKE / FREE or MARK_DEADLOCK event of lane
 * ev->lane at timeline time t (the lane exists). 0 or -ENOMEM. */
int locks_event(struct timeline *tl, const struct cv_event *ev, int64_t t);

/* Lane l stopped waiting (it runs, ended its task or its lane). */
void locks_lane_moved(struct timeline *tl, uint32_t l);

/* Return the holder of lock id now, as lane + 1 (0 = free or unknown). */
uint32_t locks_holder(const struct timeline *tl, uint32_t id);

/* Return the last lock wait lane l began at or before t, or NULL. */
const struct lanemark *locks_wait_at(const struct timeline *tl, uint32_t l, int64_t t);

/* Write a lock's name into buf: "L<id + 1>" for the small ids of the
 * built-in workloads, the id in hex otherwise (a futex address). */
char *locks_name(uint32_t id, char *buf, size_t n);

/* Free what the tracker holds (timeline_free calls it). */
void locks_free(struct timeline *tl);

#endif
