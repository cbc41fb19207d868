/*
 * concviz.h - tell concviz about your program's tasks. One header, no library.
 *
 *     #include "concviz.h"
 *
 *     uint64_t t = cvz_task_begin("download example.com");
 *     ...                               (the task runs on this thread's lane)
 *     cvz_task_end(t);                  or cvz_task_fail(t, "timeout")
 *     cvz_state(CVZ_IO);                this thread waits on I/O from now ...
 *     cvz_state(CVZ_AUTO);              ... until here: concviz samples it again
 *     cvz_mark("phase 2");              an instant marker on the timeline
 *
 * Build with a plain `cc prog.c` (C99 or later) or `c++ prog.cc`: everything
 * is static inline functions and weak variables, so there is nothing to link
 * and every file of a program that includes the header shares one state.
 * Needs Linux, glibc >= 2.34 (pthread_atfork and pthread_key_create live in
 * libc) or any libc with those in it, a 64-bit little-endian machine, and
 * GCC or Clang; elsewhere every call is a no-op.
 *
 * Untraced (CONCVIZ_SDK unset) the first call reads the environment once;
 * afterwards every call is one load and a branch. Traced, `concviz trace`
 * sets CONCVIZ_SDK to a private directory; each thread, on its first event,
 * creates a shard file of its own there ("<pid>.<tid>", mapped shared) and
 * writes fixed-size records into it: a clock read (CLOCK_MONOTONIC, the
 * clock concviz stamps its own events with), a copy and a release store.
 * Nothing is shared between threads, so no call ever waits for another
 * thread or for concviz: when concviz falls behind and the shard is full,
 * the event is counted as dropped (concviz shows the count), never written
 * over an unread one.
 *
 * Contracts:
 * - Thread-safe: every thread writes only its own shard.
 * - Async-signal-safe once the calling thread has made one call: a call
 *   from a signal handler that interrupts a call on the same thread counts
 *   a dropped event instead of interleaving with it. The first call of a
 *   thread (which opens its shard) is not async-signal-safe; make one call
 *   from the thread before a handler may.
 * - Task ids are unique within the traced program (thread id << 32 | a
 *   per-thread count, never 0). 0 means "not traced": cvz_task_end and
 *   cvz_task_fail accept it and do nothing, so ids may be used unchecked.
 * - A thread that cannot make its shard (the directory is gone) is
 *   untraced from then on. After fork() the child's thread makes a shard
 *   of its own on its next call; exec'd programs inherit CONCVIZ_SDK.
 * - Names are UTF-8; invalid bytes are sent as '?', names longer than
 *   CVZ_WIRE_NAME bytes are cut at a character boundary and end in "…".
 *
 * The shard format (README, "Instrument your program") is below under
 * "Wire format"; concviz's reader (engines/sdk.c) and the Python module
 * (engines/sdk/python/) use the same numbers.
 */
#ifndef CONCVIZ_H
#define CONCVIZ_H

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A thread's explicit state (cvz_state): shown instead of what concviz's
 * sampler sees, until CVZ_AUTO hands the thread back to the sampler. */
enum cvz_state {
	CVZ_AUTO = 0, /* no explicit state: concviz samples the thread */
	CVZ_CPU = 1,  /* running on a CPU */
	CVZ_IO = 2,   /* waiting on I/O */
	CVZ_LOCK = 3, /* waiting for a lock */
	CVZ_IDLE = 4, /* waiting for work */
};

/* --- Wire format (little-endian; version 1) -------------------------------
 *
 * A shard is a file: a 256-byte header, then CVZ_WIRE_COUNT-style records of
 * 128 bytes (the count is in the header: a power of two).
 *
 *   header  0  8  magic "CVZSDK\0\0" (stored last, with a release store)
 *           8  4  version (1)            12  4  header size (256)
 *          16  4  record size (128)      20  4  record count (power of two)
 *          24  4  pid                    28  4  tid (the producer thread)
 *          32  4  clock id (1, CLOCK_MONOTONIC)
 *          36  4  producer (1 C, 2 Python)
 *          40  8  created: clock time the shard was made
 *          64  8  head: records written (the producer's, release store)
 *          72  8  dropped: events the producer could not write
 *         128  8  tail: records read (the consumer's)
 *   record  0  8  t: CLOCK_MONOTONIC ns
 *           8  8  task id (0 = none)
 *          16  4  seq: low 32 bits of the record's index (0, 1, 2 ...)
 *          20  1  kind (enum cvz_kind)   21  1  state (enum cvz_state)
 *          22  1  name length (bytes)    23  1  flags (0)
 *          24 104 name: UTF-8, no NUL, only `length` bytes count
 * Record i lives at header size + (i mod count) * record size. The producer
 * writes record head, then stores head + 1; it never writes record i while
 * i - tail >= count (it counts a drop instead).
 */
