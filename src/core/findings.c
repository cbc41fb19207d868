/*
 * findings.c - the findings of a run: reading the timeline incrementally,
 * the digest the families look at, and the ranked list.
 *
 * An update first reads, on every lane, the spans closed since the last
 * update (a cursor per lane): I/O time per task, CPU time of no task, and on
 * event loops the busy segments (one task's callbacks, or a traced loop
 * thread's work, between two polls) that lasted past the block threshold.
 * Then it digests the run in O(lanes + tasks) from what the timeline keeps
 * anyway (per-lane state totals, the task table) and lets each family of
 * findings (findings_<family>.c) add what it sees. Last, the list is ranked:
 * warnings before good news, each by its score.
 *
 * A timeline that was rebuilt (a replay seeking back, a new run at the same
 * address) has another origin or fewer events: the state starts afresh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "findings_int.h"

#define FD_BLOCK_NS 10000000   /* 10 ms: a callback this long blocks the loop */
#define FD_DEADLOCK_NS 2000000000ll

/* Fill o with the defaults. */
void findings_opts_default(struct findings_opts *o)
{
	memset(o, 0, sizeof *o);
	o->loop_block_ns = FD_BLOCK_NS;
	o->deadlock_ns = FD_DEADLOCK_NS;
}

/* Initialise an empty state. */
void findings_state_init(struct findings_state *st)
{
	memset(st, 0, sizeof *st);
}

/* Forget what was read, keeping the memory of the list. */
void findings_state_reset(struct findings_state *st)
{
	free(st->lanes);
	free(st->tasks);
	st->lanes = NULL;
	st->tasks = NULL;
	st->nlanes = st->ntasks = 0;
	st->nblocks = 0;
	st->origin = st->events = 0;
	st->list.n = 0;
	st->list.nlanes = 0;
}

/* Free everything st owns. */
void findings_state_free(struct findings_state *st)
{
	findings_state_reset(st);
	free(st->blocks);
	free(st->scratch);
	free(st->list.lanes);
	free(st->cur);
	memset(st, 0, sizeof *st);
}

/* Grow an array of *n elements of size sz to want, zeroing the new ones; 0 or -ENOMEM. */
static int fs_grow(void **arr, size_t *n, size_t want, size_t sz)
{
	if (want <= *n)
		return 0;
	void *p = realloc(*arr, want * sz);
	if (!p)
		return -ENOMEM;
	memset((char *)p + *n * sz, 0, (want - *n) * sz);
	*arr = p;
	*n = want;
	return 0;
}

/* Record block b when it lasted long enough; 0 or -ENOMEM. */
static int fs_add_block(struct findings_state *st, const struct fs_block *b)
{
	if (b->ns < st->block_ns)
		return 0;
	if (st->nblocks == st->blocks_cap) {
		size_t cap = st->blocks_cap ? st->blocks_cap * 2 : 64;
		struct fs_block *p = realloc(st->blocks, cap * sizeof *p);
		if (!p)
			return -ENOMEM;
		st->blocks = p;
		st->blocks_cap = cap;
	}
	st->blocks[st->nblocks++] = *b;
	return 0;
}

/* Lane fl's open segment as a block; see findings_int.h. */
struct fs_block fs_seg_block(const struct fs_lane *fl, uint32_t lane)
{
	return (struct fs_block){ fl->seg_t0, fl->seg_end - fl->seg_t0, fl->seg_io_ns,
				  fl->seg_cpu_ns, fl->seg_task, lane };
}

/* Close lane fl's open segment, recording it when it lasted long enough. */
static int fs_close_seg(struct findings_state *st, struct fs_lane *fl, uint32_t lane)
{
	if (!fl->in_seg)
		return 0;
	fl->in_seg = false;
	struct fs_block b = fs_seg_block(fl, lane);
	return fs_add_block(st, &b);
}

/* True for the states in which a loop thread is not polling but working
 * (running callbacks, computing, blocked in I/O or on a lock). */
