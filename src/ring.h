/*
 * ring.h - the bounded, lock-free, multi-producer single-consumer event ring.
 *
 * The ring lives in an anonymous MAP_SHARED mapping made before any fork(),
 * so worker threads and forked worker processes push into the same ring and
 * one consumer (the UI thread, or the main thread when headless) pops.
 *
 * Nothing is dropped: when the ring is full a producer waits (spins, then
 * yields) until the consumer frees a slot, and the nanoseconds it waited are
 * added to a shared counter (ring_stall_ns) so the cost of back-pressure is
 * shown, not hidden. Per producer, events are popped in the order pushed.
 *
 * Limitation: a producer killed between claiming a slot and publishing it
 * (a window of a few instructions) leaves a hole that stops the consumer;
 * ring_pop then reports nothing until ring_skip_stuck() is called by a
 * consumer that knows the producer is dead.
 */
#ifndef CV_RING_H
#define CV_RING_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"

struct ring;

/* Map a ring of at least `slots` slots (rounded up to a power of two, >= 2).
 * Returns NULL with errno set on failure. Call before fork(). */
struct ring *ring_new(size_t slots);

/* Unmap the ring. No producer may use it afterwards. */
void ring_free(struct ring *r);

/* Push one event, waiting while the ring is full. Any thread or process. */
void ring_push(struct ring *r, const struct cv_event *ev);

/* Pop up to max events into out, in ticket order; returns how many (0 when
 * empty). Only the single consumer may call it. */
size_t ring_pop(struct ring *r, struct cv_event *out, size_t max);

/* Return the capacity in slots. */
size_t ring_capacity(const struct ring *r);

/* Return the total nanoseconds producers spent waiting on a full ring. */
uint64_t ring_stall_ns(const struct ring *r);

/* Return how many events were pushed so far (claimed tickets). */
uint64_t ring_pushed(const struct ring *r);

/* Consumer only: if the next slot was claimed but has not been published for
 * at least `ns` nanoseconds, mark it empty and move on. Returns 1 if a slot
 * was skipped. Use only when a producer is known to have died. */
int ring_skip_stuck(struct ring *r, uint64_t ns);

#endif
