/*
 * replay.c - reading .cvz recordings back: header, then chunk by chunk.
 *
 * The reader trusts nothing: every declared size is checked against the
 * format's bounds and against the bytes actually left before anything is
 * allocated, each chunk's head and payload are checksummed (CRC-32C) before
 * zstd sees them, and the decoded columns must use exactly the declared
 * bytes. A file that simply stops (the recorder was killed, or still runs)
 * ends cleanly at its last complete chunk with replay_truncated() true; a
 * file whose bytes are wrong fails with the number of the damaged chunk
 * (chunks are numbered from 1). Layout: codec.h and README.md.
 *
 * The events of the last REPLAY_BUFS - 1 chunks returned stay valid: each
 * chunk is decoded into the next of REPLAY_BUFS buffers in turn, so that
 * replay_load can read ahead on another thread (replay_load.c).
 */
#include "record.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>
#include "codec.h"
#include "timeline.h"

#define READ_STEP (1u << 20) /* growth step when the file's size is unknown */

struct replay {
	FILE *f;                  /* file source, or NULL for memory */
	const uint8_t *mem;       /* memory source */
	size_t mem_len, mem_off;
	uint64_t file_left;       /* bytes left in a regular file */
	bool size_known;
	char *name;               /* for messages */
	uint8_t *cbuf;            /* compressed payload */
	size_t cbuf_cap;
	uint8_t *rbuf;            /* decompressed columns */
	size_t rbuf_cap;
	struct cv_event *ev[REPLAY_BUFS]; /* decoded events, used in turn */
	size_t ev_cap[REPLAY_BUFS];
	unsigned ev_i;            /* the buffer the next chunk goes to */
	ZSTD_DCtx *dctx;
	uint32_t chunks;          /* complete chunks returned */
	uint64_t events;          /* events returned */
	bool ended, truncated, failed;
	char err[320];
};

/* Set rp's error to "NAME: <fmt>" and mark it failed; returns -1. */
static int rp_fail(struct replay *rp, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(rp->err, sizeof rp->err, "%s: %s", rp->name, what);
	rp->failed = true;
	return -1;
}

/* Bytes known to remain, or SIZE_MAX when the source is a pipe. */
static size_t src_avail(const struct replay *rp)
{
	if (!rp->f)
		return rp->mem_len - rp->mem_off;
	if (!rp->size_known)
		return SIZE_MAX;
	return rp->file_left > SIZE_MAX ? SIZE_MAX : (size_t)rp->file_left;
}

/* Read up to n bytes into buf; returns how many (fewer only at the end or
 * on a read error, which sets rp's error). */
static size_t src_read(struct replay *rp, void *buf, size_t n)
{
	if (!rp->f) {
		size_t k = rp->mem_len - rp->mem_off;
		if (k > n)
			k = n;
		memcpy(buf, rp->mem + rp->mem_off, k);
		rp->mem_off += k;
		return k;
	}
	size_t k = fread(buf, 1, n, rp->f);
	if (rp->size_known)
		rp->file_left -= k < rp->file_left ? k : rp->file_left;
	if (k < n && ferror(rp->f))
		rp_fail(rp, "read failed (%s); check the disk", strerror(errno));
	return k;
}

/* Read exactly n bytes into a buffer grown as bytes arrive (so a lying
 * size never allocates more than the data present, plus one step).
 * Returns 1 when read, 0 when the source ended first, -1 on error. */
static int src_read_grow(struct replay *rp, uint8_t **buf, size_t *cap, size_t n)
{
	size_t avail = src_avail(rp);
	if (avail != SIZE_MAX && avail < n)
		return 0;
	size_t got = 0;
	while (got < n) {
		size_t want = n;
		if (avail == SIZE_MAX && want - got > READ_STEP)
			want = got + READ_STEP;
		if (want > *cap) {
			uint8_t *p = realloc(*buf, want);
			if (!p)
				return rp_fail(rp, "out of memory; close other programs");
			*buf = p;
			*cap = want;
		}
		size_t k = src_read(rp, *buf + got, want - got);
		got += k;
		if (rp->failed)
			return -1;
		if (got < want)
			return 0;
	}
	return 1;
}

/* Make the decompression and event buffers hold raw bytes / count events. */
static int rp_reserve(struct replay *rp, size_t raw, size_t count)
{
	if (raw > rp->rbuf_cap) {
		uint8_t *p = realloc(rp->rbuf, raw);
		if (!p)
			return rp_fail(rp, "out of memory; close other programs");
		rp->rbuf = p;
		rp->rbuf_cap = raw;
	}
	unsigned i = rp->ev_i;
	if (count > rp->ev_cap[i]) {
		struct cv_event *e = realloc(rp->ev[i], count * sizeof *e);
		if (!e)
			return rp_fail(rp, "out of memory; close other programs");
		rp->ev[i] = e;
		rp->ev_cap[i] = count;
	}
	return 0;
}

