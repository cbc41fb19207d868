/*
 * httpreq.c - an incremental HTTP/1.1 request-head parser, one byte at a time.
 *
 * A small state machine walks the request line and the header lines; it
 * stores the method (truncated: only GET and HEAD matter), the target, the
 * version and the values of the few headers that change what the origin
 * does (Connection, Content-Length, Transfer-Encoding; Host is only
 * counted). Every other header is validated and dropped, so the struct has a
 * fixed size whatever the client sends. Because the machine moves one byte
 * at a time, a head split anywhere parses exactly like a head in one piece.
 * Limits and the accepted grammar are described in httpreq.h.
 */
#include <ctype.h>
#include <strings.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "httpreq.h"

enum {
	ST_START, ST_METHOD, ST_TARGET, ST_VERSION, ST_RL_LF, ST_HSTART,
	ST_NAME, ST_VALUE, ST_H_LF, ST_END_LF, ST_DONE, ST_ERROR,
};

enum { HDR_NONE, HDR_HOST, HDR_CONNECTION, HDR_CONTENT_LENGTH, HDR_TE };

/* Reset r for a new request (also between pipelined requests). */
void httpreq_init(struct httpreq *r)
{
	memset(r, 0, sizeof *r);
	r->st = ST_START;
	r->method = HTTPREQ_OTHER;
}

/* Return whether c may appear in a token (method, header name). */
static bool is_tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Put r in the error state with status and reason; returns HTTPREQ_ERROR. */
static int fail(struct httpreq *r, int status, const char *why)
{
	r->st = ST_ERROR;
	r->error = status;
	r->why = why;
	return HTTPREQ_ERROR;
}

/* Return whether s[0..n) is a non-empty run of digits. */
static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Parse one query value of key into r; returns 0 or -1 when it is invalid.
 * Unknown keys are ignored. */
static int query_pair(struct httpreq *r, const char *k, size_t kn, const char *v, size_t vn,
		      bool has_eq)
{
	char tmp[24];
	if (kn == 2 && !memcmp(k, "ms", 2)) {
		size_t dots = 0;
		for (size_t i = 0; i < vn; i++) {
			if (v[i] == '.')
				dots++;
			else if (!isdigit((unsigned char)v[i]))
				return -1;
		}
		if (!has_eq || vn == 0 || vn >= sizeof tmp || dots > 1 || vn == dots)
			return -1;
		memcpy(tmp, v, vn);
		tmp[vn] = 0;
		double ms = strtod(tmp, NULL);
		if (!isfinite(ms) || ms < 0 || ms > HTTPREQ_MAX_MS)
			return -1;
		r->ms = ms;
		r->has_ms = true;
	} else if (kn == 5 && !memcmp(k, "bytes", 5)) {
		if (!has_eq || !all_digits(v, vn) || vn > 12)
			return -1;
		memcpy(tmp, v, vn);
		tmp[vn] = 0;
		long long b = strtoll(tmp, NULL, 10);
		if (b > HTTPREQ_MAX_BYTES)
			return -1;
		r->bytes = (long)b;
		r->has_bytes = true;
	} else if (kn == 6 && !memcmp(k, "status", 6)) {
		if (!has_eq || !all_digits(v, vn) || vn != 3)
			return -1;
		int st = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
		if (st < HTTPREQ_MIN_STATUS || st > HTTPREQ_MAX_STATUS)
			return -1;
		r->status = st;
		r->has_status = true;
	} else if (kn == 5 && !memcmp(k, "stall", 5)) {
		if (!has_eq || vn != 1 || (v[0] != '0' && v[0] != '1'))
			return -1;
		r->stall = v[0] == '1';
	}
	return 0;
}

/* Parse the query string q (after '?', NUL-terminated) into the overrides;
 * returns 0 or -1 on a bad value. */
static int parse_query(struct httpreq *r, const char *q)
{
	while (*q) {
		size_t n = strcspn(q, "&");
		const char *eq = memchr(q, '=', n);
		size_t kn = eq ? (size_t)(eq - q) : n;
		const char *v = eq ? eq + 1 : q + n;
		size_t vn = eq ? n - kn - 1 : 0;
		if (query_pair(r, q, kn, v, vn, eq != NULL) < 0)
			return -1;
		q += n;
		if (*q == '&')
			q++;
	}
	return 0;
}

/* Check the version and split the target into path and query at the end of
 * the request line; returns HTTPREQ_MORE or HTTPREQ_ERROR. */