#define CVZ_WIRE_MAGIC 0x00004b44535a5643ull /* "CVZSDK\0\0" */
#define CVZ_WIRE_VERSION 1u
#define CVZ_WIRE_HEADER 256u
#define CVZ_WIRE_RECORD 128u
#define CVZ_WIRE_NAME 104u
#define CVZ_WIRE_COUNT 4096u     /* records per shard this header makes */
#define CVZ_WIRE_OFF_HEAD 64u
#define CVZ_WIRE_OFF_DROPPED 72u
#define CVZ_WIRE_OFF_TAIL 128u
#define CVZ_WIRE_CLOCK 1u        /* CLOCK_MONOTONIC on Linux */
#define CVZ_WIRE_PRODUCER_C 1u
#define CVZ_WIRE_PRODUCER_PYTHON 2u

/* What a record says. BEGIN ... MARK come from this header; the rest are
 * the Python module's (a task with a lane of its own, and event loops). */
enum cvz_kind {
	CVZ_K_BEGIN = 1,     /* task `task` starts on this thread's lane; name */
	CVZ_K_END = 2,       /* task ended */
	CVZ_K_FAIL = 3,      /* task failed; name = the reason */
	CVZ_K_CANCEL = 4,    /* task cancelled */
	CVZ_K_STATE = 5,     /* this thread's explicit state is `state` */
	CVZ_K_MARK = 6,      /* an instant marker; name */
	CVZ_K_SPAWN = 7,     /* task created with a lane of its own, queued; name */
	CVZ_K_RUN = 8,       /* that task runs a step on this thread */
	CVZ_K_WAIT = 9,      /* that task is suspended, waiting */
	CVZ_K_LOOP_POLL = 10,/* this thread's event loop blocks in poll */
	CVZ_K_LOOP_RUN = 11, /* this thread's event loop runs callbacks */
	CVZ_K_LOOP_STOP = 12,/* this thread's event loop stopped */
	CVZ_K_COUNT
};

/* One record, as laid out in the shard (128 bytes, no padding). */
struct cvz_wire_record {
	uint64_t t;
	uint64_t task;
	uint32_t seq;
	uint8_t kind, state, len, flags;
	char name[CVZ_WIRE_NAME];
};

/* Return the length (1..4) of the well-formed UTF-8 character at b[i]
 * (b has n bytes), or 0 when it is not one: a stray or overlong form, a
 * surrogate, past U+10FFFF, or cut short. Shared with concviz's reader. */