/* Read and check the prologue and header block into s; 0 or -1. */
static int rp_header(struct replay *rp, struct session *s)
{
	uint8_t pro[CODEC_PROLOGUE];
	size_t k = src_read(rp, pro, sizeof pro);
	if (rp->failed)
		return -1;
	if (k == 0)
		return rp_fail(rp, "empty file; not a concviz recording");
	if (memcmp(pro, CODEC_MAGIC, k < 8 ? k : 8))
		return rp_fail(rp, "not a concviz recording");
	if (k < sizeof pro)
		return rp_fail(rp, "truncated header");
	unsigned version = codec_get16(pro + 8);
	if (version > CODEC_VERSION)
		return rp_fail(rp, "format version %u is newer than this concviz supports (%u); "
			       "upgrade concviz", version, CODEC_VERSION);
	if (version == 0)
		return rp_fail(rp, "corrupt header (format version 0)");
	if (codec_get16(pro + 10))
		return rp_fail(rp, "corrupt header (flags 0x%04x)", codec_get16(pro + 10));
	uint32_t stored = codec_get32(pro + 12), hlen = codec_get32(pro + 16);
	if (hlen > CODEC_MAX_HEADER)
		return rp_fail(rp, "corrupt header (header length %u)", hlen);
	if (stored == 0 || stored > ZSTD_compressBound(hlen))
		return rp_fail(rp, "corrupt header (stored length %u for %u bytes)", stored, hlen);
	uint8_t *zhdr = NULL, *hdr = NULL;
	size_t cap = 0;
	int r = src_read_grow(rp, &zhdr, &cap, stored);
	if (r <= 0) {
		free(zhdr);
		return r < 0 ? -1 : rp_fail(rp, "truncated header");
	}
	if (codec_crc32c(0, zhdr, stored) != codec_get32(pro + 20)) {
		free(zhdr);
		return rp_fail(rp, "corrupt header (checksum mismatch)");
	}
	bool frame_ok = ZSTD_getFrameContentSize(zhdr, stored) == hlen;
	if (frame_ok && !(hdr = malloc(hlen ? hlen : 1))) {
		free(zhdr);
		return rp_fail(rp, "out of memory; close other programs");
	}
	if (!frame_ok || ZSTD_decompressDCtx(rp->dctx, hdr, hlen, zhdr, stored) != hlen) {
		free(zhdr);
		free(hdr);
		return rp_fail(rp, "corrupt header (bad zstd frame)");
	}
	free(zhdr);
	char what[160];
	int e = codec_header_decode(hdr, hlen, s, NULL, 0, what, sizeof what);
	free(hdr);
	if (e == -ENOMEM)
		return rp_fail(rp, "out of memory; close other programs");
	if (e < 0)
		return rp_fail(rp, "corrupt header (%s)", what);
	return 0;
}

/* Finish construction: read the header; frees rp and returns NULL on error. */
static struct replay *rp_start(struct replay *rp, struct session *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	rp->dctx = ZSTD_createDCtx();
	if (!rp->dctx)
		rp_fail(rp, "out of memory; close other programs");
	else
		rp_header(rp, s);
	if (rp->failed) {
		snprintf(err, errlen, "%s", rp->err);
		replay_close(rp);
		return NULL;
	}
	err[0] = 0;
	return rp;
}

/* Allocate a reader named name; NULL (err set) when out of memory. */
static struct replay *rp_new(const char *name, char *err, size_t errlen)
{
	struct replay *rp = calloc(1, sizeof *rp);
	if (rp)
		rp->name = strdup(name);
	if (!rp || !rp->name) {
		snprintf(err, errlen, "%s: out of memory; close other programs", name);
		free(rp);
		return NULL;
	}
	return rp;
}

