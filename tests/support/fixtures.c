/*
 * fixtures.c - the fixed event streams of fixtures.h, built into a session
 * and a timeline exactly as a run would: events are written per lane,
 * sorted by time (stable), then fed to timeline_add.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fixtures.h"
#include "transcript.h"

#define MS 1000000.0

struct fx {
	struct cv_event *ev;
	size_t n, cap;
	int err;
};

/* Append one event at `ms` milliseconds after FIX_T0. */
static void fx_ev(struct fx *f, double ms, uint32_t lane, uint32_t task, int kind, int code,
		  uint32_t aux, uint64_t arg)
{
	if (f->err)
		return;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct cv_event *p = realloc(f->ev, cap * sizeof *p);
		if (!p) {
			f->err = -ENOMEM;
			return;
		}
		f->ev = p;
		f->cap = cap;
	}
	f->ev[f->n++] = (struct cv_event){
		.t = FIX_T0 + (uint64_t)(ms * MS + 0.5), .arg = arg, .lane = lane, .task = task,
		.kind = (uint16_t)kind, .code = (uint16_t)code, .aux = aux,
	};
}

struct fx_key {
	uint64_t t;
	size_t i;
};

/* Sort f's events by time, keeping the written order among equal times. */
static void fx_sort(struct fx *f)
{
	size_t n = f->n;
	struct fx_key *k = malloc(n * sizeof *k + 1);
	struct cv_event *out = malloc(n * sizeof *out + 1);
	if (!k || !out) {
		free(k);
		free(out);
		f->err = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = (struct fx_key){ f->ev[i].t, i };
	for (size_t i = 1; i < n; i++) { /* insertion sort: small, mostly ordered */
		struct fx_key v = k[i];
		size_t j = i;
		while (j > 0 && k[j - 1].t > v.t) {
			k[j] = k[j - 1];
			j--;
		}
		k[j] = v;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = f->ev[k[i].i];
	free(k);
	free(f->ev);
	f->ev = out;
}

/* Initialise s deterministically for params p. */
static int fx_session(struct session *s, const struct cv_params *p)
{
	int rc = session_init(s, p);
	if (rc)
		return rc;
	snprintf(s->host, sizeof s->host, "fixture");
	s->cores = 4;
	s->start_unix_ns = 1700000000000000000ll;
	s->start_mono_ns = FIX_T0;
	s->ideal_latency_ms = 100;
	return 0;
}

/* Set ntasks task names from a printf pattern taking the task number. */
static int fx_tasks(struct session *s, uint32_t ntasks, const char *pattern, unsigned long base)
{
	char **names = calloc(ntasks, sizeof *names);
	int rc = names ? 0 : -ENOMEM;
	for (uint32_t i = 0; !rc && i < ntasks; i++) {
		names[i] = malloc(64);
		if (!names[i])
			rc = -ENOMEM;
		else
			snprintf(names[i], 64, pattern, base + i);
	}
	if (!rc)
		rc = session_set_tasks(s, names, ntasks);
	for (uint32_t i = 0; names && i < ntasks; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Feed f's events (sorted) into tl; frees f. */
static int fx_finish(struct fx *f, struct session *s, struct timeline *tl)
{
	timeline_init(tl, FIX_T0);
	if (!f->err)
		fx_sort(f);
	int rc = f->err ? f->err : timeline_add_many(tl, f->ev, f->n);
	free(f->ev);
	if (rc) {
		fixture_free(s, tl);
		return rc;
	}
	return 0;
}

/* threads x3, io, 9 downloads, task 5 times out. */
int fixture_threads_io(struct session *s, struct timeline *tl)
{
	static const double lat[9] = { 80, 100, 120, 90, 200, 110, 85, 95, 105 };
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_THREADS;
	p.workload = WL_IO;
	p.workers = 3;
	p.tasks = 9;
	int rc = fx_session(s, &p);
	if (rc)
		return rc;
	struct fx f = { 0 };
	char name[32];
	for (int l = 0; l < 3 && !rc; l++) {
		snprintf(name, sizeof name, "thread %d", l + 1);
		rc = session_add_lane(s, name, LANE_WORKER) < 0 ? -ENOMEM : 0;
	}
	if (!rc)
		rc = fx_tasks(s, 9, "http://127.0.0.1:8080/f/%lu", 1);
	if (rc) {
		session_free(s);
		return rc;
	}
	fx_ev(&f, 0.5, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	double last = 0;
	for (uint32_t l = 0; l < 3; l++) {
		double t = 1 + 0.2 * l;
		fx_ev(&f, t, l, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
		for (uint32_t k = l; k < 9; k += 3) {
			fx_ev(&f, t, l, k, EV_TASK_BEGIN, 0, 0, 0);
			fx_ev(&f, t, l, k, EV_CPU, 0, 0, 0);
			fx_ev(&f, t + 1, l, k, EV_IO, 0, 0, 0);
			t += 1 + lat[k];
			if (k == 4) {
				fx_ev(&f, t, l, k, EV_TASK_FAIL, 0, FAIL_TIMEOUT, 0);
			} else {
				fx_ev(&f, t, l, k, EV_CPU, 0, 0, 0);
				t += 1;
				fx_ev(&f, t, l, k, EV_TASK_END, 200, 0, 10240);
			}
			t += 0.5;
		}
		fx_ev(&f, t + 5, l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		if (t + 5 > last)
			last = t + 5;
	}
	fx_ev(&f, last + 1, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	return fx_finish(&f, s, tl);
}

/* async (2 in flight), io, a loop lane + 4 task lanes; task 3's callback stalls. */
int fixture_async_io(struct session *s, struct timeline *tl)
{
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_ASYNC;
	p.workload = WL_IO;
	p.workers = 2;
	p.tasks = 4;
	int rc = fx_session(s, &p);
	if (rc)
		return rc;
	rc = session_add_lane(s, "loop", LANE_LOOP) < 0 ? -ENOMEM : 0;
	char name[32];
	for (int l = 1; l <= 4 && !rc; l++) {
		snprintf(name, sizeof name, "task %d", l);
		rc = session_add_lane(s, name, LANE_TASK) < 0 ? -ENOMEM : 0;
	}
	if (!rc)
		rc = fx_tasks(s, 4, "http://127.0.0.1:8080/f/%lu", 1);
	if (rc) {
		session_free(s);
		return rc;
	}
	struct fx f = { 0 };
	const uint32_t NT = CV_NO_TASK;
	fx_ev(&f, 0.5, 0, NT, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	fx_ev(&f, 1, 0, NT, EV_LANE_START, 0, 0, 0);
	for (uint32_t k = 0; k < 4; k++) {
		fx_ev(&f, 1, k + 1, NT, EV_LANE_START, 0, 0, 0);
		fx_ev(&f, 1, k + 1, k, EV_TASK_QUEUED, 0, 0, 0);
	}
	/* start tasks 1 and 2 */
	fx_ev(&f, 1.0, 0, 0, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 1.0, 1, 0, EV_TASK_BEGIN, 0, 0, 0);
	fx_ev(&f, 1.0, 1, 0, EV_IO, 0, 0, 0);
	fx_ev(&f, 1.2, 0, 1, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 1.2, 2, 1, EV_TASK_BEGIN, 0, 0, 0);
	fx_ev(&f, 1.2, 2, 1, EV_IO, 0, 0, 0);
	fx_ev(&f, 1.4, 0, NT, EV_POLL, 0, 0, 0);
	/* task 1 done at 61 ms; task 3 starts */
	fx_ev(&f, 61, 0, 0, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 61, 1, 0, EV_CPU, 0, 0, 0);
	fx_ev(&f, 61.5, 1, 0, EV_TASK_END, 200, 0, 10240);
	fx_ev(&f, 61.5, 1, NT, EV_LANE_END, 0, 0, 0);
	fx_ev(&f, 61.5, 0, 2, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 61.5, 3, 2, EV_TASK_BEGIN, 0, 0, 0);
	fx_ev(&f, 61.5, 3, 2, EV_IO, 0, 0, 0);
	fx_ev(&f, 61.7, 0, NT, EV_POLL, 0, 0, 0);
	/* task 2 done at 81 ms; task 4 starts */
	fx_ev(&f, 81, 0, 1, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 81, 2, 1, EV_CPU, 0, 0, 0);
	fx_ev(&f, 81.5, 2, 1, EV_TASK_END, 200, 0, 10240);
	fx_ev(&f, 81.5, 2, NT, EV_LANE_END, 0, 0, 0);
	fx_ev(&f, 81.5, 0, 3, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 81.5, 4, 3, EV_TASK_BEGIN, 0, 0, 0);
	fx_ev(&f, 81.5, 4, 3, EV_IO, 0, 0, 0);
	fx_ev(&f, 81.7, 0, NT, EV_POLL, 0, 0, 0);
	/* task 3's response arrives at 141.5 ms: its callback hogs the loop 40 ms */
	fx_ev(&f, 141.5, 0, 2, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 141.5, 3, 2, EV_CPU, 0, 0, 0);
	fx_ev(&f, 181.5, 3, 2, EV_TASK_END, 200, 0, 10240);
	fx_ev(&f, 181.5, 3, NT, EV_LANE_END, 0, 0, 0);
	/* task 4's response was ready at 161.5 ms but runs only now */
	fx_ev(&f, 181.5, 0, 3, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 181.5, 4, 3, EV_CPU, 0, 0, 0);
	fx_ev(&f, 182, 4, 3, EV_TASK_END, 200, 0, 10240);
	fx_ev(&f, 182, 4, NT, EV_LANE_END, 0, 0, 0);
	fx_ev(&f, 182, 0, NT, EV_POLL, 0, 0, 0);
	fx_ev(&f, 183, 0, NT, EV_LANE_END, 0, 0, 0);
	fx_ev(&f, 183.5, 0, NT, EV_MARK, 0, MARK_RUN_END, 0);
	return fx_finish(&f, s, tl);
}

/* threads x3 + GIL (5 ms), cpu, 6 sums scheduled round-robin on the GIL. */
int fixture_gil_cpu(struct session *s, struct timeline *tl)
{
	static const double need_ms[6] = { 10, 15, 20, 10, 15, 20 };
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_THREADS;
	p.workload = WL_CPU;
	p.workers = 3;
	p.tasks = 6;
	p.gil = true;
	p.switch_ms = 5;
	p.cpu_base = 30000000;   /* fixed: the golden shows it */
	int rc = fx_session(s, &p);
	if (rc)
		return rc;
	char name[32];
	for (int l = 0; l < 3 && !rc; l++) {
		snprintf(name, sizeof name, "thread %d", l + 1);
		rc = session_add_lane(s, name, LANE_WORKER) < 0 ? -ENOMEM : 0;
	}
	if (!rc)
		rc = fx_tasks(s, 6, "sum n=%lu", 30000000);
	if (rc) {
		session_free(s);
		return rc;
	}
	struct fx f = { 0 };
	double t = 1, left[3];
	int task[3], state[3], next = 0; /* state: the last state event emitted */
	fx_ev(&f, 0.5, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	for (uint32_t l = 0; l < 3; l++) {
		fx_ev(&f, t, l, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
		task[l] = next++;
		left[l] = need_ms[task[l]];
		fx_ev(&f, t, l, (uint32_t)task[l], EV_TASK_BEGIN, 0, 0, 0);
		fx_ev(&f, t, l, (uint32_t)task[l], EV_LOCK, 0, 0, 0);
		state[l] = EV_LOCK;
	}
	int holder = 0;
	for (;;) {
		int busy = 0;
		for (int l = 0; l < 3; l++)
			busy += task[l] >= 0;
		if (!busy)
			break;
		while (task[holder] < 0)
			holder = (holder + 1) % 3;
		for (int l = 0; l < 3; l++) {
			int want = l == holder ? EV_CPU : EV_LOCK;
			if (task[l] >= 0 && state[l] != want) {
				fx_ev(&f, t, (uint32_t)l, (uint32_t)task[l], want, 0, 0, 0);
				state[l] = want;
			}
		}
		double d = left[holder] < 5 ? left[holder] : 5;
		t += d;
		left[holder] -= d;
		if (left[holder] <= 0) {
			fx_ev(&f, t, (uint32_t)holder, (uint32_t)task[holder], EV_TASK_END, 0, 0, 0);
			if (next < 6) {
				task[holder] = next++;
				left[holder] = need_ms[task[holder]];
				fx_ev(&f, t, (uint32_t)holder, (uint32_t)task[holder], EV_TASK_BEGIN, 0, 0, 0);
				fx_ev(&f, t, (uint32_t)holder, (uint32_t)task[holder], EV_LOCK, 0, 0, 0);
				state[holder] = EV_LOCK;
			} else {
				task[holder] = -1;
				fx_ev(&f, t, (uint32_t)holder, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
			}
		}
		holder = (holder + 1) % 3;
	}
	fx_ev(&f, t + 0.5, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	return fx_finish(&f, s, tl);
}

/* Initialise s for a trace of `python3 script` (pid 4242); 0 or -ENOMEM. */
static int fx_trace_session(struct session *s, char *script)
{
	struct cv_params p;
	char *argv[] = { "python3", script, NULL };
	params_default(&p);
	p.mode = MODE_TRACE;
	p.argv = argv;
	p.argc = 2;
	int rc = fx_session(s, &p);
	if (rc == 0)
		s->trace_pid = 4242;
	return rc;
}

/* End a trace at ms (its main lane, exit 0, the run's end); names go into
 * s, the events into tl; frees f. */
static int fx_trace_end(struct fx *f, double ms, struct session *s, struct timeline *tl)
{
	fx_ev(f, ms, 0, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	fx_ev(f, ms, 0, CV_NO_TASK, EV_MARK, 0, MARK_PROG_EXIT, 0);
	fx_ev(f, ms + 0.5, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	if (!f->err)
		fx_sort(f);
	if (!f->err && session_take_many(s, f->ev, f->n) != 0)
		f->err = -EINVAL;
	return fx_finish(f, s, tl);
}

/* Start traced lane l of pid/tid named "comm tid" at ms. */
static void fx_thread(struct fx *f, double ms, uint32_t l, uint32_t pid, uint32_t tid, const char *comm)
{
	char name[48];
	struct cv_event nm[CV_NAME_PIECES_MAX];
	fx_ev(f, ms, l, CV_NO_TASK, EV_LANE_START, 0, tid, pid);
	snprintf(name, sizeof name, "%s %u", comm, tid);
	int n = cv_name_pieces(nm, 0, l, CV_NO_TASK, EV_LANE_NAME, name);
	for (int i = 0; i < n; i++)
		fx_ev(f, ms, l, CV_NO_TASK, EV_LANE_NAME, nm[i].code, nm[i].aux, nm[i].arg);
}

/* Write text as output events of fd at ms on lane l. */
static void fx_out(struct fx *f, double ms, uint32_t l, int fd, const char *text)
{
	for (size_t off = 0; off < strlen(text); off += CV_NAME_PIECE) {
		size_t len = strlen(text) - off < CV_NAME_PIECE ? strlen(text) - off : CV_NAME_PIECE;
		struct cv_event e = transcript_event(0, l, fd, text + off, len);
		fx_ev(f, ms, l, CV_NO_TASK, EV_OUTPUT, e.code, e.aux, e.arg);
	}
}

/* A traced python3 program: three threads taking turns on the GIL, a child
 * process on I/O then cpu, output on both streams, exit 0. */
int fixture_trace(struct session *s, struct timeline *tl)
{
	int rc = fx_trace_session(s, "examples/threads_cpu.py");
	if (rc)
		return rc;
	struct fx f = { 0 };
	fx_ev(&f, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	fx_thread(&f, 0, 0, 4242, 4242, "python3");
	fx_ev(&f, 0, 0, CV_NO_TASK, EV_CPU, 0, 0, 0);
	fx_ev(&f, 20, 0, CV_NO_TASK, EV_LOCK_WAIT, 0, 77, 0);
	fx_out(&f, 21, 0, 1, "started 3 workers\n");
	for (uint32_t k = 0; k < 3; k++) {
		fx_thread(&f, 20 + 2 * k, 1 + k, 4242, 4243 + k, "python3");
		fx_ev(&f, 20 + 2 * k, 1 + k, CV_NO_TASK, EV_LOCK_WAIT, 0, 77, 0);
	}
	for (int slice = 0; slice < 46; slice++) {   /* 5 ms turns: ready briefly, then cpu */
		double t = 26 + slice * 5;
		uint32_t l = 1 + (uint32_t)slice % 3;
		fx_ev(&f, t, l, CV_NO_TASK, EV_READY, 0, 0, 0);
		fx_ev(&f, t + 0.5, l, CV_NO_TASK, EV_CPU, 0, 0, 0);
		fx_ev(&f, t + 5, l, CV_NO_TASK, EV_LOCK_WAIT, 0, 77, 0);
	}
	for (uint32_t k = 0; k < 3; k++)
		fx_ev(&f, 262 + k, 1 + k, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	fx_thread(&f, 100, 4, 4250, 4250, "sort");
	fx_ev(&f, 100, 4, CV_NO_TASK, EV_IO, 0, 0, 0);
	fx_ev(&f, 150, 4, CV_NO_TASK, EV_CPU, 0, 0, 0);
	fx_out(&f, 150, 4, 2, "warning: slow disk\n");
	fx_ev(&f, 240, 4, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	fx_thread(&f, 120, 5, 4242, 4246, "python3");  /* a thread after the child: shown with its process */
	fx_ev(&f, 120, 5, CV_NO_TASK, EV_IDLE, 0, 0, 0);
	fx_ev(&f, 200, 5, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	fx_ev(&f, 270, 0, CV_NO_TASK, EV_CPU, 0, 0, 0);
	fx_out(&f, 290, 0, 1, "20 sums of squares in 0.30 s\n");
	for (int k = 1; k <= 3; k++)
		fx_ev(&f, 100 * k, 0, CV_NO_TASK, EV_MARK, 1000, MARK_SAMPLE_HZ, 998000);
	return fx_trace_end(&f, 300, s, tl);
}

/* Start SDK lane l (kind: LANE_TASK or LANE_LOOP) of pid named name at ms. */
static void fx_sdk_lane(struct fx *f, double ms, uint32_t l, int kind, uint32_t pid, const char *name)
{
	struct cv_event nm[CV_NAME_PIECES_MAX];
	fx_ev(f, ms, l, CV_NO_TASK, EV_LANE_START, kind, 0, pid);
	int n = cv_name_pieces(nm, 0, l, CV_NO_TASK, EV_LANE_NAME, name);
	for (int i = 0; i < n; i++)
		fx_ev(f, ms, l, CV_NO_TASK, EV_LANE_NAME, nm[i].code, nm[i].aux, nm[i].arg);
}

/* Write name pieces of kind (a task's name, a mark) at ms on lane l for
 * task, from byte off of the name on (0: the whole name afresh). */
static void fx_name_at(struct fx *f, double ms, uint32_t l, uint32_t task, int kind, unsigned off,
		       const char *name)
{
	struct cv_event nm[CV_NAME_PIECES_MAX];
	int n = cv_name_pieces(nm, 0, l, task, kind, name);
	for (int i = 0; i < n; i++)
		fx_ev(f, ms, l, task, kind, (int)(((nm[i].code & ~CV_NAME_LAST) + off) |
						   (nm[i].code & CV_NAME_LAST)), nm[i].aux, nm[i].arg);
}

/* Write the pieces of a whole name of kind at ms on lane l for task. */
static void fx_name(struct fx *f, double ms, uint32_t l, uint32_t task, int kind, const char *name)
{
	fx_name_at(f, ms, l, task, kind, 0, name);
}

/* A traced python3 program that reports its tasks: see fixtures.h. Lanes:
 * 0 main thread, 1 pool worker, 2 loop, 3..5 Task-1..Task-3; tasks 0..2
 * the asyncio ones, 3 and 4 the worker's. */
int fixture_trace_sdk(struct session *s, struct timeline *tl)
{
	int rc = fx_trace_session(s, "app.py");
	if (rc)
		return rc;
	struct fx f = { 0 };
	fx_ev(&f, 0, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	fx_ev(&f, 0, 0, CV_NO_TASK, EV_MARK, 1, MARK_SDK_PYTHON, 0);
	fx_thread(&f, 0, 0, 4242, 4242, "python3");
	fx_ev(&f, 0, 0, CV_NO_TASK, EV_CPU, 0, 0, 0);
	fx_thread(&f, 1, 1, 4242, 4243, "python3");
	fx_ev(&f, 1, 1, CV_NO_TASK, EV_LOCK_WAIT, 0, 9, 0);
	/* the loop and its tasks */
	fx_sdk_lane(&f, 5, 2, LANE_LOOP, 4242, "loop");
	fx_ev(&f, 5, 2, CV_NO_TASK, EV_CALLBACK, 0, 0, 0);
	static const char *const names[] = { "Task-1 main", "Task-2 download", "Task-3 download" };
	for (uint32_t k = 0; k < 3; k++) {
		fx_sdk_lane(&f, 5 + k, 3 + k, LANE_TASK, 4242, names[k]);
		fx_name(&f, 5 + k, 3 + k, k, EV_TASK_NAME, names[k]);
		fx_ev(&f, 5 + k, 3 + k, k, EV_TASK_QUEUED, 0, 0, 0);
		fx_ev(&f, 10 + k, 3 + k, k, EV_TASK_BEGIN, 0, 0, 0);
		fx_ev(&f, 10 + k, 3 + k, k, EV_CPU, 0, 0, 0);
		fx_ev(&f, 10 + k, 2, k, EV_CALLBACK, 0, 0, 0);
		fx_ev(&f, 11 + k, 3 + k, k, EV_IO, 0, 0, 0);
	}
	fx_ev(&f, 14, 2, CV_NO_TASK, EV_POLL, 0, 0, 0);
	fx_ev(&f, 14, 0, CV_NO_TASK, EV_POLL, 0, 0, 0);
	fx_ev(&f, 100, 0, CV_NO_TASK, EV_CPU, 0, 0, 0);
	fx_ev(&f, 100, 2, 1, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 100, 4, 1, EV_CPU, 0, 0, 0);
	fx_ev(&f, 101, 4, 1, EV_TASK_END, 0, 0, 0);
	fx_ev(&f, 101, 4, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	fx_ev(&f, 101, 2, 0, EV_CALLBACK, 0, 0, 0);
	fx_ev(&f, 101, 3, 0, EV_CPU, 0, 0, 0);
	fx_ev(&f, 102, 3, 0, EV_IO, 0, 0, 0);
	fx_ev(&f, 103, 2, CV_NO_TASK, EV_POLL, 0, 0, 0);
	fx_ev(&f, 103, 0, CV_NO_TASK, EV_POLL, 0, 0, 0);
	fx_name(&f, 50, 0, CV_NO_TASK, EV_USER_MARK, "phase 2");
	/* the pool worker's two items: on I/O, the second fails */
	for (uint32_t k = 0; k < 2; k++) {
		double t0 = 20 + 80.5 * k;
		fx_name(&f, t0, 1, 3 + k, EV_TASK_NAME, "fetch_one");
		fx_ev(&f, t0, 1, 3 + k, EV_TASK_BEGIN, 0, 0, 0);
		fx_ev(&f, t0, 1, 3 + k, EV_CPU, 0, 0, 0);
		fx_ev(&f, t0 + 2, 1, 3 + k, EV_IO, 0, 0, 0);
	}
	fx_ev(&f, 99, 1, 3, EV_CPU, 0, 0, 0);
	fx_ev(&f, 100, 1, 3, EV_TASK_END, 0, 0, 0);
	fx_name_at(&f, 185, 1, 4, EV_TASK_NAME, 9, ": TimeoutError");   /* after "fetch_one" */
	fx_ev(&f, 185, 1, 4, EV_TASK_FAIL, 0, FAIL_OTHER, 0);
	fx_ev(&f, 185, 1, CV_NO_TASK, EV_LOCK_WAIT, 0, 9, 0);
	fx_ev(&f, 150, 0, CV_NO_TASK, EV_MARK, 0, MARK_SDK_DROPPED, 3);
	fx_ev(&f, 190, 0, CV_NO_TASK, EV_CPU, 0, 0, 0);
	fx_out(&f, 190, 0, 1, "done\n");
	fx_ev(&f, 190, 3, 0, EV_TASK_END, 0, 0, 0);
	fx_ev(&f, 190, 3, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	fx_ev(&f, 191, 2, CV_NO_TASK, EV_IDLE, 0, 0, 0);
	fx_ev(&f, 195, 5, 2, EV_TASK_FAIL, 0, FAIL_CANCELLED, 0);
	fx_ev(&f, 195, 5, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	fx_ev(&f, 195, 2, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	fx_ev(&f, 199, 1, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	return fx_trace_end(&f, 200, s, tl);
}

/* Add lanes "thread 1".."thread n" and ntasks tasks all named name; 0 or
 * -ENOMEM (then s is freed). */
static int fx_threads(struct session *s, int n, uint32_t ntasks, const char *name1)
{
	char name[32];
	int rc = 0;
	for (int l = 0; l < n && !rc; l++) {
		snprintf(name, sizeof name, "thread %d", l + 1);
		rc = session_add_lane(s, name, LANE_WORKER) < 0 ? -ENOMEM : 0;
	}
	char **names = calloc(ntasks, sizeof *names);
	if (!rc && !names)
		rc = -ENOMEM;
	for (uint32_t i = 0; !rc && i < ntasks; i++)
		names[i] = (char *)name1;
	if (!rc)
		rc = session_set_tasks(s, names, ntasks);
	free(names);
	if (rc)
		session_free(s);
	return rc;
}

/* threads x3, race, 6 tasks of 100 increments (200 ms each, two per
 * thread); 14 lost-update moments, final 586 of 600. */
int fixture_race(struct session *s, struct timeline *tl)
{
	static const double loss_ms[3][5] = {
		{ 23, 57, 180, 260, 330 }, { 41, 42, 150, 275, 390 }, { 90, 210, 300, 301, 0 },
	};
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_THREADS;
	p.workload = WL_RACE;
	p.workers = 3;
	p.tasks = 6;
	int rc = fx_session(s, &p);
	if (rc || (rc = fx_threads(s, 3, 6, "counter +100")) < 0)
		return rc;
	struct fx f = { 0 };
	uint64_t value = 0, lost = 0;
	fx_ev(&f, 0, 0, CV_NO_TASK, EV_RACE, RACE_PLAN, 0, 600);
	fx_ev(&f, 0.5, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	for (uint32_t l = 0; l < 3; l++) {
		double t = 1 + 0.3 * l;
		fx_ev(&f, t, l, CV_NO_TASK, EV_LANE_START, 0, 0, 0);
		for (uint32_t k = l; k < 6; k += 3) {
			fx_ev(&f, t, l, k, EV_TASK_BEGIN, 0, 0, 0);
			fx_ev(&f, t, l, k, EV_CPU, 0, 0, 0);
			for (int m = 0; m < 5; m++) {
				double at = loss_ms[l][m];
				if (at > t && at < t + 200) {
					fx_ev(&f, at, l, k, EV_RACE, RACE_LOSS, (l + 1) % 3 + 1,
					      (uint64_t)(at * 1.5));
					lost++;
				}
			}
			t += 200;
			value += 100;
			fx_ev(&f, t, l, k, EV_RACE, RACE_VALUE, 100, value - lost);
			fx_ev(&f, t, l, k, EV_TASK_END, 0, 190000, 0);
			fx_ev(&f, t, l, CV_NO_TASK, EV_IDLE, 0, 0, 0);
		}
		fx_ev(&f, t + 0.5, l, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	}
	fx_ev(&f, 402, 0, CV_NO_TASK, EV_RACE, RACE_FINAL, 600, 600 - lost);
	fx_ev(&f, 402, 0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_END, 0);
	return fx_finish(&f, s, tl);
}

/* threads x3, deadlock, 3 tasks: thread 1 takes L1, thread 2 takes L2,
 * thread 3 waits for L1; at 151 ms threads 1 and 2 wait for each other's
 * lock; concviz sees it 2 ms later and ends the run a second after. */
int fixture_deadlock(struct session *s, struct timeline *tl)
{
	struct cv_params p;
	params_default(&p);
	p.mode = MODE_THREADS;
	p.workload = WL_DEADLOCK;
	p.workers = 3;
	p.tasks = 3;
	int rc = fx_session(s, &p);
	if (rc || (rc = fx_threads(s, 3, 3, "L1 then L2")) < 0)
		return rc;
	memcpy(s->tasks[1], "L2 then L1", sizeof "L2 then L1");   /* same length */
	struct fx f = { 0 };
	const uint32_t NT = CV_NO_TASK;
	fx_ev(&f, 0.5, 0, NT, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	for (uint32_t l = 0; l < 3; l++) {
		double t = 1 + 0.2 * l;
		fx_ev(&f, t, l, NT, EV_LANE_START, 0, 0, 0);
		fx_ev(&f, t, l, l, EV_TASK_BEGIN, 0, 0, 0);
		fx_ev(&f, t, l, l, EV_CPU, 0, 0, 0);
		if (l < 2) {                              /* takes its first lock, then I/O */
			fx_ev(&f, t + 0.1, l, l, EV_LOCK_TAKE, 0, l, 0);
			fx_ev(&f, t + 0.1, l, l, EV_IO, 0, 0, 0);
		} else {                                  /* L1 is thread 1's */
			fx_ev(&f, t + 0.1, l, l, EV_LOCK_WAIT, 0, 0, 1);
		}
	}
	fx_ev(&f, 151, 0, 0, EV_CPU, 0, 0, 0);
	fx_ev(&f, 151, 0, 0, EV_LOCK_WAIT, 0, 1, 2);
	fx_ev(&f, 151.2, 1, 1, EV_CPU, 0, 0, 0);
	fx_ev(&f, 151.2, 1, 1, EV_LOCK_WAIT, 0, 0, 1);
	fx_ev(&f, 153, 0, NT, EV_MARK, 0, MARK_DEADLOCK, 2);
	for (uint32_t l = 0; l < 3; l++) {
		double t = 1153 + 0.1 * l;
		if (l < 2)
			fx_ev(&f, t, l, l, EV_LOCK_FREE, 0, l, 0);
		fx_ev(&f, t, l, l, EV_TASK_FAIL, 0, l < 2 ? FAIL_DEADLOCK : FAIL_CANCELLED, 0);
		fx_ev(&f, t, l, NT, EV_IDLE, 0, 0, 0);
		fx_ev(&f, t + 0.2, l, NT, EV_LANE_END, 0, 0, 0);
	}
	fx_ev(&f, 1154, 0, NT, EV_MARK, 0, MARK_RUN_END, 0);
	return fx_finish(&f, s, tl);
}

/* Free what a fixture built. */
void fixture_free(struct session *s, struct timeline *tl)
{
	timeline_free(tl);
	session_free(s);
}
