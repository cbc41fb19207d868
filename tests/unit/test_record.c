/*
 * test_record.c - recordings (.cvz): round trips, damage, hostile headers.
 *
 * Random event streams and a session with URLs and many lanes go through
 * recorder_* to a file and back through replay_*: the events must come back
 * bit for bit and the header field for field. A small 3-chunk recording is
 * then cut at every byte offset (each prefix must replay a whole number of
 * chunks or be refused with a message) and has one bit flipped at every
 * byte (the damage must be reported, naming the chunk). Hand-crafted
 * headers and chunks declaring absurd sizes must be refused without a huge
 * allocation (run under `make asan` too). The files written here also form
 * the damaged-file corpus in tests/data/ when CV_WRITE_CORPUS is set.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "codec.h"
#include "record.h"
#include "session.h"
#include "timeline.h"

static char dir[64];          /* per-run scratch directory */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

/* xorshift64: a reproducible random number. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Return a path in the scratch directory (static buffer per slot). */
static const char *tmp_path(const char *name)
{
	static char buf[4][128];
	static int slot;
	char *p = buf[slot++ % 4];
	snprintf(p, sizeof buf[0], "%s/%s", dir, name);
	return p;
}

/* Fill s with a session of nlanes lanes, ntasks tasks and nurls URLs. */
static void make_session(struct session *s, uint32_t nlanes, uint32_t ntasks, int nurls)
{
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_ASYNC;
	p.workload = WL_IO;
	p.workers = 7;
	p.tasks = (int)ntasks;
	p.gil = true;
	p.switch_ms = 2.5;
	p.jitter_ms = 12.25;
	p.fail_rate = 0.125;
	p.size = 123456789;
	p.cpu_base = 0xFEDCBA9876543210ull;
	char **urls = calloc((size_t)nurls + 1, sizeof *urls);
	for (int i = 0; i < nurls; i++) {
		urls[i] = malloc(80);
		snprintf(urls[i], 80, "http://127.0.0.1:8080/item/%d?a=1,b=\"2\"", i);
	}
	p.urls = urls;
	p.nurls = nurls;
	assert_int_equal(session_init(s, &p), 0);
	for (int i = 0; i < nurls; i++)
		free(urls[i]);
	free(urls);
	snprintf(s->host, sizeof s->host, "test-host");
	s->cores = 12;
	s->start_unix_ns = 1700000000123456789ll;
	s->start_mono_ns = 987654321012345ull;
	s->ideal_latency_ms = 100.5;
	for (uint32_t i = 0; i < nlanes; i++) {
		char name[32];
		snprintf(name, sizeof name, i % 3 ? "task %u" : "pid %u", i);
		assert_true(session_add_lane(s, name, (enum lane_kind)(i % 4)) >= 0);
	}
	char **names = calloc(ntasks + 1, sizeof *names);
	for (uint32_t i = 0; i < ntasks; i++) {
		names[i] = malloc(64);
		snprintf(names[i], 64, i % 2 ? "sum n=%u" : "http://127.0.0.1/%u", i);
	}
	assert_int_equal(session_set_tasks(s, names, ntasks), 0);
	for (uint32_t i = 0; i < ntasks; i++)
		free(names[i]);
	free(names);
}

/* Assert that two sessions hold the same header fields. */
static void assert_same_session(const struct session *a, const struct session *b)
{
	assert_int_equal(a->params.mode, b->params.mode);
	assert_int_equal(a->params.workload, b->params.workload);
	assert_int_equal(a->params.workers, b->params.workers);
	assert_int_equal(a->params.tasks, b->params.tasks);
	assert_int_equal(a->params.gil, b->params.gil);
	assert_true(a->params.switch_ms == b->params.switch_ms);
	assert_true(a->params.latency_ms == b->params.latency_ms);
	assert_true(a->params.jitter_ms == b->params.jitter_ms);
	assert_int_equal(a->params.size, b->params.size);
	assert_true(a->params.fail_rate == b->params.fail_rate);
	assert_true(a->params.timeout_ms == b->params.timeout_ms);
	assert_true(a->params.cpu_base == b->params.cpu_base);
	assert_int_equal(a->params.nurls, b->params.nurls);
	for (int i = 0; i < a->params.nurls; i++)
		assert_string_equal(a->params.urls[i], b->params.urls[i]);
	assert_string_equal(a->host, b->host);
	assert_int_equal(a->cores, b->cores);
	assert_true(a->start_unix_ns == b->start_unix_ns);
	assert_true(a->start_mono_ns == b->start_mono_ns);
	assert_true(a->ideal_latency_ms == b->ideal_latency_ms);
	assert_int_equal(a->nlanes, b->nlanes);
	for (uint32_t i = 0; i < a->nlanes; i++) {
		assert_string_equal(a->lanes[i].name, b->lanes[i].name);
		assert_int_equal(a->lanes[i].kind, b->lanes[i].kind);
	}
	assert_int_equal(a->ntasks, b->ntasks);
	for (uint32_t i = 0; i < a->ntasks; i++)
		assert_string_equal(a->tasks[i], b->tasks[i]);
}

/* Fill ev[n] with a random stream; wild = any bit patterns, else
 * engine-like (lanes < nlanes, tasks < ntasks, increasing time). */
