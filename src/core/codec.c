/*
 * codec.c - CRC-32C, the session header block and the event columns of the
 * recording format (see codec.h and README.md, "Recording format").
 *
 * Events are stored per chunk as seven columns of LEB128 varints, so that
 * zstd sees long runs of similar small bytes: time deltas (zigzag, against
 * the previous event of the chunk), kinds, lane deltas (zigzag), task deltas
 * (zigzag, against the last task seen on the same lane), codes, aux values
 * and args. A chunk decodes on its own: the predictors restart at zero.
 * Decoding is the exact inverse (wrapping arithmetic), so any 32-byte event
 * comes back bit for bit.
 */
#include "codec.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* ---- CRC-32C, slicing by 8 ------------------------------------------------ */

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

/* Fill the eight lookup tables of the reflected polynomial 0x82F63B78. */
static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^
					  crc_table[0][crc_table[t - 1][i] & 0xff];
}

/* Continue a CRC-32C over len bytes of buf (crc = 0 to start). */
uint32_t codec_crc32c(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	while (len >= 8) {
		uint32_t lo = crc ^ codec_get32(p), hi = codec_get32(p + 4);
		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

/* ---- varints -------------------------------------------------------------- */

/* Write v as an LEB128 varint at p; returns the bytes written (1..10). */
static inline size_t put_var(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* A varint read: where the next one starts (NULL when the bytes were cut
 * short or the value is over 64 bits) and its value. Returned by value, so
 * that the decoder's read position stays in a register. */
struct var {
	const uint8_t *next;
	uint64_t v;
};

/* Read the varint at q (before end) of two bytes or more. With eight bytes
 * to read, one of up to eight is taken from them at once: where it stops is
 * the first byte without its high bit, and its 7-bit groups are packed
 * together in three steps (the time column's deltas are 2 to 4 bytes). */
static struct var get_var_long(const uint8_t *q, const uint8_t *end)
{
	uint64_t r = 0;
	if (end - q >= 8) {
		uint64_t w = codec_get64(q);
		uint64_t stops = ~w & 0x8080808080808080ull;
		if (stops) {
			unsigned len = (unsigned)__builtin_ctzll(stops) / 8 + 1;
			if (len < 8)
				w &= (1ull << (8 * len)) - 1;
			w &= 0x7f7f7f7f7f7f7f7full;
			w = ((w & 0x7f007f007f007f00ull) >> 1) | (w & 0x007f007f007f007full);
			w = ((w & 0x3fff00003fff0000ull) >> 2) | (w & 0x00003fff00003fffull);
			w = ((w & 0x0fffffff00000000ull) >> 4) | (w & 0x000000000fffffffull);
			return (struct var){ q + len, w };
		}
	}
	for (unsigned shift = 0; q < end; shift += 7) {
		uint8_t b = *q++;
		if (shift == 63 && b > 1)
			break;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return (struct var){ q, r };
		if (shift == 63)
			break;
	}
	return (struct var){ NULL, 0 };
}

/* Read the varint at q (before end). Most values of most columns fit in one
 * byte: that case is inline, the rest a call. */
static inline struct var get_var(const uint8_t *q, const uint8_t *end)
{
	if (q < end && *q < 0x80)
		return (struct var){ q + 1, *q };
	return get_var_long(q, end);
}

/* Zigzag-map a wrapped 64-bit difference so small magnitudes are small. */
static inline uint64_t zz64(uint64_t d)
{
	return (d << 1) ^ (0 - (d >> 63));
}

/* Undo zz64. */
static inline uint64_t unzz64(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

/* Zigzag-map a wrapped 32-bit difference. */
static inline uint32_t zz32(uint32_t d)
{
	return (d << 1) ^ (0u - (d >> 31));
}

/* Undo zz32. */
static inline uint32_t unzz32(uint32_t z)
{
	return (z >> 1) ^ (0u - (z & 1));
}

/* ---- event columns -------------------------------------------------------- */

#define PRED_SLOTS 4096 /* per-lane task predictors, indexed by lane % 4096 */

/* Encode n events as seven varint columns at out; returns bytes written. */
size_t codec_events_encode(const struct cv_event *ev, size_t n, uint8_t *out)
{
	uint8_t *p = out;
	uint64_t prev_t = 0;
	for (size_t i = 0; i < n; i++) {
		p += put_var(p, zz64(ev[i].t - prev_t));
		prev_t = ev[i].t;
	}
	for (size_t i = 0; i < n; i++)
		p += put_var(p, ev[i].kind);
	uint32_t prev_lane = 0;
	for (size_t i = 0; i < n; i++) {
		p += put_var(p, zz32(ev[i].lane - prev_lane));
		prev_lane = ev[i].lane;
	}
	uint32_t pred[PRED_SLOTS];
	for (size_t k = 0; k < PRED_SLOTS; k++)
		pred[k] = CV_NO_TASK;
	for (size_t i = 0; i < n; i++) {
		uint32_t *slot = &pred[ev[i].lane % PRED_SLOTS];
		p += put_var(p, zz32(ev[i].task - *slot));
		*slot = ev[i].task;
	}
	for (size_t i = 0; i < n; i++)
		p += put_var(p, ev[i].code);
	for (size_t i = 0; i < n; i++)
		p += put_var(p, ev[i].aux);
	for (size_t i = 0; i < n; i++)
		p += put_var(p, ev[i].arg);
	return (size_t)(p - out);
}

/* Decode exactly n events from len bytes; 0 or -EINVAL. Every field of
 * every event is written (a cv_event has no padding). */
int codec_events_decode(const uint8_t *in, size_t len, struct cv_event *ev, size_t n)
{
	const uint8_t *p = in, *end = in + len;
	struct var x;
	uint64_t t = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(p = (x = get_var(p, end)).next))
			return -EINVAL;
		t += unzz64(x.v);
		ev[i].t = t;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(p = (x = get_var(p, end)).next) || x.v > UINT16_MAX)
			return -EINVAL;
		ev[i].kind = (uint16_t)x.v;
	}
	uint32_t lane = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(p = (x = get_var(p, end)).next) || x.v > UINT32_MAX)
			return -EINVAL;
		lane += unzz32((uint32_t)x.v);
		ev[i].lane = lane;
	}
	uint32_t pred[PRED_SLOTS];
	for (size_t k = 0; k < PRED_SLOTS; k++)
		pred[k] = CV_NO_TASK;
	for (size_t i = 0; i < n; i++) {
		if (!(p = (x = get_var(p, end)).next) || x.v > UINT32_MAX)
			return -EINVAL;
		uint32_t *slot = &pred[ev[i].lane % PRED_SLOTS];
		*slot += unzz32((uint32_t)x.v);
		ev[i].task = *slot;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(p = (x = get_var(p, end)).next) || x.v > UINT16_MAX)
			return -EINVAL;
		ev[i].code = (uint16_t)x.v;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(p = (x = get_var(p, end)).next) || x.v > UINT32_MAX)
			return -EINVAL;
		ev[i].aux = (uint32_t)x.v;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(p = (x = get_var(p, end)).next))
			return -EINVAL;
		ev[i].arg = x.v;
	}
	return p == end ? 0 : -EINVAL;
}

