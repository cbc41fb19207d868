/*
 * origin.c - the embedded HTTP/1.1 origin: a libuv TCP server on its own
 * thread and loop, the default download target of io runs.
 *
 * Every connection is a small state machine driven by one uv_timer:
 *   READ   parse the request head (httpreq.c); the timer is the idle
 *          timeout, armed when the connection becomes idle and not pushed
 *          back by partial data, so a stalled half request is dropped;
 *   WAIT   the timer waits latency + jitter (or ?ms=);
 *   WRITE  header and body go out in one uv_write; the body is `size` bytes
 *          gathered from one shared static chunk; the timer bounds the write;
 *   LINGER after a "Connection: close" answer: shut down our side, read and
 *          drop until the peer closes or a short timer fires, so the client
 *          sees the whole answer instead of a reset.
 * Reading goes on while a request waits and is written: bytes that come
 * meanwhile (pipelined requests) are kept in `pend`, up to ORIGIN_PEND_MAX
 * before reading stops until they are used, and the client's EOF is
 * remembered (its pending requests are still answered, then the connection
 * closes). Stopping and restarting the read instead would cost two
 * epoll_ctl calls per request. A stalled answer stops reading.
 * A request picked for failure (fail_rate) gets a 500 or, half the time, a
 * TCP reset after its wait. Parameters live under a mutex (changed from any
 * thread by origin_configure); counters are atomics; everything else belongs
 * to the loop thread. origin_stop wakes the loop with a uv_async that closes
 * every handle, then joins the thread and frees.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>
#include "httpreq.h"
#include "origin.h"

#define ORIGIN_CHUNK (256 * 1024)      /* the shared body chunk */
#define ORIGIN_READ_BUF (64 * 1024)    /* one read buffer per loop */
#define ORIGIN_LINGER_MS 2000          /* at most, after a close answer */
#define ORIGIN_BACKLOG 8192            /* the kernel caps it at somaxconn */
#define ORIGIN_PEND_MAX (64 * 1024)    /* pipelined bytes kept before reading stops */

enum { C_READ, C_WAIT, C_WRITE, C_LINGER, C_STALL };
enum { FAIL_NO, FAIL_500, FAIL_RESET };

struct conn {
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_write_t wreq;
	uv_shutdown_t sreq;
	struct origin *o;
	struct conn *prev, *next;   /* the origin's list of open connections */
	int state;
	int open_handles;           /* handles not yet closed (2, then 0: free) */
	bool closing, reading;
	bool peer_eof;              /* the client shut down its side (read EOF) */
	bool keep_alive, head_only; /* of the answer being prepared */
	bool stall;                 /* ?stall=1: half the body, then silence */
	int fail, status;
	long body;                  /* octet body bytes (0 with a text body) */
	uint64_t due_ns;            /* WAIT: answer at this uv_hrtime */
	char *pend;                 /* bytes after the request being answered */
	size_t pend_off, pend_len;
	struct httpreq req;
	char hdr[448];              /* response head (+ short text body) */
};

struct origin {
	uv_loop_t loop;
	uv_tcp_t server;
	uv_async_t stop_async;
	pthread_t thread;
	int port;
	char bind[64];
	pthread_mutex_t mu;         /* guards cfg and rng */
	struct origin_cfg cfg;
	uint64_t rng;
	atomic_uint idle_ms;
	struct conn *conns;         /* loop thread only */
	char rbuf[ORIGIN_READ_BUF]; /* loop thread only: reads are consumed at once */
	atomic_ulong n_conn, n_open, n_req, n_resp, n_fail, n_reset, n_rej, n_idle;
};

static char body_chunk[ORIGIN_CHUNK];
static pthread_once_t body_once = PTHREAD_ONCE_INIT;

static void conn_close(struct conn *c);
static void conn_next(struct conn *c);

/* Fill the shared body chunk with printable bytes (once per process). */
static void body_fill(void)
{
	static const char pat[] = "concviz origin body 0123456789abcdefghijklmnopqrstuvwxyz\n";
	for (size_t i = 0; i < sizeof body_chunk; i++)
		body_chunk[i] = pat[i % (sizeof pat - 1)];
}

