/*
 * sdk_wire.c - decoding and checking shard headers, records and file names.
 *
 * Little-endian fields are read byte by byte (codec.h), so the code is the
 * same on any host and never reads past the buffer it was given. A record is
 * checked against what its kind allows: which kinds carry a task id, a
 * name or a state (the table below), so garbage that happens to have the
 * right sequence number is still refused.
 */
#include <errno.h>
#include <string.h>
#include "codec.h"
#include "sdk_wire.h"

enum { NEEDS_TASK = 1, HAS_NAME = 2, HAS_STATE = 4 };

static const uint8_t kind_rules[CVZ_K_COUNT] = {
	[CVZ_K_BEGIN] = NEEDS_TASK | HAS_NAME,
	[CVZ_K_END] = NEEDS_TASK,
	[CVZ_K_FAIL] = NEEDS_TASK | HAS_NAME,
	[CVZ_K_CANCEL] = NEEDS_TASK,
	[CVZ_K_STATE] = HAS_STATE,
	[CVZ_K_MARK] = HAS_NAME,
	[CVZ_K_SPAWN] = NEEDS_TASK | HAS_NAME,
	[CVZ_K_RUN] = NEEDS_TASK,
	[CVZ_K_WAIT] = NEEDS_TASK,
	[CVZ_K_LOOP_POLL] = 0,
	[CVZ_K_LOOP_RUN] = 0,
	[CVZ_K_LOOP_STOP] = 0,
};

static const char *const kind_names[CVZ_K_COUNT] = {
	[CVZ_K_BEGIN] = "begin",   [CVZ_K_END] = "end",
	[CVZ_K_FAIL] = "fail",     [CVZ_K_CANCEL] = "cancel",
	[CVZ_K_STATE] = "state",   [CVZ_K_MARK] = "mark",
	[CVZ_K_SPAWN] = "spawn",   [CVZ_K_RUN] = "run",
	[CVZ_K_WAIT] = "wait",     [CVZ_K_LOOP_POLL] = "loop-poll",
	[CVZ_K_LOOP_RUN] = "loop-run", [CVZ_K_LOOP_STOP] = "loop-stop",
};

/* Decode and check a shard header; 0, -EAGAIN (not made yet) or -EINVAL. */
int sdk_wire_header(const uint8_t b[CVZ_WIRE_HEADER], struct sdk_hdr *h)
{
	uint64_t magic = codec_get64(b);
	if (magic == 0)
		return -EAGAIN;
	uint32_t count = codec_get32(b + 20);
	if (magic != CVZ_WIRE_MAGIC || codec_get32(b + 8) != CVZ_WIRE_VERSION ||
	    codec_get32(b + 12) != CVZ_WIRE_HEADER || codec_get32(b + 16) != CVZ_WIRE_RECORD ||
	    count < SDK_COUNT_MIN || count > SDK_COUNT_MAX || (count & (count - 1)) ||
	    codec_get32(b + 32) != CVZ_WIRE_CLOCK)
		return -EINVAL;
	h->count = count;
	h->pid = codec_get32(b + 24);
	h->tid = codec_get32(b + 28);
	h->producer = codec_get32(b + 36);
	h->created = codec_get64(b + 40);
	if (!h->pid || !h->tid ||
	    (h->producer != CVZ_WIRE_PRODUCER_C && h->producer != CVZ_WIRE_PRODUCER_PYTHON))
		return -EINVAL;
	return 0;
}

/* True when s[0, n) is well-formed UTF-8 without NUL. */
bool sdk_wire_utf8(const uint8_t *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if (!s[i] || !(k = cvz_utf8_seq(s, n, i)))
			return false;
	return true;
}

/* Decode and check record `index`; 0 or -EINVAL. */
int sdk_wire_record(const uint8_t b[CVZ_WIRE_RECORD], uint64_t index, struct sdk_rec *out)
{
	unsigned kind = b[20], state = b[21], len = b[22], flags = b[23];
	uint64_t task = codec_get64(b + 8);
	if (codec_get32(b + 16) != (uint32_t)index || kind == 0 || kind >= CVZ_K_COUNT || flags ||
	    len > CVZ_WIRE_NAME)
		return -EINVAL;
	unsigned rule = kind_rules[kind];
	if (((rule & NEEDS_TASK) != 0) != (task != 0) ||
	    (!(rule & HAS_NAME) && len) ||
	    ((rule & HAS_STATE) ? state > CVZ_IDLE : state != 0) ||
	    !sdk_wire_utf8(b + 24, len))
		return -EINVAL;
	out->t = codec_get64(b);
	out->task = task;
	out->kind = (uint8_t)kind;
	out->state = (uint8_t)state;
	out->len = (uint8_t)len;
	memcpy(out->name, b + 24, len);
	out->name[len] = 0;
	return 0;
}

/* Parse a decimal number of at most 10 digits ending at '.' or NUL; returns
 * the position after it, or NULL. */
static const char *name_number(const char *p, uint64_t *v)
{
	int n = 0;
	*v = 0;
	while (*p >= '0' && *p <= '9' && n < 11) {
		*v = *v * 10 + (uint64_t)(*p++ - '0');
		n++;
	}
	return n == 0 || n > 10 || (*p != '.' && *p != 0) ? NULL : p;
}

/* Parse a shard file name; 0 or -EINVAL. */
int sdk_wire_name(const char *name, uint32_t *pid, uint32_t *tid)
{
	uint64_t a, b, k;
	const char *p = name_number(name, &a);
	if (!p || *p != '.' || !(p = name_number(p + 1, &b)))
		return -EINVAL;
	if (*p == '.' && (!(p = name_number(p + 1, &k)) || *p || k >= 1000))
		return -EINVAL;
	if (!a || !b || a > UINT32_MAX || b > UINT32_MAX)
		return -EINVAL;
	*pid = (uint32_t)a;
	*tid = (uint32_t)b;
	return 0;
}

/* Return the short name of a record kind, "?" when unknown. */
const char *sdk_wire_kind_name(unsigned kind)
{
	if (kind == SDK_GONE)
		return "gone";
	return kind < CVZ_K_COUNT && kind_names[kind] ? kind_names[kind] : "?";
}