/* ---- header block: writing ------------------------------------------------ */

struct wbuf {
	uint8_t *p;
	size_t n, cap;
	int err;
};

/* Make room for k more bytes; false (and err set) when out of memory. */
static bool wb_room(struct wbuf *w, size_t k)
{
	if (w->err)
		return false;
	if (w->n + k <= w->cap)
		return true;
	size_t cap = w->cap ? w->cap : 1024;
	while (cap < w->n + k)
		cap *= 2;
	if (cap > CODEC_MAX_HEADER + (size_t)CODEC_MAX_STRING * 2) {
		w->err = -E2BIG;
		return false;
	}
	uint8_t *np = realloc(w->p, cap);
	if (!np) {
		w->err = -ENOMEM;
		return false;
	}
	w->p = np;
	w->cap = cap;
	return true;
}

/* Append a byte. */
static void wb_u8(struct wbuf *w, uint8_t v)
{
	if (wb_room(w, 1))
		w->p[w->n++] = v;
}

/* Append a little-endian u32. */
static void wb_u32(struct wbuf *w, uint32_t v)
{
	if (wb_room(w, 4)) {
		codec_put32(w->p + w->n, v);
		w->n += 4;
	}
}

/* Append a little-endian u64. */
static void wb_u64(struct wbuf *w, uint64_t v)
{
	if (wb_room(w, 8)) {
		codec_put64(w->p + w->n, v);
		w->n += 8;
	}
}

