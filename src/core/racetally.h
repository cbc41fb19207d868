/*
 * racetally.h - the race workload's counter as its EV_RACE events report it
 * (tl->race): the value it should reach, its value now or at the end, the
 * updates lost, and the moments they were lost (per lane, for the Gantt).
 *
 * While the run goes, `lost` counts the lost-update moments seen (a value
 * read twice); the final report (RACE_FINAL) makes it exact: increments
 * done minus the final value. Single-threaded (the timeline's consumer).
 */
#ifndef CV_RACETALLY_H
#define CV_RACETALLY_H

#include <stddef.h>
#include "lanemarks.h"
#include "timeline.h"

/* Take one EV_RACE event of lane ev->lane at timeline time t. 0 or -ENOMEM. */
int racetally_event(struct timeline *tl, const struct cv_event *ev, int64_t t);

/* Return how many lost-update moments lane l has in [t0, t1), the first in
 * *first. */
size_t racetally_losses(const struct timeline *tl, uint32_t l, int64_t t0, int64_t t1,
			const struct lanemark **first);

/* Free the marks (timeline_free calls it). */
void racetally_free(struct timeline *tl);

#endif