static void random_events(struct cv_event *ev, size_t n, bool wild, uint32_t nlanes, uint32_t ntasks)
{
	uint64_t t = 1000000 + rnd() % 1000;
	for (size_t i = 0; i < n; i++) {
		struct cv_event *e = &ev[i];
		memset(e, 0, sizeof *e);
		if (wild) {
			e->t = rnd();
			e->arg = rnd() >> (rnd() % 64);
			e->lane = (uint32_t)rnd();
			e->task = rnd() % 4 ? (uint32_t)rnd() : CV_NO_TASK;
			e->kind = (uint16_t)rnd();
			e->code = (uint16_t)rnd();
			e->aux = (uint32_t)(rnd() >> (rnd() % 64));
			continue;
		}
		t += rnd() % 3000000;
		e->t = t - (rnd() % 8 == 0 ? rnd() % 50000 : 0); /* a little disorder */
		e->lane = (uint32_t)(rnd() % nlanes);
		e->task = rnd() % 5 ? (uint32_t)(rnd() % ntasks) : CV_NO_TASK;
		e->kind = (uint16_t)(1 + rnd() % (EV_KIND_COUNT - 1));
		if (e->kind == EV_TASK_END || e->kind == EV_TASK_FAIL) {
			e->arg = rnd() % 100000;
			e->code = 200;
			e->aux = e->kind == EV_TASK_FAIL ? (uint32_t)(1 + rnd() % 7) : 0;
		}
	}
}

/* Record ev[n] to path in pieces, with a forced chunk after each cut[i]
 * events (cuts ascending, ncut of them); returns 0 or fails the test. */
static void record_file(const char *path, const struct session *s, const struct cv_event *ev,
			size_t n, const size_t *cut, size_t ncut)
{
	char err[256];
	struct recorder *rec = recorder_open(path, true, s, err, sizeof err);
	assert_non_null(rec);
	size_t done = 0;
	for (size_t c = 0; c <= ncut; c++) {
		size_t upto = c < ncut ? cut[c] : n;
		while (done < upto) {
			size_t k = 1 + rnd() % 5000;
			if (k > upto - done)
				k = upto - done;
			assert_int_equal(recorder_write(rec, ev + done, k), 0);
			done += k;
		}
		if (c < ncut)
			assert_int_equal(recorder_flush(rec), 0);
	}
	assert_int_equal(recorder_events(rec), n);
	assert_int_equal(recorder_close(rec, err, sizeof err), 0);
	assert_string_equal(err, "");
}

/* Read a whole file into a malloc'd buffer. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Write len bytes to path. */
static void spit(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* With CV_WRITE_CORPUS=DIR set, keep a copy of a test file as DIR/name
 * (how tests/data/ was made; see tests/data/expected.txt). */
static void keep(const char *name, const void *d, size_t len)
{
	const char *to = getenv("CV_WRITE_CORPUS");
	if (to) {
		char path[256];
		snprintf(path, sizeof path, "%s/%s", to, name);
		spit(path, d, len);
	}
}

/* Replay rp to its end, collecting events into out (cap); returns the count
 * or -1 on a damaged chunk. chunk_ends[k] gets the running count. */
static long drain(struct replay *rp, struct cv_event *out, size_t cap, size_t *chunk_ends,
		  size_t *nchunks)
{
	const struct cv_event *ev;
	long n;
	size_t total = 0;
	*nchunks = 0;
	while ((n = replay_next(rp, &ev)) > 0) {
		assert_true(total + (size_t)n <= cap);
		memcpy(out + total, ev, (size_t)n * sizeof *ev);
		total += (size_t)n;
		if (chunk_ends)
			chunk_ends[*nchunks] = total;
		(*nchunks)++;
	}
	return n < 0 ? -1 : (long)total;
}

/* Random streams, engine-like and wild, come back identical with the header. */
static void test_roundtrip(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 2, 999, 16384, 16385, 50000 };
	struct session s, r;
	make_session(&s, 300, 2000, 40);
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		for (int wild = 0; wild < 2; wild++) {
			size_t n = sizes[k];
			struct cv_event *ev = calloc(n + 1, sizeof *ev), *back = calloc(n + 1, sizeof *back);
			random_events(ev, n, wild, s.nlanes, s.ntasks);
			const char *path = tmp_path("rt.cvz");
			size_t cut = n / 3;
			record_file(path, &s, ev, n, &cut, n > 3 ? 1 : 0);
			char err[256];
			struct replay *rp = replay_open(path, &r, err, sizeof err);
			assert_non_null(rp);
			assert_same_session(&s, &r);
			size_t nch;
			assert_int_equal(drain(rp, back, n, NULL, &nch), (long)n);
			assert_false(replay_truncated(rp));
			assert_string_equal(replay_error(rp), "");
			assert_int_equal(replay_events(rp), n);
			assert_int_equal(replay_chunks(rp), nch);
			if (n)
				assert_memory_equal(ev, back, n * sizeof *ev);
			replay_close(rp);
			session_free(&r);
			free(ev);
			free(back);
		}
	}
	session_free(&s);
}

/* recorder_write makes a chunk every RECORD_CHUNK_EVENTS events by itself. */
static void test_chunk_size(void **state)
{
	(void)state;
	size_t n = 2 * RECORD_CHUNK_EVENTS + 100;
	struct cv_event *ev = calloc(n, sizeof *ev), *back = calloc(n, sizeof *back);
	struct session s, r;
	make_session(&s, 8, 100, 0);
	random_events(ev, n, false, s.nlanes, s.ntasks);
	const char *path = tmp_path("chunks.cvz");
	record_file(path, &s, ev, n, NULL, 0);
	char err[256];
	struct replay *rp = replay_open(path, &r, err, sizeof err);
	assert_non_null(rp);
	size_t ends[8], nch;
	assert_int_equal(drain(rp, back, n, ends, &nch), (long)n);
	assert_true(nch >= 3);
	assert_int_equal(ends[0], RECORD_CHUNK_EVENTS); /* 200 ms may add a chunk later */
	assert_memory_equal(ev, back, n * sizeof *ev);
	replay_close(rp);
	session_free(&r);
	session_free(&s);
	free(ev);
	free(back);
}

/* The small 3-chunk recording the damage tests cut and flip. */
static struct cv_event small_ev[40];
static const size_t small_cuts[] = { 12, 30 };

