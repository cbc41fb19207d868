/*
 * emit.h - cv_emit(), the one call engines make to record what they do.
 *
 * The current ring is a process-wide pointer set before engines start (and
 * inherited across fork). With no ring set, emitting costs one branch: that
 * is how the tracing overhead is measured.
 */
#ifndef CV_EMIT_H
#define CV_EMIT_H

#include "clock.h"
#include "event.h"
#include "ring.h"

extern struct ring *emit_ring;

/* Stamp an event with the monotonic clock and push it into emit_ring. */
static inline void cv_emit(uint32_t lane, uint32_t task, enum ev_kind kind,
			   uint16_t code, uint32_t aux, uint64_t arg)
{
	if (!emit_ring)
		return;
	struct cv_event ev = { clock_ns(), arg, lane, task, (uint16_t)kind, code, aux };
	ring_push(emit_ring, &ev);
}

#endif
