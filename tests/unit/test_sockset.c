/*
 * test_sockset.c - sockets watched through one epoll set on a libuv loop:
 * readiness reaches the callback with its tag, a change of events is
 * followed, a forgotten socket is called back no more (and leaves the set at
 * its next event), closed descriptors and their reused numbers are told
 * apart even within one batch of events, and a descriptor closed behind the
 * set's back can be watched again under the same number.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <uv.h>
#include "sockset.h"

#define MAXCALLS 64

struct seen {
	struct sockset *ss;
	int n;
	int fd[MAXCALLS], events[MAXCALLS];
	uint32_t tag[MAXCALLS];
	int close_fd;               /* on the first call, close this (-1: none) */
	int other_a, other_b;       /* ... or, when close_fd is -2, whichever of
				     * these two is not the one called back */
	int reopen_fd;              /* ... then watch a new socket in its number */
	int reopened, victim;
};

/* Close a watched socket as its owner does: say so to the set, then close. */
static void close_watched(struct sockset *ss, int fd)
{
	sockset_closing(ss, fd);
	close(fd);
}

/* Record a callback; the first one may close (and reuse) another socket. */
static void on_ready(void *data, int fd, int events, uint32_t tag)
{
	struct seen *s = data;
	if (s->n < MAXCALLS) {
		s->fd[s->n] = fd;
		s->events[s->n] = events;
		s->tag[s->n] = tag;
	}
	s->n++;
	if (s->close_fd >= 0 || s->close_fd == -2) {
		int victim = s->close_fd >= 0 ? s->close_fd : fd == s->other_a ? s->other_b : s->other_a;
		s->close_fd = -1;
		s->victim = victim;
		close_watched(s->ss, victim);
		if (s->reopen_fd) {
			int sv[2];
			assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
			/* the lowest free number: the one just closed */
			assert_int_equal(sv[0], victim);
			write(sv[1], "x", 1);   /* readable at once */
			assert_int_equal(sockset_watch(s->ss, sv[0], SOCKSET_IN, 99), 0);
			s->reopened = sv[1];
		}
	}
}

/* Run the loop for one non-blocking iteration after a short pause. */
static void spin(uv_loop_t *loop)
{
	usleep(2000);
	uv_run(loop, UV_RUN_NOWAIT);
}

/* A socket pair with both ends non-blocking. */
static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
}

/* Close the set's handle and the loop, then free the set. */
static void finish(uv_loop_t *loop, struct sockset *ss)
{
	uv_close((uv_handle_t *)&ss->poll, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(loop), 0);
	sockset_free(ss);
}

/* Start a loop and a set on it that records its callbacks into s. */
static void begin(uv_loop_t *loop, struct sockset *ss, struct seen *s)
{
	assert_int_equal(uv_loop_init(loop), 0);
	s->ss = ss;
	assert_int_equal(sockset_init(ss, loop, on_ready, s), 0);
}

/* Readable and writable sockets are called back with their tags; a change
 * of events is followed; an unchanged watch only updates the tag. */
static void test_ready_and_change(void **state)
{
	(void)state;
	uv_loop_t loop;
	struct sockset ss;
	struct seen s = { .close_fd = -1 };
	int a[2];

	begin(&loop, &ss, &s);
	pair(a);
	assert_int_equal(sockset_watch(&ss, a[0], SOCKSET_IN, 7), 0);
	spin(&loop);
	assert_int_equal(s.n, 0);                      /* nothing to read yet */
	assert_int_equal(write(a[1], "hi", 2), 2);
	spin(&loop);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.fd[0], a[0]);
	assert_int_equal(s.events[0], SOCKSET_IN);
	assert_int_equal(s.tag[0], 7);

	/* level-triggered: still readable, called again, with the new tag */
	assert_int_equal(sockset_watch(&ss, a[0], SOCKSET_IN, 8), 0);
	spin(&loop);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.tag[1], 8);

	/* now for writing only: writable at once */
	char buf[8];
	assert_int_equal(read(a[0], buf, sizeof buf), 2);
	assert_int_equal(sockset_watch(&ss, a[0], SOCKSET_OUT, 9), 0);
	spin(&loop);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.events[2], SOCKSET_OUT);
	assert_int_equal(s.tag[2], 9);

	close_watched(&ss, a[0]);
	close(a[1]);
	finish(&loop, &ss);
}

/* A forgotten socket is called back no more, although still readable, and
 * can be watched again later. */
