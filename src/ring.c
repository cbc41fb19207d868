/*
 * ring.c - the bounded lock-free MPSC event ring, shared across fork().
 *
 * Layout: a header (ticket counter, consumer position, stall counter) and a
 * power-of-two array of 64-byte slots, each holding a sequence number and one
 * event, in one anonymous MAP_SHARED mapping. This is Vyukov's bounded queue
 * with a fetch-and-add ticket for producers:
 *
 *   producer: pos = fetch_add(tail, 1)             (relaxed: only uniqueness)
 *             wait until slot[pos].seq == pos       (acquire)
 *             slot[pos].ev = ev
 *             slot[pos].seq = pos + 1               (release)
 *   consumer: if slot[head].seq == head + 1         (acquire)
 *                 out = slot[head].ev
 *                 slot[head].seq = head + capacity   (release)
 *                 head++
 *
 * Memory ordering: the producer's release store of seq = pos + 1 orders its
 * write of the event before it, and the consumer's acquire load that sees
 * pos + 1 makes the event visible before the consumer copies it. Likewise the
 * consumer's release store of head + capacity (after copying) pairs with the
 * acquire load of the producer a lap later that waits for seq == pos, so a
 * slot is never overwritten before it was copied. Tickets of one producer
 * increase in its program order (coherence of the single atomic counter), and
 * the consumer takes tickets in increasing order: per producer, events come
 * out in the order they went in. Lock-free atomics on a shared mapping work
 * the same between processes as between threads.
 *
 * Back-pressure: a producer whose slot is still full (the consumer is a lap
 * behind) spins briefly, then sched_yield()s, and adds the time it waited to
 * stall_ns. Slots are padded to a cache line so that producers writing
 * neighbouring tickets do not share a line.
 */
#include <errno.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include "clock.h"
#include "emit.h"
#include "ring.h"

struct ring *emit_ring;

struct ring_slot {
	_Atomic uint64_t seq;
	struct cv_event ev;
	char pad[64 - 8 - sizeof(struct cv_event)];
};

struct ring {
	alignas(64) _Atomic uint64_t tail;   /* next ticket (producers) */
	alignas(64) _Atomic uint64_t head;   /* next ticket to pop (consumer) */
	uint64_t stuck_pos, stuck_since;     /* consumer: hole detection */
	alignas(64) _Atomic uint64_t stall_ns;
	size_t map_size;
	uint64_t mask;
	alignas(64) struct ring_slot slots[];
};

_Static_assert(sizeof(struct ring_slot) == 64, "ring slot must be one cache line");

/* Hint the CPU that we are spinning. */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Map a ring of at least `slots` slots (power of two, >= 2); NULL + errno on failure. */
struct ring *ring_new(size_t slots)
{
	size_t n = 2;
	if (slots > ((size_t)1 << 30)) {
		errno = EINVAL;
		return NULL;
	}
	while (n < slots)
		n <<= 1;
	size_t size = sizeof(struct ring) + n * sizeof(struct ring_slot);
	/* populated now, so that no producer takes a page fault mid-run */
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE,
		       -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	struct ring *r = m;
	r->map_size = size;
	r->mask = n - 1;
	atomic_init(&r->tail, 0);
	atomic_init(&r->head, 0);
	atomic_init(&r->stall_ns, 0);
	for (size_t i = 0; i < n; i++)
		atomic_init(&r->slots[i].seq, i);
	return r;
}

/* Unmap the ring. */
void ring_free(struct ring *r)
{
	if (r)
		munmap(r, r->map_size);
}

/* Wait until slot s is free for ticket pos, counting the time waited. */
static void ring_wait_slot(struct ring *r, struct ring_slot *s, uint64_t pos)
{
	uint64_t t0 = clock_ns();
	unsigned spins = 0;
	while (atomic_load_explicit(&s->seq, memory_order_acquire) != pos) {
		if (++spins < 256)
			cpu_relax();
		else
			sched_yield();
	}
	atomic_fetch_add_explicit(&r->stall_ns, clock_ns() - t0, memory_order_relaxed);
}

/* Push one event, waiting while the ring is full. */
void ring_push(struct ring *r, const struct cv_event *ev)
{
	uint64_t pos = atomic_fetch_add_explicit(&r->tail, 1, memory_order_relaxed);
	struct ring_slot *s = &r->slots[pos & r->mask];
	if (atomic_load_explicit(&s->seq, memory_order_acquire) != pos)
		ring_wait_slot(r, s, pos);
	s->ev = *ev;
	atomic_store_explicit(&s->seq, pos + 1, memory_order_release);
}

/* Pop up to max events in ticket order; returns how many. Consumer only. */
size_t ring_pop(struct ring *r, struct cv_event *out, size_t max)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint64_t cap = r->mask + 1;
	size_t n = 0;
	while (n < max) {
		struct ring_slot *s = &r->slots[head & r->mask];
		if (atomic_load_explicit(&s->seq, memory_order_acquire) != head + 1)
			break;
		out[n++] = s->ev;
		atomic_store_explicit(&s->seq, head + cap, memory_order_release);
		head++;
	}
	atomic_store_explicit(&r->head, head, memory_order_relaxed);
	return n;
}

/* Skip a slot claimed by a producer that died before publishing it. */
int ring_skip_stuck(struct ring *r, uint64_t ns)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	struct ring_slot *s = &r->slots[head & r->mask];
	if (atomic_load_explicit(&r->tail, memory_order_relaxed) <= head ||
	    atomic_load_explicit(&s->seq, memory_order_acquire) == head + 1)
		return 0;
	uint64_t now = clock_ns();
	if (r->stuck_pos != head + 1) {        /* +1: 0 means "none" */
		r->stuck_pos = head + 1;
		r->stuck_since = now;
		return 0;
	}
	if (now - r->stuck_since < ns)
		return 0;
	atomic_store_explicit(&s->seq, head + r->mask + 1, memory_order_release);
	atomic_store_explicit(&r->head, head + 1, memory_order_relaxed);
	r->stuck_pos = 0;
	return 1;
}

/* Return the capacity in slots. */
size_t ring_capacity(const struct ring *r)
{
	return (size_t)r->mask + 1;
}

/* Return the nanoseconds producers waited on a full ring. */
uint64_t ring_stall_ns(const struct ring *r)
{
	return atomic_load_explicit(&((struct ring *)r)->stall_ns, memory_order_relaxed);
}

/* Return how many tickets were claimed. */
uint64_t ring_pushed(const struct ring *r)
{
	return atomic_load_explicit(&((struct ring *)r)->tail, memory_order_relaxed);
}