/* Open a recording file and read its header into s. */
struct replay *replay_open(const char *path, struct session *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	struct replay *rp = rp_new(path, err, errlen);
	if (!rp)
		return NULL;
	rp->f = fopen(path, "rbe");
	if (!rp->f) {
		snprintf(err, errlen, "%s: cannot open it (%s); check the path", path, strerror(errno));
		replay_close(rp);
		return NULL;
	}
	struct stat st;
	if (fstat(fileno(rp->f), &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory; name a recording file", path);
		replay_close(rp);
		return NULL;
	}
	if (fstat(fileno(rp->f), &st) == 0 && S_ISREG(st.st_mode)) {
		rp->size_known = true;
		rp->file_left = (uint64_t)st.st_size;
	}
	return rp_start(rp, s, err, errlen);
}

/* Open a recording held in memory (not copied: data must outlive rp). */
struct replay *replay_open_mem(const void *data, size_t len, struct session *s,
			       char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	struct replay *rp = rp_new("<memory>", err, errlen);
	if (!rp)
		return NULL;
	rp->mem = data ? data : (const void *)"";
	rp->mem_len = data ? len : 0;
	return rp_start(rp, s, err, errlen);
}

/* Mark the end of a file cut short; returns 0 (a clean end). */
static long rp_cut(struct replay *rp)
{
	rp->ended = rp->truncated = true;
	return 0;
}

/* Check the end marker (tag already read); 0 at the end, -1 if damaged. */
static long rp_trailer(struct replay *rp, const uint8_t tag[4])
{
	uint8_t t[CODEC_TRAILER];
	memcpy(t, tag, 4);
	size_t k = src_read(rp, t + 4, sizeof t - 4);
	if (rp->failed)
		return -1;
	if (k < sizeof t - 4)
		return rp_cut(rp);
	if (codec_crc32c(0, t, 16) != codec_get32(t + 16))
		return rp_fail(rp, "end marker is corrupt (checksum mismatch)");
	if (codec_get32(t + 4) != rp->chunks || codec_get64(t + 8) != rp->events)
		return rp_fail(rp, "end marker is corrupt (it counts %u chunks and %llu events, "
			       "the file holds %u and %llu)", codec_get32(t + 4),
			       (unsigned long long)codec_get64(t + 8), rp->chunks,
			       (unsigned long long)rp->events);
	rp->ended = true;
	return 0;
}

/* Read, check and decode the next chunk; see record.h. */
long replay_next(struct replay *rp, const struct cv_event **ev)
{
	*ev = NULL;
	if (rp->failed)
		return -1;
	if (rp->ended)
		return 0;
	uint32_t no = rp->chunks + 1;
	uint8_t h[CODEC_CHUNK_HEAD];
	size_t k = src_read(rp, h, 4);
	if (rp->failed)
		return -1;
	if (k < 4)
		return rp_cut(rp);
	if (!memcmp(h, "CEND", 4))
		return rp_trailer(rp, h);
	if (memcmp(h, "CHNK", 4))
		return rp_fail(rp, "chunk %u is corrupt (bad tag)", no);
	k = src_read(rp, h + 4, sizeof h - 4);
	if (rp->failed)
		return -1;
	if (k < sizeof h - 4)
		return rp_cut(rp);
	if (codec_crc32c(0, h, 20) != codec_get32(h + 20))
		return rp_fail(rp, "chunk %u is corrupt (header checksum mismatch)", no);
	uint32_t count = codec_get32(h + 4), csize = codec_get32(h + 8), raw = codec_get32(h + 12);
	if (count == 0 || count > CODEC_MAX_CHUNK_EVENTS ||
	    raw < (uint64_t)count * CODEC_EVENT_MIN || raw > (uint64_t)count * CODEC_EVENT_MAX ||
	    csize == 0 || csize > ZSTD_compressBound(raw))
		return rp_fail(rp, "chunk %u is corrupt (sizes out of range: %u events, %u bytes)",
			       no, count, csize);
	int r = src_read_grow(rp, &rp->cbuf, &rp->cbuf_cap, csize);
	if (r < 0)
		return -1;
	if (r == 0)
		return rp_cut(rp);
	if (codec_crc32c(0, rp->cbuf, csize) != codec_get32(h + 16))
		return rp_fail(rp, "chunk %u is corrupt (checksum mismatch)", no);
	unsigned long long fcs = ZSTD_getFrameContentSize(rp->cbuf, csize);
	if (fcs != raw)
		return rp_fail(rp, "chunk %u is corrupt (bad zstd frame)", no);
	if (rp_reserve(rp, raw, count) < 0)
		return -1;
	size_t got = ZSTD_decompressDCtx(rp->dctx, rp->rbuf, raw, rp->cbuf, csize);
	if (ZSTD_isError(got) || got != raw)
		return rp_fail(rp, "chunk %u is corrupt (bad zstd data)", no);
	struct cv_event *out = rp->ev[rp->ev_i];
	if (codec_events_decode(rp->rbuf, raw, out, count) < 0)
		return rp_fail(rp, "chunk %u is corrupt (bad event encoding)", no);
	rp->ev_i = (rp->ev_i + 1) % REPLAY_BUFS;
	rp->chunks++;
	rp->events += count;
	*ev = out;
	return (long)count;
}

/* True when the file was cut short; see record.h. */
bool replay_truncated(const struct replay *rp)
{
	return rp->truncated;
}

/* The last error, "" when none. */
const char *replay_error(const struct replay *rp)
{
	return rp->err;
}

/* Complete chunks read so far. */
uint32_t replay_chunks(const struct replay *rp)
{
	return rp->chunks;
}

/* Events of the complete chunks read so far. */
uint64_t replay_events(const struct replay *rp)
{
	return rp->events;
}

/* Close and free (NULL is fine). */
void replay_close(struct replay *rp)
{
	if (!rp)
		return;
	if (rp->f)
		fclose(rp->f);
	ZSTD_freeDCtx(rp->dctx);
	free(rp->cbuf);
	free(rp->rbuf);
	for (int i = 0; i < REPLAY_BUFS; i++)
		free(rp->ev[i]);
	free(rp->name);
	free(rp);
}