static inline unsigned cvz_utf8_seq(const unsigned char *b, unsigned long n, unsigned long i)
{
	unsigned c = b[i], k, min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		k = 1, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		k = 2, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 3, min = 0x10000;
	else
		return 0;
	if (n - i <= k)
		return 0;
	unsigned v = c & (0x3fu >> k);
	for (unsigned j = 1; j <= k; j++) {
		if ((b[i + j] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (b[i + j] & 0x3fu);
	}
	return v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ? 0 : k + 1;
}

/* --- Implementation --------------------------------------------------------
 * Names starting with cvz__ are private. The libc calls that strict ISO
 * modes (-std=c99) hide are reached through asm labels, so the header
 * works whatever feature macros the program uses. */

#if defined(__linux__) && defined(__LP64__) && defined(__GNUC__) && \
	defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CVZ__ENABLED 1
#else
#define CVZ__ENABLED 0
#endif

#define CVZ__MAP (CVZ_WIRE_HEADER + CVZ_WIRE_COUNT * CVZ_WIRE_RECORD)
#define CVZ__DIR_MAX 4000

enum { CVZ__UNKNOWN = 0, CVZ__OFF = 1, CVZ__ON = 2, CVZ__INIT = 3 };

/* One thread's producer state. */
struct cvz__thread {
	unsigned char *shard; /* its shard's mapping; NULL before the first event */
	uint64_t head;        /* next record index (the shard's head) */
	uint64_t tail;        /* the consumer's tail when last read */
	uint32_t tid;
	uint32_t tasks;       /* tasks begun on this thread (ids) */
	int busy;             /* a call is writing: a nested call drops */
	int off;              /* no shard can be made: calls do nothing */
	int initing;          /* this thread is reading the environment */
};

struct cvz__timespec {
	long tv_sec, tv_nsec;
};

#if CVZ__ENABLED
/* One definition per program: the linker keeps one of each weak symbol. */
__attribute__((weak)) int cvz__mode;
__attribute__((weak)) int cvz__registered;
__attribute__((weak)) pthread_key_t cvz__key;
__attribute__((weak)) char cvz__dir[CVZ__DIR_MAX];
__attribute__((weak)) __thread struct cvz__thread cvz__me;

extern int cvz__clock_gettime(int clk, struct cvz__timespec *ts) __asm__("clock_gettime");
extern long cvz__syscall(long nr, ...) __asm__("syscall");
extern int cvz__ftruncate(int fd, long len) __asm__("ftruncate");

#ifdef O_CLOEXEC
#define CVZ__O_CLOEXEC O_CLOEXEC
#else
#define CVZ__O_CLOEXEC 02000000
#endif
#ifdef O_NOFOLLOW
#define CVZ__O_NOFOLLOW O_NOFOLLOW
#elif defined(__aarch64__)
#define CVZ__O_NOFOLLOW 0100000
#else
#define CVZ__O_NOFOLLOW 0400000
#endif

/* Read CONCVIZ_SDK once per process; returns 1 when traced. */
static __attribute__((noinline, unused)) int cvz__init(void)
{
	int m = CVZ__UNKNOWN;
	if (__atomic_compare_exchange_n(&cvz__mode, &m, CVZ__INIT, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		cvz__me.initing = 1;
		const char *d = getenv("CONCVIZ_SDK");
		size_t n = 0;
		while (d && n < CVZ__DIR_MAX && d[n])
			n++;
		int on = d && d[0] == '/' && n < CVZ__DIR_MAX;
		if (on)
			memcpy(cvz__dir, d, n + 1);
		__atomic_store_n(&cvz__mode, on ? CVZ__ON : CVZ__OFF, __ATOMIC_RELEASE);
		cvz__me.initing = 0;
		return on;
	}
	if (cvz__me.initing)
		return 0;               /* a signal handler inside our own set-up */
	while (m == CVZ__INIT) {        /* another thread is reading it: microseconds */
		sched_yield();
		m = __atomic_load_n(&cvz__mode, __ATOMIC_ACQUIRE);
	}
	return m == CVZ__ON;
}

/* True when the program is traced: one load and a branch after the first call. */
static inline int cvz__traced(void)
{
	int m = __atomic_load_n(&cvz__mode, __ATOMIC_RELAXED);
	if (__builtin_expect(m == CVZ__OFF, 1))
		return 0;
	return m == CVZ__ON ? 1 : cvz__init();
}

/* At thread exit: unmap the thread's shard (concviz still reads the file). */
static __attribute__((unused)) void cvz__thread_exit(void *map)
{
	if (cvz__me.shard == map) {
		cvz__me.shard = NULL;
		cvz__me.off = 1;        /* later calls from other destructors: nothing */
	}
	munmap(map, CVZ__MAP);
}

/* Forget the calling thread's shard: its next call makes a new one. Run in
 * a fork's child (the shard is the parent thread's); tests use it too. */
static __attribute__((unused)) void cvz__forget(void)
{
	if (cvz__me.shard)
		munmap(cvz__me.shard, CVZ__MAP);
	memset(&cvz__me, 0, sizeof cvz__me);
	if (__atomic_load_n(&cvz__registered, __ATOMIC_ACQUIRE))
		pthread_setspecific(cvz__key, NULL);
}

/* Append the decimal digits of v to p; returns the new end. */
static __attribute__((unused)) char *cvz__digits(char *p, unsigned long v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Create this thread's shard "<dir>/<pid>.<tid>" (".<k>" appended when the
 * name is taken: another copy of this header in the same thread, or a
 * reused thread id); 0, or -1 and the thread is untraced from now on. */
static __attribute__((noinline, unused)) int cvz__attach(struct cvz__thread *me)
{
	int m = __atomic_load_n(&cvz__mode, __ATOMIC_ACQUIRE); /* pairs with cvz__init */
	unsigned long pid = (unsigned long)getpid();
	me->tid = (uint32_t)cvz__syscall(SYS_gettid);
	char path[CVZ__DIR_MAX + 64], *end;
	size_t n = strlen(cvz__dir);
	int fd = -1;
	if (m != CVZ__ON)
		goto fail;
	memcpy(path, cvz__dir, n);
	end = path + n;
	*end++ = '/';
	end = cvz__digits(end, pid);
	*end++ = '.';
	end = cvz__digits(end, me->tid);
	for (unsigned long k = 0; k < 16 && fd < 0; k++) {
		char *e = end;
		if (k) {
			*e++ = '.';
			e = cvz__digits(e, k);
		}
		*e = 0;
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | CVZ__O_CLOEXEC | CVZ__O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		goto fail;
	if (cvz__ftruncate(fd, (long)CVZ__MAP) != 0) {
		unlink(path);
		close(fd);
		goto fail;
	}
	{
		void *p = mmap(NULL, CVZ__MAP, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED) {
			unlink(path);
			goto fail;
		}
		unsigned char *h = (unsigned char *)p;
		uint32_t u[8] = { CVZ_WIRE_VERSION, CVZ_WIRE_HEADER, CVZ_WIRE_RECORD, CVZ_WIRE_COUNT,
				  (uint32_t)pid, me->tid, CVZ_WIRE_CLOCK, CVZ_WIRE_PRODUCER_C };
		struct cvz__timespec ts;
		cvz__clock_gettime(CVZ_WIRE_CLOCK, &ts);
		uint64_t created = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		memcpy(h + 8, u, sizeof u);
		memcpy(h + 40, &created, 8);
		__atomic_store_n((uint64_t *)p, (uint64_t)CVZ_WIRE_MAGIC, __ATOMIC_RELEASE);
		me->shard = h;
		me->head = me->tail = 0;
	}
	if (__atomic_exchange_n(&cvz__registered, 1, __ATOMIC_ACQ_REL) == 0) {
		pthread_key_create(&cvz__key, cvz__thread_exit);
		pthread_atfork(NULL, NULL, cvz__forget);
	}
	pthread_setspecific(cvz__key, me->shard);
	return 0;
fail:
	me->off = 1;
	return -1;
}

/* Count one event this thread could not write. */
static inline void cvz__drop(struct cvz__thread *me)
{
	if (me->shard)
		__atomic_fetch_add((uint64_t *)(me->shard + CVZ_WIRE_OFF_DROPPED), 1, __ATOMIC_RELAXED);
}

/* Replace the bytes of s[0, n) that are not well-formed UTF-8 with '?'. */
static __attribute__((noinline, unused)) void cvz__utf8_fix(char *s, unsigned n)
{
	unsigned char *b = (unsigned char *)s;
	for (unsigned i = 0, k; i < n; i += k)
		if (!(k = cvz_utf8_seq(b, n, i)))
			b[i] = '?', k = 1;  /* a bad lead byte, or a short or bad sequence */
}

/* Copy name into a record's name field; returns its length. */
static inline unsigned cvz__name(char *dst, const char *src)
{
	unsigned n = 0, hi = 0, cut = 0;
	for (; src && src[n]; n++) {
		if (n == CVZ_WIRE_NAME) {
			cut = 1;
			break;
		}
		hi |= (unsigned char)(dst[n] = src[n]);
	}
	if (cut) {                      /* too long: cut, mark with "…" */
		n = CVZ_WIRE_NAME - 3;
		while (n > 0 && ((unsigned char)dst[n] & 0xc0) == 0x80)
			n--;
		memcpy(dst + n, "\xe2\x80\xa6", 3);
		n += 3;
	}
	if (hi & 0x80)
		cvz__utf8_fix(dst, n);
	return n;
}

/* Write one record into the calling thread's shard, or count a drop. */
static __attribute__((unused)) void cvz__put(unsigned kind, uint64_t task, unsigned state,
					      const char *name)
{
	struct cvz__thread *me = &cvz__me;
	if (me->busy) {                 /* a signal handler interrupted a call */
		cvz__drop(me);
		return;
	}
	me->busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (!me->shard && (me->off || cvz__attach(me) != 0))
		goto out;
	{
		uint64_t h = me->head;
		if (h - me->tail >= CVZ_WIRE_COUNT) {
			/* concviz writes the tail with pwrite, which may be caught
			 * mid-way: take it when two loads agree and it is in range */
			const uint64_t *tp = (const uint64_t *)(me->shard + CVZ_WIRE_OFF_TAIL);
			uint64_t t = __atomic_load_n(tp, __ATOMIC_ACQUIRE);
			if (t == __atomic_load_n(tp, __ATOMIC_ACQUIRE) && t - me->tail <= h - me->tail)
				me->tail = t;
			if (h - me->tail >= CVZ_WIRE_COUNT) {
				cvz__drop(me);      /* concviz is behind: never block */
				goto out;
			}
		}
		struct cvz_wire_record *r =
			(struct cvz_wire_record *)(me->shard + CVZ_WIRE_HEADER) + (h & (CVZ_WIRE_COUNT - 1));
		struct cvz__timespec ts;
		cvz__clock_gettime(CVZ_WIRE_CLOCK, &ts);
		r->t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		r->task = task;
		r->seq = (uint32_t)h;
		r->kind = (uint8_t)kind;
		r->state = (uint8_t)state;
		r->len = (uint8_t)(name ? cvz__name(r->name, name) : 0);
		r->flags = 0;
		__atomic_store_n((uint64_t *)(me->shard + CVZ_WIRE_OFF_HEAD), h + 1, __ATOMIC_RELEASE);
		me->head = h + 1;
	}
out:
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	me->busy = 0;
}

/* Return a new task id of the calling thread (attaching it first). */
static inline uint64_t cvz__task_id(struct cvz__thread *me)
{
	if (!me->shard && !me->busy) {
		me->busy = 1;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		if (!me->off)
			cvz__attach(me);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		me->busy = 0;
	}
	if (!me->shard)
		return 0;
	uint32_t k = __atomic_add_fetch(&me->tasks, 1, __ATOMIC_RELAXED) & 0x7fffffffu;
	if (!k)
		k = me->tasks = 1;
	return (uint64_t)me->tid << 32 | k;
}
#endif /* CVZ__ENABLED */

/* Begin a task named `name` on the calling thread's lane; returns its id,
 * 0 when the program is not traced. Costs one load and a branch untraced. */
static inline uint64_t cvz_task_begin(const char *name)
{
#if CVZ__ENABLED
	if (!cvz__traced())
		return 0;
	uint64_t id = cvz__task_id(&cvz__me);
	if (id)
		cvz__put(CVZ_K_BEGIN, id, 0, name);
	return id;
#else
	(void)name;
	return 0;
#endif
}

/* End task `task` (done). 0 is accepted and ignored. */
static inline void cvz_task_end(uint64_t task)
{
#if CVZ__ENABLED
	if (task && cvz__traced())
		cvz__put(CVZ_K_END, task, 0, NULL);
#else
	(void)task;
#endif
}

/* End task `task` as failed, with a short reason ("timeout"; may be NULL). */
static inline void cvz_task_fail(uint64_t task, const char *reason)
{
#if CVZ__ENABLED
	if (task && cvz__traced())
		cvz__put(CVZ_K_FAIL, task, 0, reason);
#else
	(void)task;
	(void)reason;
#endif
}

/* Set the calling thread's explicit state (CVZ_AUTO: back to sampling). */
static inline void cvz_state(enum cvz_state state)
{
#if CVZ__ENABLED
	if (cvz__traced() && (unsigned)state <= CVZ_IDLE)
		cvz__put(CVZ_K_STATE, 0, (unsigned)state, NULL);
#else
	(void)state;
#endif
}

/* Put an instant marker named `name` on the calling thread's lane. */
static inline void cvz_mark(const char *name)
{
#if CVZ__ENABLED
	if (cvz__traced())
		cvz__put(CVZ_K_MARK, 0, 0, name);
#else
	(void)name;
#endif
}

#ifdef __cplusplus
}
#endif

#endif
