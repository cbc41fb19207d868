/*
 * test_io.c - the blocking io client against the embedded origin on
 * 127.0.0.1: bodies and statuses, keep-alive, every failure class, and the
 * proxy rule (loopback bypasses proxies, other hosts keep them).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "netport.h"
#include <curl/curl.h>
#include "io_curl.h"
#include "origin.h"
#include "workload.h"

static struct origin *origin;
static char base[64];        /* "http://127.0.0.1:PORT" */

/* Start the origin: 2 ms latency, 1234-byte bodies, no failures. */
static int setup(void **state)
{
	(void)state;
	struct origin_cfg cfg;
	char err[256];
	origin_cfg_default(&cfg);
	cfg.latency_ms = 2;
	cfg.size = 1234;
	cfg.fail_rate = 0;
	origin = origin_start(&cfg, err, sizeof err);
	if (!origin) {
		fprintf(stderr, "origin: %s\n", err);
		return -1;
	}
	snprintf(base, sizeof base, "http://127.0.0.1:%d", origin_port(origin));
	return 0;
}

/* Stop the origin. */
static int teardown(void **state)
{
	(void)state;
	origin_stop(origin);
	return 0;
}

/* A plain GET: status 200 and the configured body size. */
static void test_ok(void **state)
{
	(void)state;
	struct io_client *c = io_client_new(5000);
	struct io_result r;
	char url[128];
	assert_non_null(c);
	snprintf(url, sizeof url, "%s/a", base);
	assert_int_equal(io_fetch(c, url, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.bytes, 1234);
	assert_int_equal(r.reason, FAIL_NONE);
	snprintf(url, sizeof url, "%s/b?bytes=77777", base);
	assert_int_equal(io_fetch(c, url, &r), 0);
	assert_int_equal(r.bytes, 77777);
	snprintf(url, sizeof url, "%s/c?bytes=0", base);
	assert_int_equal(io_fetch(c, url, &r), 0);
	assert_int_equal(r.bytes, 0);
	io_client_free(c);
}

/* One client reuses its connection: three GETs, one new connection. */
static void test_keep_alive(void **state)
{
	(void)state;
	struct io_client *c = io_client_new(5000);
	struct origin_counters before, after;
	struct io_result r;
	char url[128];
	snprintf(url, sizeof url, "%s/k", base);
	origin_get_counters(origin, &before);
	for (int i = 0; i < 3; i++)
		assert_int_equal(io_fetch(c, url, &r), 0);
	origin_get_counters(origin, &after);
	assert_int_equal(after.connections - before.connections, 1);
	assert_int_equal(after.requests - before.requests, 3);
	io_client_free(c);
}

/* HTTP 500 (and 404) fail as "http" with the status kept. */
static void test_http_status(void **state)
{
	(void)state;
	struct io_client *c = io_client_new(5000);
	struct io_result r;
	char url[128];
	snprintf(url, sizeof url, "%s/x?status=500", base);
	assert_int_equal(io_fetch(c, url, &r), -1);
	assert_int_equal(r.reason, FAIL_HTTP);
	assert_int_equal(r.status, 500);
	assert_string_equal(r.msg, "HTTP 500");
	snprintf(url, sizeof url, "%s/x?status=404", base);
	assert_int_equal(io_fetch(c, url, &r), -1);
	assert_int_equal(r.reason, FAIL_HTTP);
	assert_int_equal(r.status, 404);
	snprintf(url, sizeof url, "%s/x?status=204", base);
	assert_int_equal(io_fetch(c, url, &r), 0);
	assert_int_equal(r.status, 204);
	io_client_free(c);
}

/* A port where nothing listens: "refused", with curl's message. */
static void test_refused(void **state)
{
	(void)state;
	struct io_client *c = io_client_new(5000);
	struct io_result r;
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", netport_dead());
	assert_int_equal(io_fetch(c, url, &r), -1);
	assert_int_equal(r.reason, FAIL_REFUSED);
	assert_int_equal(r.status, 0);
	assert_true(r.msg[0] != '\0');
	io_client_free(c);
}

/* A response slower than the timeout: "timeout"; the client still works. */
static void test_timeout(void **state)
{
	(void)state;
	struct io_client *c = io_client_new(100);
	struct io_result r;
	char url[128];
	snprintf(url, sizeof url, "%s/slow?ms=3000", base);
	assert_int_equal(io_fetch(c, url, &r), -1);
	assert_int_equal(r.reason, FAIL_TIMEOUT);
	assert_non_null(strstr(r.msg, "imed out"));
	snprintf(url, sizeof url, "%s/fast", base);
	assert_int_equal(io_fetch(c, url, &r), 0);
	assert_int_equal(r.bytes, 1234);
	io_client_free(c);
}

/* A name under .invalid never resolves: "dns" (skipped when the resolver
 * needs a network that is not there and times out instead). */
static void test_dns(void **state)
{
	(void)state;
	struct io_client *c = io_client_new(3000);
	struct io_result r;
	assert_int_equal(io_fetch(c, "http://nonexistent.invalid/", &r), -1);
	io_client_free(c);
	if (r.reason == FAIL_TIMEOUT)
		skip();   /* the resolver could not answer in time: no verdict here */
	assert_int_equal(r.reason, FAIL_DNS);
}

/* Loopback URLs ignore proxies from the environment; other hosts use them
 * (here a proxy that refuses, so the failure is "refused", not "dns"). */
static void test_proxy_rule(void **state)
{
	(void)state;
	char proxy[64], url[128];
	struct io_result r;
	snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", netport_dead());
	setenv("http_proxy", proxy, 1);
	struct io_client *c = io_client_new(3000);
	snprintf(url, sizeof url, "%s/p", base);
	assert_int_equal(io_fetch(c, url, &r), 0);
	assert_int_equal(r.bytes, 1234);
	assert_int_equal(io_fetch(c, "http://far-away.invalid/", &r), -1);
	assert_int_equal(r.reason, FAIL_REFUSED);
	io_client_free(c);
	unsetenv("http_proxy");
}

struct flip {
	atomic_bool *flag;
	unsigned ms;
};

/* Thread: set the flag after a while. */
static void *flip_later(void *arg)
{
	struct flip *f = arg;
	usleep(f->ms * 1000);
	atomic_store(f->flag, true);
	return NULL;
}

/* A cancel flag aborts a download: set before, or while it waits. */
static void test_cancel(void **state)
{
	(void)state;
	atomic_bool flag;
	struct io_result r;
	char url[128];
	struct io_client *c = io_client_new(20000);
	snprintf(url, sizeof url, "%s/slow?ms=10000", base);
	atomic_init(&flag, true);
	io_client_set_cancel(c, &flag);
	assert_int_equal(io_fetch(c, url, &r), -1);
	assert_int_equal(r.reason, FAIL_CANCELLED);
	atomic_store(&flag, false);
	struct flip f = { &flag, 100 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, flip_later, &f), 0);
	assert_int_equal(io_fetch(c, url, &r), -1);
	pthread_join(t, NULL);
	assert_int_equal(r.reason, FAIL_CANCELLED);
	io_client_set_cancel(c, NULL);     /* no flag: downloads complete */
	snprintf(url, sizeof url, "%s/after", base);
	assert_int_equal(io_fetch(c, url, &r), 0);
	assert_int_equal(r.bytes, 1234);
	io_client_free(c);
}

