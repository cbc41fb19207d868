/*
 * bench_record.c - how small recordings are and how fast they are read and
 * exported.
 *
 * Three synthetic streams shaped like the engines' output (a threads io run,
 * a threads cpu run with the GIL handing over every 2 ms, an async run of
 * 10,000 tasks) are recorded through recorder_* and measured in bytes per
 * event on disk (target <= 8); a side table shows what the column transform
 * and the zstd level each contribute. Then: export speed (target >= 1e6
 * events/s), and the time to open a 10-million-event recording and read its
 * first chunk (what a replay needs for its first frame) and to load all of
 * it (replay_load). Prints tables; exits 1 only when something fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>
#include "bench_host.h"
#include "bench_median.h"
#include "codec.h"
#include "export.h"
#include "record.h"
#include "session.h"
#include "timeline.h"

struct gen {
	struct cv_event *ev;
	size_t n, cap;
};

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

/* xorshift64: a reproducible random number. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Return the monotonic clock in seconds. */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Append one event (exits when out of memory: it is a benchmark). */
static void add(struct gen *g, uint64_t t, uint32_t lane, uint32_t task, int kind,
		uint16_t code, uint32_t aux, uint64_t arg)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 4096;
		g->ev = realloc(g->ev, g->cap * sizeof *g->ev);
		if (!g->ev) {
			fprintf(stderr, "bench_record: out of memory\n");
			exit(1);
		}
	}
	g->ev[g->n++] = (struct cv_event){ t, arg, lane, task, (uint16_t)kind, code, aux };
}

