/*
 * tracer.c - the tracer's life cycle and its tick (see tracer.h).
 *
 * tracer_start() makes concviz a child subreaper (orphans of the program
 * come to it, so every process is seen and reaped), starts the command
 * (tracer_spawn.c) or checks the process to attach to, and starts the
 * sampler thread. Each tick, at absolute deadlines on CLOCK_MONOTONIC:
 * pass on a requested signal (and escalate to SIGKILL once the grace
 * period is over), discover new threads and processes, sample every
 * thread (tracer_scan.c), read the program's output, reap children, and
 * every second account the sampler's own CPU time: past TRACER_BUDGET of a
 * core it halves its rate, and doubles it again when there is room (and say
 * the rate achieved and the longest time between two ticks). The
 * tick's events are sorted by time and pushed into the ring together, so
 * the ring sees one producer whose events never go back in time.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "emit.h"
#include "tracer.h"
#include "tracer_int.h"
#include "tracer_sdk.h"
#include "tracer_spawn.h"

#define TRACER_WINDOW_NS 1000000000ull   /* rate accounting window */

/* Append an event to the batch, from the SDK (sdk) or not. */
static void tracer_append(struct tracer *tr, const struct cv_event *ev, uint8_t sdk, uint8_t over)
{
	if (tr->nbatch == tr->batch_cap) {
		size_t cap = tr->batch_cap ? tr->batch_cap * 2 : 1024;
		struct tbev *b = realloc(tr->batch, cap * sizeof *b);
		struct tbev *s = b ? realloc(tr->sort_tmp, cap * sizeof *s) : NULL;
		if (b)
			tr->batch = b;
		if (!s)
			return;
		tr->sort_tmp = s;
		tr->batch_cap = cap;
	}
	tr->batch[tr->nbatch++] = (struct tbev){ *ev, sdk, over };
}

/* Append an event to the tick's batch. */
void tracer_push(struct tracer *tr, const struct cv_event *ev)
{
	tracer_append(tr, ev, 0, 0);
}

/* Append an event mapped from the program's SDK records. */
void tracer_push_sdk(struct tracer *tr, const struct cv_event *ev, uint8_t over)
{
	tracer_append(tr, ev, 1, over);
}

/* Sort the batch by time, keeping the order of equal times (merge sort:
 * the events held from the last tick are mostly in order already). */
static void tracer_sort(struct tracer *tr)
{
	size_t n = tr->nbatch;
	struct tbev *a = tr->batch, *b = tr->sort_tmp;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			if (mid < hi && a[mid - 1].ev.t <= a[mid].ev.t) {   /* in order already */
				memcpy(b + lo, a + lo, (hi - lo) * sizeof *a);
				continue;
			}
			while (i < mid && j < hi)
				b[k++] = a[j].ev.t < a[i].ev.t ? a[j++] : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
		}
		struct tbev *s = a;
		a = b;
		b = s;
	}
	if (a != tr->batch)
		memcpy(tr->batch, a, n * sizeof *a);
}

/* Sort the batch and push the events stamped before upto into the ring
 * (the rest is held for the next tick). */
static void tracer_flush(struct tracer *tr, uint64_t upto)
{
	tracer_sort(tr);
	size_t k = 0;
	for (; k < tr->nbatch && tr->batch[k].ev.t < upto; k++) {
		struct cv_event also;
		int n = emit_ring ? tsdk_pass(tr->sdk, &tr->batch[k], &also) : 0;
		if (n >= 1)
			ring_push(emit_ring, &tr->batch[k].ev);
		if (n == 2)
			ring_push(emit_ring, &also);
	}
	if (k && tr->batch[k - 1].ev.t > tr->pushed_to)
		tr->pushed_to = tr->batch[k - 1].ev.t;
	if (upto != UINT64_MAX && upto > tr->pushed_to)
		tr->pushed_to = upto;
	memmove(tr->batch, tr->batch + k, (tr->nbatch - k) * sizeof *tr->batch);
	tr->nbatch -= k;
}

/* Push the tick's events at t, holding the newest ones while the program
 * may still report what happened then (the SDK). */
static void tracer_flush_tick(struct tracer *tr, uint64_t t)
{
	tracer_flush(tr, !tr->sdk ? UINT64_MAX : t > TSDK_HOLD_NS ? t - TSDK_HOLD_NS : 0);
}

/* Push a run-level mark at t. */
static void tracer_mark(struct tracer *tr, uint64_t t, enum ev_mark m, uint16_t code, uint64_t arg)
{
	struct cv_event ev = { t, arg, 0, CV_NO_TASK, EV_MARK, code, (uint32_t)m };
	tracer_push(tr, &ev);
}

