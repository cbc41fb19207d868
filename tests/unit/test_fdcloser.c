/*
 * test_fdcloser.c - descriptors handed to the closer thread: open until
 * flushed, all closed once stopped (also past the batch limit, and what was
 * never flushed); a closer never started closes at once, and stopping a
 * zeroed one does nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "fdcloser.h"

#define NPIPES 300   /* past the closer's own batch limit (256) */

/* Return whether fd is an open descriptor. */
static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

/* Handed over: open until flushed; after stop every one is closed. */
static void test_close_all(void **state)
{
	(void)state;
	static int fds[2 * NPIPES];
	struct fdcloser c;

	assert_int_equal(fdcloser_start(&c), 0);
	for (int i = 0; i < NPIPES; i++) {
		assert_int_equal(pipe(fds + 2 * i), 0);
		fdcloser_add(&c, fds[2 * i]);
		fdcloser_add(&c, fds[2 * i + 1]);
	}
	/* the last ones (below the batch limit) wait for a flush */
	assert_true(fdcloser_pending(&c) > 0);
	assert_true(is_open(fds[2 * NPIPES - 1]));
	fdcloser_flush(&c);
	assert_int_equal(fdcloser_pending(&c), 0);
	/* a few more that are never flushed by hand: stop closes them too */
	int last[2];
	assert_int_equal(pipe(last), 0);
	fdcloser_add(&c, last[0]);
	fdcloser_add(&c, last[1]);
	fdcloser_stop(&c);
	for (int i = 0; i < 2 * NPIPES; i++)
		if (is_open(fds[i]))
			fail_msg("descriptor %d still open", fds[i]);
	assert_false(is_open(last[0]));
	assert_false(is_open(last[1]));
	fdcloser_stop(&c);   /* twice: nothing */
}

/* A zeroed closer: nothing to stop; once stopped, add closes at once. */
static void test_not_started(void **state)
{
	(void)state;
	struct fdcloser c;
	int p[2];

	memset(&c, 0, sizeof c);
	fdcloser_stop(&c);
	assert_int_equal(pipe(p), 0);
	fdcloser_add(&c, p[0]);
	assert_false(is_open(p[0]));
	fdcloser_flush(&c);
	assert_int_equal(fdcloser_pending(&c), 0);
	close(p[1]);

	assert_int_equal(fdcloser_start(&c), 0);
	fdcloser_stop(&c);
	assert_int_equal(pipe(p), 0);
	fdcloser_add(&c, p[0]);
	assert_false(is_open(p[0]));
	close(p[1]);
}

/* Run every test of this file. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_all),
		cmocka_unit_test(test_not_started),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
