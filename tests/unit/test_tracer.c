/*
 * test_tracer.c - the tracer's pure parts: the /proc parsers (real lines
 * and broken ones), the system call table, placing a thread's states in
 * time from synthetic counters (totals exact, order ready -> cpu -> blocked,
 * debts carried, a run placed at the instant the program said it ran), and
 * the transcript of a program's output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include "session.h"
#include "timeline.h"
#include "tracer_int.h"
#include "tracer_proc.h"
#include "tracer_state.h"
#include "tracer_sys.h"
#include "transcript.h"

#define MS 1000000ull

/* schedstat: three numbers; anything else is refused. */
static void test_schedstat(void **state)
{
	(void)state;
	struct tproc_sched s;
	const char *ok = "123456789 42 7\n";
	assert_int_equal(tproc_schedstat(ok, strlen(ok), &s), 0);
	assert_int_equal(s.run_ns, 123456789);
	assert_int_equal(s.wait_ns, 42);
	assert_int_equal(s.slices, 7);
	const char *bad[] = { "", "1 2", "1 2 x", "-1 2 3", "1 2 3x", "99999999999999999999999 1 1" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(tproc_schedstat(bad[i], strlen(bad[i]), &s), -EINVAL);
	assert_int_equal(tproc_schedstat(ok, 3, &s), -EINVAL);   /* cut short */
}

/* syscall: running, blocked outside a call, in a call with arguments. */
static void test_syscall(void **state)
{
	(void)state;
	struct tproc_sys y;
	assert_int_equal(tproc_syscall("running\n", 8, &y), 0);
	assert_int_equal(y.kind, TSYS_RUNNING);
	const char *none = "-1 0x7ffc1234 0x4011aa\n";
	assert_int_equal(tproc_syscall(none, strlen(none), &y), 0);
	assert_int_equal(y.kind, TSYS_NONE);
	const char *fx = "202 0x7f05f74e1000 0x80 0x2 0x0 0x0 0x0 0x7fff845031c8 0x7f05f765b2ad\n";
	assert_int_equal(tproc_syscall(fx, strlen(fx), &y), 0);
	assert_int_equal(y.kind, TSYS_CALL);
	assert_int_equal(y.nr, 202);
	assert_true(y.args[0] == 0x7f05f74e1000ull);
	assert_int_equal(y.args[1], 0x80);
	const char *bad[] = { "", "run", "abc 0x1", "7 0xZZ", "7 0x", "7 0x12345678901234567",
			      "-2 0x1" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(tproc_syscall(bad[i], strlen(bad[i]), &y), -EINVAL);
}

/* stat: the name may hold spaces and parentheses; the last ')' ends it. */
static void test_stat(void **state)
{
	(void)state;
	struct tproc_stat st;
	const char *l = "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 100 0 0 0 0 0\n";
	assert_int_equal(tproc_stat(l, strlen(l), &st), 0);
	assert_string_equal(st.comm, "my (odd) prog");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	const char *ctl = "7 (a\tb) R 0 1\n";
	assert_int_equal(tproc_stat(ctl, strlen(ctl), &st), 0);
	assert_string_equal(st.comm, "a?b");
	const char *bad[] = { "", "42 comm S 1", "42 (x", "42 (x) 1 1", "42 (x) S", "42 (x) S y" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(tproc_stat(bad[i], strlen(bad[i]), &st), -EINVAL);
}

/* loadavg's newest pid; pid lists; directory records. */
static void test_lists(void **state)
{
	(void)state;
	uint32_t last, ids[4];
	const char *la = "0.25 0.23 0.18 2/86 21151\n";
	assert_int_equal(tproc_loadavg_last(la, strlen(la), &last), 0);
	assert_int_equal(last, 21151);
	assert_int_equal(tproc_loadavg_last("0.1 0.2", 7, &last), -EINVAL);
	const char *kids = "12 13 14 15 16 ";
	assert_int_equal(tproc_pid_list(kids, strlen(kids), ids, 4), 5);
	assert_int_equal(ids[3], 15);
	assert_int_equal(tproc_pid_list("", 0, ids, 4), 0);
	assert_int_equal(tproc_pid_list("12 x", 4, ids, 4), -EINVAL);
	assert_int_equal(tproc_pid_list("0", 1, ids, 4), -EINVAL);
	/* two records: "." (skipped) and "4243" */
	unsigned char d[48] = { 0 };
	d[16] = 24;
	memcpy(d + 19, ".", 2);
	d[24 + 16] = 24;
	memcpy(d + 24 + 19, "4243", 5);
	assert_int_equal(tproc_dirents(d, sizeof d, ids, 4), 1);
	assert_int_equal(ids[0], 4243);
	d[24 + 16] = 200;                       /* a record longer than the buffer */
	assert_int_equal(tproc_dirents(d, sizeof d, ids, 4), -EINVAL);
	assert_int_equal(tproc_dirents(d, 10, ids, 4), -EINVAL);
}

/* The system call table: locks, I/O, an event loop's wait, sleeping. */
static void test_sys(void **state)
{
	(void)state;
	uint64_t a[3] = { 0, 0, 0 };
	assert_int_equal(tsys_class(SYS_futex, a), TSC_LOCK);
	assert_int_equal(tsys_class(SYS_read, a), TSC_IO);
	assert_int_equal(tsys_class(SYS_ppoll, a), TSC_IO);
	assert_int_equal(tsys_class(SYS_epoll_pwait, a), TSC_POLL);
	assert_int_equal(tsys_class(SYS_clock_nanosleep, a), TSC_IDLE);
	assert_int_equal(tsys_class(SYS_wait4, a), TSC_IDLE);
	assert_int_equal(tsys_class(99999, a), TSC_IDLE);
	uint64_t lk[3] = { 3, 7 /* F_SETLKW */, 0 };
	assert_int_equal(tsys_class(SYS_fcntl, lk), TSC_LOCK);
	assert_string_equal(tsys_name(SYS_futex), "futex");
	assert_null(tsys_name(99999));
}

/* Apply events to a one-lane timeline and return ns per state. */
static void totals(const struct cv_event *ev, int n, struct timeline *tl, uint64_t ns[ST_COUNT])
{
	for (int i = 0; i < n; i++)
		assert_int_equal(timeline_add(tl, &ev[i]), 0);
	timeline_lane_stats(tl, 0, ns);
}

/* A thread that wakes, waits for a CPU, runs and blocks each interval:
 * the order is ready, cpu, blocked, and the totals are the counters'. */
static void test_fill_blocking(void **state)
{
	(void)state;
	struct tstate st;
	struct timeline tl;
	struct cv_event ev[3];
	uint64_t ns[ST_COUNT];
	tstate_init(&st);
	timeline_init(&tl, 1000);
	struct cv_event start = { 1000, 1, 0, CV_NO_TASK, EV_LANE_START, 0, 1 };
	assert_int_equal(timeline_add(&tl, &start), 0);
	st.runnable = false;
	st.blocked = EV_IO;
	uint64_t t = 1000;
	for (int i = 0; i < 100; i++) {          /* 0.1 ms ready, 0.3 ms cpu per ms */
		tstate_observe(&st, 300000, 100000);
		int n = tstate_fill(&st, t, t + MS, 0, 0, ev);
		assert_true(n <= 3);
		if (i == 0) {
			assert_int_equal(n, 3);
			assert_int_equal(ev[0].kind, EV_READY);
			assert_int_equal(ev[1].kind, EV_CPU);
			assert_int_equal(ev[1].t, t + 100000);
			assert_int_equal(ev[2].kind, EV_IO);
			assert_int_equal(ev[2].t, t + 400000);
		}
		totals(ev, n, &tl, ns);
		t += MS;
	}
	struct cv_event end = { t, 0, 0, CV_NO_TASK, EV_LANE_END, 0, 0 };
	totals(&end, 1, &tl, ns);
	assert_int_equal(ns[ST_READY], 100 * 100000);
	assert_int_equal(ns[ST_CPU], 100 * 300000);
	assert_int_equal(ns[ST_IO], 100 * 600000);
	timeline_free(&tl);
}

/* A running thread whose counter moves only at timer ticks (every 4 ms):
 * it is drawn running throughout; when it then blocks, what was drawn
 * ahead is paid back, and a lock wait carries its lock id. */
static void test_fill_ticks(void **state)
{
	(void)state;
	struct tstate st;
	struct timeline tl;
	struct cv_event ev[3];
	uint64_t ns[ST_COUNT];
	tstate_init(&st);
	timeline_init(&tl, 1000);
	struct cv_event start = { 1000, 1, 0, CV_NO_TASK, EV_LANE_START, 0, 1 };
	assert_int_equal(timeline_add(&tl, &start), 0);
	st.runnable = true;
	uint64_t t = 1000;
	for (int i = 1; i <= 40; i++) {          /* 40 ms on a CPU, counted every 4 ms */
		tstate_observe(&st, i % 4 == 0 ? 4 * MS : 0, 0);
		int n = tstate_fill(&st, t, t + MS, 0, 0, ev);
		assert_true(n <= 1);
		totals(ev, n, &tl, ns);
		t += MS;
	}
	assert_int_equal(st.debt_cpu, 0);       /* drawn exactly what was counted */
	assert_int_equal(tl.lanes[0].n, 1);     /* one span: running */
	tstate_observe(&st, 3 * MS, 0);         /* ran 3 ms more, then blocked on a lock */
	st.runnable = false;
	st.blocked = EV_LOCK_WAIT;
	st.blocked_aux = 77;
	for (int i = 0; i < 10; i++) {
		int n = tstate_fill(&st, t, t + MS, 0, 0, ev);
		for (int k = 0; k < n; k++)
			if (ev[k].kind == EV_LOCK_WAIT)
				assert_int_equal(ev[k].aux, 77);
		totals(ev, n, &tl, ns);
		t += MS;
	}
	struct cv_event end = { t, 0, 0, CV_NO_TASK, EV_LANE_END, 0, 0 };
	totals(&end, 1, &tl, ns);
	assert_int_equal(ns[ST_CPU], 43 * MS);
	assert_int_equal(ns[ST_LOCK], 7 * MS);
	assert_int_equal(st.shown, EV_LOCK_WAIT);
	timeline_free(&tl);
}

/* A thread on I/O that woke, ran 0.2 ms and said so (an SDK record) at
 * 0.7 ms into the interval, then blocked again: its run is placed to end
 * at that instant, not at the interval's start; without the instant, at
 * the start; a thread that was running keeps its drawn-ahead run. */
static void test_fill_anchor(void **state)
{
	(void)state;
	struct tstate st;
	struct cv_event ev[3];
	tstate_init(&st);
	st.blocked = EV_IO;
	assert_int_equal(tstate_fill(&st, 0, MS, 0, 0, ev), 1);      /* I/O from 0 */
	tstate_observe(&st, MS / 5, 0);
	assert_int_equal(tstate_fill(&st, MS, 2 * MS, 0, MS + 7 * MS / 10, ev), 2);
	assert_int_equal(ev[0].kind, EV_CPU);
	assert_int_equal(ev[0].t, MS + MS / 2);                       /* 0.2 ms before 0.7 */
	assert_int_equal(ev[1].kind, EV_IO);
	assert_int_equal(ev[1].t, MS + 7 * MS / 10);
	tstate_observe(&st, MS / 5, 0);                               /* the same, no instant */
	assert_int_equal(tstate_fill(&st, 2 * MS, 3 * MS, 0, 0, ev), 2);
	assert_int_equal(ev[0].t, 2 * MS);
	assert_int_equal(ev[1].t, 2 * MS + MS / 5);
	tstate_observe(&st, MS / 5, 0);                               /* an instant too early to hold it */
	assert_int_equal(tstate_fill(&st, 3 * MS, 4 * MS, 0, 3 * MS + MS / 10, ev), 2);
	assert_int_equal(ev[0].t, 3 * MS);
	st.runnable = true;                                            /* running: drawn ahead */
	assert_int_equal(tstate_fill(&st, 4 * MS, 5 * MS, 0, 0, ev), 1);
	st.runnable = false;
	tstate_observe(&st, MS, 0);
	assert_int_equal(tstate_fill(&st, 5 * MS, 6 * MS, 0, 5 * MS + MS / 2, ev), 1);
	assert_int_equal(ev[0].kind, EV_IO);
	assert_int_equal(ev[0].t, 5 * MS);                           /* not held back to the instant */
}

/* Output: lines per fd, partial lines joined, long lines split, control
 * bytes shown as '?', the ring bounded. */
static void test_transcript(void **state)
{
	(void)state;
	struct transcript tr;
	transcript_init(&tr);
	const char *a = "hello wor", *b = "ld\nsecond\n";
	struct cv_event e = transcript_event(1, 0, 1, a, strlen(a));
	transcript_add(&tr, &e, 10);
	e = transcript_event(1, 0, 2, "oops\n", 5);
	transcript_add(&tr, &e, 11);
	e = transcript_event(1, 0, 1, b, strlen(b));
	transcript_add(&tr, &e, 12);
	assert_int_equal(transcript_count(&tr), 3);
	assert_memory_equal(transcript_line(&tr, 2)->text, "hello world", 11);
	assert_int_equal(transcript_line(&tr, 2)->t, 10);
	assert_int_equal(transcript_line(&tr, 1)->fd, 2);
	assert_memory_equal(transcript_line(&tr, 0)->text, "second", 6);
	assert_int_equal(tr.bytes[1], 19);
	char bell[2] = { 7, 'x' };
	e = transcript_event(1, 0, 1, bell, 2);
	transcript_add(&tr, &e, 13);
	assert_memory_equal(transcript_line(&tr, 0)->text, "?x", 2);
	for (int i = 0; i < 30; i++) {           /* 360 bytes, no newline: a full line and more */
		e = transcript_event(1, 0, 1, "0123456789ab", 12);
		transcript_add(&tr, &e, 20 + i);
	}
	assert_int_equal(transcript_line(&tr, 1)->len, TRANSCRIPT_COLS);
	assert_int_equal(transcript_line(&tr, 0)->len, 2 + 360 - TRANSCRIPT_COLS); /* "?x" was open */
	for (int i = 0; i < TRANSCRIPT_LINES * 2; i++) {
		e = transcript_event(1, 0, 1, "line\n", 5);
		transcript_add(&tr, &e, 100 + i);
	}
	assert_int_equal(transcript_count(&tr), TRANSCRIPT_LINES);
	assert_memory_equal(transcript_line(&tr, TRANSCRIPT_LINES - 1)->text, "line", 4);
	struct cv_event junk = e;
	junk.code = 3 | 13 << 8;                /* fd 3, length 13: ignored */
	uint64_t before = tr.nlines;
	transcript_add(&tr, &junk, 99);
	assert_int_equal(tr.nlines, before);
	transcript_free(&tr);
}

/* The hooks other event sources use: an extra lane (named, in a process,
 * a thread's when it has a tid) takes the next index after the threads'
 * and is not sampled. */
static void test_extra_lane(void **state)
{
	(void)state;
	static struct tracer tr;          /* big: not on the stack */
	memset(&tr, 0, sizeof tr);
	tr.next_lane = 3;
	assert_int_equal(tscan_extra_lane(&tr, 4242, 0, "asyncio task fetch", 77), 3);
	assert_int_equal(tscan_extra_lane(&tr, 4242, 4250, "thread 4250", 78), 4);
	assert_null(tscan_thread(&tr, 4242));
	assert_null(tscan_thread(&tr, 4250));   /* not sampled */
	struct cv_params p;
	params_default(&p);
	struct session s;
	assert_int_equal(session_init(&s, &p), 0);
	for (size_t i = 0; i < tr.nbatch; i++)
		assert_int_equal(session_take(&s, &tr.batch[i].ev), 0);
	assert_int_equal(s.nlanes, 5);
	assert_string_equal(s.lanes[3].name, "asyncio task fetch");
	assert_int_equal(s.lanes[3].pid, 4242);
	assert_int_equal(s.lanes[3].tid, 0);
	assert_string_equal(s.lanes[4].name, "thread 4250");
	assert_int_equal(s.lanes[4].tid, 4250);
	session_free(&s);
	free(tr.batch);
	free(tr.sort_tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedstat),     cmocka_unit_test(test_syscall),
		cmocka_unit_test(test_stat),          cmocka_unit_test(test_lists),
		cmocka_unit_test(test_sys),           cmocka_unit_test(test_fill_blocking),
		cmocka_unit_test(test_fill_ticks),    cmocka_unit_test(test_fill_anchor),
		cmocka_unit_test(test_transcript),
		cmocka_unit_test(test_extra_lane),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