/* Which URLs count as loopback. */
static void test_loopback(void **state)
{
	(void)state;
	assert_true(io_url_is_loopback("http://127.0.0.1:8080/a"));
	assert_true(io_url_is_loopback("http://localhost/"));
	assert_true(io_url_is_loopback("https://LOCALHOST:1/"));
	assert_true(io_url_is_loopback("http://[::1]:80/x"));
	assert_false(io_url_is_loopback("http://127.0.0.1.example.com/"));
	assert_false(io_url_is_loopback("http://example.com/?h=127.0.0.1"));
	assert_false(io_url_is_loopback("not a url"));
}

/* io_classify's whole table. */
static void test_classify(void **state)
{
	(void)state;
	static const struct { int code; long status; int reason; } cases[] = {
		{ CURLE_OK, 200, FAIL_NONE },        { CURLE_OK, 399, FAIL_NONE },
		{ CURLE_OK, 400, FAIL_HTTP },        { CURLE_OK, 503, FAIL_HTTP },
		{ CURLE_OPERATION_TIMEDOUT, 0, FAIL_TIMEOUT },
		{ CURLE_COULDNT_CONNECT, 0, FAIL_REFUSED },
		{ CURLE_RECV_ERROR, 0, FAIL_RESET }, { CURLE_SEND_ERROR, 0, FAIL_RESET },
		{ CURLE_GOT_NOTHING, 0, FAIL_RESET },{ CURLE_PARTIAL_FILE, 200, FAIL_RESET },
		{ CURLE_COULDNT_RESOLVE_HOST, 0, FAIL_DNS },
		{ CURLE_SSL_CONNECT_ERROR, 0, FAIL_OTHER },
		{ CURLE_ABORTED_BY_CALLBACK, 0, FAIL_CANCELLED },
		{ CURLE_TOO_MANY_REDIRECTS, 302, FAIL_OTHER },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct io_result r;
		memset(&r, 0, sizeof r);
		io_classify(cases[i].code, cases[i].status, &r);
		if (r.reason != cases[i].reason)
			fail_msg("code %d status %ld: reason %d, want %d", cases[i].code,
				 cases[i].status, r.reason, cases[i].reason);
		assert_int_equal(r.status, (uint16_t)cases[i].status);
		assert_true((r.reason == FAIL_NONE) == (r.msg[0] == '\0'));
	}
	struct io_result r;
	memset(&r, 0, sizeof r);
	strcpy(r.msg, "curl said so");
	io_classify(CURLE_RECV_ERROR, 0, &r);
	assert_string_equal(r.msg, "curl said so");
}

int main(void)
{
	/* Tests decide about proxies themselves. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	io_global_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_http_status),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_proxy_rule),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_classify),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