/* Append a double as its IEEE-754 bit pattern. */
static void wb_f64(struct wbuf *w, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof v);
	wb_u64(w, v);
}

/* Append a string: u32 length, then its bytes (no NUL). */
static void wb_str(struct wbuf *w, const char *s)
{
	size_t len = s ? strlen(s) : 0;
	if (len > CODEC_MAX_STRING) {
		if (!w->err)
			w->err = -E2BIG;
		return;
	}
	wb_u32(w, (uint32_t)len);
	if (len && wb_room(w, len)) {
		memcpy(w->p + w->n, s, len);
		w->n += len;
	}
}

/* Serialise the session; see codec.h. */
int codec_header_encode(const struct session *s, const char *version,
			uint8_t **out, size_t *len)
{
	const struct cv_params *p = &s->params;
	struct wbuf w = { 0 };
	*out = NULL;
	*len = 0;
	if (s->nlanes > CODEC_MAX_ITEMS || s->ntasks > CODEC_MAX_ITEMS ||
	    p->nurls < 0 || (uint32_t)p->nurls > CODEC_MAX_ITEMS)
		return -E2BIG;
	wb_str(&w, version);
	wb_u8(&w, (uint8_t)p->mode);
	wb_u8(&w, (uint8_t)p->workload);
	wb_u8(&w, p->gil ? 1 : 0);
	wb_u8(&w, (uint8_t)((p->lock ? 1 : 0) | (p->lock_order ? 2 : 0)));
	wb_u32(&w, (uint32_t)p->workers);
	wb_u32(&w, (uint32_t)p->tasks);
	wb_f64(&w, p->switch_ms);
	wb_f64(&w, p->latency_ms);
	wb_f64(&w, p->jitter_ms);
	wb_u64(&w, (uint64_t)(int64_t)p->size);
	wb_f64(&w, p->fail_rate);
	wb_f64(&w, p->timeout_ms);
	wb_u64(&w, p->cpu_base);
	wb_u32(&w, p->urls ? (uint32_t)p->nurls : 0);
	for (int i = 0; p->urls && i < p->nurls; i++)
		wb_str(&w, p->urls[i]);
	wb_str(&w, s->host);
	wb_u32(&w, (uint32_t)s->cores);
	wb_u64(&w, (uint64_t)s->start_unix_ns);
	wb_u64(&w, s->start_mono_ns);
	wb_f64(&w, s->ideal_latency_ms);
	wb_u32(&w, s->nlanes);
	for (uint32_t i = 0; i < s->nlanes; i++) {
		wb_str(&w, s->lanes[i].name);
		wb_u8(&w, s->lanes[i].kind);
	}
	wb_u32(&w, s->ntasks);
	for (uint32_t i = 0; i < s->ntasks; i++)
		wb_str(&w, session_task_name(s, i));
	/* version 2 */
	wb_u32(&w, s->nlanes);
	for (uint32_t i = 0; i < s->nlanes; i++) {
		wb_u32(&w, s->lanes[i].pid);
		wb_u32(&w, s->lanes[i].tid);
	}
	wb_u32(&w, (uint32_t)s->argc);
	for (int i = 0; i < s->argc; i++)
		wb_str(&w, s->argv[i]);
	wb_u32(&w, s->trace_pid);
	wb_u32(&w, (uint32_t)s->trace_hz);
	if (!w.err && w.n > CODEC_MAX_HEADER)
		w.err = -E2BIG;
	if (w.err) {
		free(w.p);
		return w.err;
	}
	*out = w.p;
	*len = w.n;
	return 0;
}

