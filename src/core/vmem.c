/*
 * vmem.c - memory for big timelines: huge pages on request, no copies on
 * growth (vmem.h says why).
 *
 * A pool is a list of slabs, each one mapping: the first three small and of
 * ordinary pages (a short run stays small), then slabs of 4 to 64 MiB,
 * aligned to 2 MiB and asked for huge pages. Handing out memory is a pointer
 * bump; the kernel commits a slab's pages only as they are first written.
 *
 * A big growing array is a mapping of its own, aligned to 2 MiB and asked
 * for huge pages, that mremap grows in place or moves by its page tables:
 * growing never copies the data.
 */
#include "vmem.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE ((size_t)2 << 20)          /* a transparent huge page */
#define MAP_MIN ((size_t)1 << 20)       /* arrays this large get a mapping of their own */
#define SLAB_MAX ((size_t)64 << 20)
#define ALIGN 16

struct vmem_slab {
	struct vmem_slab *next;
	size_t size;                    /* bytes mapped */
	int huge;                       /* asked for huge pages */
};

#define SLAB_HEAD ((sizeof(struct vmem_slab) + ALIGN - 1) / ALIGN * ALIGN)

/* Return the size of the system's pages. */
static size_t page_size(void)
{
	static size_t pg;
	if (!pg)
		pg = (size_t)sysconf(_SC_PAGESIZE);
	return pg;
}

/* Round n up to a multiple of unit (a power of two). */
static size_t round_up(size_t n, size_t unit)
{
	return (n + unit - 1) & ~(unit - 1);
}

/* Map `size` bytes (a multiple of HUGE) at a 2 MiB boundary, asked for huge
 * pages; NULL on failure. */
static void *map_huge(size_t size)
{
	char *p = mmap(NULL, size + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	char *q = (char *)round_up((uintptr_t)p, HUGE);
	if (q > p)
		munmap(p, (size_t)(q - p));
	if (q + size < p + size + HUGE)
		munmap(q + size, (size_t)(p + size + HUGE - (q + size)));
	madvise(q, size, MADV_HUGEPAGE);        /* refused without THP: ordinary pages */
	return q;
}

/* Return the bytes committed by `used` bytes of a slab. */
static size_t slab_commit(const struct vmem_slab *s, size_t used)
{
	size_t c = round_up(used, s->huge ? HUGE : page_size());
	return c < s->size ? c : s->size;
}

/* Initialise an empty pool. */
void vmem_pool_init(struct vmem_pool *p)
{
	memset(p, 0, sizeof *p);
}

/* Start a new slab with room for at least `bytes`; 0 or -ENOMEM. */
static int pool_slab(struct vmem_pool *p, size_t bytes)
{
	size_t size = p->nslabs < 3 ? (size_t)64 << (10 + 2 * p->nslabs)
				    : (size_t)4 << (20 + (p->nslabs - 3));
	if (size > SLAB_MAX)
		size = SLAB_MAX;
	int huge = size >= 2 * HUGE;
	if (size < bytes + SLAB_HEAD)
		size = round_up(bytes + SLAB_HEAD, huge ? HUGE : page_size());
	void *m = huge ? map_huge(size)
		       : mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!m || m == MAP_FAILED)
		return -ENOMEM;
	struct vmem_slab *s = m;
	if (p->slabs)
		p->held += slab_commit(p->slabs, (size_t)(p->next - (char *)p->slabs));
	s->next = p->slabs;
	s->size = size;
	s->huge = huge;
	p->slabs = s;
	p->next = (char *)s + SLAB_HEAD;
	p->end = (char *)s + size;
	p->nslabs++;
	return 0;
}

/* Hand out `bytes` zeroed bytes aligned to 16; NULL when out of memory. */
void *vmem_pool_alloc(struct vmem_pool *p, size_t bytes)
{
	bytes = round_up(bytes, ALIGN);
	if ((size_t)(p->end - p->next) < bytes && pool_slab(p, bytes))
		return NULL;
	void *r = p->next;                      /* fresh pages are zero */
	p->next += bytes;
	return r;
}

/* Unmap every slab. */
void vmem_pool_free(struct vmem_pool *p)
{
	for (struct vmem_slab *s = p->slabs, *next; s; s = next) {
		next = s->next;
		munmap(s, s->size);
	}
	vmem_pool_init(p);
}

/* Return the bytes the pool commits. */
size_t vmem_pool_bytes(const struct vmem_pool *p)
{
	if (!p->slabs)
		return 0;
	return p->held + slab_commit(p->slabs, (size_t)(p->next - (char *)p->slabs));
}

/* Resize an array of old bytes to new bytes (new > old): realloc while it
 * is small, then a mapping of its own that mremap grows. NULL on failure,
 * with the old array intact. */
static void *resize(void *p, size_t old, size_t new)
{
	if (new < MAP_MIN)
		return realloc(p, new);
	if (old < MAP_MIN) {
		void *q = map_huge(round_up(new, HUGE));
		if (!q)
			return NULL;
		if (old)
			memcpy(q, p, old);
		free(p);
		return q;
	}
	size_t o = round_up(old, HUGE), n = round_up(new, HUGE);
	if (n == o)
		return p;
	void *q = mremap(p, o, n, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		return NULL;
	madvise(q, n, MADV_HUGEPAGE);
	return q;
}

/* Grow *arr to hold at least want elements; 0 or -ENOMEM. */
int vmem_grow(void **arr, size_t *cap, size_t want, size_t elem)
{
	if (want <= *cap)
		return 0;
	if (want > SIZE_MAX / elem / 2)
		return -ENOMEM;
	size_t n = *cap ? *cap : 16;
	while (n < want)
		n += n / 4 + 64;       /* waste <= 25 %; growing costs no copy once mapped */
	void *p = resize(*arr, *cap * elem, n * elem);
	if (!p)
		return -ENOMEM;
	if (n * elem >= MAP_MIN)
		n = round_up(n * elem, HUGE) / elem;   /* the whole mapping is usable */
	*arr = p;
	*cap = n;
	return 0;
}

/* Free an array made by vmem_grow. */
void vmem_array_free(void *arr, size_t cap, size_t elem)
{
	if (cap * elem >= MAP_MIN)
		munmap(arr, round_up(cap * elem, HUGE));
	else
		free(arr);
}
