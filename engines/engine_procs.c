/*
 * engine_procs.c - N forked worker processes ("pid <pid>"), each taking
 * tasks in index order from a claim table in shared memory (taskq.h) and
 * emitting into the shared ring inherited from the parent.
 *
 * The workers are forked by procs_start on the caller's thread (their pids
 * name the lanes); a controller thread then waits for every one of them,
 * asleep in poll() on their pidfds (so it neither wakes the CPU-bound
 * workers' cores nor notices an exit late), or polling waitpid every
 * PROCS_POLL_NS where pidfds are missing (Linux < 5.3).
 * A worker that dies (killed by a signal, or exiting nonzero) is reported by
 * the parent: the task it had claimed and not ended fails with FAIL_CRASH,
 * and its lane ends with EV_LANE_CRASH (arg = signal, or exit status). The
 * survivors go on with the remaining tasks; when no worker is left, the
 * parent fails what remains with FAIL_CRASH. engine_cancel sets the shared
 * cancel flag; workers still alive after PROCS_GRACE_NS get SIGTERM, and
 * SIGKILL after as long again. Every child is always reaped.
 *
 * Test hook: when the environment has CONCVIZ_TEST_KILL_TASK=<i>, the worker
 * that takes task i sends itself SIGKILL just after the task began (used by
 * the tests to prove crash handling; read once when the run starts).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "emit.h"
#include "taskq.h"
#include "taskrun.h"

#define PROCS_POLL_NS (2u * 1000u * 1000u)     /* waitpid polling period without pidfds */
#define PROCS_WAKE_MS 50                         /* with pidfds: look at the cancel flag */
#define PROCS_GRACE_NS (500u * 1000u * 1000u)  /* cancel: before SIGTERM, before SIGKILL */

/* How far a worker got with its lane (shared, written by the worker right
 * after emitting the event, read by the parent when the worker died). */
enum { PHASE_NONE = 0, PHASE_STARTED = 1, PHASE_ENDED = 2 };

struct procs_impl {
	struct taskq *q;
	atomic_int *phase;  /* per worker, in a shared mapping */
	int n;
	pid_t *pids;        /* 0 once reaped */
	int *pidfds;        /* per worker, -1 when none (or reaped) */
	struct pollfd *pfds;/* n slots for procs_wait */
	uint32_t *lanes;
	int64_t kill_task;  /* CONCVIZ_TEST_KILL_TASK, or -1 */
	pid_t parent;       /* the forking process */
	pthread_t ctl;
	bool ctl_started;
};

/* The body of worker k in the child: its lane's life, then _exit. */
static void procs_child(struct engine *e, struct procs_impl *impl, int k)
{
	struct taskrun r;
	sigset_t all;
	int64_t i;

	sigfillset(&all);
	pthread_sigmask(SIG_UNBLOCK, &all, NULL);
	signal(SIGINT, SIG_IGN);   /* the parent handles ^C and cancels */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	/* die with the parent: a crashed or killed concviz leaves no worker */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() != impl->parent)
		_exit(1);
	taskrun_init(&r, e, impl->lanes[k], taskq_cancel_flag(impl->q));
	r.kill_task = impl->kill_task;
	cv_emit(r.lane, CV_NO_TASK, EV_LANE_START, 0, 0, (uint64_t)getpid());
	atomic_store(&impl->phase[k], PHASE_STARTED);
	taskrun_io_open(&r);
	for (;;) {
		cv_emit(r.lane, CV_NO_TASK, EV_IDLE, 0, 0, 0);
		if ((i = taskq_take(impl->q, (uint32_t)k + 1)) < 0)
			break;
		taskrun_one(&r, (uint32_t)i);
		taskq_done(impl->q, (uint32_t)i);
	}
	io_client_free(r.io);
	cv_emit(r.lane, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	atomic_store(&impl->phase[k], PHASE_ENDED);
	_exit(0);
}

/* Report worker k dead with wait status st: its orphaned task, the
 * leftovers when it was the last one alive, then its lane's crash. A worker
 * that died before its lane started gets its start emitted here; one that
 * died after its lane ended needs nothing more. */
