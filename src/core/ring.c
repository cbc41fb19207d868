/*
 * ring.c - the bounded lock-free MPSC event ring, shared across fork().
 *
 * The ring is a set of single-producer shards in one anonymous MAP_SHARED
 * mapping, made before any fork(). Each producer (a thread, or the main
 * thread of a forked worker process) claims a shard the first time it pushes
 * and then owns it, so pushing needs no atomic read-modify-write and no
 * cache line bounces between producers: an event costs a clock read, a
 * copy and one release store.
 *
 *   producer (shard owner):  if tail - head_cache == cap: reload head (acquire),
 *                            wait while still full (back-pressure)
 *                            ev[tail % cap] = event
 *                            tail = tail + 1                     (release)
 *   consumer:                tail = load (acquire); copy ev[head .. tail)
 *                            head = new head                     (release)
 *
 * Memory ordering: the producer's release store of tail orders the event
 * write before it, and the consumer's acquire load that sees the new tail
 * makes the event visible before it is copied. The consumer's release store
 * of head (after copying) pairs with the producer's acquire reload of head,
 * so a slot is never overwritten before it was copied. Lock-free atomics on
 * a shared mapping work the same between processes as between threads.
 *
 * Order: per producer, events come out in the order pushed (a shard is a
 * FIFO). Across producers, ring_pop merges the shards by timestamp and only
 * takes events stamped before the moment the pop began: an event B that
 * happened after another producer published A (a parent reporting a dead
 * child's lane after reaping it) was stamped after A was visible, so A is
 * always taken first. Events are never dropped: a full shard makes its
 * producer wait (spin, then yield), and the time waited is added to a
 * shared counter (ring_stall_ns).
 *
 * Shards are claimed by thread id (gettid) with a compare-and-swap; the
 * shard of a producer that has died (its thread id no longer exists) or
 * whose id this thread now has is reused. A producer killed mid-push leaves
 * no hole: it never published its slot. After fork() the child's copy of
 * the forking thread claims a shard of its own (pthread_atfork).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "clock.h"
#include "emit.h"
#include "ring.h"

struct ring *emit_ring;

#define RING_SHARDS 320     /* producers alive at once: workers (<= 256), controllers, loop */

struct ring_shard {
	alignas(64) _Atomic uint64_t tail;   /* written by the owner only */
	_Atomic uint64_t head_cache;         /* owner's last look at head (relaxed:
	                                        a dead owner's successor rewrites it) */
	alignas(64) _Atomic uint64_t head;   /* written by the consumer only */
	alignas(64) _Atomic uint32_t owner;  /* thread id of the producer, 0 = free */
};

struct ring_run {                     /* consumer scratch: one shard's events */
	uint64_t head, end;
	uint32_t shard;
};

struct ring {
	uint64_t id;                      /* tells rings apart in the thread cache */
	size_t map_size;
	uint64_t cap, mask;               /* slots per shard */
	alignas(64) _Atomic uint32_t high;   /* shards ever claimed */
	alignas(64) _Atomic uint64_t stall_ns;
	struct ring_shard shards[RING_SHARDS];
	struct ring_run runs[RING_SHARDS];   /* consumer only */
	alignas(64) struct cv_event events[]; /* RING_SHARDS * cap */
};

static _Atomic uint64_t ring_ids = 1;
static __thread uint64_t tls_ring;        /* id of the ring tls_shard belongs to */
static __thread struct ring_shard *tls_shard;
static __thread uint32_t tls_tid;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* In a forked child: forget the parent's shard and thread id. */
static void ring_atfork_child(void)
{
	tls_ring = 0;
	tls_shard = NULL;
	tls_tid = 0;
}

/* Register the fork handler once per process. */
static void ring_atfork_init(void)
{
	pthread_atfork(NULL, NULL, ring_atfork_child);
}

/* Map a ring with shards of at least `slots` slots (power of two, >= 2);
 * NULL + errno on failure. Untouched shards cost no memory. */
