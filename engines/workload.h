/*
 * workload.h - the two jobs: sums of squares (cpu) and HTTP downloads (io).
 *
 * cpu: task i computes sum_{k < n} k*k exactly (128-bit) with n = base + i,
 * in a loop the compiler cannot fold, calling a tick hook every few ms so
 * the engine can emit running slices and the GIL can switch.
 * io: a blocking download with one reusable curl easy handle per worker
 * (thread-local session: connections are reused); the async engine uses the
 * same classification of failures on its multi handles.
 */
#ifndef CV_WORKLOAD_H
#define CV_WORKLOAD_H

#include <stdatomic.h>
#include <stdint.h>
#include "event.h"

/* Called about every tick_ns while a cpu task runs; a nonzero return aborts
 * the task (cancel). */
typedef int (*cpu_tick_fn)(void *ctx);

/* Sum k*k for k < n into *out (128-bit, exact) calling tick(ctx) about every
 * 2 ms; returns 0, or the tick's nonzero value when it aborted. */
int cpu_sum_squares(uint64_t n, unsigned __int128 *out, cpu_tick_fn tick, void *ctx);

/* CPU time the calling thread has used, in ns (CLOCK_THREAD_CPUTIME_ID). */
uint64_t cpu_thread_ns(void);

/* Microseconds of thread CPU time since `since_ns` (from cpu_thread_ns), for
 * EV_TASK_END's aux, at least 1 so that 0 keeps meaning "unknown". */
uint32_t cpu_used_us(uint64_t since_ns);

/* The closed form n(n-1)(2n-1)/6, for tests. */
unsigned __int128 cpu_sum_squares_closed(uint64_t n);

struct io_result {
	uint64_t bytes;        /* body bytes received */
	uint16_t status;       /* HTTP status, 0 when none */
	uint8_t reason;        /* enum fail_reason; FAIL_NONE when done */
	char msg[96];          /* curl's error text when failed */
};

struct io_client;

/* Make a client (one curl easy handle, reused for keep-alive); NULL on OOM. */
struct io_client *io_client_new(double timeout_ms);

/* Free the client. */
void io_client_free(struct io_client *c);

/* Make io_fetch give up (FAIL_CANCELLED) soon after *flag turns true; the
 * flag is polled by curl's progress callback, at least once a second and on
 * every network event. NULL removes it. The flag must outlive the client. */
void io_client_set_cancel(struct io_client *c, atomic_bool *flag);

/* GET url, blocking; fills r. Returns 0 when done, -1 when failed (r->reason). */
int io_fetch(struct io_client *c, const char *url, struct io_result *r);

/* Classify a finished curl transfer (CURLcode + HTTP status) into r. */
void io_classify(int curl_code, long http_status, struct io_result *r);

/* Call curl_global_init once per process (thread-safe). */
void io_global_init(void);

#endif
