/*
 * test_sdk.c - the SDK transport end to end in one process: concviz.h's
 * calls (the producer) write shards that sdk_poll (the reader) finds,
 * checks and hands back. Untraced calls do nothing; records come back
 * whole, in order, merged by time across threads; a full shard counts
 * drops; a call nested in another (a signal handler) counts a drop; a
 * forked child writes a shard of its own; a thread that ends is reported
 * gone once drained; records stamped after the poll's time wait for the
 * next poll. Every kind of garbage in the directory - bad names, links,
 * fifos, directories, huge or shrunk files, bad headers, impossible
 * indices, bad records - is refused and counted once, and removed; a
 * shard whose thread died before making it is forgotten without a count.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "clock.h"
#include "sdk.h"

#define MAXREC 200000

static struct sdk_rec got[MAXREC];
static size_t ngot;
static struct sdk *sdk;

/* sdk_fn: keep the record. */
static void collect(void *ctx, const struct sdk_rec *r)
{
	(void)ctx;
	assert_true(ngot < MAXREC);
	got[ngot++] = *r;
}

/* Forget the header's state, as a fresh process has it. */
static void producer_reset(void)
{
	cvz__forget();
	cvz__mode = CVZ__UNKNOWN;       /* read CONCVIZ_SDK again */
}

/* Each test: a fresh directory named in CONCVIZ_SDK, no records. */
static int setup(void **state)
{
	(void)state;
	ngot = 0;
	if (sdk_open(&sdk, NULL) < 0)
		return -1;
	setenv("CONCVIZ_SDK", sdk_dir(sdk), 1);
	producer_reset();
	return 0;
}

/* After each: the directory is removed, and with it every shard. */
static int teardown(void **state)
{
	(void)state;
	producer_reset();
	unsetenv("CONCVIZ_SDK");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", sdk_dir(sdk));
	sdk_close(sdk);
	struct stat st;
	assert_int_equal(stat(dir, &st), -1);   /* the directory is gone */
	return 0;
}

/* Poll once now; returns how many records came. */
static long poll_now(void)
{
	long n = sdk_poll(sdk, clock_ns(), collect, NULL);
	assert_true(n >= 0);
	return n;
}

/* Return this thread's id. */
static uint32_t my_tid(void)
{
	return (uint32_t)syscall(SYS_gettid);
}

/* Untraced: ids are 0, nothing is written. */
static void test_untraced(void **state)
{
	(void)state;
	unsetenv("CONCVIZ_SDK");
	producer_reset();
	assert_int_equal(cvz_task_begin("x"), 0);
	cvz_mark("m");
	cvz_state(CVZ_IO);
	assert_int_equal(cvz__mode, CVZ__OFF);
	assert_null(cvz__me.shard);
	assert_int_equal(poll_now(), 0);
	assert_int_equal(sdk_shards(sdk), 0);
	setenv("CONCVIZ_SDK", "relative/dir", 1);   /* not absolute: untraced */
	producer_reset();
	assert_int_equal(cvz_task_begin("x"), 0);
}

/* Every call comes back, in order, with its fields. */
static void test_calls(void **state)
{
	(void)state;
	uint64_t a = cvz_task_begin("job a");
	assert_int_equal(a >> 32, my_tid());
	assert_int_equal(a & 0xffffffffu, 1);
	cvz_state(CVZ_IO);
	cvz_state(CVZ_AUTO);
	cvz_mark("phase");
	uint64_t b = cvz_task_begin(NULL);
	cvz_task_fail(b, "timeout");
	cvz_task_end(a);
	cvz_task_end(0);
	cvz_state((enum cvz_state)9);               /* not a state: ignored */
	assert_int_equal(poll_now(), 7);
	static const struct { unsigned kind, state; const char *name; } want[] = {
		{ CVZ_K_BEGIN, 0, "job a" }, { CVZ_K_STATE, CVZ_IO, "" }, { CVZ_K_STATE, CVZ_AUTO, "" },
		{ CVZ_K_MARK, 0, "phase" },  { CVZ_K_BEGIN, 0, "" },      { CVZ_K_FAIL, 0, "timeout" },
		{ CVZ_K_END, 0, "" },
	};
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(got[i].kind, want[i].kind);
		assert_int_equal(got[i].state, want[i].state);
		assert_string_equal(got[i].name, want[i].name);
		assert_int_equal(got[i].pid, getpid());
		assert_int_equal(got[i].tid, my_tid());
		assert_int_equal(got[i].producer, CVZ_WIRE_PRODUCER_C);
		if (i)
			assert_true(got[i].t >= got[i - 1].t);
	}
	assert_int_equal(got[0].task, a);
	assert_int_equal(got[5].task, b);
	assert_int_equal(poll_now(), 0);            /* the tail moved */
	assert_int_equal(sdk_dropped(sdk), 0);
	assert_int_equal(sdk_rejected(sdk), 0);
	assert_int_equal(sdk_shards(sdk), 1);
}