static void procs_crashed(struct procs_impl *impl, int k, pid_t pid, int st, bool last)
{
	uint32_t lane = impl->lanes[k];
	int phase = atomic_load(&impl->phase[k]);
	bool cancelled = taskq_cancelled(impl->q);
	uint32_t reason = cancelled ? FAIL_CANCELLED : FAIL_CRASH;
	int64_t i = taskq_orphan(impl->q, (uint32_t)k + 1);
	uint64_t why = WIFSIGNALED(st) ? (uint64_t)WTERMSIG(st) : (uint64_t)WEXITSTATUS(st);

	if (phase == PHASE_ENDED)
		return;
	if (phase == PHASE_NONE)
		cv_emit(lane, CV_NO_TASK, EV_LANE_START, 0, 0, (uint64_t)pid);
	if (i >= 0) {
		cv_emit(lane, (uint32_t)i, EV_TASK_FAIL, 0, reason, 0);
		taskq_done(impl->q, (uint32_t)i);
	}
	while (last && !cancelled && (i = taskq_take(impl->q, TASKQ_PARENT)) >= 0) {
		cv_emit(lane, (uint32_t)i, EV_TASK_BEGIN, 0, 0, 0);
		cv_emit(lane, (uint32_t)i, EV_TASK_FAIL, 0, FAIL_CRASH, 0);
		taskq_done(impl->q, (uint32_t)i);
	}
	cv_emit(lane, CV_NO_TASK, EV_LANE_CRASH, 0, 0, why);
}

/* Open a pidfd for pid: readable once it exits. -1 where unsupported. */
static int procs_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* Close a pidfd the way it was opened, with the raw system call. Tools that
 * follow fds through libc (ThreadSanitizer) never saw it open, and its
 * number may be one that libuv (which also closes with the raw call) used
 * in another thread: a libc close() would look to them like a race. */
static void procs_pidfd_close(int fd)
{
	if (fd >= 0)
		syscall(SYS_close, fd);
}

/* Reap the workers that have exited; returns how many are still alive. */
static int procs_reap(struct procs_impl *impl)
{
	int alive = 0;

	for (int k = 0; k < impl->n; k++)
		alive += impl->pids[k] != 0;
	for (int k = 0; k < impl->n; k++) {
		int st = 0;
		pid_t pid = impl->pids[k];
		if (!pid)
			continue;
		pid_t rc = waitpid(pid, &st, WNOHANG);
		if (rc == 0 || (rc < 0 && errno == EINTR))
			continue;
		impl->pids[k] = 0;
		procs_pidfd_close(impl->pidfds[k]);
		impl->pidfds[k] = -1;
		alive--;
		if (rc < 0)       /* reaped by someone else: its fate is unknown */
			st = 0x7f00;  /* reported as exit status 127 */
		if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			procs_crashed(impl, k, pid, st, alive == 0);
	}
	return alive;
}

/* Sleep until a worker exits or PROCS_WAKE_MS pass (pidfds), or for
 * PROCS_POLL_NS when some worker has no pidfd. */
static void procs_wait(struct procs_impl *impl)
{
	struct pollfd *fds = impl->pfds;
	nfds_t n = 0;
	for (int k = 0; k < impl->n; k++) {
		if (!impl->pids[k])
			continue;
		if (impl->pidfds[k] < 0) {
			clock_sleep_ns(PROCS_POLL_NS);
			return;
		}
		fds[n++] = (struct pollfd){ .fd = impl->pidfds[k], .events = POLLIN };
	}
	if (n)
		poll(fds, n, PROCS_WAKE_MS);
}

/* Send sig to every worker not yet reaped. */
static void procs_signal_all(struct procs_impl *impl, int sig)
{
	for (int k = 0; k < impl->n; k++)
		if (impl->pids[k] > 0)
			kill(impl->pids[k], sig);
}

/* The controller thread: reap every worker (escalating after a cancel),
 * then mark the run's end. */
static void *procs_main(void *arg)
{
	struct engine *e = arg;
	struct procs_impl *impl = e->impl;
	uint64_t cancel_at = 0;
	int stage = 0;

	while (procs_reap(impl) > 0) {
		if (atomic_load(&e->cancel)) {
			uint64_t now = clock_ns();
			taskq_cancel(impl->q);
			if (!cancel_at)
				cancel_at = now;
			if (stage == 0 && now - cancel_at >= PROCS_GRACE_NS) {
				procs_signal_all(impl, SIGTERM);
				stage = 1;
			} else if (stage == 1 && now - cancel_at >= 2 * PROCS_GRACE_NS) {
				procs_signal_all(impl, SIGKILL);
				stage = 2;
			}
		}
		procs_wait(impl);
	}
	engine_mark_end(e);
	atomic_store(&e->finished, true);
	return NULL;
}

/* Tell the workers to stop (the controller escalates). */
static void procs_cancel(struct engine *e)
{
	struct procs_impl *impl = e->impl;

	if (impl)
		taskq_cancel(impl->q);
}

/* Free the mode's state (no child left). */
static void procs_free(struct procs_impl *impl)
{
	if (impl->phase)
		munmap(impl->phase, (size_t)impl->n * sizeof(*impl->phase));
	taskq_free(impl->q);
	for (int k = 0; impl->pidfds && k < impl->n; k++)
		procs_pidfd_close(impl->pidfds[k]);
	free(impl->pidfds);
	free(impl->pfds);
	free(impl->pids);
	free(impl->lanes);
	free(impl);
}

