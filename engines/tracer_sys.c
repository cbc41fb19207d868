/*
 * tracer_sys.c - system call number -> the state of a thread blocked in it.
 *
 * One table of (number, name, class) built from <sys/syscall.h>: every
 * entry sits behind #ifdef SYS_x, since architectures differ in which calls
 * exist (aarch64 has no poll, select or plain epoll_wait, only ppoll,
 * pselect6 and epoll_pwait). A call the table does not know is idle:
 * blocking there is rare and none of the other states would be true.
 * Looked up only when a thread was seen to block (not on every sample),
 * so a linear scan is enough.
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include "tracer_sys.h"

struct tsys_entry {
	long nr;
	const char *name;
	enum tsys_class cls;
};

#define E(call, cls) { SYS_##call, #call, cls }

static const struct tsys_entry tsys_table[] = {
	/* locks */
	E(futex, TSC_LOCK),
#ifdef SYS_futex_waitv
	E(futex_waitv, TSC_LOCK),
#endif
#ifdef SYS_semop
	E(semop, TSC_LOCK),
#endif
#ifdef SYS_semtimedop
	E(semtimedop, TSC_LOCK),
#endif
#ifdef SYS_msgrcv
	E(msgrcv, TSC_LOCK),
#endif
#ifdef SYS_msgsnd
	E(msgsnd, TSC_LOCK),
#endif
	E(flock, TSC_LOCK),
	/* I/O */
	E(read, TSC_IO), E(readv, TSC_IO), E(pread64, TSC_IO), E(preadv, TSC_IO),
#ifdef SYS_preadv2
	E(preadv2, TSC_IO),
#endif
	E(write, TSC_IO), E(writev, TSC_IO), E(pwrite64, TSC_IO), E(pwritev, TSC_IO),
#ifdef SYS_pwritev2
	E(pwritev2, TSC_IO),
#endif
	E(recvfrom, TSC_IO), E(recvmsg, TSC_IO), E(recvmmsg, TSC_IO),
	E(sendto, TSC_IO), E(sendmsg, TSC_IO), E(sendmmsg, TSC_IO),
#ifdef SYS_recv
	E(recv, TSC_IO),
#endif
#ifdef SYS_send
	E(send, TSC_IO),
#endif
	E(accept, TSC_IO), E(accept4, TSC_IO), E(connect, TSC_IO),
#ifdef SYS_sendfile
	E(sendfile, TSC_IO),
#endif
	E(splice, TSC_IO), E(tee, TSC_IO), E(vmsplice, TSC_IO),
	E(io_getevents, TSC_IO),
#ifdef SYS_io_pgetevents
	E(io_pgetevents, TSC_IO),
#endif
#ifdef SYS_io_uring_enter
	E(io_uring_enter, TSC_IO),
#endif
	E(fsync, TSC_IO), E(fdatasync, TSC_IO), E(sync_file_range, TSC_IO), E(syncfs, TSC_IO),
	E(ppoll, TSC_IO), E(pselect6, TSC_IO),
#ifdef SYS_poll
	E(poll, TSC_IO),
#endif
#ifdef SYS_select
	E(select, TSC_IO),
#endif
	E(openat, TSC_IO),
#ifdef SYS_open
	E(open, TSC_IO),
#endif
	E(ioctl, TSC_IO), E(fcntl, TSC_IO), E(close, TSC_IO),
#ifdef SYS_copy_file_range
	E(copy_file_range, TSC_IO),
#endif
	/* an event loop's wait */
	E(epoll_pwait, TSC_POLL),
#ifdef SYS_epoll_wait
	E(epoll_wait, TSC_POLL),
#endif
#ifdef SYS_epoll_pwait2
	E(epoll_pwait2, TSC_POLL),
#endif
	/* idle */
	E(nanosleep, TSC_IDLE), E(clock_nanosleep, TSC_IDLE),
#ifdef SYS_pause
	E(pause, TSC_IDLE),
#endif
	E(rt_sigsuspend, TSC_IDLE), E(rt_sigtimedwait, TSC_IDLE),
	E(wait4, TSC_IDLE), E(waitid, TSC_IDLE),
};

#undef E

/* Find nr in the table, or NULL. */
static const struct tsys_entry *tsys_find(long nr)
{
	for (size_t i = 0; i < sizeof tsys_table / sizeof tsys_table[0]; i++)
		if (tsys_table[i].nr == nr)
			return &tsys_table[i];
	return NULL;
}

/* Return the class of a thread blocked in system call nr. */
enum tsys_class tsys_class(long nr, const uint64_t args[3])
{
	const struct tsys_entry *e = tsys_find(nr);
	if (!e)
		return TSC_IDLE;
	if (nr == SYS_fcntl && args &&
	    (args[1] == F_SETLKW || args[1] == F_OFD_SETLKW))
		return TSC_LOCK;
	return e->cls;
}

/* Return the name of system call nr, or NULL. */
const char *tsys_name(long nr)
{
	const struct tsys_entry *e = tsys_find(nr);
	return e ? e->name : NULL;
}