/* Fill cfg with the defaults. */
void origin_cfg_default(struct origin_cfg *cfg)
{
	cfg->bind = NULL;
	cfg->port = 0;
	cfg->latency_ms = 100;
	cfg->jitter_ms = 0;
	cfg->size = 10240;
	cfg->fail_rate = 0;
}

/* Clamp a duration in ms to 0..HTTPREQ_MAX_MS (NaN counts as 0). */
static double clamp_ms(double ms)
{
	return ms > 0 ? (ms < HTTPREQ_MAX_MS ? ms : HTTPREQ_MAX_MS) : 0;
}

/* Copy the tunable parameters of src into dst, clamped to their ranges. */
static void cfg_copy_params(struct origin_cfg *dst, const struct origin_cfg *src)
{
	dst->latency_ms = clamp_ms(src->latency_ms);
	dst->jitter_ms = clamp_ms(src->jitter_ms);
	dst->size = src->size < 0 ? 0 : src->size > ORIGIN_MAX_SIZE ? ORIGIN_MAX_SIZE : src->size;
	dst->fail_rate = src->fail_rate > 0 ? (src->fail_rate < 1 ? src->fail_rate : 1) : 0;
}

/* Return a uniform double in [0,1) from the splitmix64 state; caller holds mu. */
static double rng_next(struct origin *o)
{
	uint64_t z = (o->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

static void on_timer(uv_timer_t *t);

/* Arm the connection's one timer for ms milliseconds (replacing its use). */
static void conn_timer(struct conn *c, uint64_t ms)
{
	uv_timer_start(&c->timer, on_timer, ms, 0);
}

/* Start or stop reading from the client, tracking the state. */
static void conn_reading(struct conn *c, bool on);

/* Free the connection once both its handles are closed (loop thread). */
static void on_close(uv_handle_t *h)
{
	struct conn *c = h->data;
	if (--c->open_handles > 0)
		return;
	free(c->pend);
	free(c);
}

/* Unlink c from the list of open connections. */
static void conn_unlink(struct conn *c)
{
	struct origin *o = c->o;
	if (c->prev)
		c->prev->next = c->next;
	else
		o->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	atomic_fetch_sub(&o->n_open, 1);
}

/* Close the connection (both handles); pending writes are cancelled. */
static void conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	conn_unlink(c);
	uv_close((uv_handle_t *)&c->timer, on_close);
	uv_close((uv_handle_t *)&c->tcp, on_close);
}

/* Abort the connection with a TCP reset (an injected failure). */
static void conn_reset(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	conn_unlink(c);
	uv_close((uv_handle_t *)&c->timer, on_close);
	if (uv_tcp_close_reset(&c->tcp, on_close) < 0)
		uv_close((uv_handle_t *)&c->tcp, on_close);
}

/* Give libuv the loop's read buffer: every read is consumed before the next. */
static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;
	(void)suggested;
	*buf = uv_buf_init(c->o->rbuf, sizeof c->o->rbuf);
}

/* The write finished: go on with the next request, or linger and close. */
static void on_written(uv_write_t *req, int status);

/* Build the response head for c (and a short text body when text != NULL);
 * returns its length. */
static size_t build_head(struct conn *c, const char *text)
{
	const char *conn = c->keep_alive ? "keep-alive" : "close";
	int n;
	if (text) {
		n = snprintf(c->hdr, sizeof c->hdr,
			     "HTTP/1.1 %d %s\r\nServer: concviz\r\nContent-Type: text/plain\r\n"
			     "Content-Length: %zu\r\n%sConnection: %s\r\n\r\n%s",
			     c->status, httpreq_reason(c->status), strlen(text),
			     c->status == 405 ? "Allow: GET, HEAD\r\n" : "", conn,
			     c->head_only ? "" : text);
	} else if (c->status == 204 || c->status == 304) {
		n = snprintf(c->hdr, sizeof c->hdr,
			     "HTTP/1.1 %d %s\r\nServer: concviz\r\nConnection: %s\r\n\r\n",
			     c->status, httpreq_reason(c->status), conn);
	} else {
		n = snprintf(c->hdr, sizeof c->hdr,
			     "HTTP/1.1 %d %s\r\nServer: concviz\r\n"
			     "Content-Type: application/octet-stream\r\nContent-Length: %ld\r\n"
			     "Connection: %s\r\n\r\n",
			     c->status, httpreq_reason(c->status), c->body, conn);
	}
	return n < 0 ? 0 : (size_t)n < sizeof c->hdr ? (size_t)n : sizeof c->hdr - 1;
}