/* Write the small recording and return its bytes. */
static uint8_t *small_recording(size_t *len, struct session *s)
{
	make_session(s, 4, 6, 2);
	rng_state = 12345;
	random_events(small_ev, 40, false, s->nlanes, s->ntasks);
	const char *path = tmp_path("small.cvz");
	record_file(path, s, small_ev, 40, small_cuts, 2);
	return slurp(path, len);
}

/* Every prefix replays a whole number of chunks, or is refused cleanly. */
static void test_truncation_every_offset(void **state)
{
	(void)state;
	struct session s, r;
	size_t len;
	uint8_t *data = small_recording(&len, &s);
	struct cv_event back[40];
	size_t opened = 0;
	for (size_t cut = 0; cut <= len; cut++) {
		char err[256] = "unset";
		/* copy, so that ASan sees reads past the prefix */
		uint8_t *pre = malloc(cut ? cut : 1);
		memcpy(pre, data, cut);
		struct replay *rp = replay_open_mem(pre, cut, &r, err, sizeof err);
		if (!rp) {
			assert_true(strlen(err) > 10);
			assert_non_null(strstr(err, "<memory>: "));
			free(pre);
			continue;
		}
		opened++;
		size_t nch;
		long n = drain(rp, back, 40, NULL, &nch);
		assert_true(n == 0 || n == 12 || n == 30 || n == 40);
		if (n)
			assert_memory_equal(back, small_ev, (size_t)n * sizeof back[0]);
		assert_int_equal(replay_truncated(rp), cut < len);
		assert_string_equal(replay_error(rp), "");
		if (cut == len)
			assert_int_equal(n, 40);
		replay_close(rp);
		session_free(&r);
		free(pre);
	}
	assert_true(opened > 40);
	/* the same through a file and replay_load: complete chunks, a note */
	const char *path = tmp_path("cut.cvz");
	spit(path, data, len - 25);
	keep("cut.cvz", data, len - 25);
	keep("small.cvz", data, len);
	keep("nomarker.cvz", data, len - CODEC_TRAILER);
	struct timeline tl;
	char err[256];
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), 0);
	assert_non_null(strstr(err, "cut short"));
	assert_int_equal(tl.stats.events, 30);
	session_free(&r);
	timeline_free(&tl);
	spit(path, data, len);
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_int_equal(tl.stats.events, 40);
	session_free(&r);
	timeline_free(&tl);
	free(data);
	session_free(&s);
}

/* Find the offsets of the chunk tags in a recording; returns how many. */
static size_t chunk_offsets(const uint8_t *d, size_t len, size_t *off, size_t max)
{
	size_t k = 0, p = CODEC_PROLOGUE + codec_get32(d + 12);
	while (p + CODEC_CHUNK_HEAD <= len && !memcmp(d + p, "CHNK", 4) && k < max) {
		off[k++] = p;
		p += CODEC_CHUNK_HEAD + codec_get32(d + p + 8);
	}
	off[k] = p; /* the end marker */
	return k;
}

/* One flipped bit anywhere is refused (header) or names its chunk. */
static void test_bit_flips(void **state)
{
	(void)state;
	struct session s, r;
	size_t len;
	uint8_t *data = small_recording(&len, &s);
	size_t off[8] = { 0 };
	assert_int_equal(chunk_offsets(data, len, off, 7), 3);
	assert_int_equal(off[3] + CODEC_TRAILER, len);
	uint8_t *bad = malloc(len);
	struct cv_event back[40];
	for (size_t i = 0; i < len; i++) {
		memcpy(bad, data, len);
		bad[i] ^= (uint8_t)(1u << (i % 8));
		char err[256];
		struct replay *rp = replay_open_mem(bad, len, &r, err, sizeof err);
		if (i < off[0]) {
			assert_null(rp);
			assert_true(strstr(err, "corrupt header") || strstr(err, "not a concviz") ||
				    strstr(err, "truncated header") || strstr(err, "newer"));
			continue;
		}
		assert_non_null(rp);
		size_t nch;
		long n = drain(rp, back, 40, NULL, &nch);
		assert_int_equal(n, -1);
		char want[64];
		if (i >= off[3] + 4) {
			snprintf(want, sizeof want, "<memory>: end marker is corrupt");
			assert_int_equal(nch, 3);
		} else if (i >= off[3]) {
			snprintf(want, sizeof want, "<memory>: chunk 4 is corrupt (bad tag)");
			assert_int_equal(nch, 3);
		} else {
			unsigned c = i >= off[2] ? 3 : i >= off[1] ? 2 : 1;
			snprintf(want, sizeof want, "<memory>: chunk %u is corrupt (", c);
			assert_int_equal(nch, c - 1);
		}
		assert_non_null(strstr(replay_error(rp), want));
		replay_close(rp);
		session_free(&r);
	}
	/* replay_load fails, keeping the chunk before the damage */
	memcpy(bad, data, len);
	bad[off[1] + CODEC_CHUNK_HEAD + 2] ^= 0x10;
	const char *path = tmp_path("flip.cvz");
	spit(path, bad, len);
	keep("flip.cvz", bad, len);
	struct timeline tl;
	char err[256];
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), -1);
	char want[160];
	snprintf(want, sizeof want, "%s: chunk 2 is corrupt (checksum mismatch)", path);
	assert_string_equal(err, want);
	assert_int_equal(tl.stats.events, 12);
	session_free(&r);
	timeline_free(&tl);
	free(bad);
	free(data);
	session_free(&s);
}

/* Open bytes from a file; assert the exact message ("PATH: what"). */
static void expect_refused(const char *name, const uint8_t *d, size_t len, const char *what)
{
	const char *path = tmp_path(name);
	spit(path, d, len);
	struct session r;
	char err[256], want[256];
	struct replay *rp = replay_open(path, &r, err, sizeof err);
	assert_null(rp);
	snprintf(want, sizeof want, "%s: %s", path, what);
	assert_string_equal(err, want);
	assert_int_equal(r.nlanes, 0);
	session_free(&r);
	keep(name, d, len);
}

