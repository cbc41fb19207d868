/*
 * sdk_map.c - SDK records to concviz events (see sdk_map.h for the mapping).
 *
 * State: the open tasks, keyed by the program's 64-bit task id (a hash
 * table of slots into a pool); the producers (threads that wrote records),
 * keyed by pid << 32 | tid, each with its lane, its loop lane and the task
 * its loop runs; and per lane index the task running on it and its
 * explicit state. Open tasks are bounded (SDK_MAP_MAX_OPEN), as are task
 * and lane indices (SDK_MAP_MAX_INDEX): past them records are refused and
 * counted, so a program that begins tasks forever cannot make concviz
 * allocate without bound.
 *
 * Nested tasks on a thread (begin A, begin B, end B) keep the task that was
 * running before: B remembers A, and A runs again when B ends.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sdk_map.h"
#include "timeline.h"

#define NONE UINT32_MAX
#define LANE_NAME_MAX 31u  /* session lane names: 32 bytes with the NUL */

/* An open task. */
struct map_task {
	uint64_t id;        /* the program's id */
	uint64_t prev;      /* thread tasks: the id running on the lane before it */
	uint32_t index;     /* concviz task index */
	uint32_t lane;
	uint32_t prod;      /* the producer that began it (pool index) */
	uint8_t own_lane;   /* a task with a lane of its own (spawned) */
	uint8_t begun;      /* EV_TASK_BEGIN emitted */
	uint8_t name_len;   /* bytes of the name sent (a failure reason goes after) */
};

/* A thread that wrote records. */
struct map_prod {
	uint64_t key;       /* pid << 32 | tid */
	uint32_t lane;      /* its own lane (lane_of), NONE until asked */
	uint32_t loop;      /* its event loop's lane, NONE when it has none */
	uint32_t loop_task; /* the task its loop runs now, NONE */
};

struct map_lane {
	uint64_t cur;       /* id of the task running on it (thread lanes), 0 = none */
	uint8_t over;       /* explicit state: event kind, 0 = none */
};

/* Open addressing from a 64-bit key (never 0) to a pool index. */
struct u64map {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, n;      /* cap: a power of two, n <= cap / 2 */
};

/* A pool of fixed-size entries with a free list. */
struct pool {
	void *items;
	size_t size, n, cap;
	uint32_t *free;
	size_t nfree;
};

struct sdk_map {
	struct sdk_sink sink;
	struct u64map task_ix, prod_ix;
	struct pool tasks, prods;
	struct map_lane *lanes;
	size_t nlanes;
	uint32_t next_task;
	uint64_t last_dropped, last_rejected;
	struct sdk_map_stats st;
};

/* Mix a key into a hash. */
static size_t u64_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k;
}

/* Return the pool index stored for key, or NONE. */
static uint32_t u64map_get(const struct u64map *h, uint64_t key)
{
	if (!h->cap)
		return NONE;
	for (size_t i = u64_hash(key) & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
		if (h->keys[i] == key)
			return h->vals[i];
		if (!h->keys[i])
			return NONE;
	}
}

/* Store key -> val (key not present); 0 or -ENOMEM. */
static int u64map_put(struct u64map *h, uint64_t key, uint32_t val)
{
	if ((h->n + 1) * 2 > h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		uint64_t *keys = calloc(cap, sizeof *keys);
		uint32_t *vals = malloc(cap * sizeof *vals);
		if (!keys || !vals) {
			free(keys);
			free(vals);
			return -ENOMEM;
		}
		for (size_t i = 0; i < h->cap; i++) {
			if (!h->keys[i])
				continue;
			size_t j = u64_hash(h->keys[i]) & (cap - 1);
			while (keys[j])
				j = (j + 1) & (cap - 1);
			keys[j] = h->keys[i];
			vals[j] = h->vals[i];
		}
		free(h->keys);
		free(h->vals);
		h->keys = keys;
		h->vals = vals;
		h->cap = cap;
	}
	size_t i = u64_hash(key) & (h->cap - 1);
	while (h->keys[i])
		i = (i + 1) & (h->cap - 1);
	h->keys[i] = key;
	h->vals[i] = val;
	h->n++;
	return 0;
}