/* Send c's answer: the head (with text, if any), then the octet body. */
static void conn_send(struct conn *c, const char *text)
{
	uv_buf_t bufs[2 + ORIGIN_MAX_SIZE / ORIGIN_CHUNK];
	unsigned nb = 0;
	if (text)
		c->body = 0;
	bufs[nb++] = uv_buf_init(c->hdr, (unsigned)build_head(c, text));
	if (!text && !c->head_only && c->status != 204 && c->status != 304) {
		for (long left = c->stall ? c->body / 2 : c->body; left > 0; left -= ORIGIN_CHUNK)
			bufs[nb++] = uv_buf_init(body_chunk,
						 left < ORIGIN_CHUNK ? (unsigned)left : ORIGIN_CHUNK);
	}
	c->state = C_WRITE;
	conn_timer(c, atomic_load(&c->o->idle_ms));
	if (uv_write(&c->wreq, (uv_stream_t *)&c->tcp, bufs, nb, on_written) < 0)
		conn_close(c);
}

/* Answer a bad head with its error status and close afterwards. */
static void conn_reject(struct conn *c)
{
	char text[96];
	atomic_fetch_add(&c->o->n_rej, 1);
	conn_reading(c, false);
	c->status = c->req.error;
	c->keep_alive = false;
	c->head_only = false;
	snprintf(text, sizeof text, "concviz origin: %s\n", c->req.why ? c->req.why : "bad request");
	conn_send(c, text);
}

/* The wait is over: answer, fail with a 500, or reset. */
static void conn_answer(struct conn *c)
{
	if (c->fail == FAIL_RESET) {
		atomic_fetch_add(&c->o->n_reset, 1);
		conn_reset(c);
		return;
	}
	if (c->fail == FAIL_500) {
		atomic_fetch_add(&c->o->n_fail, 1);
		c->status = 500;
		conn_send(c, "concviz origin: injected failure\n");
		return;
	}
	if (c->req.method == HTTPREQ_OTHER) {
		c->status = 405;
		conn_send(c, "concviz origin: only GET and HEAD are served\n");
		return;
	}
	conn_send(c, NULL);
}

/* A complete request was parsed: decide its answer and start its wait. */
static void conn_request(struct conn *c)
{
	struct origin *o = c->o;
	const struct httpreq *r = &c->req;
	double wait, u_jit, u_fail, u_kind;
	atomic_fetch_add(&o->n_req, 1);
	pthread_mutex_lock(&o->mu);
	struct origin_cfg cfg = o->cfg;
	u_jit = rng_next(o);
	u_fail = rng_next(o);
	u_kind = rng_next(o);
	pthread_mutex_unlock(&o->mu);

	c->keep_alive = r->keep_alive;
	c->head_only = r->method == HTTPREQ_HEAD;
	c->stall = r->stall;
	c->status = r->has_status ? r->status : 200;
	c->body = r->has_bytes ? r->bytes : cfg.size;
	c->fail = FAIL_NO;
	if (u_fail < cfg.fail_rate)
		c->fail = u_kind < 0.5 ? FAIL_500 : FAIL_RESET;
	if (r->method == HTTPREQ_OTHER && c->fail == FAIL_NO)
		wait = 0; /* 405 at once */
	else
		wait = r->has_ms ? r->ms : cfg.latency_ms + cfg.jitter_ms * u_jit;
	if (wait <= 0) {
		conn_answer(c);
		return;
	}
	c->state = C_WAIT;
	c->due_ns = uv_hrtime() + (uint64_t)(wait * 1e6);
	conn_timer(c, (uint64_t)ceil(wait));
}

/* Feed data to the parser; on a complete request keep the rest in pend
 * (copying it when it is not pend already) and handle the request. */