/* Pack a (patched) raw header block into a file start and expect refusal. */
static void expect_block_refused(const char *name, const uint8_t *blk, size_t blen, const char *what)
{
	uint8_t *d;
	size_t len;
	assert_int_equal(codec_prologue_pack(blk, blen, 3, &d, &len), 0);
	expect_refused(name, d, len, what);
	free(d);
}

/* Newer versions, other files and absurd declared sizes are refused. */
static void test_hostile_headers(void **state)
{
	(void)state;
	struct session s;
	make_session(&s, 0, 0, 0); /* lanes and tasks counts end the version 1 fields */
	uint8_t *h, *d;
	size_t hlen, len;
	assert_int_equal(codec_header_encode(&s, CV_VERSION, &h, &hlen), 0);
	assert_int_equal(codec_prologue_pack(h, hlen, 3, &d, &len), 0);
	uint32_t stored = codec_get32(d + 12);
	/* version 2 appended 16 bytes here: lane ids count, command word
	 * count, traced pid, rate; v1 = the header without them */
	size_t v1 = hlen - 16;

	codec_put16(d + 8, 7);
	expect_refused("newer.cvz", d, len,
		       "format version 7 is newer than this concviz supports (2); upgrade concviz");
	codec_put16(d + 8, 1);
	expect_refused("text.cvz", (const uint8_t *)"hello, world\n", 13, "not a concviz recording");
	expect_refused("zero.cvz", (const uint8_t *)"", 0, "empty file; not a concviz recording");
	expect_refused("short.cvz", d, 12, "truncated header");
	expect_refused("nohdr.cvz", d, len - 1, "truncated header");
	d[len - 2] ^= 0x40;
	expect_refused("hcrc.cvz", d, len, "corrupt header (checksum mismatch)");
	d[len - 2] ^= 0x40;
	codec_put32(d + 16, 0xFFFFFFFFu);
	expect_refused("hlen.cvz", d, len, "corrupt header (header length 4294967295)");
	codec_put32(d + 16, (uint32_t)hlen + 1);
	expect_refused("hraw.cvz", d, len, "corrupt header (bad zstd frame)");
	codec_put32(d + 16, (uint32_t)hlen);
	codec_put32(d + 12, 0xFFFFFFF0u);
	char want[128];
	snprintf(want, sizeof want, "corrupt header (stored length 4294967280 for %zu bytes)", hlen);
	expect_refused("hstored.cvz", d, len, want);
	codec_put32(d + 12, stored + 64);
	expect_refused("hstored2.cvz", d, len, "truncated header");
	codec_put32(d + 12, stored);
	codec_put16(d + 10, 1);
	expect_refused("flags.cvz", d, len, "corrupt header (flags 0x0001)");
	codec_put16(d + 10, 0);

	codec_put32(h + v1 - 8, 0xFFFFFFFFu);
	expect_block_refused("lanes.cvz", h, hlen, "corrupt header (lanes count 4294967295)");
	codec_put32(h + v1 - 8, 999999); /* in bounds, but the bytes are not there */
	expect_block_refused("lanes2.cvz", h, hlen, "corrupt header (lanes count 999999)");
	codec_put32(h + v1 - 8, 0);
	codec_put32(h + v1 - 4, 0xFFFFFFFFu);
	expect_block_refused("tasks.cvz", h, hlen, "corrupt header (tasks count 4294967295)");
	codec_put32(h + v1 - 4, 0);
	codec_put32(h + v1, 3);   /* lane ids for 3 lanes when there are 0 */
	expect_block_refused("laneids.cvz", h, hlen, "corrupt header (lane ids count 3)");
	codec_put32(h + v1, 0);
	codec_put32(h + v1 + 4, 5);   /* 5 command words, no bytes for them */
	expect_block_refused("argv.cvz", h, hlen, "corrupt header (command word count 5)");
	codec_put32(h + v1 + 4, 0);
	codec_put32(h, 0xFFFFFFF0u);
	expect_block_refused("strlen.cvz", h, hlen, "corrupt header (version string length 4294967280)");
	codec_put32(h, (uint32_t)strlen(CV_VERSION));
	h[4 + strlen(CV_VERSION)] = 9; /* mode */
	expect_block_refused("mode.cvz", h, hlen, "corrupt header (mode 9)");
	h[4 + strlen(CV_VERSION)] = MODE_ASYNC;
	expect_block_refused("hcut.cvz", h, v1 - 1, "corrupt header (tasks count runs past the header's end)");
	expect_block_refused("hcut2.cvz", h, hlen - 1, "corrupt header (sampling rate runs past the header's end)");

	/* the pristine file still opens: the patches above were all undone */
	struct session r;
	char err[256];
	struct replay *rp = replay_open_mem(d, len, &r, err, sizeof err);
	assert_non_null(rp);
	assert_same_session(&s, &r);
	replay_close(rp);
	session_free(&r);
	free(d);
	free(h);
	session_free(&s);
}

/* Append a chunk head with valid head CRC declaring the given sizes. */
static size_t put_chunk_head(uint8_t *p, uint32_t count, uint32_t csize, uint32_t raw)
{
	memcpy(p, "CHNK", 4);
	codec_put32(p + 4, count);
	codec_put32(p + 8, csize);
	codec_put32(p + 12, raw);
	codec_put32(p + 16, 0);
	codec_put32(p + 20, codec_crc32c(0, p, 20));
	return CODEC_CHUNK_HEAD;
}

/* Chunks declaring absurd sizes fail (or end, past the data) without
 * allocating what they declare. */
