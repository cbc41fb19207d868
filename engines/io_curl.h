/*
 * io_curl.h - the curl easy-handle set-up shared by the blocking io client
 * (io.c) and the async engine (engine_async.c), so both engines download
 * with the same options and classify failures the same way.
 *
 * Private to engines/: it includes <curl/curl.h>, which workload.h does not.
 */
#ifndef CV_IO_CURL_H
#define CV_IO_CURL_H

#include <stdint.h>
#include <curl/curl.h>

/* Set the options every concviz transfer uses on h: no signals, the timeout
 * (0 = none), a write callback that adds the body's size to *bytes and
 * discards it, errbuf (CURL_ERROR_SIZE bytes) as the error buffer, keep-alive.
 * Returns 0 or -EINVAL when curl refused an option. */
int io_easy_configure(CURL *h, double timeout_ms, uint64_t *bytes, char *errbuf);

/* Point h at url; loopback URLs bypass any proxy from the environment, other
 * URLs keep the user's proxy settings. `loopback` is io_url_is_loopback(url)
 * when the caller knows it, or -1 to have it worked out (a URL parse).
 * Returns 0 or -EINVAL. */
int io_easy_set_url(CURL *h, const char *url, int loopback);

/* True when url's host is 127.0.0.1, localhost or [::1]. */
int io_url_is_loopback(const char *url);

#endif
