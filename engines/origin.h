/*
 * origin.h - the embedded HTTP/1.1 origin: a libuv server on its own thread.
 *
 * Each request waits latency + uniform jitter, then answers `size` bytes;
 * fail_rate of the requests get a 500 or a connection reset. Query
 * parameters ?ms=&bytes=&status= override per request. Binds 127.0.0.1
 * unless told otherwise.
 */
#ifndef CV_ORIGIN_H
#define CV_ORIGIN_H

#include <stddef.h>

#define ORIGIN_MAX_SIZE (64L * 1024 * 1024) /* largest body (size, ?bytes=) */
#define ORIGIN_IDLE_MS 30000  /* default idle timeout: a connection whose request
			       * head has not fully arrived this long after it
			       * became idle, or whose response is not taken, is closed */

struct origin_cfg {
	const char *bind;   /* address; NULL = "127.0.0.1" */
	int port;           /* 0 = ephemeral */
	double latency_ms;  /* default 100 */
	double jitter_ms;   /* default 0 */
	long size;          /* body bytes, default 10240 */
	double fail_rate;   /* 0..1 */
};

struct origin;

/* Fill cfg with the defaults. */
void origin_cfg_default(struct origin_cfg *cfg);

/* Start the origin on its own thread; returns NULL with a one-line message
 * in err ("concviz: <what was wrong>; <what to do>") when it cannot bind.
 * Raises the process's soft RLIMIT_NOFILE to the hard limit. Parameters out
 * of range are clamped (latency/jitter 0..600000 ms, size 0..ORIGIN_MAX_SIZE,
 * fail_rate 0..1). */
struct origin *origin_start(const struct origin_cfg *cfg, char *err, size_t errlen);

/* The port it listens on. */
int origin_port(const struct origin *o);

/* Change latency/jitter/size/fail_rate for requests arriving from now on
 * (thread-safe). */
void origin_configure(struct origin *o, const struct origin_cfg *cfg);

/* Stop the server, close every connection, join its thread, free.
 * NULL is a no-op. */
void origin_stop(struct origin *o);

/* What the origin did since it started; read from any thread. */
struct origin_counters {
	unsigned long connections; /* accepted */
	unsigned long open;        /* open right now */
	unsigned long requests;    /* complete request heads */
	unsigned long responses;   /* responses written completely */
	unsigned long failed;      /* injected 500s */
	unsigned long resets;      /* injected connection resets */
	unsigned long rejected;    /* bad heads answered 4xx/5xx and closed */
	unsigned long timeouts;    /* connections closed by the idle timeout */
};

/* Copy the counters (each read atomically; thread-safe). */
void origin_get_counters(const struct origin *o, struct origin_counters *c);

/* Reseed the failure/jitter random generator, for reproducible runs
 * (thread-safe; the default seed comes from the clock). */
void origin_seed(struct origin *o, unsigned long long seed);

/* Set the idle timeout in ms (default ORIGIN_IDLE_MS, 0 counts as 1;
 * thread-safe); applies to timers armed from now on. The same bound covers
 * writing an answer to a client that does not read it. */
void origin_set_idle_timeout(struct origin *o, unsigned ms);

#endif