static void test_hostile_chunks(void **state)
{
	(void)state;
	struct session s, r;
	make_session(&s, 2, 2, 0);
	const char *path = tmp_path("hc.cvz");
	record_file(path, &s, NULL, 0, NULL, 0);
	size_t len;
	uint8_t *d = slurp(path, &len);
	size_t base = len - CODEC_TRAILER; /* drop the end marker */
	uint8_t *buf = malloc(base + 256);
	memcpy(buf, d, base);
	static const struct { uint32_t count, csize, raw; int want; } cases[] = {
		{ 0xFFFFFFFFu, 100, 100, -1 },            /* count beyond the bound */
		{ 0, 10, 10, -1 },                        /* empty chunk */
		{ 1000, 0xFFFFFFFFu, 20000, -1 },         /* csize beyond compressBound */
		{ 1000, 10, 1000, -1 },                   /* raw below 7 bytes per event */
		{ 1000000, 30000000, 30000000, 0 },       /* plausible, data absent: cut short */
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		size_t n = base + put_chunk_head(buf + base, cases[k].count, cases[k].csize, cases[k].raw);
		memset(buf + n, 0xAB, 64);
		char err[256];
		struct replay *rp = replay_open_mem(buf, n + 64, &r, err, sizeof err);
		assert_non_null(rp);
		if (k == 0)
			keep("chunk-count.cvz", buf, n + 64);
		if (k == 4)
			keep("chunk-absent.cvz", buf, n + 64);
		const struct cv_event *ev;
		assert_int_equal(replay_next(rp, &ev), cases[k].want);
		if (cases[k].want < 0)
			assert_non_null(strstr(replay_error(rp), "chunk 1 is corrupt (sizes out of range"));
		else
			assert_true(replay_truncated(rp));
		assert_int_equal(replay_next(rp, &ev), cases[k].want); /* sticky */
		replay_close(rp);
		session_free(&r);
	}
	/* a garbage tag names the chunk */
	memcpy(buf + base, "JUNKJUNK", 8);
	char err[256];
	struct replay *rp = replay_open_mem(buf, base + 8, &r, err, sizeof err);
	keep("chunk-tag.cvz", buf, base + 8);
	const struct cv_event *ev;
	assert_int_equal(replay_next(rp, &ev), -1);
	assert_string_equal(replay_error(rp), "<memory>: chunk 1 is corrupt (bad tag)");
	replay_close(rp);
	session_free(&r);
	free(buf);
	free(d);
	session_free(&s);
}

/* An existing file is kept unless forced; errors name the file. */
static void test_refuse_overwrite(void **state)
{
	(void)state;
	struct session s;
	make_session(&s, 1, 1, 0);
	const char *path = tmp_path("exists.cvz");
	spit(path, "keep me", 7);
	char err[256], want[256];
	assert_null(recorder_open(path, false, &s, err, sizeof err));
	snprintf(want, sizeof want, "concviz: %s exists; use --force to overwrite it", path);
	assert_string_equal(err, want);
	size_t len;
	uint8_t *d = slurp(path, &len);
	assert_int_equal(len, 7);
	free(d);
	struct recorder *rec = recorder_open(path, true, &s, err, sizeof err);
	assert_non_null(rec);
	assert_int_equal(recorder_close(rec, err, sizeof err), 0);
	d = slurp(path, &len);
	assert_memory_equal(d, CODEC_MAGIC, 8);
	free(d);
	assert_null(recorder_open("/nonexistent-dir/x.cvz", true, &s, err, sizeof err));
	assert_non_null(strstr(err, "concviz: cannot create /nonexistent-dir/x.cvz ("));
	struct session r;
	assert_null(replay_open(tmp_path("missing.cvz"), &r, err, sizeof err));
	assert_non_null(strstr(err, "missing.cvz: cannot open it (No such file"));
	session_free(&s);
}

/* replay_load builds the timeline and refuses events of unknown lanes. */
static void test_load(void **state)
{
	(void)state;
	struct session s, r;
	make_session(&s, 2, 3, 0);
	struct cv_event ev[] = {
		{ s.start_mono_ns + 10, 0, 0, CV_NO_TASK, EV_LANE_START, 0, 0 },
		{ s.start_mono_ns + 20, 0, 0, 1, EV_TASK_BEGIN, 0, 0 },
		{ s.start_mono_ns + 20, 0, 0, 1, EV_IO, 0, 0 },
		{ s.start_mono_ns + 90, 512, 0, 1, EV_TASK_END, 200, 0 },
		{ s.start_mono_ns + 95, 0, 0, CV_NO_TASK, EV_LANE_END, 0, 0 },
		{ s.start_mono_ns + 99, 0, 7, CV_NO_TASK, EV_CPU, 0, 0 },
	};
	const char *path = tmp_path("load.cvz");
	record_file(path, &s, ev, 5, NULL, 0);
	struct timeline tl;
	char err[256];
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), 0);
	assert_int_equal(tl.stats.events, 5);
	assert_int_equal(tl.stats.done, 1);
	assert_int_equal(tl.stats.bytes, 512);
	assert_int_equal(tl.lanes[0].ns[ST_IO], 70);
	assert_int_equal(tl.origin, s.start_mono_ns);
	session_free(&r);
	timeline_free(&tl);
	record_file(path, &s, ev, 6, NULL, 0);
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), -1);
	assert_non_null(strstr(err, "chunk 1 is corrupt (event 5 names lane 7"));
	session_free(&r);
	timeline_free(&tl);
	session_free(&s);
}

/* Build tl from path one chunk after another on this thread, as
 * replay_load did before it read ahead: the reference it must equal. */
static void load_in_turn(const char *path, struct session *r, struct timeline *tl)
{
	char err[256];
	struct replay *rp = replay_open(path, r, err, sizeof err);
	assert_non_null(rp);
	timeline_init(tl, r->start_mono_ns);
	const struct cv_event *ev;
	long n;
	while ((n = replay_next(rp, &ev)) > 0)
		for (long i = 0; i < n; i++)
			if (session_take(r, &ev[i]) == 0 && session_knows(r, &ev[i]))
				assert_int_equal(timeline_add(tl, &ev[i]), 0);
	assert_int_equal(n, 0);
	replay_close(rp);
}