struct ring *ring_new(size_t slots)
{
	size_t n = 2;
	if (slots > ((size_t)1 << 24)) {
		errno = EINVAL;
		return NULL;
	}
	while (n < slots)
		n <<= 1;
	pthread_once(&atfork_once, ring_atfork_init);
	size_t size = sizeof(struct ring) + (size_t)RING_SHARDS * n * sizeof(struct cv_event);
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	struct ring *r = m;
	r->id = atomic_fetch_add(&ring_ids, 1);
	r->map_size = size;
	r->cap = n;
	r->mask = n - 1;
	return r;                       /* the mapping is zeroed: every shard free */
}

/* Unmap the ring. */
void ring_free(struct ring *r)
{
	if (r)
		munmap(r, r->map_size);
}

/* Return the events of shard i. */
static inline struct cv_event *shard_events(struct ring *r, uint32_t i)
{
	return r->events + (size_t)i * r->cap;
}

/* True when thread id `tid` no longer exists. */
static bool tid_dead(uint32_t tid)
{
	return kill((pid_t)tid, 0) == -1 && errno == ESRCH;
}

/* Try to take shard i for thread me; true on success. */
static bool shard_take(struct ring *r, uint32_t i, uint32_t me)
{
	uint32_t o = atomic_load_explicit(&r->shards[i].owner, memory_order_relaxed);
	if (o != 0 && o != me && !tid_dead(o))
		return false;
	if (!atomic_compare_exchange_strong(&r->shards[i].owner, &o, me))
		return false;
	/* the previous owner is gone: its unread events stay, in order; the
	 * acquire load pairs with its last release of tail */
	struct ring_shard *sh = &r->shards[i];
	(void)atomic_load_explicit(&sh->tail, memory_order_acquire);
	atomic_store_explicit(&sh->head_cache, atomic_load_explicit(&sh->head, memory_order_acquire),
			      memory_order_relaxed);
	return true;
}

/* Take a shard for thread me: a free one, a dead producer's, the one me
 * already had, or a fresh one; returns its index, or -1 when all are busy. */
static long ring_claim(struct ring *r, uint32_t me)
{
	uint32_t hw = atomic_load_explicit(&r->high, memory_order_acquire);
	for (uint32_t i = 0; i < hw; i++)
		if (shard_take(r, i, me))
			return i;
	while (hw < RING_SHARDS)
		if (atomic_compare_exchange_weak(&r->high, &hw, hw + 1))
			return shard_take(r, hw, me) ? (long)hw : -1;
	return -1;
}

/* Attach the calling thread to a shard of r (its first push into r); waits,
 * counting the time as a stall, while every shard has a live producer. */
static struct ring_shard *ring_attach(struct ring *r)
{
	if (!tls_tid)
		tls_tid = (uint32_t)syscall(SYS_gettid);
	uint64_t t0 = 0;
	long i;
	while ((i = ring_claim(r, tls_tid)) < 0) {
		if (!t0)
			t0 = clock_ns();
		sched_yield();
	}
	if (t0)
		atomic_fetch_add_explicit(&r->stall_ns, clock_ns() - t0, memory_order_relaxed);
	tls_ring = r->id;
	tls_shard = &r->shards[i];
	return tls_shard;
}

/* Hint the CPU that we are spinning. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Wait until shard sh has room for ticket t, counting the time waited. */
static void ring_wait_room(struct ring *r, struct ring_shard *sh, uint64_t t)
{
	uint64_t t0 = clock_ns();
	unsigned spins = 0;
	uint64_t head;
	while (t - (head = atomic_load_explicit(&sh->head, memory_order_acquire)) >= r->cap) {
		if (++spins < 256)
			cpu_relax();
		else
			sched_yield();
	}
	atomic_store_explicit(&sh->head_cache, head, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->stall_ns, clock_ns() - t0, memory_order_relaxed);
}

/* Push one event, waiting while the caller's shard is full. */
void ring_push(struct ring *r, const struct cv_event *ev)
{
	struct ring_shard *sh = tls_shard;
	if (__builtin_expect(tls_ring != r->id, 0))
		sh = ring_attach(r);
	uint64_t t = atomic_load_explicit(&sh->tail, memory_order_relaxed);
	if (__builtin_expect(t - atomic_load_explicit(&sh->head_cache, memory_order_relaxed) >= r->cap, 0)) {
		uint64_t head = atomic_load_explicit(&sh->head, memory_order_acquire);
		atomic_store_explicit(&sh->head_cache, head, memory_order_relaxed);
		if (t - head >= r->cap)
			ring_wait_room(r, sh, t);
	}
	shard_events(r, (uint32_t)(sh - r->shards))[t & r->mask] = *ev;
	atomic_store_explicit(&sh->tail, t + 1, memory_order_release);
}