/* Remove key (backward-shift deletion: no tombstones). */
static void u64map_del(struct u64map *h, uint64_t key)
{
	if (!h->cap)
		return;
	size_t m = h->cap - 1, i = u64_hash(key) & m;
	while (h->keys[i] != key) {
		if (!h->keys[i])
			return;
		i = (i + 1) & m;
	}
	for (size_t j = (i + 1) & m; h->keys[j]; j = (j + 1) & m) {
		size_t home = u64_hash(h->keys[j]) & m;
		/* move j back into the hole at i unless its home lies in (i, j] */
		if (((j - home) & m) >= ((j - i) & m)) {
			h->keys[i] = h->keys[j];
			h->vals[i] = h->vals[j];
			i = j;
		}
	}
	h->keys[i] = 0;
	h->n--;
}

/* Free a hash table. */
static void u64map_free(struct u64map *h)
{
	free(h->keys);
	free(h->vals);
}

/* Return item i of pool p. */
static void *pool_at(const struct pool *p, uint32_t i)
{
	return (char *)p->items + (size_t)i * p->size;
}

/* Take a free item; returns its index, or NONE when out of memory. */
static uint32_t pool_take(struct pool *p)
{
	if (p->nfree)
		return p->free[--p->nfree];
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		void *items = realloc(p->items, cap * p->size);
		if (!items)
			return NONE;
		p->items = items;
		uint32_t *fr = realloc(p->free, cap * sizeof *fr);
		if (!fr)
			return NONE;
		p->free = fr;
		p->cap = cap;
	}
	return (uint32_t)p->n++;
}

/* Give item i back. */
static void pool_give(struct pool *p, uint32_t i)
{
	p->free[p->nfree++] = i;
}

/* Make a map; see sdk_map.h. */
int sdk_map_new(struct sdk_map **out, const struct sdk_sink *sink, uint32_t first_task)
{
	struct sdk_map *m = calloc(1, sizeof *m);
	if (!m)
		return -ENOMEM;
	m->sink = *sink;
	m->next_task = first_task;
	m->tasks.size = sizeof(struct map_task);
	m->prods.size = sizeof(struct map_prod);
	*out = m;
	return 0;
}

/* Free the map. */
void sdk_map_free(struct sdk_map *m)
{
	if (!m)
		return;
	u64map_free(&m->task_ix);
	u64map_free(&m->prod_ix);
	free(m->tasks.items);
	free(m->tasks.free);
	free(m->prods.items);
	free(m->prods.free);
	free(m->lanes);
	free(m);
}

/* Emit one event. */
static void put(struct sdk_map *m, uint64_t t, uint32_t lane, uint32_t task, enum ev_kind kind,
		uint16_t code, uint32_t aux, uint64_t arg)
{
	struct cv_event ev = { t, arg, lane, task, (uint16_t)kind, code, aux };
	m->sink.emit(m->sink.ctx, &ev);
}

/* Emit the pieces of a name (kind EV_LANE_NAME, EV_TASK_NAME or
 * EV_USER_MARK) starting at byte `off` of it (0: the whole name afresh). */
static void put_name(struct sdk_map *m, uint64_t t, uint32_t lane, uint32_t task,
		     enum ev_kind kind, size_t off, const char *name)
{
	struct cv_event ev[CV_NAME_PIECES_MAX];
	int n = cv_name_pieces(ev, t, lane, task, kind, name);
	for (int i = 0; i < n; i++) {
		ev[i].code = (uint16_t)(((ev[i].code & ~CV_NAME_LAST) + off) | (ev[i].code & CV_NAME_LAST));
		m->sink.emit(m->sink.ctx, &ev[i]);
	}
}

/* Make sure lane l has an entry; false when out of memory or absurd. */
static bool lane_room(struct sdk_map *m, uint32_t l)
{
	if (l < m->nlanes)
		return true;
	if (l >= SDK_MAP_MAX_INDEX)
		return false;
	size_t n = m->nlanes ? m->nlanes : 64;
	while (n <= l)
		n *= 2;
	struct map_lane *p = realloc(m->lanes, n * sizeof *p);
	if (!p)
		return false;
	memset(p + m->nlanes, 0, (n - m->nlanes) * sizeof *p);
	m->lanes = p;
	m->nlanes = n;
	return true;
}