/* Compress a raw header block behind the prologue; see codec.h. */
int codec_prologue_pack(const uint8_t *raw, size_t rawlen, int level, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (rawlen > CODEC_MAX_HEADER)
		return -E2BIG;
	size_t cap = CODEC_PROLOGUE + ZSTD_compressBound(rawlen);
	uint8_t *p = malloc(cap);
	if (!p)
		return -ENOMEM;
	size_t c = ZSTD_compress(p + CODEC_PROLOGUE, cap - CODEC_PROLOGUE, raw, rawlen, level);
	if (ZSTD_isError(c)) {
		free(p);
		return -ENOMEM;
	}
	memcpy(p, CODEC_MAGIC, 8);
	codec_put16(p + 8, CODEC_VERSION);
	codec_put16(p + 10, 0);
	codec_put32(p + 12, (uint32_t)c);
	codec_put32(p + 16, (uint32_t)rawlen);
	codec_put32(p + 20, codec_crc32c(0, p + CODEC_PROLOGUE, c));
	*out = p;
	*len = CODEC_PROLOGUE + c;
	return 0;
}

/* ---- header block: reading ------------------------------------------------ */

struct rbuf {
	const uint8_t *p, *end;
	char *what;   /* the first problem, for the message */
	size_t wlen;
	bool bad;
};

/* Record the first problem met while reading (printf-style). */
static bool rb_fail(struct rbuf *r, const char *fmt, ...)
{
	if (!r->bad) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->what, r->wlen, fmt, ap);
		va_end(ap);
		r->bad = true;
	}
	return false;
}

/* Take k bytes; NULL (problem recorded) when fewer remain. */
static const uint8_t *rb_take(struct rbuf *r, size_t k, const char *field)
{
	if (r->bad)
		return NULL;
	if ((size_t)(r->end - r->p) < k) {
		rb_fail(r, "%s runs past the header's end", field);
		return NULL;
	}
	const uint8_t *q = r->p;
	r->p += k;
	return q;
}

/* Read a u8 (0 once a problem was met). */
static uint8_t rb_u8(struct rbuf *r, const char *field)
{
	const uint8_t *q = rb_take(r, 1, field);
	return q ? q[0] : 0;
}

/* Read a u32 (0 once a problem was met). */
static uint32_t rb_u32(struct rbuf *r, const char *field)
{
	const uint8_t *q = rb_take(r, 4, field);
	return q ? codec_get32(q) : 0;
}

/* Read a u64 (0 once a problem was met). */
static uint64_t rb_u64(struct rbuf *r, const char *field)
{
	const uint8_t *q = rb_take(r, 8, field);
	return q ? codec_get64(q) : 0;
}

/* Read a double; NaN and infinities are corrupt. */
static double rb_f64(struct rbuf *r, const char *field)
{
	uint64_t v = rb_u64(r, field);
	double d;
	if ((v >> 52 & 0x7ff) == 0x7ff) {
		rb_fail(r, "%s is not a finite number", field);
		return 0;
	}
	memcpy(&d, &v, sizeof d);
	return d;
}

/* Read a string of at most max bytes into a fresh malloc'd C string
 * (NULL with the problem recorded, or out of memory: *oom set). */
