/*
 * test_httpreq.c - the incremental HTTP request parser: whole heads, heads
 * split at every byte, pipelining, keep-alive rules, query overrides and
 * every rejection (400, 413, 414, 431, 505).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "httpreq.h"

/* Parse s in one piece; returns the result and the bytes used in *used. */
static int parse_all(struct httpreq *r, const char *s, size_t *used)
{
	size_t u = 0;
	httpreq_init(r);
	int rc = httpreq_feed(r, s, strlen(s), &u);
	if (used)
		*used = u;
	return rc;
}

/* Parse s and expect an error with status; returns nothing. */
static void expect_error(const char *s, int status)
{
	struct httpreq r;
	int rc = parse_all(&r, s, NULL);
	if (rc != HTTPREQ_ERROR || r.error != status)
		fail_msg("'%s': rc %d error %d, expected error %d", s, rc, r.error, status);
	assert_non_null(r.why);
}

/* A plain GET is complete, with path, version and keep-alive. */
static void test_simple_get(void **state)
{
	(void)state;
	struct httpreq r;
	size_t used;
	const char *s = "GET /a HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: t\r\n\r\n";
	assert_int_equal(parse_all(&r, s, &used), HTTPREQ_DONE);
	assert_int_equal(used, strlen(s));
	assert_int_equal(r.method, HTTPREQ_GET);
	assert_string_equal(r.path, "/a");
	assert_int_equal(r.version_minor, 1);
	assert_true(r.keep_alive);
	assert_false(r.has_ms);
	assert_false(r.has_bytes);
	assert_false(r.has_status);
	/* after DONE nothing more is consumed until init */
	assert_int_equal(httpreq_feed(&r, "GET", 3, &used), HTTPREQ_DONE);
	assert_int_equal(used, 0);
}

/* A head fed one byte at a time, or split at any point, parses the same. */
static void test_split_every_byte(void **state)
{
	(void)state;
	const char *s = "\r\nHEAD /x/y?ms=12.5&bytes=77&status=404&stall=1&z HTTP/1.0\r\n"
			"host: h\r\nConnection: Keep-Alive\r\nX-Long:   a b c  \r\n\r\n";
	size_t n = strlen(s);
	for (size_t cut = 0; cut <= n; cut++) {
		struct httpreq r;
		size_t u1 = 0, u2 = 0;
		httpreq_init(&r);
		int rc = httpreq_feed(&r, s, cut, &u1);
		if (cut < n) {
			assert_int_equal(rc, HTTPREQ_MORE);
			assert_int_equal(u1, cut);
			rc = httpreq_feed(&r, s + cut, n - cut, &u2);
		}
		assert_int_equal(rc, HTTPREQ_DONE);
		assert_int_equal(u1 + u2, n);
		assert_int_equal(r.method, HTTPREQ_HEAD);
		assert_string_equal(r.path, "/x/y");
		assert_int_equal(r.version_minor, 0);
		assert_true(r.keep_alive);
		assert_true(r.has_ms && r.has_bytes && r.has_status);
		assert_true(r.ms == 12.5);
		assert_int_equal(r.bytes, 77);
		assert_int_equal(r.status, 404);
		assert_true(r.stall);
	}
	/* and byte by byte */
	struct httpreq r;
	httpreq_init(&r);
	int rc = HTTPREQ_MORE;
	for (size_t i = 0; i < n; i++) {
		size_t u;
		rc = httpreq_feed(&r, s + i, 1, &u);
		assert_int_equal(u, 1);
		assert_int_equal(rc, i + 1 < n ? HTTPREQ_MORE : HTTPREQ_DONE);
	}
	assert_int_equal(r.bytes, 77);
}

/* Two pipelined requests: the first stops where the second begins. */
static void test_pipelined(void **state)
{
	(void)state;
	const char *s = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2?bytes=3 HTTP/1.1\r\nHost: a\r\n"
			"Connection: close\r\n\r\nGET /3";
	struct httpreq r;
	size_t used, off = 0, n = strlen(s);
	httpreq_init(&r);
	assert_int_equal(httpreq_feed(&r, s, n, &used), HTTPREQ_DONE);
	assert_string_equal(r.path, "/1");
	assert_true(r.keep_alive);
	off += used;
	httpreq_init(&r);
	assert_int_equal(httpreq_feed(&r, s + off, n - off, &used), HTTPREQ_DONE);
	assert_string_equal(r.path, "/2");
	assert_int_equal(r.bytes, 3);
	assert_false(r.keep_alive);
	off += used;
	httpreq_init(&r);
	assert_int_equal(httpreq_feed(&r, s + off, n - off, &used), HTTPREQ_MORE);
	assert_int_equal(off + used, n);
}

