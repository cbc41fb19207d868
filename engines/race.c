/*
 * race.c - the race and deadlock workloads' shared state, and their task
 * bodies on lanes that block (seq, threads, procs); see race.h.
 *
 * The lost update is a real data race on shared memory, yet no undefined
 * behaviour: the read and the write are separate relaxed atomic operations
 * (a load, then a store of the value loaded + 1), not one atomic
 * increment. Between them any other lane may write; its update is then
 * overwritten. ThreadSanitizer sees atomics and reports nothing, which is
 * right: concviz means this race, and it is only a lost update, never a
 * torn value. The read table is atomic for the same reason.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include "clock.h"
#include "emit.h"
#include "race.h"
#include "taskrun.h"
#include "workload.h"

#define RACE_LANE_MASK 0xffffffu   /* reader lane + 1 in the low 24 bits of a seen[] entry */
#define DEADLOCK_TICK_NS (2u * 1000u * 1000u) /* work between ticks (GIL, cancel) */
#define RACE_SPIN_STEP 256u                   /* empty iterations between clock reads */

/* Map the shared state of a run of p with up to nlanes lanes. */
struct race *race_new(const struct cv_params *p, uint32_t nlanes)
{
	size_t size = offsetof(struct race, doomed) + (size_t)nlanes + 1;
	struct race *rs = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rs == MAP_FAILED)
		return NULL;
	memset(rs, 0, size);     /* atomics are all zero: no object to initialise */
	rs->map_size = size;
	rs->nlanes = nlanes;
	uint32_t want = p->workload == WL_DEADLOCK ? DEADLOCK_LOCKS : p->lock ? 1 : 0;
	for (; rs->nlocks < want; rs->nlocks++) {
		int rc = mutex_init(&rs->locks[rs->nlocks], rs->nlocks);
		if (rc < 0) {
			race_free(rs);
			errno = -rc;
			return NULL;
		}
	}
	return rs;
}

/* Destroy the locks and unmap. */
void race_free(struct race *rs)
{
	if (!rs)
		return;
	for (uint32_t k = 0; k < rs->nlocks; k++)
		mutex_destroy(&rs->locks[k]);
	munmap(rs, rs->map_size);
}

/* The counter's value when every increment is done. */
uint64_t race_expected(const struct cv_params *p)
{
	return (uint64_t)(p->tasks > 0 ? p->tasks : 0) * RACE_INCREMENTS;
}

/* Mark lane as part of the deadlock found. */
void race_doom(struct race *rs, uint32_t lane)
{
	if (lane < rs->nlanes)
		atomic_store(&rs->doomed[lane], 1);
}

/* True when lane was marked by race_doom. */
bool race_doomed(struct race *rs, uint32_t lane)
{
	return lane < rs->nlanes && atomic_load(&rs->doomed[lane]);
}

/* Read the counter for an increment; report a value read before. */
uint64_t race_read(struct race *rs, uint32_t lane, uint32_t task)
{
	uint64_t v = atomic_load_explicit(&rs->counter, memory_order_relaxed);
	uint64_t me = v << 24 | ((lane + 1) & RACE_LANE_MASK);
	uint64_t old = atomic_exchange_explicit(&rs->seen[v % RACE_SEEN], me, memory_order_relaxed);
	if (old >> 24 == v && (old & RACE_LANE_MASK))
		cv_emit(lane, task, EV_RACE, RACE_LOSS, (uint32_t)(old & RACE_LANE_MASK), v);
	return v;
}

/* Write v + 1: the second half of the read-modify-write. */
void race_write(struct race *rs, uint64_t v)
{
	atomic_store_explicit(&rs->counter, v + 1, memory_order_relaxed);
}

/* Burn ns of the calling thread's CPU time: a fixed amount of work, which
 * a pre-empted thread finishes later (its window stays open meanwhile).
 * The thread's CPU clock is a system call: it is read every
 * RACE_SPIN_STEP empty iterations (well under a microsecond). */
void race_spin(uint64_t ns)
{
	uint64_t end = cpu_thread_ns() + ns;
	do {
		for (unsigned k = 0; k < RACE_SPIN_STEP; k++)
			__asm__ volatile("" ::: "memory");
	} while (cpu_thread_ns() < end);
}

/* The locks task i takes: i mod K, then the next one (in order with
 * lock_order). */
void deadlock_order(const struct cv_params *p, uint32_t i, uint32_t *first, uint32_t *second)
{
	uint32_t a = i % DEADLOCK_LOCKS, b = (i + 1) % DEADLOCK_LOCKS;
	if (p->lock_order && b < a) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	*first = a;
	*second = b;
}

/* Take m for r's task: at once, or let the GIL go and wait. 0, -ECANCELED
 * (the run stopped) or -ETIMEDOUT (nobody ended the wait). */
