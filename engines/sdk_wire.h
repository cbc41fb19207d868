/*
 * sdk_wire.h - decoding and checking the SDK's shard files, byte by byte.
 *
 * A traced program writes its task events into shard files (the layout is
 * in sdk/concviz.h, "Wire format"). Those bytes come from the program, so
 * nothing in them is trusted: these pure functions decode a shard header,
 * a record or a shard's file name, and say whether it is well-formed. They
 * allocate nothing and read only the bytes they are given; sdk.c does the
 * file handling around them and tests/fuzz/fuzz_sdk.c fuzzes both.
 */
#ifndef CV_SDK_WIRE_H
#define CV_SDK_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sdk/concviz.h"

#define SDK_COUNT_MIN 64u      /* records per shard accepted: a power of two */
#define SDK_COUNT_MAX 65536u   /* in [SDK_COUNT_MIN, SDK_COUNT_MAX] */
#define SDK_GONE 0xffu         /* sdk_rec.kind: the producer thread is gone */

/* A shard's header, decoded. */
struct sdk_hdr {
	uint32_t count;     /* records (power of two) */
	uint32_t pid, tid;  /* the producer thread */
	uint32_t producer;  /* CVZ_WIRE_PRODUCER_C / _PYTHON */
	uint64_t created;   /* CLOCK_MONOTONIC ns */
};

/* One record, decoded and checked, with its producer. */
struct sdk_rec {
	uint64_t t;         /* CLOCK_MONOTONIC ns */
	uint64_t task;      /* task id, 0 = none */
	uint32_t pid, tid;  /* the thread that wrote it */
	uint8_t kind;       /* enum cvz_kind, or SDK_GONE */
	uint8_t state;      /* enum cvz_state (CVZ_K_STATE), else 0 */
	uint8_t producer;   /* CVZ_WIRE_PRODUCER_C / _PYTHON */
	uint8_t len;        /* bytes of name */
	char name[CVZ_WIRE_NAME + 1]; /* UTF-8, NUL-terminated */
};

/* Decode a shard header from its first CVZ_WIRE_HEADER bytes. Returns 0;
 * -EAGAIN when the magic is still zero (the producer is making the shard:
 * look again later); -EINVAL when anything is wrong (magic, version, sizes,
 * count, ids, clock, producer). */
int sdk_wire_header(const uint8_t b[CVZ_WIRE_HEADER], struct sdk_hdr *h);

/* Decode record `index` of a shard from its CVZ_WIRE_RECORD bytes into out
 * (pid, tid and producer are left for the caller). Returns 0, or -EINVAL
 * when the sequence number, kind, flags, state, task id or name (length,
 * UTF-8, NUL) is wrong for its kind. Time is the caller's to check. */
int sdk_wire_record(const uint8_t b[CVZ_WIRE_RECORD], uint64_t index, struct sdk_rec *out);

/* True when s[0, n) is well-formed UTF-8 without NUL (no overlong forms,
 * surrogates or code points past U+10FFFF). */
bool sdk_wire_utf8(const uint8_t *s, size_t n);

/* Parse a shard file name "<pid>.<tid>" or "<pid>.<tid>.<k>" (decimal,
 * pid and tid in 1..2^32-1, k < 1000); 0 or -EINVAL. */
int sdk_wire_name(const char *name, uint32_t *pid, uint32_t *tid);

/* Return the short name of a record kind ("begin", "loop-poll", "gone"). */
const char *sdk_wire_kind_name(unsigned kind);

#endif