/* Send sig to the program: its process group when it has one of its own,
 * else its first process; SIGKILL goes to every traced process too. */
static void tracer_kill(struct tracer *tr, int sig)
{
	if (tr->attach || tr->main_pid <= 0)
		return;
	if (tr->own_group)
		kill(-tr->main_pid, sig);
	if (!tr->main_reaped)
		kill(tr->main_pid, sig);
	if (sig == SIGKILL)
		for (size_t i = 0; i < tr->npr; i++)
			if (!tr->pr[i].gone)
				kill((pid_t)tr->pr[i].pid, SIGKILL);
}

/* Act on the controlling thread's requests: signals, kill, stop. */
static void tracer_requests(struct tracer *tr, uint64_t t)
{
	int sig = atomic_exchange(&tr->sig_req, 0);
	if (atomic_load(&tr->stop_req) && !tr->kill_at && !tr->killed && !sig)
		sig = SIGTERM;                      /* cancel: end it as `kill` would */
	if (sig) {
		if (!atomic_exchange(&tr->sig_delivered, false))
			tracer_kill(tr, sig);
		tracer_mark(tr, t, MARK_SIGNAL, (uint16_t)sig, 0);
		if (!tr->kill_at && (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT))
			tr->kill_at = t + TRACER_GRACE_NS;
	}
	bool now = atomic_exchange(&tr->kill_req, false);
	if (!tr->killed && (now || (tr->kill_at && t >= tr->kill_at))) {
		tracer_kill(tr, SIGKILL);
		tracer_mark(tr, t, MARK_SIGNAL, SIGKILL, 1);
		tr->killed = true;
	}
}

/* Reap every child that ended; the program's first process ends the
 * program (MARK_PROG_EXIT with its wait status). Each ends when it was
 * reaped, not at the tick's start: it may have reported work since. */
static void tracer_reap(struct tracer *tr)
{
	int ws;
	pid_t p;
	while ((p = waitpid(-1, &ws, WNOHANG | __WALL)) > 0) {
		uint64_t t = clock_ns();
		tscan_end_process(tr, (uint32_t)p, WIFSIGNALED(ws) ? WTERMSIG(ws) : 0, t);
		if (p == tr->main_pid) {
			tr->main_reaped = true;
			tr->main_status = ws;
			tracer_mark(tr, t, MARK_PROG_EXIT, 0, (uint64_t)(uint32_t)ws);
		}
	}
}

/* True when nothing of the program is left to observe. */
static bool tracer_over(struct tracer *tr)
{
	if (tr->attach)
		return tr->nth == 0;
	if (!tr->main_reaped || tr->nth > 0)
		return false;
	for (size_t i = 0; i < tr->npr; i++)
		if (tr->pr[i].child && !tr->pr[i].gone)
			return false;
	return waitpid(-1, NULL, WNOHANG | __WALL) < 0 && errno == ECHILD;
}

/* Say the rate achieved over [since, t) (ticks ticks) and the longest gap
 * between two of them; the next window's gap starts afresh. */
static void tracer_rate_marks(struct tracer *tr, uint64_t t, uint64_t ticks, uint64_t since)
{
	tracer_mark(tr, t, MARK_SAMPLE_HZ, (uint16_t)tr->hz_now, ticks * 1000000000000ull / (t - since));
	tracer_mark(tr, t, MARK_SAMPLE_GAP, 0, tr->gap_max);
	tr->gap_max = 0;
}

/* End the run at t: the last rate, lanes, the end mark. */
static void tracer_finish(struct tracer *tr, uint64_t t, uint64_t ticks, uint64_t since)
{
	if (t > since + 10000000ull || (!tr->windows && t > since && ticks))
		tracer_rate_marks(tr, t, ticks, since);
	if (tr->attach) {
		bool detach = tr->nth > 0;
		tscan_end_all(tr, t);
		tracer_mark(tr, t, MARK_PROG_EXIT, detach ? 2 : 1, 0);
	}
	tracer_mark(tr, t, MARK_RUN_END, 0, emit_ring ? ring_stall_ns(emit_ring) : 0);
	tracer_flush(tr, UINT64_MAX);
	tr->ended = true;
}

