/*
 * test_sdk_wire.c - the SDK's byte-level checks: shard headers (every
 * field that can be wrong), records (sequence, kind, flags, lengths, the
 * per-kind rules, UTF-8 and NUL in names), shard file names, and the
 * header's own name copying (cut at a character boundary with "…",
 * invalid bytes sent as '?'), which the reader must always accept.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "codec.h"
#include "sdk_wire.h"

/* A good header: count 64, pid 10, tid 11, a C producer. */
static void good_header(uint8_t *b)
{
	memset(b, 0, CVZ_WIRE_HEADER);
	codec_put64(b, CVZ_WIRE_MAGIC);
	codec_put32(b + 8, CVZ_WIRE_VERSION);
	codec_put32(b + 12, CVZ_WIRE_HEADER);
	codec_put32(b + 16, CVZ_WIRE_RECORD);
	codec_put32(b + 20, 64);
	codec_put32(b + 24, 10);
	codec_put32(b + 28, 11);
	codec_put32(b + 32, CVZ_WIRE_CLOCK);
	codec_put32(b + 36, CVZ_WIRE_PRODUCER_C);
	codec_put64(b + 40, 12345);
}

/* A good header decodes; each wrong field is refused; no magic yet waits. */
static void test_header(void **state)
{
	(void)state;
	uint8_t b[CVZ_WIRE_HEADER];
	struct sdk_hdr h;
	good_header(b);
	assert_int_equal(sdk_wire_header(b, &h), 0);
	assert_int_equal(h.count, 64);
	assert_int_equal(h.pid, 10);
	assert_int_equal(h.tid, 11);
	assert_int_equal(h.producer, CVZ_WIRE_PRODUCER_C);
	assert_int_equal(h.created, 12345);
	codec_put64(b, 0);
	assert_int_equal(sdk_wire_header(b, &h), -EAGAIN);
	static const struct { size_t off; uint32_t v; } bad[] = {
		{ 8, 2 },  { 12, 128 }, { 16, 64 }, { 20, 100 }, { 20, 32 }, { 20, 131072 },
		{ 20, 0 }, { 24, 0 },   { 28, 0 },  { 32, 0 },   { 36, 0 },  { 36, 3 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		good_header(b);
		codec_put32(b + bad[i].off, bad[i].v);
		assert_int_equal(sdk_wire_header(b, &h), -EINVAL);
	}
	good_header(b);
	b[0] ^= 1;
	assert_int_equal(sdk_wire_header(b, &h), -EINVAL);
	good_header(b);
	codec_put32(b + 20, SDK_COUNT_MAX);
	assert_int_equal(sdk_wire_header(b, &h), 0);
}

/* Make record `index` of kind with task, state and name (len = strlen). */
static void rec(uint8_t *b, uint64_t index, unsigned kind, uint64_t task, unsigned st,
		const char *name)
{
	memset(b, 0, CVZ_WIRE_RECORD);
	codec_put64(b, 1000 + index);
	codec_put64(b + 8, task);
	codec_put32(b + 16, (uint32_t)index);
	b[20] = (uint8_t)kind;
	b[21] = (uint8_t)st;
	b[22] = (uint8_t)strlen(name);
	memcpy(b + 24, name, strlen(name));
}

/* Records of every kind decode when they follow the kind's rules. */
static void test_record_kinds(void **state)
{
	(void)state;
	uint8_t b[CVZ_WIRE_RECORD];
	struct sdk_rec r;
	rec(b, 7, CVZ_K_BEGIN, 99, 0, "job");
	assert_int_equal(sdk_wire_record(b, 7, &r), 0);
	assert_int_equal(r.t, 1007);
	assert_int_equal(r.task, 99);
	assert_int_equal(r.kind, CVZ_K_BEGIN);
	assert_int_equal(r.len, 3);
	assert_string_equal(r.name, "job");
	struct { unsigned kind; uint64_t task; unsigned st; const char *name; int ok; } cases[] = {
		{ CVZ_K_END, 5, 0, "", 0 },        { CVZ_K_END, 0, 0, "", -EINVAL },
		{ CVZ_K_END, 5, 0, "x", -EINVAL }, { CVZ_K_FAIL, 5, 0, "timeout", 0 },
		{ CVZ_K_CANCEL, 5, 0, "", 0 },     { CVZ_K_STATE, 0, CVZ_IDLE, "", 0 },
		{ CVZ_K_STATE, 0, 5, "", -EINVAL },{ CVZ_K_STATE, 3, CVZ_IO, "", -EINVAL },
		{ CVZ_K_MARK, 0, 0, "m", 0 },      { CVZ_K_MARK, 1, 0, "m", -EINVAL },
		{ CVZ_K_MARK, 0, 1, "m", -EINVAL },{ CVZ_K_SPAWN, 4, 0, "Task-1 f", 0 },
		{ CVZ_K_SPAWN, 0, 0, "t", -EINVAL },{ CVZ_K_RUN, 4, 0, "", 0 },
		{ CVZ_K_WAIT, 4, 0, "", 0 },       { CVZ_K_WAIT, 4, 2, "", -EINVAL },
		{ CVZ_K_LOOP_POLL, 0, 0, "", 0 },  { CVZ_K_LOOP_RUN, 0, 0, "", 0 },
		{ CVZ_K_LOOP_STOP, 0, 0, "", 0 },  { CVZ_K_LOOP_POLL, 1, 0, "", -EINVAL },
		{ 0, 0, 0, "", -EINVAL },          { CVZ_K_COUNT, 0, 0, "", -EINVAL },
		{ SDK_GONE, 0, 0, "", -EINVAL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rec(b, 3, cases[i].kind, cases[i].task, cases[i].st, cases[i].name);
		assert_int_equal(sdk_wire_record(b, 3, &r), cases[i].ok);
	}
}

/* Sequence, flags, length and name bytes are checked. */
static void test_record_bytes(void **state)
{
	(void)state;
	uint8_t b[CVZ_WIRE_RECORD];
	struct sdk_rec r;
	rec(b, 1, CVZ_K_MARK, 0, 0, "m");
	assert_int_equal(sdk_wire_record(b, 2, &r), -EINVAL);          /* wrong sequence */
	assert_int_equal(sdk_wire_record(b, 1 + (1ull << 32), &r), 0); /* low 32 bits only */
	b[23] = 1;
	assert_int_equal(sdk_wire_record(b, 1, &r), -EINVAL);          /* flags */
	rec(b, 1, CVZ_K_MARK, 0, 0, "m");
	b[22] = CVZ_WIRE_NAME + 1;
	assert_int_equal(sdk_wire_record(b, 1, &r), -EINVAL);          /* too long */
	memset(b + 24, 'a', CVZ_WIRE_NAME);
	b[22] = CVZ_WIRE_NAME;
	assert_int_equal(sdk_wire_record(b, 1, &r), 0);
	assert_int_equal(strlen(r.name), CVZ_WIRE_NAME);
	static const char *const names[] = {
		"a\xff", "a\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\xc3", "\x80",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		rec(b, 1, CVZ_K_MARK, 0, 0, names[i]);
		assert_int_equal(sdk_wire_record(b, 1, &r), -EINVAL);
	}
	rec(b, 1, CVZ_K_MARK, 0, 0, "ab");
	b[25] = 0;                                                     /* a NUL inside */
	assert_int_equal(sdk_wire_record(b, 1, &r), -EINVAL);
	rec(b, 1, CVZ_K_MARK, 0, 0, "\xc3\xa9t\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x98\x80");
	assert_int_equal(sdk_wire_record(b, 1, &r), 0);
	assert_string_equal(r.name, "\xc3\xa9t\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x98\x80");
}

/* Shard file names: "<pid>.<tid>" and "<pid>.<tid>.<k>" only. */
static void test_names(void **state)
{
	(void)state;
	uint32_t pid, tid;
	assert_int_equal(sdk_wire_name("12.34", &pid, &tid), 0);
	assert_int_equal(pid, 12);
	assert_int_equal(tid, 34);
	assert_int_equal(sdk_wire_name("4294967295.1.999", &pid, &tid), 0);
	assert_int_equal(pid, 4294967295u);
	static const char *const bad[] = {
		"", "1", "1.", ".1", "1..2", "0.1", "1.0", "4294967296.1", "1.2.1000", "1.2.",
		"1.2.3.4", "a.b", "1.2x", "12345678901.1", "1.2.-3", " 1.2", "garbage.txt",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sdk_wire_name(bad[i], &pid, &tid), -EINVAL);
}

/* The header's name copy: cut at a boundary with "…", bad bytes to '?';
 * whatever it makes, the reader accepts. */
static void test_header_names(void **state)
{
	(void)state;
	char dst[CVZ_WIRE_NAME];
	uint8_t b[CVZ_WIRE_RECORD];
	struct sdk_rec r;
	char longname[300];
	for (int shift = 0; shift < 4; shift++) {  /* a 2-, 3- or 4-byte character at the cut */
		memset(longname, 'x', sizeof longname);
		memcpy(longname + 99 + shift, "\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9", 9);
		longname[200] = 0;
		unsigned n = cvz__name(dst, longname);
		assert_true(n <= CVZ_WIRE_NAME);
		assert_memory_equal(dst + n - 3, "\xe2\x80\xa6", 3);
		rec(b, 0, CVZ_K_MARK, 0, 0, "");
		memcpy(b + 24, dst, n);
		b[22] = (uint8_t)n;
		assert_int_equal(sdk_wire_record(b, 0, &r), 0);
	}
	unsigned n = cvz__name(dst, "ok \xff\xc3 \xed\xa0\x80 \xc3\xa9");
	assert_int_equal(n, 12);
	assert_memory_equal(dst, "ok ?? ??? \xc3\xa9", 12);
	assert_int_equal(cvz__name(dst, ""), 0);
	memset(longname, 'y', CVZ_WIRE_NAME);
	longname[CVZ_WIRE_NAME] = 0;
	assert_int_equal(cvz__name(dst, longname), CVZ_WIRE_NAME);  /* exactly full: not cut */
	assert_int_equal(dst[CVZ_WIRE_NAME - 1], 'y');
}

/* Kind names for dumps. */
static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(sdk_wire_kind_name(CVZ_K_BEGIN), "begin");
	assert_string_equal(sdk_wire_kind_name(CVZ_K_LOOP_POLL), "loop-poll");
	assert_string_equal(sdk_wire_kind_name(SDK_GONE), "gone");
	assert_string_equal(sdk_wire_kind_name(200), "?");
	for (unsigned k = 1; k < CVZ_K_COUNT; k++)
		assert_string_not_equal(sdk_wire_kind_name(k), "?");
}

/* Run the wire tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),       cmocka_unit_test(test_record_kinds),
		cmocka_unit_test(test_record_bytes), cmocka_unit_test(test_names),
		cmocka_unit_test(test_header_names), cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests_name("sdk_wire", tests, NULL, NULL);
}