static void conn_parse(struct conn *c, const char *data, size_t len, bool from_pend)
{
	size_t used = 0;
	int rc = httpreq_feed(&c->req, data, len, &used);
	if (rc == HTTPREQ_MORE) {
		if (from_pend) {
			free(c->pend);
			c->pend = NULL;
			c->pend_off = c->pend_len = 0;
			if (c->peer_eof)
				conn_close(c);   /* the rest of the head will never come */
			else
				conn_reading(c, true);
		}
		return;
	}
	if (rc == HTTPREQ_ERROR) {
		conn_reject(c);
		return;
	}
	if (from_pend) {
		c->pend_off += used;
	} else if (used < len) {
		c->pend = malloc(len - used);
		if (!c->pend) {
			conn_close(c);
			return;
		}
		memcpy(c->pend, data + used, len - used);
		c->pend_off = 0;
		c->pend_len = len - used;
	}
	conn_request(c);
}

/* Keep bytes that came while a request waits or is written (pipelined
 * requests) after those in pend; stop reading past ORIGIN_PEND_MAX. */
static void conn_keep(struct conn *c, const char *data, size_t len)
{
	size_t have = c->pend ? c->pend_len - c->pend_off : 0;
	char *p = malloc(have + len);
	if (!p) {
		conn_close(c);
		return;
	}
	if (have)
		memcpy(p, c->pend + c->pend_off, have);
	memcpy(p + have, data, len);
	free(c->pend);
	c->pend = p;
	c->pend_off = 0;
	c->pend_len = have + len;
	if (c->pend_len >= ORIGIN_PEND_MAX)
		conn_reading(c, false);   /* conn_next reads on once pend is used */
}

/* Bytes arrived (or EOF / an error): parse, keep for later, drop while
 * lingering, or close. */
static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;
	if (nread == 0 || c->closing)
		return;
	bool busy = c->state == C_WAIT || c->state == C_WRITE;
	if (nread == UV_EOF && busy) {
		/* answer what was asked, then close (libuv stopped reading) */
		c->peer_eof = true;
		c->reading = false;
		return;
	}
	if (nread < 0) {
		conn_close(c);
		return;
	}
	if (c->state == C_READ)
		conn_parse(c, buf->base, (size_t)nread, false);
	else if (busy)
		conn_keep(c, buf->base, (size_t)nread);
	/* LINGER: drop what the client still sends */
}

/* Start or stop reading from the client, tracking the state. */
static void conn_reading(struct conn *c, bool on)
{
	if (on == c->reading || c->closing)
		return;
	if (on) {
		if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) < 0) {
			conn_close(c);
			return;
		}
	} else {
		uv_read_stop((uv_stream_t *)&c->tcp);
	}
	c->reading = on;
}

/* The shutdown finished (or failed): keep lingering, or close on error. */
static void on_shutdown(uv_shutdown_t *req, int status)
{
	struct conn *c = req->data;
	if (status < 0 && !c->closing)
		conn_close(c);
}

/* The write finished: go on with the next request, or linger and close. */
static void on_written(uv_write_t *req, int status)
{
	struct conn *c = req->data;
	if (c->closing)
		return;
	if (status < 0) {
		conn_close(c);
		return;
	}
	atomic_fetch_add(&c->o->n_resp, 1);
	if (c->stall) {
		/* a body that stalls half-way: hold the connection, send nothing
		 * more, read nothing, close when the idle timeout runs out */
		c->state = C_STALL;
		conn_reading(c, false);
		conn_timer(c, atomic_load(&c->o->idle_ms));
		return;
	}
	if (c->keep_alive) {
		conn_next(c);
		return;
	}
	c->state = C_LINGER;
	free(c->pend);
	c->pend = NULL;
	c->pend_off = c->pend_len = 0;
	unsigned idle = atomic_load(&c->o->idle_ms);
	conn_timer(c, idle < ORIGIN_LINGER_MS ? idle : ORIGIN_LINGER_MS);
	c->sreq.data = c;
	if (uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, on_shutdown) < 0) {
		conn_close(c);
		return;
	}
	conn_reading(c, true);
}

/* Become idle for the next request: parse pipelined bytes first, then read. */
static void conn_next(struct conn *c)
{
	c->state = C_READ;
	httpreq_init(&c->req);
	conn_timer(c, atomic_load(&c->o->idle_ms));
	if (c->pend && c->pend_off < c->pend_len) {
		conn_parse(c, c->pend + c->pend_off, c->pend_len - c->pend_off, true);
		return;
	}
	free(c->pend);
	c->pend = NULL;
	c->pend_off = c->pend_len = 0;
	if (c->peer_eof) {
		conn_close(c);   /* every request the client sent is answered */
		return;
	}
	conn_reading(c, true);
}