static int end_request_line(struct httpreq *r)
{
	const char *v = r->ver;
	if (r->vlen != 8 || memcmp(v, "HTTP/", 5) || !isdigit((unsigned char)v[5]) || v[6] != '.' ||
	    !isdigit((unsigned char)v[7]))
		return fail(r, 400, "malformed http version");
	if (v[5] != '1')
		return fail(r, 505, "only http/1.x is supported");
	r->version_minor = v[7] == '0' ? 0 : 1;

	if (r->mlen == 3 && !memcmp(r->meth, "GET", 3))
		r->method = HTTPREQ_GET;
	else if (r->mlen == 4 && !memcmp(r->meth, "HEAD", 4))
		r->method = HTTPREQ_HEAD;
	else
		r->method = HTTPREQ_OTHER;

	char *t = r->path;
	t[r->tlen] = 0;
	if (!strncasecmp(t, "http://", 7) || !strncasecmp(t, "https://", 8)) {
		/* absolute-form: drop scheme and authority, keep path and query */
		char *auth = strstr(t, "://") + 3;
		size_t alen = strcspn(auth, "/?");
		if (alen == 0)
			return fail(r, 400, "empty authority in target");
		char *rest = auth + alen;
		if (*rest == '/') {
			memmove(t, rest, strlen(rest) + 1);
		} else {
			memmove(t + 1, rest, strlen(rest) + 1);
			t[0] = '/';
		}
	} else if (t[0] != '/') {
		return fail(r, 400, "target is not a path");
	}
	if (strchr(t, '#'))
		return fail(r, 400, "fragment in target");
	char *q = strchr(t, '?');
	if (q) {
		*q++ = 0;
		if (parse_query(r, q) < 0)
			return fail(r, 400, "bad ms, bytes or status in query");
	}
	return HTTPREQ_MORE;
}

/* Return whether the comma-separated list s has the token tok (any case). */
static bool has_token(const char *s, const char *tok)
{
	size_t tn = strlen(tok);
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		size_t n = strcspn(s, ",");
		size_t m = n;
		while (m > 0 && (s[m - 1] == ' ' || s[m - 1] == '\t'))
			m--;
		if (m == tn && !strncasecmp(s, tok, tn))
			return true;
		s += n;
	}
	return false;
}

/* Identify the header whose name was just read. */
static int header_kind(const struct httpreq *r)
{
	if (r->nlen >= sizeof r->name)
		return HDR_NONE; /* longer than any name we care about */
	if (!strcmp(r->name, "host"))
		return HDR_HOST;
	if (!strcmp(r->name, "connection"))
		return HDR_CONNECTION;
	if (!strcmp(r->name, "content-length"))
		return HDR_CONTENT_LENGTH;
	if (!strcmp(r->name, "transfer-encoding"))
		return HDR_TE;
	return HDR_NONE;
}

/* Apply a complete header line; returns HTTPREQ_MORE or HTTPREQ_ERROR. */
static int end_header(struct httpreq *r)
{
	size_t n = r->flen;
	const char *f = r->field;
	while (n > 0 && (f[0] == ' ' || f[0] == '\t'))
		f++, n--;
	while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t'))
		n--;
	char val[sizeof r->field];
	memcpy(val, f, n);
	val[n] = 0;
	switch (r->hdr) {
	case HDR_HOST:
		r->nhost++;
		break;
	case HDR_CONNECTION:
		if (has_token(val, "close"))
			r->conn_close = true;
		if (has_token(val, "keep-alive"))
			r->conn_keep = true;
		break;
	case HDR_CONTENT_LENGTH: {
		if (!all_digits(val, n))
			return fail(r, 400, "bad content-length");
		long long cl = n > 15 ? 1000000000000000LL : strtoll(val, NULL, 10);
		if (r->have_cl && cl != r->cl)
			return fail(r, 400, "conflicting content-length");
		r->have_cl = true;
		r->cl = cl;
		break;
	}
	case HDR_TE:
		r->te = true;
		break;
	}
	r->hdr = HDR_NONE;
	r->nlen = r->flen = 0;
	return HTTPREQ_MORE;
}

/* Check the whole head once the blank line arrived; returns DONE or ERROR. */
static int end_head(struct httpreq *r)
{
	if (r->nhost > 1)
		return fail(r, 400, "more than one host header");
	if (r->version_minor >= 1 && r->nhost == 0)
		return fail(r, 400, "http/1.1 request without host header");
	if (r->te || (r->have_cl && r->cl > 0))
		return fail(r, 413, "request bodies are not accepted");
	r->keep_alive = r->version_minor >= 1 ? !r->conn_close : (r->conn_keep && !r->conn_close);
	r->st = ST_DONE;
	return HTTPREQ_DONE;
}

