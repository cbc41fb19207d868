/*
 * lanemarks.h - instants on lanes, kept per lane in time order: the lock
 * waits of a run (which lock, held by whom) and the moments updates of the
 * race workload's counter were lost. The timeline fills them as events
 * arrive; views look them up by lane and time to draw marks and to say,
 * for a span, which lock its lane waited for.
 *
 * A lane's times never go back (the timeline clamps them), so each lane's
 * marks are sorted by construction and a lookup costs O(log n).
 * Single-threaded: only the timeline's consumer touches them.
 */
#ifndef CV_LANEMARKS_H
#define CV_LANEMARKS_H

#include <stddef.h>
#include <stdint.h>

/* One instant: 24 bytes. */
struct lanemark {
	int64_t t;    /* ns from the timeline's origin */
	uint64_t a;   /* lock wait: lock id; lost update: the value read */
	uint32_t b;   /* lock wait: holder lane + 1 as the event said (0 = unknown);
	                 lost update: the lane + 1 that had read the value before */
	uint32_t c;   /* the lane's task, or CV_NO_TASK */
};

struct lanemarks;

/* Append m to lane's marks, making *lm on first use. Returns 0, -ENOMEM or
 * -EINVAL for a lane past 2^24 (nothing changed then). A time before the
 * lane's last mark is moved up to it. */
int lanemarks_add(struct lanemarks **lm, uint32_t lane, const struct lanemark *m);

/* Return how many marks lane has with t0 <= t < t1, the first in *first
 * (NULL when none). lm may be NULL. */
size_t lanemarks_range(const struct lanemarks *lm, uint32_t lane, int64_t t0, int64_t t1,
		       const struct lanemark **first);

/* Return lane's last mark at or before t, or NULL. */
const struct lanemark *lanemarks_at(const struct lanemarks *lm, uint32_t lane, int64_t t);

/* Return the number of marks of every lane. */
size_t lanemarks_count(const struct lanemarks *lm);

/* Free everything (NULL is fine). */
void lanemarks_free(struct lanemarks *lm);

#endif
