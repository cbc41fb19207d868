/*
 * test_origin.c - the embedded origin over real loopback sockets.
 *
 * The client side is plain POSIX sockets so that the server is tested
 * against something that is not libuv: status and body length, keep-alive
 * and pipelining, query overrides, rejection of bad heads without harm to
 * other clients, the idle timeout of half-sent requests, failure injection,
 * 1,000 concurrent connections, latency (lower bounds only) and a clean stop
 * with connections still open. Every wait on a socket is guarded by poll so
 * a broken server fails a test instead of hanging it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "origin.h"

#define GUARD_MS 10000 /* a hang guard, not a timing assertion */

struct cli {
	int fd;
	size_t len;
	char buf[65536];
};

struct resp {
	int status;
	long clen;      /* Content-Length, -1 when absent */
	long body;      /* body bytes read */
	bool close;     /* Connection: close */
};

/* Return the monotonic time in ms. */
static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Start an origin with latency, size and fail rate; fails the test on error. */
static struct origin *start(double latency, long size, double fail_rate)
{
	struct origin_cfg cfg;
	char err[256] = "";
	origin_cfg_default(&cfg);
	cfg.latency_ms = latency;
	cfg.size = size;
	cfg.fail_rate = fail_rate;
	struct origin *o = origin_start(&cfg, err, sizeof err);
	if (!o)
		fail_msg("origin_start: %s", err);
	assert_true(origin_port(o) > 0);
	return o;
}

/* Connect a new client to 127.0.0.1:port (blocking socket). */
static struct cli *cli_open(int port)
{
	struct cli *c = malloc(sizeof *c);
	assert_non_null(c);
	c->len = 0;
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(c->fd >= 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		fail_msg("connect: %s", strerror(errno));
	return c;
}

/* Close and free a client. */
static void cli_close(struct cli *c)
{
	close(c->fd);
	free(c);
}

/* Send all of s. */
static void cli_send(struct cli *c, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = send(c->fd, s, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			fail_msg("send: %s", strerror(errno));
		s += k;
		n -= (size_t)k;
	}
}

/* Send a NUL-terminated string. */
static void cli_puts(struct cli *c, const char *s)
{
	cli_send(c, s, strlen(s));
}

/* Read more bytes into the buffer; returns >0, 0 at EOF, or a negative errno
 * (-ETIMEDOUT when nothing came within the guard). */
static int cli_fill(struct cli *c)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	int rc = poll(&p, 1, GUARD_MS);
	if (rc == 0)
		return -ETIMEDOUT;
	if (rc < 0)
		return -errno;
	if (c->len == sizeof c->buf)
		c->len = 0; /* only while discarding a body */
	ssize_t k = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
	if (k < 0)
		return -errno;
	c->len += (size_t)k;
	return (int)k;
}

/* Read one response (head, then Content-Length body bytes, none for HEAD);
 * returns 0, -ECONNRESET, -ENODATA (closed before a full head) or
 * -ETIMEDOUT. */
static int cli_response(struct cli *c, struct resp *r, bool head_only)
{
	char *end;
	memset(r, 0, sizeof *r);
	r->clen = -1;
	while (!(end = memmem(c->buf, c->len, "\r\n\r\n", 4))) {
		int rc = cli_fill(c);
		if (rc == 0)
			return -ENODATA;
		if (rc < 0)
			return rc;
	}
	size_t hlen = (size_t)(end - c->buf) + 4;
	char head[4096];
	assert_true(hlen < sizeof head);
	memcpy(head, c->buf, hlen);
	head[hlen] = 0;
	assert_int_equal(sscanf(head, "HTTP/1.1 %d", &r->status), 1);
	for (char *line = strstr(head, "\r\n") + 2; *line; line = strstr(line, "\r\n") + 2) {
		if (!strncasecmp(line, "Content-Length:", 15))
			r->clen = strtol(line + 15, NULL, 10);
		if (!strncasecmp(line, "Connection: close", 17))
			r->close = true;
	}
	memmove(c->buf, c->buf + hlen, c->len - hlen);
	c->len -= hlen;
	long want = head_only || r->clen < 0 ? 0 : r->clen;
	while (r->body < want) {
		if (c->len == 0) {
			int rc = cli_fill(c);
			if (rc <= 0)
				return rc == 0 ? -ENODATA : rc;
		}
		size_t take = (size_t)(want - r->body) < c->len ? (size_t)(want - r->body) : c->len;
		memmove(c->buf, c->buf + take, c->len - take);
		c->len -= take;
		r->body += (long)take;
	}
	return 0;
}

