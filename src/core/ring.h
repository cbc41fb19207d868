/*
 * ring.h - the bounded, lock-free, multi-producer single-consumer event ring.
 *
 * The ring lives in an anonymous MAP_SHARED mapping made before any fork(),
 * so worker threads and forked worker processes push into the same ring and
 * one consumer (the UI thread, or the main thread when headless) pops. Each
 * producer gets a shard of its own on its first push (see ring.c), so
 * producers never contend with each other.
 *
 * Nothing is dropped: when a producer's shard is full it waits (spins, then
 * yields) until the consumer frees a slot, and the nanoseconds it waited are
 * added to a shared counter (ring_stall_ns) so the cost of back-pressure is
 * shown, not hidden. Per producer, events are popped in the order pushed;
 * across producers they are merged by timestamp, so an event that happened
 * after another producer's (a parent reporting its dead child) comes after it.
 * A producer killed mid-push leaves nothing behind.
 */
#ifndef CV_RING_H
#define CV_RING_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"

struct ring;

/* Map a ring whose producers each have at least `slots` slots (rounded up
 * to a power of two, >= 2; at most 2^24). Returns NULL with errno set on
 * failure. Call before fork(). */
struct ring *ring_new(size_t slots);

/* Unmap the ring. No producer may use it afterwards. */
void ring_free(struct ring *r);

/* Push one event, waiting while the caller's shard is full. Any thread or
 * process (at most 320 producers alive at once; more wait for a free shard). */
void ring_push(struct ring *r, const struct cv_event *ev);

/* Pop up to max events stamped before this call into out, merged by time
 * across producers; returns how many (0 when empty). Only the single
 * consumer may call it. */
size_t ring_pop(struct ring *r, struct cv_event *out, size_t max);

/* Return the capacity of one producer's shard, in slots. */
size_t ring_capacity(const struct ring *r);

/* Return the total nanoseconds producers spent waiting on a full ring. */
uint64_t ring_stall_ns(const struct ring *r);

/* Return how many events were pushed so far, over every producer. */
uint64_t ring_pushed(const struct ring *r);

#endif