#define PER_THREAD 3000

/* Wait (at most 30 s) until the calling thread's shard has room for two
 * records: the API never waits, the test does, so that nothing drops
 * however slowly the reader runs (sanitizers, a busy machine). */
static void wait_room(void)
{
	uint64_t until = clock_ns() + 30000000000ull;
	while (cvz__me.shard &&
	       cvz__me.head - __atomic_load_n((uint64_t *)(cvz__me.shard + CVZ_WIRE_OFF_TAIL),
					      __ATOMIC_ACQUIRE) + 2 > CVZ_WIRE_COUNT &&
	       clock_ns() < until)
		clock_sleep_ns(100000);
}

/* Thread body: *arg tasks (begin + end), waiting for room when over
 * half a shard. */
static void *busy_thread(void *arg)
{
	int n = *(int *)arg;
	for (int i = 0; i < n; i++) {
		if (n > (int)CVZ_WIRE_COUNT / 2)
			wait_room();
		uint64_t t = cvz_task_begin("t");
		cvz_task_end(t);
	}
	return NULL;
}

/* Four threads at once while the reader polls: nothing lost, each
 * thread's records in its order, everything handed over in time order. */
static void test_threads(void **state)
{
	(void)state;
	pthread_t th[4];
	int per = PER_THREAD, fits = CVZ_WIRE_COUNT / 2;
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, busy_thread, &per);
	uint64_t until = clock_ns() + 60000000000ull;
	size_t tasks = 0, gone = 0;
	while (tasks < 4 * 2 * PER_THREAD && clock_ns() < until) {
		size_t from = ngot;
		poll_now();
		for (size_t i = from; i < ngot; i++)
			got[i].kind == SDK_GONE ? gone++ : tasks++;
		clock_sleep_ns(200000);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(sdk_dropped(sdk), 0);
	assert_int_equal(tasks, 4 * 2 * PER_THREAD);
	assert_true(gone <= 4);     /* threads that ended before the last poll */
	uint32_t tids[4];
	int ntids = 0;
	uint64_t last[4] = { 0 };
	for (size_t i = 0; i < ngot; i++) {
		if (got[i].kind == SDK_GONE)
			continue;
		int k = 0;
		while (k < ntids && tids[k] != got[i].tid)
			k++;
		if (k == ntids)
			tids[ntids++] = got[i].tid;
		assert_true(ntids <= 4);
		uint64_t seq = got[i].task & 0xffffffffu;   /* begin, end of task 1, 2, ... */
		assert_int_equal(got[i].kind, last[k] % 2 ? CVZ_K_END : CVZ_K_BEGIN);
		assert_int_equal(seq, last[k] / 2 + 1);
		last[k]++;
	}
	assert_int_equal(ntids, 4);
	/* time order across polls cannot be promised, within one poll it is:
	 * check a single poll of records from four threads */
	ngot = 0;
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, busy_thread, &fits);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	sdk_finish(sdk, clock_ns(), collect, NULL);
	gone = 0;
	for (size_t i = 0; i < ngot; i++)
		gone += got[i].kind == SDK_GONE;
	assert_int_equal(ngot - gone, 4 * 2 * (size_t)fits);
	assert_true(gone >= 4 && gone <= 8);    /* these threads, and the first four's if unseen */
	for (size_t i = 1; i < ngot; i++)
		assert_true(got[i].t >= got[i - 1].t);
}

/* A reader that does not drain: the shard holds its count, the rest is
 * counted as dropped; once drained, writing goes on. */
