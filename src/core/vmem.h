/*
 * vmem.h - memory for big timelines: few page faults, no copies on growth.
 *
 * On a virtual machine the first touch of each 4 KiB page is expensive (the
 * hypervisor maps it: about 12 us here, against 0.3 us per 4 KiB when the
 * kernel maps 2 MiB at once). Timelines of millions of events touch hundreds
 * of MB, so the page size decides their build speed. Two tools:
 *
 *   - a pool (vmem_pool): a bump allocator over a few large mappings, asked
 *     for transparent huge pages (MADV_HUGEPAGE; the kernel gives them where
 *     it offers them on request). Many small growing things (the span
 *     blocks of every lane) then share huge pages instead of each rounding
 *     up to its own. Nothing is freed but the whole pool.
 *   - a growing array (vmem_grow): malloc while small; once large, a mapping
 *     of its own, asked for huge pages, that mremap grows without copying.
 *
 * Memory a pool holds is counted as committed: what was handed out, rounded
 * up to the page size the kernel may have used for it (2 MiB in huge-page
 * slabs), so that reports never understate it.
 */
#ifndef CV_VMEM_H
#define CV_VMEM_H

#include <stddef.h>

struct vmem_slab;

struct vmem_pool {
	struct vmem_slab *slabs;   /* newest first */
	char *next, *end;          /* free part of the newest slab */
	size_t held;               /* bytes committed by full slabs */
	size_t nslabs;
};

/* Initialise an empty pool (no memory until the first allocation). */
void vmem_pool_init(struct vmem_pool *p);

/* Return `bytes` of zeroed memory aligned to 16 bytes, valid until
 * vmem_pool_free; NULL when out of memory. A piece larger than the next
 * slab gets a slab of its own size. */
void *vmem_pool_alloc(struct vmem_pool *p, size_t bytes);

/* Release everything the pool handed out. */
void vmem_pool_free(struct vmem_pool *p);

/* Return the bytes the pool commits (see above). */
size_t vmem_pool_bytes(const struct vmem_pool *p);

/* Grow an array of *cap elements of elem bytes to hold at least want:
 * 0, or -ENOMEM with the array intact. Growth is in steps of a quarter. */
int vmem_grow(void **arr, size_t *cap, size_t want, size_t elem);

/* Free an array of cap elements of elem bytes made by vmem_grow. */
void vmem_array_free(void *arr, size_t cap, size_t elem);

#endif
