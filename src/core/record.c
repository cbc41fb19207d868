/*
 * record.c - the recorder: writes a run to a .cvz file as it goes.
 *
 * recorder_open creates the file (never overwriting one unless forced) and
 * writes the header at once; events are buffered and written as a chunk
 * every RECORD_CHUNK_EVENTS events, or on a recorder_write at least
 * RECORD_CHUNK_NS after the previous chunk, so a run that dies loses at most
 * the last fraction of a second. Each chunk is written with one write(2) of
 * its 24-byte head and zstd payload; recorder_close adds the end marker that
 * tells a complete recording from one cut short. Layout: codec.h, README.md.
 *
 * Single-threaded: the consumer thread (the one draining the ring) owns the
 * recorder. Errors are sticky: after the first failure every call returns -1
 * and recorder_error() keeps the message.
 */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>
#include "clock.h"
#include "codec.h"

#ifndef CV_VERSION
#define CV_VERSION "dev"
#endif

struct recorder {
	int fd;
	char *path;
	struct cv_event *buf;       /* RECORD_CHUNK_EVENTS pending events */
	size_t n;
	uint8_t *raw, *out;         /* encoded columns; chunk head + zstd frame */
	size_t out_cap;
	ZSTD_CCtx *cctx;
	uint64_t last_chunk_ns;     /* clock_ns() of the previous chunk (or open) */
	uint32_t nchunks;
	uint64_t nevents;
	bool failed;
	char err[320];
};

/* Set the recorder's error (printf-style) and mark it failed; returns -1. */
static int rec_fail(struct recorder *rec, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rec->err, sizeof rec->err, fmt, ap);
	va_end(ap);
	rec->failed = true;
	return -1;
}

/* Write all len bytes to fd, resuming after signals and short writes. */
static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t k = write(fd, p, len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

/* Describe a write error with what to do about it. */
static int rec_write_failed(struct recorder *rec, int e)
{
	return rec_fail(rec, "concviz: %s: write failed (%s); %s", rec->path, strerror(-e),
			-e == ENOSPC || -e == EDQUOT ? "free some disk space and record again"
						     : "check the disk and record again");
}

/* Encode, compress and write the pending events as one chunk; 0 or -1. */
static int rec_chunk(struct recorder *rec)
{
	if (rec->failed)
		return -1;
	if (!rec->n)
		return 0;
	size_t raw = codec_events_encode(rec->buf, rec->n, rec->raw);
	size_t c = ZSTD_compressCCtx(rec->cctx, rec->out + CODEC_CHUNK_HEAD,
				     rec->out_cap - CODEC_CHUNK_HEAD, rec->raw, raw, RECORD_ZSTD_LEVEL);
	if (ZSTD_isError(c))
		return rec_fail(rec, "concviz: %s: compression failed (%s); record again", rec->path,
				ZSTD_getErrorName(c));
	uint8_t *h = rec->out;
	memcpy(h, "CHNK", 4);
	codec_put32(h + 4, (uint32_t)rec->n);
	codec_put32(h + 8, (uint32_t)c);
	codec_put32(h + 12, (uint32_t)raw);
	codec_put32(h + 16, codec_crc32c(0, h + CODEC_CHUNK_HEAD, c));
	codec_put32(h + 20, codec_crc32c(0, h, 20));
	int e = write_all(rec->fd, h, CODEC_CHUNK_HEAD + c);
	if (e < 0)
		return rec_write_failed(rec, e);
	rec->nchunks++;
	rec->nevents += rec->n;
	rec->n = 0;
	rec->last_chunk_ns = clock_ns();
	return 0;
}

/* Free a recorder's memory (the file is closed by the caller). */
static void rec_free(struct recorder *rec)
{
	ZSTD_freeCCtx(rec->cctx);
	free(rec->buf);
	free(rec->raw);
	free(rec->out);
	free(rec->path);
	free(rec);
}

/* Create path and write s's header; NULL with the reason in err. */
struct recorder *recorder_open(const char *path, bool force, const struct session *s,
			       char *err, size_t errlen)
{
	struct recorder *rec = calloc(1, sizeof *rec);
	uint8_t *hdr = NULL;
	size_t hlen = 0;
	if (!rec)
		goto oom;
	rec->fd = -1;
	rec->path = strdup(path);
	rec->buf = malloc(RECORD_CHUNK_EVENTS * sizeof *rec->buf);
	rec->raw = malloc((size_t)RECORD_CHUNK_EVENTS * CODEC_EVENT_MAX);
	rec->out_cap = CODEC_CHUNK_HEAD + ZSTD_compressBound((size_t)RECORD_CHUNK_EVENTS * CODEC_EVENT_MAX);
	rec->out = malloc(rec->out_cap);
	rec->cctx = ZSTD_createCCtx();
	if (!rec->path || !rec->buf || !rec->raw || !rec->out || !rec->cctx)
		goto oom;
	int e = codec_header_encode(s, CV_VERSION, &hdr, &hlen);
	if (e == -ENOMEM)
		goto oom;
	if (e < 0) {
		snprintf(err, errlen, "concviz: %s: the session is too large to record "
			 "(over 1,000,000 lanes or tasks, or a name over 64 KiB); record a smaller run", path);
		rec_free(rec);
		return NULL;
	}
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
	rec->fd = open(path, flags, 0644);
	if (rec->fd < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen, "concviz: %s exists; use --force to overwrite it", path);
		else
			snprintf(err, errlen, "concviz: cannot create %s (%s); choose another file", path,
				 strerror(errno));
		free(hdr);
		rec_free(rec);
		return NULL;
	}
	uint8_t *pro = NULL;
	size_t plen = 0;
	e = codec_prologue_pack(hdr, hlen, RECORD_HEADER_LEVEL, &pro, &plen);
	if (e == 0)
		e = write_all(rec->fd, pro, plen);
	free(pro);
	if (e < 0) {
		if (e == -ENOMEM || e == -E2BIG)
			snprintf(err, errlen, "concviz: %s: out of memory while starting the recording; "
				 "close other programs", path);
		else {
			rec_write_failed(rec, e);
			snprintf(err, errlen, "%s", rec->err);
		}
		free(hdr);
		close(rec->fd);
		unlink(path);
		rec_free(rec);
		return NULL;
	}
	free(hdr);
	rec->last_chunk_ns = clock_ns();
	return rec;
oom:
	snprintf(err, errlen, "concviz: %s: out of memory while starting the recording; "
		 "close other programs", path);
	if (rec)
		rec_free(rec);
	return NULL;
}

