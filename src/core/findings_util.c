/*
 * findings_util.c - what every finding family uses: adding a finding and its
 * lanes, scratch memory, the greedy schedule and the quantile the
 * predictions are built on, and numbers and lane names in words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "findings_int.h"

/* Start a finding (see findings_int.h). */
struct finding *fd_add(struct fd_ctx *c, const char *id, enum finding_severity sev, double score,
		       int64_t t0, int64_t t1, const char *fmt, ...)
{
	struct findings *l = c->out;
	struct finding *f = l->n < FINDINGS_MAX ? &l->f[l->n++] : &c->sink;
	memset(f, 0, sizeof *f);
	snprintf(f->id, sizeof f->id, "%s", id);
	f->severity = sev;
	f->score = score;
	f->t0 = t0 < t1 ? t0 : t1;
	f->t1 = t0 < t1 ? t1 : t0;
	f->lane_off = l->nlanes;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof f->text, fmt, ap);
	va_end(ap);
	return f;
}

/* Add lane l to f, the finding fd_add returned last. */
void fd_lane(struct fd_ctx *c, struct finding *f, uint32_t l)
{
	struct findings *fl = c->out;
	if (f == &c->sink)
		return;
	if (fl->nlanes == fl->lanes_cap) {
		size_t cap = fl->lanes_cap ? fl->lanes_cap * 2 : 64;
		uint32_t *p = realloc(fl->lanes, cap * sizeof *p);
		if (!p) {
			c->st->err = -ENOMEM;
			return;
		}
		fl->lanes = p;
		fl->lanes_cap = cap;
	}
	fl->lanes[fl->nlanes++] = l;
	f->nlanes++;
}

/* Attach a suggestion to f. */
void fd_suggest(struct finding *f, enum cv_mode mode, int workers, double speedup)
{
	f->has_suggest = true;
	f->suggest = (struct finding_suggest){ mode, workers, speedup };
}

/* Return the scratch array of n doubles, NULL (and the error kept) on ENOMEM. */
double *fd_scratch(struct fd_ctx *c, size_t n)
{
	struct findings_state *st = c->st;
	if (n > st->scratch_cap) {
		double *p = realloc(st->scratch, n * sizeof *p);
		if (!p) {
			st->err = -ENOMEM;
			return NULL;
		}
		st->scratch = p;
		st->scratch_cap = n;
	}
	return st->scratch;
}

/* Restore the min-heap property of h[0..p) below slot i. */
static void fd_sift(double *h, int p, int i)
{
	for (;;) {
		int m = i, a = 2 * i + 1, b = a + 1;
		if (a < p && h[a] < h[m])
			m = a;
		if (b < p && h[b] < h[m])
			m = b;
		if (m == i)
			return;
		double t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Return the makespan of cost[0..n) taken in order by p workers, each job
 * going to the worker that is free first: a min-heap of the workers' loads,
 * O(n log p). */
double fd_makespan(const double *cost, size_t n, int p, double *heap)
{
	if (p < 1)
		p = 1;
	for (int i = 0; i < p; i++)
		heap[i] = 0;
	double span = 0;
	for (size_t j = 0; j < n; j++) {
		heap[0] += cost[j];
		if (heap[0] > span)
			span = heap[0];
		fd_sift(heap, p, 0);
	}
	return span;
}

/* Return the run's measured start-up (run begin to first task begin) plus,
 * once it is over, its wind-down (last task end to run end), ns. */
double fd_overhead(const struct fd_ctx *c)
{
	double t = 0;
	if (c->first_begin > c->b)
		t += (double)(c->first_begin - c->b);
	if (!c->o->live && c->last_end >= 0 && c->e > c->last_end)
		t += (double)(c->e - c->last_end);
	return t;
}

/* Predict the wall time of cost[0..n) on p workers (see findings_int.h). */
double fd_predict(const struct fd_ctx *c, double *cost, size_t n, int p)
{
	return fd_makespan(cost, n, p, cost + n) + fd_overhead(c);
}

/* Return the q-quantile of v[0..n) by quickselect (reorders v). */
double fd_quantile(double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	long k = (long)(q * (double)(n - 1));
	if (k < 0)
		k = 0;
	if (k >= (long)n)
		k = (long)n - 1;
	long lo = 0, hi = (long)n - 1;
	while (lo < hi) {   /* Hoare's partition: [lo, j] <= pivot <= [j + 1, hi] */
		double pivot = v[lo + (hi - lo) / 2];
		long i = lo - 1, j = hi + 1;
		for (;;) {
			do
				i++;
			while (v[i] < pivot);
			do
				j--;
			while (v[j] > pivot);
			if (i >= j)
				break;
			double t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
		if (k <= j)
			hi = j;
		else
			lo = j + 1;
	}
	return v[k];
}

/* Format ns with three significant digits: "3.10 s", "156 ms", "450 us". */
const char *fd_dur(int64_t ns, char *buf, size_t n)
{
	static const struct { double unit; const char *name; } u[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" },
	};
	double a = (double)(ns < 0 ? -ns : ns);
	size_t i = 0;
	while (i < 3 && a < u[i].unit * 0.9995)
		i++;
	double v = (double)ns / u[i].unit;
	double av = v < 0 ? -v : v;
	snprintf(buf, n, av >= 99.95 ? "%.0f %s" : av >= 9.995 ? "%.1f %s" : "%.2f %s", v, u[i].name);
	return buf;
}

/* Format lane l's name, or "lane N" when the session has none. */
const char *fd_lane_name(const struct fd_ctx *c, uint32_t l, char *buf, size_t n)
{
	const char *name = c->s ? session_lane_name(c->s, l) : "";
	if (name[0])
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "lane %u", l + 1);
	return buf;
}

/* Describe n lanes in words: one by its name, more by count and kind. */
const char *fd_lanes_words(const struct fd_ctx *c, size_t n, uint32_t first, char *buf, size_t len)
{
	if (n == 1)
		return fd_lane_name(c, first, buf, len);
	const char *noun = "lanes";
	enum cv_mode m = c->s ? c->s->params.mode : MODE_THREADS;
	if (first < c->nlanes && c->lanes[first].cls == FD_TASK)
		noun = "tasks";
	else if (m == MODE_THREADS || m == MODE_TRACE)
		noun = "threads";
	else if (m == MODE_PROCS)
		noun = "worker processes";
	snprintf(buf, len, "the %zu %s", n, noun);
	return buf;
}