/* Assert that two timelines hold the same lanes, spans and statistics. */
static void assert_same_timeline(const struct timeline *a, const struct timeline *b)
{
	assert_int_equal(a->stats.events, b->stats.events);
	assert_int_equal(a->stats.done, b->stats.done);
	assert_int_equal(a->stats.failed, b->stats.failed);
	assert_int_equal(a->stats.bytes, b->stats.bytes);
	assert_memory_equal(a->stats.ns, b->stats.ns, sizeof a->stats.ns);
	assert_int_equal(a->nlanes, b->nlanes);
	for (size_t l = 0; l < a->nlanes; l++) {
		assert_int_equal(a->lanes[l].n, b->lanes[l].n);
		for (size_t i = 0; i < a->lanes[l].n; i++)
			assert_memory_equal(tl_span_at(&a->lanes[l], i), tl_span_at(&b->lanes[l], i),
					    sizeof(struct tl_span));
	}
}

/* replay_load reads ahead on another thread: over 40 chunks it builds the
 * timeline the chunks build in turn; a damaged chunk or an unknown lane
 * deep in the file is named by its chunk, with every chunk before kept. */
static void test_load_read_ahead(void **state)
{
	(void)state;
	enum { CHUNK = 1000, CHUNKS = 40, N = CHUNK * CHUNKS };
	struct session s, r, r2;
	make_session(&s, 6, 500, 0);
	struct cv_event *ev = calloc(N, sizeof *ev);
	random_events(ev, N, false, s.nlanes, s.ntasks);
	static const uint16_t kinds[] = { EV_CPU, EV_IO, EV_LOCK, EV_IDLE, EV_READY,
					  EV_TASK_BEGIN, EV_TASK_END, EV_TASK_FAIL };
	for (size_t i = 0; i < N; i++)                   /* events a session always takes */
		ev[i].kind = kinds[rnd() % (sizeof kinds / sizeof kinds[0])];
	size_t cuts[CHUNKS - 1];
	for (size_t c = 0; c < CHUNKS - 1; c++)
		cuts[c] = (c + 1) * CHUNK;
	const char *path = tmp_path("ahead.cvz");
	record_file(path, &s, ev, N, cuts, CHUNKS - 1);
	struct timeline tl, ref;
	char err[256];
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), 0);
	assert_string_equal(err, "");
	load_in_turn(path, &r2, &ref);
	assert_int_equal(tl.stats.events, N);
	assert_same_timeline(&tl, &ref);
	session_free(&r);
	session_free(&r2);
	timeline_free(&tl);
	timeline_free(&ref);

	size_t len, off[CHUNKS + 1];
	uint8_t *d = slurp(path, &len);
	assert_int_equal(chunk_offsets(d, len, off, CHUNKS), CHUNKS);
	d[off[26] + CODEC_CHUNK_HEAD + 3] ^= 0x04;              /* chunk 27's payload */
	spit(path, d, len);
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), -1);
	char want[192];
	snprintf(want, sizeof want, "%s: chunk 27 is corrupt (checksum mismatch)", path);
	assert_string_equal(err, want);
	assert_int_equal(tl.stats.events, 26 * CHUNK);
	session_free(&r);
	timeline_free(&tl);
	free(d);

	ev[33 * CHUNK + 5].lane = s.nlanes + 1;                 /* chunk 34, event 5 */
	ev[33 * CHUNK + 5].kind = EV_CPU;
	record_file(path, &s, ev, N, cuts, CHUNKS - 1);
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), -1);
	snprintf(want, sizeof want, "chunk 34 is corrupt (event 5 names lane %u", s.nlanes + 1);
	assert_non_null(strstr(err, want));
	assert_int_equal(tl.stats.events, 33 * CHUNK + 5);
	session_free(&r);
	timeline_free(&tl);
	free(ev);
	session_free(&s);
}

/* A chunk's events stay as decoded for REPLAY_BUFS - 1 more calls. */
static void test_chunks_stay_valid(void **state)
{
	(void)state;
	enum { CHUNK = 500, CHUNKS = 12, N = CHUNK * CHUNKS };
	struct session s, r;
	make_session(&s, 3, 50, 0);
	struct cv_event *ev = calloc(N, sizeof *ev);
	random_events(ev, N, true, s.nlanes, s.ntasks);
	size_t cuts[CHUNKS - 1];
	for (size_t c = 0; c < CHUNKS - 1; c++)
		cuts[c] = (c + 1) * CHUNK;
	const char *path = tmp_path("valid.cvz");
	record_file(path, &s, ev, N, cuts, CHUNKS - 1);
	char err[256];
	struct replay *rp = replay_open(path, &r, err, sizeof err);
	assert_non_null(rp);
	const struct cv_event *got[CHUNKS];
	for (int c = 0; c < CHUNKS; c++) {
		assert_int_equal(replay_next(rp, &got[c]), CHUNK);
		for (int k = c - (REPLAY_BUFS - 1) < 0 ? 0 : c - (REPLAY_BUFS - 1); k <= c; k++)
			assert_memory_equal(got[k], ev + (size_t)k * CHUNK, CHUNK * sizeof *ev);
	}
	replay_close(rp);
	session_free(&r);
	free(ev);
	session_free(&s);
}

