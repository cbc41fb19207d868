/*
 * lanemarks.c - per-lane arrays of instants (see lanemarks.h): an array of
 * lanes grown to the highest lane that has a mark, each lane an array of
 * marks in time order, found by binary search.
 */
#include <errno.h>
#include <stdlib.h>
#include "lanemarks.h"

#define LANEMARKS_MAX_LANE (1u << 24)

struct lm_lane {
	struct lanemark *v;
	size_t n, cap;
};

struct lanemarks {
	struct lm_lane *lanes;
	size_t nlanes;
	size_t total;
};

/* Append m to lane's marks (making *lm on first use); 0 or -ENOMEM. */
int lanemarks_add(struct lanemarks **lm, uint32_t lane, const struct lanemark *m)
{
	if (lane >= LANEMARKS_MAX_LANE)
		return -EINVAL;
	if (!*lm && !(*lm = calloc(1, sizeof **lm)))
		return -ENOMEM;
	struct lanemarks *x = *lm;
	if (lane >= x->nlanes) {
		size_t n = x->nlanes ? x->nlanes : 8;
		while (n <= lane)
			n *= 2;
		struct lm_lane *p = realloc(x->lanes, n * sizeof *p);
		if (!p)
			return -ENOMEM;
		for (size_t i = x->nlanes; i < n; i++)
			p[i] = (struct lm_lane){ NULL, 0, 0 };
		x->lanes = p;
		x->nlanes = n;
	}
	struct lm_lane *ln = &x->lanes[lane];
	if (ln->n == ln->cap) {
		size_t cap = ln->cap ? ln->cap * 2 : 16;
		struct lanemark *p = realloc(ln->v, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		ln->v = p;
		ln->cap = cap;
	}
	ln->v[ln->n] = *m;
	if (ln->n && ln->v[ln->n].t < ln->v[ln->n - 1].t)
		ln->v[ln->n].t = ln->v[ln->n - 1].t;    /* keep the lane sorted */
	ln->n++;
	x->total++;
	return 0;
}

/* Return the marks of lane, or NULL (and *n = 0) when it has none. */
static const struct lanemark *lm_of(const struct lanemarks *lm, uint32_t lane, size_t *n)
{
	*n = 0;
	if (!lm || lane >= lm->nlanes)
		return NULL;
	*n = lm->lanes[lane].n;
	return lm->lanes[lane].v;
}

/* Return the index of the first of the n marks v with t >= t0. */
static size_t lm_lower(const struct lanemark *v, size_t n, int64_t t0)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].t < t0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Return how many marks lane has in [t0, t1), the first in *first. */
size_t lanemarks_range(const struct lanemarks *lm, uint32_t lane, int64_t t0, int64_t t1,
		       const struct lanemark **first)
{
	size_t n;
	const struct lanemark *v = lm_of(lm, lane, &n);
	*first = NULL;
	if (!n || t1 <= t0)
		return 0;
	size_t a = lm_lower(v, n, t0), b = lm_lower(v, n, t1);
	if (b <= a)
		return 0;
	*first = &v[a];
	return b - a;
}

/* Return lane's last mark at or before t, or NULL. */
const struct lanemark *lanemarks_at(const struct lanemarks *lm, uint32_t lane, int64_t t)
{
	size_t n;
	const struct lanemark *v = lm_of(lm, lane, &n);
	if (!n || t == INT64_MAX)
		return n ? &v[n - 1] : NULL;
	size_t k = lm_lower(v, n, t + 1);   /* marks with t' <= t are before k */
	return k ? &v[k - 1] : NULL;
}

/* Return the number of marks of every lane. */
size_t lanemarks_count(const struct lanemarks *lm)
{
	return lm ? lm->total : 0;
}

/* Free everything. */
void lanemarks_free(struct lanemarks *lm)
{
	if (!lm)
		return;
	for (size_t i = 0; i < lm->nlanes; i++)
		free(lm->lanes[i].v);
	free(lm->lanes);
	free(lm);
}