/* Append n events; writes a chunk when the buffer fills or 200 ms passed. */
int recorder_write(struct recorder *rec, const struct cv_event *ev, size_t n)
{
	if (rec->failed)
		return -1;
	while (n) {
		size_t k = RECORD_CHUNK_EVENTS - rec->n;
		if (k > n)
			k = n;
		memcpy(rec->buf + rec->n, ev, k * sizeof *ev);
		rec->n += k;
		ev += k;
		n -= k;
		if (rec->n == RECORD_CHUNK_EVENTS && rec_chunk(rec) < 0)
			return -1;
	}
	if (rec->n && clock_ns() - rec->last_chunk_ns >= RECORD_CHUNK_NS)
		return rec_chunk(rec);
	return 0;
}

/* Write the pending events as a chunk and make the file durable. */
int recorder_flush(struct recorder *rec)
{
	if (rec_chunk(rec) < 0)
		return -1;
	if (fdatasync(rec->fd) < 0 && errno != EINVAL && errno != EROFS)
		return rec_write_failed(rec, -errno);
	return 0;
}

/* Flush, write the end marker, close and free; 0 or -1 with err set. */
int recorder_close(struct recorder *rec, char *err, size_t errlen)
{
	if (!rec)
		return 0;
	if (rec_chunk(rec) == 0) {
		uint8_t t[CODEC_TRAILER];
		memcpy(t, "CEND", 4);
		codec_put32(t + 4, rec->nchunks);
		codec_put64(t + 8, rec->nevents);
		codec_put32(t + 16, codec_crc32c(0, t, 16));
		int e = write_all(rec->fd, t, sizeof t);
		if (e < 0)
			rec_write_failed(rec, e);
		else if (fdatasync(rec->fd) < 0 && errno != EINVAL && errno != EROFS)
			rec_write_failed(rec, -errno);
	}
	if (close(rec->fd) < 0 && !rec->failed)
		rec_write_failed(rec, -errno);
	int rc = rec->failed ? -1 : 0;
	if (err && errlen)
		snprintf(err, errlen, "%s", rec->err);
	rec_free(rec);
	return rc;
}

/* The last error, "" when none. */
const char *recorder_error(const struct recorder *rec)
{
	return rec->err;
}

/* Events written so far (in complete chunks) and events still buffered. */
uint64_t recorder_events(const struct recorder *rec)
{
	return rec->nevents + rec->n;
}
