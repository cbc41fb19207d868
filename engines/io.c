/*
 * io.c - the io workload: one HTTP GET with libcurl, and what a failure means.
 *
 * A struct io_client wraps one curl easy handle that is reused for every
 * download of a worker, so connections to the same host are kept alive.
 * Bodies are counted and discarded. io_classify() turns curl's result code
 * and the HTTP status into an enum fail_reason; the async engine calls it
 * for its multi transfers too, so every mode reports failures alike.
 *
 * A client may watch a cancel flag (io_client_set_cancel): curl's progress
 * callback then aborts a download in flight soon after the flag is set.
 *
 * Threads: a client belongs to one thread at a time. io_global_init() must
 * run before the first client is made (io_client_new calls it).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "io_curl.h"
#include "workload.h"

#ifndef CV_VERSION
#define CV_VERSION "dev"
#endif

struct io_client {
	CURL *h;
	double timeout_ms;
	uint64_t bytes;                 /* body bytes of the current transfer */
	atomic_bool *cancel;            /* io_client_set_cancel, or NULL */
	char errbuf[CURL_ERROR_SIZE];
};

static pthread_once_t io_once = PTHREAD_ONCE_INIT;

/* Initialise libcurl (run once). */
static void io_global_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Call curl_global_init once per process (thread-safe). */
void io_global_init(void)
{
	pthread_once(&io_once, io_global_init_once);
}

/* curl write callback: count the body's bytes and discard them. */
static size_t io_on_body(char *data, size_t size, size_t nmemb, void *user)
{
	(void)data;
	*(uint64_t *)user += (uint64_t)size * nmemb;
	return size * nmemb;
}

/* Set the options every concviz transfer uses on h (see io_curl.h). */
int io_easy_configure(CURL *h, double timeout_ms, uint64_t *bytes, char *errbuf)
{
	CURLcode rc = CURLE_OK;
#define IO_SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
	IO_SET(CURLOPT_NOSIGNAL, 1L);
	IO_SET(CURLOPT_WRITEFUNCTION, io_on_body);
	IO_SET(CURLOPT_WRITEDATA, (void *)bytes);
	IO_SET(CURLOPT_ERRORBUFFER, errbuf);
	IO_SET(CURLOPT_USERAGENT, "concviz/" CV_VERSION);
	IO_SET(CURLOPT_FOLLOWLOCATION, 1L);
	IO_SET(CURLOPT_MAXREDIRS, 5L);
	IO_SET(CURLOPT_PROTOCOLS_STR, "http,https");
	IO_SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	if (timeout_ms > 0) {
		long ms = timeout_ms < 1 ? 1 : (long)timeout_ms;
		IO_SET(CURLOPT_TIMEOUT_MS, ms);
		IO_SET(CURLOPT_CONNECTTIMEOUT_MS, ms);
	}
#undef IO_SET
	return rc == CURLE_OK ? 0 : -EINVAL;
}

/* True when url's host is 127.0.0.1, localhost or [::1]. */
int io_url_is_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	int yes = 0;
	if (!u)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host)
		yes = !strcmp(host, "127.0.0.1") || !strcasecmp(host, "localhost") ||
		      !strcmp(host, "[::1]");
	curl_free(host);
	curl_url_cleanup(u);
	return yes;
}

/* Point h at url; loopback URLs bypass proxies (see io_curl.h). */
int io_easy_set_url(CURL *h, const char *url, int loopback)
{
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK)
		return -EINVAL;
	if (loopback < 0)
		loopback = io_url_is_loopback(url);
	/* NULL restores curl's default: the no_proxy environment variable. */
	curl_easy_setopt(h, CURLOPT_NOPROXY, loopback ? "*" : NULL);
	/* A plain-HTTP GET goes out in one write, after the previous answer was
	 * read: Nagle never holds it back, so on loopback (the embedded origin)
	 * skip curl's TCP_NODELAY, a system call per connection. TLS writes
	 * several records in a row, and other hosts keep curl's default. */
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY,
			 loopback && !strncasecmp(url, "http://", 7) ? 0L : 1L);
	return 0;
}

/* Make a client (one curl easy handle, reused for keep-alive); NULL on OOM. */
struct io_client *io_client_new(double timeout_ms)
{
	io_global_init();
	struct io_client *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->h = curl_easy_init();
	c->timeout_ms = timeout_ms;
	if (!c->h || io_easy_configure(c->h, timeout_ms, &c->bytes, c->errbuf) < 0) {
		if (c->h)
			curl_easy_cleanup(c->h);
		free(c);
		return NULL;
	}
	return c;
}

/* Free the client (NULL is fine). */
void io_client_free(struct io_client *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->h);
	free(c);
}

/* curl progress callback: abort the transfer once the cancel flag is set. */
static int io_on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
			  curl_off_t ulnow)
{
	struct io_client *c = user;
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return c->cancel && atomic_load_explicit(c->cancel, memory_order_relaxed) ? 1 : 0;
}

/* Make io_fetch give up (FAIL_CANCELLED) once *flag turns true. */
void io_client_set_cancel(struct io_client *c, atomic_bool *flag)
{
	c->cancel = flag;
	curl_easy_setopt(c->h, CURLOPT_XFERINFOFUNCTION, flag ? io_on_progress : NULL);
	curl_easy_setopt(c->h, CURLOPT_XFERINFODATA, flag ? (void *)c : NULL);
	curl_easy_setopt(c->h, CURLOPT_NOPROGRESS, flag ? 0L : 1L);
}

/* GET url, blocking; fills r. Returns 0 when done, -1 when failed (r->reason). */
int io_fetch(struct io_client *c, const char *url, struct io_result *r)
{
	memset(r, 0, sizeof *r);
	c->bytes = 0;
	c->errbuf[0] = '\0';
	long status = 0;
	CURLcode rc;
	if (io_easy_set_url(c->h, url, -1) < 0)
		rc = CURLE_URL_MALFORMAT;
	else
		rc = curl_easy_perform(c->h);
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
	r->bytes = c->bytes;
	snprintf(r->msg, sizeof r->msg, "%.*s", (int)sizeof r->msg - 1, c->errbuf);
	io_classify((int)rc, status, r);
	return r->reason == FAIL_NONE ? 0 : -1;
}

/* Classify a finished curl transfer into r: sets status and reason, and when
 * r->msg is empty fills it with curl's description (or "HTTP 500"). */
void io_classify(int curl_code, long http_status, struct io_result *r)
{
	r->status = http_status > 0 && http_status < 1000 ? (uint16_t)http_status : 0;
	switch (curl_code) {
	case CURLE_OK:
		r->reason = http_status >= 400 ? FAIL_HTTP : FAIL_NONE;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		r->reason = FAIL_TIMEOUT;
		break;
	case CURLE_COULDNT_CONNECT:
		r->reason = FAIL_REFUSED;
		break;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		r->reason = FAIL_RESET;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		r->reason = FAIL_DNS;
		break;
	case CURLE_ABORTED_BY_CALLBACK:
		r->reason = FAIL_CANCELLED;
		break;
	default:
		r->reason = http_status >= 400 ? FAIL_HTTP : FAIL_OTHER;
		break;
	}
	if (r->reason != FAIL_NONE && !r->msg[0]) {
		if (curl_code == CURLE_OK)
			snprintf(r->msg, sizeof r->msg, "HTTP %ld", http_status);
		else
			snprintf(r->msg, sizeof r->msg, "%s", curl_easy_strerror((CURLcode)curl_code));
	}
}