/* Keep-alive follows the version and the Connection header. */
static void test_keep_alive_rules(void **state)
{
	(void)state;
	static const struct { const char *head; int keep; } cases[] = {
		{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, CLOSE\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", 0 },
		{ "GET / HTTP/1.9\nHost: a\n\n", 1 },       /* bare LF, later 1.x minor */
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct httpreq r;
		int rc = parse_all(&r, cases[i].head, NULL);
		if (rc != HTTPREQ_DONE || r.keep_alive != (cases[i].keep != 0))
			fail_msg("case %zu: rc %d keep %d (error %d %s)", i, rc, r.keep_alive, r.error,
				 r.why ? r.why : "");
	}
}

/* Other methods parse (the server answers 405); absolute-form targets work. */
static void test_methods_and_targets(void **state)
{
	(void)state;
	struct httpreq r;
	assert_int_equal(parse_all(&r, "POST /p HTTP/1.1\r\nHost: a\r\n\r\n", NULL), HTTPREQ_DONE);
	assert_int_equal(r.method, HTTPREQ_OTHER);
	assert_int_equal(parse_all(&r, "GETX / HTTP/1.1\r\nHost: a\r\n\r\n", NULL), HTTPREQ_DONE);
	assert_int_equal(r.method, HTTPREQ_OTHER);
	assert_int_equal(parse_all(&r, "VERYLONGMETHODNAME / HTTP/1.1\r\nHost: a\r\n\r\n", NULL),
			 HTTPREQ_DONE);
	assert_int_equal(r.method, HTTPREQ_OTHER);
	assert_int_equal(parse_all(&r, "GET http://h:1/q?bytes=9 HTTP/1.1\r\nHost: a\r\n\r\n", NULL),
			 HTTPREQ_DONE);
	assert_string_equal(r.path, "/q");
	assert_int_equal(r.bytes, 9);
	assert_int_equal(parse_all(&r, "GET http://h?ms=1 HTTP/1.1\r\nHost: a\r\n\r\n", NULL),
			 HTTPREQ_DONE);
	assert_string_equal(r.path, "/");
	assert_true(r.has_ms && r.ms == 1);
	assert_int_equal(parse_all(&r, "GET /?other=x&&ms=0&=&status=200 HTTP/1.1\r\nHost: a\r\n\r\n",
				   NULL), HTTPREQ_DONE);
	assert_true(r.has_ms && r.ms == 0);
	assert_int_equal(r.status, 200);
	/* an 8 KiB head minus one byte is fine */
	char big[HTTPREQ_MAX_HEAD + 64];
	int n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	size_t fill = HTTPREQ_MAX_HEAD - (size_t)n - 4;
	memset(big + n, 'v', fill);
	strcpy(big + n + fill, "\r\n\r\n");
	assert_int_equal(strlen(big), HTTPREQ_MAX_HEAD);
	assert_int_equal(parse_all(&r, big, NULL), HTTPREQ_DONE);
}

/* Malformed request lines and headers get 400 (505 for HTTP/2). */
static void test_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"GET\r\n\r\n",
		"GET /\r\n\r\n",                         /* HTTP/0.9 */
		" GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
		"GET / HTTP/1.10\r\nHost: a\r\n\r\n",
		"GET / http/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/a.1\r\nHost: a\r\n\r\n",
		"GET a/b HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /a#f HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET http:// HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n",
		"G(T / HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET / HTTP/1.1\rHost: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
		"GET / HTTP/1.1\r\n: a\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\n\rX",
		"GET / HTTP/1.1\r\n\r\n",                  /* no Host */
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n",
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", /* a TLS hello */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_error(bad[i], 400);
	expect_error("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505);
	expect_error("GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505);
	/* an embedded NUL is a control character */
	struct httpreq r;
	size_t used;
	httpreq_init(&r);
	assert_int_equal(httpreq_feed(&r, "GET /\0 HTTP/1.1\r\n", 17, &used), HTTPREQ_ERROR);
	assert_int_equal(r.error, 400);
	assert_int_equal(used, 6);
	/* after an error nothing more is consumed */
	assert_int_equal(httpreq_feed(&r, "x", 1, &used), HTTPREQ_ERROR);
	assert_int_equal(used, 0);
}

/* Bad query values are rejected with 400; in-range ones are accepted. */
static void test_query_values(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"stall=2", "stall=", "stall", "stall=yes",
		"ms=", "ms", "ms=-1", "ms=1e3", "ms=nan", "ms=inf", "ms=0x10", "ms=1.2.3", "ms=.",
		"ms=600000.5", "ms=99999999999999999999999", "bytes=", "bytes=-1", "bytes=1.5",
		"bytes=67108865", "bytes=999999999999999", "bytes=1k", "status=", "status=99",
		"status=600", "status=20", "status=2000", "status=abc", "status=+20", "ms=%31",
	};
	char head[256];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(head, sizeof head, "GET /a?%s HTTP/1.1\r\nHost: a\r\n\r\n", bad[i]);
		expect_error(head, 400);
	}
	struct httpreq r;
	assert_int_equal(parse_all(&r, "GET /?ms=600000&bytes=67108864&status=599 HTTP/1.1\r\nHost: a\r\n\r\n",
				   NULL), HTTPREQ_DONE);
	assert_true(r.ms == 600000.0);
	assert_int_equal(r.bytes, 67108864);
	assert_int_equal(r.status, 599);
	assert_int_equal(parse_all(&r, "GET /?ms=.5&bytes=0&status=200&ms=3 HTTP/1.1\r\nHost: a\r\n\r\n",
				   NULL), HTTPREQ_DONE);
	assert_true(r.ms == 3.0); /* the last one wins */
	assert_int_equal(r.bytes, 0);
	assert_true(r.has_bytes);
}

