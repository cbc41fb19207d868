/*
 * tasklog.c - a traced program's task events and user marks (tasklog.h).
 *
 * The ring is made on the first entry. A user mark's name comes as pieces
 * (event.h, "Names") that one source emits one after another: they are put
 * together in `pending` until the last one, then the name goes into a pool
 * of bytes (names are not NUL-terminated there) and the mark into the
 * ring and the per-lane marks. A piece that does not continue the pending
 * name (another lane, a gap) drops the pending one.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "tasklog.h"

struct tasklog {
	struct tasklog_entry *ring;   /* TASKLOG_EVENTS, or NULL until the first entry */
	uint64_t n;                   /* entries ever added */
	struct lanemarks *marks;      /* every user mark, per lane */
	char *names;                  /* the marks' names, one after another */
	size_t names_len, names_cap;
	bool open;                    /* a mark's name is being put together */
	uint32_t open_lane, open_task;
	int64_t open_t;
	char open_name[CV_NAME_MAX + 1];
};

/* Return the tasklog of tl, making it; NULL when out of memory. */
static struct tasklog *tasklog_of(struct timeline *tl)
{
	if (!tl->tasklog)
		tl->tasklog = calloc(1, sizeof *tl->tasklog);
	return tl->tasklog;
}

/* Append an entry to the ring; 0 or -ENOMEM. */
static int tasklog_put(struct tasklog *g, const struct tasklog_entry *e)
{
	if (!g->ring && !(g->ring = malloc(TASKLOG_EVENTS * sizeof *g->ring)))
		return -ENOMEM;
	g->ring[g->n++ % TASKLOG_EVENTS] = *e;
	return 0;
}

/* Keep len bytes of name in the pool; returns where, or the pool's end
 * with *len = 0 when the pool is full or out of memory. */
static uint64_t tasklog_keep(struct tasklog *g, const char *name, uint32_t *len)
{
	if (g->names_len + *len > TASKLOG_NAMES_MAX) {
		*len = 0;
		return g->names_len;
	}
	if (g->names_len + *len > g->names_cap) {
		size_t cap = g->names_cap ? g->names_cap : 4096;
		while (cap < g->names_len + *len)
			cap *= 2;
		char *p = realloc(g->names, cap);
		if (!p) {
			*len = 0;
			return g->names_len;
		}
		g->names = p;
		g->names_cap = cap;
	}
	memcpy(g->names + g->names_len, name, *len);
	uint64_t at = g->names_len;
	g->names_len += *len;
	return at;
}

/* Take one piece of a user mark's name; a whole name becomes a mark. */
static int tasklog_piece(struct tasklog *g, const struct cv_event *ev, int64_t t)
{
	unsigned off = ev->code & ~CV_NAME_LAST;
	if (off == 0) {
		g->open = true;
		g->open_lane = ev->lane;
		g->open_task = ev->task;
		g->open_t = t;
	} else if (!g->open || g->open_lane != ev->lane || off != strlen(g->open_name)) {
		g->open = false;                   /* not the pending name's next piece */
		return 0;
	}
	int rc = cv_name_apply(g->open_name, sizeof g->open_name, ev);
	if (rc < 0)
		g->open = false;
	if (rc != 1)
		return 0;
	g->open = false;
	uint32_t len = (uint32_t)strlen(g->open_name);
	uint64_t at = tasklog_keep(g, g->open_name, &len);
	struct lanemark m = { g->open_t, at, len, g->open_task };
	int e = lanemarks_add(&g->marks, g->open_lane, &m);
	if (e == -EINVAL)
		return 0;                          /* a lane past the limit: not kept */
	if (e < 0)
		return e;
	struct tasklog_entry en = { g->open_t, at, g->open_lane, g->open_task, EV_USER_MARK, 0, len };
	return tasklog_put(g, &en);
}

/* Take one event; see tasklog.h. */
int tasklog_event(struct timeline *tl, const struct cv_event *ev, int64_t t)
{
	bool task = ev->kind == EV_TASK_QUEUED || ev->kind == EV_TASK_BEGIN ||
		    ev->kind == EV_TASK_END || ev->kind == EV_TASK_FAIL;
	bool sdk = ev->kind == EV_MARK && ev->aux >= MARK_SDK_DROPPED && ev->aux <= MARK_SDK_PYTHON;
	if (ev->kind != EV_USER_MARK && !((task && tl->trace.traced) || sdk))
		return 0;
	struct tasklog *g = tasklog_of(tl);
	if (!g)
		return -ENOMEM;
	if (ev->kind == EV_USER_MARK)
		return tasklog_piece(g, ev, t);
	struct tasklog_entry e = { t, ev->arg, ev->lane, ev->task, ev->kind, ev->code, ev->aux };
	return tasklog_put(g, &e);
}

/* Return how many entries the ring holds. */
size_t tasklog_count(const struct timeline *tl)
{
	const struct tasklog *g = tl->tasklog;
	if (!g || !g->ring)
		return 0;
	return g->n < TASKLOG_EVENTS ? (size_t)g->n : TASKLOG_EVENTS;
}

/* Return the i-th newest entry. */
const struct tasklog_entry *tasklog_get(const struct timeline *tl, size_t i)
{
	const struct tasklog *g = tl->tasklog;
	return &g->ring[(g->n - 1 - i) % TASKLOG_EVENTS];
}

/* Return the user marks of lane l in [t0, t1). */
size_t tasklog_marks(const struct timeline *tl, uint32_t l, int64_t t0, int64_t t1,
		     const struct lanemark **first)
{
	*first = NULL;
	return tl->tasklog ? lanemarks_range(tl->tasklog->marks, l, t0, t1, first) : 0;
}

/* Return the number of user marks. */
size_t tasklog_mark_count(const struct timeline *tl)
{
	return tl->tasklog ? lanemarks_count(tl->tasklog->marks) : 0;
}

/* Copy a mark's name into buf. */
const char *tasklog_name(const struct timeline *tl, uint64_t at, uint32_t len, char *buf, size_t n)
{
	const struct tasklog *g = tl->tasklog;
	if (!n)
		return buf;
	buf[0] = 0;
	if (!g || at > g->names_len || len > g->names_len - at)
		return buf;
	size_t k = len < n - 1 ? len : n - 1;
	while (k < len && k > 0 && ((unsigned char)g->names[at + k] & 0xc0) == 0x80)
		k--;                               /* cut at a character boundary */
	memcpy(buf, g->names + at, k);
	buf[k] = 0;
	return buf;
}

/* Free everything. */
void tasklog_free(struct timeline *tl)
{
	struct tasklog *g = tl->tasklog;
	if (!g)
		return;
	free(g->ring);
	lanemarks_free(g->marks);
	free(g->names);
	free(g);
	tl->tasklog = NULL;
}
