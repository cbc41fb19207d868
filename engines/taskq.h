/*
 * taskq.h - where workers take their tasks from: a lock-free claim table.
 *
 * Tasks are claimed in index order. Each task has one atomic word saying
 * who owns it (a worker id) and whether it has ended, and claiming is a
 * single compare-and-swap, so a worker that dies at any instant leaves a
 * clear record: the tasks it owned and did not end. The queue lives in an
 * anonymous MAP_SHARED mapping, so it works the same for threads and for
 * worker processes forked after taskq_new(). It also carries the run's
 * shared cancel flag.
 */
#ifndef CV_TASKQ_H
#define CV_TASKQ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define TASKQ_PARENT 0x7fffffffu /* owner id the controller uses for leftovers */

struct taskq;

/* Map a queue of ntasks tasks; NULL with errno set on failure. */
struct taskq *taskq_new(uint32_t ntasks);

/* Unmap the queue. */
void taskq_free(struct taskq *q);

/* Claim the lowest unclaimed task for worker `who` (1..TASKQ_PARENT);
 * returns its index, or -1 when every task is claimed or the run is
 * cancelled. Any thread or process. */
int64_t taskq_take(struct taskq *q, uint32_t who);

/* Record that task i has ended (done or failed). */
void taskq_done(struct taskq *q, uint32_t i);

/* Return a task claimed by `who` that has not ended, or -1. O(ntasks). */
int64_t taskq_orphan(struct taskq *q, uint32_t who);

/* Set the shared cancel flag. */
void taskq_cancel(struct taskq *q);

/* True once taskq_cancel was called. */
bool taskq_cancelled(struct taskq *q);

/* Return the cancel flag itself (for tick hooks that poll it). */
atomic_bool *taskq_cancel_flag(struct taskq *q);

#endif