/* The connection's timer fired: idle/write/linger timeout, or answer time. */
static void on_timer(uv_timer_t *t)
{
	struct conn *c = t->data;
	if (c->closing)
		return;
	if (c->state == C_WAIT) {
		uint64_t now = uv_hrtime();
		if (now < c->due_ns) { /* loop time is in whole ms: wait the rest */
			conn_timer(c, (c->due_ns - now + 999999) / 1000000);
			return;
		}
		conn_answer(c);
		return;
	}
	if (c->state == C_READ)
		atomic_fetch_add(&c->o->n_idle, 1);
	conn_close(c);
}

/* Accept a new client and start reading its first request. */
static void on_connection(uv_stream_t *server, int status)
{
	struct origin *o = server->data;
	if (status < 0)
		return;
	struct conn *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->o = o;
	uv_tcp_init(&o->loop, &c->tcp);
	c->tcp.data = c;
	c->wreq.data = c;
	c->sreq.data = c;
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
		c->open_handles = 1;
		uv_close((uv_handle_t *)&c->tcp, on_close);
		return;
	}
	uv_timer_init(&o->loop, &c->timer);
	c->timer.data = c;
	c->open_handles = 2;
	c->next = o->conns;
	if (o->conns)
		o->conns->prev = c;
	o->conns = c;
	atomic_fetch_add(&o->n_conn, 1);
	atomic_fetch_add(&o->n_open, 1);
#ifndef __linux__
	uv_tcp_nodelay(&c->tcp, 1);   /* Linux: inherited from the listener */
#endif
	conn_next(c);
}

/* Stop request from another thread: close the server and every handle. */
static void on_stop(uv_async_t *a)
{
	struct origin *o = a->data;
	uv_close((uv_handle_t *)&o->server, NULL);
	while (o->conns)
		conn_close(o->conns);
	uv_close((uv_handle_t *)&o->stop_async, NULL);
}

/* Thread body: run the loop until on_stop closed every handle. */
static void *origin_main(void *arg)
{
	struct origin *o = arg;
	uv_run(&o->loop, UV_RUN_DEFAULT);
	return NULL;
}

/* Close whatever handle is left (used only on the way out). */
static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/* Raise the soft open-files limit to the hard one (10,000 connections need it). */
static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Bind and listen on cfg's address; returns 0 or a negative errno with err set. */
static int origin_listen(struct origin *o, const struct origin_cfg *cfg, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	int rc;
	if (cfg->port < 0 || cfg->port > 65535) {
		snprintf(err, errlen, "concviz: port %d is out of range; pass a port from 0 to 65535",
			 cfg->port);
		return -EINVAL;
	}
	if (uv_ip4_addr(o->bind, cfg->port, (struct sockaddr_in *)&ss) != 0 &&
	    uv_ip6_addr(o->bind, cfg->port, (struct sockaddr_in6 *)&ss) != 0) {
		snprintf(err, errlen, "concviz: '%s' is not an IPv4 or IPv6 address; bind to 127.0.0.1",
			 o->bind);
		return -EINVAL;
	}
	rc = uv_tcp_bind(&o->server, (struct sockaddr *)&ss, 0);
	/* No Nagle: the tail of a long body must not wait for the client's
	 * delayed ACK. Accepted sockets inherit it from the listener (Linux),
	 * which saves a system call per connection. */
	if (rc == 0)
		rc = uv_tcp_nodelay(&o->server, 1);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&o->server, ORIGIN_BACKLOG, on_connection);
	if (rc == 0) {
		struct sockaddr_storage got;
		int len = sizeof got;
		rc = uv_tcp_getsockname(&o->server, (struct sockaddr *)&got, &len);
		if (rc == 0)
			o->port = ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
								  : ((struct sockaddr_in *)&got)->sin_port);
	}
	if (rc < 0)
		snprintf(err, errlen,
			 "concviz: cannot listen on %s port %d (%s); choose another port or address",
			 o->bind, cfg->port, uv_strerror(rc));
	return rc;
}

