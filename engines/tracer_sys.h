/*
 * tracer_sys.h - what a thread blocked in a given system call is waiting for.
 *
 * The sampler reads /proc/PID/task/TID/syscall and asks tsys_class() which
 * state that means: waiting for a lock (futex and friends: this is where a
 * CPython thread waiting for the GIL shows), waiting on I/O (reads, writes,
 * sockets, poll/select), an event loop's wait (epoll_wait: drawn like the
 * built-in `loop` row), or idle (sleeping, waiting for a child, paused).
 * Built from <sys/syscall.h> constants behind #ifdef, so it is right on
 * x86_64 and aarch64 alike.
 */
#ifndef CV_TRACER_SYS_H
#define CV_TRACER_SYS_H

#include <stdint.h>

enum tsys_class {
	TSC_IDLE = 0,   /* sleeping, waiting for a child or a signal; also unknown calls */
	TSC_LOCK = 1,   /* futex, semaphores, file locks */
	TSC_IO = 2,     /* files, pipes, sockets, poll, select */
	TSC_POLL = 3,   /* epoll_wait: an event loop waiting */
};

/* Return the class of a thread blocked in system call nr whose first
 * arguments are args[0..2] (flock's LOCK_EX/LOCK_SH waits for a lock;
 * fcntl F_SETLKW too; other fcntl and ioctl calls count as I/O). */
enum tsys_class tsys_class(long nr, const uint64_t args[3]);

/* Return a short name of system call nr ("futex", "read"), or NULL when
 * the table does not know it. */
const char *tsys_name(long nr);

#endif
