/*
 * taskq.c - the claim table: a hint counter (the lowest index that may be
 * free), a cancel flag and one atomic word per task, all in one anonymous
 * shared mapping. A word is 0 while free, the owner id while running, and
 * the owner id with TASKQ_ENDED set once the task has ended. Lock-free:
 * atomic operations on lock-free types work across processes.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/mman.h>
#include "taskq.h"

#define TASKQ_ENDED 0x80000000u

struct taskq {
	size_t maplen;
	uint32_t ntasks;
	atomic_bool cancel;
	atomic_uint_least32_t next;     /* every task below it is claimed */
	atomic_uint_least32_t state[];  /* per task: 0, owner, owner|ENDED */
};

/* Map a queue of ntasks tasks; NULL with errno set. */
struct taskq *taskq_new(uint32_t ntasks)
{
	size_t len = sizeof(struct taskq) + (size_t)ntasks * sizeof(atomic_uint_least32_t);
	struct taskq *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (q == MAP_FAILED)
		return NULL;
	q->maplen = len;
	q->ntasks = ntasks;
	atomic_init(&q->cancel, false);
	atomic_init(&q->next, 0);
	for (uint32_t i = 0; i < ntasks; i++)
		atomic_init(&q->state[i], 0);
	return q;
}

/* Unmap the queue. */
void taskq_free(struct taskq *q)
{
	if (q)
		munmap(q, q->maplen);
}

/* Claim the lowest free task for `who`; -1 when none is left or cancelled.
 * The claim is one CAS on the task's word; the hint only skips ahead. */
int64_t taskq_take(struct taskq *q, uint32_t who)
{
	uint_least32_t i = atomic_load(&q->next);

	while (i < q->ntasks) {
		if (atomic_load_explicit(&q->cancel, memory_order_relaxed))
			return -1;
		uint_least32_t free_word = 0;
		bool mine = atomic_compare_exchange_strong(&q->state[i], &free_word, who);
		uint_least32_t expect = i;
		atomic_compare_exchange_strong(&q->next, &expect, i + 1);
		if (mine)
			return i;
		i = atomic_load(&q->next);
	}
	return -1;
}

/* Record that task i has ended. */
void taskq_done(struct taskq *q, uint32_t i)
{
	if (i < q->ntasks)
		atomic_fetch_or(&q->state[i], TASKQ_ENDED);
}

/* Return a task claimed by `who` that has not ended, or -1. */
int64_t taskq_orphan(struct taskq *q, uint32_t who)
{
	uint32_t end = atomic_load(&q->next);
	if (end > q->ntasks)
		end = q->ntasks;
	/* a worker may have claimed task `next` without advancing the hint */
	if (end < q->ntasks)
		end++;
	for (uint32_t i = 0; i < end; i++)
		if (atomic_load(&q->state[i]) == who)
			return i;
	return -1;
}

/* Set the shared cancel flag. */
void taskq_cancel(struct taskq *q)
{
	atomic_store(&q->cancel, true);
}

/* True once taskq_cancel was called. */
bool taskq_cancelled(struct taskq *q)
{
	return atomic_load(&q->cancel);
}

/* Return the cancel flag itself. */
atomic_bool *taskq_cancel_flag(struct taskq *q)
{
	return &q->cancel;
}