static void test_forget(void **state)
{
	(void)state;
	uv_loop_t loop;
	struct sockset ss;
	struct seen s = { .close_fd = -1 };
	int a[2];

	begin(&loop, &ss, &s);
	pair(a);
	assert_int_equal(sockset_watch(&ss, a[0], SOCKSET_IN, 1), 0);
	sockset_forget(&ss, a[0]);
	assert_int_equal(write(a[1], "x", 1), 1);
	for (int i = 0; i < 5; i++)
		spin(&loop);
	assert_int_equal(s.n, 0);
	/* watched again (it left the set at its first event meanwhile) */
	assert_int_equal(sockset_watch(&ss, a[0], SOCKSET_IN, 2), 0);
	spin(&loop);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.tag[0], 2);
	/* events 0 means forget */
	assert_int_equal(sockset_watch(&ss, a[0], 0, 3), 0);
	spin(&loop);
	assert_int_equal(s.n, 1);

	close_watched(&ss, a[0]);
	close(a[1]);
	finish(&loop, &ss);
}

/* Within one batch: a socket closed by an earlier callback gets none of the
 * batch's events, not even when its number is reused at once; the new
 * socket is called back for its own readiness on the next poll. */
static void test_close_within_batch(void **state)
{
	(void)state;
	uv_loop_t loop;
	struct sockset ss;
	struct seen s = { .close_fd = -1 };
	int a[2], b[2];

	begin(&loop, &ss, &s);
	pair(a);
	pair(b);
	assert_int_equal(sockset_watch(&ss, a[0], SOCKSET_IN, 10), 0);
	assert_int_equal(sockset_watch(&ss, b[0], SOCKSET_IN, 20), 0);
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "x", 1), 1);
	usleep(2000);
	/* the first one called back closes the other, whose number a new,
	 * readable socket takes at once */
	s.close_fd = -2;
	s.other_a = a[0];
	s.other_b = b[0];
	s.reopen_fd = 1;
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(s.n, 1);            /* the other's event was dropped */
	int first = s.fd[0];
	assert_int_not_equal(first, s.victim);
	spin(&loop);
	/* next poll: the first (still readable) and the new socket, tag 99 */
	assert_int_equal(s.n, 3);
	int saw_new = 0, saw_first = 0;
	for (int i = 1; i < 3; i++) {
		saw_new |= s.fd[i] == s.victim && s.tag[i] == 99;
		saw_first |= s.fd[i] == first;
	}
	assert_true(saw_new);
	assert_true(saw_first);

	close_watched(&ss, s.victim);   /* the new socket */
	close_watched(&ss, first);
	close(a[1]);
	close(b[1]);
	close(s.reopened);
	finish(&loop, &ss);
}

/* A descriptor forgotten, then closed behind the set's back (it was still
 * in the set), its number reused by a new socket: watching that socket for
 * the same events still works. */
static void test_closed_behind(void **state)
{
	(void)state;
	uv_loop_t loop;
	struct sockset ss;
	struct seen s = { .close_fd = -1 };
	int a[2], b[2];

	begin(&loop, &ss, &s);
	pair(a);
	assert_int_equal(sockset_watch(&ss, a[0], SOCKSET_IN, 1), 0);
	int num = a[0];
	sockset_forget(&ss, a[0]);
	close(a[0]);                     /* not through the set */
	pair(b);
	assert_int_equal(b[0], num);     /* the same number */
	assert_int_equal(sockset_watch(&ss, b[0], SOCKSET_IN, 2), 0);
	assert_int_equal(write(b[1], "x", 1), 1);
	spin(&loop);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.fd[0], num);
	assert_int_equal(s.tag[0], 2);

	close_watched(&ss, b[0]);
	close(b[1]);
	close(a[1]);
	finish(&loop, &ss);
}

/* A zeroed set that was never made frees to nothing; bad descriptors are
 * refused. */
static void test_edges(void **state)
{
	(void)state;
	struct sockset ss;
	memset(&ss, 0, sizeof ss);
	sockset_free(&ss);
	uv_loop_t loop;
	struct seen s = { .close_fd = -1 };
	begin(&loop, &ss, &s);
	assert_int_equal(sockset_watch(&ss, -1, SOCKSET_IN, 0), -EBADF);
	sockset_forget(&ss, 12345);      /* never seen: nothing to do */
	sockset_closing(&ss, 12345);
	finish(&loop, &ss);
}

/* Run every test of this file. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_and_change),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_close_within_batch),
		cmocka_unit_test(test_closed_behind),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