/* Order events by time, as the consumer drains them. */
static int by_time(const void *a, const void *b)
{
	const struct cv_event *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

#define T0 5000000000000ull

/* threads io: w workers download ntasks pages of 100 ms (+ noise). */
static void gen_threads_io(struct gen *g, uint32_t w, uint32_t ntasks)
{
	uint64_t cur[64];
	add(g, T0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	for (uint32_t l = 0; l < w; l++) {
		cur[l] = T0 + 10000 + l * 3000;
		add(g, cur[l], l, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
		add(g, cur[l] + 200, l, CV_NO_TASK, EV_IDLE, 0, 0, 0);
	}
	for (uint32_t i = 0; i < ntasks; i++) {
		uint32_t l = 0;
		for (uint32_t k = 1; k < w; k++)
			if (cur[k] < cur[l])
				l = k;
		uint64_t t = cur[l];
		add(g, t, l, i, EV_TASK_BEGIN, 0, 0, 0);
		add(g, t += 1500 + rnd() % 1000, l, i, EV_CPU, 0, 0, 0);
		add(g, t += 30000 + rnd() % 20000, l, i, EV_IO, 0, 0, 0);
		add(g, t += 100000000 + rnd() % 300000, l, i, EV_CPU, 0, 0, 0);
		add(g, t += 20000 + rnd() % 10000, l, i, EV_TASK_END, 200, 0, 10240);
		add(g, t += 500 + rnd() % 500, l, CV_NO_TASK, EV_IDLE, 0, 0, 0);
		cur[l] = t + 2000 + rnd() % 3000;
	}
	uint64_t end = 0;
	for (uint32_t l = 0; l < w; l++) {
		add(g, cur[l], l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		end = cur[l] > end ? cur[l] : end;
	}
	add(g, end + 1000, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	qsort(g->ev, g->n, sizeof *g->ev, by_time);
}

/* threads cpu with the GIL: w workers, ntasks sums, the lock handed over
 * every 2 ms; about 2 events per switch, nswitch switches. */
static void gen_cpu_gil(struct gen *g, uint32_t w, uint32_t ntasks, uint64_t nswitch)
{
	uint32_t task[64], next = 0;
	uint64_t left[64], per = nswitch / ntasks + 1, t = T0;
	add(g, t, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	for (uint32_t l = 0; l < w; l++) {
		add(g, t += 20000, l, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
		task[l] = next++;
		left[l] = per / 2 + rnd() % per;
		add(g, t += 1000, l, task[l], EV_TASK_BEGIN, 0, 0, 0);
		add(g, t += 300, l, task[l], l ? EV_LOCK : EV_CPU, 0, 0, 0);
	}
	uint32_t h = 0, alive = w;
	for (uint64_t s = 0; s < nswitch && alive; s++) {
		t += 2000000 + rnd() % 50000;
		uint32_t nx = (h + 1) % w;
		while (task[nx] == CV_NO_TASK && nx != h)
			nx = (nx + 1) % w;
		if (left[h] && --left[h] == 0) {
			add(g, t, h, task[h], EV_TASK_END, 0, 0, 0);
			if (next < ntasks) {
				task[h] = next++;
				left[h] = per / 2 + rnd() % per;
				add(g, t + 700, h, task[h], EV_TASK_BEGIN, 0, 0, 0);
				add(g, t + 900, h, task[h], EV_LOCK, 0, 0, 0);
			} else {
				add(g, t + 700, h, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
				task[h] = CV_NO_TASK;
				alive--;
			}
		} else {
			add(g, t, h, task[h], EV_LOCK, 0, 0, 0);
		}
		if (task[nx] != CV_NO_TASK)
			add(g, t + 5000 + rnd() % 20000, nx, task[nx], EV_CPU, 0, 0, 0);
		h = nx;
	}
	add(g, t + 100000, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	qsort(g->ev, g->n, sizeof *g->ev, by_time);
}

/* async io: one loop (lane 0), ntasks task lanes, all in flight at once. */
static void gen_async(struct gen *g, uint32_t ntasks)
{
	uint64_t t = T0;
	add(g, t, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	add(g, t, 0, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
	add(g, t + 100, 0, CV_NO_TASK, EV_CALLBACK, 0, 0, 0);
	for (uint32_t i = 0; i < ntasks; i++) {
		add(g, t + 200 + i * 300ull, i + 1, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
		add(g, t + 250 + i * 300ull, i + 1, i, EV_TASK_QUEUED, 0, 0, 0);
	}
	uint64_t b = t + 300ull * ntasks + 1000;
	for (uint32_t i = 0; i < ntasks; i++) {
		uint64_t bt = b + i * 2000ull + rnd() % 500;
		add(g, bt, i + 1, i, EV_TASK_BEGIN, 0, 0, 0);
		add(g, bt + 40, i + 1, i, EV_IO, 0, 0, 0);
		uint64_t c = bt + 100000000 + rnd() % 5000000;
		add(g, c, 0, i, EV_CALLBACK, 0, 0, 0);
		add(g, c + 3000 + rnd() % 1000, i + 1, i, EV_TASK_END, 200, 0, 10240);
		add(g, c + 4500 + rnd() % 1000, i + 1, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		add(g, c + 6000 + rnd() % 1000, 0, CV_NO_TASK, EV_POLL, 0, 0, 0);
	}
	add(g, b + 300000000, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	qsort(g->ev, g->n, sizeof *g->ev, by_time);
}

/* Fill s with nlanes lanes and ntasks task names for a run. */
static void make_session(struct session *s, enum cv_mode mode, enum cv_workload wl,
			 uint32_t nlanes, uint32_t ntasks)
{
	struct cv_params p;
	params_default(&p);
	p.mode = mode;
	p.workload = wl;
	p.tasks = (int)ntasks;
	p.gil = wl == WL_CPU;
	session_init(s, &p);
	s->start_mono_ns = T0;
	for (uint32_t l = 0; l < nlanes; l++) {
		char name[32];
		snprintf(name, sizeof name, mode == MODE_ASYNC ? (l ? "task %u" : "loop") : "thread %u", l);
		session_add_lane(s, name, mode == MODE_ASYNC ? (l ? LANE_TASK : LANE_LOOP) : LANE_WORKER);
	}
	char **names = malloc((ntasks + 1) * sizeof *names);
	for (uint32_t i = 0; i < ntasks; i++) {
		names[i] = malloc(48);
		if (wl == WL_IO)
			snprintf(names[i], 48, "http://127.0.0.1:39123/item/%u", i);
		else
			snprintf(names[i], 48, "sum n=%llu", (unsigned long long)(CV_DEFAULT_CPU_BASE + i));
	}
	session_set_tasks(s, names, ntasks);
	for (uint32_t i = 0; i < ntasks; i++)
		free(names[i]);
	free(names);
}

/* Record g to path in batches of 1000 (as a consumer would); returns the
 * file size, or 0 on failure. */
static off_t record(const char *path, const struct session *s, const struct gen *g, double *secs)
{
	char err[256];
	double t = now_s();
	struct recorder *rec = recorder_open(path, true, s, err, sizeof err);
	if (!rec) {
		fprintf(stderr, "bench_record: %s\n", err);
		return 0;
	}
	for (size_t i = 0; i < g->n; i += 1000)
		if (recorder_write(rec, g->ev + i, g->n - i < 1000 ? g->n - i : 1000) < 0)
			break;
	if (recorder_close(rec, err, sizeof err) < 0) {
		fprintf(stderr, "bench_record: %s\n", err);
		return 0;
	}
	*secs = now_s() - t;
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : 0;
}

/* Bytes per event of the event chunks alone, with the given zstd level,
 * with (columns = 1) or without the column transform; chunks of 16384
 * events, or (timed = 1) cut every 200 ms of event time as in a live run. */
static double chunk_bytes(const struct gen *g, int level, int columns, int timed)
{
	size_t cap = (size_t)RECORD_CHUNK_EVENTS * CODEC_EVENT_MAX;
	uint8_t *raw = malloc(cap), *out = malloc(ZSTD_compressBound(cap));
	size_t total = 0;
	for (size_t i = 0, n; i < g->n; i += n) {
		n = g->n - i < RECORD_CHUNK_EVENTS ? g->n - i : RECORD_CHUNK_EVENTS;
		if (timed)
			for (size_t k = 1; k < n; k++)
				if (g->ev[i + k].t - g->ev[i].t >= RECORD_CHUNK_NS) {
					n = k;
					break;
				}
		size_t len;
		if (columns) {
			len = codec_events_encode(g->ev + i, n, raw);
		} else {
			len = n * sizeof *g->ev;
			memcpy(raw, g->ev + i, len);
		}
		size_t c = level ? ZSTD_compress(out, ZSTD_compressBound(cap), raw, len, level) : len;
		total += c + CODEC_CHUNK_HEAD;
	}
	free(raw);
	free(out);
	return (double)total / (double)g->n;
}

/* Measure one stream shape: bytes per event on disk and the side table. */
static int shape(const char *name, struct gen *g, const struct session *s, const char *path)
{
	double secs;
	off_t size = record(path, s, g, &secs);
	if (!size)
		return 1;
	uint8_t *h, *pro;
	size_t hlen, plen;
	codec_header_encode(s, CV_VERSION, &h, &hlen);
	codec_prologue_pack(h, hlen, RECORD_HEADER_LEVEL, &pro, &plen);
	free(h);
	free(pro);
	double live = chunk_bytes(g, RECORD_ZSTD_LEVEL, 1, 1) +
		      (double)(plen + CODEC_TRAILER) / (double)g->n;
	printf("%-28s %8zu %8zu %8.2f %8.2f %7.2f %9.2f %7.2f %7.2f %7.2f %s\n", name, g->n, plen,
	       (double)size / (double)g->n, live, chunk_bytes(g, 0, 1, 0), chunk_bytes(g, 3, 0, 0),
	       chunk_bytes(g, 1, 1, 0), chunk_bytes(g, 3, 1, 0), chunk_bytes(g, 9, 1, 0),
	       live <= 8 && (double)size / (double)g->n <= 8 ? "ok" : "OVER 8");
	return 0;
}

/* Export the recording at path to /dev/null in both formats; events/s. */
static int export_speed(const char *path)
{
	struct session s;
	struct timeline tl;
	char err[256];
	if (replay_load(path, &s, &tl, err, sizeof err) < 0) {
		fprintf(stderr, "bench_record: %s\n", err);
		return 1;
	}
	size_t spans = 0;
	for (size_t l = 0; l < tl.nlanes; l++)
		spans += tl.lanes[l].n;
	FILE *f = fopen("/dev/null", "w");
	static char buf[1 << 16];
	setvbuf(f, buf, _IOFBF, sizeof buf);
	printf("\nexport (%llu events, %zu spans, to /dev/null)\n",
	       (unsigned long long)tl.stats.events, spans);
	printf("%-8s %10s %14s %14s\n", "format", "seconds", "events/s", "spans/s");
	for (int k = 0; k < 2; k++) {
		double t = now_s();
		int rc = k ? export_csv(f, &s, &tl) : export_chrome(f, &s, &tl);
		double d = now_s() - t;
		printf("%-8s %10.3f %14.0f %14.0f %s\n", k ? "csv" : "chrome", d,
		       (double)tl.stats.events / d, (double)spans / d,
		       rc == 0 && tl.stats.events / d >= 1e6 ? "ok" : "UNDER 1e6/s");
	}
	fclose(f);
	session_free(&s);
	timeline_free(&tl);
	return 0;
}

#define LOADS 5

/* Load path in a child process, as `concviz show` or `stats` loads it:
 * fresh memory, nothing reused. Sets the seconds and the page faults per
 * million events; 0, or -1 when the load failed. */
static int load_fresh(const char *path, size_t n, double *secs, double *faults)
{
	double got[2] = { -1, 0 };
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		struct session s;
		struct timeline tl;
		char err[256];
		long f0 = bench_faults_now();
		double t = now_s();
		if (replay_load(path, &s, &tl, err, sizeof err) == 0) {
			got[0] = now_s() - t;
			got[1] = (double)(bench_faults_now() - f0) / ((double)n / 1e6);
		}
		ssize_t w = write(fds[1], got, sizeof got);
		_exit(w == (ssize_t)sizeof got ? 0 : 1);
	}
	close(fds[1]);
	ssize_t r = pid > 0 ? read(fds[0], got, sizeof got) : -1;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (r != (ssize_t)sizeof got || got[0] < 0)
		return -1;
	*secs = got[0];
	*faults = got[1];
	return 0;
}

/* Time opening a big recording, reading its first chunk, loading it all
 * (LOADS times each in a fresh process and in this one, in turn). */
static int load_speed(const char *path, size_t n)
{
	struct session s;
	char err[256];
	double t = now_s();
	struct replay *rp = replay_open(path, &s, err, sizeof err);
	if (!rp) {
		fprintf(stderr, "bench_record: %s\n", err);
		return 1;
	}
	const struct cv_event *ev;
	long k = replay_next(rp, &ev);
	double first = now_s() - t;
	long total = k;
	while ((k = replay_next(rp, &ev)) > 0)
		total += k;
	double all_chunks = now_s() - t;
	replay_close(rp);
	session_free(&s);
	double fresh[LOADS], warm[LOADS], faults[LOADS];
	struct bench_ticks ticks0 = bench_ticks_now();
	for (int r = 0; r < LOADS; r++) {            /* fresh and warm in turn */
		if (load_fresh(path, n, &fresh[r], &faults[r]) < 0) {
			printf("replay_load (timeline)     failed: %s\n", path);
			return 1;
		}
		struct timeline tl;
		t = now_s();
		int rc = replay_load(path, &s, &tl, err, sizeof err);
		warm[r] = now_s() - t;
		session_free(&s);
		timeline_free(&tl);
		if (rc) {
			printf("replay_load (timeline)     %s\n", err);
			return 1;
		}
	}
	double med = bench_median(fresh, LOADS);
	printf("\nreading a %zu-event recording (%ld cores)\n", n, sysconf(_SC_NPROCESSORS_ONLN));
	printf("open + first chunk         %8.4f s\n", first);
	printf("decode every chunk         %8.3f s  (%.1f M events/s)\n", all_chunks,
	       (double)total / all_chunks / 1e6);
	printf("replay_load (timeline)     %8.3f s  each in a fresh process, median of %d; target <= 0.4 s: %s\n",
	       med, LOADS, med <= 0.4 ? "ok" : "missed (host stole time? see below)");
	printf("  again in this process    %8.3f s  (its memory reused)\n", bench_median(warm, LOADS));
	printf("  page faults              %8.0f per M events (fresh); host stole %.0f %% meanwhile\n",
	       bench_median(faults, LOADS), bench_steal_since(ticks0) * 100);
	return 0;
}

int main(void)
{
	char path[64], big[64];
	snprintf(path, sizeof path, "/tmp/bench_record.%d.cvz", (int)getpid());
	snprintf(big, sizeof big, "/tmp/bench_record_big.%d.cvz", (int)getpid());
	int bad = 0;
	struct gen g = { 0 };
	struct session s;

	printf("bytes per event on disk (target <= 8). file: written as fast as possible (chunks of\n"
	       "16384); live: chunks cut every 200 ms of event time, as a live run writes them.\n"
	       "Event chunks only: raw = varint columns before zstd, struct+z3 = the 32-byte structs\n"
	       "with zstd 3, cols+zN = the columns with zstd level N.\n");
	printf("%-28s %8s %8s %8s %8s %7s %9s %7s %7s %7s\n", "stream", "events", "header B", "file",
	       "live", "raw", "struct+z3", "cols+z1", "cols+z3", "cols+z9");
	gen_threads_io(&g, 5, 20000);
	make_session(&s, MODE_THREADS, WL_IO, 5, 20000);
	bad |= shape("threads io, 5 x 20000 tasks", &g, &s, path);
	session_free(&s);
	g.n = 0;
	gen_threads_io(&g, 5, 160);
	make_session(&s, MODE_THREADS, WL_IO, 5, 160);
	bad |= shape("threads io, 160 (default)", &g, &s, path);
	session_free(&s);
	g.n = 0;
	gen_cpu_gil(&g, 4, 20, 100000);
	make_session(&s, MODE_THREADS, WL_CPU, 4, 20);
	bad |= shape("threads cpu gil, 2 ms slices", &g, &s, path);
	session_free(&s);
	g.n = 0;
	gen_async(&g, 10000);
	make_session(&s, MODE_ASYNC, WL_IO, 10001, 10000);
	bad |= shape("async io, 10000 tasks", &g, &s, path);
	session_free(&s);

	g.n = 0;
	gen_threads_io(&g, 5, 200000);
	make_session(&s, MODE_THREADS, WL_IO, 5, 200000);
	double secs;
	if (record(path, &s, &g, &secs))
		bad |= export_speed(path);
	else
		bad = 1;
	session_free(&s);

	g.n = 0;
	gen_cpu_gil(&g, 4, 20, 5400000);           /* just over 10 M events */
	make_session(&s, MODE_THREADS, WL_CPU, 4, 20);
	off_t size = record(big, &s, &g, &secs);
	if (size) {
		printf("\nwriting %zu events: %.3f s (%.1f M events/s), %.1f MB\n", g.n, secs,
		       (double)g.n / secs / 1e6, (double)size / 1e6);
		bad |= load_speed(big, g.n);
	} else {
		bad = 1;
	}
	session_free(&s);
	free(g.ev);
	unlink(path);
	unlink(big);
	return bad;
}
