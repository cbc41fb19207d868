/*
 * locks.c - the lock tracker behind locks.h: an open-addressing table of
 * the locks seen (id -> holder), the lanes' current waits (in tl_lane) and
 * their history (lanemarks), and the cycle search.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "locks.h"

#define LOCKS_SMALL_ID 65536u   /* ids below are named L1, L2...; above, hex */

struct lock_ent {
	uint32_t id;
	uint32_t holder;   /* lane + 1, 0 = free or unknown */
	uint8_t used;
	uint8_t tracked;   /* TAKE / FREE seen: the holder is known, not guessed */
};

struct locks {
	struct lock_ent *tab;
	size_t cap, n;            /* cap is a power of two (or 0) */
	struct lanemarks *waits;  /* every wait of every lane */
};

/* Return the slot of id in tab (its own, or the empty one it would take). */
static struct lock_ent *locks_slot(struct lock_ent *tab, size_t cap, uint32_t id)
{
	size_t i = (size_t)(id * 2654435761u) & (cap - 1);
	while (tab[i].used && tab[i].id != id)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

/* Return the entry of id, or NULL. */
static struct lock_ent *locks_find(const struct locks *k, uint32_t id)
{
	if (!k || !k->cap)
		return NULL;
	struct lock_ent *e = locks_slot(k->tab, k->cap, id);
	return e->used ? e : NULL;
}

/* Return the entry of id, adding it (free, untracked); NULL on -ENOMEM. */
static struct lock_ent *locks_get(struct locks *k, uint32_t id)
{
	struct lock_ent *e = locks_find(k, id);
	if (e)
		return e;
	if ((k->n + 1) * 2 > k->cap) {            /* keep the load under one half */
		size_t cap = k->cap ? k->cap * 2 : 16;
		struct lock_ent *tab = calloc(cap, sizeof *tab);
		if (!tab)
			return NULL;
		for (size_t i = 0; i < k->cap; i++)
			if (k->tab[i].used)
				*locks_slot(tab, cap, k->tab[i].id) = k->tab[i];
		free(k->tab);
		k->tab = tab;
		k->cap = cap;
	}
	e = locks_slot(k->tab, k->cap, id);
	*e = (struct lock_ent){ id, 0, 1, 0 };
	k->n++;
	return e;
}

/* Return the holder of lock id now, as lane + 1 (0 = free or unknown). */
uint32_t locks_holder(const struct timeline *tl, uint32_t id)
{
	const struct lock_ent *e = locks_find(tl->locks, id);
	return e ? e->holder : 0;
}

/* Return the lane after l in the waits-for graph (the holder of what l
 * waits for; l is in a cycle, so there is one). */
static uint32_t locks_next(const struct timeline *tl, uint32_t l)
{
	return locks_holder(tl, tl->lanes[l].wait_lock) - 1;
}

/* Record the cycle of len lanes through `start`, closed at time t, from its
 * lowest lane on (it reads "thread 1 waits for ..." whoever closed it):
 * lanes[i] waits for locks[i], held by the next lane. Marks every lane. */
static void locks_record(struct timeline *tl, uint32_t start, uint32_t len, int64_t t)
{
	struct tl_deadlock *d = &tl->deadlock;
	uint32_t cur = start;
	for (uint32_t i = 0, l = start; i < len; i++, l = locks_next(tl, l))
		if (l < cur)
			cur = l;
	d->detected = true;
	d->t_formed = d->t_detected = t;
	d->n = len;
	for (uint32_t i = 0; i < len; i++) {
		struct tl_lane *ln = &tl->lanes[cur];
		if (i < TL_CYCLE_MAX) {
			d->lanes[i] = cur;
			d->locks[i] = ln->wait_lock;
		}
		ln->deadlocked = true;
		cur = locks_next(tl, cur);
	}
}

/* Walk the waits-for edges from lane start; record a cycle back to it. */
static void locks_detect(struct timeline *tl, uint32_t start, int64_t t)
{
	uint32_t cur = start;
	if (tl->deadlock.detected)
		return;                                  /* the first cycle is the one */
	for (uint32_t len = 1; len <= LOCKS_WALK_MAX; len++) {
		uint32_t lock = tl->lanes[cur].wait_lock;
		if (lock == TL_NO_LOCK)
			return;
		uint32_t h = locks_holder(tl, lock);
		if (h == 0 || h - 1 >= tl->nlanes)
			return;                          /* free, or nobody known: no edge */
		cur = h - 1;
		if (cur == start) {
			locks_record(tl, start, len, t);
			return;
		}
	}
}

/* Lane l stopped waiting. */
void locks_lane_moved(struct timeline *tl, uint32_t l)
{
	struct tl_lane *ln = &tl->lanes[l];
	ln->wait_lock = TL_NO_LOCK;
	ln->wait_holder = 0;
}

/* Take one lock event of lane ev->lane at time t. */
int locks_event(struct timeline *tl, const struct cv_event *ev, int64_t t)
{
	if (!tl->locks && !(tl->locks = calloc(1, sizeof *tl->locks)))
		return -ENOMEM;
	struct locks *k = tl->locks;
	struct tl_lane *ln = &tl->lanes[ev->lane];
	struct lock_ent *e;
	if (ev->kind == EV_MARK) {                   /* MARK_DEADLOCK: concviz acted */
		if (tl->deadlock.detected && t >= tl->deadlock.t_formed)
			tl->deadlock.t_detected = t;
		return 0;
	}
	if (!(e = locks_get(k, ev->aux)))
		return -ENOMEM;
	switch (ev->kind) {
	case EV_LOCK_WAIT: {
		if (ln->end >= 0)
			return 0;                        /* an ended lane waits for nothing */
		uint32_t holder = ev->arg <= UINT32_MAX ? (uint32_t)ev->arg : 0;
		struct lanemark m = { t, ev->aux, holder, ev->task };
		if (lanemarks_add(&k->waits, ev->lane, &m) < 0)
			return -ENOMEM;
		if (!e->tracked)
			e->holder = holder;              /* the waiter's word is all we have */
		ln->wait_lock = ev->aux;
		ln->wait_holder = holder;
		ln->wait_since = t;
		locks_detect(tl, ev->lane, t);
		return 0;
	}
	case EV_LOCK_TAKE:
		e->tracked = 1;
		e->holder = ev->lane + 1;
		locks_lane_moved(tl, ev->lane);
		return 0;
	default:                                     /* EV_LOCK_FREE */
		e->tracked = 1;
		if (e->holder == ev->lane + 1)
			e->holder = 0;
		return 0;
	}
}

/* Return the last lock wait lane l began at or before t, or NULL. */
const struct lanemark *locks_wait_at(const struct timeline *tl, uint32_t l, int64_t t)
{
	return tl->locks ? lanemarks_at(tl->locks->waits, l, t) : NULL;
}

/* Write a lock's name into buf. */
char *locks_name(uint32_t id, char *buf, size_t n)
{
	if (id < LOCKS_SMALL_ID)
		snprintf(buf, n, "L%u", id + 1);
	else
		snprintf(buf, n, "0x%08x", id);
	return buf;
}

/* Free what the tracker holds. */
void locks_free(struct timeline *tl)
{
	if (!tl->locks)
		return;
	lanemarks_free(tl->locks->waits);
	free(tl->locks->tab);
	free(tl->locks);
	tl->locks = NULL;
}
