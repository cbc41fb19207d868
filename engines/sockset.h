/*
 * sockset.h - many sockets watched through one epoll set that a libuv loop
 * polls as a single handle (Linux).
 *
 * The async engine watches thousands of short-lived sockets, each for
 * writing (its connect), then for reading (its answer), then closed. One
 * uv_poll per socket costs seven epoll_ctl calls and an ioctl over that
 * life (libuv probes a new descriptor with an ADD and a DEL, makes it
 * non-blocking again, DELs it at every uv_poll_start, ADDs it at the next
 * poll and DELs it at close), a tenth of the loop thread's time on a VM
 * whose system calls are dear. Here the same life costs two (ADD, then
 * MOD): forgetting a socket costs nothing, because closing it (said with
 * sockset_closing) removes it from the set, and a socket
 * forgotten but left open is dropped from the set (one EPOLL_CTL_DEL) at
 * its next event.
 *
 * Events are level-triggered. A socket forgotten or closed while a batch
 * of events is being handed out gets none of that batch's later events,
 * even when its descriptor number is reused meanwhile (each registration
 * carries a generation). A watched socket must be forgotten (or said
 * closing) before it is closed, as curl does with CURL_POLL_REMOVE; one
 * forgotten and then closed behind the set's back is tolerated: the next
 * watch of its number finds out and ADDs instead of MODding.
 *
 * Threads: every function runs on the loop's thread, or before it runs.
 */
#ifndef CV_SOCKSET_H
#define CV_SOCKSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

enum { SOCKSET_IN = 1, SOCKSET_OUT = 2, SOCKSET_ERR = 4 };

/* A watched socket is ready: events is SOCKSET_IN/OUT/ERR, tag what the
 * last sockset_watch of fd said. */
typedef void (*sockset_cb)(void *data, int fd, int events, uint32_t tag);

struct sockset_fd;

struct sockset {
	uv_poll_t poll;            /* the epoll descriptor, readable when any socket is ready */
	int epfd;
	bool made;                 /* epfd exists (a zeroed struct has none) */
	struct sockset_fd *fds;    /* by descriptor number */
	size_t nfds;
	sockset_cb cb;
	void *data;
};

/* Make the epoll set and start polling it on loop (its handle closes with
 * the loop's others; sockset_free closes the set). 0 or a negative errno,
 * with nothing left open. */
int sockset_init(struct sockset *s, uv_loop_t *loop, sockset_cb cb, void *data);

/* Watch fd for events (SOCKSET_IN / SOCKSET_OUT; 0 = forget it) and tag
 * its callbacks with tag. No system call when the events are unchanged.
 * 0 or a negative errno (fd is then not watched). */
int sockset_watch(struct sockset *s, int fd, int events, uint32_t tag);

/* Stop calling back for fd; no system call (see above). */
void sockset_forget(struct sockset *s, int fd);

/* fd is being closed, now or soon by whoever owns it: forget it, and take
 * it as out of the set (closing removes it). No system call. Until it is
 * really closed, events of it are dropped. */
void sockset_closing(struct sockset *s, int fd);

/* Close the epoll set and free the table (after the loop closed the
 * handle, or when it never ran). */
void sockset_free(struct sockset *s);

#endif