/* Account one window of the sampler's CPU time and adjust the rate. */
static void tracer_window(struct tracer *tr, uint64_t t, uint64_t ticks, uint64_t since,
			  uint64_t cpu_ns)
{
	double share = (double)cpu_ns / (double)(t - since);
	if (share > TRACER_BUDGET && tr->hz_now > TRACER_HZ_MIN) {
		tr->hz_now /= 2;
		if (tr->hz_now < TRACER_HZ_MIN)
			tr->hz_now = TRACER_HZ_MIN;
	} else if (share < TRACER_BUDGET * 0.4 && tr->hz_now < tr->hz_asked) {
		tr->hz_now *= 2;
		if (tr->hz_now > tr->hz_asked)
			tr->hz_now = tr->hz_asked;
	}
	tracer_rate_marks(tr, t, ticks, since);
	tr->windows++;
}

/* The sampler thread's CPU time, ns. */
static uint64_t tracer_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The sampler thread: tick until nothing is left to observe. */
static void *tracer_main(void *arg)
{
	struct tracer *tr = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);   /* signals go to the controlling thread */
	pthread_setname_np(pthread_self(), TRACER_THREAD_NAME);
	struct cv_event *outev = tr->outev;
	uint64_t t = clock_ns(), next = t, since = t, cpu0 = tracer_cpu_ns(), ticks = 0;
	tracer_mark(tr, tr->t_spawn && tr->t_spawn < t ? tr->t_spawn : t, MARK_RUN_BEGIN, 0, 0);
	if (tr->sdk_err)
		tracer_mark(tr, t, MARK_SDK_OFF, 0, (uint64_t)tr->sdk_err);
	if (tr->sdk_python)
		tracer_mark(tr, t, MARK_SDK_PYTHON, (uint16_t)tr->sdk_python, 0);
	if (tr->attach)
		tscan_add_process(tr, (uint32_t)tr->main_pid, false, t);
	else
		tscan_add_process(tr, (uint32_t)tr->main_pid, true, t);
	tscan_discover(tr, t, true);
	tracer_flush_tick(tr, t);
	for (;;) {
		next += 1000000000ull / (uint64_t)tr->hz_now;
		struct timespec ts = { (time_t)(next / 1000000000u), (long)(next % 1000000000u) };
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		uint64_t before = t;
		t = clock_ns();
		if (t - before > tr->gap_max)
			tr->gap_max = t - before;        /* the host, or the sampler's own work */
		if (t > next + 1000000000ull / (uint64_t)tr->hz_now)
			next = t;                        /* late: do not try to catch up */
		ticks++;
		tracer_requests(tr, t);
		if (tr->attach && atomic_load(&tr->stop_req))
			break;                           /* detach */
		tscan_discover(tr, t, false);
		tsdk_poll(tr, t);                        /* the program's own task events */
		tscan_sample(tr, t);
		if (tout_open(&tr->out))
			for (size_t k = tout_read(&tr->out, t, tr->out_lane, outev, TRACER_OUT_EVENTS), i = 0;
			     i < k; i++)
				tracer_push(tr, &outev[i]);
		if (!tr->attach)
			tracer_reap(tr);
		if (t - since >= TRACER_WINDOW_NS) {
			uint64_t cpu = tracer_cpu_ns();
			tracer_window(tr, t, ticks, since, cpu - cpu0);
			since = t;
			cpu0 = cpu;
			ticks = 0;
		}
		if (tracer_over(tr))
			break;
		tracer_flush_tick(tr, t);
	}
	t = clock_ns();          /* the run ends after every lane (ended when seen gone) */
	/* the rest of the output: the pipes may still hold bytes */
	for (int i = 0; i < 64 && tout_open(&tr->out); i++) {
		size_t k = tout_read(&tr->out, t, tr->out_lane, outev, TRACER_OUT_EVENTS);
		for (size_t j = 0; j < k; j++)
			tracer_push(tr, &outev[j]);
		if (!k)
			break;
	}
	tsdk_finish(tr, t);
	tracer_finish(tr, t, ticks, since);
	atomic_store(&tr->e->finished, true);
	return NULL;
}

/* Engine hook: end the program (trace) or detach (attach); returns at once. */
static void tracer_cancel(struct engine *e)
{
	struct tracer *tr = e->impl;
	atomic_store(&tr->stop_req, true);
}