/* Return 0 when the server closed the connection (EOF or reset), else the
 * error / -EEXIST when data came instead. */
static int cli_wait_closed(struct cli *c)
{
	int rc = cli_fill(c);
	if (rc == 0 || rc == -ECONNRESET)
		return 0;
	return rc > 0 ? -EEXIST : rc;
}

/* GET path on c and read the answer into r; returns cli_response's code. */
static int get(struct cli *c, const char *path, struct resp *r)
{
	char req[512];
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", path);
	cli_puts(c, req);
	return cli_response(c, r, false);
}

/* A GET gets 200 and `size` body bytes, and the connection stays open. */
static void test_get(void **state)
{
	(void)state;
	struct origin *o = start(0, 10240, 0);
	struct cli *c = cli_open(origin_port(o));
	struct resp r;
	assert_int_equal(get(c, "/a", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.clen, 10240);
	assert_int_equal(r.body, 10240);
	assert_false(r.close);
	cli_close(c);
	struct origin_counters k;
	origin_get_counters(o, &k);
	assert_int_equal(k.requests, 1);
	/* the write callback may run just after the client read the answer */
	for (int i = 0; i < 5000 && k.responses == 0; i++) {
		usleep(2000);
		origin_get_counters(o, &k);
	}
	assert_int_equal(k.responses, 1);
	origin_stop(o);
}

/* Keep-alive: sequential and pipelined requests on one connection; HEAD. */
static void test_keep_alive(void **state)
{
	(void)state;
	struct origin *o = start(1, 3000, 0);
	struct cli *c = cli_open(origin_port(o));
	struct resp r;
	assert_int_equal(get(c, "/a", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(get(c, "/b", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body, 3000);
	/* three pipelined in one send: a HEAD in the middle has no body */
	cli_puts(c, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: h\r\n\r\n"
		    "GET /3?bytes=17 HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_int_equal(cli_response(c, &r, false), 0);
	assert_int_equal(r.body, 3000);
	assert_int_equal(cli_response(c, &r, true), 0);
	assert_int_equal(r.clen, 3000);
	assert_int_equal(cli_response(c, &r, false), 0);
	assert_int_equal(r.clen, 17);
	assert_int_equal(c->len, 0); /* nothing extra was sent */
	/* HTTP/1.0 without keep-alive: answered, then closed */
	cli_puts(c, "GET /4 HTTP/1.0\r\n\r\n");
	assert_int_equal(cli_response(c, &r, false), 0);
	assert_true(r.close);
	assert_int_equal(cli_wait_closed(c), 0);
	cli_close(c);
	struct origin_counters k;
	origin_get_counters(o, &k);
	assert_int_equal(k.connections, 1);
	assert_int_equal(k.responses, 6);
	origin_stop(o);
}

/* ?ms=&bytes=&status= override per request; origin_configure changes size. */
static void test_overrides(void **state)
{
	(void)state;
	struct origin *o = start(5000, 100, 0); /* only overridden waits finish */
	struct cli *c = cli_open(origin_port(o));
	struct resp r;
	assert_int_equal(get(c, "/x?ms=0&bytes=5&status=404", &r), 0);
	assert_int_equal(r.status, 404);
	assert_int_equal(r.body, 5);
	assert_int_equal(get(c, "/x?ms=1&status=204", &r), 0);
	assert_int_equal(r.status, 204);
	assert_int_equal(r.clen, -1);
	assert_int_equal(get(c, "/x?ms=0&bytes=0", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.clen, 0);
	struct origin_cfg cfg;
	origin_cfg_default(&cfg);
	cfg.latency_ms = 0;
	cfg.size = 7;
	origin_configure(o, &cfg);
	assert_int_equal(get(c, "/x", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body, 7);
	/* the largest body */
	assert_int_equal(get(c, "/x?bytes=67108864", &r), 0);
	assert_int_equal(r.body, ORIGIN_MAX_SIZE);
	/* another method: 405 on a connection that stays usable */
	cli_puts(c, "DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_int_equal(cli_response(c, &r, false), 0);
	assert_int_equal(r.status, 405);
	assert_false(r.close);
	assert_int_equal(get(c, "/x", &r), 0);
	assert_int_equal(r.status, 200);
	/* a bad override value is a 400 */
	assert_int_equal(get(c, "/x?bytes=67108865", &r), 0);
	assert_int_equal(r.status, 400);
	assert_true(r.close);
	cli_close(c);
	origin_stop(o);
}

/* Malformed and oversized heads are answered and closed; others still served. */
static void test_bad_heads(void **state)
{
	(void)state;
	struct origin *o = start(0, 10, 0);
	struct resp r;
	struct cli *bad = cli_open(origin_port(o));
	cli_puts(bad, "GARBAGE\x01\r\n\r\n");
	assert_int_equal(cli_response(bad, &r, false), 0);
	assert_int_equal(r.status, 400);
	assert_true(r.close);
	assert_int_equal(cli_wait_closed(bad), 0);
	cli_close(bad);

	struct cli *good = cli_open(origin_port(o));
	assert_int_equal(get(good, "/ok", &r), 0);
	assert_int_equal(r.status, 200);

	/* a 20 KiB head: 431, read in full by the client (no reset) */
	struct cli *big = cli_open(origin_port(o));
	size_t n = 20 * 1024;
	char *head = malloc(n + 64);
	assert_non_null(head);
	int k = snprintf(head, 64, "GET / HTTP/1.1\r\nHost: h\r\nX-Big: ");
	memset(head + k, 'b', n);
	strcpy(head + k + n, "\r\n\r\n");
	cli_puts(big, head);
	free(head);
	assert_int_equal(cli_response(big, &r, false), 0);
	assert_int_equal(r.status, 431);
	assert_int_equal(cli_wait_closed(big), 0);
	cli_close(big);

	/* a request with a body */
	struct cli *post = cli_open(origin_port(o));
	cli_puts(post, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
	assert_int_equal(cli_response(post, &r, false), 0);
	assert_int_equal(r.status, 413);
	cli_close(post);

	/* binary noise */
	struct cli *noise = cli_open(origin_port(o));
	char junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 7919 % 251);
	cli_send(noise, junk, sizeof junk);
	assert_int_equal(cli_response(noise, &r, false), 0);
	assert_int_equal(r.status, 400);
	cli_close(noise);

	assert_int_equal(get(good, "/still", &r), 0);
	assert_int_equal(r.status, 200);
	cli_close(good);
	struct origin_counters kc;
	origin_get_counters(o, &kc);
	assert_int_equal(kc.rejected, 4);
	origin_stop(o);
}

/* A half-sent request does not block others and is closed when idle. */
static void test_half_request(void **state)
{
	(void)state;
	struct origin *o = start(0, 10, 0);
	origin_set_idle_timeout(o, 200);
	struct cli *half = cli_open(origin_port(o));
	cli_puts(half, "GET /slow HTTP/1.1\r\nHo");
	struct cli *other = cli_open(origin_port(o));
	struct resp r;
	assert_int_equal(get(other, "/fast", &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(cli_wait_closed(half), 0);
	cli_close(half);
	/* a connection that never sends anything is closed too */
	struct cli *mute = cli_open(origin_port(o));
	assert_int_equal(cli_wait_closed(mute), 0);
	cli_close(mute);
	cli_close(other); /* idle too by now, or closed: either is fine */
	struct origin_counters k;
	origin_get_counters(o, &k);
	assert_true(k.timeouts >= 2);
	origin_stop(o);
}

/* fail_rate 1: every request gets a 500 or a reset, and both happen. */
static void test_fail_rate(void **state)
{
	(void)state;
	struct origin *o = start(0, 100, 1.0);
	origin_seed(o, 42);
	int n500 = 0, nreset = 0;
	for (int i = 0; i < 40; i++) {
		struct cli *c = cli_open(origin_port(o));
		struct resp r;
		int rc = get(c, "/f", &r);
		if (rc == 0) {
			assert_int_equal(r.status, 500);
			n500++;
		} else if (rc == -ECONNRESET || rc == -ENODATA) {
			nreset++;
		} else {
			fail_msg("request %d: %s", i, strerror(-rc));
		}
		cli_close(c);
	}
	assert_int_equal(n500 + nreset, 40);
	assert_true(n500 > 0);
	assert_true(nreset > 0);
	struct origin_counters k;
	origin_get_counters(o, &k);
	assert_int_equal(k.failed, (unsigned long)n500);
	assert_int_equal(k.resets, (unsigned long)nreset);
	origin_stop(o);
}

/* 1,000 concurrent connections, all waiting at once, are all answered. */
static void test_thousand(void **state)
{
	(void)state;
	enum { N = 1000 };
	struct origin *o = start(50, 512, 0);
	struct cli **cs = calloc(N, sizeof *cs);
	assert_non_null(cs);
	for (int i = 0; i < N; i++)
		cs[i] = cli_open(origin_port(o));
	for (int i = 0; i < N; i++)
		cli_puts(cs[i], "GET /many HTTP/1.1\r\nHost: h\r\n\r\n");
	int ok = 0;
	for (int i = 0; i < N; i++) {
		struct resp r;
		if (cli_response(cs[i], &r, false) == 0 && r.status == 200 && r.body == 512)
			ok++;
	}
	assert_int_equal(ok, N);
	struct origin_counters k;
	origin_get_counters(o, &k);
	assert_int_equal(k.open, N);
	for (int i = 0; i < N; i++)
		cli_close(cs[i]);
	free(cs);
	origin_stop(o);
}

/* Answers take at least the latency (and ?ms= when given). */
static void test_latency(void **state)
{
	(void)state;
	struct origin *o = start(120, 10, 0);
	struct origin_cfg cfg;
	origin_cfg_default(&cfg);
	cfg.latency_ms = 120;
	cfg.jitter_ms = 30;
	cfg.size = 10;
	origin_configure(o, &cfg);
	struct cli *c = cli_open(origin_port(o));
	struct resp r;
	for (int i = 0; i < 3; i++) {
		double t0 = now_ms();
		assert_int_equal(get(c, "/slow", &r), 0);
		double dt = now_ms() - t0;
		if (dt < 120)
			fail_msg("answered after %.3f ms, latency is 120 ms", dt);
	}
	double t0 = now_ms();
	assert_int_equal(get(c, "/slow?ms=40.5", &r), 0);
	double dt = now_ms() - t0;
	if (dt < 40.5)
		fail_msg("answered after %.3f ms, ?ms=40.5", dt);
	cli_close(c);
	origin_stop(o);
}

/* Stopping with clients mid-request and mid-wait closes them and returns. */
static void test_stop_with_clients(void **state)
{
	(void)state;
	struct origin *o = start(60000, 10, 0);
	struct cli *waiting = cli_open(origin_port(o));
	cli_puts(waiting, "GET /forever HTTP/1.1\r\nHost: h\r\n\r\n");
	struct cli *half = cli_open(origin_port(o));
	cli_puts(half, "GET /for");
	struct cli *idle = cli_open(origin_port(o));
	/* wait until the server has all three */
	struct origin_counters k;
	for (int i = 0; i < 1000; i++) {
		origin_get_counters(o, &k);
		if (k.connections == 3 && k.requests == 1)
			break;
		usleep(2000);
	}
	assert_int_equal(k.requests, 1);
	origin_stop(o);
	assert_int_equal(cli_wait_closed(waiting), 0);
	assert_int_equal(cli_wait_closed(half), 0);
	assert_int_equal(cli_wait_closed(idle), 0);
	cli_close(waiting);
	cli_close(half);
	cli_close(idle);
	origin_stop(NULL);
}

/* A taken port and a bad address fail with a one-line message. */
static void test_bind_errors(void **state)
{
	(void)state;
	struct origin *o = start(0, 1, 0);
	struct origin_cfg cfg;
	char err[256] = "";
	origin_cfg_default(&cfg);
	cfg.port = origin_port(o);
	assert_null(origin_start(&cfg, err, sizeof err));
	assert_true(strlen(err) > 0);
	assert_null(strchr(err, '\n'));
	cfg.port = 0;
	cfg.bind = "not-an-address";
	err[0] = 0;
	assert_null(origin_start(&cfg, err, sizeof err));
	assert_non_null(strstr(err, "not-an-address"));
	cfg.bind = "127.0.0.1";
	cfg.port = 70000;
	assert_null(origin_start(&cfg, err, sizeof err));
	/* IPv6 loopback works when the host has it; not required */
	cfg.bind = "::1";
	cfg.port = 0;
	struct origin *o6 = origin_start(&cfg, err, sizeof err);
	origin_stop(o6);
	origin_stop(o);
}

/* Run the origin tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_bad_heads),
		cmocka_unit_test(test_half_request),
		cmocka_unit_test(test_fail_rate),
		cmocka_unit_test(test_thousand),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_stop_with_clients),
		cmocka_unit_test(test_bind_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