/* Oversized heads get 431, long targets 414, bodies 413. */
static void test_limits(void **state)
{
	(void)state;
	struct httpreq r;
	size_t used;
	char *big = malloc(3 * HTTPREQ_MAX_HEAD);
	assert_non_null(big);
	int n = snprintf(big, 64, "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	memset(big + n, 'v', 2 * HTTPREQ_MAX_HEAD);
	strcpy(big + n + 2 * HTTPREQ_MAX_HEAD, "\r\n\r\n");
	assert_int_equal(parse_all(&r, big, &used), HTTPREQ_ERROR);
	assert_int_equal(r.error, 431);
	assert_int_equal(used, HTTPREQ_MAX_HEAD + 1);
	/* many small headers add up too, fed in small pieces */
	httpreq_init(&r);
	int rc = HTTPREQ_MORE;
	rc = httpreq_feed(&r, "GET / HTTP/1.1\r\n", 16, &used);
	for (int i = 0; i < 2000 && rc == HTTPREQ_MORE; i++)
		rc = httpreq_feed(&r, "A: b\r\n", 6, &used);
	assert_int_equal(rc, HTTPREQ_ERROR);
	assert_int_equal(r.error, 431);
	/* endless empty lines before a request line also count */
	memset(big, '\n', 2 * HTTPREQ_MAX_HEAD);
	httpreq_init(&r);
	assert_int_equal(httpreq_feed(&r, big, 2 * HTTPREQ_MAX_HEAD, &used), HTTPREQ_ERROR);
	assert_int_equal(r.error, 431);
	/* a long target */
	memcpy(big, "GET /", 5);
	memset(big + 5, 'p', HTTPREQ_MAX_TARGET + 10);
	strcpy(big + 5 + HTTPREQ_MAX_TARGET + 10, " HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(parse_all(&r, big, NULL), HTTPREQ_ERROR);
	assert_int_equal(r.error, 414);
	/* a target of exactly the limit is fine */
	memset(big + 5, 'p', HTTPREQ_MAX_TARGET - 1);
	strcpy(big + 5 + HTTPREQ_MAX_TARGET - 1, " HTTP/1.1\r\nHost: a\r\n\r\n");
	assert_int_equal(parse_all(&r, big, NULL), HTTPREQ_DONE);
	assert_int_equal(strlen(r.path), HTTPREQ_MAX_TARGET);
	/* a header value longer than we store, for a header we read */
	n = snprintf(big, 64, "GET / HTTP/1.1\r\nHost: a\r\nConnection: ");
	memset(big + n, 'k', 300);
	strcpy(big + n + 300, "\r\n\r\n");
	expect_error(big, 400);
	free(big);
	expect_error("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", 413);
	expect_error("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 413);
	expect_error("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 413);
}

/* Reason phrases exist for what the origin sends. */
static void test_reasons(void **state)
{
	(void)state;
	assert_string_equal(httpreq_reason(200), "OK");
	assert_string_equal(httpreq_reason(404), "Not Found");
	assert_string_equal(httpreq_reason(431), "Request Header Fields Too Large");
	assert_string_equal(httpreq_reason(599), "Unknown");
}

/* Run the parser tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_get),
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_keep_alive_rules),
		cmocka_unit_test(test_methods_and_targets),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_query_values),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