/* The column codec rejects bytes that do not hold exactly n events. */
static void test_codec(void **state)
{
	(void)state;
	struct cv_event ev[3] = {
		{ UINT64_MAX, UINT64_MAX, UINT32_MAX, CV_NO_TASK, UINT16_MAX, UINT16_MAX, UINT32_MAX },
		{ 0, 0, 0, 0, 0, 0, 0 },
		{ 1ull << 63, 1, 1u << 31, 5, 1, 1, 1 },
	}, back[3];
	uint8_t buf[3 * CODEC_EVENT_MAX + 1];
	size_t n = codec_events_encode(ev, 3, buf);
	assert_true(n >= 3 * CODEC_EVENT_MIN && n <= 3 * CODEC_EVENT_MAX);
	assert_int_equal(codec_events_decode(buf, n, back, 3), 0);
	assert_memory_equal(ev, back, sizeof ev);
	assert_int_equal(codec_events_decode(buf, n - 1, back, 3), -EINVAL);
	buf[n] = 0;
	assert_int_equal(codec_events_decode(buf, n + 1, back, 3), -EINVAL);
	assert_int_equal(codec_events_decode(buf, n, back, 2), -EINVAL);
	/* CRC-32C check value */
	assert_int_equal(codec_crc32c(0, "123456789", 9), 0xE3069283u);
	assert_int_equal(codec_crc32c(codec_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
}

/* Values of every width, 0 to 64 bits, come back from every column (the
 * decoder reads one-byte values inline and longer ones apart); a value too
 * wide for its field, or a varint of over 64 bits, is refused. */
static void test_codec_widths(void **state)
{
	(void)state;
	enum { N = 4096 };
	struct cv_event *ev = calloc(N, sizeof *ev), *back = calloc(N, sizeof *back);
	uint8_t *buf = malloc((size_t)N * CODEC_EVENT_MAX);
	assert_true(ev && back && buf);
	uint64_t x = 88172645463325252ull, t = 0;  /* xorshift64 */
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		unsigned bits = (unsigned)(x % 65);
		uint64_t v = bits ? x >> (64 - bits) : 0;
		t += v;
		ev[i] = (struct cv_event){ t, v, (uint32_t)(v ^ i), (uint32_t)(v >> 7), (uint16_t)(v >> 3),
					   (uint16_t)v, (uint32_t)(v >> 11) };
	}
	size_t n = codec_events_encode(ev, N, buf);
	assert_int_equal(codec_events_decode(buf, n, back, N), 0);
	assert_memory_equal(ev, back, (size_t)N * sizeof *ev);
	/* one event by hand: time, kind, lane, task (2: task 0 after none),
	 * code, aux, arg */
	uint8_t one[] = { 0, 1, 0, 2, 0, 0, 0 };
	assert_int_equal(codec_events_decode(one, sizeof one, back, 1), 0);
	assert_int_equal(back[0].kind, 1);
	assert_int_equal(back[0].task, 0);
	uint8_t wide_kind[] = { 0, 0xf0, 0xa2, 0x04, 0, 2, 0, 0, 0 };   /* kind 70000 */
	assert_int_equal(codec_events_decode(wide_kind, sizeof wide_kind, back, 1), -EINVAL);
	uint8_t big_arg[] = { 0, 1, 0, 2, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 };
	assert_int_equal(codec_events_decode(big_arg, sizeof big_arg, back, 1), 0);
	assert_true(back[0].arg == 1ull << 63);
	big_arg[sizeof big_arg - 1] = 0x02;                     /* 2^64: over 64 bits */
	assert_int_equal(codec_events_decode(big_arg, sizeof big_arg, back, 1), -EINVAL);
	free(ev);
	free(back);
	free(buf);
}

/* Lanes and tasks that appear mid-run (a traced program's threads, a
 * program's own tasks) are part of the recording: their starts, pids, tids,
 * kinds and names come back from the file; a lane far past the known ones
 * is refused as corrupt. */
static void test_midrun_lanes(void **state)
{
	(void)state;
	struct session s, r;
	make_session(&s, 1, 0, 0);
	s.params.mode = MODE_TRACE;
	char *argv[] = { "python3", "-c", "print(1)" };
	assert_int_equal(session_set_argv(&s, 3, argv), 0);
	s.trace_pid = 4242;
	s.trace_hz = 1000;
	uint64_t t0 = s.start_mono_ns;
	struct cv_event ev[64];
	int n = 0;
	ev[n++] = (struct cv_event){ t0 + 10, 4242, 1, CV_NO_TASK, EV_LANE_START, 0, 4243 };
	n += cv_name_pieces(ev + n, t0 + 10, 1, CV_NO_TASK, EV_LANE_NAME, "worker-with-a-long-name 4243");
	ev[n++] = (struct cv_event){ t0 + 20, 0, 1, CV_NO_TASK, EV_READY, 0, 0 };
	n += cv_name_pieces(ev + n, t0 + 25, 1, 0, EV_TASK_NAME,
			    "Task-7 download_site(http://127.0.0.1:8080/a) and more words to pass 48 bytes");
	ev[n++] = (struct cv_event){ t0 + 30, 0, 1, 0, EV_TASK_BEGIN, 0, 0 };
	ev[n++] = (struct cv_event){ t0 + 30, 0, 1, 0, EV_CPU, 0, 0 };
	ev[n++] = (struct cv_event){ t0 + 50, 0, 1, 0, EV_TASK_END, 0, 0 };
	ev[n++] = (struct cv_event){ t0 + 60, 0, 1, CV_NO_TASK, EV_LANE_END, 0, 0 };
	/* kinds come with the starts of lanes that appear (once: a later start,
	 * or a start of a lane the header knows, changes no kind), whichever
	 * start comes first */
	ev[n++] = (struct cv_event){ t0 + 61, 4242, 3, CV_NO_TASK, EV_LANE_START, LANE_LOOP, 0 };
	ev[n++] = (struct cv_event){ t0 + 62, 4242, 2, CV_NO_TASK, EV_LANE_START, LANE_TASK, 0 };
	ev[n++] = (struct cv_event){ t0 + 63, 4242, 3, CV_NO_TASK, EV_LANE_START, LANE_TASK, 0 };
	ev[n++] = (struct cv_event){ t0 + 64, 0, 0, CV_NO_TASK, EV_LANE_START, LANE_LOOP, 0 };
	const char *path = tmp_path("midrun.cvz");
	record_file(path, &s, ev, (size_t)n, NULL, 0);
	struct timeline tl;
	char err[256];
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), 0);
	assert_int_equal(r.params.mode, MODE_TRACE);
	assert_int_equal(r.argc, 3);
	assert_string_equal(r.argv[2], "print(1)");
	assert_int_equal(r.trace_pid, 4242);
	assert_int_equal(r.trace_hz, 1000);
	assert_int_equal(r.nlanes, 4);
	assert_int_equal(r.lanes[0].kind, s.lanes[0].kind);
	assert_int_equal(r.lanes[1].kind, LANE_WORKER);
	assert_int_equal(r.lanes[2].kind, LANE_TASK);
	assert_int_equal(r.lanes[3].kind, LANE_LOOP);
	assert_int_equal(r.lanes[1].pid, 4242);
	assert_int_equal(r.lanes[1].tid, 4243);
	assert_string_equal(r.lanes[1].name, "worker-with-a-long-name 4243");
	assert_int_equal(r.ntasks, 1);
	assert_string_equal(session_task_name(&r, 0),
			    "Task-7 download_site(http://127.0.0.1:8080/a) and more words to pass 48 bytes");
	assert_int_equal(tl.lanes[1].ns[ST_READY], 10);
	assert_int_equal(tl.lanes[1].ns[ST_CPU], 20);
	assert_int_equal(tl.stats.done, 1);
	session_free(&r);
	timeline_free(&tl);
	/* a lane start 5000 lanes past the last known one is a crafted file */
	ev[n++] = (struct cv_event){ t0 + 70, 0, 5002, CV_NO_TASK, EV_LANE_START, 0, 0 };
	record_file(path, &s, ev, (size_t)n, NULL, 0);
	assert_int_equal(replay_load(path, &r, &tl, err, sizeof err), -1);
	assert_non_null(strstr(err, "names lane 5002"));
	session_free(&r);
	timeline_free(&tl);
	session_free(&s);
}

