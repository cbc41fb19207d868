/*
 * fuzz_httpreq.c - libFuzzer target for the HTTP request parser.
 *
 * The input is parsed twice as a stream of pipelined requests: once fed in
 * one piece, once cut into pieces whose sizes come from a generator seeded by
 * the input. Both runs must give the same sequence of outcomes (a parser that
 * moves one byte at a time cannot depend on where reads end), and every
 * outcome must respect the contract: consumed bytes within the piece, a path
 * that starts with '/', overrides in range, error statuses from the known set.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "httpreq.h"

#define MAX_OUTCOMES 256

struct outcome {
	int rc;
	size_t end;          /* stream offset after the request or error */
	int method, error, status, minor;
	bool keep;
	long bytes;
	double ms;
	char path[HTTPREQ_MAX_TARGET + 1];
};

/* Abort unless the finished parse in r respects the contract. */
static void check(const struct httpreq *r, int rc)
{
	if (rc == HTTPREQ_ERROR) {
		int e = r->error;
		if ((e != 400 && e != 413 && e != 414 && e != 431 && e != 505) || !r->why)
			abort();
		return;
	}
	if (r->path[0] != '/' || strlen(r->path) > HTTPREQ_MAX_TARGET || r->head > HTTPREQ_MAX_HEAD)
		abort();
	if (r->has_ms && !(r->ms >= 0 && r->ms <= HTTPREQ_MAX_MS))
		abort();
	if (r->has_bytes && (r->bytes < 0 || r->bytes > HTTPREQ_MAX_BYTES))
		abort();
	if (r->has_status && (r->status < HTTPREQ_MIN_STATUS || r->status > HTTPREQ_MAX_STATUS))
		abort();
	if (r->version_minor != 0 && r->version_minor != 1)
		abort();
}

/* Parse data as pipelined requests, cutting it with the generator state
 * *seed (0: one piece); fill out[] and return how many outcomes. */
static size_t run(const uint8_t *data, size_t size, uint32_t seed, struct outcome *out)
{
	static struct httpreq r;
	size_t off = 0, n = 0;
	httpreq_init(&r);
	while (off < size && n < MAX_OUTCOMES) {
		size_t piece = size - off;
		if (seed) {
			seed = seed * 1103515245u + 12345u;
			piece = 1 + (seed >> 16) % 97;
			if (piece > size - off)
				piece = size - off;
		}
		size_t used = 0;
		int rc = httpreq_feed(&r, (const char *)data + off, piece, &used);
		if (used > piece)
			abort();
		off += used;
		if (rc == HTTPREQ_MORE) {
			if (used != piece)
				abort();
			continue;
		}
		check(&r, rc);
		struct outcome *o = &out[n++];
		memset(o, 0, sizeof *o);
		o->rc = rc;
		o->end = off;
		o->error = rc == HTTPREQ_ERROR ? r.error : 0;
		if (rc == HTTPREQ_DONE) {
			o->method = r.method;
			o->status = r.has_status ? r.status : -1;
			o->bytes = r.has_bytes ? r.bytes : -1;
			o->ms = r.has_ms ? r.ms : -1;
			o->keep = r.keep_alive;
			o->minor = r.version_minor;
			memcpy(o->path, r.path, sizeof o->path);
		}
		if (rc == HTTPREQ_ERROR)
			break; /* the server closes the connection */
		httpreq_init(&r);
	}
	return n;
}

/* Parse the input whole and in pieces; abort when the two disagree. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct outcome a[MAX_OUTCOMES], b[MAX_OUTCOMES];
	uint32_t seed = 2166136261u;
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 16777619u;
	size_t na = run(data, size, 0, a);
	size_t nb = run(data, size, seed | 1, b);
	if (na != nb)
		abort();
	for (size_t i = 0; i < na; i++)
		if (a[i].rc != b[i].rc || a[i].end != b[i].end || a[i].error != b[i].error ||
		    a[i].method != b[i].method || a[i].status != b[i].status ||
		    a[i].bytes != b[i].bytes || a[i].ms != b[i].ms || a[i].keep != b[i].keep ||
		    a[i].minor != b[i].minor || strcmp(a[i].path, b[i].path))
			abort();
	return 0;
}
