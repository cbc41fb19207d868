/*
 * fuzz_sdk.c - libFuzzer target for the SDK reader: any bytes as a shard.
 *
 * Each input goes (1) through the pure decoders: its first 256 bytes as a
 * shard header, every 128 bytes after as a record, its start as a file
 * name; and (2) into a real transport directory as a shard file, read by
 * sdk_poll and sdk_finish, every record handed over mapped by sdk_map into
 * a sink that only counts. Step (2) runs twice: on the bytes as they are,
 * and with the header made plausible (magic, sizes, this process, a
 * creation time of now, 64 records) and each record's sequence number and
 * time set, so that mutations get past the header into the records, as
 * fuzz_replay recomputes checksums.
 *
 * The reader must never crash, hang, read out of bounds or allocate
 * without bound; every record it hands over must be well-formed.
 *
 * Seeds (tests/fuzz/seeds/fuzz_sdk/) are small shards from C and Python.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "codec.h"
#include "sdk.h"
#include "sdk_map.h"

#define FIXED_COUNT 64

static struct sdk *sdk;
static struct sdk_map *map;
static uint64_t events;
static uint32_t lanes;

/* sink.lane_of: one of 16 lanes. */
static long lane_of(void *ctx, uint32_t pid, uint32_t tid)
{
	(void)ctx;
	return (long)((pid ^ tid) % 16);
}

/* sink.new_lane: the next lane; lane names must fit. */
static long new_lane(void *ctx, const char *name, enum lane_kind kind, uint32_t pid, uint32_t tid)
{
	(void)ctx;
	(void)kind;
	(void)pid;
	(void)tid;
	if (strlen(name) > 31)
		__builtin_trap();       /* lane names are cut to fit */
	return lanes < 100000 ? (long)(16 + lanes++) : -1;
}

/* sink.emit: count (every event is of a known kind). */
static void emit(void *ctx, const struct cv_event *ev)
{
	(void)ctx;
	if (ev->kind == 0 || ev->kind >= EV_KIND_COUNT)
		__builtin_trap();
	events++;
}

/* sdk_fn: check the record, then map it. */
static void take(void *ctx, const struct sdk_rec *r)
{
	(void)ctx;
	if (r->kind != SDK_GONE &&
	    (r->kind == 0 || r->kind >= CVZ_K_COUNT || r->len > CVZ_WIRE_NAME ||
	     strlen(r->name) != r->len || !sdk_wire_utf8((const uint8_t *)r->name, r->len)))
		__builtin_trap();
	sdk_map_take(map, r);
}

/* Write data as shard `name` and read the directory to its end. */
static void read_as_shard(const char *name, const uint8_t *data, size_t size)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", sdk_dir(sdk), name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	close(fd);
	struct sdk_sink sink = { NULL, lane_of, new_lane, emit };
	if (sdk_map_new(&map, &sink, 0) < 0)
		return;
	uint64_t now = clock_ns();
	sdk_poll(sdk, now, take, NULL);
	sdk_finish(sdk, now + 1, take, NULL);
	sdk_map_finish(map, now + 2);
	sdk_map_counts(map, now + 2, sdk_dropped(sdk), sdk_rejected(sdk));
	sdk_map_free(map);
	map = NULL;
	unlink(path);                   /* in case it was never taken */
}

/* The input with a plausible header and records' sequence and time. */
static uint8_t *plausible(const uint8_t *data, size_t size, size_t *out)
{
	size_t n = CVZ_WIRE_HEADER + FIXED_COUNT * CVZ_WIRE_RECORD;
	uint8_t *b = calloc(1, n);
	if (!b)
		return NULL;
	memcpy(b, data, size < n ? size : n);
	uint64_t now = clock_ns();
	codec_put64(b, CVZ_WIRE_MAGIC);
	codec_put32(b + 8, CVZ_WIRE_VERSION);
	codec_put32(b + 12, CVZ_WIRE_HEADER);
	codec_put32(b + 16, CVZ_WIRE_RECORD);
	codec_put32(b + 20, FIXED_COUNT);
	codec_put32(b + 24, (uint32_t)getpid());
	codec_put32(b + 28, 1);
	codec_put32(b + 32, CVZ_WIRE_CLOCK);
	codec_put32(b + 36, 1 + (b[36] & 1));
	codec_put64(b + 40, now - 1000000);
	uint64_t head = codec_get32(b + CVZ_WIRE_OFF_HEAD) % (FIXED_COUNT + 1);
	codec_put64(b + CVZ_WIRE_OFF_HEAD, head);
	for (uint32_t i = 0; i < FIXED_COUNT; i++) {
		uint8_t *r = b + CVZ_WIRE_HEADER + i * CVZ_WIRE_RECORD;
		codec_put64(r, now - 1000000 + i * 1000 + (r[0] & 0x3f));
		codec_put32(r + 16, i);
	}
	*out = n;
	return b;
}

/* At exit: remove the transport directory. */
static void fuzz_done(void)
{
	sdk_close(sdk);
}

/* Decode, then read the input as a shard, as is and made plausible. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sdk) {
		if (sdk_open(&sdk, NULL) < 0)
			return 0;
		atexit(fuzz_done);
	}
	struct sdk_hdr h;
	if (size >= CVZ_WIRE_HEADER)
		sdk_wire_header(data, &h);
	for (size_t off = CVZ_WIRE_HEADER, i = 0; off + CVZ_WIRE_RECORD <= size;
	     off += CVZ_WIRE_RECORD, i++) {
		struct sdk_rec r;
		if (sdk_wire_record(data + off, i, &r) == 0 && strlen(r.name) != r.len)
			__builtin_trap();
	}
	char name[40];
	size_t k = size < sizeof name - 1 ? size : sizeof name - 1;
	memcpy(name, data, k);
	name[k] = 0;
	uint32_t pid, tid;
	sdk_wire_name(name, &pid, &tid);

	/* as is: named after the pid and tid its header claims */
	if (size >= 32 && codec_get32(data + 24) && codec_get32(data + 28))
		snprintf(name, sizeof name, "%u.%u", codec_get32(data + 24), codec_get32(data + 28));
	else
		snprintf(name, sizeof name, "1.1");
	read_as_shard(name, data, size);
	size_t n;
	uint8_t *fixed = plausible(data, size, &n);
	if (fixed) {
		snprintf(name, sizeof name, "%d.1", getpid());
		read_as_shard(name, fixed, n);
		free(fixed);
	}
	return 0;
}