static bool fs_busy(int state)
{
	return state == ST_CALLBACK || state == ST_CPU || state == ST_READY || state == ST_IO ||
	       state == ST_LOCK;
}

/* Take span sp of loop lane `lane` (ending at end) into fl's segments; see
 * findings_int.h. */
bool fs_seg_step(struct fs_lane *fl, uint32_t lane, const struct tl_span *sp, int64_t end,
		 struct fs_block *closed)
{
	bool busy = fs_busy(sp->state);
	bool goes_on = busy && fl->in_seg && fl->seg_task == sp->task && fl->seg_end == sp->t0;
	bool ended = fl->in_seg && !goes_on;
	if (ended) {
		*closed = fs_seg_block(fl, lane);
		fl->in_seg = false;
	}
	if (!busy)
		return ended;
	if (!goes_on) {
		fl->in_seg = true;
		fl->seg_task = sp->task;
		fl->seg_t0 = sp->t0;
		fl->seg_io_ns = fl->seg_cpu_ns = 0;
	}
	fl->seg_end = end;
	uint64_t d = (uint64_t)(end - sp->t0);
	if (sp->state == ST_IO)
		fl->seg_io_ns += d;
	else if (sp->state == ST_CPU)
		fl->seg_cpu_ns += d;
	return ended;
}

/* Take one closed span of a loop lane into its segments. */
static int fs_loop_span(struct findings_state *st, struct fs_lane *fl, uint32_t lane,
			const struct tl_span *sp, int64_t end)
{
	uint64_t d = (uint64_t)(end - sp->t0);
	if (sp->state == ST_POLL)
		fl->poll_ns += d;
	else if (fs_busy(sp->state))
		fl->busy_ns += d;
	struct fs_block b;
	return fs_seg_step(fl, lane, sp, end, &b) ? fs_add_block(st, &b) : 0;
}

/* Read lane l's spans closed since the last update. */
static int fs_scan_lane(struct findings_state *st, const struct session *s, const struct timeline *tl,
			size_t l)
{
	const struct tl_lane *ln = &tl->lanes[l];
	struct fs_lane *fl = &st->lanes[l];
	size_t limit = ln->end >= 0 ? ln->n : ln->n ? ln->n - 1 : 0;
	if (fl->cur == 0 && s && l < s->nlanes && s->lanes[l].kind == LANE_LOOP)
		fl->loop = true;
	bool was_open = fl->cur < ln->n;
	for (size_t i = fl->cur; i < limit; i++) {
		const struct tl_span *sp = tl_span_at(ln, i);
		int64_t end = timeline_span_end(tl, l, i);
		uint64_t d = end > sp->t0 ? (uint64_t)(end - sp->t0) : 0;
		if (sp->state == ST_IO && sp->task < st->ntasks)
			st->tasks[sp->task].io_ns += d;
		else if (sp->state == ST_CPU && sp->task == CV_NO_TASK)
			fl->cpu_notask_ns += d;
		if (sp->state == ST_POLL)
			fl->loop = true;
		if (fl->loop) {
			int rc = fs_loop_span(st, fl, (uint32_t)l, sp, end);
			if (rc)
				return rc;
		}
	}
	fl->cur = limit;
	if (ln->end >= 0 && was_open)   /* the lane is over: so is its segment */
		return fs_close_seg(st, fl, (uint32_t)l);
	return 0;
}

/* Bring the incremental state up to date with tl. */
static int fs_scan(struct findings_state *st, const struct session *s, const struct timeline *tl,
		   const struct findings_opts *o)
{
	if (tl->origin != st->origin || tl->stats.events < st->events || o->loop_block_ns != st->block_ns ||
	    tl->nlanes < st->nlanes) {
		findings_state_reset(st);
		st->origin = tl->origin;
		st->block_ns = o->loop_block_ns;
	}
	st->events = tl->stats.events;
	if (fs_grow((void **)&st->lanes, &st->nlanes, tl->nlanes, sizeof *st->lanes) ||
	    fs_grow((void **)&st->tasks, &st->ntasks, tl->ntasks, sizeof *st->tasks))
		return -ENOMEM;
	for (size_t l = 0; l < tl->nlanes; l++) {
		int rc = fs_scan_lane(st, s, tl, l);
		if (rc)
			return rc;
	}
	return 0;
}