/* Return how many events of shard i, from head to tail, were stamped before cut
 * (a shard's events are in time order: binary search the first one after). */
static uint64_t run_before(struct ring *r, uint32_t i, uint64_t head, uint64_t tail, uint64_t cut)
{
	const struct cv_event *ev = shard_events(r, i);
	if (ev[(tail - 1) & r->mask].t < cut)
		return tail;
	uint64_t lo = head, hi = tail - 1;       /* ev[hi] is at or after cut */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ev[mid & r->mask].t < cut)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Copy run u's events [head, head + n) to out. */
static void run_copy(struct ring *r, struct ring_run *u, struct cv_event *out, uint64_t n)
{
	const struct cv_event *ev = shard_events(r, u->shard);
	uint64_t at = u->head & r->mask, first = r->cap - at < n ? r->cap - at : n;
	memcpy(out, ev + at, first * sizeof *out);
	memcpy(out + first, ev, (n - first) * sizeof *out);
	u->head += n;
}

/* Pop up to max events stamped before this call, merged by time across
 * shards; returns how many. Only the single consumer may call it. */
size_t ring_pop(struct ring *r, struct cv_event *out, size_t max)
{
	uint64_t cut = clock_ns();
	uint32_t hw = atomic_load_explicit(&r->high, memory_order_acquire), nruns = 0;
	for (uint32_t i = 0; i < hw; i++) {
		struct ring_shard *sh = &r->shards[i];
		uint64_t head = atomic_load_explicit(&sh->head, memory_order_relaxed);
		uint64_t tail = atomic_load_explicit(&sh->tail, memory_order_acquire);
		if (tail == head)
			continue;
		uint64_t end = run_before(r, i, head, tail, cut);
		if (end > head)
			r->runs[nruns++] = (struct ring_run){ head, end, i };
	}
	size_t n = 0;
	if (nruns == 1) {                    /* one producer: copy straight */
		uint64_t k = r->runs[0].end - r->runs[0].head;
		n = k < max ? (size_t)k : max;
		run_copy(r, &r->runs[0], out, n);
	} else {
		while (n < max && nruns > 0) {   /* merge the runs by time */
			uint32_t best = 0;
			uint64_t best_t = UINT64_MAX;
			for (uint32_t k = 0; k < nruns; k++) {
				struct ring_run *u = &r->runs[k];
				uint64_t t = shard_events(r, u->shard)[u->head & r->mask].t;
				if (t < best_t) {
					best_t = t;
					best = k;
				}
			}
			struct ring_run *u = &r->runs[best];
			run_copy(r, u, &out[n++], 1);
			if (u->head == u->end) {
				atomic_store_explicit(&r->shards[u->shard].head, u->head, memory_order_release);
				r->runs[best] = r->runs[--nruns];
			}
		}
	}
	for (uint32_t k = 0; k < nruns; k++)
		atomic_store_explicit(&r->shards[r->runs[k].shard].head, r->runs[k].head,
				      memory_order_release);
	return n;
}

/* Return the capacity of one producer's shard, in slots. */
size_t ring_capacity(const struct ring *r)
{
	return (size_t)r->cap;
}

/* Return the nanoseconds producers waited on a full ring. */
uint64_t ring_stall_ns(const struct ring *r)
{
	return atomic_load_explicit(&((struct ring *)r)->stall_ns, memory_order_relaxed);
}

/* Return how many events were pushed so far, over every shard. */
uint64_t ring_pushed(const struct ring *r)
{
	struct ring *w = (struct ring *)r;
	uint64_t n = 0;
	uint32_t hw = atomic_load_explicit(&w->high, memory_order_acquire);
	for (uint32_t i = 0; i < hw; i++)
		n += atomic_load_explicit(&w->shards[i].tail, memory_order_relaxed);
	return n;
}