static int race_take(struct taskrun *r, struct mutex *m)
{
	if (mutex_try(m, r->lane, r->task))
		return 0;
	taskrun_block(r);
	int rc = mutex_wait(m, r->lane, r->task, r->cancel, DEADLOCK_WAIT_MAX_NS);
	taskrun_unblock(r);
	if (rc == 0 && atomic_load_explicit(r->cancel, memory_order_relaxed)) {
		mutex_release(m, r->lane, r->task);   /* got it just as the run stopped */
		rc = -ECANCELED;
	}
	return rc;
}

/* Run race task i on r's lane (see race.h). */
int race_run(struct taskrun *r, uint32_t i)
{
	struct race *rs = r->e->race;
	struct mutex *guard = r->e->p.lock ? &rs->locks[0] : NULL;
	uint64_t cpu0 = cpu_thread_ns();
	uint32_t k;
	(void)i;
	for (k = 0; k < RACE_INCREMENTS; k++) {
		if (taskrun_tick(r))
			break;
		for (uint32_t w = 0; w < RACE_WORK_NS / RACE_WINDOW_NS; w++) {
			race_spin(RACE_WINDOW_NS);
			taskrun_gil_point(r);   /* as often as inside the window */
		}
		if (guard && race_take(r, guard) < 0)
			break;
		uint64_t v = race_read(rs, r->lane, r->task);
		race_spin(RACE_WINDOW_NS / 2);
		taskrun_gil_point(r);       /* the GIL may switch inside x = x + 1 too */
		race_spin(RACE_WINDOW_NS / 2);
		race_write(rs, v);
		if (guard)
			mutex_release(guard, r->lane, r->task);
		atomic_fetch_add_explicit(&rs->done, 1, memory_order_relaxed);
	}
	cv_emit(r->lane, r->task, EV_RACE, RACE_VALUE, k,
		atomic_load_explicit(&rs->counter, memory_order_relaxed));
	if (k < RACE_INCREMENTS) {
		taskrun_end(r, EV_TASK_FAIL, 0, FAIL_CANCELLED, 0);
		return -ECANCELED;
	}
	taskrun_end(r, EV_TASK_END, 0, cpu_used_us(cpu0), 0);
	return 0;
}

/* Sleep ns in slices, as I/O the lane waits for; true when the run stopped. */
static bool deadlock_sleep(struct taskrun *r, uint64_t ns)
{
	uint64_t end = clock_ns() + ns, now;
	while ((now = clock_ns()) < end) {
		if (atomic_load_explicit(r->cancel, memory_order_relaxed))
			return true;
		clock_sleep_ns(end - now < MUTEX_SLICE_NS ? end - now : MUTEX_SLICE_NS);
	}
	return atomic_load_explicit(r->cancel, memory_order_relaxed);
}

/* End r's deadlock task as failed: release what it holds, then fail it
 * with FAIL_DEADLOCK when its lane is in the cycle, else FAIL_TIMEOUT or
 * FAIL_CANCELLED. Returns -ECANCELED. */
static int deadlock_fail(struct taskrun *r, int rc, struct mutex *held)
{
	struct race *rs = r->e->race;
	if (held)
		mutex_release(held, r->lane, r->task);
	uint32_t why = race_doomed(rs, r->lane) ? FAIL_DEADLOCK
		       : rc == -ETIMEDOUT ? FAIL_TIMEOUT : FAIL_CANCELLED;
	taskrun_end(r, EV_TASK_FAIL, 0, why, 0);
	return -ECANCELED;
}

/* Run deadlock task i on r's lane (see race.h). */
int deadlock_run(struct taskrun *r, uint32_t i)
{
	struct race *rs = r->e->race;
	uint32_t a, b;
	uint64_t cpu0 = cpu_thread_ns();
	int rc;
	deadlock_order(&r->e->p, i, &a, &b);
	if ((rc = race_take(r, &rs->locks[a])) < 0)
		return deadlock_fail(r, rc, NULL);
	cv_emit(r->lane, r->task, EV_IO, 0, 0, 0);      /* the window: I/O, holding the lock */
	taskrun_block(r);
	bool stopped = deadlock_sleep(r, DEADLOCK_HOLD_NS);
	taskrun_unblock(r);
	if (stopped)
		return deadlock_fail(r, -ECANCELED, &rs->locks[a]);
	if ((rc = race_take(r, &rs->locks[b])) < 0)
		return deadlock_fail(r, rc, &rs->locks[a]);
	uint64_t end = cpu_thread_ns() + DEADLOCK_WORK_NS;
	for (uint64_t now; (now = cpu_thread_ns()) < end && !taskrun_tick(r);)
		race_spin(end - now < DEADLOCK_TICK_NS ? end - now : DEADLOCK_TICK_NS);
	mutex_release(&rs->locks[b], r->lane, r->task);
	if (atomic_load_explicit(r->cancel, memory_order_relaxed))
		return deadlock_fail(r, -ECANCELED, &rs->locks[a]);
	mutex_release(&rs->locks[a], r->lane, r->task);
	taskrun_end(r, EV_TASK_END, 0, cpu_used_us(cpu0), 0);
	return 0;
}
