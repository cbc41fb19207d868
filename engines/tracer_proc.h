/*
 * tracer_proc.h - parsing what /proc says about a thread, for the tracer.
 *
 * Pure functions over the bytes a pread of a /proc file returned (not
 * NUL-terminated; any length, any content: they are fuzzed): schedstat,
 * syscall, stat, loadavg, the children list and directory entries from
 * getdents64. Each returns 0, or -EINVAL when the bytes do not hold what
 * the kernel writes there; nothing is allocated.
 */
#ifndef CV_TRACER_PROC_H
#define CV_TRACER_PROC_H

#include <stddef.h>
#include <stdint.h>

/* /proc/PID/task/TID/schedstat: "run_ns wait_ns slices\n". */
struct tproc_sched {
	uint64_t run_ns;   /* time on a CPU */
	uint64_t wait_ns;  /* time runnable in a run queue, waiting for a CPU */
	uint64_t slices;   /* times it was put on a CPU */
};
int tproc_schedstat(const char *buf, size_t n, struct tproc_sched *out);

/* /proc/PID/task/TID/syscall: "running", "-1 sp pc" (blocked outside a
 * system call) or "nr arg1 .. arg6 sp pc" (blocked in system call nr). */
enum tproc_sys_kind { TSYS_RUNNING = 0, TSYS_NONE = 1, TSYS_CALL = 2 };
struct tproc_sys {
	enum tproc_sys_kind kind;
	long nr;           /* system call number (TSYS_CALL) */
	uint64_t args[3];  /* its first three arguments */
};
int tproc_syscall(const char *buf, size_t n, struct tproc_sys *out);

/* /proc/PID/task/TID/stat: "pid (comm) S ppid ...": the command name (the
 * last ')' ends it: a name may hold parentheses), the state letter, ppid. */
struct tproc_stat {
	char comm[17];     /* up to 16 bytes (TASK_COMM_LEN - 1 is 15) */
	char state;        /* R S D T t Z X I ... */
	int ppid;
};
int tproc_stat(const char *buf, size_t n, struct tproc_stat *out);

/* /proc/loadavg: "0.25 0.23 0.18 2/86 21151": the last field is the newest
 * process or thread id the kernel handed out. */
int tproc_loadavg_last(const char *buf, size_t n, uint32_t *last_pid);

/* /proc/PID/task/TID/children: space-separated pids. Writes up to max into
 * out; returns how many there were (may exceed max), or -EINVAL. */
int tproc_pid_list(const char *buf, size_t n, uint32_t *out, int max);

/* Directory entries (struct linux_dirent64, as getdents64 returns them):
 * the numeric names (pids, tids) into out, up to max; returns how many
 * there were (may exceed max), or -EINVAL when an entry is malformed. */
int tproc_dirents(const void *buf, size_t n, uint32_t *out, int max);

#endif