static char *rb_str(struct rbuf *r, uint32_t max, const char *field, bool *oom)
{
	uint32_t len = rb_u32(r, field);
	if (r->bad)
		return NULL;
	if (len > max) {
		rb_fail(r, "%s length %u", field, len);
		return NULL;
	}
	const uint8_t *q = rb_take(r, len, field);
	if (!q)
		return NULL;
	if (memchr(q, 0, len)) {
		rb_fail(r, "%s holds a NUL byte", field);
		return NULL;
	}
	char *s = malloc((size_t)len + 1);
	if (!s) {
		*oom = true;
		rb_fail(r, "out of memory");
		return NULL;
	}
	memcpy(s, q, len);
	s[len] = 0;
	return s;
}

/* Read a string into a fixed buffer of cap bytes (NUL included). */
static void rb_str_into(struct rbuf *r, char *dst, size_t cap, const char *field)
{
	uint32_t len = rb_u32(r, field);
	if (r->bad)
		return;
	if (len >= cap) {
		rb_fail(r, "%s length %u", field, len);
		return;
	}
	const uint8_t *q = rb_take(r, len, field);
	if (!q)
		return;
	if (memchr(q, 0, len)) {
		rb_fail(r, "%s holds a NUL byte", field);
		return;
	}
	memcpy(dst, q, len);
	dst[len] = 0;
}

/* Read a list count that must be <= 1,000,000 and fit the remaining bytes,
 * each item taking at least `min` bytes. */
static uint32_t rb_count(struct rbuf *r, size_t min, const char *field)
{
	uint32_t n = rb_u32(r, field);
	if (r->bad)
		return 0;
	if (n > CODEC_MAX_ITEMS || (size_t)n * min > (size_t)(r->end - r->p)) {
		rb_fail(r, "%s %u", field, n);
		return 0;
	}
	return n;
}

/* Free the first n strings of v and v itself. */
static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

/* Read the fields version 2 appended (per-lane pid and tid, the traced
 * command, its pid and rate) into s; 0, -EINVAL (recorded in r) or -ENOMEM. */
static int codec_header_v2(struct rbuf *r, struct session *s)
{
	uint32_t n = rb_count(r, 8, "lane ids count");
	if (!r->bad && n != s->nlanes)
		return rb_fail(r, "lane ids count %u for %u lanes", n, s->nlanes), -EINVAL;
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		s->lanes[i].pid = rb_u32(r, "lane pid");
		s->lanes[i].tid = rb_u32(r, "lane tid");
	}
	uint32_t argc = rb_count(r, 4, "command word count");
	if (r->bad)
		return -EINVAL;
	if (argc) {
		char **argv = calloc(argc, sizeof *argv);
		bool oom = false;
		if (!argv)
			return -ENOMEM;
		for (uint32_t i = 0; i < argc && !r->bad; i++)
			argv[i] = rb_str(r, CODEC_MAX_STRING, "command word", &oom);
		int rc = oom ? -ENOMEM : r->bad ? -EINVAL : session_set_argv(s, (int)argc, argv);
		free_strv(argv, argc);
		if (rc < 0)
			return rc;
		s->params.argv = s->argv;
		s->params.argc = s->argc;
	}
	s->trace_pid = rb_u32(r, "traced pid");
	s->trace_hz = (int32_t)rb_u32(r, "sampling rate");
	s->params.hz = s->trace_hz;
	return r->bad ? -EINVAL : 0;
}

