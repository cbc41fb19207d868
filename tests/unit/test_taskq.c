/*
 * test_taskq.c - the claim table: tasks come out in index order exactly
 * once, a worker's unfinished task is found as its orphan, cancel stops
 * claims, and two forked processes claiming at once never share a task.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "taskq.h"

/* In index order, each once, then -1; orphans and done marks. */
static void test_order_and_orphans(void **state)
{
	(void)state;
	struct taskq *q = taskq_new(4);

	assert_non_null(q);
	assert_int_equal(taskq_take(q, 1), 0);
	assert_int_equal(taskq_take(q, 2), 1);
	assert_int_equal(taskq_orphan(q, 1), 0);
	assert_int_equal(taskq_orphan(q, 2), 1);
	assert_int_equal(taskq_orphan(q, 3), -1);
	taskq_done(q, 0);
	assert_int_equal(taskq_orphan(q, 1), -1);
	assert_int_equal(taskq_take(q, 1), 2);
	assert_int_equal(taskq_take(q, TASKQ_PARENT), 3);
	assert_int_equal(taskq_take(q, 1), -1);
	assert_int_equal(taskq_orphan(q, 1), 2);
	taskq_free(q);

	q = taskq_new(0);
	assert_non_null(q);
	assert_int_equal(taskq_take(q, 1), -1);
	taskq_free(q);
}

/* After cancel nothing more is claimed. */
static void test_cancel(void **state)
{
	(void)state;
	struct taskq *q = taskq_new(3);

	assert_non_null(q);
	assert_false(taskq_cancelled(q));
	assert_int_equal(taskq_take(q, 1), 0);
	taskq_cancel(q);
	assert_true(taskq_cancelled(q));
	assert_true(atomic_load(taskq_cancel_flag(q)));
	assert_int_equal(taskq_take(q, 1), -1);
	taskq_free(q);
}

#define NTASKS 200000

/* Two processes race for 200000 tasks; the parent checks every task has
 * was claimed exactly once and nothing is left or orphaned. */
static void test_processes(void **state)
{
	(void)state;
	struct taskq *q = taskq_new(NTASKS);
	atomic_int *claims = mmap(NULL, NTASKS * sizeof(*claims), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid[2];

	assert_non_null(q);
	assert_true(claims != MAP_FAILED);
	for (int k = 0; k < 2; k++) {
		pid[k] = fork();
		assert_true(pid[k] >= 0);
		if (pid[k] == 0) {
			int64_t i;
			while ((i = taskq_take(q, (uint32_t)k + 1)) >= 0) {
				atomic_fetch_add(&claims[i], 1);
				taskq_done(q, (uint32_t)i);
			}
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int st = 0;
		assert_int_equal(waitpid(pid[k], &st, 0), pid[k]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	/* nothing left, nothing orphaned */
	assert_int_equal(taskq_take(q, 3), -1);
	assert_int_equal(taskq_orphan(q, 1), -1);
	assert_int_equal(taskq_orphan(q, 2), -1);
	for (int i = 0; i < NTASKS; i++)
		if (atomic_load(&claims[i]) != 1)
			fail_msg("task %d claimed %d times", i, atomic_load(&claims[i]));
	munmap(claims, NTASKS * sizeof(*claims));
	taskq_free(q);
}

/* Run every test of this file. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_orphans),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_processes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
