/*
 * findings_lock.c - findings about locks and shared data: deadlock (a cycle
 * the timeline found in the waits-for graph), possible-deadlock (traced
 * programs: lanes waiting on locks with no progress anywhere for a while),
 * race-lost-updates and no-lost-updates (the race workload's counter).
 *
 * These are facts, not predictions: no speed-up is suggested. A deadlock
 * and a lost update outrank everything else.
 */
#include <stdio.h>
#include <string.h>
#include "findings_int.h"
#include "locks.h"
#include "stats.h"

/* deadlock: name the cycle, lane by lane. */
static void lock_deadlock(struct fd_ctx *c)
{
	const struct tl_deadlock *d = &c->tl->deadlock;
	if (!d->detected || d->n == 0)
		return;
	uint32_t n = d->n < TL_CYCLE_MAX ? d->n : TL_CYCLE_MAX;
	char cycle[320], at[24], late[24];
	stats_cycle_text(c->s, c->tl, false, false, cycle, sizeof cycle);
	int64_t t1 = d->t_detected > d->t_formed ? d->t_detected : d->t_formed;
	struct finding *f = fd_add(c, "deadlock", FINDING_WARN, 3.0, d->t_formed, t1 > c->e ? t1 : c->e,
				   "%u lanes wait for each other in a cycle, none can go on (%s; formed "
				   "at %s, found %s later): take the locks in one order everywhere.",
				   d->n, cycle, fd_dur(d->t_formed, at, sizeof at),
				   fd_dur(t1 - d->t_formed, late, sizeof late));
	for (uint32_t i = 0; i < n; i++)
		fd_lane(c, f, d->lanes[i]);
}

/* True when lane ln has waited on a lock for at least the threshold (up to
 * its end, or the newest event while it lives). */
static bool lock_waiting(const struct fd_ctx *c, const struct tl_lane *ln)
{
	int64_t end = ln->end >= 0 ? ln->end : c->tl->now;
	return ln->n && ln->wait_lock != TL_NO_LOCK && end - ln->wait_since >= c->o->deadlock_ns;
}

/* Write the waiting lanes grouped by the lock they wait for into who
 * ("thread 2 and thread 3 wait for lock 0x00001a2b; thread 4 waits for ..."). */
static void lock_groups(const struct fd_ctx *c, char *who, size_t cap)
{
	const struct timeline *tl = c->tl;
	char name[64];
	size_t len = 0;
	who[0] = 0;
	for (size_t l = 0; l < tl->nlanes && len < cap; l++) {
		const struct tl_lane *ln = &tl->lanes[l];
		bool first = lock_waiting(c, ln);
		for (size_t k = 0; first && k < l; k++)
			first = !(lock_waiting(c, &tl->lanes[k]) && tl->lanes[k].wait_lock == ln->wait_lock);
		if (!first)
			continue;
		size_t same = 0;
		len += (size_t)snprintf(who + len, cap - len, "%s", len ? "; " : "");
		for (size_t k = l; k < tl->nlanes && len < cap; k++)
			if (lock_waiting(c, &tl->lanes[k]) && tl->lanes[k].wait_lock == ln->wait_lock)
				len += (size_t)snprintf(who + len, cap - len, "%s%s", same++ ? " and " : "",
							fd_lane_name(c, (uint32_t)k, name, sizeof name));
		char lock[24];
		if (len < cap)
			len += (size_t)snprintf(who + len, cap - len, " wait%s for lock %s",
						same > 1 ? "" : "s", locks_name(ln->wait_lock, lock, sizeof lock));
	}
	if (len >= cap && cap > 4)
		strcpy(who + cap - 4, "...");
}

/* possible-deadlock: two or more lanes waiting on locks for longer than the
 * threshold while no lane of the program has moved for as long. */
static void lock_stuck(struct fd_ctx *c)
{
	const struct timeline *tl = c->tl;
	if (tl->deadlock.detected)
		return;
	int64_t since = -1, last_move = -1;
	size_t n = 0;
	for (size_t l = 0; l < tl->nlanes; l++) {
		const struct tl_lane *ln = &tl->lanes[l];
		if (!ln->n)
			continue;
		int64_t moved = ln->end >= 0 ? ln->end : tl_span_at(ln, ln->n - 1)->t0;
		if (lock_waiting(c, ln)) {
			n++;
			if (since < 0 || ln->wait_since < since)
				since = ln->wait_since;
			moved = ln->wait_since;   /* its wait is no progress */
		}
		if (moved > last_move)
			last_move = moved;
	}
	if (n < 2 || tl->now - last_move < c->o->deadlock_ns)
		return;
	char who[360], quiet[24];
	lock_groups(c, who, sizeof who);
	struct finding *f = fd_add(c, "possible-deadlock", FINDING_WARN, 2.5, since, tl->now,
				   "%zu lanes have waited on locks and nothing in the program has moved "
				   "for %s (%s): it may be deadlocked.",
				   n, fd_dur(tl->now - last_move, quiet, sizeof quiet), who);
	for (size_t l = 0; l < tl->nlanes; l++)
		if (lock_waiting(c, &tl->lanes[l]))
			fd_lane(c, f, (uint32_t)l);
}

/* race-lost-updates / no-lost-updates: the shared counter against what
 * every increment should have made it. */
static void lock_race(struct fd_ctx *c)
{
	const struct tl_race *r = &c->tl->race;
	if (!r->known || r->expected == 0)
		return;
	struct finding *f;
	if (r->lost > 0) {
		char at[24];
		int64_t t0 = r->t_first_loss >= 0 ? r->t_first_loss : c->b;
		f = fd_add(c, "race-lost-updates", FINDING_WARN, 2.0, t0, c->e,
			   "the shared counter ended at %llu instead of %llu: %llu updates (%.2f%%) were "
			   "lost, the first at %s, because increments from several lanes overwrote each "
			   "other; make the update atomic or hold a lock around it.",
			   (unsigned long long)r->final, (unsigned long long)r->expected,
			   (unsigned long long)r->lost, 100.0 * (double)r->lost / (double)r->expected,
			   fd_dur(t0, at, sizeof at));
	} else {
		f = fd_add(c, "no-lost-updates", FINDING_INFO, 0.5, c->b, c->e,
			   "the shared counter ended at %llu, as every one of the %llu updates should "
			   "make it: none was lost.",
			   (unsigned long long)r->final, (unsigned long long)r->expected);
	}
	for (size_t l = 0; l < c->nlanes; l++)
		if (c->lanes[l].cls == FD_POOL && c->lanes[l].first_begin >= 0)
			fd_lane(c, f, (uint32_t)l);
}

/* The lock family. */
void fd_lock_findings(struct fd_ctx *c)
{
	lock_deadlock(c);
	lock_stuck(c);
	lock_race(c);
}
