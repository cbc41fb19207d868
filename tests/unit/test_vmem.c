/*
 * test_vmem.c - the timeline's memory: the pool of span blocks and the
 * growing arrays (vmem.h).
 *
 * The pool must hand out zeroed, aligned, disjoint pieces across all its
 * slabs (small ones of ordinary pages, then huge-page ones), take pieces
 * larger than a slab, and count at least what it handed out; a growing
 * array must keep its contents across every step (realloc while small, a
 * mapping of its own, mremap) and refuse a size that overflows.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmem.h"

#define PIECE 1104          /* a timeline's span block */
#define PIECES 20000        /* about 22 MB: six slabs */

/* Pieces are zeroed, 16-aligned and disjoint; the count covers them. */
static void test_pool_pieces(void **state)
{
	(void)state;
	struct vmem_pool p;
	vmem_pool_init(&p);
	assert_int_equal(vmem_pool_bytes(&p), 0);
	unsigned char **got = calloc(PIECES, sizeof *got);
	for (size_t i = 0; i < PIECES; i++) {
		got[i] = vmem_pool_alloc(&p, PIECE);
		assert_non_null(got[i]);
		assert_int_equal((uintptr_t)got[i] % 16, 0);
		for (size_t k = 0; k < PIECE; k++)
			assert_int_equal(got[i][k], 0);
		memset(got[i], (int)(i % 251) + 1, PIECE);
	}
	for (size_t i = 0; i < PIECES; i++)        /* no piece wrote over another */
		for (size_t k = 0; k < PIECE; k += 97)
			assert_int_equal(got[i][k], (int)(i % 251) + 1);
	assert_true(p.nslabs >= 6);
	size_t used = (size_t)PIECES * PIECE;
	assert_true(vmem_pool_bytes(&p) >= used);
	assert_true(vmem_pool_bytes(&p) <= used + p.nslabs * ((size_t)2 << 20));
	vmem_pool_free(&p);
	assert_int_equal(vmem_pool_bytes(&p), 0);
	assert_null(p.slabs);
	free(got);
}

/* A piece larger than the next slab gets a slab of its own size. */
static void test_pool_big_piece(void **state)
{
	(void)state;
	struct vmem_pool p;
	vmem_pool_init(&p);
	unsigned char *a = vmem_pool_alloc(&p, 100);
	unsigned char *b = vmem_pool_alloc(&p, (size_t)1 << 20);
	assert_non_null(a);
	assert_non_null(b);
	memset(b, 0x5A, (size_t)1 << 20);
	memset(a, 0x11, 100);
	assert_int_equal(b[0], 0x5A);
	assert_int_equal(b[((size_t)1 << 20) - 1], 0x5A);
	assert_true(vmem_pool_bytes(&p) >= ((size_t)1 << 20) + 100);
	vmem_pool_free(&p);
}

/* An array keeps its contents as it grows through every kind of step. */
static void test_grow_keeps(void **state)
{
	(void)state;
	uint64_t *a = NULL;
	size_t cap = 0, n = 0;
	for (size_t want = 1; want <= ((size_t)3 << 20); want = want * 3 / 2 + 1) {
		size_t old = cap;
		assert_int_equal(vmem_grow((void **)&a, &cap, want, sizeof *a), 0);
		assert_true(cap >= want);
		assert_true(cap >= old);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(a[i], i * 2654435761u);
		for (; n < want; n++)
			a[n] = n * 2654435761u;
	}
	assert_int_equal(vmem_grow((void **)&a, &cap, cap, sizeof *a), 0); /* no change */
	size_t before = cap;
	assert_int_equal(vmem_grow((void **)&a, &cap, SIZE_MAX / 4, sizeof *a), -ENOMEM);
	assert_int_equal(cap, before);
	assert_int_equal(a[n - 1], (n - 1) * 2654435761u);
	vmem_array_free(a, cap, sizeof *a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_pieces),
		cmocka_unit_test(test_pool_big_piece),
		cmocka_unit_test(test_grow_keeps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
