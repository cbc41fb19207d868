/*
 * httpreq.h - an incremental HTTP/1.1 request-head parser (no I/O, no libuv).
 *
 * Feed it bytes as they arrive, in pieces of any size; it answers "need
 * more", "complete request" or "error, answer this status and close". It
 * keeps only what the embedded origin needs (method, path, the ?ms= &bytes=
 * &status= overrides, keep-alive), in a fixed-size struct with no heap use,
 * so a server can hold one per connection. After a complete request the
 * bytes it did not consume belong to the next (pipelined) request.
 *
 * What it accepts (RFC 9112, kept simple):
 *  - request line "METHOD SP target SP HTTP/1.x", single spaces; the target
 *    in origin-form ("/path?query") or absolute-form ("http://host/path");
 *    lines end in CRLF or a bare LF; empty lines before the request line are
 *    skipped.
 *  - the head (request line, headers, blank line) is at most
 *    HTTPREQ_MAX_HEAD bytes, else 431; the target at most HTTPREQ_MAX_TARGET
 *    bytes, else 414.
 *  - HTTP/1.1 needs exactly one Host header (else 400); HTTP/2+ gets 505.
 *  - keep-alive: HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with
 *    "Connection: keep-alive".
 *  - no request bodies: Content-Length > 0 or any Transfer-Encoding gets 413;
 *    a Content-Length that is not a plain number gets 400.
 *  - methods other than GET/HEAD parse as HTTPREQ_OTHER (the server answers
 *    405); queries with a bad ms/bytes/status value get 400; other query
 *    keys are ignored.
 */
#ifndef CV_HTTPREQ_H
#define CV_HTTPREQ_H

#include <stdbool.h>
#include <stddef.h>

#define HTTPREQ_MAX_HEAD   8192      /* request line + headers + blank line */
#define HTTPREQ_MAX_TARGET 1024      /* request-target bytes */
#define HTTPREQ_MAX_MS     600000.0  /* largest ?ms= (10 minutes) */
#define HTTPREQ_MAX_BYTES  (64L * 1024 * 1024) /* largest ?bytes= (64 MiB) */
#define HTTPREQ_MIN_STATUS 200       /* ?status= range */
#define HTTPREQ_MAX_STATUS 599

enum httpreq_result { HTTPREQ_MORE = 0, HTTPREQ_DONE = 1, HTTPREQ_ERROR = -1 };
enum httpreq_method { HTTPREQ_GET = 0, HTTPREQ_HEAD = 1, HTTPREQ_OTHER = 2 };

struct httpreq {
	/* the request: valid after HTTPREQ_DONE */
	enum httpreq_method method;
	char path[HTTPREQ_MAX_TARGET + 1]; /* the target's path, NUL-terminated */
	int version_minor;                 /* 0 for HTTP/1.0, 1 for 1.1 and later */
	bool keep_alive;
	bool has_ms, has_bytes, has_status; /* query overrides present */
	double ms;                          /* ?ms=: 0..HTTPREQ_MAX_MS */
	long bytes;                         /* ?bytes=: 0..HTTPREQ_MAX_BYTES */
	int status;                         /* ?status=: 200..599 */
	bool stall;                         /* ?stall=1: send half the body, then nothing */
	/* after HTTPREQ_ERROR: the status to answer (400, 413, 414, 431, 505)
	 * and a short lower-case reason for the body */
	int error;
	const char *why;
	/* parser state: private */
	int st;
	size_t head;                        /* head bytes seen so far */
	char meth[8];
	size_t mlen, tlen, vlen, nlen, flen;
	char ver[10];
	char name[20];                      /* current header name (lower case) */
	char field[128];                    /* value of an interesting header */
	int hdr;                            /* which interesting header */
	int nhost;
	bool conn_close, conn_keep, have_cl, te;
	long long cl;
};

/* Reset r for a new request (also between pipelined requests). */
void httpreq_init(struct httpreq *r);

/* Parse up to len bytes of buf; *used gets how many were consumed. Returns
 * HTTPREQ_MORE (all consumed, the head is not complete), HTTPREQ_DONE (the
 * request is in r; buf[*used..] starts the next one) or HTTPREQ_ERROR
 * (r->error and r->why set; the connection should be answered and closed).
 * After DONE or ERROR it consumes nothing until httpreq_init. */
int httpreq_feed(struct httpreq *r, const char *buf, size_t len, size_t *used);

/* Return the reason phrase of an HTTP status ("Not Found"); "Unknown" for
 * codes it does not know. */
const char *httpreq_reason(int status);

#endif