/* Engine hook: wait for the sampler; kill and reap whatever is left. */
static void tracer_join(struct engine *e)
{
	struct tracer *tr = e->impl;
	if (!tr)
		return;
	if (tr->thread_started) {
		if (!atomic_load(&e->finished)) {   /* the runner gave up waiting */
			atomic_store(&tr->kill_req, true);
			atomic_store(&tr->stop_req, true);
		}
		pthread_join(tr->thread, NULL);
	}
	if (!tr->attach && tr->main_pid > 0 && !tr->main_reaped) {
		tracer_kill(tr, SIGKILL);
		while (waitpid(tr->main_pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	}
	while (!tr->attach && tr->main_pid > 0 && waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
	tscan_free(tr);
	tsdk_close(tr->sdk);
	tr->sdk = NULL;
	tout_close(&tr->out);
	if (tr->fd_loadavg >= 0)
		close(tr->fd_loadavg);
	if (tr->fd_self_task >= 0)
		close(tr->fd_self_task);
	free(tr->batch);
	free(tr->sort_tmp);
	free(tr);
	e->impl = NULL;
}

/* Raise the open-file limit to the hard limit: each thread keeps 4 files open. */
static void tracer_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The origin's base URL ("http://127.0.0.1:PORT") from its first URL. */
static void tracer_origin(const struct engine *e, char *buf, size_t n)
{
	buf[0] = 0;
	if (e->nurls < 1 || !e->urls || !e->urls[0])
		return;
	const char *u = e->urls[0], *h = strstr(u, "://");
	size_t len = h ? (size_t)(h + 3 - u) + strcspn(h + 3, "/") : strlen(u);
	snprintf(buf, n, "%.*s", (int)len, u);
}

/* Start tracing; see tracer.h. */
int tracer_start(struct engine *e, struct session *s, char *err, size_t errlen)
{
	const struct cv_params *p = &e->p;
	if (p->hz < TRACER_HZ_MIN || p->hz > TRACER_HZ_MAX) {
		snprintf(err, errlen, "concviz: --hz wants a rate from %d to %d (got %d)",
			 TRACER_HZ_MIN, TRACER_HZ_MAX, p->hz);
		return -EINVAL;
	}
	struct tracer *tr = calloc(1, sizeof *tr);
	if (!tr) {
		snprintf(err, errlen, "concviz: out of memory starting the tracer; free some memory");
		return -ENOMEM;
	}
	tr->e = e;
	tr->hz_asked = tr->hz_now = p->hz;
	tr->attach = p->attach_pid > 0;
	tr->fd_loadavg = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	tr->fd_self_task = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fds[2] = { -1, -1 };
	tout_init(&tr->out, fds);
	tracer_nofile();
	int rc;
	if (tr->attach) {
		tr->main_pid = p->attach_pid;
		rc = tspawn_attach_check(tr->main_pid, err, errlen);
	} else if (!p->argv || p->argc < 1 || !p->argv[0]) {
		snprintf(err, errlen, "concviz: trace needs a command; give `concviz trace -- CMD [ARGS]`");
		rc = -EINVAL;
	} else {
		char origin[128];
		const char *env[TSDK_ENV_MAX + 1] = { NULL };
		tracer_origin(e, origin, sizeof origin);
		tr->sdk_err = -tsdk_open(tr, p->argv[0], p->no_python, env);  /* without: no tasks */
		struct tspawn_opts o = { p->argv, origin[0] ? origin : NULL, env, !p->no_ui || p->record,
					 !p->no_ui };
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		tr->t_spawn = clock_ns();
		rc = tspawn_start(&o, &tr->main_pid, fds, err, errlen);
		tout_init(&tr->out, fds);
		tr->own_group = o.new_session;
	}
	if (rc == 0) {
		e->impl = tr;
		e->cancel_fn = tracer_cancel;
		e->join_fn = tracer_join;
		s->trace_pid = (uint32_t)tr->main_pid;
		rc = -pthread_create(&tr->thread, NULL, tracer_main, tr);
		tr->thread_started = rc == 0;
		if (rc < 0)
			snprintf(err, errlen, "concviz: cannot start the sampler thread (%s); end some "
				 "processes and retry", strerror(-rc));
	}
	if (rc < 0) {
		e->impl = tr;
		tracer_join(e);
		e->cancel_fn = NULL;
		e->join_fn = NULL;
	}
	return rc;
}

/* Pass a signal on to the program; see tracer.h. */
void tracer_signal(struct engine *e, int sig, bool delivered)
{
	struct tracer *tr = e ? e->impl : NULL;
	if (!tr || tr->attach || sig <= 0)
		return;
	atomic_store(&tr->sig_delivered, delivered);
	atomic_store(&tr->sig_req, sig);
}

/* Kill the program now; see tracer.h. */
void tracer_kill_now(struct engine *e)
{
	struct tracer *tr = e ? e->impl : NULL;
	if (tr && !tr->attach)
		atomic_store(&tr->kill_req, true);
}

/* True when e observes a process it attached to. */
bool tracer_attached(const struct engine *e)
{
	const struct tracer *tr = e ? e->impl : NULL;
	return tr && tr->attach;
}