/* Fill one lane of the digest from the timeline's totals and the state. */
static void fd_lane_digest(struct fd_ctx *c, size_t l)
{
	const struct tl_lane *ln = &c->tl->lanes[l];
	const struct fs_lane *fl = &c->st->lanes[l];
	struct fd_lane *d = &c->lanes[l];
	memset(d, 0, sizeof *d);
	timeline_lane_stats(c->tl, l, d->ns);
	d->notask = fl->cpu_notask_ns;
	if (ln->n && ln->end < 0 && fl->cur < ln->n) {   /* the open span, up to now */
		const struct tl_span *sp = tl_span_at(ln, ln->n - 1);
		if (sp->state == ST_CPU && sp->task == CV_NO_TASK)
			d->notask += (uint64_t)(timeline_span_end(c->tl, l, ln->n - 1) - sp->t0);
	}
	d->cpu = d->notask;
	d->first_begin = d->last_end = -1;
	d->first_task = CV_NO_TASK;
	uint8_t kind = c->s && l < c->s->nlanes ? c->s->lanes[l].kind : LANE_WORKER;
	d->cls = fl->loop || kind == LANE_LOOP ? FD_LOOP : kind == LANE_TASK ? FD_TASK : FD_POOL;
}

/* Build the digest of the run: window, lanes, tasks. 0 or -ENOMEM. */
static int fd_digest(struct fd_ctx *c)
{
	const struct timeline *tl = c->tl;
	c->b = tl->run_begin >= 0 ? tl->run_begin : (tl->stats.t_first > 0 ? tl->stats.t_first : 0);
	c->e = tl->run_end >= 0 ? tl->run_end : tl->now;
	c->wall = c->e > c->b ? c->e - c->b : 0;
	c->cores = c->s && c->s->cores > 0 ? c->s->cores : 1;
	c->traced = c->s && c->s->params.mode == MODE_TRACE;
	c->nlanes = tl->nlanes;
	if (fs_grow((void **)&c->st->cur, &c->st->cur_cap, c->nlanes, sizeof *c->lanes))
		return -ENOMEM;
	c->lanes = c->st->cur;
	for (size_t l = 0; l < c->nlanes; l++)
		fd_lane_digest(c, l);
	c->first_begin = c->last_end = -1;
	c->ntasks = (uint32_t)tl->ntasks;
	for (size_t i = 0; i < tl->ntasks; i++) {
		const struct tl_task *tk = &tl->tasks[i];
		bool ended = tk->state == TASK_DONE || tk->state == TASK_FAILED;
		c->done += tk->state == TASK_DONE;
		c->failed += tk->state == TASK_FAILED && tk->reason != FAIL_CANCELLED;
		c->cancelled += tk->state == TASK_FAILED && tk->reason == FAIL_CANCELLED;
		if (tk->lane >= c->nlanes)
			continue;
		struct fd_lane *d = &c->lanes[tk->lane];
		d->cpu += tk->cpu_ns;
		if (tk->t_begin >= 0 && (d->first_begin < 0 || tk->t_begin < d->first_begin)) {
			d->first_begin = tk->t_begin;
			d->first_task = (uint32_t)i;
		}
		if (tk->t_begin >= 0 && (c->first_begin < 0 || tk->t_begin < c->first_begin))
			c->first_begin = tk->t_begin;
		if (ended && tk->reason != FAIL_CANCELLED) {
			d->tasks++;
			if (tk->t_end > d->last_end)
				d->last_end = tk->t_end;
			if (tk->t_end > c->last_end)
				c->last_end = tk->t_end;
		}
	}
	c->ended = c->done + c->failed;
	return 0;
}

