/*
 * codec.h - the byte-level pieces of the recording format (.cvz): CRC-32C,
 * little-endian integers, the session header block and the event columns
 * of a chunk. record.c (writer) and replay.c (reader) put them together;
 * README.md ("Recording format") describes the layout they produce.
 *
 * Everything here is pure (no I/O, no globals besides a constant table) and
 * safe on hostile input: decoders check every length against the bytes that
 * remain before they allocate, and report what was wrong in one phrase.
 */
#ifndef CV_CODEC_H
#define CV_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"
#include "session.h"

#define CODEC_MAGIC "CONCVIZ\0"        /* 8 bytes, the file's first */
#define CODEC_VERSION 2                /* format version written (readers take 1 and 2) */
#define CODEC_PROLOGUE 24              /* magic, u16 version, u16 flags, u32 stored, u32 raw, u32 crc */
#define CODEC_MAX_HEADER (64u << 20)   /* header block bound */
#define CODEC_MAX_STRING 65536u        /* any string in the header */
#define CODEC_MAX_ITEMS 1000000u       /* lanes, tasks, URLs */
#define CODEC_CHUNK_HEAD 24            /* "CHNK", count, csize, rawsize, crc, head crc */
#define CODEC_TRAILER 20               /* "CEND", chunks, u64 events, crc */
#define CODEC_MAX_CHUNK_EVENTS 1048576u /* events in one chunk */
#define CODEC_EVENT_MIN 7              /* encoded bytes per event, at least */
#define CODEC_EVENT_MAX 41             /* encoded bytes per event, at most */

/* Store a 16-bit v little-endian at p. */
static inline void codec_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Store a 32-bit v little-endian at p. */
static inline void codec_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Store a 64-bit v little-endian at p. */
static inline void codec_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Load a little-endian 16-bit integer from p. */
static inline uint16_t codec_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Load a little-endian 32-bit integer from p. */
static inline uint32_t codec_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Load a little-endian 64-bit integer from p. */
static inline uint64_t codec_get64(const uint8_t *p)
{
	return (uint64_t)codec_get32(p) | (uint64_t)codec_get32(p + 4) << 32;
}

/* Continue a CRC-32C (Castagnoli) over len bytes; start with crc = 0. */
uint32_t codec_crc32c(uint32_t crc, const void *buf, size_t len);

/* Serialise s (and the writer's version string) into a malloc'd header
 * block *out of *len bytes. 0, -ENOMEM, or -E2BIG when it would exceed
 * the format's bounds (a string over 64 KiB, more than 1,000,000 lanes). */
int codec_header_encode(const struct session *s, const char *version,
			uint8_t **out, size_t *len);

/* Build the file's start from a raw header block: the 24-byte prologue
 * (magic, version, flags 0, stored length, raw length, CRC-32C of the
 * stored bytes) followed by the block compressed with zstd at level.
 * Returns 0, -ENOMEM or -E2BIG; *out is malloc'd. */
int codec_prologue_pack(const uint8_t *raw, size_t rawlen, int level, uint8_t **out, size_t *len);

/* Parse a header block into s (initialised here; on failure s is left
 * empty, all zero) and the writer's version into version[vlen]. Returns 0,
 * -ENOMEM, or -EINVAL with what was wrong in what[wlen] ("lanes count
 * 4294967295"). Version 2 appended fields after the task names (per-lane
 * pid and tid, the traced command, its pid and sampling rate); a version 1
 * header simply ends before them. Bytes after the fields known here are
 * ignored: later versions of the format may append more. */
int codec_header_decode(const uint8_t *buf, size_t len, struct session *s,
			char *version, size_t vlen, char *what, size_t wlen);

/* Encode n events as the columns of a chunk into out, which has room for
 * n * CODEC_EVENT_MAX bytes; returns the bytes written. */
size_t codec_events_encode(const struct cv_event *ev, size_t n, uint8_t *out);

/* Decode exactly n events from the len bytes of in (all must be used).
 * Returns 0, or -EINVAL when the bytes do not hold n events (ev is then
 * partly written). */
int codec_events_decode(const uint8_t *in, size_t len, struct cv_event *ev, size_t n);

#endif