/* Join the controller (which reaps every worker) and free. */
static void procs_join(struct engine *e)
{
	struct procs_impl *impl = e->impl;

	if (impl->ctl_started)
		pthread_join(impl->ctl, NULL);
	procs_free(impl);
	e->impl = NULL;
}

/* Kill and reap the workers forked so far (start failed). */
static void procs_abort(struct procs_impl *impl, int forked)
{
	taskq_cancel(impl->q);
	for (int k = 0; k < forked; k++) {
		if (impl->pids[k] <= 0)
			continue;
		kill(impl->pids[k], SIGKILL);
		while (waitpid(impl->pids[k], NULL, 0) < 0 && errno == EINTR)
			;
	}
	procs_free(impl);
}

/* Read the test hook CONCVIZ_TEST_KILL_TASK; -1 when unset or invalid. */
static int64_t procs_kill_hook(void)
{
	const char *v = getenv("CONCVIZ_TEST_KILL_TASK");
	char *end;

	if (!v || !*v)
		return -1;
	long long t = strtoll(v, &end, 10);
	return *end || t < 0 ? -1 : (int64_t)t;
}

/* Return n pidfd slots, all -1 (none yet), or NULL. */
static int *procs_pidfds_new(int n)
{
	int *fds = malloc((size_t)n * sizeof(*fds));
	for (int k = 0; fds && k < n; k++)
		fds[k] = -1;
	return fds;
}

/* Fork N workers (naming their lanes by pid), then start the controller. */
int procs_start(struct engine *e, struct session *s, char *err, size_t errlen)
{
	int n = params_workers(&e->p), rc, k;
	struct procs_impl *impl = calloc(1, sizeof(*impl));

	if (n < 1)
		n = 1;
	if (impl) {
		impl->n = n;
		impl->phase = mmap(NULL, (size_t)n * sizeof(*impl->phase), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (impl->phase == MAP_FAILED)
			impl->phase = NULL;
	}
	if (!impl || !impl->phase || !(impl->pids = calloc((size_t)n, sizeof(pid_t))) ||
	    !(impl->pidfds = procs_pidfds_new(n)) ||
	    !(impl->pfds = calloc((size_t)n, sizeof(*impl->pfds))) ||
	    !(impl->lanes = calloc((size_t)n, sizeof(uint32_t))) ||
	    !(impl->q = taskq_new((uint32_t)e->p.tasks))) {
		if (impl)
			procs_free(impl);
		snprintf(err, errlen, "concviz: out of memory starting %d processes; use fewer workers", n);
		return -ENOMEM;
	}
	for (k = 0; k < n; k++)
		atomic_init(&impl->phase[k], PHASE_NONE);
	impl->kill_task = procs_kill_hook();
	for (k = 0; k < n; k++) {
		int lane = session_add_lane(s, "pid ?", LANE_WORKER);
		if (lane < 0) {
			procs_free(impl);
			snprintf(err, errlen, "concviz: out of memory adding a lane; use fewer workers");
			return lane;
		}
		impl->lanes[k] = (uint32_t)lane;
	}
	if (e->p.workload == WL_IO)
		io_global_init();
	e->impl = impl;
	cv_emit(0, CV_NO_TASK, EV_MARK, 0, MARK_RUN_BEGIN, 0);
	impl->parent = getpid();
	for (k = 0; k < n; k++) {
		fflush(NULL);
		pid_t pid = fork();
		if (pid < 0) {
			rc = -errno;
			snprintf(err, errlen, "concviz: cannot fork worker %d of %d (%s); use fewer workers",
				 k + 1, n, strerror(errno));
			e->impl = NULL;
			procs_abort(impl, k);
			return rc;
		}
		if (pid == 0)
			procs_child(e, impl, k);
		impl->pids[k] = pid;
		impl->pidfds[k] = procs_pidfd(pid);
		snprintf(s->lanes[impl->lanes[k]].name, sizeof(s->lanes[0].name), "pid %d", (int)pid);
	}
	e->cancel_fn = procs_cancel;
	e->join_fn = procs_join;
	if ((rc = pthread_create(&impl->ctl, NULL, procs_main, e))) {
		snprintf(err, errlen, "concviz: cannot start a thread (%s); free some resources",
			 strerror(rc));
		e->impl = NULL;
		e->cancel_fn = NULL;
		e->join_fn = NULL;
		procs_abort(impl, n);
		return -rc;
	}
	impl->ctl_started = true;
	return 0;
}