static void test_drops(void **state)
{
	(void)state;
	for (int i = 0; i < 5000; i++)
		cvz_mark("m");
	assert_int_equal(poll_now(), CVZ_WIRE_COUNT);
	assert_int_equal(sdk_dropped(sdk), 5000 - CVZ_WIRE_COUNT);
	cvz_mark("after");
	assert_int_equal(poll_now(), 1);
	assert_string_equal(got[ngot - 1].name, "after");
	assert_int_equal(sdk_rejected(sdk), 0);
}

/* A call nested in another on the same thread (as from a signal handler)
 * counts a drop and leaves the shard whole. */
static void test_nested(void **state)
{
	(void)state;
	cvz_mark("first");
	cvz__me.busy = 1;                           /* as if interrupted mid-call */
	cvz_mark("nested");
	uint64_t id = cvz_task_begin("nested task");
	cvz__me.busy = 0;
	assert_true(id != 0);                       /* ids still work */
	cvz_mark("last");
	assert_int_equal(poll_now(), 2);
	assert_string_equal(got[0].name, "first");
	assert_string_equal(got[1].name, "last");
	assert_int_equal(sdk_dropped(sdk), 2);
}

/* After fork the child writes a shard of its own. */
static void test_fork(void **state)
{
	(void)state;
	cvz_mark("parent");
	pid_t pid = fork();
	if (pid == 0) {
		cvz_mark("child");
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	cvz_mark("parent again");
	assert_int_equal(poll_now(), 3);
	int child = 0;
	for (size_t i = 0; i < ngot; i++)
		if (!strcmp(got[i].name, "child")) {
			child++;
			assert_int_equal(got[i].pid, pid);
			assert_int_equal(got[i].tid, pid);
		} else {
			assert_int_equal(got[i].pid, getpid());
		}
	assert_int_equal(child, 1);
	assert_int_equal(sdk_shards(sdk), 2);
}

/* Thread body: one mark. */
static void *one_mark(void *arg)
{
	*(uint32_t *)arg = my_tid();
	cvz_mark("short-lived");
	return NULL;
}

/* A thread that ended is reported gone once drained (found in /proc, or
 * told), and its shard is removed. */
static void test_gone(void **state)
{
	(void)state;
	uint32_t tid;
	pthread_t th;
	pthread_create(&th, NULL, one_mark, &tid);
	pthread_join(th, NULL);
	uint64_t until = clock_ns() + 30000000000ull;
	size_t gone = SIZE_MAX;
	while (gone == SIZE_MAX && clock_ns() < until) {
		poll_now();
		for (size_t i = 0; i < ngot; i++)
			if (got[i].kind == SDK_GONE)
				gone = i;
		clock_sleep_ns(5000000);
	}
	assert_true(gone != SIZE_MAX);
	assert_int_equal(got[gone].tid, tid);
	assert_int_equal(got[gone].pid, getpid());
	assert_string_equal(got[gone - 1].name, "short-lived");  /* records before it */
	assert_int_equal(sdk_shards(sdk), 0);
	char path[4200];
	snprintf(path, sizeof path, "%s/%d.%u", sdk_dir(sdk), getpid(), tid);
	assert_int_equal(access(path, F_OK), -1);
	/* told: at once, without waiting for /proc */
	pthread_create(&th, NULL, one_mark, &tid);
	pthread_join(th, NULL);
	poll_now();
	sdk_thread_gone(sdk, (uint32_t)getpid(), tid);
	ngot = 0;
	uint64_t now = clock_ns();
	assert_int_equal(sdk_poll(sdk, now, collect, NULL), 1);
	assert_int_equal(got[0].kind, SDK_GONE);
	assert_int_equal(got[0].tid, tid);
	assert_true(got[0].t >= now);
}

/* Records stamped at or after the poll's time wait for the next poll;
 * sdk_finish hands over everything and every producer as gone. */
static void test_cut_and_finish(void **state)
{
	(void)state;
	cvz_mark("early");
	uint64_t mid = clock_ns();
	clock_sleep_ns(1000);
	cvz_mark("late");
	assert_int_equal(sdk_poll(sdk, mid, collect, NULL), 1);
	assert_string_equal(got[0].name, "early");
	assert_int_equal(poll_now(), 1);
	assert_string_equal(got[1].name, "late");
	cvz_mark("last");
	ngot = 0;
	assert_int_equal(sdk_finish(sdk, clock_ns(), collect, NULL), 2);
	assert_string_equal(got[0].name, "last");
	assert_int_equal(got[1].kind, SDK_GONE);
	assert_int_equal(sdk_shards(sdk), 0);
}

/* Write a file of n bytes into the directory. */
static void plant(const char *name, const void *data, size_t n)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", sdk_dir(sdk), name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

static uint64_t image_created;  /* when image() says its shards were made (0: now) */

/* A shard image: header for (pid, tid) with `count` records and head
 * (records are the caller's). Returns its size. */
static size_t image(uint8_t *buf, uint32_t pid, uint32_t tid, uint32_t count, uint64_t head)
{
	size_t size = CVZ_WIRE_HEADER + (size_t)count * CVZ_WIRE_RECORD;
	memset(buf, 0, size);
	uint32_t u[8] = { CVZ_WIRE_VERSION, CVZ_WIRE_HEADER, CVZ_WIRE_RECORD, count, pid, tid,
			  CVZ_WIRE_CLOCK, CVZ_WIRE_PRODUCER_C };
	uint64_t magic = CVZ_WIRE_MAGIC, created = image_created ? image_created : clock_ns();
	memcpy(buf, &magic, 8);
	memcpy(buf + 8, u, sizeof u);
	memcpy(buf + 40, &created, 8);
	memcpy(buf + CVZ_WIRE_OFF_HEAD, &head, 8);
	return size;
}

/* Record i of an image: a mark named name at time t. */
static void image_mark(uint8_t *buf, uint64_t i, uint64_t t, const char *name)
{
	struct cvz_wire_record *r = (struct cvz_wire_record *)(buf + CVZ_WIRE_HEADER) + i;
	memset(r, 0, sizeof *r);
	r->t = t;
	r->seq = (uint32_t)i;
	r->kind = CVZ_K_MARK;
	r->len = (uint8_t)strlen(name);
	memcpy(r->name, name, r->len);
}

/* Expect one more rejection after planting, and the file gone. */
static void expect_refused(const char *name, uint64_t *rejected)
{
	poll_now();
	assert_int_equal(sdk_rejected(sdk), ++*rejected);
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", sdk_dir(sdk), name);
	struct stat st;
	assert_int_equal(lstat(path, &st), -1);
}

/* Garbage files are refused, counted once each and removed. */
static void test_bad_files(void **state)
{
	(void)state;
	static uint8_t buf[CVZ_WIRE_HEADER + 128 * CVZ_WIRE_RECORD];
	uint64_t rejected = 0;
	char path[4200], name[64];
	uint32_t pid = (uint32_t)getpid();
	plant("notes.txt", "x", 1);
	expect_refused("notes.txt", &rejected);
	snprintf(path, sizeof path, "%s/7.8", sdk_dir(sdk));
	assert_int_equal(symlink("/etc/passwd", path), 0);
	expect_refused("7.8", &rejected);
	snprintf(path, sizeof path, "%s/9.10", sdk_dir(sdk));
	assert_int_equal(mkfifo(path, 0600), 0);
	expect_refused("9.10", &rejected);
	snprintf(path, sizeof path, "%s/11.12", sdk_dir(sdk));
	assert_int_equal(mkdir(path, 0700), 0);
	expect_refused("11.12", &rejected);
	snprintf(path, sizeof path, "%s/13.14", sdk_dir(sdk));
	assert_int_equal(truncate(path, 0) == 0 || errno == ENOENT, 1);
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(ftruncate(fd, (off_t)1 << 30), 0);     /* huge */
	close(fd);
	expect_refused("13.14", &rejected);
	size_t n = image(buf, 99, 14, 64, 0);                   /* names another pid */
	snprintf(name, sizeof name, "%u.14", pid);
	plant(name, buf, n);
	expect_refused(name, &rejected);
	n = image(buf, pid, 15, 64, 0);                         /* wrong size */
	snprintf(name, sizeof name, "%u.15", pid);
	plant(name, buf, n - 1);
	expect_refused(name, &rejected);
	n = image(buf, pid, 16, 100, 0);                        /* not a power of two */
	snprintf(name, sizeof name, "%u.16", pid);
	plant(name, buf, n);
	expect_refused(name, &rejected);
	n = image(buf, pid, 17, 64, 65);                        /* head past a whole shard */
	snprintf(name, sizeof name, "%u.17", pid);
	plant(name, buf, n);
	expect_refused(name, &rejected);
	n = image(buf, pid, 18, 64, 0);                         /* short, with a magic */
	snprintf(name, sizeof name, "%u.18", pid);
	plant(name, buf, 100);
	expect_refused(name, &rejected);
	n = image(buf, pid, 19, 64, 0);                         /* a second link */
	snprintf(name, sizeof name, "%u.19", pid);
	plant(name, buf, n);
	char other[4200];
	snprintf(path, sizeof path, "%s/%s", sdk_dir(sdk), name);
	snprintf(other, sizeof other, "%s/link", sdk_dir(sdk));
	assert_int_equal(link(path, other), 0);
	poll_now();
	rejected += 2;                                          /* the shard and "link" */
	assert_int_equal(sdk_rejected(sdk), rejected);
	/* a header that never comes: refused after SDK_PENDING_NS */
	snprintf(name, sizeof name, "%u.20", pid);
	memset(buf, 0, CVZ_WIRE_HEADER);
	plant(name, buf, CVZ_WIRE_HEADER + 64 * CVZ_WIRE_RECORD);
	poll_now();
	assert_int_equal(sdk_rejected(sdk), rejected);
	assert_int_equal(sdk_shards(sdk), 1);                   /* pending */
	assert_int_equal(sdk_poll(sdk, clock_ns() + SDK_PENDING_NS + 1, collect, NULL), 0);
	assert_int_equal(sdk_rejected(sdk), ++rejected);
	assert_int_equal(sdk_shards(sdk), 0);
	/* ... unless its thread is gone (killed while making it): forgotten,
	 * not counted, as it can hold no record */
	snprintf(name, sizeof name, "%u.4000000000", pid);
	plant(name, buf, CVZ_WIRE_HEADER + 64 * CVZ_WIRE_RECORD);
	poll_now();
	assert_int_equal(sdk_shards(sdk), 1);
	assert_int_equal(sdk_poll(sdk, clock_ns() + SDK_LIVE_CHECK_NS, collect, NULL), 0);
	assert_int_equal(sdk_shards(sdk), 0);
	assert_int_equal(sdk_rejected(sdk), rejected);
	assert_int_equal(ngot, 0);
}

/* Within a good shard: bad records are refused one by one, the good ones
 * around them come; head moving backwards or a shrunk file ends it. */
static void test_bad_records(void **state)
{
	(void)state;
	static uint8_t buf[CVZ_WIRE_HEADER + 64 * CVZ_WIRE_RECORD];
	uint32_t pid = (uint32_t)getpid();
	uint64_t now = clock_ns();
	image_created = now - 1;
	size_t n = image(buf, pid, 21, 64, 6);
	image_created = 0;
	image_mark(buf, 0, now, "good 1");
	image_mark(buf, 1, now, "bad \xff");                    /* not UTF-8 */
	image_mark(buf, 2, now + 100 * SDK_FUTURE_NS, "future");
	image_mark(buf, 3, 5, "before the shard");
	image_mark(buf, 4, now + 1, "good 2");
	image_mark(buf, 5, now, "back in time");
	char name[64], path[4200];
	snprintf(name, sizeof name, "%u.21", pid);
	plant(name, buf, n);
	assert_int_equal(sdk_poll(sdk, now + 2, collect, NULL), 2);
	assert_string_equal(got[0].name, "good 1");
	assert_string_equal(got[1].name, "good 2");
	assert_int_equal(sdk_rejected(sdk), 4);
	/* head moves back: the shard is refused */
	snprintf(path, sizeof path, "%s/%s", sdk_dir(sdk), name);
	int fd = open(path, O_RDWR);
	uint64_t head = 1;
	assert_int_equal(pwrite(fd, &head, 8, CVZ_WIRE_OFF_HEAD), 8);
	close(fd);
	poll_now();
	assert_int_equal(sdk_rejected(sdk), 5);
	assert_int_equal(sdk_shards(sdk), 0);
	/* shrunk under the reader after it was made active: refused, no fault */
	n = image(buf, pid, 22, 64, 0);
	snprintf(name, sizeof name, "%u.22", pid);
	plant(name, buf, n);
	poll_now();
	assert_int_equal(sdk_shards(sdk), 1);
	snprintf(path, sizeof path, "%s/%s", sdk_dir(sdk), name);
	fd = open(path, O_RDWR);
	head = 3;
	assert_int_equal(pwrite(fd, &head, 8, CVZ_WIRE_OFF_HEAD), 8);
	assert_int_equal(ftruncate(fd, CVZ_WIRE_HEADER + 100), 0);
	close(fd);
	poll_now();
	assert_int_equal(sdk_rejected(sdk), 6);
	assert_int_equal(sdk_shards(sdk), 0);
}

/* The directory: in the base asked for, reported in the environment
 * string, and removed with everything in it (nested directories too). */
static void test_directory(void **state)
{
	(void)state;
	char base[] = "/tmp/cvz-sdk-test.XXXXXX";
	assert_non_null(mkdtemp(base));
	struct sdk *s;
	assert_int_equal(sdk_open(&s, base), 0);
	assert_int_equal(strncmp(sdk_dir(s), base, strlen(base)), 0);
	assert_int_equal(strncmp(sdk_env(s), "CONCVIZ_SDK=", 12), 0);
	assert_string_equal(sdk_env(s) + 12, sdk_dir(s));
	struct stat st;
	assert_int_equal(stat(sdk_dir(s), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char path[4200];
	snprintf(path, sizeof path, "%s/a", sdk_dir(s));
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/a/b", sdk_dir(s));
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/a/b/c", sdk_dir(s));
	close(open(path, O_WRONLY | O_CREAT, 0600));
	sdk_close(s);
	assert_int_equal(rmdir(base), 0);                       /* empty again */
	assert_int_equal(sdk_open(&s, "/nonexistent/dir"), -ENOENT);
	assert_null(s);
}

/* The directories a killed concviz left (named after its pid, which is no
 * longer running) are removed by the next one; a running concviz's, a
 * file, and a name of another form are left alone. */
static void test_stale(void **state)
{
	(void)state;
	char base[] = "/tmp/cvz-sdk-test.XXXXXX", path[4200];
	assert_non_null(mkdtemp(base));
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	assert_true(dead > 0);
	waitpid(dead, NULL, 0);                                 /* its pid runs nothing now */
	snprintf(path, sizeof path, "%s/concviz-sdk.%d.abcdef", base, (int)dead);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/concviz-sdk.%d.abcdef/%d.%d", base, (int)dead, (int)dead, (int)dead);
	close(open(path, O_WRONLY | O_CREAT, 0600));
	snprintf(path, sizeof path, "%s/concviz-sdk.%d.ghijkl", base, (int)getpid());
	assert_int_equal(mkdir(path, 0700), 0);                 /* a running one's */
	snprintf(path, sizeof path, "%s/concviz-sdk.%d.file", base, (int)dead);
	close(open(path, O_WRONLY | O_CREAT, 0600));            /* not a directory */
	snprintf(path, sizeof path, "%s/concviz-sdk.other", base);
	assert_int_equal(mkdir(path, 0700), 0);                 /* not of the form */
	struct sdk *s;
	assert_int_equal(sdk_open(&s, base), 0);
	struct stat st;
	snprintf(path, sizeof path, "%s/concviz-sdk.%d.abcdef", base, (int)dead);
	assert_int_not_equal(stat(path, &st), 0);
	snprintf(path, sizeof path, "%s/concviz-sdk.%d.ghijkl", base, (int)getpid());
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof path, "%s/concviz-sdk.%d.file", base, (int)dead);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof path, "%s/concviz-sdk.other", base);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof path, "%s/concviz-sdk.%d.", base, (int)getpid());
	assert_int_equal(strncmp(sdk_dir(s), path, strlen(path)), 0);
	sdk_close(s);
	assert_int_equal(rmdir(base), 0);
}

/* Run the transport tests. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_untraced, setup, teardown),
		cmocka_unit_test(test_stale),
		cmocka_unit_test_setup_teardown(test_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_and_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_records, setup, teardown),
		cmocka_unit_test(test_directory),
	};
	return cmocka_run_group_tests_name("sdk", tests, NULL, NULL);
}