/* Compare two lane numbers (qsort). */
static int fd_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Sort and deduplicate every finding's lanes, then rank the findings:
 * warnings first, each severity by score, ties in the order found. */
static void fd_rank(struct findings *l)
{
	for (int i = 0; i < l->n; i++) {
		struct finding *f = &l->f[i];
		if (f->nlanes == 0)
			continue;
		uint32_t *v = l->lanes + f->lane_off;
		qsort(v, f->nlanes, sizeof *v, fd_cmp_u32);
		size_t k = 0;
		for (size_t j = 0; j < f->nlanes; j++)
			if (k == 0 || v[j] != v[k - 1])
				v[k++] = v[j];
		f->nlanes = k;
	}
	for (int i = 1; i < l->n; i++) {
		struct finding x = l->f[i];
		int j = i;
		while (j > 0 && (l->f[j - 1].severity < x.severity ||
				 (l->f[j - 1].severity == x.severity && l->f[j - 1].score < x.score))) {
			l->f[j] = l->f[j - 1];
			j--;
		}
		l->f[j] = x;
	}
}

/* Read what tl gained and rebuild st->list; see findings.h. */
int findings_update(struct findings_state *st, const struct session *s, const struct timeline *tl,
		    const struct findings_opts *o)
{
	struct findings_opts def;
	if (!o) {
		findings_opts_default(&def);
		o = &def;
	}
	st->list.n = 0;
	st->list.nlanes = 0;
	st->err = fs_scan(st, s, tl, o);
	struct fd_ctx c = { .s = s, .tl = tl, .o = o, .st = st, .out = &st->list };
	if (!st->err)
		st->err = fd_digest(&c);
	if (st->err) {
		st->list.n = 0;
		return st->err;
	}
	if (c.wall > 0) {
		fd_lock_findings(&c);
		fd_loop_findings(&c);
		fd_cpu_findings(&c);
		fd_io_findings(&c);
		fd_tail_findings(&c);
		fd_run_findings(&c);
	}
	if (st->err) {       /* a family ran out of memory */
		st->list.n = 0;
		return st->err;
	}
	fd_rank(&st->list);
	return 0;
}

/* Return the most important finding, or NULL. */
const struct finding *findings_top(const struct findings *l)
{
	return l && l->n > 0 ? &l->f[0] : NULL;
}

/* Return the most important finding with a suggestion, or NULL. */
const struct finding *findings_top_suggestion(const struct findings *l)
{
	for (int i = 0; l && i < l->n; i++)
		if (l->f[i].has_suggest)
			return &l->f[i];
	return NULL;
}

/* Return f's lanes and their count. */
const uint32_t *findings_lanes(const struct findings *l, const struct finding *f, size_t *n)
{
	*n = f->nlanes;
	return l->lanes ? l->lanes + f->lane_off : NULL;
}

/* True when lane is one of f's lanes. */
bool findings_has_lane(const struct findings *l, const struct finding *f, uint32_t lane)
{
	size_t n;
	const uint32_t *v = findings_lanes(l, f, &n);
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < lane)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == lane;
}

/* Return the finding with this id, or NULL. */
const struct finding *findings_find(const struct findings *l, const char *id)
{
	for (int i = 0; l && id && i < l->n; i++)
		if (!strcmp(l->f[i].id, id))
			return &l->f[i];
	return NULL;
}

/* Fill b from a list: the top finding's id and the top suggestion. */
void findings_brief(const struct findings *l, struct finding_brief *b)
{
	memset(b, 0, sizeof *b);
	const struct finding *top = findings_top(l), *sug = findings_top_suggestion(l);
	if (top) {
		snprintf(b->id, sizeof b->id, "%s", top->id);
		b->severity = top->severity;
	}
	if (sug) {
		b->has_suggest = true;
		b->suggest = sug->suggest;
		snprintf(b->suggest_id, sizeof b->suggest_id, "%s", sug->id);
	}
}