/* Recordings of format version 1 (before lanes could appear mid-run) still
 * load: tests/data/small.cvz was written by concviz 0.1.0. */
static void test_version1_loads(void **state)
{
	(void)state;
	size_t len;
	uint8_t *b = slurp("tests/data/small.cvz", &len);
	assert_true(len > 10);
	assert_int_equal(b[8] | b[9] << 8, 1);
	free(b);
	struct session s;
	struct timeline tl;
	char err[256];
	assert_int_equal(replay_load("tests/data/small.cvz", &s, &tl, err, sizeof err), 0);
	assert_true(s.nlanes > 0);
	assert_true(tl.stats.events > 0);
	assert_null(s.argv);
	for (uint32_t i = 0; i < s.nlanes; i++)
		assert_int_equal(s.lanes[i].tid, 0);
	session_free(&s);
	timeline_free(&tl);
}

/* Name pieces: any length up to CV_NAME_MAX comes back whole; offsets past
 * the bound are malformed; a rename replaces the old name. */
static void test_name_pieces(void **state)
{
	(void)state;
	char want[CV_NAME_MAX + 40], got[CV_NAME_MAX + 1];
	struct cv_event ev[CV_NAME_PIECES_MAX];
	for (size_t len = 0; len < sizeof want - 1; len++) {
		for (size_t i = 0; i < len; i++)
			want[i] = (char)('a' + (i * 7 + len) % 26);
		want[len] = 0;
		int n = cv_name_pieces(ev, 1, 2, 3, EV_LANE_NAME, want);
		assert_true(n >= 1 && n <= (int)CV_NAME_PIECES_MAX);
		memset(got, 'x', sizeof got);
		for (int i = 0; i < n; i++)
			assert_int_equal(cv_name_apply(got, sizeof got, &ev[i]), i == n - 1);
		size_t keep = len < CV_NAME_MAX ? len : CV_NAME_MAX;
		assert_int_equal(strlen(got), keep);
		assert_memory_equal(got, want, keep);
	}
	cv_name_pieces(ev, 1, 2, 3, EV_LANE_NAME, "short");
	assert_int_equal(cv_name_apply(got, sizeof got, &ev[0]), 1);
	assert_string_equal(got, "short");
	ev[0].code = (uint16_t)(CV_NAME_MAX + 1);
	assert_int_equal(cv_name_apply(got, sizeof got, &ev[0]), -1);
}

/* Every file of the committed damaged-file corpus (tests/data/) loads or
 * fails exactly as tests/data/expected.txt says ("name|rc|message"). */
static void test_corpus(void **state)
{
	(void)state;
	FILE *f = fopen("tests/data/expected.txt", "r");
	assert_non_null(f); /* run from the repository's top directory */
	char line[512];
	int files = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = 0;
		char *name = strtok(line, "|"), *rc = strtok(NULL, "|"), *msg = strtok(NULL, "");
		assert_non_null(name);
		assert_non_null(rc);
		char path[256], err[512], want[600];
		snprintf(path, sizeof path, "tests/data/%s", name);
		struct session s;
		struct timeline tl;
		int got = replay_load(path, &s, &tl, err, sizeof err);
		if (msg)
			snprintf(want, sizeof want, "%s: %s", path, msg);
		else
			want[0] = 0;
		if (got != atoi(rc) || strcmp(err, want))
			fail_msg("%s: got %d '%s', want %s '%s'", name, got, err, rc, want);
		session_free(&s);
		timeline_free(&tl);
		files++;
	}
	fclose(f);
	assert_true(files >= 10);
}

/* Make the scratch directory. */
static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cvz-test-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

/* Remove the scratch directory and its files. */
static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec),
		cmocka_unit_test(test_codec_widths),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_chunk_size),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_hostile_chunks),
		cmocka_unit_test(test_refuse_overwrite),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_read_ahead),
		cmocka_unit_test(test_chunks_stay_valid),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_midrun_lanes),
		cmocka_unit_test(test_version1_loads),
		cmocka_unit_test(test_name_pieces),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