/* Parse a header block into s; see codec.h. */
int codec_header_decode(const uint8_t *buf, size_t len, struct session *s,
			char *version, size_t vlen, char *what, size_t wlen)
{
	struct rbuf r = { buf, buf + len, what, wlen, false };
	struct cv_params p;
	char **urls = NULL, **tasks = NULL;
	uint32_t nurls = 0, ntasks = 0, i;
	bool oom = false, inited = false;
	int rc = -EINVAL;

	memset(s, 0, sizeof *s);
	memset(&p, 0, sizeof p);
	if (what && wlen)
		what[0] = 0;
	char *ver = rb_str(&r, 256, "version string", &oom);
	if (ver && version && vlen)
		snprintf(version, vlen, "%s", ver);
	free(ver);
	uint8_t mode = rb_u8(&r, "mode"), wl = rb_u8(&r, "workload"), gil = rb_u8(&r, "gil");
	uint8_t flags = rb_u8(&r, "flags byte");   /* version 1: always 0 */
	p.lock = flags & 1;
	p.lock_order = (flags & 2) != 0;
	if (!r.bad && mode >= MODE_COUNT)
		rb_fail(&r, "mode %u", mode);
	if (!r.bad && wl >= WL_COUNT)
		rb_fail(&r, "workload %u", wl);
	if (!r.bad && gil > 1)
		rb_fail(&r, "gil flag %u", gil);
	p.mode = (enum cv_mode)mode;
	p.workload = (enum cv_workload)wl;
	p.gil = gil;
	p.workers = (int32_t)rb_u32(&r, "workers");
	p.tasks = (int32_t)rb_u32(&r, "tasks");
	if (!r.bad && (p.workers < 0 || p.tasks < 0))
		rb_fail(&r, "workers %d / tasks %d", p.workers, p.tasks);
	p.switch_ms = rb_f64(&r, "switch interval");
	p.latency_ms = rb_f64(&r, "latency");
	p.jitter_ms = rb_f64(&r, "jitter");
	p.size = (long)(int64_t)rb_u64(&r, "size");
	p.fail_rate = rb_f64(&r, "fail rate");
	p.timeout_ms = rb_f64(&r, "timeout");
	p.cpu_base = rb_u64(&r, "cpu base");
	nurls = rb_count(&r, 4, "URL count");
	if (nurls) {
		urls = calloc(nurls, sizeof *urls);
		if (!urls)
			goto oom;
		for (i = 0; i < nurls && !r.bad; i++)
			urls[i] = rb_str(&r, CODEC_MAX_STRING, "URL", &oom);
		p.urls = urls;
		p.nurls = (int)nurls;
	}
	if (oom)
		goto oom;
	if (r.bad)
		goto out;
	if (session_init(s, &p) < 0)
		goto oom;
	inited = true;
	rb_str_into(&r, s->host, sizeof s->host, "host name");
	s->cores = (int32_t)rb_u32(&r, "cores");
	s->start_unix_ns = (int64_t)rb_u64(&r, "start time");
	s->start_mono_ns = rb_u64(&r, "start clock");
	s->ideal_latency_ms = rb_f64(&r, "ideal latency");
	uint32_t nlanes = rb_count(&r, 5, "lanes count");
	for (i = 0; i < nlanes && !r.bad; i++) {
		char name[sizeof s->lanes[0].name];
		rb_str_into(&r, name, sizeof name, "lane name");
		uint8_t kind = rb_u8(&r, "lane kind");
		if (r.bad)
			break;
		if (kind > LANE_MAIN) {
			rb_fail(&r, "lane %u kind %u", i, kind);
			break;
		}
		if (session_add_lane(s, name, (enum lane_kind)kind) < 0)
			goto oom;
	}
	ntasks = rb_count(&r, 4, "tasks count");
	if (ntasks) {
		tasks = calloc(ntasks, sizeof *tasks);
		if (!tasks)
			goto oom;
		for (i = 0; i < ntasks && !r.bad; i++)
			tasks[i] = rb_str(&r, CODEC_MAX_STRING, "task name", &oom);
		if (oom)
			goto oom;
		if (!r.bad && session_set_tasks(s, tasks, ntasks) < 0)
			goto oom;
	}
	if (!r.bad && r.p < r.end && codec_header_v2(&r, s) == -ENOMEM)
		goto oom;
	if (!r.bad)
		rc = 0;
	goto out;
oom:
	rc = -ENOMEM;
	if (what && wlen)
		snprintf(what, wlen, "out of memory");
out:
	free_strv(urls, nurls);
	free_strv(tasks, ntasks);
	if (rc < 0) {
		if (inited)
			session_free(s);
		memset(s, 0, sizeof *s);
	}
	return rc;
}
