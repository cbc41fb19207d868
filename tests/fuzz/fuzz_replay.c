/*
 * fuzz_replay.c - libFuzzer target for the recording reader: any bytes go
 * through replay_open_mem and every chunk through replay_next. The reader
 * must never crash, hang, read out of bounds or allocate hugely; whatever
 * it accepts must decode into events it can hand back.
 *
 * Every input is replayed twice: as is, and with its checksums recomputed,
 * so that mutations get past the CRCs and reach zstd and the column
 * decoder.
 *
 * Seeds (tests/fuzz/seeds/fuzz_replay/) are small valid recordings.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "codec.h"
#include "record.h"
#include "session.h"

/* Recompute the header, chunk and end-marker CRCs of d in place. */
static void fix_crcs(uint8_t *d, size_t size)
{
	if (size < CODEC_PROLOGUE)
		return;
	size_t stored = codec_get32(d + 12), p = CODEC_PROLOGUE + stored;
	if (p > size)
		return;
	codec_put32(d + 20, codec_crc32c(0, d + CODEC_PROLOGUE, stored));
	while (p + CODEC_CHUNK_HEAD <= size && !memcmp(d + p, "CHNK", 4)) {
		size_t c = codec_get32(d + p + 8);
		if (c <= size - p - CODEC_CHUNK_HEAD)
			codec_put32(d + p + 16, codec_crc32c(0, d + p + CODEC_CHUNK_HEAD, c));
		codec_put32(d + p + 20, codec_crc32c(0, d + p, 20));
		if (c > size - p - CODEC_CHUNK_HEAD)
			return;
		p += CODEC_CHUNK_HEAD + c;
	}
	if (p + CODEC_TRAILER <= size && !memcmp(d + p, "CEND", 4))
		codec_put32(d + p + 16, codec_crc32c(0, d + p, 16));
}

static volatile uint64_t sink;

/* Replay one buffer to its end or its first error. */
static void replay_all(const uint8_t *data, size_t size)
{
	struct session s;
	char err[256];
	struct replay *rp = replay_open_mem(data, size, &s, err, sizeof err);
	if (!rp) {
		if (!err[0])
			__builtin_trap(); /* a refusal always says why */
		return;
	}
	const struct cv_event *ev;
	long n;
	uint64_t sum = 0;
	while ((n = replay_next(rp, &ev)) > 0)
		for (long i = 0; i < n; i++)
			sum += ev[i].t ^ ev[i].lane ^ ev[i].kind; /* touch every event */
	if (n < 0 && !replay_error(rp)[0])
		__builtin_trap();
	for (uint32_t i = 0; i < s.nlanes; i++)
		sum += strlen(session_lane_name(&s, i));
	for (uint32_t i = 0; i < s.ntasks; i++)
		sum += strlen(session_task_name(&s, i));
	replay_close(rp);
	session_free(&s);
	sink = sum; /* keep the reads */
}

/* Replay the input as is, then with its checksums made right. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	replay_all(data, size);
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	fix_crcs(copy, size);
	replay_all(copy, size);
	free(copy);
	return 0;
}