/* Return the producer (pid, tid), making it; NULL when out of memory. */
static struct map_prod *prod_get(struct sdk_map *m, uint32_t pid, uint32_t tid, uint32_t *ix)
{
	uint64_t key = (uint64_t)pid << 32 | tid;
	uint32_t i = u64map_get(&m->prod_ix, key);
	if (i == NONE) {
		if ((i = pool_take(&m->prods)) == NONE)
			return NULL;
		if (u64map_put(&m->prod_ix, key, i) < 0) {
			pool_give(&m->prods, i);
			return NULL;
		}
		*(struct map_prod *)pool_at(&m->prods, i) = (struct map_prod){ key, NONE, NONE, NONE };
	}
	*ix = i;
	return pool_at(&m->prods, i);
}

/* Return the producer's own lane (asking the sink once), or NONE. */
static uint32_t prod_lane(struct sdk_map *m, struct map_prod *p)
{
	if (p->lane == NONE) {
		long l = m->sink.lane_of(m->sink.ctx, (uint32_t)(p->key >> 32), (uint32_t)p->key);
		if (l >= 0 && l < (long)SDK_MAP_MAX_INDEX && lane_room(m, (uint32_t)l))
			p->lane = (uint32_t)l;
	}
	return p->lane;
}

/* Make a lane of kind named `name` for producer p; returns it or NONE. */
static uint32_t lane_make(struct sdk_map *m, uint64_t t, const struct map_prod *p, const char *name,
			  enum lane_kind kind, uint32_t tid)
{
	char cut[LANE_NAME_MAX + 1];
	size_t n = strlen(name);
	if (n > LANE_NAME_MAX) {        /* at a UTF-8 character boundary */
		n = LANE_NAME_MAX;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(cut, name, n);
	cut[n] = 0;
	uint32_t pid = (uint32_t)(p->key >> 32);
	long l = m->sink.new_lane(m->sink.ctx, cut, kind, pid, tid);
	if (l < 0 || l >= (long)SDK_MAP_MAX_INDEX || !lane_room(m, (uint32_t)l))
		return NONE;
	m->st.lanes++;
	put(m, t, (uint32_t)l, CV_NO_TASK, EV_LANE_START, (uint16_t)kind, 0, pid); /* no thread's */
	put_name(m, t, (uint32_t)l, CV_NO_TASK, EV_LANE_NAME, 0, cut);
	return (uint32_t)l;
}

/* Return the producer's loop lane, making it on first use; NONE on failure. */
static uint32_t loop_lane(struct sdk_map *m, uint64_t t, struct map_prod *p)
{
	if (p->loop == NONE) {
		char name[LANE_NAME_MAX + 1];
		uint32_t pid = (uint32_t)(p->key >> 32), tid = (uint32_t)p->key;
		if (pid == tid)
			snprintf(name, sizeof name, "loop");
		else
			snprintf(name, sizeof name, "loop %u", tid);
		p->loop = lane_make(m, t, p, name, LANE_LOOP, tid);
		p->loop_task = NONE;
	}
	return p->loop;
}

/* Return the open task with id, or NULL. */
static struct map_task *task_find(struct sdk_map *m, uint64_t id, uint32_t *ix)
{
	uint32_t i = u64map_get(&m->task_ix, id);
	if (i == NONE)
		return NULL;
	if (ix)
		*ix = i;
	return pool_at(&m->tasks, i);
}

/* Open task id on lane; names it and returns it, NULL when refused. */
static struct map_task *task_open(struct sdk_map *m, const struct sdk_rec *r, uint32_t lane,
				  uint32_t prod, bool own_lane)
{
	if (m->st.open >= SDK_MAP_MAX_OPEN || m->next_task >= SDK_MAP_MAX_INDEX ||
	    task_find(m, r->task, NULL))
		return NULL;
	uint32_t i = pool_take(&m->tasks);
	if (i == NONE)
		return NULL;
	if (u64map_put(&m->task_ix, r->task, i) < 0) {
		pool_give(&m->tasks, i);
		return NULL;
	}
	struct map_task *k = pool_at(&m->tasks, i);
	*k = (struct map_task){ .id = r->task, .index = m->next_task++, .lane = lane, .prod = prod,
				.own_lane = own_lane, .name_len = r->len };
	char fallback[24];
	const char *name = r->name;
	if (!r->len) {
		snprintf(fallback, sizeof fallback, "task %u", k->index);
		name = fallback;
		k->name_len = (uint8_t)strlen(fallback);
	}
	put_name(m, r->t, lane, k->index, EV_TASK_NAME, 0, name);
	m->st.tasks++;
	m->st.open++;
	return k;
}

/* Close task slot i (already ended in events). */
static void task_close(struct sdk_map *m, uint32_t i)
{
	struct map_task *k = pool_at(&m->tasks, i);
	u64map_del(&m->task_ix, k->id);
	pool_give(&m->tasks, i);
	m->st.open--;
}

/* Emit a thread lane's state now: its explicit state, or running. */
static void lane_state(struct sdk_map *m, uint64_t t, uint32_t lane)
{
	struct map_lane *ln = &m->lanes[lane];
	struct map_task *cur = ln->cur ? task_find(m, ln->cur, NULL) : NULL;
	uint32_t task = cur ? cur->index : CV_NO_TASK;
	unsigned kind = ln->over ? ln->over : EV_CPU;
	put(m, t, lane, task, (enum ev_kind)kind, 0, kind == EV_LOCK_WAIT ? TL_NO_LOCK : 0, 0);
}

/* If p's loop runs task index `task`, say it runs callbacks of no task. */
static void loop_release(struct sdk_map *m, uint64_t t, struct map_prod *p, uint32_t task)
{
	if (p && p->loop != NONE && p->loop_task == task) {
		put(m, t, p->loop, CV_NO_TASK, EV_CALLBACK, 0, 0, 0);
		p->loop_task = NONE;
	}
}

/* End task slot i: done, failed (reason appended to its name) or
 * cancelled, at time t; `by` is the producer that said so (NULL: the map). */
static void task_end(struct sdk_map *m, uint64_t t, uint32_t i, unsigned how, const char *reason,
		     struct map_prod *by)
{
	struct map_task *k = pool_at(&m->tasks, i);
	size_t rlen = reason ? strnlen(reason, CVZ_WIRE_NAME) : 0;
	if (how == CVZ_K_FAIL && rlen && k->name_len + 2 + rlen <= CV_NAME_MAX) {
		char buf[CVZ_WIRE_NAME + 3] = ": ";
		memcpy(buf + 2, reason, rlen);
		buf[2 + rlen] = 0;
		put_name(m, t, k->lane, k->index, EV_TASK_NAME, k->name_len, buf);
	}
	if (how == CVZ_K_END) {
		put(m, t, k->lane, k->index, EV_TASK_END, 0, 0, 0);
		m->st.done++;
	} else {
		uint32_t why = how == CVZ_K_CANCEL ? FAIL_CANCELLED : FAIL_OTHER;
		put(m, t, k->lane, k->index, EV_TASK_FAIL, 0, why, 0);
		if (how == CVZ_K_CANCEL)
			m->st.cancelled++;
		else
			m->st.failed++;
	}
	if (k->own_lane) {
		put(m, t, k->lane, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
		loop_release(m, t, pool_at(&m->prods, k->prod), k->index);
	} else {
		struct map_lane *ln = &m->lanes[k->lane];
		uint32_t lane = k->lane;
		bool own = by && by->lane == lane;
		if (ln->cur == k->id)
			ln->cur = k->prev;
		task_close(m, i);
		if (ln->cur && !task_find(m, ln->cur, NULL))
			ln->cur = 0;            /* the task before it ended already */
		if (own)
			lane_state(m, t, lane); /* the thread that ended it runs */
		return;
	}
	task_close(m, i);
}

/* A task begins on the calling thread's lane. */
static void take_begin(struct sdk_map *m, const struct sdk_rec *r, struct map_prod *p, uint32_t pi)
{
	uint32_t lane = prod_lane(m, p);
	struct map_task *k = lane == NONE ? NULL : task_open(m, r, lane, pi, false);
	if (!k) {
		m->st.refused++;
		return;
	}
	k->begun = 1;
	k->prev = m->lanes[lane].cur;
	m->lanes[lane].cur = k->id;
	put(m, r->t, lane, k->index, EV_TASK_BEGIN, 0, 0, 0);
	lane_state(m, r->t, lane);
}

/* A task with a lane of its own is created (queued). */
static void take_spawn(struct sdk_map *m, const struct sdk_rec *r, struct map_prod *p, uint32_t pi)
{
	if (m->st.open >= SDK_MAP_MAX_OPEN || m->next_task >= SDK_MAP_MAX_INDEX ||
	    task_find(m, r->task, NULL)) {
		m->st.refused++;
		return;
	}
	uint32_t lane = lane_make(m, r->t, p, r->len ? r->name : "task", LANE_TASK, 0);
	struct map_task *k = lane == NONE ? NULL : task_open(m, r, lane, pi, true);
	if (!k) {
		m->st.refused++;
		return;
	}
	put(m, r->t, lane, k->index, EV_TASK_QUEUED, 0, 0, 0);
}

/* A spawned task runs a step, or is suspended. */
static void take_step(struct sdk_map *m, const struct sdk_rec *r, struct map_prod *p)
{
	struct map_task *k = task_find(m, r->task, NULL);
	if (!k || !k->own_lane) {
		m->st.unmatched++;
		return;
	}
	if (r->kind == CVZ_K_RUN) {
		if (!k->begun) {
			put(m, r->t, k->lane, k->index, EV_TASK_BEGIN, 0, 0, 0);
			k->begun = 1;
		}
		put(m, r->t, k->lane, k->index, EV_CPU, 0, 0, 0);
		if (p->loop != NONE && p->loop_task != k->index) {
			put(m, r->t, p->loop, k->index, EV_CALLBACK, 0, 0, 0);
			p->loop_task = k->index;
		}
	} else {
		put(m, r->t, k->lane, k->index, EV_IO, 0, 0, 0);
		loop_release(m, r->t, p, k->index);
	}
}

/* The calling thread sets (or clears) its explicit state. */
static void take_state(struct sdk_map *m, const struct sdk_rec *r, struct map_prod *p)
{
	static const uint8_t kinds[] = { [CVZ_AUTO] = 0, [CVZ_CPU] = EV_CPU, [CVZ_IO] = EV_IO,
					 [CVZ_LOCK] = EV_LOCK_WAIT, [CVZ_IDLE] = EV_IDLE };
	uint32_t lane = prod_lane(m, p);
	if (lane == NONE || r->state > CVZ_IDLE) {
		m->st.refused++;
		return;
	}
	m->lanes[lane].over = kinds[r->state];
	lane_state(m, r->t, lane);
}

/* The producer's event loop polls, runs callbacks, or stops. */
static void take_loop(struct sdk_map *m, const struct sdk_rec *r, struct map_prod *p)
{
	if (r->kind == CVZ_K_LOOP_STOP) {
		if (p->loop != NONE) {
			put(m, r->t, p->loop, CV_NO_TASK, EV_IDLE, 0, 0, 0);
			p->loop_task = NONE;
		}
		return;
	}
	uint32_t lane = loop_lane(m, r->t, p);
	if (lane == NONE) {
		m->st.refused++;
		return;
	}
	p->loop_task = NONE;
	put(m, r->t, lane, CV_NO_TASK, r->kind == CVZ_K_LOOP_POLL ? EV_POLL : EV_CALLBACK, 0, 0, 0);
}

/* Producer slot pi is gone: cancel its open tasks, end its lanes, forget it. */
static void take_gone(struct sdk_map *m, uint64_t t, uint32_t pi)
{
	for (uint32_t i = 0; i < m->tasks.n; i++) {
		struct map_task *k = pool_at(&m->tasks, i);
		if (u64map_get(&m->task_ix, k->id) == i && k->prod == pi)
			task_end(m, t, i, CVZ_K_CANCEL, NULL, NULL);
	}
	struct map_prod *p = pool_at(&m->prods, pi);
	if (p->loop != NONE)
		put(m, t, p->loop, CV_NO_TASK, EV_LANE_END, 0, 0, 0);
	if (p->lane != NONE && p->lane < m->nlanes)
		m->lanes[p->lane] = (struct map_lane){ 0, 0 };
	u64map_del(&m->prod_ix, p->key);
	pool_give(&m->prods, pi);
}

/* Turn one record into events; see sdk_map.h. */
int sdk_map_take(struct sdk_map *m, const struct sdk_rec *r)
{
	uint32_t pi;
	struct map_prod *p = prod_get(m, r->pid, r->tid, &pi);
	if (!p)
		return -ENOMEM;
	uint32_t i;
	switch (r->kind) {
	case CVZ_K_BEGIN:
		take_begin(m, r, p, pi);
		break;
	case CVZ_K_END:
	case CVZ_K_FAIL:
	case CVZ_K_CANCEL:
		if (task_find(m, r->task, &i))
			task_end(m, r->t, i, r->kind, r->name, p);
		else
			m->st.unmatched++;
		break;
	case CVZ_K_STATE:
		take_state(m, r, p);
		break;
	case CVZ_K_MARK: {
		uint32_t lane = prod_lane(m, p);
		if (lane == NONE) {
			m->st.refused++;
			break;
		}
		struct map_task *cur = m->lanes[lane].cur ? task_find(m, m->lanes[lane].cur, NULL) : NULL;
		put_name(m, r->t, lane, cur ? cur->index : CV_NO_TASK, EV_USER_MARK, 0, r->name);
		break;
	}
	case CVZ_K_SPAWN:
		take_spawn(m, r, p, pi);
		break;
	case CVZ_K_RUN:
	case CVZ_K_WAIT:
		take_step(m, r, p);
		break;
	case CVZ_K_LOOP_POLL:
	case CVZ_K_LOOP_RUN:
	case CVZ_K_LOOP_STOP:
		take_loop(m, r, p);
		break;
	case SDK_GONE:
		take_gone(m, r->t, pi);
		break;
	default:
		m->st.refused++;
	}
	return 0;
}

/* Emit the drop and reject marks when they changed. */
void sdk_map_counts(struct sdk_map *m, uint64_t t, uint64_t dropped, uint64_t rejected)
{
	rejected += m->st.refused;
	if (dropped != m->last_dropped) {
		put(m, t, 0, CV_NO_TASK, EV_MARK, 0, MARK_SDK_DROPPED, dropped);
		m->last_dropped = dropped;
	}
	if (rejected != m->last_rejected) {
		put(m, t, 0, CV_NO_TASK, EV_MARK, 0, MARK_SDK_REJECTED, rejected);
		m->last_rejected = rejected;
	}
}

/* End everything still open: every producer is gone. */
void sdk_map_finish(struct sdk_map *m, uint64_t t)
{
	for (uint32_t i = 0; i < m->prods.n; i++) {
		struct map_prod *p = pool_at(&m->prods, i);
		if (u64map_get(&m->prod_ix, p->key) == i)
			take_gone(m, t, i);
	}
}

/* The explicit state of lane l, 0 when none. */
unsigned sdk_map_lane_override(const struct sdk_map *m, uint32_t lane)
{
	return lane < m->nlanes ? m->lanes[lane].over : 0;
}

/* The task running on lane l, CV_NO_TASK when none. */
uint32_t sdk_map_lane_task(const struct sdk_map *m, uint32_t lane)
{
	if (lane >= m->nlanes || !m->lanes[lane].cur)
		return CV_NO_TASK;
	uint32_t i = u64map_get(&m->task_ix, m->lanes[lane].cur);
	return i == NONE ? CV_NO_TASK : ((const struct map_task *)pool_at(&m->tasks, i))->index;
}

/* Copy the counts. */
void sdk_map_stats(const struct sdk_map *m, struct sdk_map_stats *out)
{
	*out = m->st;
}