/* Advance the state machine by one byte; returns MORE, DONE or ERROR. */
static int step(struct httpreq *r, unsigned char c)
{
	switch (r->st) {
	case ST_START:
		if (c == '\r' || c == '\n')
			return HTTPREQ_MORE;
		if (!is_tchar(c))
			return fail(r, 400, "malformed request line");
		r->st = ST_METHOD;
		/* fall through */
	case ST_METHOD:
		if (c == ' ') {
			if (r->mlen == 0)
				return fail(r, 400, "malformed request line");
			r->st = ST_TARGET;
		} else if (is_tchar(c)) {
			if (r->mlen < sizeof r->meth)
				r->meth[r->mlen] = (char)c;
			r->mlen += r->mlen < sizeof r->meth; /* longer: some other method */
		} else {
			return fail(r, 400, "malformed method");
		}
		return HTTPREQ_MORE;
	case ST_TARGET:
		if (c == ' ') {
			if (r->tlen == 0)
				return fail(r, 400, "malformed request line");
			r->st = ST_VERSION;
		} else if (c > 0x20 && c < 0x7f) {
			if (r->tlen >= HTTPREQ_MAX_TARGET)
				return fail(r, 414, "request target too long");
			r->path[r->tlen++] = (char)c;
		} else {
			return fail(r, 400, "malformed request target");
		}
		return HTTPREQ_MORE;
	case ST_VERSION:
		if (c == '\r') {
			r->st = ST_RL_LF;
			return HTTPREQ_MORE;
		}
		if (c == '\n') {
			r->st = ST_HSTART;
			return end_request_line(r);
		}
		if (r->vlen >= 8 || c <= 0x20 || c >= 0x7f)
			return fail(r, 400, "malformed http version");
		r->ver[r->vlen++] = (char)c;
		return HTTPREQ_MORE;
	case ST_RL_LF:
		if (c != '\n')
			return fail(r, 400, "bare cr in request line");
		r->st = ST_HSTART;
		return end_request_line(r);
	case ST_HSTART:
		if (c == '\r') {
			r->st = ST_END_LF;
			return HTTPREQ_MORE;
		}
		if (c == '\n')
			return end_head(r);
		if (!is_tchar(c))
			return fail(r, 400, c == ' ' || c == '\t' ? "folded header line" : "malformed header name");
		r->st = ST_NAME;
		/* fall through */
	case ST_NAME:
		if (c == ':') {
			if (r->nlen < sizeof r->name)
				r->name[r->nlen] = 0;
			r->hdr = header_kind(r);
			r->flen = 0;
			r->st = ST_VALUE;
		} else if (is_tchar(c)) {
			if (r->nlen < sizeof r->name - 1)
				r->name[r->nlen] = (char)tolower(c);
			r->nlen += r->nlen < sizeof r->name; /* stays >= sizeof when too long */
		} else {
			return fail(r, 400, "malformed header name");
		}
		return HTTPREQ_MORE;
	case ST_VALUE:
		if (c == '\r') {
			r->st = ST_H_LF;
			return HTTPREQ_MORE;
		}
		if (c == '\n') {
			r->st = ST_HSTART;
			return end_header(r);
		}
		if (c != '\t' && (c < 0x20 || c == 0x7f))
			return fail(r, 400, "control character in header value");
		if (r->hdr != HDR_NONE && r->hdr != HDR_HOST) {
			if (r->flen >= sizeof r->field - 1)
				return fail(r, 400, "header value too long");
			r->field[r->flen++] = (char)c;
		}
		return HTTPREQ_MORE;
	case ST_H_LF:
		if (c != '\n')
			return fail(r, 400, "bare cr in header");
		r->st = ST_HSTART;
		return end_header(r);
	case ST_END_LF:
		if (c != '\n')
			return fail(r, 400, "bare cr at end of head");
		return end_head(r);
	}
	return r->st == ST_DONE ? HTTPREQ_DONE : HTTPREQ_ERROR;
}

/* Parse up to len bytes of buf; see httpreq.h for the contract. */
int httpreq_feed(struct httpreq *r, const char *buf, size_t len, size_t *used)
{
	*used = 0;
	if (r->st == ST_DONE)
		return HTTPREQ_DONE;
	if (r->st == ST_ERROR)
		return HTTPREQ_ERROR;
	for (size_t i = 0; i < len; i++) {
		*used = i + 1;
		if (++r->head > HTTPREQ_MAX_HEAD)
			return fail(r, 431, "request head larger than 8 KiB");
		int rc = step(r, (unsigned char)buf[i]);
		if (rc != HTTPREQ_MORE)
			return rc;
	}
	return HTTPREQ_MORE;
}

/* Return the reason phrase of an HTTP status; "Unknown" when not listed. */
const char *httpreq_reason(int status)
{
	static const struct { int code; const char *text; } reasons[] = {
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" }, { 204, "No Content" },
		{ 206, "Partial Content" }, { 301, "Moved Permanently" }, { 302, "Found" },
		{ 303, "See Other" }, { 304, "Not Modified" }, { 307, "Temporary Redirect" },
		{ 308, "Permanent Redirect" }, { 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 409, "Conflict" }, { 410, "Gone" },
		{ 411, "Length Required" }, { 413, "Content Too Large" }, { 414, "URI Too Long" },
		{ 418, "I'm a teapot" }, { 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" }, { 500, "Internal Server Error" },
		{ 501, "Not Implemented" }, { 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" }, { 505, "HTTP Version Not Supported" },
	};
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].code == status)
			return reasons[i].text;
	return "Unknown";
}
