/*
 * sockset.c - many sockets watched through one epoll set that a libuv loop
 * polls as a single handle (see sockset.h for why and the contract).
 *
 * A table indexed by descriptor number says, per socket, what the caller
 * wants (active, events, tag) and what the kernel has (in_set, armed, the
 * generation the registration carries). Every registration's epoll data is
 * the descriptor and its generation; the generation moves on whenever the
 * socket is forgotten or closed, so an event already fetched for an older
 * registration is recognised and dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "sockset.h"

#define SOCKSET_BATCH 256   /* events fetched per epoll_wait */

struct sockset_fd {
	uint32_t tag;
	uint32_t gen;              /* generation of the caller's interest */
	uint32_t reg_gen;          /* generation the kernel's registration carries */
	uint8_t events;            /* SOCKSET_IN/OUT the caller wants */
	uint8_t armed;             /* SOCKSET_IN/OUT the kernel has */
	bool active;               /* the caller wants callbacks */
	bool in_set;               /* registered in the epoll set */
};

/* The epoll event mask for SOCKSET_IN/OUT bits. */
static uint32_t sockset_mask(int events)
{
	return (events & SOCKSET_IN ? EPOLLIN : 0) | (events & SOCKSET_OUT ? EPOLLOUT : 0);
}

/* Grow the table to hold fd; 0 or -ENOMEM. */
static int sockset_grow(struct sockset *s, int fd)
{
	size_t n = s->nfds ? s->nfds : 64;
	while (n <= (size_t)fd)
		n *= 2;
	struct sockset_fd *t = realloc(s->fds, n * sizeof *t);
	if (!t)
		return -ENOMEM;
	memset(t + s->nfds, 0, (n - s->nfds) * sizeof *t);
	s->fds = t;
	s->nfds = n;
	return 0;
}

/* Register f's wanted events with the kernel (ADD or MOD, falling back to
 * the other when the kernel knows better); 0 or a negative errno. */
static int sockset_arm(struct sockset *s, int fd, struct sockset_fd *f)
{
	struct epoll_event ev = { .events = sockset_mask(f->events) };
	ev.data.u64 = (uint64_t)(uint32_t)fd | (uint64_t)f->gen << 32;
	int op = f->in_set ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	int rc = epoll_ctl(s->epfd, op, fd, &ev);
	if (rc < 0 && errno == ENOENT && op == EPOLL_CTL_MOD)   /* closed behind our back */
		rc = epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
	else if (rc < 0 && errno == EEXIST)                      /* added behind our back */
		rc = epoll_ctl(s->epfd, EPOLL_CTL_MOD, fd, &ev);
	if (rc < 0) {
		f->in_set = false;
		f->active = false;
		return -errno;
	}
	f->in_set = true;
	f->armed = f->events;
	f->reg_gen = f->gen;
	return 0;
}

/* Hand the ready sockets to the callback (the epoll set is readable). */
static void on_uv_epoll(uv_poll_t *h, int status, int events)
{
	struct sockset *s = h->data;
	struct epoll_event ev[SOCKSET_BATCH];
	(void)status, (void)events;
	int n = epoll_wait(s->epfd, ev, SOCKSET_BATCH, 0);
	for (int i = 0; i < n; i++) {
		int fd = (int)(uint32_t)ev[i].data.u64;
		uint32_t gen = (uint32_t)(ev[i].data.u64 >> 32);
		if ((size_t)fd >= s->nfds)
			continue;
		struct sockset_fd *f = &s->fds[fd];
		if (!f->active) {
			/* forgotten but still open: leave the set now (one being
			 * closed, no longer in_set, leaves it by its close) */
			if (f->in_set && epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL) == 0)
				f->in_set = false;
			continue;
		}
		if (gen != f->gen || gen != f->reg_gen)
			continue;   /* fetched for an older registration of fd */
		uint32_t e = ev[i].events;
		int what = (e & EPOLLIN ? SOCKSET_IN : 0) | (e & EPOLLOUT ? SOCKSET_OUT : 0);
		if (e & EPOLLERR)
			what |= SOCKSET_ERR;
		if (e & (EPOLLERR | EPOLLHUP))
			what |= f->armed;   /* let the owner find out by reading or writing */
		s->cb(s->data, fd, what, f->tag);   /* may watch, forget, close, grow */
	}
}

/* Make the set and poll it on loop (see sockset.h). */
int sockset_init(struct sockset *s, uv_loop_t *loop, sockset_cb cb, void *data)
{
	memset(s, 0, sizeof *s);
	s->cb = cb;
	s->data = data;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		return -errno;
	int rc = uv_poll_init(loop, &s->poll, s->epfd);
	if (rc < 0) {
		close(s->epfd);
		return rc;
	}
	s->made = true;
	s->poll.data = s;
	return uv_poll_start(&s->poll, UV_READABLE, on_uv_epoll);
}

/* Watch fd for events with tag (see sockset.h). */
int sockset_watch(struct sockset *s, int fd, int events, uint32_t tag)
{
	if (fd < 0)
		return -EBADF;
	if (events == 0) {
		sockset_forget(s, fd);
		return 0;
	}
	if ((size_t)fd >= s->nfds && sockset_grow(s, fd) < 0)
		return -ENOMEM;
	struct sockset_fd *f = &s->fds[fd];
	f->tag = tag;
	f->events = (uint8_t)events;
	f->active = true;
	if (f->in_set && f->armed == f->events && f->reg_gen == f->gen)
		return 0;
	return sockset_arm(s, fd, f);
}

/* Stop calling back for fd (see sockset.h). */
void sockset_forget(struct sockset *s, int fd)
{
	if (fd < 0 || (size_t)fd >= s->nfds)
		return;
	struct sockset_fd *f = &s->fds[fd];
	if (f->active)
		f->gen++;
	f->active = false;
}

/* fd is being closed: forget it, out of the set (see sockset.h). */
void sockset_closing(struct sockset *s, int fd)
{
	if (fd < 0 || (size_t)fd >= s->nfds)
		return;
	struct sockset_fd *f = &s->fds[fd];
	f->gen++;
	f->active = false;
	f->in_set = false;   /* the last close of a socket leaves every epoll set */
}

/* Close the set and free the table (see sockset.h). */
void sockset_free(struct sockset *s)
{
	if (s->made)
		close(s->epfd);
	s->made = false;
	free(s->fds);
	s->fds = NULL;
	s->nfds = 0;
}
