/*
 * tracer_scan.c - the traced processes and threads: finding them, sampling
 * them, ending their lanes (see tracer_int.h).
 *
 * Discovery is cheap when nothing happened: /proc/loadavg's last field is
 * the newest id the kernel handed out, so while it stays the same no thread
 * or process was created anywhere and nothing is listed. When it moved,
 * each traced process's task directory is listed (getdents64 on a kept-open
 * directory) and each thread's children file read: forks, multiprocessing
 * workers and subprocess children join. An id is handed out before its
 * thread is listed in its parent's files (a fork in progress, stretched
 * when the host pauses a CPU), so the tick after a change looks again, and
 * every TSCAN_FULL_NS discovery runs whatever the id says. Orphans that
 * the kernel hands to concviz (a child subreaper) are looked for in
 * concviz's own children when a traced process ended, and every
 * TSCAN_FULL_NS. A process found after the program was killed is killed
 * too: it was on its way when the kill went out.
 *
 * Sampling reads as little as it can: every tick one pread of each thread's
 * schedstat ("run_ns wait_ns slices"); only when the counters moved (the
 * thread ran, or was put on a CPU) the syscall file says whether it is
 * runnable or in which system call it blocked; and every 250 ms its stat
 * line, for its name. A read that fails with ESRCH (or reads nothing)
 * means the thread is gone: its lane ends.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "clock.h"
#include "tracer_int.h"
#include "tracer_sdk.h"
#include "tracer_sys.h"

/* Open a /proc file of thread tid of pid read-only; -1 on failure (errno). */
static int tscan_open(uint32_t pid, uint32_t tid, const char *file)
{
	char path[96];
	snprintf(path, sizeof path, "/proc/%u/task/%u/%s", pid, tid, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* pread the start of fd into buf (NUL-terminated); bytes read, or -1. */
static ssize_t tscan_read(int fd, char *buf, size_t cap)
{
	ssize_t n;
	do
		n = pread(fd, buf, cap - 1, 0);
	while (n < 0 && errno == EINTR);
	buf[n > 0 ? n : 0] = 0;
	return n;
}

/* Close fd when open. */
static void tscan_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* --- the tid -> thread index table ------------------------------------- */

/* Rebuild the tid table for the threads now in tr->th. */
static void tscan_rehash(struct tracer *tr)
{
	size_t cap = 64;
	while (cap < tr->nth * 2 + 2)
		cap *= 2;
	if (cap != tr->hcap) {
		uint32_t *k = malloc(cap * sizeof *k);
		int32_t *v = malloc(cap * sizeof *v);
		if (!k || !v) {
			free(k);
			free(v);
			return;                    /* keep the old (too small) table */
		}
		free(tr->hkey);
		free(tr->hval);
		tr->hkey = k;
		tr->hval = v;
		tr->hcap = cap;
	}
	memset(tr->hkey, 0, tr->hcap * sizeof *tr->hkey);
	for (size_t i = 0; i < tr->nth; i++) {
		size_t h = tr->th[i].tid * 2654435761u & (tr->hcap - 1);
		while (tr->hkey[h])
			h = (h + 1) & (tr->hcap - 1);
		tr->hkey[h] = tr->th[i].tid;
		tr->hval[h] = (int32_t)i;
	}
}

/* Index of thread tid in tr->th, or -1. */
static long tscan_find(const struct tracer *tr, uint32_t tid)
{
	if (!tr->hcap)
		return -1;
	size_t h = tid * 2654435761u & (tr->hcap - 1);
	for (size_t k = 0; k < tr->hcap && tr->hkey[h]; k++, h = (h + 1) & (tr->hcap - 1))
		if (tr->hkey[h] == tid)
			return tr->hval[h];
	return -1;
}

/* Return traced thread tid, or NULL. */
struct tthread *tscan_thread(struct tracer *tr, uint32_t tid)
{
	long i = tscan_find(tr, tid);
	return i < 0 ? NULL : &tr->th[i];
}

/* Make an extra lane in process pid, named name, at t; see tracer_int.h. */
uint32_t tscan_extra_lane(struct tracer *tr, uint32_t pid, uint32_t tid, const char *name,
			  uint64_t t)
{
	uint32_t lane = tr->next_lane++;
	struct cv_event ev[CV_NAME_PIECES_MAX];
	struct cv_event start = { t, pid, lane, CV_NO_TASK, EV_LANE_START, 0, tid };
	tracer_push(tr, &start);
	int n = cv_name_pieces(ev, t, lane, CV_NO_TASK, EV_LANE_NAME, name);
	for (int i = 0; i < n; i++)
		tracer_push(tr, &ev[i]);
	return lane;
}

/* Index of process pid in tr->pr, or -1. */
static long tscan_proc(const struct tracer *tr, uint32_t pid)
{
	for (size_t i = 0; i < tr->npr; i++)
		if (tr->pr[i].pid == pid)
			return (long)i;
	return -1;
}

/* True when process pid is (or was) traced. */
bool tscan_has_process(const struct tracer *tr, uint32_t pid)
{
	return tscan_proc(tr, pid) >= 0;
}

/* --- names ----------------------------------------------------------------- */

/* Emit thread th's lane name "comm tid" at t. */
static void tscan_name(struct tracer *tr, struct tthread *th, uint64_t t)
{
	char name[48];
	struct cv_event ev[CV_NAME_PIECES_MAX];
	snprintf(name, sizeof name, "%s %u", th->comm[0] ? th->comm : "?", th->tid);
	int n = cv_name_pieces(ev, t, th->lane, CV_NO_TASK, EV_LANE_NAME, name);
	for (int i = 0; i < n; i++)
		tracer_push(tr, &ev[i]);
}

/* Read th's stat line: its name (renamed: a new lane name) and state
 * letter; returns the letter, or 0 when unreadable. */
static char tscan_stat(struct tracer *tr, struct tthread *th, uint64_t t)
{
	char buf[160];
	struct tproc_stat st;
	if (th->fd_stat < 0 || tscan_read(th->fd_stat, buf, sizeof buf) <= 0 ||
	    tproc_stat(buf, strlen(buf), &st) < 0)
		return 0;
	if (strcmp(st.comm, th->comm)) {
		snprintf(th->comm, sizeof th->comm, "%s", st.comm);
		tscan_name(tr, th, t);
	}
	th->next_name = t + TRACER_NAME_NS;
	return st.state;
}

static bool tscan_classify(struct tracer *tr, struct tthread *th, uint64_t t);

/* --- adding and ending ---------------------------------------------------- */

/* Start tracing thread tid of pid: open its files, start and name its lane at t. */
static void tscan_add_thread(struct tracer *tr, size_t proc, uint32_t tid, uint64_t t)
{
	uint32_t pid = tr->pr[proc].pid;
	if (tr->nth == tr->th_cap) {
		size_t cap = tr->th_cap ? tr->th_cap * 2 : 64;
		void *p = realloc(tr->th, cap * sizeof *tr->th);
		if (!p)
			return;                    /* not traced: the others go on */
		tr->th = p;
		tr->th_cap = cap;
	}
	struct tthread *th = &tr->th[tr->nth];
	memset(th, 0, sizeof *th);
	th->pid = pid;
	th->tid = tid;
	th->proc = (uint32_t)proc;
	th->fd_sched = tscan_open(pid, tid, "schedstat");
	if (th->fd_sched < 0)
		return;                            /* gone already */
	char buf[96];
	if (tscan_read(th->fd_sched, buf, sizeof buf) <= 0 ||
	    tproc_schedstat(buf, strlen(buf), &th->last) < 0) {
		close(th->fd_sched);
		return;
	}
	th->fd_stat = tscan_open(pid, tid, "stat");
	th->fd_kids = tscan_open(pid, tid, "children");
	th->fd_sys = tscan_open(pid, tid, "syscall");
	th->degraded = th->fd_sys < 0 && (errno == EACCES || errno == EPERM);
	th->lane = tr->next_lane++;
	th->t_acc = th->t_start = t;
	th->seen = true;
	tstate_init(&th->st);
	tr->nth++;
	tscan_rehash(tr);
	struct cv_event ev = { t, pid, th->lane, CV_NO_TASK, EV_LANE_START, 0, tid };
	tracer_push(tr, &ev);
	tscan_stat(tr, th, t);
	if (!th->comm[0])
		tscan_name(tr, th, t);
	if (th->degraded) {
		struct cv_event m = { t, th->lane, 0, CV_NO_TASK, EV_MARK, 0, MARK_DEGRADED };
		tracer_push(tr, &m);
	}
	tscan_classify(tr, th, t);     /* what it does now: it may not move for long */
	if (pid == (uint32_t)tr->main_pid && tid == pid)
		tr->out_lane = th->lane;
}

/* End thread i's lane at t (crashed with signal sig when > 0) and drop it. */
static void tscan_drop(struct tracer *tr, size_t i, int sig, uint64_t t)
{
	struct tthread *th = &tr->th[i];
	struct cv_event ev = { t > th->t_acc ? t : th->t_acc, sig > 0 ? (uint64_t)sig : 0, th->lane,
			       CV_NO_TASK, sig > 0 ? EV_LANE_CRASH : EV_LANE_END, 0, 0 };
	tracer_push(tr, &ev);
	tsdk_thread_gone(tr, th);
	tscan_close(&th->fd_sched);
	tscan_close(&th->fd_sys);
	tscan_close(&th->fd_stat);
	tscan_close(&th->fd_kids);
	tr->th[i] = tr->th[--tr->nth];
}

/* End the lanes of process pid at t; see tracer_int.h. */
void tscan_end_process(struct tracer *tr, uint32_t pid, int sig, uint64_t t)
{
	bool dropped = false;
	for (size_t i = 0; i < tr->nth;)
		if (tr->th[i].pid == pid) {
			tscan_drop(tr, i, sig, t);
			dropped = true;
		} else {
			i++;
		}
	if (dropped)
		tscan_rehash(tr);
	long p = tscan_proc(tr, pid);
	if (p >= 0 && !tr->pr[p].gone) {
		tr->pr[p].gone = true;
		tscan_close(&tr->pr[p].fd_task);
		tr->scan_self = true;          /* its children may be orphans now */
	}
}

/* End every lane at t. */
void tscan_end_all(struct tracer *tr, uint64_t t)
{
	while (tr->nth)
		tscan_drop(tr, tr->nth - 1, 0, t);
	tscan_rehash(tr);
	for (size_t i = 0; i < tr->npr; i++) {
		tr->pr[i].gone = true;
		tscan_close(&tr->pr[i].fd_task);
	}
}

/* List the numeric entries of directory fd into ids; how many, or -1. */
static int tscan_list(int fd, uint32_t *ids, int max)
{
	char buf[8192];
	int total = 0;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
		if (n < 0)
			return errno == EINTR ? total : -1;
		if (n == 0)
			return total;
		int k = tproc_dirents(buf, (size_t)n, ids + total, max - total);
		if (k < 0)
			return -1;
		total += k < max - total ? k : max - total;
		if (total >= max)
			return total;
	}
}

/* Add the threads of process p not traced yet, at t. */
static void tscan_threads_of(struct tracer *tr, size_t p, uint64_t t)
{
	if (tr->pr[p].gone || tr->pr[p].fd_task < 0)
		return;
	int n = tscan_list(tr->pr[p].fd_task, tr->ids, TSCAN_MAX_IDS);
	for (int i = 0; i < n; i++)
		if (tscan_find(tr, tr->ids[i]) < 0)
			tscan_add_thread(tr, p, tr->ids[i], t);
}

/* Add process pid and its threads at t; see tracer_int.h. */
void tscan_add_process(struct tracer *tr, uint32_t pid, bool child, uint64_t t)
{
	if (tscan_proc(tr, pid) >= 0)
		return;
	char path[64];
	snprintf(path, sizeof path, "/proc/%u/task", pid);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;                            /* gone already */
	if (tr->npr == tr->pr_cap) {
		size_t cap = tr->pr_cap ? tr->pr_cap * 2 : 16;
		void *q = realloc(tr->pr, cap * sizeof *tr->pr);
		if (!q) {
			close(fd);
			return;
		}
		tr->pr = q;
		tr->pr_cap = cap;
	}
	tr->pr[tr->npr] = (struct tprocess){ pid, fd, child, false, 0 };
	tr->npr++;
	if (tr->killed && !tr->attach)
		kill((pid_t)pid, SIGKILL);         /* forked as the program was killed */
	tscan_threads_of(tr, tr->npr - 1, t);
}

/* Add the processes among ids[0..n) not traced yet (children of concviz
 * when child), at t. */
static void tscan_new_procs(struct tracer *tr, const uint32_t *ids, int n, bool child, uint64_t t)
{
	for (int i = 0; i < n; i++)
		if (tscan_proc(tr, ids[i]) < 0)
			tscan_add_process(tr, ids[i], child, t);
}

/* Add the n processes listed in tr->ids (children of traced threads), at t. */
static void tscan_kids(struct tracer *tr, int n, uint64_t t)
{
	uint32_t kids[TSCAN_MAX_IDS];             /* 16 KiB of the sampler's stack */
	memcpy(kids, tr->ids, (size_t)n * sizeof *kids);
	tscan_new_procs(tr, kids, n, false, t);
}

/* Look for orphans the kernel handed to concviz: its own threads' children. */
static void tscan_self_children(struct tracer *tr, uint64_t t)
{
	uint32_t tids[64], kids[256];
	char buf[4096];
	int n = tr->fd_self_task >= 0 ? tscan_list(tr->fd_self_task, tids, 64) : -1;
	for (int i = 0; i < n; i++) {
		int fd = tscan_open((uint32_t)getpid(), tids[i], "children");
		if (fd < 0)
			continue;
		ssize_t len = tscan_read(fd, buf, sizeof buf);
		close(fd);
		int k = len > 0 ? tproc_pid_list(buf, (size_t)len, kids, 256) : 0;
		tscan_new_procs(tr, kids, k < 256 ? k : 256, true, t);
	}
}

/* Discover new threads and processes; see tracer_int.h. */
void tscan_discover(struct tracer *tr, uint64_t t, bool force)
{
	char buf[128];
	uint32_t last = 0;
	bool due = t >= tr->next_full_scan;
	bool same = tr->fd_loadavg >= 0 && tscan_read(tr->fd_loadavg, buf, sizeof buf) > 0 &&
		    tproc_loadavg_last(buf, strlen(buf), &last) == 0 && last == tr->last_pid;
	if (same && !force && !tr->scan_self && !tr->look_again && !due)
		return;                            /* no id handed out since the last look */
	tr->look_again = !same;                    /* its thread may not be listed yet */
	tr->last_pid = last;
	if (due)
		tr->next_full_scan = t + TSCAN_FULL_NS;
	if (!tr->attach && (tr->scan_self || due)) {
		tscan_self_children(tr, t);
		tr->scan_self = false;
	}
	for (size_t p = 0; p < tr->npr; p++)       /* npr grows as children are found */
		tscan_threads_of(tr, p, t);
	char list[16384];
	for (size_t i = 0; i < tr->nth; i++) {     /* nth grows too: new threads are read as well */
		if (tr->th[i].fd_kids < 0)
			continue;
		ssize_t len = tscan_read(tr->th[i].fd_kids, list, sizeof list);
		int k = len > 0 ? tproc_pid_list(list, (size_t)len, tr->ids, TSCAN_MAX_IDS) : 0;
		if (k > 0)   /* tscan_new_procs lists their threads into tr->ids: copy first */
			tscan_kids(tr, k < TSCAN_MAX_IDS ? k : TSCAN_MAX_IDS, t);
	}
}

/* Decide th's state now from its syscall file (or its stat line when that
 * cannot be read); false when the thread is gone. */
static bool tscan_classify(struct tracer *tr, struct tthread *th, uint64_t t)
{
	char buf[256];
	struct tproc_sys sys;
	struct tstate *st = &th->st;
	if (!th->degraded) {
		ssize_t n = tscan_read(th->fd_sys, buf, sizeof buf);
		if (n < 0 && errno == ESRCH)
			return false;
		if (n < 0 && (errno == EACCES || errno == EPERM)) {
			th->degraded = true;        /* e.g. it ran a setuid program */
			struct cv_event m = { t, th->lane, 0, CV_NO_TASK, EV_MARK, 0, MARK_DEGRADED };
			tracer_push(tr, &m);
		} else if (n > 0 && tproc_syscall(buf, (size_t)n, &sys) == 0 && sys.kind != TSYS_NONE) {
			st->runnable = sys.kind == TSYS_RUNNING;
			if (sys.kind == TSYS_CALL) {
				static const uint16_t kinds[] = { [TSC_IDLE] = EV_IDLE, [TSC_LOCK] = EV_LOCK_WAIT,
								  [TSC_IO] = EV_IO, [TSC_POLL] = EV_POLL };
				enum tsys_class c = tsys_class(sys.nr, sys.args);
				st->blocked = kinds[c];
				st->blocked_aux = c == TSC_LOCK ? (uint32_t)(sys.args[0] ^ sys.args[0] >> 32) : 0;
			}
			return true;
		}
	}
	/* blocked outside a system call, or degraded: the stat letter */
	char s = tscan_stat(tr, th, t);
	if (!s)
		return errno != ESRCH;
	st->runnable = s == 'R';
	st->blocked = s == 'D' || (th->degraded && s == 'S') ? EV_IO : EV_IDLE;
	st->blocked_aux = 0;
	return true;
}

/* Sample every thread up to t; see tracer_int.h. */
void tscan_sample(struct tracer *tr, uint64_t t)
{
	char buf[96];
	struct cv_event ev[3];
	bool dropped = false;
	for (size_t p = 0; p < tr->npr; p++)
		tr->pr[p].alive = 0;
	for (size_t i = 0; i < tr->nth;) {
		struct tthread *th = &tr->th[i];
		struct tproc_sched now;
		if (tscan_read(th->fd_sched, buf, sizeof buf) <= 0 ||
		    tproc_schedstat(buf, strlen(buf), &now) < 0) {
			tscan_drop(tr, i, 0, clock_ns());   /* gone: it ended before now */
			dropped = true;
			continue;
		}
		uint64_t dr = now.run_ns >= th->last.run_ns ? now.run_ns - th->last.run_ns : 0;
		uint64_t dw = now.wait_ns >= th->last.wait_ns ? now.wait_ns - th->last.wait_ns : 0;
		bool moved = dr || dw || now.slices != th->last.slices;
		th->last = now;
		tstate_observe(&th->st, dr, dw);
		if (moved && !tscan_classify(tr, th, t)) {
			tscan_drop(tr, i, 0, clock_ns());
			dropped = true;
			continue;
		}
		int n = tstate_fill(&th->st, th->t_acc, t, th->lane, th->sdk_ran, ev);
		th->sdk_ran = 0;
		for (int k = 0; k < n; k++)
			tracer_push(tr, &ev[k]);
		th->t_acc = t;
		if (t >= th->next_name)
			tscan_stat(tr, th, t);
		tr->pr[th->proc].alive++;
		i++;
	}
	if (dropped)
		tscan_rehash(tr);
	for (size_t p = 0; p < tr->npr; p++)       /* a process with no thread left is gone */
		if (!tr->pr[p].gone && !tr->pr[p].child && !tr->pr[p].alive)
			tscan_end_process(tr, tr->pr[p].pid, 0, t);   /* children end when reaped */
}

/* Free the tables and close their files. */
void tscan_free(struct tracer *tr)
{
	for (size_t i = 0; i < tr->nth; i++) {
		tscan_close(&tr->th[i].fd_sched);
		tscan_close(&tr->th[i].fd_sys);
		tscan_close(&tr->th[i].fd_stat);
		tscan_close(&tr->th[i].fd_kids);
	}
	for (size_t i = 0; i < tr->npr; i++)
		tscan_close(&tr->pr[i].fd_task);
	free(tr->th);
	free(tr->pr);
	free(tr->hkey);
	free(tr->hval);
	tr->th = NULL;
	tr->pr = NULL;
	tr->hkey = NULL;
	tr->hval = NULL;
	tr->nth = tr->npr = tr->hcap = 0;
}