/* Start the origin on its own thread; NULL with a one-line message in err
 * ("concviz: <what>; <what to do>"). */
struct origin *origin_start(const struct origin_cfg *cfg, char *err, size_t errlen)
{
	struct origin *o = calloc(1, sizeof *o);
	sigset_t all, old;
	int rc;
	if (!o) {
		snprintf(err, errlen, "concviz: out of memory starting the origin; free some memory");
		return NULL;
	}
	pthread_once(&body_once, body_fill);
	raise_nofile();
	snprintf(o->bind, sizeof o->bind, "%s", cfg->bind ? cfg->bind : "127.0.0.1");
	cfg_copy_params(&o->cfg, cfg);
	o->cfg.bind = NULL;
	o->cfg.port = cfg->port;
	o->rng = uv_hrtime() ^ ((uint64_t)getpid() << 32);
	atomic_init(&o->idle_ms, ORIGIN_IDLE_MS);
	pthread_mutex_init(&o->mu, NULL);
	rc = uv_loop_init(&o->loop);
	if (rc < 0) {
		snprintf(err, errlen,
			 "concviz: cannot create the origin's event loop (%s); check open-file limits",
			 uv_strerror(rc));
		pthread_mutex_destroy(&o->mu);
		free(o);
		return NULL;
	}
	uv_tcp_init(&o->loop, &o->server);
	o->server.data = o;
	uv_async_init(&o->loop, &o->stop_async, on_stop);
	o->stop_async.data = o;
	rc = origin_listen(o, cfg, err, errlen);
	if (rc == 0) {
		/* the loop thread takes no signals (SIGPIPE included: writes get EPIPE) */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		rc = -pthread_create(&o->thread, NULL, origin_main, o);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (rc < 0)
			snprintf(err, errlen,
				 "concviz: cannot start the origin thread (%s); retry with fewer threads",
				 strerror(-rc));
	}
	if (rc < 0) {
		uv_walk(&o->loop, close_walk, NULL);
		uv_run(&o->loop, UV_RUN_DEFAULT);
		uv_loop_close(&o->loop);
		pthread_mutex_destroy(&o->mu);
		free(o);
		return NULL;
	}
	return o;
}

/* Return the port the origin listens on. */
int origin_port(const struct origin *o)
{
	return o->port;
}

/* Change latency/jitter/size/fail_rate for requests from now on (any thread). */
void origin_configure(struct origin *o, const struct origin_cfg *cfg)
{
	pthread_mutex_lock(&o->mu);
	cfg_copy_params(&o->cfg, cfg);
	pthread_mutex_unlock(&o->mu);
}

/* Reseed the random generator (any thread). */
void origin_seed(struct origin *o, unsigned long long seed)
{
	pthread_mutex_lock(&o->mu);
	o->rng = seed;
	pthread_mutex_unlock(&o->mu);
}

/* Set the idle timeout for timers armed from now on (any thread). */
void origin_set_idle_timeout(struct origin *o, unsigned ms)
{
	atomic_store(&o->idle_ms, ms ? ms : 1);
}

/* Copy the counters (any thread). */
void origin_get_counters(const struct origin *o, struct origin_counters *c)
{
	struct origin *m = (struct origin *)o; /* atomic loads need non-const */
	c->connections = atomic_load(&m->n_conn);
	c->open = atomic_load(&m->n_open);
	c->requests = atomic_load(&m->n_req);
	c->responses = atomic_load(&m->n_resp);
	c->failed = atomic_load(&m->n_fail);
	c->resets = atomic_load(&m->n_reset);
	c->rejected = atomic_load(&m->n_rej);
	c->timeouts = atomic_load(&m->n_idle);
}

/* Stop the server, close every connection, join the thread, free. */
void origin_stop(struct origin *o)
{
	if (!o)
		return;
	uv_async_send(&o->stop_async);
	pthread_join(o->thread, NULL);
	uv_walk(&o->loop, close_walk, NULL); /* nothing is left; defensive */
	uv_run(&o->loop, UV_RUN_DEFAULT);
	uv_loop_close(&o->loop);
	pthread_mutex_destroy(&o->mu);
	free(o);
}
